//! Fresh databases for tests: every test gets its own, on the backend it asks for.
//!
//! PostgreSQL tests need `ROSTER_TEST_PG_URL` (a server URL whose user may create databases);
//! `make test` starts a local server and sets it. A missing URL fails the test loudly rather
//! than skipping it, so a green run always means both backends ran.
use super::{Backend, Db};
use std::path::PathBuf;

pub struct TestDb {
    pub db: Db,
    /// The URL `db` was opened with (another pool may open it too).
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    PgDatabase {
        admin_url: String,
        name: String,
    },
    /// A database kept between runs ([`TestDb::kept`]).
    Keep,
}

fn unique_name() -> String {
    use rand::Rng;
    let n: u64 = rand::thread_rng().gen();
    format!("roster_test_{}_{n:016x}", std::process::id())
}

impl TestDb {
    /// A new, migrated, empty database.
    pub async fn new(backend: Backend) -> TestDb {
        let name = unique_name();
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join("roster-tests");
                std::fs::create_dir_all(&dir).unwrap();
                let file = dir.join(format!("{name}.db"));
                let url = format!("sqlite://{}?mode=rwc", file.display());
                let db = Db::connect(&url).await.expect("open sqlite test database");
                db.migrate().await.expect("migrate sqlite");
                TestDb {
                    db,
                    url,
                    cleanup: Cleanup::File(file),
                }
            }
            Backend::Postgres => {
                let admin_url = std::env::var("ROSTER_TEST_PG_URL").expect(
                    "ROSTER_TEST_PG_URL is not set: PostgreSQL tests need a server (run `make test`, \
                     which starts one), e.g. postgres://roster:roster@127.0.0.1:5432/postgres",
                );
                let admin = Db::connect(&admin_url)
                    .await
                    .expect("connect to ROSTER_TEST_PG_URL");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(admin.pool())
                    .await
                    .expect("create test database");
                admin.close().await;
                let url = replace_db_name(&admin_url, &name);
                let db = Db::connect(&url)
                    .await
                    .expect("open postgres test database");
                db.migrate().await.expect("migrate postgres");
                TestDb {
                    db,
                    url,
                    cleanup: Cleanup::PgDatabase { admin_url, name },
                }
            }
        }
    }

    /// A database named `name` that outlives the run, for benchmarks whose seeding takes
    /// longer than their measuring: opened (and migrated) if it exists, else created empty.
    /// Answers whether it was created. Never removed by [`TestDb::drop_db`].
    pub async fn kept(backend: Backend, name: &str) -> (TestDb, bool) {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join("roster-tests");
                std::fs::create_dir_all(&dir).unwrap();
                let file = dir.join(format!("kept_{name}.db"));
                let fresh = !file.exists();
                let url = format!("sqlite://{}?mode=rwc", file.display());
                let db = Db::connect(&url).await.expect("open sqlite kept database");
                db.migrate().await.expect("migrate sqlite");
                let cleanup = Cleanup::Keep;
                (TestDb { db, url, cleanup }, fresh)
            }
            Backend::Postgres => {
                let admin_url = std::env::var("ROSTER_TEST_PG_URL").expect("ROSTER_TEST_PG_URL");
                let name = format!("roster_kept_{name}");
                let admin = Db::connect(&admin_url)
                    .await
                    .expect("connect to ROSTER_TEST_PG_URL");
                let exists: Option<i32> =
                    sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                        .bind(&name)
                        .fetch_optional(admin.pool())
                        .await
                        .expect("list databases");
                if exists.is_none() {
                    sqlx::query(&format!("CREATE DATABASE {name}"))
                        .execute(admin.pool())
                        .await
                        .expect("create kept database");
                }
                admin.close().await;
                let url = replace_db_name(&admin_url, &name);
                let db = Db::connect(&url)
                    .await
                    .expect("open postgres kept database");
                db.migrate().await.expect("migrate postgres");
                let cleanup = Cleanup::Keep;
                (TestDb { db, url, cleanup }, exists.is_none())
            }
        }
    }

    /// Closes and removes the database.
    pub async fn drop_db(self) {
        // Closing waits for every connection to come back; one still held by a task the test
        // left behind must not hang the suite (the database is dropped with FORCE anyway).
        if tokio::time::timeout(std::time::Duration::from_secs(10), self.db.close())
            .await
            .is_err()
        {
            eprintln!("test database pool did not close within 10 s: a connection is still held");
        }
        match self.cleanup {
            Cleanup::File(f) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
                }
            }
            Cleanup::Keep => {}
            Cleanup::PgDatabase { admin_url, name } => {
                if let Ok(admin) = Db::connect(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(admin.pool())
                        .await;
                    admin.close().await;
                }
            }
        }
    }
}

/// `postgres://u:p@h:5432/postgres?x=y` → the same URL with another database name.
pub fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..].find('/').map(|i| i + scheme_end);
    let mut out = match path_start {
        Some(i) => format!("{}/{name}", &base[..i]),
        None => format!("{base}/{name}"),
    };
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Runs one async test body on both backends: `db_test!(name, |db| async move { ... });`
/// expands to `name::sqlite` and `name::postgres`, each on a fresh database.
#[macro_export]
macro_rules! db_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run(backend: $crate::server::db::Backend) {
                let t = $crate::server::db::testing::TestDb::new(backend).await;
                let db = t.db.clone();
                let body = $body;
                body(db).await;
                t.drop_db().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::server::db::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run($crate::server::db::Backend::Postgres).await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn db_name_is_replaced() {
        assert_eq!(
            super::replace_db_name("postgres://u:p@h:5432/postgres?sslmode=disable", "t1"),
            "postgres://u:p@h:5432/t1?sslmode=disable"
        );
        assert_eq!(
            super::replace_db_name("postgres://h", "t1"),
            "postgres://h/t1"
        );
    }
}
