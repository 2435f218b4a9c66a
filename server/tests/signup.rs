//! Sign-up over HTTP: off by default (a clear refusal), on per project; the account waits for
//! its verification link (24 hours, single use) and then signs the person in; the same answer
//! for known and unknown addresses (the known one gets a notice mail); consent to the
//! project's terms, kept and shown; throttled per client; an admin's verification link.
mod common;
use common::*;
use reqwest::Client;
use serde_json::{json, Value};
use std::time::Duration;

const STRONG: &str = "violet kettle under the stairs";

async fn open_signups(app: &TestApp, terms: Option<&str>) {
    app::server::signup::configure(
        app.db(),
        "default",
        Some(true),
        terms,
        terms.map(|_| ""),
        None,
    )
    .await
    .unwrap();
}

async fn sign_up(app: &TestApp, c: &Client, email: &str, agree: bool) -> reqwest::Response {
    let mut form = vec![
        ("project", "default"),
        ("email", email),
        ("first_name", "Sam"),
        ("last_name", "Signer"),
        ("password", STRONG),
        ("confirm", STRONG),
    ];
    if agree {
        form.push(("agree", "on"));
    }
    app.call(c, "sign_up", &form).await
}

/// The newest mail to `to` whose body contains `needle`, waiting for the work that runs after
/// the answer.
async fn mail_to(app: &TestApp, to: &str, needle: &str) -> String {
    for _ in 0..200 {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT body FROM outbox WHERE to_email = $1 AND body LIKE $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(to)
        .bind(format!("%{needle}%"))
        .fetch_optional(app.db().pool())
        .await
        .unwrap();
        if let Some(b) = body {
            return b;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no mail to {to} with {needle}");
}

fn token_after(body: &str, marker: &str) -> String {
    let at = body.find(marker).expect("a link") + marker.len();
    body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn verify(app: &TestApp, c: &Client, token: &str) -> reqwest::Response {
    app.call(c, "verify_email", &[("token", token)]).await
}

app_test!(
    a_project_that_does_not_allow_it_refuses_sign_ups_clearly,
    |app: TestApp| async move {
        let res = sign_up(&app, &app.client(), "sam@acme.test", false).await;
        assert_eq!(res.status(), 409);
        assert_eq!(
            error_message(res).await,
            "This project does not accept sign-ups."
        );
        // An unknown project answers exactly the same.
        let res = app
            .call(
                &app.client(),
                "sign_up",
                &[
                    ("project", "nope"),
                    ("email", "sam@acme.test"),
                    ("first_name", "S"),
                    ("last_name", "S"),
                    ("password", STRONG),
                    ("confirm", STRONG),
                ],
            )
            .await;
        assert_eq!(
            error_message(res).await,
            "This project does not accept sign-ups."
        );
        let html = app
            .client()
            .get(app.url("/p/default/signup"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("This project does not accept sign-ups"));
        assert!(
            !html.contains("Default project"),
            "nothing about the project"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM users WHERE email = 'sam@acme.test'")
                .await,
            0
        );
        app
    }
);

app_test!(
    signing_up_waits_for_the_verification_link_which_signs_the_person_in,
    |app: TestApp| async move {
        open_signups(&app, None).await;
        let html = app
            .client()
            .get(app.url("/p/default/signup"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Join Default project") && html.contains("Confirm password"));
        assert!(
            !html.contains("I agree to the terms"),
            "no legal links, no consent box"
        );

        let browser = app.client();
        // Bad input is refused under its field, before anything is made.
        let res = app
            .call(
                &browser,
                "sign_up",
                &[
                    ("project", "default"),
                    ("email", "sam@acme.test"),
                    ("first_name", "Sam"),
                    ("last_name", "Signer"),
                    ("password", "password123"),
                    ("confirm", "password123"),
                ],
            )
            .await;
        assert_eq!(error_field(res).await.as_deref(), Some("password"));
        let res = app
            .call(
                &browser,
                "sign_up",
                &[
                    ("project", "default"),
                    ("email", "not-an-email"),
                    ("first_name", "Sam"),
                    ("last_name", "Signer"),
                    ("password", STRONG),
                    ("confirm", STRONG),
                ],
            )
            .await;
        assert_eq!(error_field(res).await.as_deref(), Some("email"));

        let res = sign_up(&app, &browser, "Sam@Acme.test", false).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let body = mail_to(&app, "sam@acme.test", "/verify-email?token=").await;
        assert!(body.contains("Default project"));
        let sam: i64 = app
            .count("SELECT id FROM users WHERE email = 'sam@acme.test'")
            .await;
        // Not active yet: cannot sign in, grants nothing, listed as invited.
        let res = app.sign_in(&app.client(), "sam@acme.test", STRONG).await;
        assert_eq!(res.status(), 422);
        assert!(error_message(res).await.contains("not active yet"));
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM memberships WHERE user_id = {sam} AND status = 'invited'"
            ))
            .await,
            1
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'user.signed_up'")
                .await,
            1
        );

        let token = token_after(&body, "/verify-email?token=");
        // The page asks for a click; opening it changes nothing.
        let res = app
            .client()
            .get(app.url(&format!("/verify-email?token={token}")))
            .send()
            .await
            .unwrap();
        assert!(res.text().await.unwrap().contains("Verify email"));
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM users WHERE id = {sam} AND status = 'active'"
            ))
            .await,
            0
        );

        let res = verify(&app, &browser, &token).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert!(session_cookie(&res).is_some());
        assert_eq!(res.json::<String>().await.unwrap(), "/account");
        assert_eq!(app.viewer(&browser).await["email"], "sam@acme.test");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM users WHERE id = {sam} AND status = 'active' AND email_verified_at IS NOT NULL"
            ))
            .await,
            1
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM memberships WHERE user_id = {sam} AND status = 'active'"
            ))
            .await,
            1
        );
        // Single use.
        let res = verify(&app, &app.client(), &token).await;
        assert_eq!(res.status(), 422);
        assert_eq!(
            app.sign_in(&app.client(), "sam@acme.test", STRONG)
                .await
                .status(),
            200
        );
        app
    }
);

