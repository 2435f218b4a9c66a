//! Sign-in benchmark (not a test): how many sign-ins per second Roster sustains with production
//! argon2id parameters, and how a cheap authenticated request fares while 200 sign-ins run at
//! once. Runs on SQLite and on PostgreSQL (ROSTER_TEST_PG_URL). `make bench` runs it.
#[path = "../tests/common/mod.rs"]
mod common;

use app::server::password::PasswordConfig;
use app::server::Backend;
use common::{session_cookie, TestApp, ADMIN_EMAIL, PASSWORD};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Signs in `n` users at once; returns how long the wave took.
async fn sign_in_wave(app: &Arc<TestApp>, n: usize) -> Duration {
    let started = Instant::now();
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let c = app.client();
                assert_eq!(
                    app.sign_in(&c, &format!("bench{i}@roster.test"), PASSWORD)
                        .await
                        .status(),
                    200
                );
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    started.elapsed()
}

async fn run(backend: Backend) {
    let app = Arc::new(
        TestApp::spawn_custom(
            backend,
            |a| a.throttle.ip_lock_after = i64::MAX,
            PasswordConfig::production(),
        )
        .await,
    );
    let users = 200;
    for i in 0..users {
        app.user(&format!("bench{i}@roster.test"), "default", "end_user")
            .await;
    }

    // 1. Throughput: 200 sign-ins, all at once.
    let elapsed = sign_in_wave(&app, users).await;
    let per_sec = users as f64 / elapsed.as_secs_f64();

    // 2. A cheap authenticated request (the viewer endpoint: session lookup + permissions),
    //    idle and then under the same load.
    let probe_client = app.client();
    let token = session_cookie(&app.sign_in(&probe_client, ADMIN_EMAIL, PASSWORD).await).unwrap();
    let probe = {
        let app = app.clone();
        move |stop: Arc<AtomicBool>, limit: usize| {
            let app = app.clone();
            let token = token.clone();
            tokio::spawn(async move {
                let c = reqwest::Client::new();
                let mut lat = Vec::new();
                while !stop.load(Ordering::Relaxed) && lat.len() < limit {
                    let t = Instant::now();
                    let res = c
                        .get(app.url("/api/viewer"))
                        .header("cookie", format!("roster_session={token}"))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), 200);
                    let _ = res.bytes().await;
                    lat.push(t.elapsed());
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                lat.sort();
                lat
            })
        }
    };
    let idle = probe(Arc::new(AtomicBool::new(false)), 200).await.unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let loaded_probe = probe(stop.clone(), usize::MAX);
    let load_time = sign_in_wave(&app, users).await;
    stop.store(true, Ordering::Relaxed);
    let loaded = loaded_probe.await.unwrap();

    println!("{backend:?}:");
    println!(
        "  sign-ins/s (200 concurrent, argon2id 19 MiB t=2 p=1): {per_sec:.1}  ({:.2?} for 200)",
        elapsed
    );
    println!(
        "  GET /api/viewer idle:                 p50 {:>7.2?}  p95 {:>7.2?}  (n={})",
        percentile(&idle, 0.5),
        percentile(&idle, 0.95),
        idle.len()
    );
    println!(
        "  GET /api/viewer during 200 sign-ins:  p50 {:>7.2?}  p95 {:>7.2?}  (n={}, load lasted {:.2?})",
        percentile(&loaded, 0.5),
        percentile(&loaded, 0.95),
        loaded.len(),
        load_time
    );
    // The probe closure holds the last other handle on the app.
    drop(probe);
    Arc::try_unwrap(app)
        .ok()
        .expect("no other owners")
        .stop()
        .await;
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        println!(
            "auth benchmark ({} cores)",
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(0)
        );
        run(Backend::Sqlite).await;
        if std::env::var("ROSTER_TEST_PG_URL").is_ok() {
            run(Backend::Postgres).await;
        } else {
            println!("PostgreSQL: skipped (set ROSTER_TEST_PG_URL, or use `make bench`)");
        }
    });
}
