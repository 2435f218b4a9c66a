//! Export of users over HTTP: the file is the table's view (or everyone, or the picked rows)
//! with the chosen fields, in CSV or JSON Lines, streamed in keyset chunks that visit every
//! row once in the view's order; formula cells are made inert; each export is audited.
mod common;
use common::*;
use reqwest::Client;

async fn export(app: &TestApp, c: &Client, query: &str) -> (u16, String, String) {
    let res = c
        .get(app.url(&format!("/p/default/users/export/download?{query}")))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let disposition = res
        .headers()
        .get("content-disposition")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, disposition, res.text().await.unwrap())
}

app_test!(
    exports_the_view_with_the_chosen_fields,
    |app: TestApp| async move {
        let dev = app.user("dev@roster.test", "default", "developer").await;
        app.user("end@roster.test", "default", "end_user").await;
        let eve = app.user("eve@roster.test", "default", "end_user").await;
        app.user("elsewhere@roster.test", "other", "admin").await;
        let staff = app.group("default", "staff").await;
        app.exec(&format!(
            "INSERT INTO group_members (group_id, user_id, added_at) VALUES ({staff}, {eve}, 0)"
        ))
        .await;
        // A name a spreadsheet would run as a formula.
        app.exec(&format!(
            "UPDATE users SET first_name = '=HYPERLINK(\"http://evil\")', metadata = '{{\"plan\":\"pro\"}}' WHERE id = {eve}"
        ))
        .await;
        app.exec(&format!(
            "UPDATE memberships SET status = 'inactive' WHERE user_id = {dev}"
        ))
        .await;
        let c = app.signed_in(ADMIN_EMAIL).await;

        // The view: active end users, sorted by email descending.
        let (status, disposition, csv) = export(
            &app,
            &c,
            "scope=view&format=csv&fields=email&fields=first_name&fields=groups&role=end_user&status=active&sort=email&dir=desc",
        )
        .await;
        assert_eq!(status, 200);
        assert!(
            disposition.starts_with("attachment; filename=\"roster-users-default-")
                && disposition.ends_with(".csv\""),
            "{disposition}"
        );
        assert_eq!(
            csv,
            "email,first_name,groups\n\
             eve@roster.test,\"'=HYPERLINK(\"\"http://evil\"\")\",staff\n\
             end@roster.test,Test,\n"
        );

        // JSON Lines, every user of the project, more fields.
        let (status, disposition, jsonl) = export(
            &app,
            &c,
            "scope=all&format=jsonl&fields=id&fields=email&fields=status&fields=metadata&fields=last_sign_in_at&q=nobody",
        )
        .await;
        assert_eq!(status, 200);
        assert!(disposition.ends_with(".jsonl\""));
        let lines: Vec<serde_json::Value> = jsonl
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let emails: Vec<&str> = lines.iter().map(|l| l["email"].as_str().unwrap()).collect();
        assert_eq!(
            emails,
            vec![
                "dev@roster.test",
                "end@roster.test",
                "eve@roster.test",
                ADMIN_EMAIL
            ],
            "every member of this project, none of another, the search ignored"
        );
        let eve_line = &lines[2];
        assert_eq!(eve_line["id"], eve);
        assert_eq!(eve_line["metadata"]["plan"], "pro");
        assert_eq!(eve_line["status"], "active");
        assert!(eve_line["last_sign_in_at"].is_null());
        assert_eq!(lines[0]["status"], "inactive");

        // Picked rows only, with the default fields (ISO 8601 UTC dates).
        let (_, _, picked) = export(&app, &c, &format!("scope=selected&ids={eve},{dev}")).await;
        let mut rows = picked.lines();
        assert_eq!(
            rows.next().unwrap(),
            "email,first_name,last_name,role,groups,status,created_at"
        );
        let rest: Vec<&str> = rows.collect();
        assert_eq!(rest.len(), 2);
        assert!(rest[0].starts_with("dev@roster.test,Test,developer,developer,,inactive,20"));
        assert!(rest[0].ends_with('Z'));

        // Who exported what: scope, filters, fields, format, rows.
        let details: Vec<String> = sqlx::query_scalar(
            "SELECT details FROM audit_events WHERE action = 'users.exported' ORDER BY id",
        )
        .fetch_all(app.db().pool())
        .await
        .unwrap();
        assert_eq!(details.len(), 3);
        let first: serde_json::Value = serde_json::from_str(&details[0]).unwrap();
        assert_eq!(first["scope"], "view");
        assert_eq!(first["rows"], 2);
        assert_eq!(first["filters"]["role"], "end_user");
        assert_eq!(first["filters"]["status"], "active");
        assert_eq!(
            first["fields"],
            serde_json::json!(["email", "first_name", "groups"])
        );
        let second: serde_json::Value = serde_json::from_str(&details[1]).unwrap();
        assert_eq!(
            (second["scope"].as_str(), second["rows"].as_i64()),
            (Some("all"), Some(4))
        );
        assert_eq!(second["format"], "jsonl");

        // The developer holds users:export; an end user and another project's admin do not.
        let d = app.signed_in("dev@roster.test").await;
        app.exec(&format!(
            "UPDATE memberships SET status = 'active' WHERE user_id = {dev}"
        ))
        .await;
        assert_eq!(export(&app, &d, "scope=all").await.0, 200);
        let e = app.signed_in("end@roster.test").await;
        assert_eq!(export(&app, &e, "scope=all").await.0, 403);
        let o = app.signed_in("elsewhere@roster.test").await;
        assert_eq!(export(&app, &o, "scope=all").await.0, 403);
        app
    }
);

