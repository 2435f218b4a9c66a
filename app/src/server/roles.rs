//! A project's roles: list, create, edit, delete (moving its members to another role).
//!
//! Rules, whoever calls (page, API):
//! - the `owner` role is the project's anchor: it is never edited or deleted; other built-in
//!   roles may be edited but not deleted;
//! - nobody grants what they do not hold: a non-superadmin may only create or edit a role whose
//!   built-in permissions they all hold in the project, before and after the change, and may
//!   only move members to such a role;
//! - a change never leaves a project that had an active owner without one;
//! - each change is audited in its own transaction.
use super::access::{
    name_conflict, name_taken, permissions_of, rewrite, set_permissions, unique_name, Kind,
};
use super::admin::{active_owners, check_held, keep_an_owner};
use super::audit::{self, Actor, Event};
use super::auth::Principal;
use super::db::{Backend, Db};
use super::util::now_ms;
use crate::model::{AppError, RoleForm, RoleInfo};
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Every role of the project with its permissions and member count: three queries whatever
/// the number of roles or members (counts come from `membership_counts`).
pub async fn list(db: &Db, project_id: i64) -> Result<Vec<RoleInfo>, AppError> {
    let roles = sqlx::query(
        "SELECT id, name, description, builtin FROM roles WHERE project_id = $1 \
         ORDER BY builtin DESC, id",
    )
    .bind(project_id)
    .fetch_all(db.pool());
    let permissions = sqlx::query(
        "SELECT rp.role_id, rp.permission FROM role_permissions rp \
           JOIN roles r ON r.id = rp.role_id \
          WHERE r.project_id = $1 ORDER BY rp.permission",
    )
    .bind(project_id)
    .fetch_all(db.pool());
    let counts = sqlx::query(
        "SELECT role_id, CAST(SUM(n) AS BIGINT) AS n FROM membership_counts \
          WHERE project_id = $1 GROUP BY role_id",
    )
    .bind(project_id)
    .fetch_all(db.pool());
    let (roles, permissions, counts) = tokio::try_join!(roles, permissions, counts)?;
    let mut by_role: HashMap<i64, Vec<String>> = HashMap::new();
    for row in permissions {
        by_role
            .entry(row.try_get("role_id")?)
            .or_default()
            .push(row.try_get("permission")?);
    }
    let mut members: HashMap<i64, i64> = HashMap::new();
    for row in counts {
        members.insert(row.try_get("role_id")?, row.try_get("n")?);
    }
    roles
        .into_iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            Ok(RoleInfo {
                id,
                name: row.try_get("name")?,
                description: row.try_get("description")?,
                builtin: row.try_get::<i64, _>("builtin")? != 0,
                permissions: by_role.remove(&id).unwrap_or_default(),
                members: members.get(&id).copied().unwrap_or(0).max(0) as u64,
            })
        })
        .collect()
}

