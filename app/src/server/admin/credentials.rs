//! Actions that can hand over an account: reset links (and the rules for email changes).
use super::*;

/// How long a password-reset link works.
pub const RESET_TTL_MS: i64 = 3600 * 1000;

/// Emails an active member a single-use link to choose a new password (one hour); any older
/// link of theirs stops working. `origin` is the site the link points to.
pub async fn send_password_reset(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    user_id: i64,
    origin: &str,
) -> Result<String, AppError> {
    let mut tx = db.begin().await?;
    let t = target(&mut tx, project_id, user_id).await?;
    if t.status != Status::Active {
        return Err(AppError::Conflict(format!(
            "{} is not active, so they can't reset a password.",
            t.email
        )));
    }
    if principal.user_id != user_id {
        account_wide(&mut tx, principal, &t, Permission::UsersUpdate).await?;
    }
    let now = now_ms();
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let token = crate::server::util::new_token();
    sqlx::query(
        "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(crate::server::util::hash_token(&token))
    .bind(now)
    .bind(now + RESET_TTL_MS)
    .execute(&mut *tx)
    .await?;
    let link = format!(
        "{}/reset-password?token={token}",
        origin.trim_end_matches('/')
    );
    crate::server::mail::queue(
        &mut tx,
        &t.email,
        "Reset your Roster password",
        &format!(
            "Hello,\n\nAn administrator asked Roster to let you choose a new password. Open this link within an hour:\n\n{link}\n\nIf you did not expect this, you can ignore this message; your password stays the same.\n"
        ),
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("user.password_reset_sent")
            .project(project_id)
            .target(Some(t.id), &t.email),
    )
    .await?;
    tx.commit().await?;
    Ok(t.email)
}
