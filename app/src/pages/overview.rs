//! `/p/{slug}`: the project at a glance. The server renders the figures and the chart
//! (`components::overview`); this page shows that HTML.
use super::sections::PageHeader;
use crate::api::project_overview;
use crate::components::ServerHtml;
use crate::i18n::{Strings, EN};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let s: &'static Strings = use_context().unwrap_or(&EN);
    let params = use_params_map();
    let html = crate::codec::server_html(
        move || params.read().get("project").unwrap_or_default(),
        project_overview,
    );
    view! {
        <PageHeader title=s.overview lead=s.overview_lead />
        <Transition fallback=move || view! { <p class="muted">{s.loading}</p> }>
            {move || Suspend::new(async move { view! { <ServerHtml html=html.await /> } })}
        </Transition>
    }
}
