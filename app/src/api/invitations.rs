//! Invitations: sending, resending and cancelling them (`users:invite` in the project), and
//! the public accept page's calls, which the link's token authorises.
use crate::model::{AppError, InvitationPreview, InviteForm, Invited};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

#[cfg(feature = "ssr")]
use crate::model::Permission;

/// Invites an address to the project; answers the link (the dialog's "Registration URL").
#[server(input = Json, endpoint = "invite_user")]
pub async fn invite_user(project: String, form: InviteForm) -> Result<Invited, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersInvite, &project)?;
    crate::server::invitations::invite(&c.state, p, &p.actor(&c.meta), project_id, &form).await
}

/// A new link for an invited member; the old one stops working.
#[server(input = Json, endpoint = "resend_invitation")]
pub async fn resend_invitation(project: String, id: i64) -> Result<Invited, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersInvite, &project)?;
    crate::server::invitations::resend(&c.state, p, &p.actor(&c.meta), project_id, id).await
}

/// Cancels an invited member's invitation; answers their email.
#[server(input = Json, endpoint = "cancel_invitation")]
pub async fn cancel_invitation(project: String, id: i64) -> Result<String, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersInvite, &project)?;
    crate::server::invitations::cancel(&c.state, &p.actor(&c.meta), project_id, id).await
}

/// What the accept page shows for a link; None when it is no longer valid.
#[server(input = GetUrl, endpoint = "invitation")]
pub async fn invitation(token: String) -> Result<Option<InvitationPreview>, AppError> {
    let c = super::ctx::ctx()?;
    crate::server::invitations::preview(&c.state, &token).await
}

/// Accepts an invitation of a new address (names and password) and signs the person in;
/// answers where to go.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    first_name: String,
    last_name: String,
    password: String,
    confirm: String,
    agree: Option<String>,
) -> Result<String, AppError> {
    let c = super::ctx::ctx()?;
    let result = async {
        if password != confirm {
            return Err(AppError::validation(
                "confirm",
                "The two passwords are not the same.",
            ));
        }
        let (session, user_id) = crate::server::invitations::accept_new(
            &c.state,
            &c.meta,
            &token,
            &first_name,
            &last_name,
            &password,
            agree.is_some(),
        )
        .await?;
        let signed_in = crate::server::auth::SignedIn {
            token: session.token,
            user_id,
            device_token: None,
        };
        landing(&c, &signed_in).await
    }
    .await;
    back_on_error(&result, &token);
    result
}

/// Accepts an invitation of an address that has an account, by signing in with its password;
/// answers where to go.
#[server(endpoint = "accept_invitation_sign_in")]
pub async fn accept_invitation_sign_in(
    token: String,
    password: String,
    agree: Option<String>,
) -> Result<String, AppError> {
    let c = super::ctx::ctx()?;
    let result = async {
        let signed_in_as = c.auth.0.as_ref().map(|p| p.user_id);
        let signed_in = crate::server::invitations::accept_existing(
            &c.state,
            &c.meta,
            &token,
            &password,
            agree.is_some(),
            signed_in_as,
        )
        .await?;
        match signed_in {
            Some(s) => landing(&c, &s).await,
            // Accepted as the session already open: it stays.
            None => {
                let to = crate::server::store::viewer(&c.state.db, signed_in_as.unwrap_or(0))
                    .await?
                    .landing();
                super::ctx::redirect_form_post(&to);
                Ok(to)
            }
        }
    }
    .await;
    back_on_error(&result, &token);
    result
}

/// Signs the person in and sends them where their permissions lead (end users `/account`).
#[cfg(feature = "ssr")]
async fn landing(
    c: &super::ctx::Ctx,
    signed_in: &crate::server::auth::SignedIn,
) -> Result<String, AppError> {
    let to = crate::server::store::viewer(&c.state.db, signed_in.user_id)
        .await?
        .landing();
    super::session::signed_in_to(c, signed_in, &to);
    Ok(to)
}

/// Without JavaScript, a refused form comes back to the page with the error's status code.
#[cfg(feature = "ssr")]
fn back_on_error(result: &Result<String, AppError>, token: &str) {
    if let Err(e) = result {
        super::ctx::redirect_form_post(&format!(
            "/invitation?token={}&error={}",
            crate::model::encode_query_value(token),
            e.status()
        ));
    }
}
