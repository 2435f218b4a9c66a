//! Pages and the app's routes. The current project is part of every console URL:
//! `/p/{slug}/users`, `/p/{slug}/roles`, …; `/users` and friends redirect there (server side).
//!
//! Every route renders in place on the server (`SsrMode::Async`): the response is the whole
//! page with its data, readable before (or without) any script. Only the users list is in the
//! first wasm chunk; every other page is a lazy route whose code loads when it is first visited
//! (`cargo leptos build --split`).
mod account;
pub mod account_text;
mod audit;
mod console;
mod credentials;
pub mod detail_text;
mod groups;
mod imports;
mod invitations;
mod login;
mod overview;
mod projects;
pub mod public_text;
mod roles;
mod sections;
mod signup;
mod two_factor;
mod user_actions;
mod user_detail;
mod users;

use crate::components::{provide_toaster, Toasts};
use crate::model::{Language, Viewer};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

/// Whether keyboard focus is in a text field or select (where shortcut keys are typing).
pub(crate) fn typing_in_a_field() -> bool {
    document()
        .active_element()
        .map(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
        .unwrap_or(false)
}

/// The signed-in person (None when signed out), known before anything renders: the server
/// takes it from the request's session and writes it into the page as JSON, which the browser
/// reads back when it hydrates. No page waits on a resource for it, so no Suspense around the
/// console re-runs a page (and its data loads) while resolving.
#[derive(Clone)]
pub struct CurrentViewer(pub Option<Viewer>);

const VIEWER_ELEMENT: &str = "roster-viewer";

/// The language the page is written in: the signed-in person's, or before sign-in the best
/// of the browser's `Accept-Language`. The server writes it on `<html lang>`, where the browser
/// reads it back when it hydrates, so both render the same words.
#[derive(Clone, Copy)]
pub struct PageLanguage(pub Language);

/// The page's language, for pages that render before the person is known.
pub fn page_lang() -> Language {
    use_context::<PageLanguage>()
        .map(|l| l.0)
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
fn page_language() -> Language {
    if let Some(v) = current_viewer() {
        return v.language;
    }
    use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|h| h.to_str().ok())
                .map(crate::i18n::accept_language)
        })
        .unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
