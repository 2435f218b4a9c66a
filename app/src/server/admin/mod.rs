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
//!   target belongs to, so an admin of one tenant cannot lock a person out of another;
//! - changing someone's email or sending them a reset link needs every built-in permission
//!   they hold, in each of their projects (see `credentials`): no takeover of a stronger
//!   account.
//!
//! Every change and its audit event commit in one transaction.
use super::audit::{self, Actor, Event};
use super::auth::Principal;
use super::store::sync_memberships;
use super::util::{now_ms, rows_marks};
use super::{Backend, Db};
use crate::model::{
    ActivityItem, AppError, BulkAction, BulkSummary, Guard, MembershipInfo, Page, Permission,
    SessionInfo, Status, UserDetail, UserEdit, MAX_BULK, MAX_REASON,
};
use serde_json::json;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, BTreeSet};

mod bulk;
mod credentials;
mod detail;
mod edit;
mod status;

pub use bulk::bulk;
pub use credentials::{
    reset_two_factor, send_password_reset, set_temporary_password, RESET_TTL_MS,
};
pub use detail::{activity, detail, ACTIVITY_PAGE};
pub use edit::update;
pub(crate) use edit::{add_to_group, add_to_groups, find_groups, find_role};
pub use status::{delete, remove_from_project, revoke_sessions, set_status};

pub(crate) type Tx = Transaction<'static, Any>;

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

/// A member of the project whose groups the principal may change: (id, email). Others'
/// members are "not found"; owners and superadmins are protected as for any edit.
pub(crate) async fn group_member(
    tx: &mut Tx,
    principal: &Principal,
    project_id: i64,
    user_id: i64,
) -> Result<(i64, String), AppError> {
    let t = target(tx, project_id, user_id).await?;
    if principal.user_id != user_id {
        protect(tx, principal, project_id, &t).await?;
    }
    Ok((t.id, t.email))
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

/// The people who own project `$P` (hold `project:manage` through their role or a group),
/// whatever their role is called: a query over `owner_id` for a given `{P}` expression.
fn owners_of(project: &str) -> String {
    format!(
        "SELECT o.user_id, o.status FROM memberships o \
           JOIN role_permissions rp ON rp.role_id = o.role_id AND rp.permission = 'project:manage' \
          WHERE o.project_id = {project} \
         UNION \
         SELECT o.user_id, o.status FROM groups g \
           JOIN group_permissions gp ON gp.group_id = g.id AND gp.permission = 'project:manage' \
           JOIN group_members gm ON gm.group_id = g.id \
           JOIN memberships o ON o.project_id = g.project_id AND o.user_id = gm.user_id \
          WHERE g.project_id = {project}"
    )
}

/// How many projects have `user_id` as their only active owner (other owners may exist but be
/// inactive or invited: they cannot act, so they do not count). Owners are defined by
/// permission, as everywhere else.
fn last_owner_sql_all() -> String {
    format!(
        "SELECT COUNT(*) FROM ( \
           SELECT m.project_id FROM memberships m \
             JOIN role_permissions rp ON rp.role_id = m.role_id AND rp.permission = 'project:manage' \
            WHERE m.user_id = $1 \
           UNION \
           SELECT g.project_id FROM group_members gm JOIN groups g ON g.id = gm.group_id \
             JOIN group_permissions gp ON gp.group_id = g.id AND gp.permission = 'project:manage' \
             JOIN memberships m ON m.project_id = g.project_id AND m.user_id = gm.user_id \
            WHERE gm.user_id = $1 \
         ) mine WHERE NOT EXISTS ( \
           SELECT 1 FROM ({}) x WHERE x.user_id <> $1 AND x.status = 'active')",
        owners_of("mine.project_id")
    )
}

/// Active owners of a project, by permission.
pub(crate) async fn active_owners(tx: &mut Tx, project_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM ({}) x WHERE x.status = 'active'",
        owners_of("$1")
    ))
    .bind(project_id)
    .fetch_one(&mut **tx)
    .await?)
}

/// Refuses a change that left a project which had an active owner without one (a role or
/// group change of its last owner), after the change and inside its transaction.
pub(crate) async fn keep_an_owner(
    tx: &mut Tx,
    project_id: i64,
    before: i64,
    field: &str,
) -> Result<(), AppError> {
    if before > 0 && active_owners(tx, project_id).await? == 0 {
        return Err(AppError::validation(
            field,
            Guard::LastOwner.error().to_string(),
        ));
    }
    Ok(())
}

/// The last-owner count limited to the projects whose users the principal may read (all of
/// them for a superadmin), so the answer says nothing about projects they cannot see.
fn last_owner_sql(principal: &Principal) -> String {
    if principal.is_superadmin {
        return last_owner_sql_all();
    }
    // Project ids come from the principal (integers), so inlining them is safe.
    let visible: Vec<String> = principal
        .projects
        .iter()
        .filter(|p| p.can(Permission::UsersRead))
        .map(|p| p.id.to_string())
        .collect();
    format!(
        "{} AND mine.project_id IN ({})",
        last_owner_sql_all(),
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
pub(crate) async fn check_grant(
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
    check_held(principal, project_id, &granted, field)
}

/// Nobody grants what they don't hold: every built-in permission in `permissions` must be the
/// principal's in the project (superadmins hold everything). Custom strings are not Roster's.
/// Refused under `field`, naming what is missing.
pub(crate) fn check_held(
    principal: &Principal,
    project_id: i64,
    permissions: &[String],
    field: &str,
) -> Result<(), AppError> {
    if principal.is_superadmin {
        return Ok(());
    }
    let missing: BTreeSet<&str> = permissions
        .iter()
        .filter(|p| {
            p.parse::<Permission>()
                .is_ok_and(|perm| !principal.can(perm, project_id))
        })
        .map(String::as_str)
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
