//! Password-reset links: one hour, single use, only the hash stored; issuing one ends any older
//! link of the same person. An administrator sends them (`admin::credentials`); a person asks
//! for one on the "Forgot password?" page ([`request`]), which answers the same whether or not
//! the address has an account.
use super::audit::{self, Actor, Event};
use super::auth::{RequestMeta, ThrottleConfig};
use super::mail_text::Kind;
use super::util::{hash_token, new_token, now_ms};
use super::AppState;
use crate::model::{validate_email, AppError, MAX_EMAIL};
use sqlx::{Any, Row, Transaction};
use std::time::Duration;

/// How long a password-reset link works.
pub const RESET_TTL_MS: i64 = 3600 * 1000;
/// Reset mails one address may be sent per hour on request, and requests one client address
/// may make per hour: enough for a person, useless for flooding someone's inbox.
pub const REQUESTS_PER_EMAIL: i64 = 3;
pub const REQUESTS_PER_IP: i64 = 20;

/// Every unused reset link of a person stops working.
pub async fn end_links(tx: &mut Transaction<'static, Any>, user_id: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Ends older links and mails `email` a new one, in the person's language: sent by an
/// administrator of `project`, or asked for by the person (None).
pub async fn issue(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    email: &str,
    public_url: &str,
    project: Option<&str>,
) -> Result<(), AppError> {
    end_links(tx, user_id).await?;
    let now = now_ms();
    let token = new_token();
    sqlx::query(
        "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(hash_token(&token))
    .bind(now)
    .bind(now + RESET_TTL_MS)
    .execute(&mut **tx)
    .await?;
    let link = format!(
        "{}/reset-password?token={token}",
        public_url.trim_end_matches('/')
    );
    let kind = match project {
        Some(project) => Kind::ResetByAdmin {
            project,
            link: &link,
        },
        None => Kind::ResetRequested { link: &link },
    };
    super::mail_text::queue_for(tx, user_id, email, kind).await?;
    Ok(())
}

/// "Forgot password?": mails a reset link to an active account with this address. The answer
/// is the same whether or not there is one: only a malformed address is refused, and the
/// lookup and mail happen after the answer, so neither its content nor its timing tells.
/// Throttled per address and per client; throttled requests get the same answer too.
pub async fn request(state: &AppState, meta: &RequestMeta, email: &str) -> Result<(), AppError> {
    if email.trim().len() > MAX_EMAIL {
        return Err(AppError::validation(
            "email",
            "Enter a valid email address, like name@example.com.",
        ));
    }
    let email = validate_email(email)?;
    let window = ThrottleConfig {
        window: Duration::from_secs(3600),
        ..state.auth.throttle.clone()
    };
    let mut tx = state.db.begin().await?;
    let by_email =
        super::throttle::reserve_attempt(&mut tx, &format!("forgot:email:{email}"), &window)
            .await?;
    let by_ip =
        super::throttle::reserve_attempt(&mut tx, &format!("forgot:ip:{}", meta.ip), &window)
            .await?;
    tx.commit().await?;
    if by_email.count > REQUESTS_PER_EMAIL || by_ip.count > REQUESTS_PER_IP {
        tracing::info!("password reset request throttled");
        return Ok(());
    }
    let state = state.clone();
    let actor = Actor {
        user_id: None,
        email: Some(email.clone()),
        ip: meta.ip.clone(),
        user_agent: meta.user_agent.clone(),
    };
    tokio::spawn(async move {
        if let Err(e) = send_requested(&state, &actor, &email).await {
            tracing::warn!(error = %e, "could not send a requested reset link");
        }
    });
    Ok(())
}

async fn send_requested(state: &AppState, actor: &Actor, email: &str) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let user = sqlx::query("SELECT id, status FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(user) = user else { return Ok(()) };
    if user.try_get::<String, _>("status")? != "active" {
        return Ok(());
    }
    let user_id: i64 = user.try_get("id")?;
    issue(&mut tx, user_id, email, &state.auth.public_url, None).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("auth.password_reset_requested").target(Some(user_id), email),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password with a reset link's token: single use, one hour, active accounts only.
/// Every session of the account ends (whoever had the old password is signed out).
pub async fn reset_password(
    state: &AppState,
    meta: &RequestMeta,
    token: &str,
    password: &str,
) -> Result<(), AppError> {
    let invalid = || AppError::Validation {
        field: None,
        message: "This reset link is invalid, used or expired. Ask an administrator for a new one."
            .into(),
    };
    let token_hash = hash_token(token.trim());
    let row = sqlx::query(
        "SELECT pr.id, pr.user_id, u.email, u.status FROM password_resets pr JOIN users u ON u.id = pr.user_id \
          WHERE pr.token_hash = $1 AND pr.used_at IS NULL AND pr.expires_at > $2",
    )
    .bind(&token_hash)
    .bind(now_ms())
    .fetch_optional(state.db.pool())
    .await?
    .ok_or_else(invalid)?;
    if row.try_get::<String, _>("status")? != "active" {
        return Err(invalid());
    }
    let reset_id: i64 = row.try_get("id")?;
    let user_id: i64 = row.try_get("user_id")?;
    let email: String = row.try_get("email")?;
    super::password::check_policy("password", password, &email)?;
    // Hash before the transaction: the write connection is not held for argon2's time.
    let hash = state.passwords.hash(password).await?;
    let mut tx = state.db.begin().await?;
    let now = now_ms();
    // Claiming the token in the same statement that checks it makes it single-use under races.
    let claimed = sqlx::query(
        "UPDATE password_resets SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(reset_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed != 1 {
        return Err(invalid());
    }
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(&hash)
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    // Browsers trusted under the old password are trusted no more.
    super::devices::forget_all(&mut tx, user_id).await?;
    let actor = Actor {
        user_id: Some(user_id),
        email: Some(email.clone()),
        ip: meta.ip.clone(),
        user_agent: meta.user_agent.clone(),
    };
    audit::record(
        &mut tx,
        &actor,
        Event::new("auth.password_reset").target(Some(user_id), &email),
    )
    .await?;
    // If it was not them, they learn it from the address that is still theirs.
    super::mail_text::queue_for(
        &mut tx,
        user_id,
        &email,
        super::mail_text::Kind::PasswordChanged,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
