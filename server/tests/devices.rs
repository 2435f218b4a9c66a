//! Per-address locks must not lock out every honest person behind one NAT: a browser that has
//! signed in to an account before (its device cookie) counts its attempts against itself, so
//! an attacker's guesses from the same address lock the account and the address for everyone
//! else, but not for the account's owner on their own browser.
mod common;
use common::*;
use std::time::Duration;

backend_test!(
    a_known_browser_signs_in_through_a_lock_others_caused,
    |backend| async move {
        let app = TestApp::spawn_with(backend, |a| {
            a.throttle.account_lock_after = 3;
            a.throttle.ip_lock_after = 5;
            a.throttle.base_delay = Duration::from_millis(1);
        })
        .await;
        app.user("tom@acme.test", "default", "end_user").await;
        app.user("ada@acme.test", "default", "end_user").await;

        // Tom's own browser has signed in before: it holds a device cookie.
        let toms_browser = app.client();
        let res = app.sign_in(&toms_browser, "tom@acme.test", PASSWORD).await;
        assert_eq!(res.status(), 200);
        let cookies: Vec<&str> = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert!(
            cookies
                .iter()
                .any(|c| c.starts_with("roster_device=") && c.contains("HttpOnly")),
            "{cookies:?}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM trusted_devices").await,
            1,
            "stored (hashed)"
        );

        // Someone behind the same address guesses Tom's password, then Ada's.
        let attacker = app.client();
        for _ in 0..3 {
            app.sign_in(&attacker, "tom@acme.test", "guess guess guess")
                .await;
        }
        for _ in 0..2 {
            app.sign_in(&attacker, "ada@acme.test", "guess guess guess")
                .await;
        }
        let res = app.sign_in(&attacker, "tom@acme.test", PASSWORD).await;
        assert_eq!(res.status(), 429, "the account is locked for the attacker");
        // Ada has no device cookie here: the address lock holds her too.
        let res = app.sign_in(&app.client(), "ada@acme.test", PASSWORD).await;
        assert_eq!(res.status(), 429, "the address is locked");

        // Tom, on his own browser, is not locked out by either.
        let res = app.sign_in(&toms_browser, "tom@acme.test", PASSWORD).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        // His device vouches for Tom only: signing in as Ada from it meets the address lock.
        let res = app.sign_in(&toms_browser, "ada@acme.test", PASSWORD).await;
        assert_eq!(res.status(), 429);

        // The device's own failures lock the device.
        for _ in 0..3 {
            let res = app
                .sign_in(&toms_browser, "tom@acme.test", "wrong wrong wrong")
                .await;
            assert_ne!(res.status(), 200);
        }
        let res = app.sign_in(&toms_browser, "tom@acme.test", PASSWORD).await;
        assert_eq!(res.status(), 429);
        app.stop().await;
    }
);

app_test!(
    a_sign_in_from_a_new_kind_of_browser_is_mailed_over_smtp,
    |app: TestApp| async move {
        use app::server::mail::{deliver_due, Mailer};
        let smtp = common::smtp::SmtpServer::start().await;
        app.user("tom@acme.test", "default", "end_user").await;
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
        let new_sign_ins = || {
            app.count(
                "SELECT COUNT(*) FROM outbox WHERE to_email = 'tom@acme.test' AND subject = 'New sign-in to your Roster account'",
            )
        };
        // The first sign-in ever is no news; the same browser again neither.
        app.signed_in("tom@acme.test").await;
        app.signed_in("tom@acme.test").await;
        assert_eq!(new_sign_ins().await, 0);
        let res = app
            .sign_in_with_header(
                &app.client(),
                ("user-agent", firefox),
                "tom@acme.test",
                PASSWORD,
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(new_sign_ins().await, 1);
        let mailer = Mailer::new(&smtp.url(), "Roster <roster@roster.test>").unwrap();
        deliver_due(app.db(), &mailer, 20).await.unwrap();
        let m = smtp
            .messages()
            .join("\n")
            .replace("=\r\n", "")
            .replace("=\n", "");
        assert!(
            m.contains("Subject: New sign-in to your Roster account"),
            "{m}"
        );
        assert!(m.contains("Firefox 120.0 on Linux (desktop)"), "{m}");
        assert!(m.contains("127.0.0.1"), "{m}");
        // Known now, and so after an update of the browser.
        let updated = firefox.replace("120.0", "121.0");
        app.sign_in_with_header(
            &app.client(),
            ("user-agent", &updated),
            "tom@acme.test",
            PASSWORD,
        )
        .await;
        app.sign_in_with_header(
            &app.client(),
            ("user-agent", firefox),
            "tom@acme.test",
            PASSWORD,
        )
        .await;
        assert_eq!(new_sign_ins().await, 1);
        app
    }
);
