//! `/account` over HTTP: the profile (names, language, theme) and its validation, the page in
//! the saved language and theme, changing the password (wrong current counted like a failed
//! sign-in, the policy, other sessions ended, a notice), the person's sessions and sign-ins.
mod common;
use common::*;
use serde_json::{json, Value};

const NEW: &str = "a lantern in the orchard";

app_test!(
    the_profile_saves_names_language_and_theme_which_the_server_renders,
    |app: TestApp| async move {
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let c = app.signed_in("tom@acme.test").await;
        let save = |first: &str, lang: &str, theme: &str| json!({"profile": {"first_name": first, "last_name": "Thumb", "language": lang, "theme": theme}});
        let res = app
            .call_json(&c, "update_profile", &save("Tom", "fr", "dark"))
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let me = app.viewer(&c).await;
        assert_eq!(
            (
                me["first_name"].as_str(),
                me["language"].as_str(),
                me["theme"].as_str()
            ),
            (Some("Tom"), Some("fr"), Some("dark"))
        );
        // Another browser gets the same, from the first byte of the page.
        let other = app.signed_in("tom@acme.test").await;
        let html = other
            .get(app.url("/account"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("<html lang=\"fr\" data-theme=\"dark\""),
            "{}",
            &html[..300]
        );
        assert!(html.contains("Mes sessions") && html.contains("Changer le mot de passe"));
        // Names are required and bounded; unknown languages are refused by the form's type.
        let res = app
            .call_json(&c, "update_profile", &save(" ", "en", "light"))
            .await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("first_name"));
        let res = app
            .call_json(&c, "update_profile", &save(&"x".repeat(101), "en", "light"))
            .await;
        assert_eq!(error_field(res).await.as_deref(), Some("first_name"));
        let res = app
            .call_json(&c, "update_profile", &save("Tom", "de", "light"))
            .await;
        assert!(res.status().is_client_error());
        assert_eq!(app.viewer(&c).await["language"], "fr", "nothing saved");
        // The users list shows the new name.
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM memberships WHERE user_id = {tom} AND name_key = 'tom thumb'"
            ))
            .await,
            1
        );
        // Signed out: refused.
        let res = app
            .call_json(&app.client(), "update_profile", &save("X", "en", "light"))
            .await;
        assert_eq!(res.status(), 401);
        app
    }
);

app_test!(
    changing_the_password_checks_the_current_one_and_ends_the_other_sessions,
    |app: TestApp| async move {
        app.user("tom@acme.test", "default", "end_user").await;
        let c = app.signed_in("tom@acme.test").await;
        let other = app.signed_in("tom@acme.test").await;
        let change = |current: &str, new: &str, confirm: &str| {
            vec![
                ("current", current.to_string()),
                ("new", new.to_string()),
                ("confirm", confirm.to_string()),
            ]
        };
        let post = |form: Vec<(&'static str, String)>| {
            let c = c.clone();
            let app = &app;
            async move {
                let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.call(&c, "change_password", &refs).await
            }
        };
        let res = post(change("wrong password!", NEW, NEW)).await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("current"));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.sign_in_failed'")
                .await,
            1,
            "counted like a failed sign-in"
        );
        let res = post(change(PASSWORD, NEW, "something else")).await;
        assert_eq!(error_field(res).await.as_deref(), Some("confirm"));
        let res = post(change(PASSWORD, "password123", "password123")).await;
        assert_eq!(error_field(res).await.as_deref(), Some("new"));
        let res = post(change(PASSWORD, "tom@acme.test", "tom@acme.test")).await;
        assert_eq!(error_field(res).await.as_deref(), Some("new"));

        let res = post(change(PASSWORD, NEW, NEW)).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert_eq!(
            app.viewer(&c).await["email"],
            "tom@acme.test",
            "this session stays"
        );
        assert_eq!(app.viewer(&other).await, Value::Null, "the other one ended");
        assert_eq!(
            app.sign_in(&app.client(), "tom@acme.test", PASSWORD)
                .await
                .status(),
            401
        );
        assert_eq!(
            app.sign_in(&app.client(), "tom@acme.test", NEW)
                .await
                .status(),
            200
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM outbox WHERE to_email = 'tom@acme.test' AND subject LIKE '%password was changed%'").await,
            1
        );
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'account.password_changed'"
            )
            .await,
            1
        );
        app
    }
);

