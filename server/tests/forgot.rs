//! "Forgot password?": a reset link by mail for an account's own address, with the same answer
//! (status and body) whether or not the address has an account, throttled per address and per
//! client, single use, one hour; the reset signs every session out and sends a notice.
mod common;
use common::*;
use std::time::Duration;

async fn ask(app: &TestApp, email: &str) -> (u16, String) {
    let res = app
        .call(&app.client(), "request_password_reset", &[("email", email)])
        .await;
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Waits for the mail the request queues after answering.
async fn reset_mails(app: &TestApp, email: &str, want: i64) -> i64 {
    let sql = format!(
        "SELECT COUNT(*) FROM outbox WHERE to_email = '{email}' AND subject = 'Reset your Roster password'"
    );
    for _ in 0..100 {
        let n = app.count(&sql).await;
        if n >= want {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.count(&sql).await
}

app_test!(
    a_forgotten_password_is_reset_through_the_mailed_link,
    |app: TestApp| async move {
        app.user("tom@acme.test", "default", "end_user").await;
        let toms_browser = app.signed_in("tom@acme.test").await;

        let known = ask(&app, "Tom@Acme.test").await;
        let unknown = ask(&app, "nobody@acme.test").await;
        assert_eq!(known.0, 200);
        assert_eq!(
            known, unknown,
            "the same answer for an account and for no account"
        );
        assert_eq!(reset_mails(&app, "tom@acme.test", 1).await, 1);
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(
            app.count("SELECT COUNT(*) FROM outbox WHERE to_email = 'nobody@acme.test'")
                .await,
            0
        );
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'auth.password_reset_requested'"
            )
            .await,
            1
        );

        let body: String =
            sqlx::query_scalar("SELECT body FROM outbox WHERE to_email = 'tom@acme.test'")
                .fetch_one(app.db().pool())
                .await
                .unwrap();
        assert!(body.contains("hopefully you"), "{body}");
        let token = app.reset_token("tom@acme.test").await;
        let pw = "my new remembered passphrase";
        let form = [("token", token.as_str()), ("password", pw), ("confirm", pw)];
        let res = app.call(&app.client(), "reset_password", &form).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        // Single use; every session ended; a notice went to the account's address.
        let res = app.call(&app.client(), "reset_password", &form).await;
        assert_ne!(res.status(), 200);
        assert!(app.viewer(&toms_browser).await.is_null());
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM outbox WHERE to_email = 'tom@acme.test' \
                 AND subject = 'Your Roster password was changed'"
            )
            .await,
            1
        );
        assert_eq!(
            app.sign_in(&app.client(), "tom@acme.test", pw)
                .await
                .status(),
            200
        );
        app
    }
);

app_test!(
    reset_requests_are_throttled_without_saying_so,
    |app: TestApp| async move {
        app.user("tom@acme.test", "default", "end_user").await;
        let first = ask(&app, "tom@acme.test").await;
        for _ in 0..5 {
            assert_eq!(ask(&app, "tom@acme.test").await, first);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            reset_mails(&app, "tom@acme.test", 3).await,
            3,
            "three mails an hour at most"
        );
        // Malformed input is refused as input, whoever asks.
        let (status, _) = ask(&app, "not an address").await;
        assert_eq!(status, 422);
        app
    }
);

// The one password policy holds on a reset: a common password or the email is refused with
// what is wrong, and the link still works for a good one.
app_test!(
    a_reset_refuses_a_common_password_or_the_email,
    |app: TestApp| async move {
        app.user("tom@acme.test", "default", "end_user").await;
        let _ = ask(&app, "tom@acme.test").await;
        assert_eq!(reset_mails(&app, "tom@acme.test", 1).await, 1);
        let token = app.reset_token("tom@acme.test").await;
        for (bad, says) in [
            ("password123", "too common"),
            ("1234567890", "too common"),
            ("tom@acme.test", "email"),
            ("short", "at least 10"),
        ] {
            let form = [
                ("token", token.as_str()),
                ("password", bad),
                ("confirm", bad),
            ];
            let res = app.call(&app.client(), "reset_password", &form).await;
            assert_eq!(res.status(), 422, "{bad}");
            let msg = error_message(res).await;
            assert!(msg.contains(says), "{bad}: {msg}");
        }
        let good = "seven quiet lanterns drifting";
        let form = [
            ("token", token.as_str()),
            ("password", good),
            ("confirm", good),
        ];
        assert_eq!(
            app.call(&app.client(), "reset_password", &form)
                .await
                .status(),
            200
        );
        app
    }
);

// Mail speaks its recipient's language (the one on their account) and names the project.
app_test!(
    mail_is_written_in_the_recipients_language,
    |app: TestApp| async move {
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let ada = app.user("ada@acme.test", "default", "end_user").await;
        app.exec("UPDATE users SET language = 'fr' WHERE email = 'tom@acme.test'")
            .await;
        let admin = app.signed_in(ADMIN_EMAIL).await;
        for id in [tom, ada] {
            let res = app
                .call_json(
                    &admin,
                    "send_password_reset",
                    &serde_json::json!({"project": "default", "id": id}),
                )
                .await;
            assert_eq!(res.status(), 200);
        }
        let mail = |to: &'static str| {
            let db = app.db().clone();
            async move {
                sqlx::query_as::<_, (String, String)>(
                    "SELECT subject, body FROM outbox WHERE to_email = $1",
                )
                .bind(to)
                .fetch_one(db.pool())
                .await
                .unwrap()
            }
        };
        let (subject, body) = mail("tom@acme.test").await;
        assert_eq!(subject, "Réinitialisez votre mot de passe Roster");
        assert!(body.contains("du projet « Default project »"), "{body}");
        let (subject, body) = mail("ada@acme.test").await;
        assert_eq!(subject, "Reset your Roster password");
        assert!(body.contains("the project “Default project”"), "{body}");
        app
    }
);
