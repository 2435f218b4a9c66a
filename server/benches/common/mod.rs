//! What the database benchmarks share: percentiles, and running one on each backend.
use app::server::Backend;
use std::future::Future;
use std::time::Duration;

/// The `p` quantile (0 to 1) of sorted durations.
pub fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Runs `run(backend, users)` on SQLite, then PostgreSQL when `ROSTER_TEST_PG_URL` is set, with
/// `ROSTER_BENCH_USERS` users (default 1,000,000); `ROSTER_BENCH_BACKEND=sqlite|postgres` picks
/// one.
pub fn on_each_backend<F, Fut>(name: &str, runs: usize, run: F)
where
    F: Fn(Backend, u64) -> Fut,
    Fut: Future<Output = ()>,
{
    let n: u64 = std::env::var("ROSTER_BENCH_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        println!("{name} benchmark: {n} users, {runs} runs per view");
        let only = std::env::var("ROSTER_BENCH_BACKEND").unwrap_or_default();
        if only != "postgres" {
            run(Backend::Sqlite, n).await;
        }
        if only != "sqlite" {
            if std::env::var("ROSTER_TEST_PG_URL").is_ok() {
                run(Backend::Postgres, n).await;
            } else {
                println!("PostgreSQL: skipped (set ROSTER_TEST_PG_URL, or use `make bench`)");
            }
        }
    });
}

/// PostgreSQL, before a bulk seed of a million rows: the trigram index goes (it is built far
/// faster once, after the rows, than row by row), and the counter triggers are off (a million
/// trigger updates of the same dozen counter rows in one transaction each walk a growing
/// chain of row versions: a seed ran past 30 minutes that way). [`pg_bulk_end`] puts both back.
#[allow(dead_code)] // Not every benchmark seeds in bulk.
pub async fn pg_bulk_begin(db: &app::server::Db) {
    for sql in [
        "DROP INDEX IF EXISTS users_search",
        "DROP INDEX IF EXISTS users_search_across",
        "ALTER TABLE memberships DISABLE TRIGGER USER",
        "ALTER TABLE group_members DISABLE TRIGGER USER",
    ] {
        sqlx::query(sql).execute(db.pool()).await.unwrap();
    }
}

/// PostgreSQL, after a bulk seed: the triggers back on, every counter summed afresh and the
/// group members' copies filled, the trigram index built, and the planner's statistics
/// gathered.
#[allow(dead_code)] // Not every benchmark seeds in bulk.
pub async fn pg_bulk_end(db: &app::server::Db) {
    for sql in [
        "ALTER TABLE memberships ENABLE TRIGGER USER",
        "ALTER TABLE group_members ENABLE TRIGGER USER",
        "DELETE FROM membership_counts",
        "INSERT INTO membership_counts (project_id, role_id, status, n) \
         SELECT project_id, role_id, status, COUNT(*) FROM memberships \
          GROUP BY project_id, role_id, status",
        // The group members' copy of their list columns (migration 0019).
        "UPDATE group_members gm \
            SET project_id = m.project_id, role_id = m.role_id, email = m.email, \
                name_key = m.name_key, status = m.status, created_at = m.created_at, \
                last_sign_in_at = m.last_sign_in_at \
           FROM groups g JOIN memberships m ON m.project_id = g.project_id \
          WHERE g.id = gm.group_id AND m.user_id = gm.user_id",
        "DELETE FROM group_counts",
        "INSERT INTO group_counts (group_id, role_id, status, n) \
         SELECT gm.group_id, m.role_id, m.status, COUNT(*) FROM group_members gm \
           JOIN groups g ON g.id = gm.group_id \
           JOIN memberships m ON m.project_id = g.project_id AND m.user_id = gm.user_id \
          GROUP BY gm.group_id, m.role_id, m.status",
        "CREATE INDEX users_search ON users \
         USING gin ((email || ' ' || first_name || ' ' || last_name) gin_trgm_ops)",
        // As migration 0022 makes it.
        "CREATE INDEX users_search_across ON users USING gin \
         (translate(email || ' ' || first_name || ' ' || last_name, ' .@-_+''', 'qqqqqqq') gin_trgm_ops)",
        // Outside a transaction, as VACUUM must be.
        "VACUUM (ANALYZE) users, memberships, group_members, membership_counts, group_counts",
    ] {
        sqlx::query(sql).execute(db.pool()).await.unwrap();
    }
}
