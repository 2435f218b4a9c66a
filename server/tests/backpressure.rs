//! Back-pressure on password hashing: the argon2 queue has a bound and a wait limit, so a flood
//! of sign-ins gets quick 503s with `Retry-After` instead of an ever-longer queue, and the
//! attempts turned away are not counted against the account.
mod common;
use common::*;
use std::time::{Duration, Instant};

backend_test!(
    a_sign_in_flood_is_turned_away_quickly_and_not_counted,
    |backend| async move {
        // One hash at a time, two waiting at most, for 300 ms at most: a small server.
        let pw = app::server::password::PasswordConfig {
            memory_kib: 8 * 1024,
            iterations: 3,
            parallelism: 1,
            max_concurrent: 1,
            max_waiting: 2,
            max_wait: Duration::from_millis(300),
        };
        let app = TestApp::spawn_custom(backend, |_| {}, pw).await;
        let mut calls = Vec::new();
        // Fewer than the account's lock limit, so only hashing limits what happens.
        for _ in 0..9 {
            let (app_url, addr) = (app.url("/api/sign_in"), app.addr);
            calls.push(tokio::spawn(async move {
                let sent = Instant::now();
                let res = reqwest::Client::new()
                    .post(app_url)
                    .header("origin", format!("http://{addr}"))
                    .header("sec-fetch-site", "same-origin")
                    .form(&[("email", ADMIN_EMAIL), ("password", "not the password")])
                    .send()
                    .await
                    .unwrap();
                let retry = res
                    .headers()
                    .get("retry-after")
                    .map(|v| v.to_str().unwrap().to_string());
                (res.status().as_u16(), retry, sent.elapsed())
            }));
        }
        let mut answers = Vec::new();
        for c in calls {
            answers.push(c.await.unwrap());
        }
        let busy: Vec<_> = answers.iter().filter(|(s, ..)| *s == 503).collect();
        let verified = answers.iter().filter(|(s, ..)| *s == 401).count();
        assert!(!busy.is_empty(), "{answers:?}");
        assert!(verified >= 1, "{answers:?}");
        assert!(
            answers.iter().all(|(s, ..)| matches!(s, 401 | 503)),
            "{answers:?}"
        );
        assert!(
            busy.iter().all(|(_, r, _)| r.as_deref() == Some("5")),
            "{busy:?}"
        );
        // Turned away at once or after the 300 ms wait, never after a long queue. (Verified
        // failures answer later: wrong passwords are slowed down on purpose.)
        assert!(
            busy.iter().all(|(.., took)| *took < Duration::from_secs(2)),
            "{busy:?}"
        );
        // Turned-away attempts were never checked, so they do not count as failures.
        let counted: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(failures), 0) FROM sign_in_throttle WHERE key = $1",
        )
        .bind(format!("email:{ADMIN_EMAIL}"))
        .fetch_one(app.db().pool())
        .await
        .unwrap();
        assert_eq!(
            counted, verified as i64,
            "{counted} failures counted for {verified} verified: {answers:?}"
        );
        // Once the flood is over, the right password works at once.
        let c = app.client();
        let res = app.sign_in(&c, ADMIN_EMAIL, PASSWORD).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        app.stop().await;
    }
);
