//! Acting on users from the console: the detail page, edit, deactivate / reactivate / delete,
//! session revocation and bulk actions.
//!
//! The callers (server functions) have already checked that the principal holds the action's
//! permission in the project. This module adds the rules that depend on the target:
//! - the target must be a member of the project (other projects' users are "not found");
//! - nobody deactivates or deletes themselves or the last active owner of a project;
//! - only an owner (`project:manage`) changes an owner or grants the owner role, and only a
//!   superadmin changes a superadmin;
//! - account-wide changes (profile, status, delete) need the permission in every project the
//!   target belongs to, so an admin of one tenant cannot lock a person out of another.
//!
//! Every change and its audit event commit in one transaction.
use super::audit::{self, Actor, Event};
use super::auth::Principal;
use super::store::sync_memberships;
use super::util::now_ms;
use super::{Backend, Db};
use crate::model::{
    ActivityItem, AppError, BulkAction, BulkSummary, Guard, MembershipInfo, Page, Permission,
    SessionInfo, Status, UserDetail, UserEdit, MAX_BULK, MAX_REASON,
};
use serde_json::json;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, BTreeSet};

type Tx = Transaction<'static, Any>;

/// The target of an action, as seen from one project.
struct Target {
    id: i64,
    email: String,
    status: Status,
    is_superadmin: bool,
    role: String,
}

async fn target(tx: &mut Tx, project_id: i64, user_id: i64) -> Result<Target, AppError> {
    let r = sqlx::query(
        "SELECT u.id, u.email, u.status, u.is_superadmin, r.name AS role FROM memberships m \
           JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id \
          WHERE m.project_id = $1 AND m.user_id = $2",
    )
    .bind(project_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("The user".into()))?;
    Ok(Target {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        status: r
            .try_get::<String, _>("status")?
            .parse()
            .unwrap_or(Status::Inactive),
        is_superadmin: r.try_get::<i64, _>("is_superadmin")? != 0,
        role: r.try_get("role")?,
    })
}

/// The projects a user belongs to, and those where they hold `project:manage` (through their
/// role or a group): the ones they own, whatever the role is called.
async fn projects_of(tx: &mut Tx, user_id: i64) -> Result<(Vec<i64>, BTreeSet<i64>), AppError> {
    let all: Vec<i64> = sqlx::query_scalar(
        "SELECT project_id FROM memberships WHERE user_id = $1 ORDER BY project_id",
    )
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?;
    let managed: Vec<i64> = sqlx::query_scalar(
        "SELECT m.project_id FROM memberships m JOIN role_permissions rp ON rp.role_id = m.role_id \
          WHERE m.user_id = $1 AND rp.permission = 'project:manage' \
         UNION \
         SELECT g.project_id FROM group_members gm JOIN groups g ON g.id = gm.group_id \
           JOIN group_permissions gp ON gp.group_id = g.id \
           JOIN memberships m ON m.project_id = g.project_id AND m.user_id = gm.user_id \
          WHERE gm.user_id = $1 AND gp.permission = 'project:manage'",
    )
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok((all, managed.into_iter().collect()))
}

/// How many projects have `user_id` as their only active owner (other owners may exist but be
/// inactive or invited: they cannot act, so they do not count).
const LAST_OWNER_SQL: &str = "SELECT COUNT(*) FROM memberships m JOIN roles r ON r.id = m.role_id \
    WHERE m.user_id = $1 AND r.name = 'owner' AND NOT EXISTS ( \
      SELECT 1 FROM memberships o JOIN roles ro ON ro.id = o.role_id \
       WHERE o.project_id = m.project_id AND o.role_id = m.role_id AND ro.name = 'owner' \
         AND o.user_id <> m.user_id AND o.status = 'active')";

