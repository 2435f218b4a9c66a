//! The import job: turns an import's ready rows into invitations, a batch per transaction,
//! under a lease that a crashed worker's successor takes over (see the parent module).
use super::{find, import_row, ROW_COLUMNS};
use crate::model::{AppError, ImportOutcome, ImportRow};
use crate::server::admin::{self, Tx};
use crate::server::audit::{self, Actor, Event};
use crate::server::auth::Principal;
use crate::server::db::Backend;
use crate::server::invitations::{issue_many, Issue};
use crate::server::util::{list_marks, new_token, now_ms, rows_marks};
use crate::server::AppState;
use serde_json::json;
use sqlx::Row as _;
use std::collections::{HashMap, HashSet};

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
    // Where the last batch ended: each batch starts there, rather than walking past every
    // row already done (quadratic over the import).
    let mut after = 0i64;
    for _ in 0..batches {
        let batch = sqlx::query(&format!(
            "SELECT {ROW_COLUMNS} FROM import_rows \
              WHERE import_id = $1 AND ok = 1 AND outcome = '' AND line > $2 \
              ORDER BY line LIMIT {BATCH}"
        ))
        .bind(id)
        .bind(after)
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
        after = batch.last().map_or(after, |row| row.line as i64);
        let outcomes = invite_batch(&mut tx, state, &mut job, &batch).await?;
        let imported = outcomes
            .iter()
            .filter(|o| **o == ImportOutcome::Imported)
            .count() as i64;
        let skipped = batch.len() as i64 - imported;
        // One statement per outcome (a batch has one or two).
        for outcome in ImportOutcome::ALL {
            let lines: Vec<i64> = batch
                .iter()
                .zip(&outcomes)
                .filter(|(_, o)| **o == outcome)
                .map(|(row, _)| row.line as i64)
                .collect();
            if lines.is_empty() {
                continue;
            }
            let sql = Backend::of(&tx).positional(format!(
                "UPDATE import_rows SET outcome = $1, ok = $2 WHERE import_id = $3 AND line IN ({})",
                list_marks(4, lines.len())
            ));
            let mut q = sqlx::query(&sql)
                .bind(outcome.code())
                .bind((outcome == ImportOutcome::Imported) as i64)
                .bind(id);
            for line in lines {
                q = q.bind(line);
            }
            q.execute(&mut *tx).await?;
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

/// Invites a batch of ready rows in its transaction, a few multi-row statements for the whole
/// batch; answers each row's outcome. A row is skipped when its address was invited or added
/// meanwhile, or when the importer may no longer grant what it carries.
async fn invite_batch(
    tx: &mut Tx,
    state: &AppState,
    job: &mut Job,
    rows: &[ImportRow],
) -> Result<Vec<ImportOutcome>, AppError> {
    let mut outcomes = vec![ImportOutcome::SkippedGrant; rows.len()];
    let Some(principal) = job.principal.clone() else {
        // The importer's account is gone or deactivated: nobody may grant anything.
        return Ok(outcomes);
    };
    // What each row grants, as it is now (roles and groups may have gone since the review).
    let mut grants: Vec<Option<Grant>> = Vec::with_capacity(rows.len());
    for row in rows {
        grants.push(grantable(tx, &principal, job, row).await?);
    }
    let wanted: Vec<usize> = (0..rows.len()).filter(|k| grants[*k].is_some()).collect();
    if wanted.is_empty() {
        return Ok(outcomes);
    }

    // The accounts: new ones made, the others (members of other projects) found.
    let now = now_ms();
    let sql = Backend::of(tx).positional(format!(
        "INSERT INTO users (email, first_name, last_name, status, language, created_at, updated_at) \
         VALUES {} ON CONFLICT (email) DO NOTHING RETURNING id, email",
        rows_marks(1, wanted.len(), 7)
    ));
    let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
    for k in &wanted {
        let row = &rows[*k];
        q = q
            .bind(row.email.as_str())
            .bind(row.first_name.as_str())
            .bind(row.last_name.as_str())
            .bind("invited")
            .bind(principal.language.as_str())
            .bind(now)
            .bind(now);
    }
    let created: HashMap<String, i64> = q
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|(id, e)| (e, id))
        .collect();
    let others: Vec<&str> = wanted
        .iter()
        .map(|k| rows[*k].email.as_str())
        .filter(|e| !created.contains_key(*e))
        .collect();
    let mut existing: HashMap<String, i64> = HashMap::new();
    if !others.is_empty() {
        let sql = Backend::of(tx).positional(format!(
            "SELECT email, id FROM users WHERE email IN ({})",
            list_marks(1, others.len())
        ));
        let mut q = sqlx::query_as::<_, (String, i64)>(&sql);
        for e in &others {
            q = q.bind(*e);
        }
        existing.extend(q.fetch_all(&mut **tx).await?);
    }

    // The memberships; an address invited or added meanwhile keeps the one it has.
    struct Candidate<'r> {
        k: usize,
        user_id: i64,
        // An account of another project: its names are its own, and stay hidden here until
        // the person accepts; its mail goes in the account's language.
        new_account: bool,
        row: &'r ImportRow,
        grant: &'r Grant,
    }
    let mut candidates = Vec::with_capacity(wanted.len());
    for k in &wanted {
        let row = &rows[*k];
        let (user_id, new_account) = match created.get(&row.email) {
            Some(id) => (*id, true),
            None => (*existing.get(&row.email).ok_or(AppError::Internal)?, false),
        };
        candidates.push(Candidate {
            k: *k,
            user_id,
            new_account,
            row,
            grant: grants[*k].as_ref().ok_or(AppError::Internal)?,
        });
    }
    let sql = Backend::of(tx).positional(format!(
        "INSERT INTO memberships (project_id, user_id, role_id, joined_at, email, name_key, status, created_at, last_sign_in_at) \
         SELECT $1, u.id, v.column2, $2, u.email, v.column3, 'invited', u.created_at, COALESCE(u.last_sign_in_at, 0) \
           FROM (VALUES {}) AS v JOIN users u ON u.id = v.column1 \
          WHERE true \
         ON CONFLICT (project_id, user_id) DO NOTHING RETURNING user_id",
        rows_marks(3, candidates.len(), 3)
    ));
    let mut q = sqlx::query_scalar::<_, i64>(&sql)
        .bind(job.project_id)
        .bind(now);
    for c in &candidates {
        let name_key = if c.new_account {
            crate::server::store::name_key(&c.row.first_name, &c.row.last_name)
        } else {
            String::new()
        };
        q = q.bind(c.user_id).bind(c.grant.role_id).bind(name_key);
    }
    let mut added: HashSet<i64> = q.fetch_all(&mut **tx).await?.into_iter().collect();
    for c in &candidates {
        outcomes[c.k] = ImportOutcome::SkippedTaken;
    }
    // The same address twice in a batch is one membership: the first row has it.
    let invited: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| added.remove(&c.user_id))
        .collect();
    if invited.is_empty() {
        return Ok(outcomes);
    }

    let pairs: Vec<(i64, i64)> = invited
        .iter()
        .flat_map(|c| c.grant.group_ids.iter().map(|g| (*g, c.user_id)))
        .collect();
    admin::add_to_groups(tx, &pairs).await?;

    let items: Vec<Issue> = invited
        .iter()
        .map(|c| Issue {
            project_id: job.project_id,
            user_id: c.user_id,
            email: &c.row.email,
            role_id: c.grant.role_id,
            group_ids: &c.grant.group_ids,
            message: "",
            send: job.send,
            project_name: Some(&job.project_name),
            language: c.new_account.then_some(principal.language),
        })
        .collect();
    issue_many(tx, state, &principal, &items).await?;
    let events = invited
        .iter()
        .map(|c| {
            Event::new("invitation.created")
                .project(job.project_id)
                .target(Some(c.user_id), &c.row.email)
                .details(
                    json!({ "role": c.row.role, "groups": c.grant.group_names, "import": job.id }),
                )
        })
        .collect();
    audit::record_many(tx, &job.actor, events).await?;
    for c in &invited {
        outcomes[c.k] = ImportOutcome::Imported;
    }
    Ok(outcomes)
}

/// What a row grants.
struct Grant {
    role_id: i64,
    group_ids: Vec<i64>,
    group_names: Vec<String>,
}

/// The role and groups (ids and names) a row grants, if they still exist and the importer may
/// still grant them (asked once per combination and job).
async fn grantable(
    tx: &mut Tx,
    principal: &Principal,
    job: &mut Job,
    row: &ImportRow,
) -> Result<Option<Grant>, AppError> {
    let Some((role_id, _)) = find(&job.roles, &row.role) else {
        return Ok(None);
    };
    let role_id = *role_id;
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
            None => return Ok(None),
        }
    }
    let key = (role_id, group_ids.clone());
    let granted = match job.grants.get(&key) {
        Some(g) => *g,
        None => {
            let g = admin::check_grant(
                tx,
                principal,
                job.project_id,
                Some(role_id),
                &group_ids,
                "role",
            )
            .await
            .is_ok();
            job.grants.insert(key, g);
            g
        }
    };
    Ok(granted.then_some(Grant {
        role_id,
        group_ids,
        group_names,
    }))
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
