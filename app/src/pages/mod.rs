//! Pages and the app's routes. The current project is part of every console URL:
//! `/p/{slug}/users`, `/p/{slug}/roles`, …; `/users` and friends redirect there (server side).
mod console;
mod login;
mod sections;
mod user_actions;
mod user_detail;
mod users;

use crate::api::get_viewer;
use crate::components::{provide_toaster, Toasts};
use crate::model::{AppError, Viewer};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// Whether keyboard focus is in a text field or select (where shortcut keys are typing).
pub(crate) fn typing_in_a_field() -> bool {
    document()
        .active_element()
        .map(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
        .unwrap_or(false)
}

/// The signed-in person, loaded once per page load and shared by every page.
pub type ViewerResource = Resource<Result<Option<Viewer>, AppError>>;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_csp();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="data:," />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_toaster();
    let viewer: ViewerResource = Resource::new(|| (), |_| get_viewer());
    provide_context(viewer);
    // Lets browser tests (and people debugging) tell a hydrated page from server-rendered HTML.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/roster.css" />
        <Title text="Roster" />
        <Router>
            <Routes fallback=|| view! { <sections::NotFound /> }>
                <Route path=path!("/login") view=login::LoginPage />
                <Route path=path!("/forgot-password") view=login::ForgotPasswordPage />
                <Route path=path!("/reset-password") view=login::ResetPasswordPage />
                <ParentRoute path=path!("/p/:project") view=console::Console>
                    <Route path=path!("users") view=users::UsersPage />
                    <Route path=path!("users/:id") view=user_detail::UserDetailPage />
                    <Route path=path!("roles") view=sections::RolesPage />
                    <Route path=path!("groups") view=sections::GroupsPage />
                    <Route path=path!("audit") view=sections::AuditPage />
                    <Route path=path!("projects") view=sections::ProjectsPage />
                </ParentRoute>
                <ParentRoute path=path!("/account") view=console::Console>
                    <Route path=path!("") view=sections::AccountPage />
                </ParentRoute>
            </Routes>
        </Router>
        <Toasts />
    }
}

/// The page's Content-Security-Policy: scripts only from this origin or with this response's
/// nonce (Leptos's hydration script), wasm allowed to compile, nothing may frame the page.
#[cfg(feature = "ssr")]
fn set_csp() {
    let Some(res) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let script = match leptos::nonce::use_nonce() {
        Some(n) => format!("'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_string(),
    };
    let csp = format!(
        "default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self' ws://127.0.0.1:3001 ws://localhost:3001; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = http::HeaderValue::from_str(&csp) {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
    }
}
