//! One database handle over SQLite (default) or PostgreSQL, chosen at start from the URL.
//!
//! Queries are written once with `$1`-style parameters, which both backends accept through
//! sqlx's `Any` driver. Where the dialects differ, callers branch on [`Db::backend`].
use crate::model::AppError;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub mod testing;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend of a connection (a transaction's, where no [`Db`] is at hand).
    pub fn of(conn: &sqlx::AnyConnection) -> Backend {
        if conn.backend_name().eq_ignore_ascii_case("sqlite") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }

    /// `sql`, whose parameters are `$1, $2, …` in order and each once, written the way this
    /// backend binds many of them fastest. On SQLite, sqlx looks up the name of every `$N`
    /// parameter, and SQLite finds a name by walking the statement's list of named
    /// parameters: quadratic in their number, 42% of an import's review (statements of 4,000
    /// parameters). Anonymous `?` have no name. Any other `sql` is answered as it is.
    pub fn positional(self, sql: String) -> String {
        if self == Backend::Postgres {
            return sql;
        }
        let bytes = sql.as_bytes();
        let mut out = String::with_capacity(sql.len());
        let (mut copied, mut next, mut i) = (0, 1usize, 0);
        while i < bytes.len() {
            if bytes[i] == b'$' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                let end = (i + 1..bytes.len())
                    .find(|j| !bytes[*j].is_ascii_digit())
                    .unwrap_or(bytes.len());
                if sql[i + 1..end].parse::<usize>().ok() != Some(next) {
                    return sql;
                }
                next += 1;
                out.push_str(&sql[copied..i]);
                out.push('?');
                copied = end;
                i = end;
            } else {
                i += 1;
            }
        }
        out.push_str(&sql[copied..]);
        out
    }
}

#[derive(Clone)]
pub struct Db {
    /// Reads (and, on PostgreSQL, everything).
    read: AnyPool,
    /// On SQLite, a single connection that every write transaction goes through: writers are
    /// serialised in process instead of failing with SQLITE_BUSY when two transactions both
    /// try to upgrade from read to write. On PostgreSQL, the same pool as `read`.
    write: AnyPool,
    backend: Backend,
    /// Whether the last health check reached the database. While it did not, requests that
    /// need the database are answered at once with 503 instead of each waiting out a connect
    /// timeout. Always true on SQLite (a file next to the process).
    up: Arc<AtomicBool>,
    /// Per project, a sample of its members' searchable text and when it was read
    /// (`server::users::sqlite_phrase`): with the handle, so each database has its own.
    pub(crate) text_samples: Arc<std::sync::Mutex<TextSamples>>,
}

/// See [`Db::text_samples`].
pub(crate) type TextSamples =
    std::collections::HashMap<i64, (std::time::Instant, Arc<crate::server::users::TextSample>)>;

/// How long a health check waits for the database before calling it unreachable.
pub const HEALTH_TIMEOUT: Duration = Duration::from_millis(800);
/// How often a PostgreSQL pool's health is checked in the background.
const HEALTH_INTERVAL: Duration = Duration::from_secs(1);

static DRIVERS: std::sync::Once = std::sync::Once::new();

impl Db {
    /// Opens `database_url` if given (postgres://… or sqlite://…), else the SQLite file
    /// `roster.db` under `data_dir`, creating the directory and file on first start.
    pub async fn open(database_url: Option<&str>, data_dir: &Path) -> Result<Db, AppError> {
        match database_url {
            Some(url) if !url.is_empty() => Db::connect(url).await,
            _ => {
                std::fs::create_dir_all(data_dir).map_err(|e| {
                    tracing::error!(dir = %data_dir.display(), error = %e, "cannot create data directory");
                    AppError::Internal
                })?;
                let file = data_dir.join("roster.db");
                Db::connect(&format!("sqlite://{}?mode=rwc", file.display())).await
            }
        }
    }

