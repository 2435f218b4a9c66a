//! Bulk import over HTTP: the upload is read and checked and nothing is written before the
//! admin confirms; the review says what is wrong with each row, in words; the job invites the
//! ready rows, survives a crash half-way without losing or repeating a row, and two imports of
//! the same people invite each person once; bad files get a clear answer, never a 500.
mod common;
use common::*;
use reqwest::Client;
use std::time::Duration;

async fn upload(app: &TestApp, c: &Client, name: &str, body: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(body)
            .file_name(name.to_string())
            .mime_str("text/csv")
            .unwrap(),
    );
    c.post(app.url("/p/default/users/import/upload"))
        .header("origin", format!("http://{}", app.addr))
        .header("sec-fetch-site", "same-origin")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Uploads a file that must be accepted; answers the import's id.
async fn uploaded(app: &TestApp, c: &Client, name: &str, body: &str) -> i64 {
    let res = upload(app, c, name, body.as_bytes().to_vec()).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let to = res.headers()["location"].to_str().unwrap().to_string();
    to.rsplit('/').next().unwrap().parse().unwrap()
}

/// The import page's HTML (its server function), for `query` (the page URL's).
async fn page(app: &TestApp, c: &Client, id: i64, query: &str) -> (u16, String) {
    let query = query.replace('=', "%3D").replace('&', "%26");
    app.get_html(
        c,
        &format!("/api/import_page?project=default&id={id}&query={query}"),
    )
    .await
}

async fn confirm(app: &TestApp, c: &Client, id: i64, send_mail: bool) -> reqwest::Response {
    let id = id.to_string();
    let mut form = vec![("project", "default"), ("id", id.as_str())];
    if send_mail {
        form.push(("send_mail", "on"));
    }
    app.call(c, "confirm_import", &form).await
}

