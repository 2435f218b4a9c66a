//! A project's groups: list, create, edit, delete, and their members.
//!
//! Rules, whoever calls (page, API):
//! - nobody grants what they do not hold: a non-superadmin may only create, edit, delete or
//!   add someone to a group whose built-in permissions they all hold in the project (before
//!   and after an edit);
//! - members are the project's members; owners and superadmins are protected as for any edit
//!   of a person (see `admin::group_member`);
//! - a change never leaves a project that had an active owner without one (a group may carry
//!   `project:manage`);
//! - deleting a group removes its memberships and keeps its audit trail;
//! - each change is audited in its own transaction.
//!
//! Effective permissions are read from the database on every request, so a change applies to
//! members at once.
use super::access::{
    name_conflict, name_taken, permissions_of, rewrite, set_permissions, unique_name, Kind,
};
use super::admin::{active_owners, check_held, group_member, keep_an_owner};
use super::audit::{self, Actor, Event};
use super::auth::Principal;
use super::db::Db;
use super::roles::lock_project;
use super::util::now_ms;
use crate::model::{AppError, GroupInfo, RoleForm};
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Every group of the project by name, with permissions and member counts: three queries
/// whatever the number of groups or members (counts come from `group_counts`).
pub async fn list(db: &Db, project_id: i64) -> Result<Vec<GroupInfo>, AppError> {
    let groups = sqlx::query(
        "SELECT id, name, description FROM groups WHERE project_id = $1 ORDER BY LOWER(name), id",
    )
    .bind(project_id)
    .fetch_all(db.pool());
    let permissions = sqlx::query(
        "SELECT gp.group_id, gp.permission FROM group_permissions gp \
           JOIN groups g ON g.id = gp.group_id \
          WHERE g.project_id = $1 ORDER BY gp.permission",
    )
    .bind(project_id)
    .fetch_all(db.pool());
    let counts = sqlx::query(
        "SELECT c.group_id, CAST(SUM(c.n) AS BIGINT) AS n FROM group_counts c \
           JOIN groups g ON g.id = c.group_id \
          WHERE g.project_id = $1 GROUP BY c.group_id",
    )
    .bind(project_id)
    .fetch_all(db.pool());
    let (groups, permissions, counts) = tokio::try_join!(groups, permissions, counts)?;
    let mut by_group: HashMap<i64, Vec<String>> = HashMap::new();
    for row in permissions {
        by_group
            .entry(row.try_get("group_id")?)
            .or_default()
            .push(row.try_get("permission")?);
    }
    let mut members: HashMap<i64, i64> = HashMap::new();
    for row in counts {
        members.insert(row.try_get("group_id")?, row.try_get("n")?);
    }
    groups
        .into_iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            Ok(GroupInfo {
                id,
                name: row.try_get("name")?,
                description: row.try_get("description")?,
                permissions: by_group.remove(&id).unwrap_or_default(),
                members: members.get(&id).copied().unwrap_or(0).max(0) as u64,
            })
        })
        .collect()
}

/// One group of the project with its member count (NotFound for another project's).
pub async fn get(db: &Db, project_id: i64, group_id: i64) -> Result<GroupInfo, AppError> {
    let mut tx = db.begin().await?;
    let mut g = group(&mut tx, project_id, group_id).await?;
    let n: Option<i64> =
        sqlx::query_scalar("SELECT CAST(SUM(n) AS BIGINT) FROM group_counts WHERE group_id = $1")
            .bind(group_id)
            .fetch_one(&mut *tx)
            .await?;
    g.members = n.unwrap_or(0).max(0) as u64;
    tx.commit().await?;
    Ok(g)
}

