//! Request middleware: who is calling (session → principal), refusing cross-site writes,
//! sending anonymous page loads to sign-in, and security headers on every response.
use app::model::{AppError, Language};
use app::server::auth::{self, Auth, RequestMeta};
use app::server::devices;
use app::server::error_text::localize;
use app::server::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;
use std::sync::Arc;

/// Resolves the session cookie to a [`auth::Principal`] and records where the request came
/// from; refuses state-changing requests sent from another site.
pub async fn request_context(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let headers = req.headers();
    // Only the host names Roster is configured for (a rebinding attacker's name is not one);
    // load balancers probe /healthz by address.
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    if req.uri().path() != "/healthz" && !host.is_some_and(|h| state.auth.host_allowed(h)) {
        return (
            StatusCode::MISDIRECTED_REQUEST,
            "Roster does not answer for this host name.",
        )
            .into_response();
    }
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let forwarded = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let ip = if state.auth.trust_proxy {
        forwarded("x-forwarded-for")
            .and_then(|v| auth::forwarded_client(&v, state.auth.proxy_hops))
            .map(|a| a.to_string())
            .or(peer)
    } else {
        peer
    }
    .unwrap_or_else(|| "unknown".to_string());
    // A forwarded address is client-written text: it keys throttles and lands in the audit log.
    let ip: String = ip.chars().take(app::server::audit::MAX_IP).collect();
    let https = req.uri().scheme_str() == Some("https")
        || (state.auth.trust_proxy && forwarded("x-forwarded-proto").as_deref() == Some("https"));
    let meta = RequestMeta {
        ip,
        user_agent: forwarded("user-agent").unwrap_or_default(),
        https,
        session_token: headers
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|c| auth::token_from_cookies(c, https || state.auth.secure_cookies)),
        device_token: headers
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|c| devices::token_from_cookies(c, https || state.auth.secure_cookies)),
        challenge_token: headers
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|c| {
                app::server::two_factor::token_from_cookies(c, https || state.auth.secure_cookies)
            }),
        language: headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|h| h.to_str().ok())
            .map(app::i18n::accept_language)
            .unwrap_or_default(),
    };

    if is_state_changing(req.method()) {
        if let Err(e) = check_same_site(req.headers()) {
            return error_response(&e);
        }
    }

    // Static assets (the wasm, JS and CSS) and the health check need no principal: no
    // session lookup.
    let path = req.uri().path();
    let is_asset = path.starts_with("/pkg/") || path == "/healthz";
    let reading = matches!(*req.method(), Method::GET | Method::HEAD);
    // Without its database Roster still serves what needs none (assets, the sign-in page, the
    // health check saying so) and answers everything else with 503 at once.
    let db_down = !state.db.is_up();
    if db_down && !is_asset && !(reading && is_public_page(path)) {
        return unavailable(path);
    }
    let principal = match &meta.session_token {
        Some(token) if !is_asset && !db_down => match auth::authenticate(&state, token).await {
            Ok(p) => p.map(Arc::new),
            Err(AppError::Unavailable) => return unavailable(path),
            Err(e) => return error_response(&e),
        },
        _ => None,
    };
    let https = meta.https;
    req.extensions_mut().insert(meta);
    req.extensions_mut().insert(Auth(principal));
    req.extensions_mut()
        .insert(app::server::users::RequestDirectory::default());
    let mut res = next.run(req).await;
    if https {
        // Browsers that reached Roster over https keep to it for two years.
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    res
}

fn is_state_changing(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A state-changing request must come from this site: `Sec-Fetch-Site` (sent by every current
/// browser) must say same-origin, and an `Origin`, when present, must be this host. Requests
/// with neither header are not from a browser, so they carry no ambient cookie to abuse.
pub fn check_same_site(headers: &HeaderMap) -> Result<(), AppError> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return Err(AppError::CrossSite);
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
        if origin == "null" || origin_host != host {
            return Err(AppError::CrossSite);
        }
    }
    Ok(())
}

