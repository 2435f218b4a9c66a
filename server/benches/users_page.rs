//! Users-page benchmark (not a test): seeds a project with ROSTER_BENCH_USERS users (default
//! 1,000,000) through `seed-demo`, then times the users-list query — the one SSR, the server
//! function and the API share — for the views an admin uses most. Prints p50/p95 per backend.
//! `make bench` runs it on SQLite and PostgreSQL.
mod common;
use app::model::{LastSignIn, Status, UserQuery, UserSort};
use app::server::db::testing::TestDb;
use app::server::password::{PasswordConfig, Passwords};
use app::server::{users, Backend};
use common::pct;
use std::time::Instant;

const RUNS: usize = 40;

async fn run(backend: Backend, n: u64) {
    let t = TestDb::new(backend).await;
    let passwords = Passwords::new(PasswordConfig::testing());
    let started = Instant::now();
    let seeded = server::seed::seed_demo(&t.db, &passwords, "bench", n, false, false)
        .await
        .expect("seed");
    println!(
        "{backend:?}: seeded {} users in {:.1?}",
        seeded.inserted,
        started.elapsed()
    );
    let pid = seeded.project_id;

    let base = UserQuery::default();
    let cases: Vec<(&str, UserQuery)> = vec![
        ("first page", base.clone()),
        (
            "page 5,000",
            UserQuery {
                page: 5_000,
                ..base.clone()
            },
        ),
        (
            "search \"smith\"",
            UserQuery {
                q: "smith".into(),
                ..base.clone()
            },
        ),
        (
            "search \"@example.org\"",
            UserQuery {
                q: "@example.org".into(),
                ..base.clone()
            },
        ),
        (
            "status = inactive",
            UserQuery {
                status: Some(Status::Inactive),
                ..base.clone()
            },
        ),
        (
            "role + group",
            UserQuery {
                role: Some("developer".into()),
                group: Some("Sales".into()),
                ..base.clone()
            },
        ),
        (
            "no sign-in for 90 days",
            UserQuery {
                last_sign_in: Some(LastSignIn::Over90Days),
                ..base.clone()
            },
        ),
        (
            "never signed in, by email",
            UserQuery {
                last_sign_in: Some(LastSignIn::Never),
                sort: UserSort::Email,
                desc: false,
                ..base.clone()
            },
        ),
        (
            "sort by last sign-in desc",
            UserQuery {
                sort: UserSort::LastSignIn,
                desc: true,
                ..base.clone()
            },
        ),
    ];
    println!(
        "  {:<28} {:>10} {:>10} {:>10}",
        "view", "p50", "p95", "total"
    );
    for (name, q) in cases {
        // Warm the caches the way a real console is warm.
        let mut total = String::new();
        for _ in 0..3 {
            let page = users::list(&t.db, pid, &q).await.expect("list");
            // A bounded count (searches, group filters) prints as "1000+".
            total = format!("{}{}", page.total, if page.more { "+" } else { "" });
        }
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let s = Instant::now();
            let page = users::list(&t.db, pid, &q).await.expect("list");
            times.push(s.elapsed());
            assert!(page.items.len() as u64 <= q.size as u64);
        }
        times.sort();
        println!(
            "  {:<28} {:>10.2?} {:>10.2?} {:>10}",
            name,
            pct(&times, 0.5),
            pct(&times, 0.95),
            total
        );
    }
    t.drop_db().await;
}

fn main() {
    common::on_each_backend("users_page", RUNS, run);
}
