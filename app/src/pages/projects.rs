//! `/p/{slug}/projects`: the reader's projects (every project for a superadmin). Superadmins
//! create and delete projects, owners rename and configure theirs; the server renders the page
//! and its forms (`components::projects`), and a change loads the console again so that the
//! project picker follows.
use super::sections::PageHeader;
use crate::api::projects_page;
use crate::components::ServerHtml;
use crate::i18n::{Strings, EN};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ProjectsPage() -> impl IntoView {
    let s: &'static Strings = use_context().unwrap_or(&EN);
    let params = use_params_map();
    let html = crate::codec::server_html(
        move || params.read().get("project").unwrap_or_default(),
        projects_page,
    );
    let refresh = Callback::new(move |()| html.refetch());
    view! {
        <PageHeader title=s.projects lead=s.projects_lead />
        <Transition fallback=move || view! { <p class="muted">{s.loading}</p> }>
            {move || Suspend::new(async move { view! { <ServerHtml html=html.await refresh=refresh /> } })}
        </Transition>
    }
}
