//! Two-factor authentication over HTTP: setup (wrong code refused, recovery codes once), the
//! second sign-in step (nothing open before it, replay refused, one step of skew, recovery
//! codes single use, wrong codes locked like passwords, a challenge that expires and dies
//! after five tries), turning it off and new recovery codes (a code or the password), and an
//! admin's reset for a lost phone.
mod common;
use common::*;
use reqwest::Client;
use serde_json::{json, Value};
use std::time::Duration;
use totp_rs::{Algorithm, Secret, TOTP};

/// The app's current code for the grouped base32 secret the dialog showed, at `offset` steps.
fn code(app: &TestApp, secret: &str, offset: i64) -> String {
    let bytes = Secret::Encoded(secret.replace(' ', "")).to_bytes().unwrap();
    let t = TOTP::new_unchecked(Algorithm::SHA1, 6, 1, 30, bytes, None, String::new());
    let now = app.state.auth.clock.now_ms() / 1000;
    t.generate((now + offset * 30) as u64)
}

/// Turns two-factor on for a signed-in client; answers (secret, recovery codes).
async fn enable(app: &TestApp, c: &Client) -> (String, Vec<String>) {
    let res = app.call_json(c, "begin_two_factor", &json!({})).await;
    assert_eq!(res.status(), 200);
    let setup: Value = res.json().await.unwrap();
    let secret = setup["secret"].as_str().unwrap().to_string();
    assert!(setup["qr_png_base64"].as_str().unwrap().len() > 100);
    let res = app
        .call_json(
            c,
            "complete_two_factor",
            &json!({"code": code(app, &secret, 0)}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    (secret, res.json().await.unwrap())
}

/// Password step; answers the client holding the challenge cookie.
async fn password_step(app: &TestApp, email: &str) -> Client {
    let c = app.client();
    let res = app.sign_in(&c, email, PASSWORD).await;
    assert_eq!(res.status(), 200);
    assert!(
        session_cookie(&res).is_none(),
        "no session before the second step"
    );
    assert_eq!(res.json::<String>().await.unwrap(), "/login?step=code");
    c
}

async fn second_step(app: &TestApp, c: &Client, code: &str) -> reqwest::Response {
    app.call(c, "verify_sign_in_code", &[("code", code)]).await
}

app_test!(
    setup_needs_a_right_code_and_shows_recovery_codes_once,
    |app: TestApp| async move {
        app.user("tom@acme.test", "default", "end_user").await;
        let c = app.signed_in("tom@acme.test").await;
        let res = app.call_json(&c, "begin_two_factor", &json!({})).await;
        let setup: Value = res.json().await.unwrap();
        let secret = setup["secret"].as_str().unwrap().to_string();
        assert_eq!(secret.replace(' ', "").len(), 32, "160 bits in base32");
        let res = app
            .call_json(&c, "complete_two_factor", &json!({"code": "000000"}))
            .await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("code"));
        let (_, status) = app.get_json(&c, "/api/two_factor_status").await;
        assert_eq!(status["enabled"], false);
        let res = app
            .call_json(
                &c,
                "complete_two_factor",
                &json!({"code": code(&app, &secret, 0)}),
            )
            .await;
        let codes: Vec<String> = res.json().await.unwrap();
        assert_eq!(codes.len(), 10);
        let (_, status) = app.get_json(&c, "/api/two_factor_status").await;
        assert_eq!(
            (
                status["enabled"].as_bool(),
                status["recovery_codes_left"].as_i64()
            ),
            (Some(true), Some(10))
        );
        // Only hashes are kept, and the secret is not shown again.
        for code in &codes {
            assert_eq!(
                app.count(&format!(
                    "SELECT COUNT(*) FROM recovery_codes WHERE code_hash = '{code}'"
                ))
                .await,
                0
            );
        }
        assert_eq!(
            app.call_json(&c, "begin_two_factor", &json!({}))
                .await
                .status(),
            409
        );
        app
    }
);

app_test!(
    signing_in_then_needs_a_code_that_works_once,
    |app: TestApp| async move {
        app.user("tom@acme.test", "default", "developer").await;
        let c = app.signed_in("tom@acme.test").await;
        let (secret, _) = enable(&app, &c).await;

        let half = password_step(&app, "tom@acme.test").await;
        // Half signed in: nothing else is open.
        assert_eq!(app.viewer(&half).await, Value::Null);
        let (status, _) = app.get_json(&half, "/api/my_sessions").await;
        assert_eq!(status, 401);
        let res = half.get(app.url("/p/default/users")).send().await.unwrap();
        assert_eq!(res.status(), 303);

        // The code of the setup's step was used: a replay is refused. The next step's works.
        let used = code(&app, &secret, 0);
        let res = second_step(&app, &half, &used).await;
        assert_eq!(res.status(), 422);
        let res = second_step(&app, &half, &code(&app, &secret, 1)).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert!(session_cookie(&res).is_some());
        assert_eq!(res.json::<String>().await.unwrap(), "/p/default/users");
        assert_eq!(app.viewer(&half).await["email"], "tom@acme.test");
        // The challenge is gone with its use.
        assert_eq!(
            second_step(&app, &half, &code(&app, &secret, 1))
                .await
                .status(),
            422
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM sign_in_challenges").await,
            0
        );

        // Two steps of skew are too many; a code of the last step again is a replay.
        let half = password_step(&app, "tom@acme.test").await;
        assert_eq!(
            second_step(&app, &half, &code(&app, &secret, 3))
                .await
                .status(),
            422
        );
        assert_eq!(
            second_step(&app, &half, &code(&app, &secret, 1))
                .await
                .status(),
            422
        );
        app.state.auth.clock.advance(Duration::from_secs(60));
        assert_eq!(
            second_step(&app, &half, &code(&app, &secret, 0))
                .await
                .status(),
            200
        );
        app
    }
);

app_test!(
    recovery_codes_work_once_and_challenges_expire_and_die,
    |app: TestApp| async move {
        app.user("tom@acme.test", "default", "end_user").await;
        let c = app.signed_in("tom@acme.test").await;
        let (_, codes) = enable(&app, &c).await;
        let half = password_step(&app, "tom@acme.test").await;
        let res = second_step(&app, &half, &codes[0].to_uppercase()).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let half = password_step(&app, "tom@acme.test").await;
        assert_eq!(
            second_step(&app, &half, &codes[0]).await.status(),
            422,
            "used up"
        );
        let (_, status) = app.get_json(&c, "/api/two_factor_status").await;
        assert_eq!(status["recovery_codes_left"], 9);

        // Five wrong tries and the challenge is dead, even for a right code.
        for _ in 0..5 {
            assert_eq!(second_step(&app, &half, "123456").await.status(), 422);
        }
        let res = second_step(&app, &half, &codes[1]).await;
        assert_eq!(res.status(), 422);
        assert!(error_message(res).await.contains("expired"));
        // A challenge lasts five minutes.
        let half = password_step(&app, "tom@acme.test").await;
        app.state.auth.clock.advance(Duration::from_secs(301));
        assert!(error_message(second_step(&app, &half, &codes[1]).await)
            .await
            .contains("expired"));
        // Without any challenge cookie: the same.
        assert_eq!(
            second_step(&app, &app.client(), &codes[1]).await.status(),
            422
        );
        app
    }
);

app_test!(
    wrong_codes_lock_the_account_like_wrong_passwords,
    |app: TestApp| async move {
        app.user("tom@acme.test", "default", "end_user").await;
        let c = app.signed_in("tom@acme.test").await;
        let (secret, _) = enable(&app, &c).await;
        let limit = app.state.auth.throttle.account_lock_after;
        let mut tries = 0;
        while tries < limit {
            let half = password_step(&app, "tom@acme.test").await;
            for _ in 0..4 {
                if tries == limit {
                    break;
                }
                assert_eq!(second_step(&app, &half, "123456").await.status(), 422);
                tries += 1;
            }
        }
        // Locked: a new browser's password step is refused like after wrong passwords; the
        // person's own browser (a known device) gets to the code step, but no code is taken.
        assert_eq!(
            app.sign_in(&app.client(), "tom@acme.test", PASSWORD)
                .await
                .status(),
            429
        );
        let res = app.sign_in(&c, "tom@acme.test", PASSWORD).await;
        assert_eq!(res.status(), 200);
        let res = second_step(&app, &c, &code(&app, &secret, 1)).await;
        assert_eq!(res.status(), 429, "locked, even with the right code");
        app
    }
);

app_test!(
    turning_it_off_or_new_codes_need_a_code_or_the_password_and_admins_can_reset_it,
    |app: TestApp| async move {
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let c = app.signed_in("tom@acme.test").await;
        let (secret, old) = enable(&app, &c).await;
        let res = app
            .call_json(
                &c,
                "regenerate_recovery_codes",
                &json!({"proof": "nope nope"}),
            )
            .await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("proof"));
        let res = app
            .call_json(&c, "regenerate_recovery_codes", &json!({"proof": PASSWORD}))
            .await;
        assert_eq!(res.status(), 200);
        let new: Vec<String> = res.json().await.unwrap();
        assert!(new.iter().all(|n| !old.contains(n)));
        let half = password_step(&app, "tom@acme.test").await;
        assert_eq!(
            second_step(&app, &half, &old[0]).await.status(),
            422,
            "old codes are dead"
        );
        let res = app
            .call_json(
                &c,
                "disable_two_factor",
                &json!({"proof": code(&app, &secret, 1)}),
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let res = app.sign_in(&app.client(), "tom@acme.test", PASSWORD).await;
        assert!(session_cookie(&res).is_some(), "the password alone again");

        // An admin resets it for a lost phone (users:update), audited; a developer cannot.
        enable(&app, &c).await;
        app.user("dev@acme.test", "default", "developer").await;
        let dev = app.signed_in("dev@acme.test").await;
        let call = json!({"project": "default", "id": tom});
        assert_eq!(
            app.call_json(&dev, "reset_two_factor", &call)
                .await
                .status(),
            403
        );
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let (_, detail) = app
            .get_json(&admin, &format!("/api/user?project=default&id={tom}"))
            .await;
        assert_eq!(detail["two_factor"], true);
        let res = app.call_json(&admin, "reset_two_factor", &call).await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            app.call_json(&admin, "reset_two_factor", &call)
                .await
                .status(),
            409
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'user.two_factor_reset'")
                .await,
            1
        );
        let res = app.sign_in(&app.client(), "tom@acme.test", PASSWORD).await;
        assert!(session_cookie(&res).is_some());
        app
    }
);
