//! `/account`: the signed-in person's own profile, password, sessions and sign-ins. Any
//! signed-in person may call these, on their own account only.
use crate::model::{AppError, Page, ProfileForm, SessionInfo, SignInEvent};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

#[server(input = Json, endpoint = "update_profile")]
pub async fn update_profile(profile: ProfileForm) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.any_principal()?;
    crate::server::account::update_profile(&c.state, p, &c.meta, &profile).await
}

#[server(endpoint = "change_password")]
pub async fn change_password(
    current: String,
    new: String,
    confirm: String,
) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.any_principal()?;
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
    let p = c.auth.any_principal()?;
    crate::server::account::sessions(&c.state, p).await
}

/// Ends one of the caller's sessions, or (`None`) all but this one; answers how many.
#[server(input = Json, endpoint = "revoke_my_sessions")]
pub async fn revoke_my_sessions(session: Option<i64>) -> Result<u64, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.any_principal()?;
    crate::server::account::revoke_sessions(&c.state, p, &c.meta, session).await
}

/// [`my_sign_ins`] as `/account` shows it: HTML rendered by the server
/// (`components::audit_log::render_sign_ins`), so the page needs no code to draw it.
#[server(input = GetUrl, endpoint = "my_sign_ins_html")]
pub async fn my_sign_ins_html(page: u32) -> Result<String, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.any_principal()?;
    let items = crate::server::account::sign_ins(&c.state, p, page).await?;
    Ok(crate::components::audit_log::render_sign_ins(
        items, p.language,
    ))
}

#[server(input = GetUrl, endpoint = "my_sign_ins")]
pub async fn my_sign_ins(page: u32) -> Result<Page<SignInEvent>, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.any_principal()?;
    crate::server::account::sign_ins(&c.state, p, page).await
}

#[server(input = GetUrl, endpoint = "two_factor_status")]
pub async fn two_factor_status() -> Result<crate::model::TwoFactorStatus, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.any_principal()?;
    crate::server::two_factor::status(&c.state.db, p.user_id).await
}

/// Starts setting up two-factor authentication: the QR code and the secret to type.
#[server(input = Json, endpoint = "begin_two_factor")]
pub async fn begin_two_factor() -> Result<crate::model::TotpSetup, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.any_principal()?;
    crate::server::two_factor::begin_setup(&c.state, p).await
}

/// Finishes the setup with a code from the app; answers the recovery codes (shown once).
#[server(input = Json, endpoint = "complete_two_factor")]
pub async fn complete_two_factor(code: String) -> Result<Vec<String>, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.any_principal()?;
    crate::server::two_factor::complete_setup(&c.state, p, &c.meta, &code).await
}

/// Turns two-factor authentication off; `proof` is a current code or the password.
#[server(input = Json, endpoint = "disable_two_factor")]
pub async fn disable_two_factor(proof: String) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.any_principal()?;
    crate::server::two_factor::disable(&c.state, p, &c.meta, &proof).await
}

/// New recovery codes (the old ones stop working); `proof` is a current code or the password.
#[server(input = Json, endpoint = "regenerate_recovery_codes")]
pub async fn regenerate_recovery_codes(proof: String) -> Result<Vec<String>, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.any_principal()?;
    crate::server::two_factor::regenerate(&c.state, p, &c.meta, &proof).await
}

/// Asks to move the account to a new address (confirmed by a link sent there).
#[server(endpoint = "request_email_change")]
pub async fn request_email_change(new_email: String, password: String) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.any_principal()?;
    crate::server::account::request_email_change(&c.state, p, &c.meta, &new_email, &password).await
}
