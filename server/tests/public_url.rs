//! Links come from configuration, not from the request: mail links are built on
//! `ROSTER_PUBLIC_URL`, and requests for a host name Roster is not configured for are refused
//! (which also stops DNS rebinding: the attacker's name never matches).
mod common;
use common::*;
use serde_json::json;

backend_test!(
    links_use_the_public_url_and_other_hosts_are_refused,
    |backend| async move {
        // Reached internally by address, published as https://roster.example.
        let app = TestApp::spawn_with(backend, |a| {
            a.public_url = "https://roster.example".into();
            a.allowed_hosts.push("roster.example".into());
        })
        .await;

        let c = app.client();
        for host in ["evil.example", "roster.example.evil.example", "127.0.0.2"] {
            let res = c
                .get(app.url("/login"))
                .header("host", host)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 421, "{host}");
            // Not even a sign-in is looked at.
            let res = c
                .post(app.url("/api/sign_in"))
                .header("host", host)
                .form(&[("email", ADMIN_EMAIL), ("password", PASSWORD)])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 421, "{host}");
            assert!(common::session_cookie(&res).is_none());
        }
        for host in ["roster.example", "ROSTER.example"] {
            let res = c
                .get(app.url("/login"))
                .header("host", host)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200, "{host}");
        }
        // Load balancers probe by address.
        let res = c
            .get(app.url("/healthz"))
            .header("host", "10.0.0.7:3000")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);

        // A reset link sent from a request to the internal address points at the public URL.
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let res = app
            .call_json(
                &admin,
                "send_password_reset",
                &json!({"project": "default", "id": tom}),
            )
            .await;
        assert_eq!(res.status(), 200);
        let body: String = sqlx::query_scalar("SELECT body FROM outbox")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
        assert!(
            body.contains("https://roster.example/reset-password?token="),
            "{body}"
        );
        assert!(!body.contains(&app.addr.to_string()), "{body}");
        app.stop().await;
    }
);
