//! Deactivate, reactivate, delete, and ending sessions.
use super::*;

/// Active → inactive (sessions revoked at once) or inactive → active, with every check.
pub(super) async fn set_status_tx(
    tx: &mut Tx,
    backend: Backend,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    user_id: i64,
    change: StatusChange<'_>,
) -> Result<String, AppError> {
    lock_projects(tx, backend, project_id, user_id).await?;
    let t = target(tx, project_id, user_id).await?;
    let (from, to, reason) = match change {
        StatusChange::Deactivate { reason } => (Status::Active, Status::Inactive, reason),
        StatusChange::Reactivate => (Status::Inactive, Status::Active, None),
    };
    if t.status != from {
        return Err(AppError::Conflict(match to {
            Status::Inactive => format!("{} is not active.", t.email),
            _ => format!("{} is not deactivated.", t.email),
        }));
    }
    if to == Status::Inactive {
        if let Some(g) = guard_tx(tx, principal, user_id).await? {
            return Err(g.error());
        }
    }
    account_wide(tx, principal, &t, Permission::UsersDeactivate).await?;
    sqlx::query("UPDATE users SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(to.as_str())
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sync_memberships(tx, user_id).await?;
    let event = if to == Status::Inactive {
        let revoked = revoke_all_sessions(tx, user_id).await?;
        // A reset link sent before would let the person back in once reactivated.
        super::credentials::end_reset_links(tx, user_id).await?;
        let mut details = json!({ "sessions_revoked": revoked });
        if let Some(r) = reason.map(str::trim).filter(|r| !r.is_empty()) {
            details["reason"] = json!(r);
        }
        Event::new("user.deactivated").details(details)
    } else {
        Event::new("user.reactivated")
    };
    audit::record(
        tx,
        actor,
        event.project(project_id).target(Some(t.id), &t.email),
    )
    .await?;
    Ok(t.email)
}

/// Removes a member from this project: their role and groups here go, the account and its
/// other projects stay (their access here ends with their next request). Nobody removes
/// themselves or a project's last active owner; only an owner removes an owner.
pub async fn remove_from_project(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    user_id: i64,
) -> Result<String, AppError> {
    let mut tx = db.begin().await?;
    lock_projects(&mut tx, db.backend(), project_id, user_id).await?;
    let t = target(&mut tx, project_id, user_id).await?;
    if principal.user_id == user_id {
        return Err(AppError::Conflict(
            "You can't remove yourself from a project.".into(),
        ));
    }
    protect(&mut tx, principal, project_id, &t).await?;
    let owners = active_owners(&mut tx, project_id).await?;
    sqlx::query(
        "DELETE FROM group_members WHERE user_id = $1 \
           AND group_id IN (SELECT id FROM groups WHERE project_id = $2)",
    )
    .bind(user_id)
    .bind(project_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM memberships WHERE project_id = $1 AND user_id = $2")
        .bind(project_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if owners > 0 && active_owners(&mut tx, project_id).await? == 0 {
        return Err(Guard::LastOwner.error());
    }
    audit::record(
        &mut tx,
        actor,
        Event::new("user.removed_from_project")
            .project(project_id)
            .target(Some(t.id), &t.email)
            .details(json!({ "role": t.role })),
    )
    .await?;
    tx.commit().await?;
    Ok(t.email)
}

pub(super) fn check_reason(reason: Option<&str>) -> Result<(), AppError> {
    match reason {
        Some(r) if r.chars().count() > MAX_REASON => Err(AppError::validation(
            "reason",
            format!("Keep the reason under {MAX_REASON} characters."),
        )),
        _ => Ok(()),
    }
}

/// Deactivates a user (cannot sign in, every session revoked, data kept) or reactivates
/// them (their previous password works again).
pub async fn set_status(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    user_id: i64,
    change: StatusChange<'_>,
) -> Result<(), AppError> {
    if let StatusChange::Deactivate { reason } = change {
        check_reason(reason)?;
    }
    let mut tx = db.begin().await?;
    set_status_tx(
        &mut tx,
        db.backend(),
        principal,
        actor,
        project_id,
        user_id,
        change,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a deactivated user for good. `confirm_email` must be their email (the dialog's
/// typed confirmation, checked here too). The audit trail keeps their email.
pub async fn delete(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    user_id: i64,
    confirm_email: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    lock_projects(&mut tx, db.backend(), project_id, user_id).await?;
    let t = target(&mut tx, project_id, user_id).await?;
    if confirm_email.trim().to_lowercase() != t.email {
        return Err(AppError::validation(
            "confirm",
            "Type the user's email exactly to confirm.",
        ));
    }
    if let Some(g) = guard_tx(&mut tx, principal, user_id).await? {
        return Err(g.error());
    }
    if t.status != Status::Inactive {
        return Err(AppError::Conflict(
            "Only deactivated users can be deleted. Deactivate them first.".into(),
        ));
    }
    account_wide(&mut tx, principal, &t, Permission::UsersDelete).await?;
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("user.deleted")
            .project(project_id)
            .target(Some(t.id), &t.email),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes one session of a user (`session_id`) or all of them; returns how many. Sessions
/// belong to the account, so the account-wide rules apply (except to your own sessions).
pub async fn revoke_sessions(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    user_id: i64,
    session_id: Option<i64>,
) -> Result<u64, AppError> {
    let mut tx = db.begin().await?;
    let t = target(&mut tx, project_id, user_id).await?;
    if principal.user_id != user_id {
        account_wide(&mut tx, principal, &t, Permission::SessionsRevoke).await?;
    }
    let n = match session_id {
        Some(sid) => {
            sqlx::query(
                "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
            )
            .bind(now_ms())
            .bind(sid)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        }
        None => revoke_all_sessions(&mut tx, user_id).await?,
    };
    if session_id.is_some() && n == 0 {
        return Err(AppError::NotFound("The session".into()));
    }
    audit::record(
        &mut tx,
        actor,
        Event::new("user.sessions_revoked")
            .project(project_id)
            .target(Some(t.id), &t.email)
            .details(json!({ "count": n, "session_id": session_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}
