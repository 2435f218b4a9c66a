//! Behind a trusted proxy the client's address comes from the right end of X-Forwarded-For:
//! what a client writes on the left cannot pick the address that is throttled and audited.
mod common;
use common::*;

backend_test!(
    the_client_address_is_the_one_the_proxy_saw,
    |backend| async move {
        let app = TestApp::spawn_with(backend, |a| {
            a.trust_proxy = true;
            a.proxy_hops = 1;
        })
        .await;
        let c = app.client();
        // A client pretending to be 6.6.6.6, reaching the proxy from 203.0.113.9.
        let res = app
            .sign_in_with_header(
                &c,
                ("x-forwarded-for", "6.6.6.6, 203.0.113.9"),
                ADMIN_EMAIL,
                "not the password",
            )
            .await;
        assert_eq!(res.status(), 401);
        let ip: String =
            sqlx::query_scalar("SELECT ip FROM audit_events WHERE action = 'auth.sign_in_failed'")
                .fetch_one(app.db().pool())
                .await
                .unwrap();
        assert_eq!(ip, "203.0.113.9");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM sign_in_throttle WHERE key = 'ip:203.0.113.9'")
                .await,
            1
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM sign_in_throttle WHERE key LIKE 'ip:6.6.6.6%'")
                .await,
            0
        );
        // Garbage in the header falls back to the proxy's own address.
        let res = app
            .sign_in_with_header(
                &c,
                ("x-forwarded-for", "<script>"),
                ADMIN_EMAIL,
                "nope nope",
            )
            .await;
        assert_eq!(res.status(), 401);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_events WHERE ip = '127.0.0.1'")
                .await,
            1
        );
        app.stop().await;
    }
);
