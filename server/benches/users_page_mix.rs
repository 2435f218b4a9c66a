//! Users-page mix benchmark (not a test): thousands of views drawn at random over every
//! dimension an admin can set — search (none, one or two characters, a piece of a real email
//! or name, random letters, a whole address, up to 100 characters), status, role, group,
//! last sign-in, sort (every column, both ways), page size and page (the first to the last)
//! — each timed as the users-list query and as the server-rendered page over HTTP.
//!
//! Seeds `ROSTER_BENCH_USERS` members (default 1,000,000) into `default` in bulk, with the
//! demo seeder's names and domains: 8% invited, 12% inactive, roles from owner (0.2%) to end
//! user (80%), groups of 30%, 10%, 1% and 0.05%, a tenth who never signed in. The database is
//! kept between runs (`/tmp/roster-tests/kept_mix2_N.db`, PostgreSQL `roster_kept_mix2_N`), so
//! only the first run seeds. `ROSTER_BENCH_VIEWS` views (default 2,000), seeded RNG.
//! `ROSTER_BENCH_ONLY=file` times only the views of a file (e.g. lines of a
//! `ROSTER_BENCH_TIMINGS` file), seven times each, to compare two builds view by view.
//!
//! Prints p50 / p95 / p99 / max for both, per kind of view, the ten slowest views with their
//! plans, and the process's resident memory (anonymous and file-backed) before and after.
#[path = "../tests/common/mod.rs"]
mod common;

use app::model::{LastSignIn, Status, UserQuery, UserSort, PAGE_SIZES};
use app::server::db::testing::TestDb;
use app::server::password::PasswordConfig;
use app::server::{users, Backend, Db};
use common::{TestApp, ADMIN_EMAIL};
use common_bench::pct;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const THROUGHPUT_SECS: u64 = 5;

/// Resident memory of this process from `/proc/self/status`: (anonymous, file-backed) in MB.
fn rss_mb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            / 1024
    };
    (field("RssAnon:"), field("RssFile:"))
}