/// Waits for an import's job to finish (it runs in the background).
async fn finished(app: &TestApp, id: i64) {
    for _ in 0..600 {
        let state: String = sqlx::query_scalar("SELECT state FROM imports WHERE id = $1")
            .bind(id)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
        if state == "done" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("import {id} did not finish");
}

/// Every write an import may make, counted.
async fn writes(app: &TestApp) -> [i64; 5] {
    [
        app.count("SELECT COUNT(*) FROM users").await,
        app.count("SELECT COUNT(*) FROM memberships").await,
        app.count("SELECT COUNT(*) FROM invitations").await,
        app.count("SELECT COUNT(*) FROM outbox").await,
        app.count("SELECT COUNT(*) FROM audit_events WHERE action LIKE 'invitation.%' OR action = 'users.imported'")
            .await,
    ]
}

/// One row of each problem, two good rows, and the exact words the review gives them.
const KNOWN_FILE: &str = "email,first_name,last_name,role,groups\n\
ann@roster.test,Ann,One,,staff\n\
not-an-email,Bad,Email,,\n\
ANN@roster.test,Ann,Again,,\n\
member@roster.test,Mem,Ber,,\n\
wiz@roster.test,Wiz,Ard,wizard,\n\
nog@roster.test,No,Group,,nowhere;staff\n\
own@roster.test,Own,Er,owner,\n\
,No,Email,,\n\
extra@roster.test,Ex,Tra,,,surplus\n\
bo@roster.test,Bo,Two,Developer,\n";

app_test!(
    the_review_says_what_is_wrong_and_nothing_is_written,
    |app: TestApp| async move {
        app.user("admin@roster.test", "default", "admin").await;
        app.user("member@roster.test", "default", "end_user").await;
        app.group("default", "staff").await;
        let c = app.signed_in("admin@roster.test").await;
        let before = writes(&app).await;
        let id = uploaded(&app, &c, "people.csv", KNOWN_FILE).await;
        assert_eq!(
            writes(&app).await,
            before,
            "nothing is written before confirm"
        );

        let counts: String = sqlx::query_scalar("SELECT counts FROM imports WHERE id = $1")
            .bind(id)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
        let counts: app::model::ImportCounts = serde_json::from_str(&counts).unwrap();
        assert_eq!(
            (counts.rows, counts.ready, counts.problems),
            (10, 2, 8),
            "{counts:?}"
        );
        assert_eq!(
            (
                counts.invalid_emails,
                counts.duplicates,
                counts.members,
                counts.unknown_roles,
                counts.unknown_groups,
                counts.not_grantable,
                counts.other
            ),
            (2, 1, 1, 1, 1, 1, 1)
        );

        // The error report: each refused row with its line and its problems in words; the
        // roles and groups written the project's way.
        let res = c
            .get(app.url(&format!("/p/default/users/import/{id}/errors.csv")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("roster-import-{id}-errors.csv")));
        let report = res.text().await.unwrap();
        let expected = "email,first_name,last_name,role,groups,reason\n\
not-an-email,Bad,Email,end_user,,line 3: Not a valid email address.\n\
ann@roster.test,Ann,Again,end_user,,Line 4: Same email as line 2.\n\
member@roster.test,Mem,Ber,end_user,,line 5: Already a member of this project.\n\
wiz@roster.test,Wiz,Ard,wizard,,\"line 6: No role \"\"wizard\"\" in this project.\"\n\
nog@roster.test,No,Group,end_user,nowhere;staff,\"line 7: No group \"\"nowhere\"\" in this project.\"\n\
own@roster.test,Own,Er,owner,,\"line 8: You can't grant \"\"project:manage\"\".\"\n\
,No,Email,end_user,,line 9: No email address.\n\
extra@roster.test,Ex,Tra,end_user,,line 10: More cells than the header has columns.\n"
            .replace(",line ", ",Line ")
            .replace("\"line ", "\"Line ");
        assert_eq!(report, expected);

        // The review page: counts, rows with their problems, the filter and the pager.
        let (status, html) = page(&app, &c, id, "").await;
        assert_eq!(status, 200);
        for text in [
            "Review \"people.csv\"",
            "Nothing has been written yet",
            "Confirm import",
            "Send invitation emails",
            "Same email as line 2.",
            "No role \"wizard\" in this project.",
            "Only rows with problems",
            "bo@roster.test",
        ] {
            assert!(
                html.contains(&text.replace('"', "&quot;")) || html.contains(text),
                "{text} missing"
            );
        }
        let (_, only) = page(&app, &c, id, "problems=1").await;
        assert!(!only.contains("bo@roster.test") && only.contains("wiz@roster.test"));

        // Discarding writes nothing either, and the import cannot be confirmed after.
        let res = app
            .call(
                &c,
                "cancel_import",
                &[("project", "default"), ("id", &id.to_string())],
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(confirm(&app, &c, id, true).await.status(), 409);
        assert_eq!(writes(&app).await, before);

        // Another project's admin sees none of it.
        app.user("other@roster.test", "other", "admin").await;
        let o = app.signed_in("other@roster.test").await;
        let res = o
            .get(app.url(&format!("/p/other/users/import/{id}/errors.csv")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        app
    }
);

app_test!(
    confirming_invites_the_ready_rows_with_their_role_and_groups,
    |app: TestApp| async move {
        app.user("admin@roster.test", "default", "admin").await;
        app.user("member@roster.test", "default", "end_user").await;
        app.group("default", "staff").await;
        let c = app.signed_in("admin@roster.test").await;
        let id = uploaded(&app, &c, "people.csv", KNOWN_FILE).await;
        let res = confirm(&app, &c, id, true).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        finished(&app, id).await;

        let invited: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT m.email, r.name, m.status FROM memberships m JOIN roles r ON r.id = m.role_id \
              JOIN projects p ON p.id = m.project_id WHERE p.slug = 'default' AND m.email IN ('ann@roster.test', 'bo@roster.test') \
              ORDER BY m.email",
        )
        .fetch_all(app.db().pool())
        .await
        .unwrap();
        assert_eq!(
            invited,
            vec![
                (
                    "ann@roster.test".into(),
                    "end_user".into(),
                    "invited".into()
                ),
                (
                    "bo@roster.test".into(),
                    "developer".into(),
                    "invited".into()
                ),
            ]
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM group_members gm JOIN users u ON u.id = gm.user_id WHERE u.email = 'ann@roster.test'")
                .await,
            1
        );
        // The names come from the file; a mail each, and a live link each.
        let name: String =
            sqlx::query_scalar("SELECT first_name FROM users WHERE email = 'bo@roster.test'")
                .fetch_one(app.db().pool())
                .await
                .unwrap();
        assert_eq!(name, "Bo");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM outbox WHERE to_email IN ('ann@roster.test', 'bo@roster.test')")
                .await,
            2
        );
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM invitations WHERE accepted_at IS NULL AND revoked_at IS NULL"
            )
            .await,
            2
        );
        // Nothing for the refused rows.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM users WHERE email IN ('wiz@roster.test', 'nog@roster.test', 'own@roster.test', 'extra@roster.test')")
                .await,
            0
        );
        // One event for the import, one per invited person.
        let details: String =
            sqlx::query_scalar("SELECT details FROM audit_events WHERE action = 'users.imported'")
                .fetch_one(app.db().pool())
                .await
                .unwrap();
        let details: serde_json::Value = serde_json::from_str(&details).unwrap();
        assert_eq!(details["file"], "people.csv");
        assert_eq!(details["ready"], 2);
        assert_eq!(details["with_problems"], 8);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'invitation.created'")
                .await,
            2
        );
        let (imported, skipped, done): (i64, i64, i64) =
            sqlx::query_as("SELECT imported, skipped, done_rows FROM imports WHERE id = $1")
                .bind(id)
                .fetch_one(app.db().pool())
                .await
                .unwrap();
        assert_eq!((imported, skipped, done), (2, 0, 2));
        let (_, html) = page(&app, &c, id, "").await;
        assert!(html.contains("finished"), "{html}");
        assert!(html.contains("Download error report"));
        assert!(html.contains("2 invited, 0 skipped at import, 8 refused at review."));
        // Confirmed once only.
        assert_eq!(confirm(&app, &c, id, true).await.status(), 409);

        // Without mail: links but no mail.
        let id = uploaded(&app, &c, "quiet.csv", "email\nquiet@roster.test\n").await;
        assert_eq!(confirm(&app, &c, id, false).await.status(), 200);
        finished(&app, id).await;
        assert_eq!(
            app.count("SELECT COUNT(*) FROM outbox WHERE to_email = 'quiet@roster.test'")
                .await,
            0
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM invitations WHERE email = 'quiet@roster.test'")
                .await,
            1
        );
        app
    }
);

