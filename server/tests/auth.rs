//! Sign-in, sessions, throttling and cross-site refusal, through the real router over HTTP.
mod common;

use common::{error_message, session_cookie, TestApp, ADMIN_EMAIL, PASSWORD};
use std::time::Duration;

app_test!(
    sign_in_sets_a_safe_cookie_and_lands_admins_on_users,
    |app: TestApp| async move {
        let c = app.client();
        assert_eq!(app.viewer(&c).await, serde_json::Value::Null);
        let res = app.sign_in(&c, "  ROOT@roster.test ", PASSWORD).await;
        assert_eq!(res.status(), 200);
        let cookie = res
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && cookie.contains("Path=/"),
            "{cookie}"
        );
        assert!(!cookie.contains("Secure"), "plain http gets no Secure flag");
        let token = session_cookie(&res).unwrap();
        assert_eq!(token.len(), 43, "256 random bits, base64url");
        assert_eq!(res.json::<String>().await.unwrap(), "/p/default/users");

        // Only the hash of the token is stored.
        let stored = app
            .count(&format!(
                "SELECT COUNT(*) FROM sessions WHERE token_hash = '{token}'"
            ))
            .await;
        assert_eq!(stored, 0);
        let v = app.viewer(&c).await;
        assert_eq!(v["email"], ADMIN_EMAIL);
        assert_eq!(v["projects"][0]["slug"], "default");

        // The session row knows the device.
        let row: (String, String, String) =
            sqlx::query_as("SELECT browser, os, device FROM sessions")
                .fetch_one(app.db().pool())
                .await
                .unwrap();
        assert!(row.0.starts_with("Chrome"), "{row:?}");
        assert_eq!(row.2, "Desktop");
        let last: i64 = sqlx::query_scalar("SELECT last_sign_in_at FROM memberships")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
        assert!(last > 0, "the users list sees the sign-in");

        // `next` wins over the landing page, but only when it stays on this site.
        for (next, lands_on) in [
            ("/p/default/audit", "/p/default/audit"),
            ("https://evil.example/", "/p/default/users"),
        ] {
            let form = [
                ("email", ADMIN_EMAIL),
                ("password", PASSWORD),
                ("next", next),
            ];
            let res = app.call(&app.client(), "sign_in", &form).await;
            assert_eq!(
                res.json::<String>().await.unwrap(),
                lands_on,
                "next = {next}"
            );
        }
        app
    }
);

app_test!(end_users_land_on_their_account, |app: TestApp| async move {
    app.user("eve@roster.test", "default", "end_user").await;
    let c = app.client();
    let res = app.sign_in(&c, "eve@roster.test", PASSWORD).await;
    assert_eq!(res.json::<String>().await.unwrap(), "/account");
    app
});

app_test!(
    wrong_password_and_unknown_email_get_the_same_answer,
    |app: TestApp| async move {
        let c = app.client();
        let wrong = app.sign_in(&c, ADMIN_EMAIL, "not the password").await;
        let (s1, h1) = (wrong.status(), session_cookie(&wrong));
        let b1 = wrong.text().await.unwrap();
        let unknown = app
            .sign_in(&c, "nobody@roster.test", "not the password")
            .await;
        let (s2, h2) = (unknown.status(), session_cookie(&unknown));
        let b2 = unknown.text().await.unwrap();
        assert_eq!(s1, 401);
        assert_eq!((s1, &b1), (s2, &b2));
        assert_eq!(
            serde_json::from_str::<app::model::AppError>(&b1)
                .unwrap()
                .to_string(),
            "Incorrect email or password."
        );
        assert!(h1.is_none() && h2.is_none());
        assert_eq!(app.viewer(&c).await, serde_json::Value::Null);

        // Both attempts are in the audit log with where they came from.
        let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT target_email, ip, user_agent FROM audit_events WHERE action = 'auth.sign_in_failed' ORDER BY id",
    )
    .fetch_all(app.db().pool())
    .await
    .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, ADMIN_EMAIL);
        assert_eq!(rows[1].0, "nobody@roster.test");
        assert!(rows
            .iter()
            .all(|r| r.1 == "127.0.0.1" && r.2.contains("Chrome")));
        app
    }
);