app_test!(
    wrong_current_passwords_lock_like_sign_ins,
    |app: TestApp| async move {
        app.user("tom@acme.test", "default", "end_user").await;
        let c = app.signed_in("tom@acme.test").await;
        let limit = app.state.auth.throttle.account_lock_after;
        for _ in 0..limit {
            let res = app
                .call(
                    &c,
                    "change_password",
                    &[
                        ("current", "wrong password!"),
                        ("new", NEW),
                        ("confirm", NEW),
                    ],
                )
                .await;
            assert_eq!(res.status(), 422);
        }
        let res = app
            .call(
                &c,
                "change_password",
                &[("current", PASSWORD), ("new", NEW), ("confirm", NEW)],
            )
            .await;
        assert_eq!(res.status(), 429, "locked, even with the right one");
        app
    }
);

app_test!(
    people_see_and_end_their_own_sessions_and_sign_ins_only,
    |app: TestApp| async move {
        app.user("tom@acme.test", "default", "end_user").await;
        app.user("eve@acme.test", "default", "end_user").await;
        assert_eq!(
            app.sign_in(&app.client(), "tom@acme.test", "wrong password!")
                .await
                .status(),
            401
        );
        let c = app.signed_in("tom@acme.test").await;
        let other = app.signed_in("tom@acme.test").await;
        let eve = app.signed_in("eve@acme.test").await;
        let (status, list) = app.get_json(&c, "/api/my_sessions").await;
        assert_eq!(status, 200);
        let list = list.as_array().unwrap().clone();
        assert_eq!(list.len(), 2);
        assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
        let other_id = list.iter().find(|s| s["current"] == false).unwrap()["id"]
            .as_i64()
            .unwrap();

        // Someone else's session is not theirs to end.
        let res = app
            .call_json(&eve, "revoke_my_sessions", &json!({"session": other_id}))
            .await;
        assert_eq!(res.status(), 404);
        assert_ne!(app.viewer(&other).await, Value::Null);
        let res = app
            .call_json(&c, "revoke_my_sessions", &json!({"session": other_id}))
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(app.viewer(&other).await, Value::Null);
        // "Sign out all other sessions" keeps this one.
        let third = app.signed_in("tom@acme.test").await;
        let res = app
            .call_json(&c, "revoke_my_sessions", &json!({"session": null}))
            .await;
        assert_eq!(res.json::<u64>().await.unwrap(), 1);
        assert_eq!(app.viewer(&third).await, Value::Null);
        assert_eq!(app.viewer(&c).await["email"], "tom@acme.test");

        let (_, page) = app.get_json(&c, "/api/my_sign_ins?page=1").await;
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.iter().filter(|e| e["ok"] == false).count(), 1);
        assert_eq!(items.iter().filter(|e| e["ok"] == true).count(), 3);
        let (_, eves) = app.get_json(&eve, "/api/my_sign_ins?page=1").await;
        assert_eq!(eves["total"], 1);
        app
    }
);

/// The newest verification-link token mailed to `to`.
async fn link_to(app: &TestApp, to: &str) -> Option<String> {
    let body: Option<String> = sqlx::query_scalar(
        "SELECT body FROM outbox WHERE to_email = $1 AND body LIKE '%/verify-email?token=%' ORDER BY id DESC LIMIT 1",
    )
    .bind(to)
    .fetch_optional(app.db().pool())
    .await
    .unwrap();
    body.map(|b| {
        let at = b.find("/verify-email?token=").unwrap() + 20;
        b[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    })
}

app_test!(
    the_email_changes_only_when_the_new_address_confirms_it,
    |app: TestApp| async move {
        app.user("tom@acme.test", "default", "end_user").await;
        app.user("taken@acme.test", "default", "end_user").await;
        let c = app.signed_in("tom@acme.test").await;
        let ask = |to: &str, pw: &str| {
            let (to, pw) = (to.to_string(), pw.to_string());
            let c = c.clone();
            let app = &app;
            async move {
                app.call(
                    &c,
                    "request_email_change",
                    &[("new_email", to.as_str()), ("password", pw.as_str())],
                )
                .await
            }
        };
        let res = ask("not an email", PASSWORD).await;
        assert_eq!(error_field(res).await.as_deref(), Some("new_email"));
        let res = ask("tom2@acme.test", "wrong password!").await;
        assert_eq!(error_field(res).await.as_deref(), Some("password"));
        assert_eq!(link_to(&app, "tom2@acme.test").await, None);

        // An address another account has: the same answer, and nothing sent.
        let taken = ask("taken@acme.test", PASSWORD).await;
        let free = ask("tom2@acme.test", PASSWORD).await;
        assert_eq!(
            (taken.status(), free.status()),
            (reqwest::StatusCode::OK, reqwest::StatusCode::OK)
        );
        assert_eq!(link_to(&app, "taken@acme.test").await, None);
        let token = link_to(&app, "tom2@acme.test")
            .await
            .expect("a link to the new address");
        // Nothing changed yet.
        assert_eq!(app.viewer(&c).await["email"], "tom@acme.test");

        let res = app
            .call(&app.client(), "verify_email", &[("token", token.as_str())])
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert_eq!(app.viewer(&c).await["email"], "tom2@acme.test");
        assert_eq!(
            app.sign_in(&app.client(), "tom2@acme.test", PASSWORD)
                .await
                .status(),
            200
        );
        assert_eq!(
            app.sign_in(&app.client(), "tom@acme.test", PASSWORD)
                .await
                .status(),
            401
        );
        // The old address was told.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM outbox WHERE to_email = 'tom@acme.test' AND body LIKE '%tom2@acme.test%'").await,
            1
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'account.email_changed'")
                .await,
            1
        );
        // Single use.
        let res = app
            .call(&app.client(), "verify_email", &[("token", token.as_str())])
            .await;
        assert_eq!(res.status(), 422);
        app
    }
);

