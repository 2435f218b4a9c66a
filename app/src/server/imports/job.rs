//! The import job: turns an import's ready rows into invitations, a batch per transaction,
//! under a lease that a crashed worker's successor takes over (see the parent module).
use super::{find, import_row, ROW_COLUMNS};
use crate::model::{AppError, ImportOutcome, ImportRow};
use crate::server::admin::{self, Tx};
use crate::server::audit::{self, Actor, Event};
use crate::server::auth::Principal;
use crate::server::invitations::{issue, Issue};
use crate::server::util::{new_token, now_ms};
use crate::server::AppState;
use serde_json::json;
use sqlx::Row as _;
use std::collections::HashMap;

/// Rows per transaction of the job.
const BATCH: i64 = 250;
/// How long a job's claim on an import lasts without a batch renewing it.
const LEASE_MS: i64 = 30_000;

/// What the job needs to know once.
struct Job {
    id: i64,
    project_id: i64,
    send: bool,
    principal: Option<Principal>,
    actor: Actor,
    roles: Vec<(i64, String)>,
    groups: Vec<(i64, String)>,
    project_name: String,
    /// Whether the importer may grant a role with groups, as found once per job.
    grants: HashMap<(i64, Vec<i64>), bool>,
}

/// Runs an import to its end, unless another worker holds it. Safe to call at any time, from
/// any process: a batch commits only while this worker holds the lease.
pub async fn run(state: &AppState, id: i64) -> Result<(), AppError> {
    run_batches(state, id, usize::MAX).await
}