backend_test!(
    accounts_lock_after_repeated_failures_and_unlock_later,
    |backend| async move {
        let app = TestApp::spawn_with(backend, |a| {
            a.throttle.account_lock_after = 3;
            a.throttle.base_delay = Duration::from_millis(1);
            a.throttle.lock_for = Duration::from_millis(1500);
        })
        .await;
        let c = app.client();
        for _ in 0..2 {
            assert_eq!(
                app.sign_in(&c, ADMIN_EMAIL, "wrong password!")
                    .await
                    .status(),
                401
            );
        }
        let third = app.sign_in(&c, ADMIN_EMAIL, "wrong password!").await;
        assert_eq!(third.status(), 429);
        // Locked: even the right password is refused, with a message about the lock.
        let locked = app.sign_in(&c, ADMIN_EMAIL, PASSWORD).await;
        assert_eq!(locked.status(), 429);
        assert!(error_message(locked).await.contains("temporarily locked"));
        // An unknown email locks the same way, so a lock reveals nothing about existence.
        for _ in 0..3 {
            app.sign_in(&c, "ghost@roster.test", "wrong password!")
                .await;
        }
        assert_eq!(
            app.sign_in(&c, "ghost@roster.test", "wrong password!")
                .await
                .status(),
            429
        );

        tokio::time::sleep(Duration::from_millis(1700)).await;
        let res = app.sign_in(&c, ADMIN_EMAIL, PASSWORD).await;
        assert_eq!(res.status(), 200, "the lock expires");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM sign_in_throttle WHERE key = 'email:root@roster.test'")
                .await,
            0,
            "success resets"
        );
        assert!(
            app.count("SELECT COUNT(*) FROM audit_events WHERE details LIKE '%locked%'")
                .await
                >= 2
        );
        app.stop().await;
    }
);

backend_test!(
    one_client_ip_failing_across_many_accounts_is_locked,
    |backend| async move {
        let app = TestApp::spawn_with(backend, |a| {
            a.throttle.ip_lock_after = 5;
            a.throttle.base_delay = Duration::from_millis(1);
        })
        .await;
        let c = app.client();
        for i in 0..5 {
            app.sign_in(&c, &format!("spray{i}@roster.test"), "wrong password!")
                .await;
        }
        assert_eq!(app.sign_in(&c, ADMIN_EMAIL, PASSWORD).await.status(), 429);
        app.stop().await;
    }
);

app_test!(
    deactivated_users_are_refused_at_once,
    |app: TestApp| async move {
        let id = app.user("dana@roster.test", "default", "admin").await;
        let c = app.client();
        assert_eq!(
            app.sign_in(&c, "dana@roster.test", PASSWORD).await.status(),
            200
        );
        assert_eq!(app.viewer(&c).await["email"], "dana@roster.test");
        app.exec(&format!(
            "UPDATE users SET status = 'inactive' WHERE id = {id}"
        ))
        .await;
        assert_eq!(
            app.viewer(&c).await,
            serde_json::Value::Null,
            "the open session stops working"
        );
        let again = app
            .sign_in(&app.client(), "dana@roster.test", PASSWORD)
            .await;
        assert_eq!(again.status(), 422);
        assert!(error_message(again).await.contains("deactivated"));
        // A wrong password for a deactivated account says nothing about its state.
        let wrong = app
            .sign_in(&app.client(), "dana@roster.test", "wrong password!")
            .await;
        assert_eq!(error_message(wrong).await, "Incorrect email or password.");
        app
    }
);