/// `LAST_OWNER_SQL` limited to the projects whose users the principal may read (all of them
/// for a superadmin), so the answer says nothing about projects they cannot see.
fn last_owner_sql(principal: &Principal) -> String {
    if principal.is_superadmin {
        return LAST_OWNER_SQL.to_string();
    }
    // Project ids come from the principal (integers), so inlining them is safe.
    let visible: Vec<String> = principal
        .projects
        .iter()
        .filter(|p| p.can(Permission::UsersRead))
        .map(|p| p.id.to_string())
        .collect();
    format!(
        "{LAST_OWNER_SQL} AND m.project_id IN ({})",
        if visible.is_empty() {
            "NULL".to_string()
        } else {
            visible.join(",")
        }
    )
}

/// Why the principal may not deactivate or delete `user_id`, as far as the projects they can
/// see tell. The owner and tenant checks that follow refuse anything beyond those projects.
async fn guard_tx(
    tx: &mut Tx,
    principal: &Principal,
    user_id: i64,
) -> Result<Option<Guard>, AppError> {
    if principal.user_id == user_id {
        return Ok(Some(Guard::OwnAccount));
    }
    let n: i64 = sqlx::query_scalar(&last_owner_sql(principal))
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok((n > 0).then_some(Guard::LastOwner))
}

/// On PostgreSQL, locks the rows of the target's projects so two admins cannot each remove one
/// of the last two owners at once. (SQLite writers are already serialised by the write pool.)
/// Nothing is locked for someone outside `project_id`.
async fn lock_projects(
    tx: &mut Tx,
    backend: Backend,
    project_id: i64,
    user_id: i64,
) -> Result<(), AppError> {
    if backend == Backend::Postgres {
        sqlx::query(
            "SELECT id FROM projects WHERE id IN (SELECT project_id FROM memberships WHERE user_id = $1) \
               AND EXISTS (SELECT 1 FROM memberships WHERE project_id = $2 AND user_id = $1) \
             ORDER BY id FOR UPDATE",
        )
        .bind(user_id)
        .bind(project_id)
        .fetch_all(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Owner and superadmin protection (see the module docs): a target who holds
/// `project:manage` here is an owner, whatever their role is called.
async fn protect(
    tx: &mut Tx,
    principal: &Principal,
    project_id: i64,
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
    if !principal.can(Permission::ProjectManage, project_id)
        && projects_of(tx, t.id).await?.1.contains(&project_id)
    {
        return Err(AppError::Conflict(
            "Only an owner can change an owner.".into(),
        ));
    }
    Ok(())
}

/// Account-wide changes need `perm` in every project the target belongs to, and
/// `project:manage` in every project they own (an owner elsewhere stays protected when acted
/// on through a project both share). It includes [`protect`]'s checks: this project is one of
/// the target's.
async fn account_wide(
    tx: &mut Tx,
    principal: &Principal,
    t: &Target,
    perm: Permission,
) -> Result<(), AppError> {
    if principal.is_superadmin {
        return Ok(());
    }
    if t.is_superadmin {
        return Err(AppError::Conflict(
            "Only a superadmin can change a superadmin.".into(),
        ));
    }
    let (projects, managed) = projects_of(tx, t.id).await?;
    if managed
        .iter()
        .any(|p| !principal.can(Permission::ProjectManage, *p))
    {
        return Err(AppError::Conflict(
            "Only an owner can change an owner.".into(),
        ));
    }
    if projects.iter().all(|p| principal.can(perm, *p)) {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "{} also belongs to a project you don't manage, so only an administrator of all their projects can do this.",
            t.email
        )))
    }
}

