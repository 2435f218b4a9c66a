//! Actions that can hand over an account: reset links and email changes. Whoever controls a
//! person's address controls their account, so these need more than `users:update`
//! ([`may_take_over`]), and an email change ends what the old address could still use.
use super::*;

/// Changing someone's email or sending them a reset link needs, in every project the person
/// belongs to, `users:update` and every built-in permission the person holds there: nobody
/// takes over an account more powerful than their own. Only a superadmin does it to a
/// superadmin.
pub(super) async fn may_take_over(
    tx: &mut Tx,
    principal: &Principal,
    t: &Target,
) -> Result<(), AppError> {
    if principal.is_superadmin {
        return Ok(());
    }
    if t.is_superadmin {
        return Err(AppError::Conflict(
            "Only a superadmin can change a superadmin.".into(),
        ));
    }
    let held = sqlx::query(
        "SELECT m.project_id, rp.permission FROM memberships m \
           LEFT JOIN role_permissions rp ON rp.role_id = m.role_id WHERE m.user_id = $1 \
         UNION \
         SELECT g.project_id, gp.permission FROM group_members gm \
           JOIN groups g ON g.id = gm.group_id \
           JOIN memberships m ON m.project_id = g.project_id AND m.user_id = gm.user_id \
           JOIN group_permissions gp ON gp.group_id = g.id WHERE gm.user_id = $1",
    )
    .bind(t.id)
    .fetch_all(&mut **tx)
    .await?;
    for row in held {
        let project: i64 = row.try_get("project_id")?;
        let perm = row
            .try_get::<Option<String>, _>("permission")?
            .and_then(|p| p.parse::<Permission>().ok());
        let short = !principal.can(Permission::UsersUpdate, project)
            || perm.is_some_and(|p| !principal.can(p, project));
        if short {
            return Err(AppError::Conflict(format!(
                "{} holds permissions you don't have (here or in another of their projects), so \
                 only someone who holds all of them can change their email or send them a reset \
                 link.",
                t.email
            )));
        }
    }
    Ok(())
}

pub(super) use crate::server::resets::end_links as end_reset_links;

/// Refuses an address another account has, saying so only when the principal can see that
/// account (it shares a project they read): accounts of other projects stay unknown.
pub(super) async fn check_email_free(
    tx: &mut Tx,
    principal: &Principal,
    user_id: i64,
    email: &str,
) -> Result<(), AppError> {
    let Some(other): Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1 AND id <> $2")
            .bind(email)
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?
    else {
        return Ok(());
    };
    let theirs: Vec<i64> =
        sqlx::query_scalar("SELECT project_id FROM memberships WHERE user_id = $1")
            .bind(other)
            .fetch_all(&mut **tx)
            .await?;
    let visible = principal.is_superadmin
        || theirs
            .iter()
            .any(|p| principal.can(Permission::UsersRead, *p));
    Err(AppError::validation(
        "email",
        if visible {
            "A user with this email already exists."
        } else {
            "This email address can't be used for this account."
        },
    ))
}

/// After an email change: the old address is told (where it went and who changed it), the
/// person's unused reset links die, and their sessions end (all but the caller's own when they
/// changed their own address). Answers how many sessions ended.
pub(super) async fn after_email_change(
    tx: &mut Tx,
    principal: &Principal,
    user_id: i64,
    old: &str,
    new: &str,
) -> Result<u64, AppError> {
    end_reset_links(tx, user_id).await?;
    // A pending verification or change of the old address is moot.
    sqlx::query(
        "UPDATE email_verifications SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
    )
    .bind(now_ms())
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    let ended = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND id <> $3",
    )
    .bind(now_ms())
    .bind(user_id)
    .bind(if principal.user_id == user_id {
        principal.session_id
    } else {
        0
    })
    .execute(&mut **tx)
    .await?
    .rows_affected();
    crate::server::mail_text::queue_for(
        tx,
        user_id,
        old,
        crate::server::mail_text::Kind::EmailChanged {
            old,
            new,
            by: &principal.email,
        },
    )
    .await?;
    Ok(ended)
}

pub use crate::server::resets::RESET_TTL_MS;

/// Sets a generated temporary password on a member (instead of a reset link): every session
/// ends, and at their next sign-in they must choose their own before anything else. Needs
/// every permission they hold, like a reset link. Answers the password (shown once).
pub async fn set_temporary_password(
    db: &Db,
    passwords: &crate::server::password::Passwords,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    user_id: i64,
) -> Result<String, AppError> {
    if principal.user_id == user_id {
        return Err(AppError::Conflict(
            "Change your own password on your account page.".into(),
        ));
    }
    let password = crate::server::util::random_password();
    let hash = passwords.hash(&password).await?;
    let mut tx = db.begin().await?;
    let t = target(&mut tx, project_id, user_id).await?;
    if t.status != Status::Active {
        return Err(AppError::Conflict(format!(
            "{} is not active, so they can't sign in with a password.",
            t.email
        )));
    }
    may_take_over(&mut tx, principal, &t).await?;
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = 1, updated_at = $2 WHERE id = $3",
    )
    .bind(&hash)
    .bind(now_ms())
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    revoke_all_sessions(&mut tx, user_id).await?;
    end_reset_links(&mut tx, user_id).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("user.temporary_password_set")
            .project(project_id)
            .target(Some(t.id), &t.email),
    )
    .await?;
    tx.commit().await?;
    Ok(password)
}

/// Turns off a member's two-factor authentication (a lost phone): they sign in with the
/// password alone and can set it up again. Needs every permission they hold, like a reset link.
pub async fn reset_two_factor(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    user_id: i64,
) -> Result<String, AppError> {
    let mut tx = db.begin().await?;
    let t = target(&mut tx, project_id, user_id).await?;
    if principal.user_id != user_id {
        may_take_over(&mut tx, principal, &t).await?;
    }
    if crate::server::two_factor::remove(&mut tx, user_id).await? == 0 {
        return Err(AppError::Conflict(format!(
            "{} has no two-factor authentication to reset.",
            t.email
        )));
    }
    audit::record(
        &mut tx,
        actor,
        Event::new("user.two_factor_reset")
            .project(project_id)
            .target(Some(t.id), &t.email),
    )
    .await?;
    tx.commit().await?;
    Ok(t.email)
}

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
        may_take_over(&mut tx, principal, &t).await?;
    }
    let project: String = sqlx::query_scalar("SELECT name FROM projects WHERE id = $1")
        .bind(project_id)
        .fetch_one(&mut *tx)
        .await?;
    crate::server::resets::issue(&mut tx, user_id, &t.email, origin, Some(&project)).await?;
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
