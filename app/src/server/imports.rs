//! Bulk import of users from CSV (`users:import`): upload, review, confirm, then a background
//! job turns each ready row into an invitation.
//!
//! - **Upload** reads and checks the whole file ([`reader`]), then the project's side of each
//!   row: its role and groups exist, the importer may grant them, the address is not already a
//!   member. The rows and their problems are kept in `import_rows` for the review; no account,
//!   membership, invitation or mail exists before "Confirm import".
//! - **Confirm** marks the import running (with its audit event) and starts the job.
//! - **The job** takes the ready rows in line order, a batch per transaction. Each batch
//!   creates its invitations (the onboarding's machinery; mail queued when chosen), their audit
//!   events, marks its rows done and moves the counters, all or nothing. A job holds a lease
//!   on its import, renewed by every batch and checked in the batch's transaction: after a
//!   crash (or `kill -9`) the next worker takes over once the lease has passed and goes on
//!   from the first row not done, so no row is lost or done twice. Each row is idempotent on
//!   (project, email): an address someone invited meanwhile (another import, another admin)
//!   is skipped, never invited twice (`ON CONFLICT DO NOTHING` on the membership).
mod job;
mod reader;

pub use job::{resume_due, resume_forever, run, run_batches};
pub use reader::{read, Row, MAX_CELL};

use super::admin;
use super::audit::{self, Actor, Event};
use super::auth::Principal;
use super::util::{list_marks, now_ms, rows_marks};
use super::{AppState, Db};
use crate::model::{
    AppError, ImportCounts, ImportInfo, ImportOutcome, ImportProblem, ImportRow, ImportState,
    Permission, DEFAULT_MAX_MB, DEFAULT_MAX_ROWS, REVIEW_PAGE,
};
use serde_json::json;
use sqlx::Row as _;
use std::collections::{BTreeSet, HashMap};

/// Rows an upload may have (`ROSTER_IMPORT_MAX_ROWS`).
pub fn max_rows() -> usize {
    env_limit("ROSTER_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)
}

/// Megabytes an upload may have (`ROSTER_IMPORT_MAX_MB`).
pub fn max_mb() -> usize {
    env_limit("ROSTER_IMPORT_MAX_MB", DEFAULT_MAX_MB)
}

fn env_limit(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

/// The template: the header and one example row.
pub fn template() -> Vec<u8> {
    let mut out = super::util::csv_line(crate::model::IMPORT_HEADER.map(String::from));
    out.extend(super::util::csv_line(
        [
            "ada@example.com",
            "Ada",
            "Lovelace",
            "end_user",
            "engineering;london",
        ]
        .map(String::from),
    ));
    out
}

/// Rows per staging statement (11 values each: well under both databases' bind limits).
const STAGE_CHUNK: usize = 400;
/// Addresses per membership lookup.
const LOOKUP_CHUNK: usize = 500;

/// A name of the project's roles or groups as the file wrote it: exact, or else ignoring case.
pub(super) fn find<'a>(all: &'a [(i64, String)], name: &str) -> Option<&'a (i64, String)> {
    all.iter()
        .find(|(_, n)| n == name)
        .or_else(|| all.iter().find(|(_, n)| n.eq_ignore_ascii_case(name)))
}

