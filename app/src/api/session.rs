use crate::model::{AppError, Viewer};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The signed-in person and the projects they can manage; None when signed out.
#[server(input = GetUrl, endpoint = "viewer")]
pub async fn get_viewer() -> Result<Option<Viewer>, AppError> {
    let c = super::ctx::ctx()?;
    Ok(c.auth
        .0
        .as_deref()
        .map(crate::server::auth::Principal::viewer))
}

/// Signs in with email and password; answers with where to go next.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::server::auth;
    let c = super::ctx::ctx()?;
    let signed_in = match auth::sign_in(&c.state, &c.meta, &email, &password).await {
        Ok(auth::SignInResult::Session(s)) => s,
        Ok(auth::SignInResult::SecondFactor { challenge }) => {
            // The second step: its page asks for the code; nothing else is open yet.
            super::ctx::set_header(
                http::header::SET_COOKIE,
                &crate::server::two_factor::challenge_cookie(
                    &c.state.auth,
                    &c.meta,
                    Some(&challenge),
                ),
            );
            let to = match auth::safe_next(next.as_deref()) {
                Some(n) => format!(
                    "/login?step=code&next={}",
                    crate::model::encode_query_value(&n)
                ),
                None => "/login?step=code".to_string(),
            };
            super::ctx::redirect_form_post(&to);
            return Ok(to);
        }
        Err(e) => {
            // Without JavaScript, the form comes back with the error's status code.
            super::ctx::redirect_form_post(&format!("/login?error={}", e.status()));
            return Err(e);
        }
    };
    let to = match auth::safe_next(next.as_deref()) {
        Some(n) => n,
        None => crate::server::store::viewer(&c.state.db, signed_in.user_id)
            .await?
            .landing(),
    };
    signed_in_to(&c, &signed_in, &to);
    Ok(to)
}

/// Hands the browser its new session (and device) cookie; a plain form post then goes to `to`.
#[cfg(feature = "ssr")]
pub(super) fn signed_in_to(
    c: &super::ctx::Ctx,
    signed_in: &crate::server::auth::SignedIn,
    to: &str,
) {
    use crate::server::auth;
    super::ctx::set_header(
        http::header::SET_COOKIE,
        &auth::session_cookie(&c.state.auth, &c.meta, Some(&signed_in.token)),
    );
    if let Some(device) = &signed_in.device_token {
        super::ctx::set_header(
            http::header::SET_COOKIE,
            &crate::server::devices::cookie(&c.state.auth, &c.meta, device),
        );
    }
    super::ctx::redirect_form_post(to);
}

/// The second step of a sign-in with two-factor authentication: a code from the app or a
/// recovery code; answers where to go.
#[server(endpoint = "verify_sign_in_code")]
pub async fn verify_sign_in_code(code: String, next: Option<String>) -> Result<String, AppError> {
    use crate::server::{auth, two_factor};
    let c = super::ctx::ctx()?;
    let signed_in = match two_factor::verify_challenge(&c.state, &c.meta, &code).await {
        Ok(s) => s,
        Err(e) => {
            super::ctx::redirect_form_post(&format!("/login?step=code&error={}", e.status()));
            return Err(e);
        }
    };
    super::ctx::set_header(
        http::header::SET_COOKIE,
        &two_factor::challenge_cookie(&c.state.auth, &c.meta, None),
    );
    let to = match auth::safe_next(next.as_deref()) {
        Some(n) => n,
        None => crate::server::store::viewer(&c.state.db, signed_in.user_id)
            .await?
            .landing(),
    };
    signed_in_to(&c, &signed_in, &to);
    Ok(to)
}

/// Ends the current session and clears the cookie.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::auth;
    let c = super::ctx::ctx()?;
    let p = c.auth.any_principal()?;
    auth::sign_out(&c.state, p, &c.meta).await?;
    super::ctx::set_header(
        http::header::SET_COOKIE,
        &auth::session_cookie(&c.state.auth, &c.meta, None),
    );
    // Without JavaScript the user menu's form posts here: back to the sign-in page.
    super::ctx::redirect_form_post("/login");
    Ok(())
}

/// "Forgot password?": mails a reset link if the address has an account; the same answer
/// either way (see `server::resets::request`).
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    let result = crate::server::resets::request(&c.state, &c.meta, &email).await;
    // Without JavaScript the form comes back to the page, which then says what happened.
    match &result {
        Ok(()) => super::ctx::redirect_form_post("/forgot-password?sent=1"),
        Err(e) => super::ctx::redirect_form_post(&format!("/forgot-password?error={}", e.status())),
    }
    result
}

/// Sets a new password with the token of a reset link.
#[server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    password: String,
    confirm: String,
) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    if password != confirm {
        return Err(AppError::validation(
            "confirm",
            "The two passwords are not the same.",
        ));
    }
    crate::server::resets::reset_password(&c.state, &c.meta, &token, &password).await
}
