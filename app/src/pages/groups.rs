//! `/p/{slug}/groups` and `/p/{slug}/groups/{id}`: the project's groups, one group's members
//! and the "Add members" picker. The server renders all of it, forms and dialogs included
//! (`components::groups`); this page asks for the HTML of its URL and shows it again after a
//! change, so its code is a few kilobytes whatever the page does.
use super::sections::PageHeader;
use crate::api::groups_page;
use crate::components::ServerHtml;
use crate::i18n::{Strings, EN};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};

#[component]
pub fn GroupsPage() -> impl IntoView {
    let s: &'static Strings = use_context().unwrap_or(&EN);
    let params = use_params_map();
    let location = use_location();
    let html = crate::codec::server_html(
        move || {
            let p = params.read();
            (
                p.get("project").unwrap_or_default(),
                p.get("id").and_then(|id| id.parse::<i64>().ok()),
                location.search.get(),
            )
        },
        |(project, id, query)| groups_page(project, id, query),
    );
    let refresh = Callback::new(move |()| html.refetch());
    view! {
        <PageHeader title=s.groups lead=s.groups_lead />
        <Transition fallback=move || view! { <p class="muted">{s.loading}</p> }>
            {move || Suspend::new(async move { view! { <ServerHtml html=html.await refresh=refresh /> } })}
        </Transition>
    }
}
