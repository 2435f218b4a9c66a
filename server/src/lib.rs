//! Roster's HTTP server: the router (exported so tests drive the real thing), middleware,
//! configuration and the demo-data seeder.
#![recursion_limit = "256"]

/// mimalloc rather than glibc's malloc, for the server, its tests and benchmarks alike: under
/// load glibc's arenas spent ~19% of a signed-in page's CPU in `perf` (README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod assets;
pub mod audit;
pub mod config;
pub mod download;
pub mod exports;
pub mod imports;
pub mod middleware;
pub mod seed;

use app::server::auth::Auth;
use app::server::password::Passwords;
use app::server::{AppState, Db};
use app::{shell, App};
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, get_service, MethodRouter};
use axum::{Extension, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Opens the database, migrates it and bootstraps an empty one; prints first-start credentials.
pub async fn prepare(config: &config::Config) -> Result<AppState, String> {
    let auth = config.auth()?;
    // A bad SMTP_URL stops the start here, before anything is written.
    config.mailer(&auth)?;
    let db = Db::open(config.database_url.as_deref(), &config.data_dir)
        .await
        .map_err(|_| "cannot open the database (see the log above)".to_string())?;
    db.migrate()
        .await
        .map_err(|_| "cannot migrate the database (see the log above)".to_string())?;
    let passwords = Passwords::new(config.passwords());
    match app::server::bootstrap::bootstrap(
        &db,
        &passwords,
        config.admin_email.as_deref(),
        config.admin_password.as_deref(),
    )
    .await
    {
        Ok(Some(created)) => {
            println!("\n  Roster is ready. Sign in at {}/login", auth.public_url);
            println!("    email:    {}", created.email);
            match &created.generated_password {
                Some(p) => println!("    password: {p}   (generated; shown only this once)\n"),
                None => println!("    password: the one in ROSTER_ADMIN_PASSWORD\n"),
            }
        }
        Ok(None) => {}
        Err(e) => return Err(format!("first-start setup failed: {e}")),
    }
    let leptos_options = LeptosOptions::builder()
        .output_name("roster")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .hash_files(assets::hashed_build())
        .build();
    Ok(AppState {
        leptos_options,
        db,
        passwords,
        auth: Arc::new(auth),
        geoip: config.geoip(),
    })
}

/// Prunes stale sign-in throttle rows every ten minutes, for as long as the server runs.
pub async fn prune_throttle_forever(state: AppState) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        match app::server::throttle::prune_throttle(&state.db, &state.auth.throttle).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rows = n, "pruned stale sign-in throttle rows"),
            Err(e) => tracing::warn!(error = %e, "could not prune sign-in throttle rows"),
        }
    }
}

/// Console paths without a project; each redirects into the viewer's current project.
pub const SHORT_PATHS: [&str; 5] = ["/users", "/roles", "/groups", "/audit", "/projects"];

/// Every route the router serves besides Leptos's pages and server functions, each answering
/// GET (and HEAD). [`router`] is built from this table and the access-matrix test reads it, so
/// no route escapes the matrix: add routes here, never to the router directly.
pub fn plain_routes(options: &LeptosOptions) -> Vec<(&'static str, MethodRouter<AppState>)> {
    let mut r = vec![
        ("/healthz", get(healthz)),
        ("/", get(home)),
        ("/p/{project}/audit/export", get(audit::export)),
        (
            "/p/{project}/users/import/template.csv",
            get(imports::template),
        ),
        (
            "/p/{project}/users/import/{id}/errors.csv",
            get(imports::errors),
        ),
        ("/p/{project}/users/export/download", get(exports::download)),
        (
            "/pkg/{*file}",
            get_service(assets::service(&options.site_root, options.hash_files)),
        ),
    ];
    for path in SHORT_PATHS {
        r.push((path, get(short_path)));
    }
    r
}

/// The routes besides server functions that change something, each answering POST; like
/// [`plain_routes`], the access-matrix test reads this table.
pub fn plain_post_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![(
        "/p/{project}/users/import/upload",
        // The upload counts its own bytes (`ROSTER_IMPORT_MAX_MB`) and answers 413 past them.
        axum::routing::post(imports::upload).layer(axum::extract::DefaultBodyLimit::disable()),
    )]
}

/// The app's route list, generated once per process. Generating it renders the app with
/// resource loading suppressed by a process-wide flag (leptos_server's `SuppressResourceLoad`),
/// and a resource first polled while that flag is up never resolves (leptos-rs/leptos#4773):
/// a second router built while another serves pages (as tests do, many apps in one process)
/// would hang those pages forever.
pub fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole application: pages, server functions, health check, static files, middleware.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    let mut router = Router::new();
    for (path, route) in plain_routes(&options)
        .into_iter()
        .chain(plain_post_routes())
    {
        router = router.route(path, route);
    }
    router
        .leptos_routes_with_context(&state, routes, leptos::nonce::provide_nonce, move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(leptos::nonce::provide_nonce, shell))
        .layer(axum::middleware::from_fn(middleware::error_status))
        .layer(axum::middleware::from_fn(middleware::require_sign_in))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::request_context,
        ))
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(5)))
        .layer(
            TraceLayer::new_for_http()
                // The path only: a query string can hold a token (a reset or invitation link).
                .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                    tracing::info_span!("request", method = %req.method(), path = req.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}

/// `/` goes to the viewer's landing page, or to sign-in.
async fn home(Extension(auth): Extension<Auth>) -> Response {
    match auth.0 {
        Some(p) => Redirect::to(&p.viewer().landing()).into_response(),
        None => Redirect::to("/login").into_response(),
    }
}

/// `/users`, `/roles`, … → the same page in the viewer's current project, query kept. The
/// current project is the one named by the `roster_project` cookie (set by the console when a
/// project is picked) when the viewer may manage it, else their first project.
async fn short_path(
    Extension(auth): Extension<Auth>,
    OriginalUri(uri): OriginalUri,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(p) = auth.0 else {
        return Redirect::to(&format!(
            "/login?next={}",
            app::model::encode_query_value(&uri.to_string())
        ))
        .into_response();
    };
    let remembered = headers
        .get(axum::http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| app::server::auth::cookie_value(c, "roster_project"));
    let managed = |slug: &str| {
        p.projects
            .iter()
            .any(|pr| pr.slug == slug && pr.sees_console())
    };
    let slug = remembered.filter(|s| managed(s)).or_else(|| {
        p.projects
            .iter()
            .find(|pr| pr.sees_console())
            .map(|pr| pr.slug.clone())
    });
    match slug {
        Some(slug) => {
            let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
            Redirect::to(&format!("/p/{slug}{}{query}", uri.path())).into_response()
        }
        None => Redirect::to("/account").into_response(),
    }
}
