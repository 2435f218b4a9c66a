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
