//! Pages of the console's sections. Each has its title, one-line description and states.
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub(crate) fn PageHeader(
    title: &'static str,
    lead: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <Title text=format!("{title} · Roster") />
        <div class="page-header">
            <div>
                <h1>{title}</h1>
                <p class="muted">{lead}</p>
            </div>
            <div class="page-actions">{children.map(|c| c())}</div>
        </div>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    let s = crate::i18n::strings(super::page_lang());
    view! {
        <Title text=format!("{} · Roster", s.not_found) />
        <div class="auth-page">
            <div class="auth-card">
                <h1>{s.not_found}</h1>
                <p class="muted">{s.not_found_lead}</p>
                <a class="button block" href="/">{s.go_to_roster}</a>
            </div>
        </div>
    }
}
