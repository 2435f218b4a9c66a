//! The audit log over HTTP: the page (server-rendered HTML, readable without script), its
//! filters and keyset pages with exact expected events, the CSV export, and who sees what (an
//! admin of project B never sees project A's events; only superadmins see console-wide ones).
mod common;
use common::*;
use reqwest::Client;
use serde_json::json;

/// 2026-01-10 23:00 UTC: the events below cross midnight, so day filters split them.
const T0: i64 = 1_768_086_000_000;
const MINUTE: i64 = 60_000;
/// Events written into project "default".
const N: i64 = 120;

struct Ev {
    at: i64,
    actor: String,
    action: &'static str,
    target: String,
}

/// The events of project "default", oldest first (ids increase in this order). Events 48 to 51
/// share one millisecond, across the boundary of the first page (newest first), so the id
/// must break the tie without losing or repeating one.
fn default_events() -> Vec<Ev> {
    (0..N)
        .map(|k| Ev {
            at: if (48..=51).contains(&k) {
                T0 + 48 * MINUTE
            } else {
                T0 + k * MINUTE
            },
            actor: if k % 2 == 0 {
                "ann@roster.test".into()
            } else {
                "carl@actors.test".into()
            },
            action: ["user.updated", "user.deactivated", "invitation.created"][k as usize % 3],
            target: if k % 7 == 0 {
                "shared@targets.test".into()
            } else {
                format!("t{k}@targets.test")
            },
        })
        .collect()
}