/// Nobody grants what they don't hold: the built-in permissions of a role or groups being
/// given must all be the principal's in the project (superadmins excepted). Custom permission
/// strings are not Roster's to enforce.
async fn check_grant(
    tx: &mut Tx,
    principal: &Principal,
    project_id: i64,
    role_id: Option<i64>,
    group_ids: &[i64],
    field: &str,
) -> Result<(), AppError> {
    if principal.is_superadmin {
        return Ok(());
    }
    let mut granted: Vec<String> = Vec::new();
    if let Some(r) = role_id {
        granted.extend(
            sqlx::query_scalar::<_, String>(
                "SELECT permission FROM role_permissions WHERE role_id = $1",
            )
            .bind(r)
            .fetch_all(&mut **tx)
            .await?,
        );
    }
    for g in group_ids {
        granted.extend(
            sqlx::query_scalar::<_, String>(
                "SELECT permission FROM group_permissions WHERE group_id = $1",
            )
            .bind(*g)
            .fetch_all(&mut **tx)
            .await?,
        );
    }
    let missing: BTreeSet<String> = granted
        .into_iter()
        .filter(|p| {
            p.parse::<Permission>()
                .map(|perm| !principal.can(perm, project_id))
                .unwrap_or(false)
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(AppError::validation(
            field,
            format!(
                "You can't grant permissions you don't have: {}.",
                missing.into_iter().collect::<Vec<_>>().join(", ")
            ),
        ))
    }
}

async fn revoke_all_sessions(tx: &mut Tx, user_id: i64) -> Result<u64, AppError> {
    Ok(
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut **tx)
        .await?
        .rows_affected(),
    )
}

/// A status change an admin makes.
#[derive(Clone, Copy)]
pub enum StatusChange<'a> {
    Deactivate { reason: Option<&'a str> },
    Reactivate,
}

/// Active → inactive (sessions revoked at once) or inactive → active, with every check.
async fn set_status_tx(
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

fn check_reason(reason: Option<&str>) -> Result<(), AppError> {
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

/// A role of the project by name: (id, name).
async fn find_role(tx: &mut Tx, project_id: i64, name: &str) -> Result<i64, AppError> {
    sqlx::query_scalar("SELECT id FROM roles WHERE project_id = $1 AND name = $2")
        .bind(project_id)
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| {
            AppError::validation(
                "role",
                format!("There is no role \"{name}\" in this project."),
            )
        })
}

/// Moves the target to another role of the project, with owner and last-owner rules.
async fn set_role_tx(
    tx: &mut Tx,
    principal: &Principal,
    project_id: i64,
    t: &Target,
    role: &str,
) -> Result<Option<(String, String)>, AppError> {
    if t.role == role {
        return Ok(None);
    }
    let role_id = find_role(tx, project_id, role).await?;
    check_grant(tx, principal, project_id, Some(role_id), &[], "role").await?;
    if t.role == "owner" {
        let others: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships o JOIN roles r ON r.id = o.role_id \
              WHERE o.project_id = $1 AND r.name = 'owner' AND o.user_id <> $2 AND o.status = 'active'",
        )
        .bind(project_id)
        .bind(t.id)
        .fetch_one(&mut **tx)
        .await?;
        if others == 0 {
            return Err(AppError::validation(
                "role",
                Guard::LastOwner.error().to_string(),
            ));
        }
    }
    sqlx::query("UPDATE memberships SET role_id = $1 WHERE project_id = $2 AND user_id = $3")
        .bind(role_id)
        .bind(project_id)
        .bind(t.id)
        .execute(&mut **tx)
        .await?;
    Ok(Some((t.role.clone(), role.to_string())))
}

/// Group ids of the project by name; an unknown name is a validation error on `groups`.
async fn find_groups(
    tx: &mut Tx,
    project_id: i64,
    names: &[String],
) -> Result<BTreeMap<String, i64>, AppError> {
    let rows = sqlx::query("SELECT id, name FROM groups WHERE project_id = $1")
        .bind(project_id)
        .fetch_all(&mut **tx)
        .await?;
    let all: BTreeMap<String, i64> = rows
        .into_iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("id")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    let mut out = BTreeMap::new();
    for n in names {
        let id = all.get(n).ok_or_else(|| {
            AppError::validation(
                "groups",
                format!("There is no group \"{n}\" in this project."),
            )
        })?;
        out.insert(n.clone(), *id);
    }
    Ok(out)
}

async fn groups_of(
    tx: &mut Tx,
    project_id: i64,
    user_id: i64,
) -> Result<BTreeSet<String>, AppError> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id \
          WHERE g.project_id = $1 AND gm.user_id = $2",
    )
    .bind(project_id)
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(names.into_iter().collect())
}

