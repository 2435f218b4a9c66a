//! Audit-log benchmark (not a test): seeds ROSTER_BENCH_USERS people (default 1,000,000, about
//! ten events each, so ten million events) with `seed-demo`, then times the first page of every
//! filter the log offers — none, each action, a heavy and a light actor, a target, time ranges,
//! and pairs of them — as a project admin and as a superadmin (who also sees console-wide
//! events), plus pages deep in the log. Each time is the query and the HTML the server function
//! sends. Prints p50/p95 per view and over all views, per backend. Goal: p95 ≤ 20 ms. Then the
//! project's overview (its figures and 30-day sign-in chart), whose goal is 30 ms.
mod common;
use app::components::audit_log::{render, LogView};
use app::model::{day_start_ms, time::iso_utc, AuditQuery, Cursor, AUDIT_ACTIONS};
use app::server::audit::{list, Scope};
use app::server::db::testing::TestDb;
use app::server::password::{PasswordConfig, Passwords};
use app::server::Backend;
use common::pct;
use std::time::{Duration, Instant};

const RUNS: usize = 15;

fn day(ms: i64) -> String {
    iso_utc(ms)[..10].to_string()
}

async fn run(backend: Backend, n: u64) {
    let t = TestDb::new(backend).await;
    let passwords = Passwords::new(PasswordConfig::testing());
    let started = Instant::now();
    let seeded = server::seed::seed_demo(&t.db, &passwords, "bench", n, false, false)
        .await
        .expect("seed");
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    println!(
        "{backend:?}: seeded {} users and {events} events in {:.1?}",
        seeded.inserted,
        started.elapsed()
    );
    let pid = seeded.project_id;
    // Real needles: people from the middle of the data, and the seeded administrators.
    let person: String = sqlx::query_scalar(
        "SELECT email FROM users WHERE id = (SELECT MIN(id) + (MAX(id) - MIN(id)) / 2 FROM users)",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    let operator = server::seed::OPERATORS[0].to_string();
    let now = app::server::util::now_ms();
    let today = day(now);
    let year_ago = day(now - 365 * 86_400_000);
    let month_ago = day(now - 30 * 86_400_000);
    // A cursor in the middle of the log, as deep pages have.
    let (mid_at, mid_id): (i64, i64) = {
        use sqlx::Row;
        let r = sqlx::query(
            "SELECT at, id FROM audit_events WHERE id = (SELECT MIN(id) + (MAX(id) - MIN(id)) / 2 FROM audit_events)",
        )
        .fetch_one(t.db.pool())
        .await
        .unwrap();
        (r.get("at"), r.get("id"))
    };

    let q = AuditQuery::default;
    let mut views: Vec<(String, AuditQuery)> = vec![
        ("no filter".into(), q()),
        (
            "deep page (older)".into(),
            AuditQuery {
                cursor: Some(Cursor::Before(mid_at, mid_id)),
                ..q()
            },
        ),
        (
            "deep page (newer)".into(),
            AuditQuery {
                cursor: Some(Cursor::After(mid_at, mid_id)),
                ..q()
            },
        ),
        (
            "actor: an administrator".into(),
            AuditQuery {
                actor: operator.clone(),
                ..q()
            },
        ),
        (
            "actor: a person".into(),
            AuditQuery {
                actor: person.clone(),
                ..q()
            },
        ),
        (
            "actor: nobody".into(),
            AuditQuery {
                actor: "nobody@nowhere.test".into(),
                ..q()
            },
        ),
        (
            "target: a person".into(),
            AuditQuery {
                target: person.clone(),
                ..q()
            },
        ),
        (
            "today".into(),
            AuditQuery {
                from: Some(today.clone()),
                to: Some(today.clone()),
                ..q()
            },
        ),
        (
            "last 30 days".into(),
            AuditQuery {
                from: Some(month_ago.clone()),
                ..q()
            },
        ),
        (
            "one day a year ago".into(),
            AuditQuery {
                from: Some(year_ago.clone()),
                to: Some(year_ago.clone()),
                ..q()
            },
        ),
        (
            "until a year ago".into(),
            AuditQuery {
                to: Some(year_ago.clone()),
                ..q()
            },
        ),
        (
            "administrator + deactivations".into(),
            AuditQuery {
                actor: operator.clone(),
                action: Some("user.deactivated".into()),
                ..q()
            },
        ),
        (
            "administrator + role deleted (none)".into(),
            AuditQuery {
                actor: operator.clone(),
                action: Some("role.deleted".into()),
                ..q()
            },
        ),
        (
            "administrator + a year ago".into(),
            AuditQuery {
                actor: operator.clone(),
                from: Some(year_ago.clone()),
                to: Some(year_ago.clone()),
                ..q()
            },
        ),
        (
            "target + sign-ins".into(),
            AuditQuery {
                target: person.clone(),
                action: Some("auth.signed_in".into()),
                ..q()
            },
        ),
        (
            "invitations, a year ago".into(),
            AuditQuery {
                action: Some("invitation.created".into()),
                from: Some(year_ago.clone()),
                to: Some(year_ago.clone()),
                ..q()
            },
        ),
        (
            "sign-ins + last 30 days".into(),
            AuditQuery {
                action: Some("auth.signed_in".into()),
                from: Some(month_ago.clone()),
                ..q()
            },
        ),
    ];
    for a in AUDIT_ACTIONS {
        views.push((
            format!("action: {a}"),
            AuditQuery {
                action: Some(a.to_string()),
                ..q()
            },
        ));
    }
    assert!(views
        .iter()
        .all(|(_, v)| v.from.as_deref().is_none_or(|d| day_start_ms(d).is_some())));

    println!(
        "  {:<44} {:>6} {:>10} {:>10} {:>8}",
        "view", "scope", "p50", "p95", "events"
    );
    let mut all = Vec::new();
    let mut worst = (Duration::ZERO, String::new());
    for console_wide in [false, true] {
        let scope = Scope {
            project_id: pid,
            console_wide,
        };
        let label = if console_wide { "super" } else { "admin" };
        for (name, view) in &views {
            let page = || async {
                let slice = list(&t.db, None, scope, "bench", view).await.expect("list");
                let shown = slice.items.len();
                let html = render(
                    &LogView {
                        slug: "bench",
                        query: view,
                        lang: app::model::Language::En,
                        console_wide,
                        as_of: now,
                    },
                    slice,
                );
                assert!(html.contains("audit-filters"));
                shown
            };
            // Warm the caches the way a console in use is warm.
            let mut shown = 0;
            for _ in 0..2 {
                shown = page().await;
            }
            let mut times = Vec::with_capacity(RUNS);
            for _ in 0..RUNS {
                let s = Instant::now();
                page().await;
                times.push(s.elapsed());
            }
            times.sort();
            let p95 = pct(&times, 0.95);
            if p95 > Duration::from_millis(5) {
                for line in app::server::audit::plan(&t.db, scope, view)
                    .await
                    .expect("plan")
                {
                    println!("      plan: {line}");
                }
            }
            if p95 > worst.0 {
                worst = (p95, format!("{name} ({label})"));
            }
            all.extend(times.iter().copied());
            println!(
                "  {:<44} {:>6} {:>10.2?} {:>10.2?} {:>8}",
                name,
                label,
                pct(&times, 0.5),
                p95,
                shown
            );
        }
    }
    // The project overview (figures and the 30-day chart), as its server function renders it.
    let mut times = Vec::with_capacity(RUNS);
    for k in 0..RUNS + 2 {
        let s = Instant::now();
        let o = app::server::overview::overview(&t.db, pid, now)
            .await
            .expect("overview");
        let html = app::components::overview::render("bench", &o, app::model::Language::En);
        assert!(html.contains("chart-desc"));
        if k >= 2 {
            times.push(s.elapsed());
        }
    }
    times.sort();
    println!(
        "{backend:?}: overview p50 {:.2?}, p95 {:.2?} (goal 30 ms)",
        pct(&times, 0.5),
        pct(&times, 0.95)
    );

    all.sort();
    println!(
        "{backend:?}: all {} views: p50 {:.2?}, p95 {:.2?}, max {:.2?}; slowest view p95 {:.2?}: {}",
        views.len() * 2,
        pct(&all, 0.5),
        pct(&all, 0.95),
        all[all.len() - 1],
        worst.0,
        worst.1
    );
    t.drop_db().await;
}

fn main() {
    common::on_each_backend("audit_page", RUNS, run);
}
