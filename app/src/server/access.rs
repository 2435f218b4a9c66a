//! What roles and groups have in common in the store: named, per project, each with a set of
//! permission strings in its own table. `roles` and `groups` keep their own rules.
use super::admin::{active_owners, keep_an_owner};
use crate::model::{AppError, RoleForm};

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A role or a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Role,
    Group,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Role => "roles",
            Kind::Group => "groups",
        }
    }

    /// The permissions table and its owner column.
    fn permissions(self) -> (&'static str, &'static str) {
        match self {
            Kind::Role => ("role_permissions", "role_id"),
            Kind::Group => ("group_permissions", "group_id"),
        }
    }
}

/// The permission strings of role or group `id`, sorted.
pub(crate) async fn permissions_of(
    tx: &mut Tx,
    kind: Kind,
    id: i64,
) -> Result<Vec<String>, AppError> {
    let (table, owner) = kind.permissions();
    Ok(sqlx::query_scalar(&format!(
        "SELECT permission FROM {table} WHERE {owner} = $1 ORDER BY permission"
    ))
    .bind(id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Replaces the permission strings of role or group `id`.
pub(crate) async fn set_permissions(
    tx: &mut Tx,
    kind: Kind,
    id: i64,
    permissions: &[String],
) -> Result<(), AppError> {
    let (table, owner) = kind.permissions();
    sqlx::query(&format!("DELETE FROM {table} WHERE {owner} = $1"))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for p in permissions {
        sqlx::query(&format!(
            "INSERT INTO {table} ({owner}, permission) VALUES ($1, $2)"
        ))
        .bind(id)
        .bind(p)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Another role (or group) of the project has this name, whatever its case.
pub(crate) async fn name_taken(
    tx: &mut Tx,
    kind: Kind,
    project_id: i64,
    name: &str,
    except: Option<i64>,
) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar::<_, i64>(&format!(
        "SELECT COUNT(*) FROM {} WHERE project_id = $1 AND LOWER(name) = LOWER($2) AND id <> $3",
        kind.table()
    ))
    .bind(project_id)
    .bind(name)
    .bind(except.unwrap_or(0))
    .fetch_one(&mut **tx)
    .await?
        > 0)
}

pub(crate) fn name_conflict(kind: Kind, name: &str) -> AppError {
    match kind {
        Kind::Role => {
            AppError::validation("name", format!("There is already a role named \"{name}\"."))
        }
        Kind::Group => AppError::validation(
            "name",
            format!("There is already a group named \"{name}\"."),
        ),
    }
}

/// Two admins creating the same name at once: the unique index decides, with a clear message.
pub(crate) fn unique_name(kind: Kind, e: sqlx::Error, name: &str) -> AppError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => name_conflict(kind, name),
        _ => e.into(),
    }
}

/// Renames role or group `id` and replaces its permissions with the (checked) form's: a taken
/// name is refused, and so is a change that leaves the project without an active owner.
/// Answers the permissions (added, removed) compared with `before`.
pub(crate) async fn rewrite(
    tx: &mut Tx,
    kind: Kind,
    project_id: i64,
    id: i64,
    before: &[String],
    form: &RoleForm,
) -> Result<(Vec<String>, Vec<String>), AppError> {
    if name_taken(tx, kind, project_id, &form.name, Some(id)).await? {
        return Err(name_conflict(kind, &form.name));
    }
    let owners = active_owners(tx, project_id).await?;
    sqlx::query(&format!(
        "UPDATE {} SET name = $1, description = $2 WHERE id = $3",
        kind.table()
    ))
    .bind(&form.name)
    .bind(&form.description)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map_err(|e| unique_name(kind, e, &form.name))?;
    set_permissions(tx, kind, id, &form.permissions).await?;
    keep_an_owner(tx, project_id, owners, "permissions").await?;
    let added = form
        .permissions
        .iter()
        .filter(|p| !before.contains(p))
        .cloned()
        .collect();
    let removed = before
        .iter()
        .filter(|p| !form.permissions.contains(p))
        .cloned()
        .collect();
    Ok((added, removed))
}
