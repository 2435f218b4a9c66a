//! `/p/{slug}/audit`: the project's audit log. The server renders the log itself (filters,
//! events, pager: `components::audit_log`); this page only asks for the HTML of its URL, so
//! its code is a few kilobytes whatever the log shows.
use super::sections::PageHeader;
use crate::api::audit_log;
use crate::components::ServerHtml;
use crate::i18n::{Strings, EN};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};

#[component]
pub fn AuditPage() -> impl IntoView {
    let s: &'static Strings = use_context().unwrap_or(&EN);
    let params = use_params_map();
    let location = use_location();
    let html = crate::codec::server_html(
        move || {
            (
                params.read().get("project").unwrap_or_default(),
                location.search.get(),
            )
        },
        |(project, query)| audit_log(project, query),
    );
    view! {
        <PageHeader title=s.audit lead=s.audit_lead />
        <Transition fallback=move || view! { <p class="muted">{s.loading}</p> }>{move || Suspend::new(async move { view! { <ServerHtml html=html.await /> } })}</Transition>
    }
}
