//! Pages of the console's sections. Each has its title, one-line description and states.
use crate::i18n::{fill, Strings, EN};
use crate::model::{Viewer, ALL_PERMISSIONS};
use leptos::prelude::*;
use leptos_meta::Title;

fn strings() -> &'static Strings {
    use_context::<&'static Strings>().unwrap_or(&EN)
}

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
fn Building() -> impl IntoView {
    let s = strings();
    view! {
        <div class="empty-state">
            <p>{s.coming_next}</p>
        </div>
    }
}

#[component]
pub fn ProjectsPage() -> impl IntoView {
    let s = strings();
    let viewer = expect_context::<Viewer>();
    view! {
        <PageHeader title=s.projects lead=s.projects_lead />
        <div class="card">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{s.col_name}</th>
                        <th scope="col">{s.slug}</th>
                        <th scope="col">{s.your_permissions}</th>
                    </tr>
                </thead>
                <tbody>
                    {viewer
                        .projects
                        .iter()
                        .map(|p| {
                            view! {
                                <tr>
                                    <td>
                                        <a href=format!("/p/{}/users", p.slug)>{p.name.clone()}</a>
                                    </td>
                                    <td class="mono">{p.slug.clone()}</td>
                                    <td class="muted">
                                        {fill(s.n_of_m, &[("n", &p.permissions.len().to_string()), ("m", &ALL_PERMISSIONS.len().to_string())])}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
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