/// Creates a group; answers its id.
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
    if name_taken(&mut tx, Kind::Group, project_id, &form.name, None).await? {
        return Err(name_conflict(Kind::Group, &form.name));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO groups (project_id, name, description, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(project_id)
    .bind(&form.name)
    .bind(&form.description)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| unique_name(Kind::Group, e, &form.name))?;
    set_permissions(&mut tx, Kind::Group, id, &form.permissions).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("group.created")
            .project(project_id)
            .details(json!({ "group": form.name, "permissions": form.permissions })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a group's name, description and permissions.
pub async fn update(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    group_id: i64,
    form: &RoleForm,
) -> Result<(), AppError> {
    let form = form.checked()?;
    let mut tx = db.begin().await?;
    lock_project(&mut tx, db, project_id).await?;
    let before = group(&mut tx, project_id, group_id).await?;
    check_held(principal, project_id, &before.permissions, "permissions")?;
    check_held(principal, project_id, &form.permissions, "permissions")?;
    let (added, removed) = rewrite(
        &mut tx,
        Kind::Group,
        project_id,
        group_id,
        &before.permissions,
        &form,
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("group.updated")
            .project(project_id)
            .details(json!({
                "group": form.name,
                "previous_name": (before.name != form.name).then_some(&before.name),
                "description_changed": before.description != form.description,
                "added": added,
                "removed": removed,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a group and its memberships (its events stay in the audit log); answers how many
/// members it had.
pub async fn delete(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    group_id: i64,
) -> Result<u64, AppError> {
    let mut tx = db.begin().await?;
    lock_project(&mut tx, db, project_id).await?;
    let doomed = group(&mut tx, project_id, group_id).await?;
    check_held(principal, project_id, &doomed.permissions, "permissions")?;
    let owners = active_owners(&mut tx, project_id).await?;
    let members = sqlx::query("DELETE FROM group_members WHERE group_id = $1")
        .bind(group_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    // Permissions and counts go with the group (ON DELETE CASCADE).
    sqlx::query("DELETE FROM groups WHERE id = $1")
        .bind(group_id)
        .execute(&mut *tx)
        .await?;
    keep_an_owner(&mut tx, project_id, owners, "permissions").await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("group.deleted")
            .project(project_id)
            .details(json!({
                "group": doomed.name,
                "permissions": doomed.permissions,
                "members": members,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(members)
}

/// Adds a member of the project to the group; answers (the group's name, the person's email,
/// whether they were added: false when they already were in it).
pub async fn add_member(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    group_id: i64,
    user_id: i64,
) -> Result<(String, String, bool), AppError> {
    let mut tx = db.begin().await?;
    lock_project(&mut tx, db, project_id).await?;
    let g = group(&mut tx, project_id, group_id).await?;
    let (user_id, email) = group_member(&mut tx, principal, project_id, user_id).await?;
    check_held(principal, project_id, &g.permissions, "user")?;
    let added = sqlx::query(
        "INSERT INTO group_members (group_id, user_id, added_at) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind(group_id)
    .bind(user_id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if added {
        audit::record(
            &mut tx,
            actor,
            Event::new("group.member_added")
                .project(project_id)
                .target(Some(user_id), &email)
                .details(json!({ "group": g.name })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok((g.name, email, added))
}

/// Removes a person from the group; answers (the group's name, their email).
pub async fn remove_member(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    group_id: i64,
    user_id: i64,
) -> Result<(String, String), AppError> {
    let mut tx = db.begin().await?;
    lock_project(&mut tx, db, project_id).await?;
    let g = group(&mut tx, project_id, group_id).await?;
    let (user_id, email) = group_member(&mut tx, principal, project_id, user_id).await?;
    let owners = active_owners(&mut tx, project_id).await?;
    let removed = sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
        .bind(group_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::NotFound("The group member".into()));
    }
    keep_an_owner(&mut tx, project_id, owners, "user").await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("group.member_removed")
            .project(project_id)
            .target(Some(user_id), &email)
            .details(json!({ "group": g.name })),
    )
    .await?;
    tx.commit().await?;
    Ok((g.name, email))
}

/// One group of the project, without its member count (NotFound for another project's).
async fn group(tx: &mut Tx, project_id: i64, group_id: i64) -> Result<GroupInfo, AppError> {
    let row =
        sqlx::query("SELECT id, name, description FROM groups WHERE id = $1 AND project_id = $2")
            .bind(group_id)
            .bind(project_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| AppError::NotFound("The group".into()))?;
    let permissions = permissions_of(tx, Kind::Group, group_id).await?;
    Ok(GroupInfo {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        permissions,
        members: 0,
    })
}