app_test!(
    one_batch_invites_new_and_existing_accounts_and_skips_rows_gone_stale,
    |app: TestApp| async move {
        let admin = app.user("admin@roster.test", "default", "admin").await;
        app.group("default", "staff").await;
        app.group("default", "gone").await;
        // An account of another project, which reads its mail in French.
        let other = app.user("other@roster.test", "other", "end_user").await;
        app.exec(&format!(
            "UPDATE users SET language = 'fr' WHERE id = {other}"
        ))
        .await;
        let c = app.signed_in("admin@roster.test").await;
        let file = "email,first_name,last_name,role,groups\n\
            new1@roster.test,New,One,,staff\n\
            other@roster.test,Oth,Er,,\n\
            stale@roster.test,Sta,Le,,gone\n\
            taken@roster.test,Ta,Ken,,\n";
        let id = uploaded(&app, &c, "mixed.csv", file).await;
        // Confirmed (with mail), but run here by hand, after two changes made meanwhile: a
        // group is deleted, and someone adds one address by hand.
        app.exec(&format!(
            "UPDATE imports SET state = 'running', send_mail = 1, confirmed_by = {admin}, confirmed_at = 1 WHERE id = {id}"
        ))
        .await;
        app.exec("DELETE FROM groups WHERE name = 'gone'").await;
        app.user("taken@roster.test", "default", "end_user").await;
        app::server::imports::run(&app.state, id).await.unwrap();
        finished(&app, id).await;

        let outcomes: Vec<(String, String)> = sqlx::query_as(
            "SELECT email, outcome FROM import_rows WHERE import_id = $1 ORDER BY line",
        )
        .bind(id)
        .fetch_all(app.db().pool())
        .await
        .unwrap();
        let expected = [
            ("new1@roster.test", "imported"),
            ("other@roster.test", "imported"),
            ("stale@roster.test", "skipped:grant"),
            ("taken@roster.test", "skipped:taken"),
        ];
        assert_eq!(
            outcomes,
            expected
                .iter()
                .map(|(e, o)| (e.to_string(), o.to_string()))
                .collect::<Vec<_>>()
        );
        let (imported, skipped): (i64, i64) =
            sqlx::query_as("SELECT imported, skipped FROM imports WHERE id = $1")
                .bind(id)
                .fetch_one(app.db().pool())
                .await
                .unwrap();
        assert_eq!((imported, skipped), (2, 2));

        // The other project's account keeps its names, hidden here until it accepts, and
        // is invited in its own language; the new account in the importer's.
        let (first, name_key, status): (String, String, String) = sqlx::query_as(
            "SELECT u.first_name, m.name_key, m.status FROM users u \
               JOIN memberships m ON m.user_id = u.id JOIN projects p ON p.id = m.project_id \
              WHERE u.email = 'other@roster.test' AND p.slug = 'default'",
        )
        .fetch_one(app.db().pool())
        .await
        .unwrap();
        assert_eq!(
            (first.as_str(), name_key.as_str(), status.as_str()),
            ("Test", "", "invited")
        );
        let name_key: String = sqlx::query_scalar(
            "SELECT m.name_key FROM memberships m WHERE m.email = 'new1@roster.test'",
        )
        .fetch_one(app.db().pool())
        .await
        .unwrap();
        assert_eq!(name_key, "new one");
        let subjects: Vec<(String, String)> = sqlx::query_as(
            "SELECT to_email, subject FROM outbox WHERE to_email IN ('new1@roster.test', 'other@roster.test', 'stale@roster.test', 'taken@roster.test') ORDER BY to_email",
        )
        .fetch_all(app.db().pool())
        .await
        .unwrap();
        assert_eq!(subjects.len(), 2, "{subjects:?}");
        assert!(subjects[0].1.starts_with("You are invited"), "{subjects:?}");
        assert!(
            subjects[1].1.starts_with("Vous êtes invité"),
            "{subjects:?}"
        );
        // Each live link points at its own mail.
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM invitations i JOIN outbox o ON o.id = i.outbox_id \
                  WHERE o.to_email = i.email AND i.revoked_at IS NULL \
                    AND i.email IN ('new1@roster.test', 'other@roster.test')"
            )
            .await,
            2
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM group_members gm JOIN users u ON u.id = gm.user_id WHERE u.email = 'new1@roster.test'")
                .await,
            1
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'invitation.created' AND target_email IN ('new1@roster.test', 'other@roster.test')")
                .await,
            2
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM users WHERE email = 'stale@roster.test'")
                .await,
            0
        );
        app
    }
);