fn page_language() -> Language {
    document()
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .map(|l| Language::parse(&l))
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
fn current_viewer() -> Option<Viewer> {
    let parts = use_context::<http::request::Parts>()?;
    let auth = parts.extensions.get::<crate::server::auth::Auth>()?;
    auth.0
        .as_deref()
        .map(crate::server::auth::Principal::viewer)
}

#[cfg(not(feature = "ssr"))]
fn current_viewer() -> Option<Viewer> {
    let text = document()
        .get_element_by_id(VIEWER_ELEMENT)?
        .text_content()?;
    serde_json::from_slice(text.as_bytes()).ok().flatten()
}

/// The viewer as JSON in the page's `<head>` (which only the server renders). `<` is escaped,
/// so no value can close the script element.
#[component]
fn ViewerScript() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let json = serde_json::to_string(&current_viewer())
        .unwrap_or_else(|_| "null".to_string())
        .replace('<', "\\u003c");
    #[cfg(not(feature = "ssr"))]
    let json = String::new();
    view! { <script type="application/json" id=VIEWER_ELEMENT inner_html=json></script> }
}

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_csp();
    // The server knows the person's language and theme: the first paint has both.
    let lang = page_language().as_str();
    let theme = current_viewer().map(|v| v.theme.as_str());
    view! {
        <!DOCTYPE html>
        <html lang=lang data-theme=theme>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="data:," />
                <HashedStylesheet id="leptos" options=options.clone() />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
                <ViewerScript />
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
    provide_context(CurrentViewer(current_viewer()));
    provide_context(PageLanguage(page_language()));
    // Lets browser tests (and people debugging) tell a hydrated page from server-rendered HTML.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    // Async on every route: the server waits for the page's data and sends it in place, never
    // a "Loading…" placeholder swapped in by script (the data is fast; waiting once costs less).
    view! {
        <Title text="Roster" />
        <Router>
            <Routes fallback=|| view! { <sections::NotFound /> }>
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/reset-password") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/invitation") view={Lazy::<AcceptInvitationRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/verify-email") view={Lazy::<VerifyEmailRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/p/:project/signup") view={Lazy::<SignupRoute>::new()} ssr=SsrMode::Async />
                <ParentRoute path=path!("/p/:project") view=console::Console ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<OverviewRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("users") view=users::UsersPage ssr=SsrMode::Async />
                    <Route path=path!("users/import") view={Lazy::<ImportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("users/import/:id") view={Lazy::<ImportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("users/export") view={Lazy::<ExportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("users/:id") view={Lazy::<UserDetailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("roles") view={Lazy::<RolesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("groups") view={Lazy::<GroupsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("groups/:id") view={Lazy::<GroupsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("projects") view={Lazy::<ProjectsRoute>::new()} ssr=SsrMode::Async />
                </ParentRoute>
                <ParentRoute path=path!("/account") view=console::Console ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
        <Toasts />
    }
}

/// A page whose code is split out of the first wasm chunk and loaded on its first visit. The
/// page creates its own resources, so the route carries no data.
macro_rules! lazy_page {
    ($($route:ident => $page:path),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }
    )*};
}

lazy_page! {
    LoginRoute => login::LoginPage,
    ForgotPasswordRoute => login::ForgotPasswordPage,
    ResetPasswordRoute => login::ResetPasswordPage,
    AcceptInvitationRoute => invitations::AcceptInvitationPage,
    SignupRoute => signup::SignupPage,
    VerifyEmailRoute => signup::VerifyEmailPage,
    UserDetailRoute => user_detail::UserDetailPage,
    ImportRoute => imports::ImportPage,
    ExportRoute => imports::ExportPage,
    RolesRoute => roles::RolesPage,
    GroupsRoute => groups::GroupsPage,
    AuditRoute => audit::AuditPage,
    OverviewRoute => overview::OverviewPage,
    ProjectsRoute => projects::ProjectsPage,
    AccountRoute => account::AccountPage,
}

/// Loads the code of the lazy route `path` opens (one split wasm chunk), so that the page then
/// hydrates synchronously with its code at hand (`hydrate_body`, see `frontend`). The paths
/// mirror the `<Routes>` of [`App`]: a route added there as `Lazy` is added here too, or its
/// page fails to hydrate on a first visit (every page's browser test would say so).
pub async fn load_route_code(path: &str) {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["login"] => LoginRoute::preload().await,
        ["forgot-password"] => ForgotPasswordRoute::preload().await,
        ["reset-password"] => ResetPasswordRoute::preload().await,
        ["invitation"] => AcceptInvitationRoute::preload().await,
        ["verify-email"] => VerifyEmailRoute::preload().await,
        ["p", _, "signup"] => SignupRoute::preload().await,
        ["p", _, "users", "import"] | ["p", _, "users", "import", _] => {
            ImportRoute::preload().await
        }
        ["p", _, "users", "export"] => ExportRoute::preload().await,
        ["p", _, "users", _] => UserDetailRoute::preload().await,
        ["p", _, "roles"] => RolesRoute::preload().await,
        ["p", _, "groups"] | ["p", _, "groups", _] => GroupsRoute::preload().await,
        ["p", _, "audit"] => AuditRoute::preload().await,
        ["p", _] => OverviewRoute::preload().await,
        ["p", _, "projects"] => ProjectsRoute::preload().await,
        ["account"] => AccountRoute::preload().await,
        _ => {}
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
    // `cargo leptos watch` (LEPTOS_WATCH) reloads pages over a websocket; nothing else may.
    let reload = if std::env::var_os("LEPTOS_WATCH").is_some() {
        " ws://127.0.0.1:3001 ws://localhost:3001"
    } else {
        ""
    };
    let csp = format!(
        "default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'{reload}; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = http::HeaderValue::from_str(&csp) {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
    }
}