/// Creates a role; answers its id.
pub async fn create(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    form: &RoleForm,
) -> Result<i64, AppError> {
    let form = form.checked()?;
    check_held(principal, project_id, &form.permissions, "permissions")?;
    let mut tx = db.begin().await?;
    if name_taken(&mut tx, Kind::Role, project_id, &form.name, None).await? {
        return Err(name_conflict(Kind::Role, &form.name));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO roles (project_id, name, description, builtin, created_at) \
         VALUES ($1, $2, $3, 0, $4) RETURNING id",
    )
    .bind(project_id)
    .bind(&form.name)
    .bind(&form.description)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| unique_name(Kind::Role, e, &form.name))?;
    set_permissions(&mut tx, Kind::Role, id, &form.permissions).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("role.created")
            .project(project_id)
            .details(json!({
                "role": form.name,
                "permissions": form.permissions,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a role's name, description and permissions.
pub async fn update(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    role_id: i64,
    form: &RoleForm,
) -> Result<(), AppError> {
    let form = form.checked()?;
    let mut tx = db.begin().await?;
    lock_project(&mut tx, db, project_id).await?;
    let before = role(&mut tx, project_id, role_id).await?;
    if before.locked() {
        return Err(AppError::Conflict(
            "The owner role can't be changed: it always holds every permission.".into(),
        ));
    }
    if before.builtin && form.name != before.name {
        return Err(AppError::validation(
            "name",
            "Built-in roles keep their name.",
        ));
    }
    check_held(principal, project_id, &before.permissions, "permissions")?;
    check_held(principal, project_id, &form.permissions, "permissions")?;
    let (added, removed) = rewrite(
        &mut tx,
        Kind::Role,
        project_id,
        role_id,
        &before.permissions,
        &form,
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("role.updated")
            .project(project_id)
            .details(json!({
                "role": form.name,
                "previous_name": (before.name != form.name).then_some(&before.name),
                "added": added,
                "removed": removed,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a custom role. Its members, if any, move to `move_to` in the same transaction;
/// answers its name and how many moved.
pub async fn delete(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    role_id: i64,
    move_to: Option<i64>,
) -> Result<(String, u64), AppError> {
    let mut tx = db.begin().await?;
    lock_project(&mut tx, db, project_id).await?;
    let doomed = role(&mut tx, project_id, role_id).await?;
    if doomed.builtin {
        return Err(AppError::Conflict(
            "Built-in roles can't be deleted.".into(),
        ));
    }
    check_held(principal, project_id, &doomed.permissions, "permissions")?;
    let in_use: bool = sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM (SELECT 1 FROM memberships WHERE project_id = $1 AND role_id = $2 LIMIT 1) x",
    )
    .bind(project_id)
    .bind(role_id)
    .fetch_one(&mut *tx)
    .await?
        > 0
        || sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM (SELECT 1 FROM invitations WHERE role_id = $1 LIMIT 1) x",
        )
        .bind(role_id)
        .fetch_one(&mut *tx)
        .await?
            > 0;
    let owners = active_owners(&mut tx, project_id).await?;
    let mut moved = 0;
    let mut target_name = None;
    if in_use {
        let Some(to) = move_to.filter(|to| *to != role_id) else {
            return Err(AppError::validation(
                "move_to",
                "This role has members: choose the role they move to.",
            ));
        };
        let target = role(&mut tx, project_id, to)
            .await
            .map_err(|_| AppError::validation("move_to", "Choose one of the project's roles."))?;
        check_held(principal, project_id, &target.permissions, "move_to")?;
        moved = sqlx::query(
            "UPDATE memberships SET role_id = $1 WHERE project_id = $2 AND role_id = $3",
        )
        .bind(to)
        .bind(project_id)
        .bind(role_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("UPDATE invitations SET role_id = $1 WHERE role_id = $2")
            .bind(to)
            .bind(role_id)
            .execute(&mut *tx)
            .await?;
        target_name = Some(target.name);
    }
    // The counts of a role that no longer exists go with it.
    sqlx::query("DELETE FROM membership_counts WHERE project_id = $1 AND role_id = $2")
        .bind(project_id)
        .bind(role_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM group_counts WHERE role_id = $1")
        .bind(role_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM roles WHERE id = $1")
        .bind(role_id)
        .execute(&mut *tx)
        .await?;
    keep_an_owner(&mut tx, project_id, owners, "move_to").await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("role.deleted")
            .project(project_id)
            .details(json!({
                "role": doomed.name,
                "moved_to": target_name,
                "members_moved": moved,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok((doomed.name, moved))
}

/// One role of the project (NotFound for another project's).
async fn role(tx: &mut Tx, project_id: i64, role_id: i64) -> Result<RoleInfo, AppError> {
    let row = sqlx::query(
        "SELECT id, name, description, builtin FROM roles WHERE id = $1 AND project_id = $2",
    )
    .bind(role_id)
    .bind(project_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("The role".into()))?;
    let permissions = permissions_of(tx, Kind::Role, role_id).await?;
    Ok(RoleInfo {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        builtin: row.try_get::<i64, _>("builtin")? != 0,
        permissions,
        members: 0,
    })
}

/// On PostgreSQL, serialises changes to one project's roles (two admins each taking away the
/// last owner's permission at once). SQLite writers are serialised already.
pub(crate) async fn lock_project(tx: &mut Tx, db: &Db, project_id: i64) -> Result<(), AppError> {
    if db.backend() == Backend::Postgres {
        sqlx::query("SELECT id FROM projects WHERE id = $1 FOR UPDATE")
            .bind(project_id)
            .fetch_all(&mut **tx)
            .await?;
    }
    Ok(())
}
