//! Store queries shared by several features. Project scoping is always part of the SQL.
use super::util::now_ms;
use super::Db;
use crate::model::{
    AppError, Language, Permission, ProjectSummary, Theme, Viewer, ALL_PERMISSIONS, BUILTIN_ROLES,
};
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;

type Tx<'a> = Transaction<'a, Any>;

/// Creates a project with the built-in roles and their permissions; returns its id.
pub async fn create_project(tx: &mut Tx<'_>, slug: &str, name: &str) -> Result<i64, AppError> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO projects (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(slug)
    .bind(name)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    for (role, description) in BUILTIN_ROLES {
        let role_id: i64 = sqlx::query_scalar(
            "INSERT INTO roles (project_id, name, description, builtin, created_at) VALUES ($1, $2, $3, 1, $4) RETURNING id",
        )
        .bind(id)
        .bind(role)
        .bind(description)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        for p in Permission::builtin_role(role) {
            sqlx::query("INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2)")
                .bind(role_id)
                .bind(p.as_str())
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(id)
}

pub async fn role_id(tx: &mut Tx<'_>, project_id: i64, name: &str) -> Result<i64, AppError> {
    sqlx::query_scalar("SELECT id FROM roles WHERE project_id = $1 AND name = $2")
        .bind(project_id)
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Role \"{name}\"")))
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub password_hash: Option<&'a str>,
    pub status: &'a str,
    pub is_superadmin: bool,
}

/// Inserts a user (email already validated and lower-cased); a taken email is a Conflict.
pub async fn insert_user(tx: &mut Tx<'_>, u: &NewUser<'_>) -> Result<i64, AppError> {
    let now = now_ms();
    sqlx::query_scalar(
        "INSERT INTO users (email, first_name, last_name, password_hash, status, is_superadmin, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(u.email)
    .bind(u.first_name)
    .bind(u.last_name)
    .bind(u.password_hash)
    .bind(u.status)
    .bind(u.is_superadmin as i64)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::validation("email", "A user with this email already exists."),
        other => other,
    })
}

/// The lower-cased "first last" the users page sorts and searches names by.
pub fn name_key(first: &str, last: &str) -> String {
    format!("{} {}", first.trim(), last.trim())
        .trim()
        .to_lowercase()
}

/// Adds a user to a project with a role, copying the user's list columns into the membership.
pub async fn add_membership(
    tx: &mut Tx<'_>,
    project_id: i64,
    user_id: i64,
    role_id: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO memberships (project_id, user_id, role_id, joined_at, email, name_key, status, created_at, last_sign_in_at) \
         SELECT $1, u.id, $2, $3, u.email, '', u.status, u.created_at, COALESCE(u.last_sign_in_at, 0) FROM users u WHERE u.id = $4",
    )
    .bind(project_id)
    .bind(role_id)
    .bind(now_ms())
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    sync_memberships(tx, user_id).await
}