fn many(prefix: &str, n: usize) -> String {
    let mut file = String::from("email,first_name\n");
    for i in 0..n {
        file.push_str(&format!("{prefix}{i}@roster.test,Person {i}\n"));
    }
    file
}

app_test!(
    a_job_killed_half_way_resumes_without_losing_or_repeating_a_row,
    |app: TestApp| async move {
        let admin = app.user("admin@roster.test", "default", "admin").await;
        let c = app.signed_in("admin@roster.test").await;
        let id = uploaded(&app, &c, "many.csv", &many("crash", 600)).await;
        // Confirmed by the admin, but run here by hand rather than by the server's job.
        app.exec(&format!(
            "UPDATE imports SET state = 'running', confirmed_by = {admin}, confirmed_at = 1 WHERE id = {id}"
        ))
        .await;
        // One batch, then the worker dies holding its lease.
        app::server::imports::run_batches(&app.state, id, 1)
            .await
            .unwrap();
        let sql = format!("SELECT done_rows FROM imports WHERE id = {id}");
        let done = || app.count(&sql);
        assert_eq!(done().await, 250);
        // Nobody takes over while the lease lasts.
        app::server::imports::resume_due(&app.state).await.unwrap();
        assert_eq!(done().await, 250);
        // Once it has passed, the next worker goes on from row 251.
        app.exec(&format!(
            "UPDATE imports SET lease_until = 0 WHERE id = {id}"
        ))
        .await;
        assert_eq!(
            app::server::imports::resume_due(&app.state).await.unwrap(),
            1
        );
        assert_eq!(done().await, 600);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM memberships WHERE email LIKE 'crash%'")
                .await,
            600
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM invitations WHERE email LIKE 'crash%'")
                .await,
            600
        );
        // Mail was on (the default): one each, none twice.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM outbox WHERE to_email LIKE 'crash%'")
                .await,
            600
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM import_rows WHERE import_id = {id} AND outcome = 'imported'"
            ))
            .await,
            600
        );
        let state: String = sqlx::query_scalar("SELECT state FROM imports WHERE id = $1")
            .bind(id)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
        assert_eq!(state, "done");
        app
    }
);

