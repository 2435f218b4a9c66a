//! Sign-up and email verification: public calls, authorised by the project's setting and by
//! the link's token.
use crate::model::{AppError, SignupInfo};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// What project `project`'s sign-up page shows; None when it does not accept sign-ups.
#[server(input = GetUrl, endpoint = "signup_info")]
pub async fn sign_up_info(project: String) -> Result<Option<SignupInfo>, AppError> {
    let c = super::ctx::ctx()?;
    crate::server::signup::info(&c.state, &project).await
}

/// Signs up to a project; the same answer whether or not the address has an account (the
/// person then reads their mail).
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    project: String,
    email: String,
    first_name: String,
    last_name: String,
    password: String,
    confirm: String,
    agree: Option<String>,
) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    let result = async {
        if password != confirm {
            return Err(AppError::validation(
                "confirm",
                "The two passwords are not the same.",
            ));
        }
        let form = crate::server::signup::SignupForm {
            email: &email,
            first_name: &first_name,
            last_name: &last_name,
            password: &password,
            agree: agree.is_some(),
        };
        crate::server::signup::signup(&c.state, &c.meta, &project, &form).await
    }
    .await;
    let page = format!("/p/{}/signup", crate::model::encode_query_value(&project));
    match &result {
        Ok(()) => super::ctx::redirect_form_post(&format!("{page}?sent=1")),
        Err(e) => super::ctx::redirect_form_post(&format!("{page}?error={}", e.status())),
    }
    result
}

/// Follows a verification link; answers where to go (signed in when it confirmed a sign-up).
#[server(endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<String, AppError> {
    let c = super::ctx::ctx()?;
    let result: Result<String, AppError> = async {
        let v = crate::server::signup::verify(&c.state, &c.meta, &token).await?;
        match v.session {
            Some(session) => {
                let to = crate::server::store::viewer(&c.state.db, v.user_id)
                    .await?
                    .landing();
                let signed_in = crate::server::auth::SignedIn {
                    token: session.token,
                    user_id: v.user_id,
                    device_token: None,
                };
                super::session::signed_in_to(&c, &signed_in, &to);
                Ok(to)
            }
            None => {
                let to = "/verify-email?done=1".to_string();
                super::ctx::redirect_form_post(&to);
                Ok(to)
            }
        }
    }
    .await;
    if let Err(e) = &result {
        super::ctx::redirect_form_post(&format!("/verify-email?error={}", e.status()));
    }
    result
}