/// Reads and checks an upload and keeps it for the review; answers the import's id. The
/// caller checked `users:import` in the project.
pub async fn upload(
    state: &AppState,
    principal: &Principal,
    project_id: i64,
    file_name: &str,
    bytes: &[u8],
) -> Result<i64, AppError> {
    let mut rows = read(bytes, max_rows())?;
    let db = &state.db;
    let dir = super::users::directory(db, project_id).await?;
    let default_role = dir
        .roles
        .iter()
        .find(|(_, n)| n == "end_user")
        .or(dir.roles.first())
        .cloned();

    // What each role and group would grant, against what the importer holds.
    let role_perms: Vec<(i64, String)> = sqlx::query_as(
        "SELECT rp.role_id, rp.permission FROM role_permissions rp JOIN roles r ON r.id = rp.role_id \
          WHERE r.project_id = $1",
    )
    .bind(project_id)
    .fetch_all(db.pool())
    .await?;
    let group_perms: Vec<(i64, String)> = sqlx::query_as(
        "SELECT gp.group_id, gp.permission FROM group_permissions gp JOIN groups g ON g.id = gp.group_id \
          WHERE g.project_id = $1",
    )
    .bind(project_id)
    .fetch_all(db.pool())
    .await?;
    let missing = |perms: &[(i64, String)], id: i64| -> Vec<String> {
        let granted: Vec<String> = perms
            .iter()
            .filter(|(i, _)| *i == id)
            .map(|(_, p)| p.clone())
            .collect();
        match admin::check_held(principal, project_id, &granted, "role") {
            Ok(()) => Vec::new(),
            Err(_) => granted
                .into_iter()
                .filter(|p| {
                    p.parse::<Permission>().is_ok_and(|perm| {
                        !principal.is_superadmin && !principal.can(perm, project_id)
                    })
                })
                .collect(),
        }
    };
    let mut role_missing: HashMap<i64, Vec<String>> = HashMap::new();
    let mut group_missing: HashMap<i64, Vec<String>> = HashMap::new();

    let mut details: Vec<serde_json::Value> = Vec::with_capacity(rows.len());
    for row in rows.iter_mut() {
        let mut detail = serde_json::Map::new();
        if let Some(first) = row.first_line {
            detail.insert("first_line".into(), json!(first));
        }
        let mut lacking: BTreeSet<String> = BTreeSet::new();
        let role = if row.role.is_empty() {
            default_role.as_ref()
        } else {
            find(&dir.roles, &row.role)
        };
        match role {
            Some((id, name)) => {
                row.role = name.clone();
                let m = role_missing
                    .entry(*id)
                    .or_insert_with(|| missing(&role_perms, *id));
                lacking.extend(m.iter().cloned());
            }
            None => row.problems.push(ImportProblem::UnknownRole),
        }
        let mut unknown = Vec::new();
        let mut known = Vec::new();
        for g in row.group_names() {
            match find(&dir.groups, &g) {
                Some((id, name)) => {
                    known.push(name.clone());
                    let m = group_missing
                        .entry(*id)
                        .or_insert_with(|| missing(&group_perms, *id));
                    lacking.extend(m.iter().cloned());
                }
                None => unknown.push(g),
            }
        }
        if unknown.is_empty() {
            known.dedup();
            row.groups = known.join("; ");
        } else {
            row.problems.push(ImportProblem::UnknownGroups);
            detail.insert("groups".into(), json!(unknown));
        }
        if !lacking.is_empty() {
            row.problems.push(ImportProblem::NotGrantable);
            detail.insert("missing".into(), json!(lacking));
        }
        details.push(serde_json::Value::Object(detail));
    }

    // Who is in the project already.
    let valid: Vec<usize> = (0..rows.len())
        .filter(|i| !rows[*i].problems.contains(&ImportProblem::Email))
        .collect();
    let mut status_of: HashMap<String, String> = HashMap::new();
    for chunk in valid.chunks(LOOKUP_CHUNK) {
        let marks = list_marks(2, chunk.len());
        let sql = db.backend().positional(format!(
            "SELECT email, status FROM memberships WHERE project_id = $1 AND email IN ({marks})"
        ));
        let mut q = sqlx::query_as::<_, (String, String)>(&sql).bind(project_id);
        for i in chunk {
            q = q.bind(rows[*i].email.as_str());
        }
        status_of.extend(q.fetch_all(db.pool()).await?);
    }
    let mut counts = ImportCounts::default();
    for row in rows.iter_mut() {
        match status_of.get(&row.email).map(String::as_str) {
            Some("invited") => row.problems.push(ImportProblem::Invited),
            Some(_) => row.problems.push(ImportProblem::Member),
            None => {}
        }
        row.problems.sort();
        counts.add(&row.problems);
    }

    let now = now_ms();
    let file_name: String = file_name.chars().take(200).collect();
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO imports (project_id, created_by, file_name, state, counts, total_rows, ready_rows, created_at) \
         VALUES ($1, $2, $3, 'review', $4, $5, $6, $7) RETURNING id",
    )
    .bind(project_id)
    .bind(principal.user_id)
    .bind(&file_name)
    .bind(serde_json::to_string(&counts).unwrap_or_default())
    .bind(counts.rows as i64)
    .bind(counts.ready as i64)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for (chunk, detail) in rows.chunks(STAGE_CHUNK).zip(details.chunks(STAGE_CHUNK)) {
        let values = rows_marks(1, chunk.len(), 11);
        let sql = db.backend().positional(format!(
            "INSERT INTO import_rows (import_id, line, email, first_name, last_name, role, groups, problems, detail, outcome, ok) \
             VALUES {values}"
        ));
        let mut q = sqlx::query(&sql);
        for (r, d) in chunk.iter().zip(detail) {
            let codes = r
                .problems
                .iter()
                .map(|p| p.code())
                .collect::<Vec<_>>()
                .join(",");
            let detail = if d.as_object().is_some_and(|o| o.is_empty()) {
                String::new()
            } else {
                d.to_string()
            };
            q = q
                .bind(id)
                .bind(r.line as i64)
                .bind(r.email.clone())
                .bind(r.first_name.clone())
                .bind(r.last_name.clone())
                .bind(r.role.clone())
                .bind(r.groups.clone())
                .bind(codes)
                .bind(detail)
                .bind("")
                .bind(r.problems.is_empty() as i64);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(id)
}

const INFO_COLUMNS: &str =
    "i.id, i.file_name, i.state, i.send_mail, i.counts, i.done_rows, i.imported, i.skipped, \
     i.created_at, i.confirmed_at, i.finished_at, COALESCE(u.email, '') AS created_by";

fn info(r: &sqlx::any::AnyRow) -> Result<ImportInfo, AppError> {
    Ok(ImportInfo {
        id: r.try_get("id")?,
        file_name: r.try_get("file_name")?,
        state: ImportState::parse(&r.try_get::<String, _>("state")?),
        send_mail: r.try_get::<i64, _>("send_mail")? != 0,
        counts: serde_json::from_str(&r.try_get::<String, _>("counts")?).unwrap_or_default(),
        done: r.try_get::<i64, _>("done_rows")? as u64,
        imported: r.try_get::<i64, _>("imported")? as u64,
        skipped: r.try_get::<i64, _>("skipped")? as u64,
        created_at: r.try_get("created_at")?,
        created_by: r.try_get("created_by")?,
        confirmed_at: r.try_get("confirmed_at")?,
        finished_at: r.try_get("finished_at")?,
    })
}

/// One import of the project; another project's is not found.
pub async fn get(db: &Db, project_id: i64, id: i64) -> Result<ImportInfo, AppError> {
    let sql = format!(
        "SELECT {INFO_COLUMNS} FROM imports i LEFT JOIN users u ON u.id = i.created_by \
          WHERE i.id = $1 AND i.project_id = $2"
    );
    let row = sqlx::query(&sql)
        .bind(id)
        .bind(project_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| AppError::NotFound("The import".into()))?;
    info(&row)
}

/// The project's latest imports (not the discarded ones), newest first.
pub async fn recent(db: &Db, project_id: i64, limit: i64) -> Result<Vec<ImportInfo>, AppError> {
    let sql = format!(
        "SELECT {INFO_COLUMNS} FROM imports i LEFT JOIN users u ON u.id = i.created_by \
          WHERE i.project_id = $1 AND i.state <> 'cancelled' ORDER BY i.id DESC LIMIT $2"
    );
    sqlx::query(&sql)
        .bind(project_id)
        .bind(limit)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(info)
        .collect()
}

/// A page of an import's rows, in line order, and the lines to page from.
#[derive(Debug, Clone, Default)]
pub struct RowsPage {
    pub rows: Vec<ImportRow>,
    /// The first line shown, when rows come before it (`before=` of "Previous").
    pub prev: Option<u64>,
    /// The last line shown, when rows come after it (`after=` of "Next").
    pub next: Option<u64>,
}

/// Where a page of rows starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RowsFrom {
    #[default]
    Start,
    After(u64),
    Before(u64),
}

