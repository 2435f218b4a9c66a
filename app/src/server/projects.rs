//! Projects: listed for the people in them, created and deleted by superadmins, renamed and
//! configured by their owners (`project:manage`). The callers check those permissions; this
//! module checks the input, keeps slugs unique and audits each change in its transaction.
//!
//! Deleting a project removes what belongs to it (memberships, roles, groups, invitations, its
//! counters) and nothing else: people keep their accounts and their other projects, and the
//! project's audit events stay in the log.
use super::audit::{self, Actor, Event};
use super::db::Db;
use crate::model::{
    check_legal_url, check_name, check_slug, AppError, ProjectChanges, ProjectInfo,
};
use serde_json::json;
use sqlx::Row;

/// The projects with these ids (every project for `None`, a superadmin), by name, with their
/// settings and member counts: two queries whatever their number.
pub async fn list(db: &Db, ids: Option<&[i64]>) -> Result<Vec<ProjectInfo>, AppError> {
    // Ids come from the principal (integers), so inlining them is safe.
    let only = match ids {
        None => String::new(),
        Some([]) => return Ok(Vec::new()),
        Some(ids) => format!(
            " WHERE id IN ({})",
            ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        ),
    };
    let sql = format!(
        "SELECT id, slug, name, allow_signup, terms_url, privacy_url, require_admin_2fa \
           FROM projects{only} ORDER BY LOWER(name), id"
    );
    let rows = sqlx::query(&sql).fetch_all(db.pool());
    let counts = sqlx::query(
        "SELECT project_id, CAST(SUM(n) AS BIGINT) AS n FROM membership_counts GROUP BY project_id",
    )
    .fetch_all(db.pool());
    let (rows, counts) = tokio::try_join!(rows, counts)?;
    let counts: std::collections::HashMap<i64, i64> = counts
        .into_iter()
        .map(|r| Ok((r.try_get("project_id")?, r.try_get("n")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    rows.into_iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            Ok(ProjectInfo {
                id,
                slug: r.try_get("slug")?,
                name: r.try_get("name")?,
                allow_signup: r.try_get::<i64, _>("allow_signup")? != 0,
                terms_url: r.try_get("terms_url")?,
                privacy_url: r.try_get("privacy_url")?,
                require_admin_2fa: r.try_get::<i64, _>("require_admin_2fa")? != 0,
                members: counts.get(&id).copied().unwrap_or(0).max(0) as u64,
            })
        })
        .collect()
}

fn check_project_name(name: &str) -> Result<String, AppError> {
    let name = check_name("name", name)?;
    if name.is_empty() {
        return Err(AppError::validation("name", "Enter a name."));
    }
    Ok(name)
}

/// Creates a project with its built-in roles; answers its slug as stored.
pub async fn create(db: &Db, actor: &Actor, slug: &str, name: &str) -> Result<String, AppError> {
    let slug = check_slug(slug)?;
    let name = check_project_name(name)?;
    let taken = || AppError::validation("slug", format!("There is already a project \"{slug}\"."));
    let mut tx = db.begin().await?;
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM projects WHERE slug = $1")
        .bind(&slug)
        .fetch_one(&mut *tx)
        .await?;
    if exists > 0 {
        return Err(taken());
    }
    // Two superadmins creating the same slug at once: the unique index decides.
    let id = super::store::create_project(&mut tx, &slug, &name)
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => taken(),
            other => other,
        })?;
    audit::record(
        &mut tx,
        actor,
        Event::new("project.created")
            .project(id)
            .details(json!({ "slug": slug, "name": name })),
    )
    .await?;
    tx.commit().await?;
    Ok(slug)
}

/// Changes a project's name and settings; records what changed.
pub async fn update(
    db: &Db,
    actor: &Actor,
    project_id: i64,
    changes: &ProjectChanges,
) -> Result<(), AppError> {
    let name = changes
        .name
        .as_deref()
        .map(check_project_name)
        .transpose()?;
    let terms = changes
        .terms_url
        .as_deref()
        .map(|u| check_legal_url("terms_url", u))
        .transpose()?;
    let privacy = changes
        .privacy_url
        .as_deref()
        .map(|u| check_legal_url("privacy_url", u))
        .transpose()?;
    let mut tx = db.begin().await?;
    let before = sqlx::query(
        "SELECT name, allow_signup, terms_url, privacy_url, require_admin_2fa FROM projects WHERE id = $1",
    )
    .bind(project_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("The project".into()))?;
    let mut changed = serde_json::Map::new();
    let mut set = |column: &str, old: serde_json::Value, new: serde_json::Value| {
        if old != new {
            changed.insert(column.to_string(), json!({ "from": old, "to": new }));
        }
    };
    let flag =
        |column: &str| -> Result<bool, sqlx::Error> { Ok(before.try_get::<i64, _>(column)? != 0) };
    if let Some(n) = &name {
        set(
            "name",
            json!(before.try_get::<String, _>("name")?),
            json!(n),
        );
    }
    if let Some(a) = changes.allow_signup {
        set("allow_signup", json!(flag("allow_signup")?), json!(a));
    }
    if let Some(t) = &terms {
        set(
            "terms_url",
            json!(before.try_get::<String, _>("terms_url")?),
            json!(t),
        );
    }
    if let Some(p) = &privacy {
        set(
            "privacy_url",
            json!(before.try_get::<String, _>("privacy_url")?),
            json!(p),
        );
    }
    if let Some(r) = changes.require_admin_2fa {
        set(
            "require_admin_2fa",
            json!(flag("require_admin_2fa")?),
            json!(r),
        );
    }
    if changed.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "UPDATE projects SET name = COALESCE($1, name), \
            allow_signup = COALESCE($2, allow_signup), \
            terms_url = COALESCE($3, terms_url), \
            privacy_url = COALESCE($4, privacy_url), \
            require_admin_2fa = COALESCE($5, require_admin_2fa) \
          WHERE id = $6",
    )
    .bind(name)
    .bind(changes.allow_signup.map(i64::from))
    .bind(terms)
    .bind(privacy)
    .bind(changes.require_admin_2fa.map(i64::from))
    .bind(project_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("project.settings_changed")
            .project(project_id)
            .details(serde_json::Value::Object(changed)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a project once its slug is typed back; answers how many memberships went with it.
pub async fn delete(
    db: &Db,
    actor: &Actor,
    project_id: i64,
    confirm: &str,
) -> Result<u64, AppError> {
    let mut tx = db.begin().await?;
    let row = sqlx::query("SELECT slug, name FROM projects WHERE id = $1")
        .bind(project_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::NotFound("The project".into()))?;
    let slug: String = row.try_get("slug")?;
    if confirm.trim() != slug {
        return Err(AppError::validation(
            "confirm",
            "Type the project's slug to confirm.",
        ));
    }
    // Memberships first: they name the project's roles, which go with the project.
    let members = sqlx::query("DELETE FROM memberships WHERE project_id = $1")
        .bind(project_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM invitations WHERE project_id = $1")
        .bind(project_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM projects WHERE id = $1")
        .bind(project_id)
        .execute(&mut *tx)
        .await?;
    // Console-wide: the project it would name is gone (its own events keep its id).
    audit::record(
        &mut tx,
        actor,
        Event::new("project.deleted").details(json!({
            "project_id": project_id,
            "slug": slug,
            "name": row.try_get::<String, _>("name")?,
            "members": members,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(members)
}