app_test!(
    a_known_address_gets_the_same_answer_and_a_notice_instead,
    |app: TestApp| async move {
        open_signups(&app, None).await;
        let tom = app.user("tom@other.test", "other", "admin").await;
        let known = sign_up(&app, &app.client(), "tom@other.test", false).await;
        let unknown = sign_up(&app, &app.client(), "new@acme.test", false).await;
        assert_eq!(known.status(), unknown.status());
        assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
        let notice = mail_to(&app, "tom@other.test", "/forgot-password").await;
        assert!(notice.contains("already has an account"), "{notice}");
        mail_to(&app, "new@acme.test", "/verify-email?token=").await;
        // Nothing about the known account changed: no new membership, same password.
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM memberships WHERE user_id = {tom}"
            ))
            .await,
            1
        );
        assert_eq!(
            app.sign_in(&app.client(), "tom@other.test", PASSWORD)
                .await
                .status(),
            200
        );
        app
    }
);

app_test!(
    legal_links_need_consent_which_is_kept_and_shown,
    |app: TestApp| async move {
        open_signups(&app, Some("https://acme.test/terms")).await;
        let html = app
            .client()
            .get(app.url("/p/default/signup"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("I agree to the terms") && html.contains("https://acme.test/terms"));
        let res = sign_up(&app, &app.client(), "sam@acme.test", false).await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("agree"));
        let res = sign_up(&app, &app.client(), "sam@acme.test", true).await;
        assert_eq!(res.status(), 200);
        let body = mail_to(&app, "sam@acme.test", "/verify-email?token=").await;
        let (terms, ip): (String, String) = sqlx::query_as("SELECT terms_url, ip FROM consents")
            .fetch_one(app.db().pool())
            .await
            .unwrap();
        assert_eq!(terms, "https://acme.test/terms");
        assert_eq!(ip, "127.0.0.1");
        let res = verify(
            &app,
            &app.client(),
            &token_after(&body, "/verify-email?token="),
        )
        .await;
        assert_eq!(res.status(), 200);

        // The admin sees it on the detail page, with the verification.
        let sam: i64 = app
            .count("SELECT id FROM users WHERE email = 'sam@acme.test'")
            .await;
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let (_, detail) = app
            .get_json(&admin, &format!("/api/user?project=default&id={sam}"))
            .await;
        assert_eq!(
            detail["consents"][0]["terms_url"],
            "https://acme.test/terms"
        );
        assert!(detail["email_verified_at"].is_i64());

        // Accepting an invitation to that project needs the consent too.
        let res = app
            .call_json(
                &admin,
                "invite_user",
                &json!({"project": "default", "form": {
                "email": "ivy@acme.test", "role": "end_user", "groups": []}}),
            )
            .await;
        let url: Value = res.json().await.unwrap();
        let token = token_after(url["url"].as_str().unwrap(), "/invitation?token=");
        let accept = |agree: bool| {
            let mut form = vec![
                ("token", token.as_str()),
                ("first_name", "Ivy"),
                ("last_name", "Vine"),
                ("password", STRONG),
                ("confirm", STRONG),
            ];
            if agree {
                form.push(("agree", "on"));
            }
            form.into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        let c = app.client();
        let send = |form: Vec<(String, String)>| {
            let c = c.clone();
            let app = &app;
            async move {
                let refs: Vec<(&str, &str)> =
                    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                app.call(&c, "accept_invitation", &refs).await
            }
        };
        let res = send(accept(false)).await;
        assert_eq!(error_field(res).await.as_deref(), Some("agree"));
        assert_eq!(send(accept(true)).await.status(), 200);
        assert_eq!(app.count("SELECT COUNT(*) FROM consents").await, 2);
        app
    }
);

app_test!(
    sign_ups_are_throttled_per_client_address,
    |app: TestApp| async move {
        open_signups(&app, None).await;
        for i in 0..app::server::signup::SIGNUPS_PER_IP {
            let res = sign_up(&app, &app.client(), &format!("p{i}@acme.test"), false).await;
            assert_eq!(res.status(), 200);
        }
        let res = sign_up(&app, &app.client(), "one-more@acme.test", false).await;
        assert_eq!(res.status(), 429);
        app
    }
);

app_test!(
    an_admin_sends_a_verification_link_that_verifies_without_signing_in,
    |app: TestApp| async move {
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        app.user("dev@acme.test", "default", "developer").await;
        let dev = app.signed_in("dev@acme.test").await;
        let call = json!({"project": "default", "id": tom});
        assert_eq!(
            app.call_json(&dev, "send_verification", &call)
                .await
                .status(),
            403
        );
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let (_, detail) = app
            .get_json(&admin, &format!("/api/user?project=default&id={tom}"))
            .await;
        assert_eq!(detail["email_verified_at"], Value::Null);
        let res = app.call_json(&admin, "send_verification", &call).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<String>().await.unwrap(), "tom@acme.test");
        let body = mail_to(&app, "tom@acme.test", "/verify-email?token=").await;
        let token = token_after(&body, "/verify-email?token=");
        // Expired after 24 hours.
        app.state.auth.clock.advance(Duration::from_secs(25 * 3600));
        assert_eq!(verify(&app, &app.client(), &token).await.status(), 422);
        assert_eq!(
            app.call_json(&admin, "send_verification", &call)
                .await
                .status(),
            200
        );
        let body = mail_to(&app, "tom@acme.test", "/verify-email?token=").await;
        let fresh = token_after(&body, "/verify-email?token=");
        assert_ne!(fresh, token);
        let browser = app.client();
        let res = verify(&app, &browser, &fresh).await;
        assert_eq!(res.status(), 200);
        assert!(
            session_cookie(&res).is_none(),
            "a verification alone signs nobody in"
        );
        assert_eq!(res.json::<String>().await.unwrap(), "/verify-email?done=1");
        let (_, detail) = app
            .get_json(&admin, &format!("/api/user?project=default&id={tom}"))
            .await;
        assert!(detail["email_verified_at"].is_i64());
        app
    }
);