    pub async fn connect(url: &str) -> Result<Db, AppError> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            tracing::error!("DATABASE_URL must start with postgres:// or sqlite://");
            return Err(AppError::Internal);
        };
        let options = AnyConnectOptions::from_str(url).map_err(|e| {
            tracing::error!(error = %e, "invalid DATABASE_URL");
            AppError::Internal
        })?;
        let fail = |e: sqlx::Error| {
            tracing::error!(error = %e, "cannot connect to the database");
            AppError::Internal
        };
        match backend {
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(fail)?;
                let db = Db {
                    read: pool.clone(),
                    write: pool,
                    backend,
                    up: Arc::new(AtomicBool::new(true)),
                    text_samples: Arc::default(),
                };
                db.watch_health();
                Ok(db)
            }
            Backend::Sqlite => {
                // No ping before handing out a connection (sqlx's default): a connection
                // to a local file does not go stale, and the ping is one more round trip to
                // the connection's thread per query. Those hand-offs (thread wake-ups) are
                // the largest cost of a signed-in page in `perf`.
                let write = AnyPoolOptions::new()
                    .max_connections(1)
                    .test_before_acquire(false)
                    .after_connect(sqlite_writer_pragmas)
                    .connect_with(options.clone())
                    .await
                    .map_err(fail)?;
                let read = AnyPoolOptions::new()
                    .max_connections(READERS)
                    .test_before_acquire(false)
                    .after_connect(sqlite_reader_pragmas)
                    .connect_with(options)
                    .await
                    .map_err(fail)?;
                Ok(Db {
                    read,
                    write,
                    backend,
                    up: Arc::new(AtomicBool::new(true)),
                    text_samples: Arc::default(),
                })
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for reads.
    pub fn pool(&self) -> &AnyPool {
        &self.read
    }

    /// Starts a transaction for a change. Every change and its audit event go through one.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, AppError> {
        Ok(self.write.begin().await?)
    }

    /// Applies the migrations of this backend (idempotent; PostgreSQL takes an advisory lock,
    /// so several processes may start at once).
    pub async fn migrate(&self) -> Result<(), AppError> {
        let result = match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("../migrations/sqlite")
                    .run(&self.write)
                    .await
            }
            Backend::Postgres => {
                sqlx::migrate!("../migrations/postgres")
                    .run(&self.write)
                    .await
            }
        };
        result.map_err(|e| {
            tracing::error!(error = %e, "migration failed");
            AppError::Internal
        })
    }

    /// A cheap round trip within [`HEALTH_TIMEOUT`], for `/healthz`; records the answer.
    pub async fn ping(&self) -> Result<(), AppError> {
        let reached = matches!(
            tokio::time::timeout(HEALTH_TIMEOUT, sqlx::query("SELECT 1").execute(&self.read)).await,
            Ok(Ok(_))
        );
        if self.backend == Backend::Postgres {
            self.up.store(reached, Ordering::Relaxed);
        }
        if reached {
            Ok(())
        } else {
            Err(AppError::Unavailable)
        }
    }

    /// Whether the database answered its last health check.
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    /// Checks a PostgreSQL server every [`HEALTH_INTERVAL`] until the pool is closed, so an
    /// outage is noticed (and its end too) without a request paying for it.
    fn watch_health(&self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let db = self.clone();
        runtime.spawn(async move {
            while !db.read.is_closed() {
                tokio::time::sleep(HEALTH_INTERVAL).await;
                if db.read.is_closed() {
                    break;
                }
                let was_up = db.is_up();
                let up = db.ping().await.is_ok();
                if was_up != up {
                    if up {
                        tracing::warn!("database reachable again");
                    } else {
                        tracing::error!("database unreachable: answering 503 until it is back");
                    }
                }
            }
        });
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

/// SQLite connections for reads. Readers never wait for each other or for the writer (WAL).
const READERS: u32 = 8;
/// Each reader's private page cache, in KiB. Reads go through the memory-mapped file instead
/// (below), one copy in the kernel's page cache shared by every connection (and by other
/// processes on the same file), so the private cache barely fills. 64 MiB each, as before,
/// came to a gigabyte of anonymous memory under load: a copy of the same pages per
/// connection.
const READER_CACHE_KIB: i64 = 2_048;
/// The writer's cache holds a transaction's changed pages until they reach the WAL.
const WRITER_CACHE_KIB: i64 = 32_768;
/// The most of the database file mapped into memory (SQLite's own ceiling).
const MMAP_BYTES: i64 = 2_147_418_112;

/// Per-connection SQLite settings: WAL (readers never block the writer), foreign keys on, wait
/// for locks instead of failing, reads through a shared memory map, a small private cache.
async fn sqlite_pragmas(conn: &mut sqlx::AnyConnection, cache_kib: i64) -> Result<(), sqlx::Error> {
    conn.execute(
        format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
             PRAGMA busy_timeout = 10000; PRAGMA cache_size = -{cache_kib}; \
             PRAGMA mmap_size = {MMAP_BYTES}; PRAGMA temp_store = MEMORY;"
        )
        .as_str(),
    )
    .await?;
    Ok(())
}