pub(super) fn import_row(r: &sqlx::any::AnyRow) -> Result<ImportRow, AppError> {
    Ok(ImportRow {
        line: r.try_get::<i64, _>("line")? as u64,
        email: r.try_get("email")?,
        first_name: r.try_get("first_name")?,
        last_name: r.try_get("last_name")?,
        role: r.try_get("role")?,
        groups: r.try_get("groups")?,
        problems: ImportProblem::list(&r.try_get::<String, _>("problems")?),
        detail: r.try_get("detail")?,
        outcome: ImportOutcome::parse(&r.try_get::<String, _>("outcome")?),
    })
}

pub(super) const ROW_COLUMNS: &str =
    "line, email, first_name, last_name, role, groups, problems, detail, outcome";

/// A page of [`REVIEW_PAGE`] rows of an import (the caller checked it is the project's),
/// only the refused ones (at the review or by the job) when `problems_only`. Keyset pages
/// on (import, ok, line): as fast at line 100,000 as at line 1.
pub async fn rows(
    db: &Db,
    import_id: i64,
    problems_only: bool,
    from: RowsFrom,
) -> Result<RowsPage, AppError> {
    let filter = if problems_only {
        "import_id = $1 AND ok = 0"
    } else {
        "import_id = $1"
    };
    let limit = REVIEW_PAGE as i64 + 1;
    let (cond, order, at) = match from {
        RowsFrom::Start => ("line > $2", "ASC", 0),
        RowsFrom::After(l) => ("line > $2", "ASC", l as i64),
        RowsFrom::Before(l) => ("line < $2", "DESC", l as i64),
    };
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM import_rows WHERE {filter} AND {cond} ORDER BY line {order} LIMIT {limit}"
    );
    let fetched = sqlx::query(&sql)
        .bind(import_id)
        .bind(at)
        .fetch_all(db.pool())
        .await?;
    let more = fetched.len() > REVIEW_PAGE;
    let mut rows = fetched
        .iter()
        .take(REVIEW_PAGE)
        .map(import_row)
        .collect::<Result<Vec<_>, _>>()?;
    if order == "DESC" {
        rows.reverse();
    }
    let (Some(first), Some(last)) = (rows.first().map(|r| r.line), rows.last().map(|r| r.line))
    else {
        return Ok(RowsPage::default());
    };
    let exists = |cond: &'static str, line: u64| {
        let sql = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT 1 FROM import_rows WHERE {filter} AND {cond} LIMIT 1) AS t"
        );
        async move {
            let n: i64 = sqlx::query_scalar(&sql)
                .bind(import_id)
                .bind(line as i64)
                .fetch_one(db.pool())
                .await?;
            Ok::<_, AppError>(n > 0)
        }
    };
    let (before, after) = match from {
        RowsFrom::Before(_) => (more, exists("line > $2", last).await?),
        RowsFrom::Start => (false, more),
        RowsFrom::After(_) => (exists("line < $2", first).await?, more),
    };
    Ok(RowsPage {
        rows,
        prev: before.then_some(first),
        next: after.then_some(last),
    })
}

