//! Server functions: thin — authenticate, check permission, call one service function.
mod session;

pub use session::*;

/// Request-scoped handles for server functions (ssr only).
#[cfg(feature = "ssr")]
pub(crate) mod ctx {
    use crate::model::AppError;
    use crate::server::auth::{Auth, RequestMeta};
    use crate::server::AppState;
    use leptos::prelude::*;

    pub struct Ctx {
        pub state: AppState,
        pub meta: RequestMeta,
        pub auth: Auth,
    }

    /// The app state and what the middleware learnt about this request.
    pub fn ctx() -> Result<Ctx, AppError> {
        let state = use_context::<AppState>().ok_or(AppError::Internal)?;
        let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
        Ok(Ctx {
            state,
            meta: parts
                .extensions
                .get::<RequestMeta>()
                .cloned()
                .unwrap_or_default(),
            auth: parts.extensions.get::<Auth>().cloned().unwrap_or_default(),
        })
    }

    /// Gives a failed server function the HTTP status of its error (401, 403, 422, …) instead of
    /// a blanket 500; the body stays the error's JSON.
    pub fn respond<T>(r: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(e) = &r {
            if let (Some(res), Ok(code)) = (
                use_context::<leptos_axum::ResponseOptions>(),
                http::StatusCode::from_u16(e.status()),
            ) {
                // A redirect already chosen (a plain form post) stays a redirect.
                let mut parts = res.0.write().unwrap_or_else(|p| p.into_inner());
                if parts.status.is_none() {
                    parts.status = Some(code);
                }
            }
        }
        r
    }

    /// Sets a response header from inside a server function.
    pub fn set_header(name: http::HeaderName, value: &str) {
        if let (Some(res), Ok(v)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(value),
        ) {
            res.append_header(name, v);
        }
    }

    /// Plain HTML form posts (no JavaScript) are answered with a redirect to `to`.
    pub fn redirect_form_post(to: &str) {
        let is_form = use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| v.contains("text/html"))
            })
            .unwrap_or(false);
        if is_form {
            if let (Some(res), Ok(v)) = (
                use_context::<leptos_axum::ResponseOptions>(),
                http::HeaderValue::from_str(to),
            ) {
                res.insert_header(http::header::LOCATION, v);
                res.set_status(http::StatusCode::SEE_OTHER);
            }
        }
    }
}