app_test!(
    each_sign_in_gets_a_new_token_and_ends_the_old_session,
    |app: TestApp| async move {
        let c = app.client();
        let first = session_cookie(&app.sign_in(&c, ADMIN_EMAIL, PASSWORD).await).unwrap();
        let second = session_cookie(&app.sign_in(&c, ADMIN_EMAIL, PASSWORD).await).unwrap();
        assert_ne!(first, second);
        let old = reqwest::Client::new();
        let res = old
            .get(app.url("/api/viewer"))
            .header("cookie", format!("roster_session={first}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.json::<serde_json::Value>().await.unwrap(),
            serde_json::Value::Null,
            "the old token is dead"
        );
        let res = old
            .get(app.url("/api/viewer"))
            .header("cookie", format!("roster_session={second}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.json::<serde_json::Value>().await.unwrap()["email"],
            ADMIN_EMAIL
        );
        // A token the server never issued is simply anonymous.
        let res = old
            .get(app.url("/api/viewer"))
            .header("cookie", "roster_session=forged")
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.json::<serde_json::Value>().await.unwrap(),
            serde_json::Value::Null
        );
        app
    }
);

app_test!(
    revoked_expired_and_idle_sessions_are_refused,
    |app: TestApp| async move {
        for (what, sql) in [
            ("revoked", "UPDATE sessions SET revoked_at = 1"),
            ("expired", "UPDATE sessions SET expires_at = 1"),
            ("idle", "UPDATE sessions SET last_seen_at = 1"),
        ] {
            let c = app.client();
            app.sign_in(&c, ADMIN_EMAIL, PASSWORD).await;
            assert_eq!(app.viewer(&c).await["email"], ADMIN_EMAIL);
            app.exec(sql).await;
            assert_eq!(
                app.viewer(&c).await,
                serde_json::Value::Null,
                "{what} session must be refused"
            );
            let page = c.get(app.url("/p/default/users")).send().await.unwrap();
            assert_eq!(page.status(), 303, "{what}: console pages send to sign-in");
        }
        app
    }
);

app_test!(
    sign_out_ends_the_session_and_clears_the_cookie,
    |app: TestApp| async move {
        let c = app.client();
        app.sign_in(&c, ADMIN_EMAIL, PASSWORD).await;
        let res = app.call(&c, "sign_out", &[]).await;
        assert_eq!(res.status(), 200);
        let cleared = res
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(cleared.contains("Max-Age=0"), "{cleared}");
        assert_eq!(app.viewer(&c).await, serde_json::Value::Null);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL")
                .await,
            0
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.signed_out'")
                .await,
            1
        );
        app
    }
);