app_test!(
    a_temporary_password_must_be_replaced_before_anything_else,
    |app: TestApp| async move {
        let tom = app.user("tom@acme.test", "default", "developer").await;
        let before = app.signed_in("tom@acme.test").await;
        app.user("dev@acme.test", "default", "developer").await;
        let dev = app.signed_in("dev@acme.test").await;
        let call = json!({"project": "default", "id": tom});
        assert_eq!(
            app.call_json(&dev, "set_temporary_password", &call)
                .await
                .status(),
            403
        );
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let res = app.call_json(&admin, "set_temporary_password", &call).await;
        assert_eq!(res.status(), 200);
        let temporary: String = res.json().await.unwrap();
        assert_eq!(temporary.len(), 20);
        assert_eq!(
            app.viewer(&before).await,
            Value::Null,
            "their sessions ended"
        );
        assert_eq!(
            app.sign_in(&app.client(), "tom@acme.test", PASSWORD)
                .await
                .status(),
            401
        );
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'user.temporary_password_set'"
            )
            .await,
            1
        );

        let c = app.client();
        let res = app.sign_in(&c, "tom@acme.test", &temporary).await;
        assert_eq!(res.json::<String>().await.unwrap(), "/p/default/users");
        assert_eq!(app.viewer(&c).await["required"], "ChangePassword");
        // Nothing but the account page until the password is theirs.
        let res = c.get(app.url("/p/default/users")).send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/account");
        let (status, _) = app.get_json(&c, "/api/users?project=default&query[sort]=email&query[desc]=false&query[page]=1&query[size]=20").await;
        assert_eq!(status, 409);
        assert_eq!(
            c.get(app.url("/account")).send().await.unwrap().status(),
            200
        );
        let res = app
            .call(
                &c,
                "change_password",
                &[
                    ("current", temporary.as_str()),
                    ("new", NEW),
                    ("confirm", NEW),
                ],
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert_eq!(app.viewer(&c).await["required"], Value::Null);
        assert_eq!(
            c.get(app.url("/p/default/users"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        app
    }
);

app_test!(
    a_project_can_require_two_factor_of_its_administrators,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        app.user("eve@acme.test", "default", "end_user").await;
        app::server::signup::configure(app.db(), "default", None, None, None, Some(true))
            .await
            .unwrap();
        let eve = app.signed_in("eve@acme.test").await;
        assert_eq!(
            app.viewer(&eve).await["required"],
            Value::Null,
            "end users are not asked"
        );
        let ada = app.signed_in("ada@acme.test").await;
        assert_eq!(app.viewer(&ada).await["required"], "SetUpTwoFactor");
        let res = ada.get(app.url("/p/default/users")).send().await.unwrap();
        assert_eq!(res.headers()["location"], "/account");
        // Setting it up (allowed while required) lifts the requirement.
        let res = app.call_json(&ada, "begin_two_factor", &json!({})).await;
        let secret = res.json::<Value>().await.unwrap()["secret"]
            .as_str()
            .unwrap()
            .replace(' ', "");
        let bytes = totp_rs::Secret::Encoded(secret).to_bytes().unwrap();
        let totp = totp_rs::TOTP::new_unchecked(
            totp_rs::Algorithm::SHA1,
            6,
            1,
            30,
            bytes,
            None,
            String::new(),
        );
        let code = totp.generate((app.state.auth.clock.now_ms() / 1000) as u64);
        let res = app
            .call_json(&ada, "complete_two_factor", &json!({"code": code}))
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(app.viewer(&ada).await["required"], Value::Null);
        assert_eq!(
            ada.get(app.url("/p/default/users"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        app
    }
);