/// `line` with each literal list of ids (PostgreSQL's plans write up to 20,000 into the
/// query) shortened to its length.
fn elide_ids(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("IN (") {
        let (head, tail) = rest.split_at(at + 4);
        out.push_str(head);
        let end = tail
            .find(|c: char| !(c.is_ascii_digit() || c == ','))
            .unwrap_or(tail.len());
        let n = tail[..end].split(',').filter(|s| !s.is_empty()).count();
        if n > 3 {
            out.push_str(&format!("{n} ids"));
        } else {
            out.push_str(&tail[..end]);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// A SQL `VALUES` list of `(k, 'name')` for a word list.
fn values(words: &[&str]) -> String {
    words
        .iter()
        .enumerate()
        .map(|(k, w)| format!("({k}, '{}')", w.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A hash of `i`, one per purpose (`k`), so the columns are not correlated. Not linear in
/// `i`: linear hashes (i × k mod p) of the same i are linear in each other, and then, say,
/// everyone who never signed in would share a domain.
fn h(i: &str, k: u64) -> String {
    const P: u64 = 1_000_003;
    format!(
        "((({i} * {k}) % {P}) * (({i} * {}) % {P}) + {i} * {}) % {P}",
        k % 65_521 + 7,
        k % 8_191 + 3
    )
}

async fn seed(app: &TestApp, n: u64) {
    let db = app.db();
    let backend = db.backend();
    if backend == Backend::Postgres {
        common_bench::pg_bulk_begin(db).await;
    }
    let now = 1_790_000_000_000i64;
    let year = 365 * 24 * 3_600_000i64;
    let (f, l, d) = (
        server::seed::FIRST.len(),
        server::seed::LAST.len(),
        server::seed::DOMAINS.len(),
    );
    app.exec(&format!(
        "INSERT INTO users (email, first_name, last_name, phone, metadata, status, created_at, updated_at, last_sign_in_at) \
         WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < {n}), \
              f(k, v) AS (VALUES {fv}), l(k, v) AS (VALUES {lv}), d(k, v) AS (VALUES {dv}), \
              x(i, a, b, c, s, t, u) AS (SELECT i, {ha}, {hb}, {hc}, {hs} % 100, {ht}, {hu} FROM n) \
         SELECT lower(f.v || '.' || l.v || '.mix' || x.i || '@' || d.v), f.v, l.v, NULL, '{{}}', \
                CASE WHEN x.s < 8 THEN 'invited' WHEN x.s < 20 THEN 'inactive' ELSE 'active' END, \
                {now} - x.t * {created_step}, 0, \
                CASE WHEN x.s < 8 OR x.u % 10 = 0 THEN NULL ELSE {now} - x.u * {sign_in_step} END \
           FROM x JOIN f ON f.k = x.a % {f} JOIN l ON l.k = x.b % {l} JOIN d ON d.k = x.c % {d}",
        fv = values(server::seed::FIRST),
        lv = values(server::seed::LAST),
        dv = values(server::seed::DOMAINS),
        ha = h("i", 2654435761),
        hb = h("i", 2246822519),
        hc = h("i", 3266489917),
        hs = h("i", 668265263),
        ht = h("i", 374761393),
        hu = h("i", 1597334677),
        // The hashes run to about a million: spread them over two years and one.
        created_step = 2 * year / 1_000_003,
        sign_in_step = year / 1_000_003,
    ))
    .await;
    let role =
        |name: &str| format!("(SELECT id FROM roles WHERE project_id = p.id AND name = '{name}')");
    app.exec(&format!(
        "INSERT INTO memberships (project_id, user_id, role_id, joined_at, email, name_key, status, created_at, last_sign_in_at) \
         SELECT p.id, u.id, \
                CASE WHEN {r} % 1000 < 2 THEN {owner} WHEN {r} % 1000 < 20 THEN {admin} \
                     WHEN {r} % 1000 < 200 THEN {developer} ELSE {end_user} END, \
                u.created_at, u.email, lower(u.first_name || ' ' || u.last_name), u.status, \
                u.created_at, COALESCE(u.last_sign_in_at, 0) \
           FROM users u, projects p WHERE p.slug = 'default' AND u.email LIKE '%.mix%'",
        r = h("u.id", 40503),
        owner = role("owner"),
        admin = role("admin"),
        developer = role("developer"),
        end_user = role("end_user"),
    ))
    .await;
    for (name, test) in [
        ("Engineering", "% 10 < 3"),
        ("Sales", "% 10 = 5"),
        ("Support", "% 100 = 7"),
        ("Board", "% 2000 = 11"),
    ] {
        let group = app.group("default", name).await;
        app.exec(&format!(
            "INSERT INTO group_members (group_id, user_id, added_at) \
             SELECT {group}, id, 0 FROM users WHERE email LIKE '%.mix%' AND {} {test}",
            h("id", 2246822519)
        ))
        .await;
    }
    match backend {
        Backend::Postgres => common_bench::pg_bulk_end(db).await,
        // As `seed-demo` does.
        Backend::Sqlite => app.exec("ANALYZE").await,
    }
}

/// What kind of search a view has, for the per-kind figures.
fn needle_kind(q: &str) -> &'static str {
    match q.chars().count() {
        0 => "no search",
        1 | 2 => "1-2 characters",
        3..=12 => "3-12 characters",
        _ => "13+ characters",
    }
}

fn depth_kind(page: u32) -> &'static str {
    match page {
        1 => "page 1",
        2..=10 => "pages 2-10",
        _ => "pages 11+",
    }
}

/// A random needle: none, a prefix, a piece of a real email or name, random letters, a whole
/// address, or a long string.
fn needle(rng: &mut StdRng, samples: &[(String, String)]) -> String {
    let (email, name) = &samples[rng.gen_range(0..samples.len())];
    let text: Vec<char> = if rng.gen_bool(0.5) { email } else { name }
        .chars()
        .collect();
    let letters = |rng: &mut StdRng, n: usize| -> String {
        (0..n)
            .map(|_| (b'a' + rng.gen_range(0..26u8)) as char)
            .collect()
    };
    let piece = |rng: &mut StdRng, len: usize| -> String {
        let len = len.min(text.len());
        let start = rng.gen_range(0..=text.len() - len);
        text[start..start + len].iter().collect()
    };
    match rng.gen_range(0..100) {
        0..=29 => String::new(),
        30..=37 => {
            let n = rng.gen_range(1..=2);
            text[..n.min(text.len())].iter().collect()
        }
        38..=44 => {
            let n = rng.gen_range(1..=2);
            letters(rng, n)
        }
        45..=74 => {
            let n = rng.gen_range(3..=10);
            piece(rng, n)
        }
        75..=87 => {
            let n = rng.gen_range(3..=6);
            letters(rng, n)
        }
        88..=94 => email.clone(),
        _ => {
            let n = rng.gen_range(13..=100);
            (0..n)
                .map(|_| {
                    if rng.gen_bool(0.15) {
                        ' '
                    } else {
                        (b'a' + rng.gen_range(0..26u8)) as char
                    }
                })
                .collect()
        }
    }
}

fn pick<T: Clone>(rng: &mut StdRng, none_percent: u32, all: &[T]) -> Option<T> {
    if all.is_empty() || rng.gen_range(0..100) < none_percent {
        None
    } else {
        Some(all[rng.gen_range(0..all.len())].clone())
    }
}

fn describe(q: &UserQuery) -> String {
    let s = q.to_query_string();
    if s.is_empty() {
        "(default view)".into()
    } else {
        s
    }
}

struct Timed {
    q: UserQuery,
    query: Duration,
    http: Duration,
}

/// The median times of `q` over `timed` runs after a warm-up: the users-list query, and the
/// server-rendered page over HTTP as the signed-in client `c` gets it.
async fn median_times(
    app: &TestApp,
    c: &reqwest::Client,
    pid: i64,
    q: &UserQuery,
    timed: usize,
) -> (Duration, Duration) {
    let path = format!("/p/default/users?{}", q.to_query_string());
    let (mut query, mut http) = (Vec::new(), Vec::new());
    for _ in 0..=timed {
        let started = Instant::now();
        users::list(app.db(), pid, q).await.unwrap();
        query.push(started.elapsed());
        let started = Instant::now();
        let res = c.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        res.bytes().await.unwrap();
        http.push(started.elapsed());
    }
    // The first run warms the caches.
    query.remove(0);
    http.remove(0);
    query.sort();
    http.sort();
    (pct(&query, 0.5), pct(&http, 0.5))
}

fn summary(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let over = |ms: u64| {
        times
            .iter()
            .filter(|t| **t > Duration::from_millis(ms))
            .count()
    };
    println!(
        "  {label:<34} {:>6} {:>9.2?} {:>9.2?} {:>9.2?} {:>9.2?} {:>7} {:>7}",
        times.len(),
        pct(&times, 0.5),
        pct(&times, 0.95),
        pct(&times, 0.99),
        times[times.len() - 1],
        over(15),
        over(100),
    );
}

fn header() {
    println!(
        "  {:<34} {:>6} {:>9} {:>9} {:>9} {:>9} {:>7} {:>7}",
        "", "views", "p50", "p95", "p99", "max", ">15ms", ">100ms"
    );
}

async fn run(backend: Backend, n: u64) {
    // ROSTER_BENCH_LOG=sqlx::query=debug logs every statement (to count them per page).
    if std::env::var("ROSTER_BENCH_LOG").is_ok() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_env("ROSTER_BENCH_LOG"))
            .with_writer(std::io::stderr)
            .init();
    }
    let (test_db, fresh) = TestDb::kept(backend, &format!("mix2_{n}")).await;
    let db: Db = test_db.db.clone();
    let url = test_db.url.clone();
    let app = TestApp::spawn_over(test_db, db, |_| {}, PasswordConfig::testing()).await;
    let pid: i64 = sqlx::query_scalar("SELECT id FROM projects WHERE slug = 'default'")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    if fresh {
        let started = Instant::now();
        seed(&app, n).await;
        println!(
            "{backend:?}: seeded {n} members in {:.1?}",
            started.elapsed()
        );
    }
    let members: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE project_id = $1 AND email LIKE '%.mix%'",
    )
    .bind(pid)
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert_eq!(
        members as u64, n,
        "the kept database {url} has {members} members, not {n}: an earlier seeding was cut short; remove it"
    );
    let views: usize = std::env::var("ROSTER_BENCH_VIEWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    // In a fixed order: without one, the rows came in the order of whichever index the
    // planner read, so a new index changed the samples and with them every view drawn.
    let samples: Vec<(String, String)> = sqlx::query_as(
        "SELECT email, name_key FROM memberships WHERE project_id = $1 AND user_id % 997 = 3 \
          ORDER BY user_id LIMIT 2000",
    )
    .bind(pid)
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    let dir = users::directory(app.db(), pid).await.unwrap();
    let roles: Vec<String> = dir.roles.iter().map(|(_, n)| n.clone()).collect();
    let groups: Vec<String> = dir.groups.iter().map(|(_, n)| n.clone()).collect();
    let c = app.signed_in(ADMIN_EMAIL).await;
    let (anon, file) = rss_mb();
    println!("{backend:?}: {members} members, {views} views; RSS before: {anon} MB anonymous, {file} MB file-backed");

    // ROSTER_BENCH_ONLY=file: only the views of that file (a timings file's lines, or one
    // query string a line), each the median of seven after a warm-up, to compare two builds
    // on the views that differ without the noise of single runs.
    if let Ok(file) = std::env::var("ROSTER_BENCH_ONLY") {
        let text = std::fs::read_to_string(&file).expect("ROSTER_BENCH_ONLY: cannot read");
        println!("  views of {file}, median of 7 (query / page over HTTP):");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let view = line.rsplit('\t').next().unwrap_or(line).trim();
            let qs = if view == "(default view)" { "" } else { view };
            let url = reqwest::Url::parse(&format!("http://x/?{qs}")).unwrap();
            let pairs: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
            let q = UserQuery::from_pairs(|k| pairs.get(k).cloned());
            let (query, http) = median_times(&app, &c, pid, &q, 7).await;
            println!(
                "{:.3}\t{:.3}\t{}",
                query.as_secs_f64() * 1e3,
                http.as_secs_f64() * 1e3,
                describe(&q)
            );
        }
        return;
    }
    let mut rng = StdRng::seed_from_u64(20261124);
    let mut timed = Vec::with_capacity(views);
    let mut failures = Vec::new();
    for _ in 0..views {
        let mut q = UserQuery {
            q: needle(&mut rng, &samples),
            status: pick(
                &mut rng,
                60,
                &[Status::Active, Status::Invited, Status::Inactive],
            ),
            role: pick(&mut rng, 75, &roles),
            group: pick(&mut rng, 80, &groups),
            last_sign_in: pick(
                &mut rng,
                80,
                &[
                    LastSignIn::Never,
                    LastSignIn::Over30Days,
                    LastSignIn::Over90Days,
                ],
            ),
            sort: UserSort::ALL[rng.gen_range(0..UserSort::ALL.len())],
            desc: rng.gen_bool(0.5),
            page: 1,
            size: if rng.gen_bool(0.7) {
                20
            } else {
                PAGE_SIZES[rng.gen_range(0..PAGE_SIZES.len())]
            },
        };
        // The pages the first one offers, as the pager does.
        let first = users::list(app.db(), pid, &q).await.unwrap();
        let last = first.pages();
        q.page = match rng.gen_range(0..100) {
            0..=39 => 1,
            40..=59 => rng.gen_range(1..=last.min(10)),
            60..=89 => rng.gen_range(1..=last),
            _ => last,
        };
        // Warm, then timed: the query, then the page as a person gets it.
        users::list(app.db(), pid, &q).await.unwrap();
        let started = Instant::now();
        let page = users::list(app.db(), pid, &q).await.unwrap();
        let query = started.elapsed();
        assert!(page.items.len() <= q.size as usize);
        let path = format!("/p/default/users?{}", q.to_query_string());
        // A failed page is counted and shown, not fatal: the figures still print.
        let get = || async {
            match c.get(app.url(&path)).send().await {
                Ok(res) if res.status() == 200 => {
                    res.bytes().await.map(|_| ()).map_err(|e| e.to_string())
                }
                Ok(res) => Err(format!("status {}", res.status())),
                Err(e) => Err(e.to_string()),
            }
        };
        let _ = get().await;
        let started = Instant::now();
        let answer = get().await;
        let http = started.elapsed();
        if let Err(e) = answer {
            failures.push(format!("{path}: {e}"));
        }
        timed.push(Timed { q, query, http });
    }

    // The views the issue measured (1,000,000 users, SQLite, before this engine): search
    // "zq" 2,929 ms; invited by email, page 1,000 367 ms; "smith" page 50 101 ms; "smith" +
    // inactive 82 ms; "smith" + a group 69 ms; "smith" by name 54 ms.
    let smith = |f: &dyn Fn(&mut UserQuery)| {
        let mut q = UserQuery {
            q: "smith".into(),
            ..UserQuery::default()
        };
        f(&mut q);
        q
    };
    let named = [
        (
            "search \"zq\"",
            UserQuery {
                q: "zq".into(),
                ..UserQuery::default()
            },
        ),
        (
            "invited, by email, page 1,000",
            UserQuery {
                status: Some(Status::Invited),
                sort: UserSort::Email,
                desc: false,
                page: 1_000,
                ..UserQuery::default()
            },
        ),
        ("search \"smith\", page 50", smith(&|q| q.page = 50)),
        (
            "search \"smith\" + inactive",
            smith(&|q| q.status = Some(Status::Inactive)),
        ),
        (
            "search \"smith\" + group Sales",
            smith(&|q| q.group = Some("Sales".into())),
        ),
        (
            "search \"smith\", by name",
            smith(&|q| {
                q.sort = UserSort::Name;
                q.desc = false;
            }),
        ),
    ];
    println!("  the issue's views, median of 8 (query / page over HTTP):");
    for (label, q) in named {
        let (query, http) = median_times(&app, &c, pid, &q, 8).await;
        println!("  {label:<34} {query:>9.2?} {http:>9.2?}");
    }

    println!("  users-list query (count and page):");
    header();
    summary("all views", timed.iter().map(|t| t.query).collect());
    let mut kinds: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
    for t in &timed {
        for k in [
            needle_kind(&t.q.q).to_string(),
            depth_kind(t.q.page).to_string(),
            format!("sort {}", t.q.sort.as_str()),
            if t.q.group.is_some() {
                "group filter"
            } else {
                "no group filter"
            }
            .to_string(),
        ] {
            kinds.entry(k).or_default().push(t.query);
        }
    }
    for (k, v) in kinds {
        summary(&k, v);
    }
    println!("  server-rendered page over HTTP (signed in, the whole document):");
    header();
    summary("all views", timed.iter().map(|t| t.http).collect());

    println!("  pages that failed: {}", failures.len());
    for f in failures.iter().take(10) {
        println!("    {f}");
    }
    // Every view's times, for comparing two builds view by view (ROSTER_BENCH_TIMINGS=file).
    if let Ok(file) = std::env::var("ROSTER_BENCH_TIMINGS") {
        let lines: String = timed
            .iter()
            .map(|t| {
                format!(
                    "{:.3}\t{:.3}\t{}\n",
                    t.query.as_secs_f64() * 1e3,
                    t.http.as_secs_f64() * 1e3,
                    describe(&t.q)
                )
            })
            .collect();
        std::fs::write(&file, lines).expect("ROSTER_BENCH_TIMINGS: cannot write the file");
    }
    timed.sort_by_key(|t| std::cmp::Reverse(t.query));
    println!("  the ten slowest views (query), with their plans:");
    for t in timed.iter().take(10) {
        println!(
            "  {:>9.2?} (page {:>9.2?})  {}",
            t.query,
            t.http,
            describe(&t.q)
        );
        for line in users::explain(app.db(), pid, &t.q).await.unwrap() {
            println!("      {}", elide_ids(&line));
        }
    }
    let (anon, file) = rss_mb();
    println!("{backend:?}: RSS after the views: {anon} MB anonymous, {file} MB file-backed");

    // Throughput: 32 requests in flight for a few seconds per page, client and server in
    // this process on the same cores (as `wrk -c32` on loopback would share them).
    let anonymous = app.client();
    println!("  throughput, 32 requests in flight ({THROUGHPUT_SECS} s each):");
    for (label, path, signed_in) in [
        ("users page, default view", "/p/default/users", true),
        (
            "users page, search \"smith\"",
            "/p/default/users?q=smith",
            true,
        ),
        ("roles page", "/p/default/roles", true),
        ("GET /api/viewer", "/api/viewer", true),
        ("sign-in page, signed out", "/login", false),
    ] {
        // ROSTER_BENCH_THROUGHPUT=<label prefix> runs one page only (for `perf`).
        if let Ok(only) = std::env::var("ROSTER_BENCH_THROUGHPUT") {
            if !label.starts_with(only.as_str()) {
                continue;
            }
        }
        let client = if signed_in {
            c.clone()
        } else {
            anonymous.clone()
        };
        let url = app.url(path);
        let deadline = Instant::now() + Duration::from_secs(THROUGHPUT_SECS);
        let workers: Vec<_> = (0..32)
            .map(|_| {
                let (client, url) = (client.clone(), url.clone());
                tokio::spawn(async move {
                    let (mut ok, mut failed) = (0u64, 0u64);
                    while Instant::now() < deadline {
                        let answered = match client.get(&url).send().await {
                            Ok(res) if res.status() == 200 => res.bytes().await.is_ok(),
                            _ => false,
                        };
                        if answered {
                            ok += 1;
                        } else {
                            failed += 1;
                        }
                    }
                    (ok, failed)
                })
            })
            .collect();
        let (mut ok, mut failed) = (0, 0);
        for w in workers {
            let (o, f) = w.await.unwrap();
            ok += o;
            failed += f;
        }
        let (anon, _) = rss_mb();
        println!(
            "  {label:<34} {:>8.0} requests/s ({failed} failed), RSS {anon} MB anonymous",
            ok as f64 / THROUGHPUT_SECS as f64
        );
    }
    let (anon, file) = rss_mb();
    println!("{backend:?}: RSS after the load: {anon} MB anonymous, {file} MB file-backed");
    app.stop().await;
}

fn main() {
    common_bench::on_each_backend("users_page_mix", 1, run);
}

#[allow(dead_code)]
#[path = "common/mod.rs"]
mod common_bench;