async fn add_to_group(tx: &mut Tx, group_id: i64, user_id: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO group_members (group_id, user_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(group_id)
    .bind(user_id)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Saves the edit form: account fields, then this project's role and groups. All or nothing.
pub async fn update(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    user_id: i64,
    edit: &UserEdit,
) -> Result<(), AppError> {
    let checked = edit.check()?;
    let mut tx = db.begin().await?;
    lock_projects(&mut tx, db.backend(), project_id, user_id).await?;
    let t = target(&mut tx, project_id, user_id).await?;
    if principal.user_id != user_id {
        protect(&mut tx, principal, project_id, &t).await?;
    }
    let wanted: BTreeSet<String> = edit.groups.iter().cloned().collect();
    let group_ids = find_groups(
        &mut tx,
        project_id,
        &wanted.iter().cloned().collect::<Vec<_>>(),
    )
    .await?;

    let before = sqlx::query(
        "SELECT email, first_name, last_name, phone, metadata FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    let mut changed: Vec<&str> = Vec::new();
    if before.try_get::<String, _>("first_name")? != checked.first_name {
        changed.push("first_name");
    }
    if before.try_get::<String, _>("last_name")? != checked.last_name {
        changed.push("last_name");
    }
    if before.try_get::<String, _>("email")? != checked.email {
        changed.push("email");
    }
    if before.try_get::<Option<String>, _>("phone")? != checked.phone {
        changed.push("phone");
    }
    let old_meta: serde_json::Value =
        serde_json::from_str(&before.try_get::<String, _>("metadata")?).unwrap_or(json!({}));
    let new_meta: serde_json::Value = serde_json::from_str(&checked.metadata).unwrap_or(json!({}));
    if old_meta != new_meta {
        changed.push("metadata");
    }
    if !changed.is_empty() {
        if principal.user_id != user_id {
            account_wide(&mut tx, principal, &t, Permission::UsersUpdate).await?;
        }
        sqlx::query(
            "UPDATE users SET first_name = $1, last_name = $2, email = $3, phone = $4, metadata = $5, updated_at = $6 WHERE id = $7",
        )
        .bind(&checked.first_name)
        .bind(&checked.last_name)
        .bind(&checked.email)
        .bind(checked.phone.as_deref())
        .bind(&checked.metadata)
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => {
                AppError::validation("email", "A user with this email already exists.")
            }
            other => other,
        })?;
        sync_memberships(&mut tx, user_id).await?;
    }
    let role_change = set_role_tx(&mut tx, principal, project_id, &t, edit.role.trim()).await?;
    let current = groups_of(&mut tx, project_id, user_id).await?;
    let added: Vec<&String> = wanted.difference(&current).collect();
    let removed: Vec<&String> = current.difference(&wanted).collect();
    let added_ids: Vec<i64> = added.iter().map(|n| group_ids[n.as_str()]).collect();
    check_grant(&mut tx, principal, project_id, None, &added_ids, "groups").await?;
    for id in &added_ids {
        add_to_group(&mut tx, *id, user_id).await?;
    }
    for name in &removed {
        sqlx::query(
            "DELETE FROM group_members WHERE user_id = $1 AND group_id = (SELECT id FROM groups WHERE project_id = $2 AND name = $3)",
        )
        .bind(user_id)
        .bind(project_id)
        .bind(name.as_str())
        .execute(&mut *tx)
        .await?;
    }
    if changed.is_empty() && role_change.is_none() && added.is_empty() && removed.is_empty() {
        return Ok(());
    }
    let mut details = json!({ "changed": changed });
    if let Some((from, to)) = role_change {
        details["role"] = json!({ "from": from, "to": to });
    }
    if !added.is_empty() || !removed.is_empty() {
        details["groups"] = json!({ "added": added, "removed": removed });
    }
    if changed.contains(&"email") {
        details["email"] = json!({ "from": t.email, "to": checked.email });
    }
    audit::record(
        &mut tx,
        actor,
        Event::new("user.updated")
            .project(project_id)
            .target(Some(t.id), &checked.email)
            .details(details),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Applies `action` to each of `ids` in one transaction. A user the rules refuse is listed in
/// the summary with the reason and the others still change; a database failure changes nobody.
pub async fn bulk(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    ids: &[i64],
    action: &BulkAction,
) -> Result<BulkSummary, AppError> {
    if ids.is_empty() {
        return Err(AppError::validation(
            "selection",
            "Select at least one user.",
        ));
    }
    if ids.len() > MAX_BULK {
        return Err(AppError::validation(
            "selection",
            format!("Select at most {MAX_BULK} users at a time."),
        ));
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut tx = db.begin().await?;
    // Names are checked once, before anyone changes.
    let group = match action {
        BulkAction::AddToGroup(name) => Some(
            *find_groups(&mut tx, project_id, std::slice::from_ref(name))
                .await?
                .get(name)
                .ok_or(AppError::Internal)?,
        ),
        BulkAction::ChangeRole(name) => {
            let role_id = find_role(&mut tx, project_id, name).await?;
            check_grant(&mut tx, principal, project_id, Some(role_id), &[], "role").await?;
            None
        }
        _ => None,
    };
    if let Some(g) = group {
        check_grant(&mut tx, principal, project_id, None, &[g], "group").await?;
    }
    // On PostgreSQL, lock every project of every selected member up front, in id order, so two
    // bulk actions cannot deadlock; ids that are not members of this project lock nothing.
    if db.backend() == Backend::Postgres {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        sqlx::query(&format!(
            "SELECT id FROM projects WHERE id IN (SELECT project_id FROM memberships WHERE user_id IN \
               (SELECT user_id FROM memberships WHERE project_id = $1 AND user_id IN ({list}))) \
             ORDER BY id FOR UPDATE"
        ))
        .bind(project_id)
        .fetch_all(&mut *tx)
        .await?;
    }
    let mut summary = BulkSummary::default();
    for id in ids {
        let outcome: Result<String, AppError> = match action {
            BulkAction::Deactivate | BulkAction::Reactivate => {
                let change = if *action == BulkAction::Deactivate {
                    StatusChange::Deactivate { reason: None }
                } else {
                    StatusChange::Reactivate
                };
                set_status_tx(
                    &mut tx,
                    db.backend(),
                    principal,
                    actor,
                    project_id,
                    id,
                    change,
                )
                .await
            }
            BulkAction::ChangeRole(role) => {
                async {
                    lock_projects(&mut tx, db.backend(), project_id, id).await?;
                    let t = target(&mut tx, project_id, id).await?;
                    protect(&mut tx, principal, project_id, &t).await?;
                    if let Some((from, to)) =
                        set_role_tx(&mut tx, principal, project_id, &t, role).await?
                    {
                        audit::record(
                            &mut tx,
                            actor,
                            Event::new("user.updated")
                                .project(project_id)
                                .target(Some(t.id), &t.email)
                                .details(
                                    json!({ "changed": [], "role": { "from": from, "to": to } }),
                                ),
                        )
                        .await?;
                        Ok(t.email)
                    } else {
                        Err(AppError::Conflict(format!(
                            "{} already has this role.",
                            t.email
                        )))
                    }
                }
                .await
            }
            BulkAction::AddToGroup(name) => {
                async {
                    let t = target(&mut tx, project_id, id).await?;
                    protect(&mut tx, principal, project_id, &t).await?;
                    if groups_of(&mut tx, project_id, id).await?.contains(name) {
                        return Err(AppError::Conflict(format!(
                            "{} is already in this group.",
                            t.email
                        )));
                    }
                    add_to_group(&mut tx, group.ok_or(AppError::Internal)?, id).await?;
                    audit::record(
                    &mut tx,
                    actor,
                    Event::new("user.updated")
                        .project(project_id)
                        .target(Some(t.id), &t.email)
                        .details(
                            json!({ "changed": [], "groups": { "added": [name], "removed": [] } }),
                        ),
                )
                .await?;
                    Ok(t.email)
                }
                .await
            }
        };
        match outcome {
            Ok(email) => {
                summary.changed.push(email);
                summary.changed_ids.push(id);
            }
            // A failed statement may have aborted the transaction (PostgreSQL): stop here.
            Err(AppError::Internal) => return Err(AppError::Internal),
            Err(AppError::NotFound(_)) => summary
                .refused
                .push((format!("#{id}"), "Not a member of this project.".into())),
            Err(e) => {
                let email: Option<String> =
                    sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                summary
                    .refused
                    .push((email.unwrap_or_else(|| format!("#{id}")), e.to_string()));
            }
        }
    }
    tx.commit().await?;
    Ok(summary)
}

/// The detail page of a member of the project.
pub async fn detail(
    db: &Db,
    principal: &Principal,
    project_id: i64,
    user_id: i64,
    idle_cutoff: i64,
) -> Result<UserDetail, AppError> {
    let pool = db.pool();
    let profile = sqlx::query(
        "SELECT u.id, u.email, u.first_name, u.last_name, u.phone, u.metadata, u.status, u.created_at, \
                u.last_sign_in_at, u.is_superadmin FROM users u \
          WHERE u.id = $1 AND EXISTS (SELECT 1 FROM memberships m WHERE m.project_id = $2 AND m.user_id = u.id)",
    )
    .bind(user_id)
    .bind(project_id);
    let memberships = sqlx::query(
        "SELECT p.id, p.slug, p.name, r.name AS role, m.joined_at FROM memberships m \
           JOIN projects p ON p.id = m.project_id JOIN roles r ON r.id = m.role_id \
          WHERE m.user_id = $1 ORDER BY p.name, p.id",
    )
    .bind(user_id);
    let groups = sqlx::query(
        "SELECT g.project_id, g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id \
          WHERE gm.user_id = $1 ORDER BY g.name",
    )
    .bind(user_id);
    let now = now_ms();
    let sessions = sqlx::query(
        "SELECT id, created_at, last_seen_at, ip, browser, os, device FROM sessions \
          WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $3 \
          ORDER BY last_seen_at DESC, id DESC LIMIT 100",
    )
    .bind(user_id)
    .bind(now)
    .bind(idle_cutoff);
    let (profile, memberships, groups, sessions) = tokio::try_join!(
        profile.fetch_optional(pool),
        memberships.fetch_all(pool),
        groups.fetch_all(pool),
        sessions.fetch_all(pool),
    )?;
    let p = profile.ok_or_else(|| AppError::NotFound("The user".into()))?;
    let is_superadmin = p.try_get::<i64, _>("is_superadmin")? != 0;

    let mut groups_by_project: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for g in groups {
        groups_by_project
            .entry(g.try_get("project_id")?)
            .or_default()
            .push(g.try_get("name")?);
    }
    let mut role = String::new();
    let mut here_groups = Vec::new();
    let mut infos = Vec::new();
    for m in memberships {
        let pid: i64 = m.try_get("id")?;
        let gs = groups_by_project.remove(&pid).unwrap_or_default();
        if pid == project_id {
            role = m.try_get("role")?;
            here_groups = gs.clone();
        }
        // Only projects whose users the viewer may read are shown.
        if principal.is_superadmin || principal.can(Permission::UsersRead, pid) {
            infos.push(MembershipInfo {
                project_slug: m.try_get("slug")?,
                project_name: m.try_get("name")?,
                role: m.try_get("role")?,
                groups: gs,
                joined_at: m.try_get("joined_at")?,
            });
        }
    }
    let permissions = super::store::project_permissions(db, user_id, is_superadmin)
        .await?
        .into_iter()
        .find(|p| p.id == project_id)
        .map(|p| p.permissions)
        .unwrap_or_default();
    let sessions = sessions
        .into_iter()
        .map(|s| {
            let id: i64 = s.try_get("id")?;
            Ok(SessionInfo {
                id,
                created_at: s.try_get("created_at")?,
                last_seen_at: s.try_get("last_seen_at")?,
                ip: s.try_get("ip")?,
                browser: s.try_get("browser")?,
                os: s.try_get("os")?,
                device: s.try_get("device")?,
                current: id == principal.session_id,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let guard = if principal.user_id == user_id {
        Some(Guard::OwnAccount)
    } else {
        let n: i64 = sqlx::query_scalar(&last_owner_sql(principal))
            .bind(user_id)
            .fetch_one(pool)
            .await?;
        (n > 0).then_some(Guard::LastOwner)
    };
    let metadata: serde_json::Value =
        serde_json::from_str(&p.try_get::<String, _>("metadata")?).unwrap_or(json!({}));
    Ok(UserDetail {
        id: p.try_get("id")?,
        email: p.try_get("email")?,
        first_name: p.try_get("first_name")?,
        last_name: p.try_get("last_name")?,
        phone: p.try_get("phone")?,
        metadata: serde_json::to_string_pretty(&metadata).unwrap_or_else(|_| "{}".into()),
        status: p
            .try_get::<String, _>("status")?
            .parse()
            .unwrap_or(Status::Inactive),
        created_at: p.try_get("created_at")?,
        last_sign_in_at: p.try_get("last_sign_in_at")?,
        role,
        groups: here_groups,
        memberships: infos,
        permissions,
        sessions,
        guard,
        as_of: now,
    })
}

pub const ACTIVITY_PAGE: u32 = 20;

/// A member's activity, newest first: sign-ins and failed attempts, and changes made to them,
/// limited to events without a project or in projects whose users the viewer may read.
pub async fn activity(
    db: &Db,
    principal: &Principal,
    project_id: i64,
    user_id: i64,
    page: u32,
) -> Result<Page<ActivityItem>, AppError> {
    // The page number comes from the URL: no deeper than any list reads.
    let page = page.clamp(1, crate::model::max_page(ACTIVITY_PAGE));
    let member: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM memberships WHERE project_id = $1 AND user_id = $2",
    )
    .bind(project_id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    if member.is_none() {
        return Err(AppError::NotFound("The user".into()));
    }
    // Project ids come from the principal (integers), so inlining them is safe.
    let scope = if principal.is_superadmin {
        String::new()
    } else {
        let ids: Vec<String> = principal
            .projects
            .iter()
            .filter(|p| p.can(Permission::UsersRead))
            .map(|p| p.id.to_string())
            .collect();
        format!(
            " AND (project_id IS NULL OR project_id IN ({}))",
            ids.join(",")
        )
    };
    let rows_sql = format!(
        "SELECT id, at, action, actor_email, ip, user_agent, details FROM audit_events \
          WHERE target_user_id = $1{scope} ORDER BY at DESC, id DESC LIMIT {ACTIVITY_PAGE} OFFSET {}",
        (page as u64 - 1) * ACTIVITY_PAGE as u64
    );
    let count_sql = format!("SELECT COUNT(*) FROM audit_events WHERE target_user_id = $1{scope}");
    let (rows, total) = tokio::try_join!(
        sqlx::query(&rows_sql).bind(user_id).fetch_all(db.pool()),
        sqlx::query_scalar::<_, i64>(&count_sql)
            .bind(user_id)
            .fetch_one(db.pool())
    )?;
    let items = rows
        .into_iter()
        .map(|r| {
            let ua: String = r.try_get("user_agent")?;
            let device = if ua.is_empty() {
                String::new()
            } else {
                let (browser, os, device) = super::auth::parse_user_agent(&ua);
                format!("{browser} on {os} ({})", device.to_lowercase())
            };
            Ok(ActivityItem {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                action: r.try_get("action")?,
                actor_email: r.try_get("actor_email")?,
                ip: r.try_get("ip")?,
                device,
                details: r.try_get("details")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Page {
        items,
        total: total as u64,
        page,
        size: ACTIVITY_PAGE,
        as_of: now_ms(),
        more: false,
    })
}

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
    let token = super::util::new_token();
    sqlx::query(
        "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(super::util::hash_token(&token))
    .bind(now)
    .bind(now + RESET_TTL_MS)
    .execute(&mut *tx)
    .await?;
    let link = format!(
        "{}/reset-password?token={token}",
        origin.trim_end_matches('/')
    );
    super::mail::queue(
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