type PragmaFuture<'c> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), sqlx::Error>> + Send + 'c>>;

fn sqlite_reader_pragmas(
    conn: &mut sqlx::AnyConnection,
    _: sqlx::pool::PoolConnectionMetadata,
) -> PragmaFuture<'_> {
    Box::pin(sqlite_pragmas(conn, READER_CACHE_KIB))
}

fn sqlite_writer_pragmas(
    conn: &mut sqlx::AnyConnection,
    _: sqlx::pool::PoolConnectionMetadata,
) -> PragmaFuture<'_> {
    Box::pin(sqlite_pragmas(conn, WRITER_CACHE_KIB))
}

#[cfg(test)]
mod tests {
    use super::testing::TestDb;
    use super::Backend;
    use std::collections::BTreeSet;

    #[test]
    fn sqlite_gets_anonymous_parameters_when_they_are_in_order() {
        let sql = "UPDATE t SET a = $1 WHERE b IN ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
        assert_eq!(
            Backend::Sqlite.positional(sql.into()),
            "UPDATE t SET a = ? WHERE b IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        );
        assert_eq!(Backend::Postgres.positional(sql.into()), sql);
        // Out of order, repeated or missing: left as they are (still right, only slower).
        for sql in [
            "a = $2 AND b = $1",
            "a = $1 AND b = $1",
            "a = $1 AND b = $3",
        ] {
            assert_eq!(Backend::Sqlite.positional(sql.into()), sql);
        }
        // Text around the parameters is kept, whatever its characters.
        assert_eq!(
            Backend::Sqlite.positional("é = $1 AND ü = '$x'".into()),
            "é = ? AND ü = '$x'"
        );
    }

    /// SQLite plans lookups of members as for a large project from the start (0017): by
    /// project and email through the email index, not by reading the project through an index
    /// that happens to cover the columns asked for; and every memberships index is described.
    #[tokio::test]
    async fn sqlite_plans_member_lookups_for_a_large_project() {
        let lite = TestDb::new(Backend::Sqlite).await;
        let plan: Vec<String> = sqlx::query(
            "EXPLAIN QUERY PLAN SELECT email, status FROM memberships \
              WHERE project_id = 1 AND email IN ('a@x.test', 'b@x.test')",
        )
        .fetch_all(lite.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| sqlx::Row::get::<String, _>(r, 3))
        .collect();
        assert_eq!(
            plan,
            ["SEARCH memberships USING INDEX memberships_by_email (project_id=? AND email=?)"]
        );
        let undescribed: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'memberships' \
               AND name NOT IN (SELECT idx FROM sqlite_stat1 WHERE tbl = 'memberships')",
        )
        .fetch_all(lite.db.pool())
        .await
        .unwrap();
        assert!(undescribed.is_empty(), "no statistics for {undescribed:?}");
    }

    /// Both backends migrate from empty, and end with the same tables, columns and indexes.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn both_backends_migrate_to_the_same_schema() {
        let lite = TestDb::new(Backend::Sqlite).await;
        let pg = TestDb::new(Backend::Postgres).await;