app_test!(
    two_imports_of_the_same_people_invite_each_once,
    |app: TestApp| async move {
        app.user("admin@roster.test", "default", "admin").await;
        let a = app.signed_in("admin@roster.test").await;
        let b = app.signed_in(ADMIN_EMAIL).await;
        let file = many("twice", 300);
        let first = uploaded(&app, &a, "a.csv", &file).await;
        let second = uploaded(&app, &b, "b.csv", &file).await;
        let (r1, r2) = tokio::join!(
            confirm(&app, &a, first, false),
            confirm(&app, &b, second, false)
        );
        assert_eq!((r1.status().as_u16(), r2.status().as_u16()), (200, 200));
        finished(&app, first).await;
        finished(&app, second).await;
        assert_eq!(
            app.count("SELECT COUNT(*) FROM memberships WHERE email LIKE 'twice%'")
                .await,
            300
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM users WHERE email LIKE 'twice%'")
                .await,
            300
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM invitations WHERE email LIKE 'twice%'")
                .await,
            300
        );
        let (imported, skipped): (i64, i64) = sqlx::query_as(
            "SELECT CAST(SUM(imported) AS BIGINT), CAST(SUM(skipped) AS BIGINT) FROM imports WHERE id IN ($1, $2)",
        )
        .bind(first)
        .bind(second)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
        assert_eq!((imported, skipped), (300, 300));
        app
    }
);

app_test!(bad_uploads_get_a_clear_answer, |app: TestApp| async move {
    app.user("admin@roster.test", "default", "admin").await;
    app.user("dev@roster.test", "default", "developer").await;
    let c = app.signed_in("admin@roster.test").await;
    let before = writes(&app).await;
    let imports = || app.count("SELECT COUNT(*) FROM imports");

    let res = upload(&app, &c, "empty.csv", Vec::new()).await;
    assert_eq!(res.status(), 422);
    assert!(error_message(res).await.contains("The file is empty."));
    let res = upload(
        &app,
        &c,
        "image.png",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(error_message(res).await.contains("not a CSV file"));
    let res = upload(&app, &c, "x.csv", b"first_name\nAda\n".to_vec()).await;
    assert!(error_message(res).await.contains("no \"email\" column"));

    // Past 20 MB: 413, as soon as the limit is passed.
    let big = vec![b'a'; 21 * 1024 * 1024];
    let res = upload(&app, &c, "big.csv", big.clone()).await;
    assert_eq!(res.status(), 413);
    assert_eq!(
        error_message(res).await,
        "The file is larger than 20 MB. Split it into smaller files."
    );
    // A browser's form post gets a page with the message and the way back.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(big).file_name("big.csv"),
    );
    let res = c
        .post(app.url("/p/default/users/import/upload"))
        .header("origin", format!("http://{}", app.addr))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let page = res.text().await.unwrap();
    assert!(page.contains("larger than 20 MB") && page.contains("/p/default/users/import"));

    // No file, or not a multipart form at all.
    let res = c
        .post(app.url("/p/default/users/import/upload"))
        .header("origin", format!("http://{}", app.addr))
        .header("sec-fetch-site", "same-origin")
        .form(&[("file", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(error_message(res).await.contains("Choose a CSV file"));

    // Who may: not a developer, not anonymous, not from another site.
    let dev = app.signed_in("dev@roster.test").await;
    let res = upload(&app, &dev, "x.csv", b"email\na@roster.test\n".to_vec()).await;
    assert_eq!(res.status(), 403);
    let res = upload(
        &app,
        &app.client(),
        "x.csv",
        b"email\na@roster.test\n".to_vec(),
    )
    .await;
    assert_eq!(res.status(), 401);
    let res = c
        .post(app.url("/p/default/users/import/upload"))
        .header("sec-fetch-site", "cross-site")
        .multipart(reqwest::multipart::Form::new().text("file", "email\na@roster.test\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(imports().await, 0);
    assert_eq!(writes(&app).await, before);

    // The template reads back as a valid file.
    let res = c
        .get(app.url("/p/default/users/import/template.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let template = res.text().await.unwrap();
    assert!(template.starts_with("email,first_name,last_name,role,groups\n"));
    assert_eq!(template.lines().count(), 2);
    let rows = app::server::imports::read(template.as_bytes(), 10).unwrap();
    assert_eq!(rows[0].email, "ada@example.com");
    app
});
