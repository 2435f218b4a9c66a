//! `/account`: the signed-in person's own profile, password, sessions and sign-ins. Any
//! signed-in person may call these, on their own account only.
use crate::model::{AppError, Page, ProfileForm, SessionInfo, SignInEvent};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

#[server(input = Json, endpoint = "update_profile")]
pub async fn update_profile(profile: ProfileForm) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    crate::server::account::update_profile(&c.state, p, &c.meta, &profile).await
}

#[server(endpoint = "change_password")]
pub async fn change_password(
    current: String,
    new: String,
    confirm: String,
) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    if new != confirm {
        return Err(AppError::validation(
            "confirm",
            "The two passwords are not the same.",
        ));
    }
    crate::server::account::change_password(&c.state, p, &c.meta, &current, &new).await
}

#[server(input = GetUrl, endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionInfo>, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    crate::server::account::sessions(&c.state, p).await
}

/// Ends one of the caller's sessions, or (`None`) all but this one; answers how many.
#[server(input = Json, endpoint = "revoke_my_sessions")]
pub async fn revoke_my_sessions(session: Option<i64>) -> Result<u64, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    crate::server::account::revoke_sessions(&c.state, p, &c.meta, session).await
}

#[server(input = GetUrl, endpoint = "my_sign_ins")]
pub async fn my_sign_ins(page: u32) -> Result<Page<SignInEvent>, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    crate::server::account::sign_ins(&c.state, p, page).await
}