        let lite_cols: BTreeSet<(String, String)> = sqlx::query_as(
            "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' \
             AND m.name NOT LIKE 'users_search%'",
        )
        .fetch_all(lite.db.pool())
        .await
        .unwrap()
        .into_iter()
        .collect();
        let pg_cols: BTreeSet<(String, String)> = sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
        )
        .fetch_all(pg.db.pool())
        .await
        .unwrap()
        .into_iter()
        .collect();
        assert_eq!(
            lite_cols, pg_cols,
            "tables and columns differ between the SQLite and PostgreSQL schemas"
        );

        let tables: BTreeSet<&str> = lite_cols.iter().map(|(t, _)| t.as_str()).collect();
        for t in [
            "projects",
            "users",
            "memberships",
            "roles",
            "role_permissions",
            "groups",
            "group_permissions",
            "group_members",
            "invitations",
            "sessions",
            "password_resets",
            "totp_secrets",
            "recovery_codes",
            "audit_events",
            "outbox",
            "api_tokens",
            "sign_in_throttle",
            "email_verifications",
            "consents",
        ] {
            assert!(tables.contains(t), "missing table {t}");
        }

        let lite_idx: BTreeSet<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'",
        )
        .fetch_all(lite.db.pool())
        .await
        .unwrap()
        .into_iter()
        .collect();
        let pg_idx: BTreeSet<String> = sqlx::query_scalar(
            "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' \
             AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key' AND tablename NOT LIKE '_sqlx%' \
             AND indexname NOT IN ('users_search', 'users_search_across')",
        )
        .fetch_all(pg.db.pool())
        .await
        .unwrap()
        .into_iter()
        .collect();
        // PostgreSQL's own: partial indexes of the console-wide audit events (it reads an index
        // in order past `=` but not past `IS NULL`; SQLite's per-project indexes serve both).
        let (console, pg_idx): (BTreeSet<String>, BTreeSet<String>) = pg_idx
            .into_iter()
            .partition(|i| i.starts_with("audit_console"));
        assert_eq!(console.len(), 5, "{console:?}");
        assert_eq!(lite_idx, pg_idx, "named indexes differ");
        assert!(lite_idx.contains("memberships_by_last_sign_in"));
        // The search index is the one deliberate difference: FTS5 on SQLite, two pg_trgm
        // indexes on PostgreSQL (word by word, and across words: migration 0022).
        let fts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'users_search' AND sql LIKE '%trigram%'")
            .fetch_one(lite.db.pool())
            .await
            .unwrap();
        let trgm: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_indexes WHERE indexname LIKE 'users_search%' AND indexdef LIKE '%gin_trgm_ops%'")
            .fetch_one(pg.db.pool())
            .await
            .unwrap();
        assert_eq!((fts, trgm), (1, 2));

        // Migrating again is a no-op.
        lite.db.migrate().await.unwrap();
        pg.db.migrate().await.unwrap();
        lite.drop_db().await;
        pg.drop_db().await;
    }

    // The same email in another case is the same account.
    crate::db_test!(
        emails_are_unique_case_insensitively,
        |db: crate::server::Db| async move {
            use crate::server::store::{insert_user, NewUser};
            let mut tx = db.begin().await.unwrap();
            let u = |email| NewUser {
                email,
                first_name: "",
                last_name: "",
                password_hash: None,
                status: "invited",
                is_superadmin: false,
            };
            insert_user(&mut tx, &u("ada@example.org")).await.unwrap();
            let dup = insert_user(&mut tx, &u("ada@example.org"))
                .await
                .unwrap_err();
            assert_eq!(dup.field(), Some("email"));
            tx.rollback().await.unwrap();
            // The database itself refuses a mixed-case spelling that bypassed validation.
            let mut tx = db.begin().await.unwrap();
            assert!(insert_user(&mut tx, &u("Ada@Example.org")).await.is_err());
        }
    );
}