async fn insert(app: &TestApp, project: Option<i64>, e: &Ev, details: &str) {
    let mut tx = app.db().begin().await.unwrap();
    sqlx::query(
        "INSERT INTO audit_events (at, actor_email, action, target_email, project_id, ip, user_agent, details) \
         VALUES ($1, $2, $3, $4, $5, '203.0.113.9', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36', $6)",
    )
    .bind(e.at)
    .bind(&e.actor)
    .bind(e.action)
    .bind(&e.target)
    .bind(project)
    .bind(details)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn project_id(app: &TestApp, slug: &str) -> i64 {
    app.count(&format!("SELECT id FROM projects WHERE slug = '{slug}'"))
        .await
}

/// Writes the default project's events, ten of project "other" and ten console-wide ones (by
/// dana, who also acts once in "default").
async fn seed(app: &TestApp) {
    let default = project_id(app, "default").await;
    let other = project_id(app, "other").await;
    for e in default_events() {
        insert(app, Some(default), &e, "{}").await;
    }
    for k in 0..10 {
        let e = |target: String| Ev {
            at: T0 + k * MINUTE + 30_000,
            actor: "dana@actors.test".into(),
            action: "user.updated",
            target,
        };
        insert(app, Some(other), &e(format!("o{k}@targets.test")), "{}").await;
        insert(app, None, &e(format!("c{k}@targets.test")), "{}").await;
    }
}

/// The target emails of a log page's rows, in order, and the page's Newer and Older links.
fn read_page(html: &str) -> (Vec<String>, Option<String>, Option<String>) {
    let mut targets = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("@targets.test</a>") {
        let start = rest[..at].rfind('>').unwrap() + 1;
        targets.push(format!("{}@targets.test", &rest[start..at]));
        rest = &rest[at + 1..];
    }
    let link = |rel: &str| {
        let marker = format!("rel=\"{rel}\"");
        let at = html.find(&marker)?;
        let tag = &html[html[..at].rfind("<a").unwrap()..at];
        let href = &tag[tag.find("href=\"").unwrap() + 6..];
        Some(href[..href.find('"').unwrap()].replace("&amp;", "&"))
    };
    (targets, link("prev"), link("next"))
}

/// The log's HTML for `query` (a page URL's query string), through the server function.
async fn log(app: &TestApp, c: &Client, project: &str, query: &str) -> (u16, String) {
    let q = app::model::encode_query_value(query);
    app.get_html(c, &format!("/api/audit_log?project={project}&query={q}"))
        .await
}

/// The data rows of an export (its header checked elsewhere).
async fn export_rows(app: &TestApp, c: &Client, path: &str) -> Vec<csv::StringRecord> {
    let body = c
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    csv::Reader::from_reader(body.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}

/// Which of the default project's events a view should show.
type Keep = Box<dyn Fn(&Ev) -> bool>;

/// Targets of the default project's events passing `keep`, newest first (ties by id).
fn expected(keep: impl Fn(&Ev) -> bool) -> Vec<String> {
    let mut evs: Vec<(i64, usize, String)> = default_events()
        .into_iter()
        .enumerate()
        .filter(|(_, e)| keep(e))
        .map(|(k, e)| (e.at, k, e.target))
        .collect();
    evs.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
    evs.into_iter().map(|e| e.2).collect()
}

/// Every event of a view, following its Older links from the first page.
async fn walk(app: &TestApp, c: &Client, query: &str) -> Vec<String> {
    let (status, html) = log(app, c, "default", query).await;
    assert_eq!(status, 200, "{html}");
    let (mut all, newer, mut older) = read_page(&html);
    assert_eq!(newer, None, "the first page has nothing newer");
    let mut pages = 1;
    while let Some(href) = older {
        let (_, html) = log(app, c, "default", href.split_once('?').unwrap().1).await;
        let (t, newer, next) = read_page(&html);
        assert!(newer.is_some(), "a later page links back to newer events");
        assert!(t.len() <= 50);
        all.extend(t);
        older = next;
        pages += 1;
        assert!(pages < 10);
    }
    all
}

app_test!(
    filters_and_pages_select_exact_events,
    |app: TestApp| async move {
        app.user("ann@roster.test", "default", "admin").await;
        app.user("bob@roster.test", "other", "admin").await;
        seed(&app).await;
        let ann = app.signed_in("ann@roster.test").await;

        // Unfiltered: all 120 in three pages (50, 50, 20), newest first, the tie kept in id order.
        let all = walk(&app, &ann, "").await;
        assert_eq!(all, expected(|_| true));

        // Newer from the second page leads back to exactly the first page.
        let (_, first) = log(&app, &ann, "default", "").await;
        let (first_targets, _, older) = read_page(&first);
        let (_, second) = log(
            &app,
            &ann,
            "default",
            older.unwrap().split_once('?').unwrap().1,
        )
        .await;
        let (_, newer, _) = read_page(&second);
        let (_, back) = log(
            &app,
            &ann,
            "default",
            newer.unwrap().split_once('?').unwrap().1,
        )
        .await;
        assert_eq!(read_page(&back).0, first_targets);

        // Each filter, and filters together, select exactly their events.
        let cases: Vec<(&str, Keep)> = vec![
            (
                "actor=carl%40actors.test",
                Box::new(|e| e.actor == "carl@actors.test"),
            ),
            (
                "actor=CARL%40Actors.test",
                Box::new(|e| e.actor == "carl@actors.test"),
            ),
            (
                "target=shared%40targets.test",
                Box::new(|e| e.target == "shared@targets.test"),
            ),
            (
                "action=user.deactivated",
                Box::new(|e| e.action == "user.deactivated"),
            ),
            ("from=2026-01-11", Box::new(|e| e.at >= T0 + 60 * MINUTE)),
            ("to=2026-01-10", Box::new(|e| e.at < T0 + 60 * MINUTE)),
            (
                "from=2026-01-11&to=2026-01-11",
                Box::new(|e| e.at >= T0 + 60 * MINUTE),
            ),
            ("from=2026-01-12", Box::new(|_| false)),
            (
                "actor=ann%40roster.test&action=invitation.created&from=2026-01-11",
                Box::new(|e| {
                    e.actor == "ann@roster.test"
                        && e.action == "invitation.created"
                        && e.at >= T0 + 60 * MINUTE
                }),
            ),
            // Malformed values are no filter, never an error.
            (
                "from=yesterday&action=drop.tables&before=12x",
                Box::new(|_| true),
            ),
        ];
        for (query, keep) in cases {
            assert_eq!(walk(&app, &ann, query).await, expected(keep), "{query}");
        }

        // Nothing from another project or console-wide reaches a project admin.
        let (_, html) = log(&app, &ann, "default", "actor=dana%40actors.test").await;
        assert!(read_page(&html).0.is_empty(), "{html}");
        assert!(html.contains("No events match these filters."));
        let bob = app.signed_in("bob@roster.test").await;
        let (status, _) = log(&app, &bob, "default", "").await;
        assert_eq!(status, 403);
        let (_, html) = log(&app, &bob, "other", "").await;
        let (targets, _, _) = read_page(&html);
        assert_eq!(
            targets,
            (0..10)
                .rev()
                .map(|k| format!("o{k}@targets.test"))
                .collect::<Vec<_>>()
        );

        // A superadmin sees the project's and the console-wide events, merged in time order.
        let root = app.signed_in(ADMIN_EMAIL).await;
        let (_, html) = log(&app, &root, "default", "actor=dana%40actors.test").await;
        let (targets, _, _) = read_page(&html);
        assert_eq!(
            targets,
            (0..10)
                .rev()
                .map(|k| format!("c{k}@targets.test"))
                .collect::<Vec<_>>()
        );
        assert!(html.contains("Console-wide"));
        let mixed = walk(&app, &root, "from=2026-01-10&to=2026-01-10").await;
        assert_eq!(mixed.len(), 60 + 10, "{mixed:?}");
        app
    }
);

app_test!(
    the_page_is_in_place_and_changes_appear,
    |app: TestApp| async move {
        app.user("ann@roster.test", "default", "admin").await;
        app.user("dev@roster.test", "default", "developer").await;
        app.user("end@roster.test", "default", "end_user").await;
        let leaver = app.user("leaver@roster.test", "default", "end_user").await;
        let ann = app.signed_in("ann@roster.test").await;
        // A real change: its event names who, what and whom.
        let res = app
            .call_json(
                &ann,
                "deactivate_user",
                &json!({"project": "default", "id": leaver, "reason": "left"}),
            )
            .await;
        assert_eq!(res.status(), 200);
        // The page itself (no script): filters, the event and its details are in the HTML.
        let dev_client = app.signed_in("dev@roster.test").await;
        let res = dev_client
            .get(app.url("/p/default/audit?action=user.deactivated"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        let row = &html[html
            .find("<tbody>")
            .expect("the events table is in the page")..];
        assert!(
            row.contains("ann@roster.test") && row.contains("leaver@roster.test"),
            "{row}"
        );
        assert!(
            row.contains("user.deactivated") && row.contains("<details>"),
            "{row}"
        );
        assert!(row.contains("left"), "the reason is in the details: {row}");
        assert!(
            html.contains(r#"<option value="user.deactivated" selected"#),
            "the filter shows the view"
        );
        assert!(!html.contains("Loading"), "nothing waits for script");
        // An end user has no console; the server function refuses them.
        let end_client = app.signed_in("end@roster.test").await;
        let (status, _) = log(&app, &end_client, "default", "").await;
        assert!(status == 403 || status == 401, "{status}");
        // In French for a French reader.
        app.exec("UPDATE users SET language = 'fr' WHERE email = 'dev@roster.test'")
            .await;
        let (_, html) = log(&app, &dev_client, "default", "").await;
        assert!(
            html.contains("Filtrer les événements") && html.contains("Exporter en CSV"),
            "{html}"
        );
        app
    }
);

app_test!(
    the_export_streams_the_filtered_events_as_csv,
    |app: TestApp| async move {
        app.user("ann@roster.test", "default", "admin").await;
        app.user("bob@roster.test", "other", "admin").await;
        seed(&app).await;
        let default = project_id(&app, "default").await;
        // A value a spreadsheet would run as a formula.
        let formula = Ev {
            at: T0 - MINUTE,
            actor: "=HYPERLINK(\"http://evil\")".into(),
            action: "user.updated",
            target: "@targets.test".into(),
        };
        insert(&app, Some(default), &formula, r#"{"note":"-2+3"}"#).await;
        let ann = app.signed_in("ann@roster.test").await;
        let res = ann
            .get(app.url("/p/default/audit/export?action=user.deactivated&from=2026-01-11"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        let disposition = res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            disposition.starts_with("attachment; filename=\"roster-audit-default-")
                && disposition.ends_with(".csv\""),
            "{disposition}"
        );
        let body = res.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            app::server::audit::EXPORT_HEADER.to_vec()
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let targets: Vec<&str> = rows.iter().map(|r| &r[3]).collect();
        let want = expected(|e| e.action == "user.deactivated" && e.at >= T0 + 60 * MINUTE);
        assert_eq!(targets, want);
        let first = &rows[0];
        assert!(
            first[0].starts_with("2026-01-11T") && first[0].ends_with('Z'),
            "ISO 8601 UTC: {}",
            &first[0]
        );
        assert_eq!(&first[4], "default");
        assert_eq!(&first[5], "203.0.113.9");
        assert!(first[8].contains("Chrome"), "{}", &first[8]);

        // The whole log, in keyset chunks: more rows than one chunk come whole and in order.
        let mut tx = app.db().begin().await.unwrap();
        for k in 0..2_100i64 {
            sqlx::query("INSERT INTO audit_events (at, actor_email, action, target_email, project_id) VALUES ($1, 'bulk@actors.test', 'invitation.created', $2, $3)")
            .bind(T0 - 10 * MINUTE - k)
            .bind(format!("bulk{k}@targets.test"))
            .bind(default)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let rows = export_rows(
            &app,
            &ann,
            "/p/default/audit/export?actor=bulk%40actors.test",
        )
        .await;
        assert_eq!(rows.len(), 2_100);
        assert!(rows
            .iter()
            .enumerate()
            .all(|(k, r)| r[3] == *format!("bulk{k}@targets.test")));

        // Formulas are inert; the unfiltered export holds every event of the project.
        let rows = export_rows(&app, &ann, "/p/default/audit/export").await;
        let evil = rows
            .iter()
            .find(|r| r[3] == *"'@targets.test")
            .expect("the formula row");
        assert_eq!(&evil[1], "'=HYPERLINK(\"http://evil\")");
        assert!(evil[9].contains("-2+3"));
        // 120 seeded, 1 formula, 2,100 bulk, the first start's, and the three exports so far
        // (each recorded before its first row).
        let others: Vec<_> = rows
            .iter()
            .filter(|r| !r[3].ends_with("@targets.test"))
            .map(|r| &r[2])
            .collect();
        assert_eq!(rows.len(), 120 + 1 + 2_100 + 1 + 3, "{others:?}");
        assert_eq!(
            others,
            [
                "audit.exported",
                "audit.exported",
                "audit.exported",
                "system.bootstrapped"
            ]
        );

        // Each export is on the record: who, and with which filters.
        let details: String = sqlx::query_scalar(
        "SELECT details FROM audit_events WHERE action = 'audit.exported' AND actor_email = 'ann@roster.test' ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db().pool())
    .await
    .unwrap();
        let details: serde_json::Value = serde_json::from_str(&details).unwrap();
        assert_eq!(
            details["filters"],
            json!({"action": "user.deactivated", "from": "2026-01-11"})
        );

        // Someone without audit:read in the project gets no file.
        app.user("end@roster.test", "default", "end_user").await;
        let end = app.signed_in("end@roster.test").await;
        let res = end
            .get(app.url("/p/default/audit/export"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        app
    }
);