app_test!(
    cross_site_state_changes_are_refused,
    |app: TestApp| async move {
        let c = app.client();
        app.sign_in(&c, ADMIN_EMAIL, PASSWORD).await;
        for (header, value) in [
            ("origin", "http://evil.example".to_string()),
            ("sec-fetch-site", "cross-site".to_string()),
        ] {
            let res = c
                .post(app.url("/api/sign_out"))
                .header(header, value)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 403, "{header}");
            assert!(error_message(res).await.contains("another site"));
        }
        assert_eq!(
            app.viewer(&c).await["email"],
            ADMIN_EMAIL,
            "still signed in: nothing happened"
        );
        // A cross-site form post cannot sign anyone in either (login CSRF).
        let res = c
            .post(app.url("/api/sign_in"))
            .header("origin", "http://evil.example")
            .form(&[("email", ADMIN_EMAIL), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        app
    }
);

app_test!(
    anonymous_console_pages_redirect_to_sign_in_with_next,
    |app: TestApp| async move {
        let c = app.client();
        let res = c
            .get(app.url("/p/default/users?q=ada"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(
            res.headers()["location"],
            "/login?next=/p/default/users%3Fq%3Dada"
        );
        let res = c.get(app.url("/users?page=2")).send().await.unwrap();
        assert_eq!(res.headers()["location"], "/login?next=/users%3Fpage%3D2");
        app.sign_in(&c, ADMIN_EMAIL, PASSWORD).await;
        let res = c.get(app.url("/users?page=2")).send().await.unwrap();
        assert_eq!(res.headers()["location"], "/p/default/users?page=2");
        let res = c.get(app.url("/p/default/users")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(csp.contains("'nonce-"), "{csp}");
        let html = res.text().await.unwrap();
        assert!(html.contains("<h1>Users</h1>"), "server-rendered page");
        app
    }
);

app_test!(healthz_checks_the_database, |app: TestApp| async move {
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.text().await.unwrap(), "ok");
    app.db().close().await;
    let res = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(res.status(), 503);
    app
});

app_test!(
    short_paths_follow_the_project_in_view,
    |app: TestApp| async move {
        app.user("multi@roster.test", "default", "admin").await;
        // Same user, also admin of a second project.
        let mut tx = app.db().begin().await.unwrap();
        let other = app::server::store::create_project(&mut tx, "acme", "Acme")
            .await
            .unwrap();
        let role = app::server::store::role_id(&mut tx, other, "admin")
            .await
            .unwrap();
        let uid: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'multi@roster.test'")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        app::server::store::add_membership(&mut tx, other, uid, role)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let c = app.client();
        app.sign_in(&c, "multi@roster.test", common::PASSWORD).await;
        let first = c.get(app.url("/roles")).send().await.unwrap();
        let first_project = first.headers()["location"].to_str().unwrap().to_string();
        let visit = c.get(app.url("/p/acme/users")).send().await.unwrap();
        assert_eq!(visit.status(), 200);
        let res = c.get(app.url("/roles")).send().await.unwrap();
        assert_eq!(res.headers()["location"], "/p/acme/roles");
        let res = c.get(app.url("/p/default/users")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let res = c.get(app.url("/roles")).send().await.unwrap();
        assert_eq!(res.headers()["location"], "/p/default/roles");
        assert!(first_project.starts_with("/p/"));
        // The viewer lists both projects for the picker.
        let v = app.viewer(&c).await;
        let slugs: Vec<&str> = v["projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["slug"].as_str().unwrap())
            .collect();
        assert_eq!(slugs, ["acme", "default"]);
        app
    }
);

app_test!(
    oversized_sign_in_input_is_refused_before_anything_is_written,
    |app: TestApp| async move {
        let events = "SELECT COUNT(*) FROM audit_events";
        let before = app.count(events).await;
        let c = app.client();
        // 2 MB: refused (by the body limit or the check), never stored.
        let huge = format!("{}@example.com", "a".repeat(2 * 1024 * 1024));
        let res = app.sign_in(&c, &huge, PASSWORD).await;
        assert!(
            res.status().is_client_error(),
            "2 MB email: {}",
            res.status()
        );
        // Just past RFC 5321's 254 characters, and a password past any policy.
        let long = format!("{}@example.com", "b".repeat(300));
        assert_eq!(app.sign_in(&c, &long, PASSWORD).await.status(), 422);
        let password = "p".repeat(5_000);
        assert_eq!(app.sign_in(&c, ADMIN_EMAIL, &password).await.status(), 422);
        assert_eq!(
            app.count(events).await,
            before,
            "no event for refused input"
        );

        // A failed attempt with a huge user agent and a long (malformed) email: the event's
        // fields stay within their bounds.
        let agent = "U".repeat(10_000);
        let email = "c".repeat(250);
        let res = app
            .sign_in_with_header(&c, ("user-agent", &agent), &email, "wrong password!")
            .await;
        assert_eq!(res.status(), 401);
        assert_eq!(app.count(events).await, before + 1);
        let longest =
            |col: &str| format!("SELECT COALESCE(MAX(LENGTH({col})), 0) FROM audit_events");
        assert!(app.count(&longest("user_agent")).await <= 512);
        assert!(app.count(&longest("actor_email")).await <= 254);
        assert!(app.count(&longest("target_email")).await <= 254);
        assert!(app.count(&longest("ip")).await <= 64);
        app
    }
);

app_test!(
    pages_and_api_answers_are_never_cached_and_head_is_guarded_like_get,
    |app: TestApp| async move {
        let anon = app.client();
        let res = anon.head(app.url("/p/default/users")).send().await.unwrap();
        assert_eq!(res.status(), 303, "anonymous HEAD goes to sign-in like GET");
        app.user("end@roster.test", "default", "end_user").await;
        let end = app.signed_in("end@roster.test").await;
        let res = end.head(app.url("/p/default/users")).send().await.unwrap();
        assert_eq!(
            res.status(),
            403,
            "HEAD of a project page without a permission there"
        );

        let c = app.signed_in(ADMIN_EMAIL).await;
        for path in ["/p/default/users", "/api/viewer", "/login", "/healthz"] {
            let res = c.get(app.url(path)).send().await.unwrap();
            assert_eq!(
                res.headers()
                    .get("cache-control")
                    .map(|v| v.to_str().unwrap()),
                Some("no-store"),
                "{path}"
            );
        }
        let res = c.get(app.url("/login")).send().await.unwrap();
        let csp = res.headers()["content-security-policy"].to_str().unwrap();
        assert!(
            !csp.contains("ws:"),
            "no dev reload socket in the CSP: {csp}"
        );
        // Plain http (and a proxy header from an untrusted client): no HSTS.
        let res = c
            .get(app.url("/login"))
            .header("x-forwarded-proto", "https")
            .send()
            .await
            .unwrap();
        assert!(res.headers().get("strict-transport-security").is_none());
        app
    }
);

backend_test!(
    https_through_a_trusted_proxy_gets_hsts_and_a_bounded_client_address,
    |backend| async move {
        let app = TestApp::spawn_with(backend, |a| a.trust_proxy = true).await;
        let c = app.client();
        let res = c
            .get(app.url("/login"))
            .header("x-forwarded-proto", "https")
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.headers()["strict-transport-security"],
            "max-age=63072000; includeSubDomains"
        );
        // Over https only the __Host- cookie counts: the same token under the plain name (which
        // anyone on http or a sibling domain could plant) is nobody.
        let res = app
            .sign_in_with_header(&c, ("x-forwarded-proto", "https"), ADMIN_EMAIL, PASSWORD)
            .await;
        assert_eq!(res.status(), 200);
        let set = res.headers()["set-cookie"].to_str().unwrap().to_string();
        let token = set
            .strip_prefix("__Host-roster_session=")
            .and_then(|r| r.split(';').next())
            .expect("a __Host- cookie over https");
        let viewer = |cookie: String| {
            let c = reqwest::Client::new();
            let url = app.url("/api/viewer");
            async move {
                c.get(url)
                    .header("x-forwarded-proto", "https")
                    .header("cookie", cookie)
                    .send()
                    .await
                    .unwrap()
                    .json::<serde_json::Value>()
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            viewer(format!("__Host-roster_session={token}")).await["email"],
            ADMIN_EMAIL
        );
        assert_eq!(
            viewer(format!("roster_session={token}")).await,
            serde_json::Value::Null
        );
        let forwarded = "9".repeat(5_000);
        let res = app
            .sign_in_with_header(
                &c,
                ("x-forwarded-for", &forwarded),
                "nobody@roster.test",
                "wrong password!",
            )
            .await;
        assert_eq!(res.status(), 401);
        assert!(
            app.count("SELECT COALESCE(MAX(LENGTH(ip)), 0) FROM audit_events")
                .await
                <= 64
        );
        assert!(
            app.count(
                "SELECT COALESCE(MAX(LENGTH(key)), 0) FROM sign_in_throttle WHERE key LIKE 'ip:%'"
            )
            .await
                <= 3 + 64
        );
        app.stop().await;
    }
);

app_test!(
    a_role_with_only_custom_permissions_opens_no_console,
    |app: TestApp| async move {
        // A custom role whose only permission is a string for the customer's own app.
        app.exec(
            "INSERT INTO roles (project_id, name, description, builtin, created_at) \
             SELECT id, 'billing', '', 0, 0 FROM projects WHERE slug = 'default'",
        )
        .await;
        app.exec(
            "INSERT INTO role_permissions (role_id, permission) \
             SELECT id, 'billing:view' FROM roles WHERE name = 'billing'",
        )
        .await;
        app.user("billing@roster.test", "default", "billing").await;
        let c = app.signed_in("billing@roster.test").await;
        let res = c.get(app.url("/p/default/users")).send().await.unwrap();
        assert_eq!(res.status(), 403, "the page guard");
        let res = c.get(app.url("/users")).send().await.unwrap();
        assert_eq!(res.headers()["location"], "/account", "the short paths");
        assert_eq!(
            app.viewer(&c).await["projects"],
            serde_json::json!([]),
            "the picker"
        );
        app
    }
);

backend_test!(
    simultaneous_guesses_never_verify_more_than_the_limit,
    |backend| async move {
        let app = TestApp::spawn_with(backend, |a| {
            a.throttle.account_lock_after = 3;
            a.throttle.ip_lock_after = 10_000;
            a.throttle.base_delay = Duration::from_millis(1);
        })
        .await;
        // 50 wrong passwords for one account at once, as separate browsers.
        let mut burst = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let c = app.client();
            let url = app.url("/api/sign_in");
            let origin = format!("http://{}", app.addr);
            burst.spawn(async move {
                c.post(url)
                    .header("origin", origin)
                    .header("sec-fetch-site", "same-origin")
                    .form(&[("email", ADMIN_EMAIL), ("password", "wrong password!")])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            });
        }
        let mut statuses = Vec::new();
        while let Some(s) = burst.join_next().await {
            statuses.push(s.unwrap());
        }
        assert!(
            statuses.iter().all(|s| *s == 401 || *s == 429),
            "{statuses:?}"
        );
        // Each verified guess is audited as bad credentials; the others were refused unverified.
        let verified = app
            .count(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'auth.sign_in_failed' \
                 AND details LIKE '%bad_credentials%'",
            )
            .await;
        assert!((1..=3).contains(&verified), "verified {verified} of 50");
        // The right password after the limit is refused too.
        let c = app.client();
        assert_eq!(app.sign_in(&c, ADMIN_EMAIL, PASSWORD).await.status(), 429);
        app.stop().await;
    }
);

backend_test!(
    attempts_refused_while_locked_are_counted_not_logged_one_by_one,
    |backend| async move {
        let app = TestApp::spawn_with(backend, |a| {
            a.throttle.account_lock_after = 3;
            a.throttle.base_delay = Duration::from_millis(1);
        })
        .await;
        let c = app.client();
        for _ in 0..20 {
            app.sign_in(&c, ADMIN_EMAIL, "wrong password!").await;
        }
        let events = |reason: &str| {
            format!(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'auth.sign_in_failed' \
                 AND details LIKE '%{reason}%'"
            )
        };
        assert_eq!(app.count(&events("bad_credentials")).await, 3);
        assert_eq!(app.count(&events("locked")).await, 1, "one event per lock");
        let counted = app
            .count(&format!(
                "SELECT failures FROM sign_in_throttle WHERE key = 'email:{ADMIN_EMAIL}'"
            ))
            .await;
        assert_eq!(counted, 20, "every attempt is counted on the throttle row");
        app.stop().await;
    }
);

// Throttle rows whose window has passed and that hold no lock are pruned; the rest stay.
app_test!(stale_throttle_rows_are_pruned, |app: TestApp| async move {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let hour = 3_600_000;
    for (key, first_at, locked_until) in [
        ("ip:192.0.2.1", now - 2 * hour, None),
        ("ip:192.0.2.2", now - 2 * hour, Some(now - hour)),
        ("ip:192.0.2.3", now - 2 * hour, Some(now + hour)),
        ("ip:192.0.2.4", now - 60_000, None),
    ] {
        sqlx::query(
            "INSERT INTO sign_in_throttle (key, failures, first_at, last_at, locked_until) \
             VALUES ($1, 5, $2, $2, $3)",
        )
        .bind(key)
        .bind(first_at)
        .bind(locked_until)
        .execute(app.db().pool())
        .await
        .unwrap();
    }
    let gone = app::server::throttle::prune_throttle(app.db(), &app.state.auth.throttle)
        .await
        .unwrap();
    assert_eq!(gone, 2);
    let left: Vec<String> = sqlx::query_scalar("SELECT key FROM sign_in_throttle ORDER BY key")
        .fetch_all(app.db().pool())
        .await
        .unwrap();
    assert_eq!(
        left,
        ["ip:192.0.2.3", "ip:192.0.2.4"],
        "a lock and a fresh count stay"
    );
    app
});