/// Console pages: anonymous requests are sent to sign-in (with a way back), and a project's
/// pages are only served to people with a permission in that project.
pub async fn require_sign_in(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let project = path
        .strip_prefix("/p/")
        .map(|rest| rest.split('/').next().unwrap_or("").to_string());
    // A project's sign-up page is for people without an account.
    let signup = project.is_some() && path.split('/').nth(3) == Some("signup");
    let console =
        (project.is_some() && !signup) || path == "/account" || path.starts_with("/account/");
    // HEAD renders the same page as GET (without its body): it gets the same guard.
    if !console || !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let auth = req.extensions().get::<Auth>().cloned().unwrap_or_default();
    let Some(principal) = auth.0 else {
        let here = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        return Redirect::to(&format!(
            "/login?next={}",
            app::model::encode_query_value(here)
        ))
        .into_response();
    };
    let Some(slug) = project else {
        return next.run(req).await;
    };
    // A required step (a temporary password, two-factor setup) comes before any project page.
    if principal.required.is_some() {
        return Redirect::to("/account").into_response();
    }
    let allowed = principal
        .projects
        .iter()
        .any(|p| p.slug == slug && p.sees_console());
    if !allowed {
        return forbidden_page();
    }
    // Remember the project in view: the short paths (/users, …) lead back to it.
    let mut res = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&format!(
        "roster_project={slug}; Path=/; SameSite=Lax; Max-Age=31536000"
    )) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// A self-contained page (no scripts, no external styles) for answers given before any page
/// can render.
fn plain_page(status: StatusCode, title: &str, heading: &str, text: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} · Roster</title>\
        <style>body{{font:14px system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;color:#111827}}\
        main{{max-width:420px;text-align:center}}a{{color:#4f46e5}}</style></head><body><main>\
        <h1>{heading}</h1><p>{text}</p><p><a href=\"/\">Go to Roster</a></p></main></body></html>"
    );
    let mut res = (status, axum::response::Html(html)).into_response();
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    res
}

fn forbidden_page() -> Response {
    plain_page(
        StatusCode::FORBIDDEN,
        "No access",
        "You don't have access to this project",
        "Ask one of its owners to add you, or pick another project.",
    )
}

/// How long a client should wait before trying again after a 503.
const RETRY_AFTER_SECONDS: &str = "5";

/// The answer while the database (or the server) cannot serve a request: a 503 at once, as a
/// page for browsers and as an [`AppError`] for the API, with `Retry-After`.
pub fn unavailable(path: &str) -> Response {
    let mut res = if path.starts_with("/api/") {
        error_response(&AppError::Unavailable)
    } else {
        plain_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Unavailable",
            "Roster is unavailable for a moment",
            "It cannot reach its database right now and will be back by itself. Nothing was \
             changed; try again in a few seconds.",
        )
    };
    res.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(RETRY_AFTER_SECONDS),
    );
    res
}

/// Pages anyone may open, which need no database to render.
fn is_public_page(path: &str) -> bool {
    matches!(path, "/login" | "/forgot-password" | "/reset-password")
}

/// Server functions answer every error with a 500 whose body is the `AppError`; this gives
/// each the status of its error (401, 403, 422, …), including argument errors raised before the
/// function runs, and puts its message in the reader's language (the signed-in person's, else
/// the browser's `Accept-Language`). Only 500s are read, and error bodies are small.
pub async fn error_status(req: Request, next: Next) -> Response {
    let lang = request_language(&req);
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Ok(e) = serde_json::from_slice::<AppError>(&bytes) else {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    };
    parts.status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if e == AppError::Unavailable {
        parts.headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
    }
    let body = match localize(e, lang) {
        e @ AppError::Translated { .. } => serde_json::to_vec(&e).map(Into::into).unwrap_or(bytes),
        _ => bytes,
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// The language of the person making the request: their account's once signed in (even
/// half-way), else the best of `Accept-Language`.
fn request_language(req: &Request) -> Language {
    if let Some(p) = req.extensions().get::<Auth>().and_then(|a| a.0.as_deref()) {
        return p.language;
    }
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .map(app::i18n::accept_language)
        .unwrap_or_default()
}

/// An error answered before a server function runs, in the body server functions use (the
/// serialized [`AppError`]), so the browser shows its message.
pub fn error_response(e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(e)).into_response()
}

/// Headers every response carries. Pages set their own nonce-based CSP; anything else gets a
/// policy that allows nothing to run. Nothing but the content-hashed assets (which set their
/// own caching) may be stored by a browser or proxy: pages and API answers hold people's data.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn same_site_rules() {
        assert!(check_same_site(&headers(&[
            ("sec-fetch-site", "same-origin"),
            ("host", "a:1"),
            ("origin", "http://a:1")
        ]))
        .is_ok());
        assert!(check_same_site(&headers(&[])).is_ok());
        assert!(check_same_site(&headers(&[("sec-fetch-site", "cross-site")])).is_err());
        assert!(check_same_site(&headers(&[("sec-fetch-site", "same-site")])).is_err());
        assert!(
            check_same_site(&headers(&[("host", "a:1"), ("origin", "http://evil:1")])).is_err()
        );
        assert!(check_same_site(&headers(&[("host", "a:1"), ("origin", "null")])).is_err());
    }
}
