//! `/p/{slug}/roles`: the project's roles (anyone who may read its users), created, edited and
//! deleted by holders of `roles:manage`. The server renders the table, each role's preview and
//! the forms (`components::roles`); the server enforces every rule (see `server::roles`). This
//! page asks for the HTML and shows it again after a change, so its code is a few kilobytes.
use super::sections::PageHeader;
use crate::api::roles_page;
use crate::components::ServerHtml;
use crate::i18n::{Strings, EN};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn RolesPage() -> impl IntoView {
    let s: &'static Strings = use_context().unwrap_or(&EN);
    let params = use_params_map();
    let html = crate::codec::server_html(
        move || params.read().get("project").unwrap_or_default(),
        roles_page,
    );
    let refresh = Callback::new(move |()| html.refetch());
    view! {
        <PageHeader title=s.roles lead=s.roles_lead />
        <Transition fallback=move || view! { <p class="muted">{s.loading}</p> }>
            {move || Suspend::new(async move { view! { <ServerHtml html=html.await refresh=refresh /> } })}
        </Transition>
    }
}