/// [`run`], stopping after `batches` batches without giving the lease back, as a worker
/// killed at that point would (tests use it to crash a job half-way).
pub async fn run_batches(state: &AppState, id: i64, batches: usize) -> Result<(), AppError> {
    let owner = new_token();
    let Some(mut job) = claim(state, id, &owner).await? else {
        return Ok(());
    };
    for _ in 0..batches {
        let batch = sqlx::query(&format!(
            "SELECT {ROW_COLUMNS} FROM import_rows WHERE import_id = $1 AND ok = 1 AND outcome = '' \
              ORDER BY line LIMIT {BATCH}"
        ))
        .bind(id)
        .fetch_all(state.db.pool())
        .await?
        .iter()
        .map(import_row)
        .collect::<Result<Vec<_>, _>>()?;
        let mut tx = state.db.begin().await?;
        let now = now_ms();
        let held = sqlx::query(
            "UPDATE imports SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'running'",
        )
        .bind(now + LEASE_MS)
        .bind(id)
        .bind(&owner)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if held != 1 {
            // Another worker took over (this one stalled past its lease): it goes on.
            return Ok(());
        }
        if batch.is_empty() {
            sqlx::query(
                "UPDATE imports SET state = 'done', finished_at = $1, lease_until = 0 WHERE id = $2",
            )
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(());
        }
        let (mut imported, mut skipped) = (0i64, 0i64);
        for row in &batch {
            let outcome = invite_row(&mut tx, state, &mut job, row).await?;
            if outcome == ImportOutcome::Imported {
                imported += 1;
            } else {
                skipped += 1;
            }
            sqlx::query(
                "UPDATE import_rows SET outcome = $1, ok = $2 WHERE import_id = $3 AND line = $4",
            )
            .bind(outcome.code())
            .bind((outcome == ImportOutcome::Imported) as i64)
            .bind(id)
            .bind(row.line as i64)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE imports SET done_rows = done_rows + $1, imported = imported + $2, skipped = skipped + $3 \
              WHERE id = $4",
        )
        .bind(batch.len() as i64)
        .bind(imported)
        .bind(skipped)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Takes the lease of a running import whose lease has passed (or was never taken).
async fn claim(state: &AppState, id: i64, owner: &str) -> Result<Option<Job>, AppError> {
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let taken = sqlx::query(
        "UPDATE imports SET lease_until = $1, lease_owner = $2 \
          WHERE id = $3 AND state = 'running' AND lease_until < $4",
    )
    .bind(now + LEASE_MS)
    .bind(owner)
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    if taken != 1 {
        return Ok(None);
    }
    let row = sqlx::query("SELECT project_id, send_mail, confirmed_by FROM imports WHERE id = $1")
        .bind(id)
        .fetch_one(state.db.pool())
        .await?;
    let project_id: i64 = row.try_get("project_id")?;
    let confirmed_by: Option<i64> = row.try_get("confirmed_by")?;
    let principal = match confirmed_by {
        Some(u) => crate::server::auth::principal_of(&state.db, u).await?,
        None => None,
    };
    let actor = match &principal {
        Some(p) => Actor {
            user_id: Some(p.user_id),
            email: Some(p.email.clone()),
            ip: String::new(),
            user_agent: "Roster import".into(),
        },
        None => Actor::system(),
    };
    let dir = crate::server::users::directory(&state.db, project_id).await?;
    let project_name: String = sqlx::query_scalar("SELECT name FROM projects WHERE id = $1")
        .bind(project_id)
        .fetch_one(state.db.pool())
        .await?;
    Ok(Some(Job {
        project_name,
        grants: HashMap::new(),
        id,
        project_id,
        send: row.try_get::<i64, _>("send_mail")? != 0,
        principal,
        actor,
        roles: dir.roles,
        groups: dir.groups,
    }))
}

/// Invites one ready row, in the batch's transaction. Skipped when the address was invited
/// or added meanwhile, or when the importer may no longer grant what the row carries.
async fn invite_row(
    tx: &mut Tx,
    state: &AppState,
    job: &mut Job,
    row: &ImportRow,
) -> Result<ImportOutcome, AppError> {
    let Some(principal) = &job.principal else {
        // The importer's account is gone or deactivated: nobody may grant anything.
        return Ok(ImportOutcome::SkippedGrant);
    };
    let Some((role_id, _)) = find(&job.roles, &row.role) else {
        return Ok(ImportOutcome::SkippedGrant);
    };
    let mut group_ids = Vec::new();
    let mut group_names = Vec::new();
    for g in row
        .groups
        .split(';')
        .map(str::trim)
        .filter(|g| !g.is_empty())
    {
        match find(&job.groups, g) {
            Some((id, name)) => {
                group_ids.push(*id);
                group_names.push(name.clone());
            }
            // Deleted since the review.
            None => return Ok(ImportOutcome::SkippedGrant),
        }
    }
    let key = (*role_id, group_ids.clone());
    let granted = match job.grants.get(&key) {
        Some(g) => *g,
        None => {
            let g = admin::check_grant(
                tx,
                principal,
                job.project_id,
                Some(*role_id),
                &group_ids,
                "role",
            )
            .await
            .is_ok();
            job.grants.insert(key, g);
            g
        }
    };
    if !granted {
        return Ok(ImportOutcome::SkippedGrant);
    }
    let now = now_ms();
    let created: Option<i64> = sqlx::query_scalar(
        "INSERT INTO users (email, first_name, last_name, status, language, created_at, updated_at) \
         VALUES ($1, $2, $3, 'invited', $4, $5, $5) ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(&row.email)
    .bind(&row.first_name)
    .bind(&row.last_name)
    .bind(principal.language.as_str())
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    let (user_id, name_key, language) = match created {
        Some(id) => (
            id,
            crate::server::store::name_key(&row.first_name, &row.last_name),
            Some(principal.language),
        ),
        // An account of another project: its names are its own, and stay hidden here
        // until the person accepts.
        None => (
            sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                .bind(&row.email)
                .fetch_one(&mut **tx)
                .await?,
            String::new(),
            None,
        ),
    };
    let added = sqlx::query(
        "INSERT INTO memberships (project_id, user_id, role_id, joined_at, email, name_key, status, created_at, last_sign_in_at) \
         SELECT $1, u.id, $2, $3, u.email, $4, 'invited', u.created_at, COALESCE(u.last_sign_in_at, 0) \
           FROM users u WHERE u.id = $5 \
         ON CONFLICT (project_id, user_id) DO NOTHING",
    )
    .bind(job.project_id)
    .bind(*role_id)
    .bind(now)
    .bind(&name_key)
    .bind(user_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if added == 0 {
        return Ok(ImportOutcome::SkippedTaken);
    }
    for g in &group_ids {
        admin::add_to_group(tx, *g, user_id).await?;
    }
    issue(
        tx,
        state,
        principal,
        Issue {
            project_id: job.project_id,
            user_id,
            email: &row.email,
            role_id: *role_id,
            group_ids: &group_ids,
            message: "",
            send: job.send,
            project_name: Some(&job.project_name),
            language,
        },
    )
    .await?;
    audit::record(
        tx,
        &job.actor,
        Event::new("invitation.created")
            .project(job.project_id)
            .target(Some(user_id), &row.email)
            .details(json!({ "role": row.role, "groups": group_names, "import": job.id })),
    )
    .await?;
    Ok(ImportOutcome::Imported)
}

/// Runs every running import nobody holds (after a restart or a worker's crash).
pub async fn resume_due(state: &AppState) -> Result<usize, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM imports WHERE state = 'running' AND lease_until < $1 ORDER BY id",
    )
    .bind(now_ms())
    .fetch_all(state.db.pool())
    .await?;
    for id in &ids {
        run(state, *id).await?;
    }
    Ok(ids.len())
}

/// Resumes interrupted imports every few seconds, for as long as the server runs.
pub async fn resume_forever(state: AppState) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
    loop {
        every.tick().await;
        match resume_due(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(imports = n, "resumed interrupted imports"),
            Err(e) => tracing::warn!(error = %e, "could not resume imports"),
        }
    }
}
