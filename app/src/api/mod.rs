//! Server functions: thin — authenticate, check permission, call one service function.
mod account;
mod admin;
mod audit;
mod groups;
mod imports;
mod invitations;
mod overview;
mod projects;
mod roles;
mod session;
mod signup;
mod users;

pub use account::*;
pub use admin::*;
pub use audit::*;
pub use groups::*;
pub use imports::*;
pub use invitations::*;
pub use overview::*;
pub use projects::*;
pub use roles::*;
pub use session::*;
pub use signup::*;
pub use users::*;

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
        pub directory: crate::server::users::RequestDirectory,
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
            directory: parts.extensions.get().cloned().unwrap_or_default(),
        })
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
