//! Import and export benchmark (not a test), over HTTP against a running Roster, on SQLite and
//! PostgreSQL (`ROSTER_TEST_PG_URL`). Seeds a project with `ROSTER_BENCH_USERS` users (default
//! 1,000,000), then:
//! - imports a 100,000-row CSV (a realistic mix: 2% invalid addresses, 1% duplicates, 1%
//!   already members, 1% unknown roles): upload to review ready (goal 5 s), then confirm to the
//!   job's end, every invitation created and its mail queued (goal 20 s);
//! - exports every user as CSV and as JSON Lines, and a searched, sorted view, reading the
//!   stream to its end (goal 10 s for a million), sampling the process's resident memory
//!   (`/proc/self/status`) meanwhile: growth over the start (goal 100 MB).
//!
//! `make bench` runs it with the others.
#[path = "../tests/common/mod.rs"]
mod common;

use app::server::password::PasswordConfig;
use app::server::Backend;
use common::{TestApp, ADMIN_EMAIL};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const IMPORT_ROWS: usize = 100_000;

/// One resident-memory figure of this process (`VmRSS`, `RssAnon`, `RssFile`), in kB.
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.strip_prefix(field).is_some_and(|r| r.starts_with(':')))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The import file: mostly new people, with every kind of problem a real file has.
fn import_file(members: &[String]) -> String {
    let mut out = String::from("email,first_name,last_name,role,groups\n");
    for i in 0..IMPORT_ROWS {
        let line = match i % 100 {
            0 | 1 => format!("not-an-email-{i},Bad,Address,,"),
            2 => format!("imported{}@bench.test,Dup,Licate,,", i - 1),
            3 => format!("{},Already,Member,,", members[i % members.len()]),
            4 => format!("wizard{i}@bench.test,Un,Known,wizard,"),
            5 | 6 => format!("imported{i}@bench.test,Dev,Eloper,developer,"),
            _ => format!("imported{i}@bench.test,First{i},Last{i},,"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Downloads `path` to its end; answers (bytes, rows, time, peak growth in MB of anonymous
/// memory and of the mapped database file).
///
/// SQLite readers map the database file (`mmap_size`): pages they touch count in the
/// process's RSS as `RssFile`, but they are the kernel's page cache, shared with every
/// connection and reclaimable, not memory the export holds. `RssAnon` is what it holds.
async fn download(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
) -> (u64, u64, Duration, f64, f64) {
    let (start_anon, start_file) = (status_kb("RssAnon"), status_kb("RssFile"));
    let peak = Arc::new(AtomicU64::new(start_anon));
    let peak_file = Arc::new(AtomicU64::new(start_file));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, peak_file, done) = (peak.clone(), peak_file.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(status_kb("RssAnon"), Ordering::Relaxed);
                peak_file.fetch_max(status_kb("RssFile"), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    let started = Instant::now();
    let mut res = c.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let (mut bytes, mut rows) = (0u64, 0u64);
    while let Some(chunk) = res.chunk().await.unwrap() {
        bytes += chunk.len() as u64;
        rows += chunk.iter().filter(|b| **b == b'\n').count() as u64;
    }
    let took = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    let growth = |peak: &AtomicU64, start: u64| {
        peak.load(Ordering::Relaxed).saturating_sub(start) as f64 / 1024.0
    };
    (
        bytes,
        rows,
        took,
        growth(&peak, start_anon),
        growth(&peak_file, start_file),
    )
}

/// `n` members of `default` in a few statements (`seed-demo`'s realistic histories take most of
/// an hour at a million): 80% active, 10% invited, 10% inactive, 2% named Smith, a tenth in a
/// group, with phone numbers and metadata.
async fn seed(app: &TestApp, n: u64) {
    let postgres = app.db().backend() == Backend::Postgres;
    if postgres {
        common_bench::pg_bulk_begin(app.db()).await;
    }
    app.exec(&format!(
        "INSERT INTO users (email, first_name, last_name, phone, metadata, status, created_at, updated_at, last_sign_in_at) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
         SELECT 'user' || i || '@bench.test', 'First' || (i % 997), \
                CASE WHEN i % 50 = 0 THEN 'Smith' ELSE 'Last' || (i % 1009) END, \
                '+1 555 ' || (i % 10000), '{{\"plan\":\"pro\",\"seat\":' || i || '}}', 'active', \
                1700000000000 + i * 1000, 0, \
                CASE WHEN i % 3 = 0 THEN NULL ELSE 1700000000000 + i * 500 END FROM n"
    ))
    .await;
    app.exec(
        "INSERT INTO memberships (project_id, user_id, role_id, joined_at, email, name_key, status, created_at, last_sign_in_at) \
         SELECT p.id, u.id, r.id, 0, u.email, lower(u.first_name || ' ' || u.last_name), \
                CASE WHEN u.id % 10 = 0 THEN 'inactive' WHEN u.id % 10 = 1 THEN 'invited' ELSE 'active' END, \
                u.created_at, COALESCE(u.last_sign_in_at, 0) \
           FROM users u, projects p, roles r \
          WHERE u.email LIKE 'user%@bench.test' AND p.slug = 'default' AND r.project_id = p.id AND r.name = 'end_user'",
    )
    .await;
    let group = app.group("default", "Sales").await;
    app.exec(&format!(
        "INSERT INTO group_members (group_id, user_id, added_at) \
         SELECT {group}, id, 0 FROM users WHERE email LIKE 'user%@bench.test' AND id % 10 = 5"
    ))
    .await;
    if postgres {
        common_bench::pg_bulk_end(app.db()).await;
    }
}

async fn run(backend: Backend, n: u64) {
    let app = TestApp::spawn_custom(backend, |_| {}, PasswordConfig::testing()).await;
    let started = Instant::now();
    seed(&app, n).await;
    println!(
        "{backend:?}: seeded {n} users in {:.1?}; RSS {} MB",
        started.elapsed(),
        status_kb("VmRSS") / 1024
    );
    let c = app.signed_in(ADMIN_EMAIL).await;
    let members: Vec<String> =
        sqlx::query_scalar("SELECT email FROM memberships ORDER BY user_id LIMIT 1000")
            .fetch_all(app.db().pool())
            .await
            .unwrap();

    // Import: upload to review ready, then confirm to the end of the job.
    let file = import_file(&members);
    let size = file.len();
    let started = Instant::now();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(file.into_bytes()).file_name("bench.csv"),
    );
    let res = c
        .post(app.url("/p/default/users/import/upload"))
        .header("origin", format!("http://{}", app.addr))
        .header("sec-fetch-site", "same-origin")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let review = started.elapsed();
    assert_eq!(
        res.status(),
        303,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let id: i64 = res.headers()["location"]
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (ready, rows): (i64, i64) =
        sqlx::query_as("SELECT ready_rows, total_rows FROM imports WHERE id = $1")
            .bind(id)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    println!(
        "  import of {rows} rows ({:.1} MB): upload, parse, validate, review ready in {review:.2?} (goal 5 s); {ready} ready",
        size as f64 / 1e6
    );
    let started = Instant::now();
    let res = app
        .call(
            &c,
            "confirm_import",
            &[
                ("project", "default"),
                ("id", &id.to_string()),
                ("send_mail", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    loop {
        let state: String = sqlx::query_scalar("SELECT state FROM imports WHERE id = $1")
            .bind(id)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
        if state == "done" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let commit = started.elapsed();
    let mails: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE to_email LIKE 'imported%'")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
    println!(
        "  confirm to done: {ready} invitations and {mails} mails queued in {commit:.2?} (goal 20 s), {:.0} rows/s",
        ready as f64 / commit.as_secs_f64()
    );

    // Export: the whole project, then a searched and sorted view.
    for (name, path) in [
        ("all users, CSV, default fields", "/p/default/users/export/download?scope=all&format=csv"),
        (
            "all users, JSON Lines, every field",
            "/p/default/users/export/download?scope=all&format=jsonl&fields=id&fields=email&fields=first_name&fields=last_name&fields=phone&fields=role&fields=groups&fields=status&fields=created_at&fields=last_sign_in_at&fields=metadata",
        ),
        (
            "view: status active, by name desc",
            "/p/default/users/export/download?scope=view&status=active&sort=name&dir=desc&fields=email&fields=first_name&fields=last_name",
        ),
        (
            "view: search \"smith\", by created",
            "/p/default/users/export/download?scope=view&q=smith&sort=created&fields=email&fields=groups",
        ),
    ] {
        let (bytes, lines, took, growth, mapped) = download(&app, &c, path).await;
        println!(
            "  export {name}: {lines} lines, {:.1} MB in {took:.2?} ({:.0} rows/s), peak anonymous memory growth {growth:.1} MB (goal 10 s at 1M, 100 MB); mapped database file +{mapped:.0} MB",
            bytes as f64 / 1e6,
            lines as f64 / took.as_secs_f64()
        );
    }
    app.stop().await;
}

fn main() {
    common_bench::on_each_backend("import_export", 1, run);
}

/// The benchmarks' shared runner (`benches/common`), under another name: this benchmark also
/// includes the tests' `common` module. (Its percentile helper is not needed here.)
#[allow(dead_code)]
#[path = "common/mod.rs"]
mod common_bench;