/// The refused rows of an import (problems at the review, or skipped by the job), in line
/// order, a chunk at a time, for the error report.
pub async fn refused_after(
    db: &Db,
    import_id: i64,
    after: u64,
    limit: i64,
) -> Result<Vec<ImportRow>, AppError> {
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM import_rows WHERE import_id = $1 AND ok = 0 AND line > $2 \
          ORDER BY line LIMIT {limit}"
    );
    sqlx::query(&sql)
        .bind(import_id)
        .bind(after as i64)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(import_row)
        .collect()
}

/// Confirms an import under review: from now on its ready rows become invitations, with mail
/// when `send_mail`. Records the import (file, counts) in the audit log with the change, then
/// starts the job. Refused when the importer may no longer grant what the rows carry.
pub async fn confirm(
    state: &AppState,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    id: i64,
    send_mail: bool,
) -> Result<(), AppError> {
    let import = get(&state.db, project_id, id).await?;
    if import.state != ImportState::Review {
        return Err(AppError::Conflict(
            "This import was already confirmed or discarded.".into(),
        ));
    }
    let mut tx = state.db.begin().await?;
    // Roles and groups the ready rows carry, checked again: permissions may have changed.
    let roles: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT role FROM import_rows WHERE import_id = $1 AND ok = 1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
    let cells: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT groups FROM import_rows WHERE import_id = $1 AND ok = 1 AND groups <> ''",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let groups: BTreeSet<String> = cells
        .iter()
        .flat_map(|c| c.split(';').map(|g| g.trim().to_string()))
        .filter(|g| !g.is_empty())
        .collect();
    for role in &roles {
        let role_id = admin::find_role(&mut tx, project_id, role).await?;
        admin::check_grant(&mut tx, principal, project_id, Some(role_id), &[], "role").await?;
    }
    let group_ids: Vec<i64> =
        admin::find_groups(&mut tx, project_id, &groups.into_iter().collect::<Vec<_>>())
            .await?
            .into_values()
            .collect();
    admin::check_grant(&mut tx, principal, project_id, None, &group_ids, "groups").await?;
    let changed = sqlx::query(
        "UPDATE imports SET state = 'running', send_mail = $1, confirmed_by = $2, confirmed_at = $3 \
          WHERE id = $4 AND state = 'review'",
    )
    .bind(send_mail as i64)
    .bind(principal.user_id)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(AppError::Conflict(
            "This import was already confirmed or discarded.".into(),
        ));
    }
    audit::record(
        &mut tx,
        actor,
        Event::new("users.imported")
            .project(project_id)
            .details(json!({
                "import": id,
                "file": import.file_name,
                "rows": import.counts.rows,
                "ready": import.counts.ready,
                "with_problems": import.counts.problems,
                "send_mail": send_mail,
            })),
    )
    .await?;
    tx.commit().await?;
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = run(&state, id).await {
            tracing::warn!(import = id, error = %e, "import job stopped; it resumes later");
        }
    });
    Ok(())
}

/// Discards an import under review, and its rows.
pub async fn cancel(db: &Db, project_id: i64, id: i64) -> Result<(), AppError> {
    get(db, project_id, id).await?;
    let mut tx = db.begin().await?;
    let changed =
        sqlx::query("UPDATE imports SET state = 'cancelled' WHERE id = $1 AND state = 'review'")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if changed != 1 {
        return Err(AppError::Conflict(
            "This import was already confirmed or discarded.".into(),
        ));
    }
    sqlx::query("DELETE FROM import_rows WHERE import_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