app_test!(
    an_export_past_one_chunk_visits_every_row_once_in_order,
    |app: TestApp| async move {
        // 4,500 members (a chunk is 2,000), half active, half invited.
        app.exec(
            "INSERT INTO users (email, first_name, last_name, status, created_at, updated_at) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4500) \
             SELECT 'bulk' || i || '@roster.test', 'Bulk', '', 'active', 1000 + (i % 7), 0 FROM n",
        )
        .await;
        app.exec(
            "INSERT INTO memberships (project_id, user_id, role_id, joined_at, email, name_key, status, created_at, last_sign_in_at) \
             SELECT p.id, u.id, r.id, 0, u.email, 'bulk', CASE WHEN u.id % 2 = 0 THEN 'active' ELSE 'invited' END, u.created_at, 0 \
               FROM users u, projects p, roles r \
              WHERE u.email LIKE 'bulk%' AND p.slug = 'default' AND r.project_id = p.id AND r.name = 'end_user'",
        )
        .await;
        let c = app.signed_in(ADMIN_EMAIL).await;
        // The database's own order (PostgreSQL's collation may not be byte order).
        let expected: Vec<String> = sqlx::query_scalar(
            "SELECT m.email FROM memberships m JOIN projects p ON p.id = m.project_id \
              WHERE p.slug = 'default' AND m.email LIKE 'bulk%' ORDER BY m.email DESC, m.user_id DESC",
        )
        .fetch_all(app.db().pool())
        .await
        .unwrap();
        assert_eq!(expected.len(), 4500);
        let (_, _, csv) = export(&app, &c, "fields=email&q=bulk&sort=email&dir=desc").await;
        let got: Vec<&str> = csv.lines().skip(1).collect();
        assert_eq!(got, expected);

        // Three sort keys (status, created, id): every row once, in that order.
        let (_, _, csv) = export(
            &app,
            &c,
            "fields=id&fields=status&fields=created_at&q=bulk&sort=status&dir=asc",
        )
        .await;
        let rows: Vec<(String, String, i64)> = csv
            .lines()
            .skip(1)
            .map(|l| {
                let cells: Vec<&str> = l.split(',').collect();
                (
                    cells[1].to_string(),
                    cells[2].to_string(),
                    cells[0].parse().unwrap(),
                )
            })
            .collect();
        assert_eq!(rows.len(), 4500);
        let mut sorted = rows.clone();
        sorted.sort();
        assert_eq!(rows, sorted);
        let ids: std::collections::BTreeSet<i64> = rows.iter().map(|r| r.2).collect();
        assert_eq!(ids.len(), 4500);
        app
    }
);
