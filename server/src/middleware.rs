//! Request middleware: who is calling (session → principal), refusing cross-site writes,
//! sending anonymous page loads to sign-in, and security headers on every response.
use app::model::AppError;
use app::server::auth::{self, Auth, RequestMeta};
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
            .and_then(|v| v.split(',').next().map(|s| s.trim().to_string()))
            .or(peer)
    } else {
        peer
    }
    .unwrap_or_else(|| "unknown".to_string());
    let https = req.uri().scheme_str() == Some("https")
        || (state.auth.trust_proxy && forwarded("x-forwarded-proto").as_deref() == Some("https"));
    let meta = RequestMeta {
        ip,
        user_agent: forwarded("user-agent").unwrap_or_default(),
        https,
        session_token: headers
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(auth::token_from_cookies),
    };

    if is_state_changing(req.method()) {
        if let Err(e) = check_same_site(req.headers()) {
            return error_response(&e);
        }
    }

    let principal = match &meta.session_token {
        Some(token) => match auth::authenticate(&state, token).await {
            Ok(p) => p.map(Arc::new),
            Err(e) => return error_response(&e),
        },
        None => None,
    };
    req.extensions_mut().insert(meta);
    req.extensions_mut().insert(Auth(principal));
    next.run(req).await
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

/// Anonymous requests for console pages are sent to sign-in, with a way back.
pub async fn require_sign_in(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let console = path.starts_with("/p/") || path == "/account" || path.starts_with("/account/");
    let anonymous = req
        .extensions()
        .get::<Auth>()
        .map(|a| a.0.is_none())
        .unwrap_or(true);
    if console && anonymous && req.method() == Method::GET {
        let here = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        return Redirect::to(&format!("/login?next={}", encode(here))).into_response();
    }
    next.run(req).await
}

/// Percent-encodes a path for a query parameter.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn error_response(e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        axum::Json(serde_json::json!({ "error": e.to_string() })),
    )
        .into_response()
}

/// Headers every response carries. Pages set their own nonce-based CSP; anything else gets a
/// policy that allows nothing to run.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
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