/// Re-copies a user's list columns into all their memberships; call after changing the user.
pub async fn sync_memberships(tx: &mut Tx<'_>, user_id: i64) -> Result<(), AppError> {
    let row = sqlx::query("SELECT email, first_name, last_name, status, created_at, last_sign_in_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?;
    let first: String = row.try_get("first_name")?;
    let last: String = row.try_get("last_name")?;
    // A membership still waiting for its invitation to be accepted stays "invited" (the account
    // may be active elsewhere); the name of an account that exists elsewhere is not shown (or
    // sorted by) there until the person joins.
    sqlx::query(
        "UPDATE memberships SET email = $1, \
                name_key = CASE WHEN status = 'invited' AND $3 <> 'invited' THEN '' ELSE $2 END, \
                status = CASE WHEN status = 'invited' THEN 'invited' ELSE $3 END, \
                created_at = $4, last_sign_in_at = $5 WHERE user_id = $6",
    )
    .bind(row.try_get::<String, _>("email")?)
    .bind(name_key(&first, &last))
    .bind(row.try_get::<String, _>("status")?)
    .bind(row.try_get::<i64, _>("created_at")?)
    .bind(
        row.try_get::<Option<i64>, _>("last_sign_in_at")?
            .unwrap_or(0),
    )
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Effective permissions per project of one user: the union of the role's and every group's
/// permissions in each project they belong to. An invitation not yet accepted grants nothing. A superadmin has every permission everywhere.
pub async fn project_permissions(
    db: &Db,
    user_id: i64,
    is_superadmin: bool,
) -> Result<Vec<ProjectSummary>, AppError> {
    Ok(project_access(db, user_id, is_superadmin).await?.projects)
}

/// A user's projects as [`project_permissions`] reads them, and which of those require
/// administrators to use two-factor authentication: one statement for both, as every signed-in
/// request needs them.
pub struct ProjectAccess {
    pub projects: Vec<ProjectSummary>,
    pub require_admin_2fa: Vec<i64>,
}

/// A project's summary from a row of its id, slug, name and two-factor rule; the rule is
/// noted in `require_admin_2fa`.
fn summary_of(
    r: &sqlx::any::AnyRow,
    permissions: Vec<String>,
    require_admin_2fa: &mut Vec<i64>,
) -> Result<ProjectSummary, sqlx::Error> {
    let id: i64 = r.try_get("id")?;
    if r.try_get::<i64, _>("require_admin_2fa")? != 0 {
        require_admin_2fa.push(id);
    }
    Ok(ProjectSummary {
        id,
        slug: r.try_get("slug")?,
        name: r.try_get("name")?,
        permissions,
    })
}

pub async fn project_access(
    db: &Db,
    user_id: i64,
    is_superadmin: bool,
) -> Result<ProjectAccess, AppError> {
    let mut by_project: BTreeMap<i64, ProjectSummary> = BTreeMap::new();
    let mut require_admin_2fa = Vec::new();
    if is_superadmin {
        let rows =
            sqlx::query("SELECT id, slug, name, require_admin_2fa FROM projects ORDER BY name, id")
                .fetch_all(db.pool())
                .await?;
        let all: Vec<String> = ALL_PERMISSIONS
            .iter()
            .map(|p| p.as_str().to_string())
            .collect();
        let projects = rows
            .iter()
            .map(|r| summary_of(r, all.clone(), &mut require_admin_2fa))
            .collect::<Result<_, _>>()?;
        return Ok(ProjectAccess {
            projects,
            require_admin_2fa,
        });
    }
    let rows = sqlx::query(
        "SELECT p.id, p.slug, p.name, p.require_admin_2fa, rp.permission FROM memberships m \
           JOIN projects p ON p.id = m.project_id \
           JOIN role_permissions rp ON rp.role_id = m.role_id \
          WHERE m.user_id = $1 AND m.status <> 'invited' \
         UNION \
         SELECT p.id, p.slug, p.name, p.require_admin_2fa, gp.permission FROM group_members gm \
           JOIN groups g ON g.id = gm.group_id \
           JOIN memberships m ON m.project_id = g.project_id AND m.user_id = gm.user_id \
           JOIN projects p ON p.id = g.project_id \
           JOIN group_permissions gp ON gp.group_id = g.id \
          WHERE gm.user_id = $1 AND m.status <> 'invited'",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let entry = match by_project.entry(id) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(summary_of(&r, Vec::new(), &mut require_admin_2fa)?)
            }
        };
        entry.permissions.push(r.try_get("permission")?);
    }
    let mut out: Vec<ProjectSummary> = by_project.into_values().collect();
    for p in &mut out {
        p.permissions.sort();
        p.permissions.dedup();
    }
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(ProjectAccess {
        projects: out,
        require_admin_2fa,
    })
}

/// A person as the console shell sees them (profile plus the projects they can manage), read
/// from the database; a request's own caller is [`super::auth::Principal::viewer`].
pub async fn viewer(db: &Db, user_id: i64) -> Result<Viewer, AppError> {
    let r = sqlx::query("SELECT id, email, first_name, last_name, is_superadmin, language, theme, list_columns FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let is_superadmin = r.try_get::<i64, _>("is_superadmin")? != 0;
    let mut projects = project_permissions(db, user_id, is_superadmin).await?;
    // Only projects whose console the viewer may see appear in the picker.
    projects.retain(|p| p.sees_console());
    Ok(Viewer {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        first_name: r.try_get("first_name")?,
        last_name: r.try_get("last_name")?,
        is_superadmin,
        language: Language::parse(&r.try_get::<String, _>("language")?),
        theme: Theme::parse(&r.try_get::<String, _>("theme")?),
        projects,
        // Only the request's own principal knows (see `auth::Principal::viewer`).
        required: None,
        columns: crate::model::Columns::parse(r.try_get::<String, _>("list_columns")?.split(',')),
    })
}
