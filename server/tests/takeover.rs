//! No takeover through an email change or a reset link: whoever controls a person's address
//! controls their account, so these need every built-in permission the person holds, an email
//! change ends what the old address could still use, and reset links die on deactivation.
mod common;
use common::*;
use reqwest::Client;
use serde_json::{json, Value};

fn edit(email: &str) -> Value {
    json!({
        "first_name": "Test",
        "last_name": "Person",
        "email": email,
        "phone": "",
        "metadata": "{}",
        "role": "",
        "groups": [],
    })
}

async fn change_email(
    app: &TestApp,
    c: &Client,
    id: i64,
    role: &str,
    to: &str,
) -> reqwest::Response {
    let mut e = edit(to);
    e["role"] = json!(role);
    app.call_json(
        c,
        "update_user",
        &json!({"project": "default", "id": id, "edit": e}),
    )
    .await
}

async fn send_reset(app: &TestApp, c: &Client, id: i64) -> reqwest::Response {
    app.call_json(
        c,
        "send_password_reset",
        &json!({"project": "default", "id": id}),
    )
    .await
}

async fn use_reset(app: &TestApp, token: &str) -> reqwest::Response {
    let c = app.client();
    let pw = "another long passphrase 7";
    app.call(
        &c,
        "reset_password",
        &[("token", token), ("password", pw), ("confirm", pw)],
    )
    .await
}

// A support role may edit users, but not take over an admin, who holds more than it does.
app_test!(
    nobody_takes_over_an_account_that_holds_more_than_they_do,
    |app: TestApp| async move {
        app.exec(
            "INSERT INTO roles (project_id, name, description, created_at) \
             SELECT id, 'support', 'Helps people', 0 FROM projects WHERE slug = 'default'",
        )
        .await;
        for perm in ["users:read", "users:update"] {
            app.exec(&format!(
                "INSERT INTO role_permissions (role_id, permission) \
                 SELECT id, '{perm}' FROM roles WHERE name = 'support'"
            ))
            .await;
        }
        let sam = app.user("sam@acme.test", "default", "support").await;
        let ada = app.user("ada@acme.test", "default", "admin").await;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let _ = sam;
        let support = app.signed_in("sam@acme.test").await;

        let res = change_email(&app, &support, ada, "admin", "sam.owns.ada@evil.test").await;
        assert_eq!(res.status(), 409);
        assert!(error_message(res)
            .await
            .contains("holds permissions you don't have"));
        let res = send_reset(&app, &support, ada).await;
        assert_eq!(res.status(), 409);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM users WHERE email = 'ada@acme.test'")
                .await,
            1
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);

        // Someone who holds no more than support may be helped by support.
        let res = change_email(&app, &support, tom, "end_user", "tom@new.test").await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let res = send_reset(&app, &support, tom).await;
        assert_eq!(res.status(), 200);
        app
    }
);

// The old address is told, the person's sessions end, and a reset link sent to the old
// address stops working.
app_test!(
    an_email_change_tells_the_old_address_and_ends_what_it_could_use,
    |app: TestApp| async move {
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let tom_browser = app.signed_in("tom@acme.test").await;
        let admin = app.signed_in(ADMIN_EMAIL).await;
        assert_eq!(send_reset(&app, &admin, tom).await.status(), 200);
        let old_link = app.reset_token("tom@acme.test").await;

        let res = change_email(&app, &admin, tom, "end_user", "tom@new.test").await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

        let notice: String = sqlx::query_scalar(
            "SELECT body FROM outbox WHERE to_email = 'tom@acme.test' \
             AND subject = 'Your Roster email address was changed'",
        )
        .fetch_one(app.db().pool())
        .await
        .unwrap();
        assert!(notice.contains("tom@new.test"), "{notice}");
        assert!(notice.contains(ADMIN_EMAIL), "{notice}");
        assert!(app.viewer(&tom_browser).await.is_null(), "signed out");
        assert_ne!(use_reset(&app, &old_link).await.status(), 200);
        let details: String =
            sqlx::query_scalar("SELECT details FROM audit_events WHERE action = 'user.updated'")
                .fetch_one(app.db().pool())
                .await
                .unwrap();
        let details: Value = serde_json::from_str(&details).unwrap();
        assert_eq!(details["sessions_revoked"], 1);
        // The person signs in with the new address and the same password.
        let res = app.sign_in(&app.client(), "tom@new.test", PASSWORD).await;
        assert_eq!(res.status(), 200);
        app
    }
);

// Deactivating someone ends their reset links: reactivated later, the old link is dead.
app_test!(reset_links_die_on_deactivation, |app: TestApp| async move {
    let tom = app.user("tom@acme.test", "default", "end_user").await;
    let admin = app.signed_in(ADMIN_EMAIL).await;
    assert_eq!(send_reset(&app, &admin, tom).await.status(), 200);
    let link = app.reset_token("tom@acme.test").await;
    let body = json!({"project": "default", "id": tom, "reason": null});
    assert_eq!(
        app.call_json(&admin, "deactivate_user", &body)
            .await
            .status(),
        200
    );
    let body = json!({"project": "default", "id": tom});
    assert_eq!(
        app.call_json(&admin, "reactivate_user", &body)
            .await
            .status(),
        200
    );
    assert_ne!(use_reset(&app, &link).await.status(), 200);
    // A new link works.
    assert_eq!(send_reset(&app, &admin, tom).await.status(), 200);
    let link = app.reset_token("tom@acme.test").await;
    assert_eq!(use_reset(&app, &link).await.status(), 200);
    app
});

// "Already exists" is said only about accounts the admin can see.
app_test!(
    a_taken_address_of_another_project_is_not_revealed,
    |app: TestApp| async move {
        app.user("hidden@other.test", "other", "end_user").await;
        app.user("seen@acme.test", "default", "end_user").await;
        let ada = app.user("ada@acme.test", "default", "admin").await;
        let _ = ada;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let admin_of_default = app.signed_in("ada@acme.test").await;

        let res = change_email(
            &app,
            &admin_of_default,
            tom,
            "end_user",
            "hidden@other.test",
        )
        .await;
        assert_eq!(res.status(), 422);
        let hidden = error_message(res).await;
        assert!(!hidden.contains("exists"), "{hidden}");
        let res = change_email(&app, &admin_of_default, tom, "end_user", "seen@acme.test").await;
        assert_eq!(res.status(), 422);
        assert!(error_message(res).await.contains("already exists"));
        app
    }
);
