//! Invitations over HTTP: invite (permission, validation, the grant rule), the mail delivered
//! over a real SMTP server and its link followed, accept (new account, or an existing account
//! with its own password), single use, resend kills the old link, cancel, expiry by the
//! configured clock, bulk resend, and the detail page's view of it all.
mod common;
use app::server::mail::{deliver_due, Mailer};
use common::smtp::SmtpServer;
use common::*;
use reqwest::Client;
use serde_json::{json, Value};
use std::time::Duration;

const STRONG: &str = "violet kettle under the stairs";

async fn invite(app: &TestApp, c: &Client, project: &str, form: Value) -> reqwest::Response {
    app.call_json(c, "invite_user", &json!({"project": project, "form": form}))
        .await
}

/// Invites `email` to `default` as `role` and answers (user id, link token).
async fn invited(app: &TestApp, c: &Client, email: &str, role: &str) -> (i64, String) {
    let res = invite(
        app,
        c,
        "default",
        json!({"email": email, "role": role, "groups": []}),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let v: Value = res.json().await.unwrap();
    (
        v["user_id"].as_i64().unwrap(),
        token_of(v["url"].as_str().unwrap()),
    )
}

fn list_url(q: &str) -> String {
    format!("/api/users?project=default&query[sort]=email&query[desc]=false&query[page]=1&query[size]=100&query[q]={q}")
}

fn token_of(url: &str) -> String {
    let at = url.find("/invitation?token=").expect("an invitation link") + 18;
    url[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn preview(app: &TestApp, token: &str) -> Value {
    let (status, v) = app
        .get_json(&app.client(), &format!("/api/invitation?token={token}"))
        .await;
    assert_eq!(status, 200);
    v
}

async fn accept(
    app: &TestApp,
    c: &Client,
    token: &str,
    pw: &str,
    confirm: &str,
) -> reqwest::Response {
    app.call(
        c,
        "accept_invitation",
        &[
            ("token", token),
            ("first_name", "Nina"),
            ("last_name", "Noor"),
            ("password", pw),
            ("confirm", confirm),
        ],
    )
    .await
}

async fn membership_status(app: &TestApp, user: i64) -> Option<String> {
    sqlx::query_scalar(
        "SELECT m.status FROM memberships m JOIN projects p ON p.id = m.project_id \
          WHERE p.slug = 'default' AND m.user_id = $1",
    )
    .bind(user)
    .fetch_optional(app.db().pool())
    .await
    .unwrap()
}

async fn events(app: &TestApp, action: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
    ))
    .await
}

app_test!(
    a_new_person_is_invited_gets_the_mail_over_smtp_accepts_and_is_signed_in,
    |app: TestApp| async move {
        let smtp = SmtpServer::start().await;
        app.group("default", "staff").await;
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let res = invite(
            &app,
            &admin,
            "default",
            json!({"email": " Nina@Acme.TEST ", "role": "developer", "groups": ["staff"],
                   "message": "Welcome aboard!"}),
        )
        .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["email"], "nina@acme.test");
        let url = v["url"].as_str().unwrap().to_string();
        assert!(url.starts_with(&format!("http://{}/invitation?token=", app.addr)));
        let nina = v["user_id"].as_i64().unwrap();

        // Listed at once, as Invited, with the role and group.
        let (_, list) = app.get_json(&admin, &list_url("nina")).await;
        let row = &list["items"][0];
        assert_eq!(row["email"], "nina@acme.test");
        assert_eq!(row["status"], "invited");
        assert_eq!(row["role"], "developer");
        assert_eq!(row["groups"], json!(["staff"]));
        assert!(row["invitation_expires_at"].as_i64().unwrap() > list["as_of"].as_i64().unwrap());
        // Only the hash of the token is stored.
        let token = token_of(&url);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM invitations WHERE token_hash LIKE '%{token}%'"
            ))
            .await,
            0
        );
        // The detail page says the mail is queued.
        let (_, detail) = app
            .get_json(&admin, &format!("/api/user?project=default&id={nina}"))
            .await;
        assert_eq!(detail["status"], "invited");
        assert_eq!(detail["invitation"]["mail"], "Queued");
        assert_eq!(detail["invitation"]["expired"], false);
        assert!(detail["invitation"]["invited_by"]
            .as_str()
            .unwrap()
            .contains(ADMIN_EMAIL));

        // The mail leaves over SMTP; the detail page then says so.
        let mailer = Mailer::new(&smtp.url(), "Roster <roster@roster.test>").unwrap();
        assert_eq!(deliver_due(app.db(), &mailer, 20).await.unwrap(), 1);
        let (_, detail) = app
            .get_json(&admin, &format!("/api/user?project=default&id={nina}"))
            .await;
        assert!(
            detail["invitation"]["mail"]["Sent"]["at"].is_i64(),
            "{detail}"
        );
        let messages = smtp.messages();
        assert_eq!(messages.len(), 1);
        let m = messages[0]
            .replace("=\r\n", "")
            .replace("=\n", "")
            .replace("=3D", "=");
        assert!(m.contains("To: nina@acme.test"), "{m}");
        assert!(m.contains("Welcome aboard!"), "{m}");
        assert!(m.contains("Default project"), "the project is named: {m}");
        assert_eq!(token_of(&m), token, "the mail carries the dialog's link");

        // The accept page's data: project, inviter, a new account.
        let p = preview(&app, &token).await;
        assert_eq!(p["project_name"], "Default project");
        assert_eq!(p["email"], "nina@acme.test");
        assert_eq!(p["has_account"], false);
        assert_eq!(p["message"], "Welcome aboard!");

        // Bad input is refused with the field, and nothing is used up.
        let browser = app.client();
        let res = accept(&app, &browser, &token, STRONG, "something else").await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("confirm"));
        let res = accept(&app, &browser, &token, "password123", "password123").await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("password"));
        let res = accept(&app, &browser, &token, "nina@acme.test", "nina@acme.test").await;
        assert_eq!(res.status(), 422);
        let res = app
            .call(
                &browser,
                "accept_invitation",
                &[
                    ("token", &token),
                    ("first_name", " "),
                    ("last_name", "Noor"),
                    ("password", STRONG),
                    ("confirm", STRONG),
                ],
            )
            .await;
        assert_eq!(error_field(res).await.as_deref(), Some("first_name"));

        let res = accept(&app, &browser, &token, STRONG, STRONG).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert!(session_cookie(&res).is_some());
        // A developer sees the console: they land on the project's users.
        assert_eq!(res.json::<String>().await.unwrap(), "/p/default/users");
        let me = app.viewer(&browser).await;
        assert_eq!(me["email"], "nina@acme.test");
        assert_eq!(me["first_name"], "Nina");
        assert_eq!(
            membership_status(&app, nina).await.as_deref(),
            Some("active")
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM users WHERE id = {nina} AND status = 'active' AND email_verified_at IS NOT NULL"
            ))
            .await,
            1
        );
        assert_eq!(events(&app, "invitation.created").await, 1);
        assert_eq!(events(&app, "invitation.accepted").await, 1);

        // Single use: the link is dead now, for the page and for a second try.
        assert_eq!(preview(&app, &token).await, Value::Null);
        let res = accept(&app, &app.client(), &token, STRONG, STRONG).await;
        assert_eq!(res.status(), 422);
        assert_eq!(
            error_message(res).await,
            "This invitation is no longer valid."
        );
        // The new password signs in.
        assert_eq!(
            app.sign_in(&app.client(), "nina@acme.test", STRONG)
                .await
                .status(),
            200
        );
        app
    }
);

app_test!(
    an_end_user_lands_on_their_account_page,
    |app: TestApp| async move {
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let (_, token) = invited(&app, &admin, "eve@acme.test", "end_user").await;
        let res = accept(&app, &app.client(), &token, STRONG, STRONG).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<String>().await.unwrap(), "/account");
        app
    }
);

app_test!(
    inviting_checks_the_permission_the_address_and_what_may_be_granted,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        app.user("dev@acme.test", "default", "developer").await;
        app.user("olga@other.test", "other", "owner").await;
        let ada = app.signed_in("ada@acme.test").await;
        let form = |email: &str, role: &str| json!({"email": email, "role": role, "groups": []});

        // Without users:invite, or in a project they are not in: refused.
        let dev = app.signed_in("dev@acme.test").await;
        assert_eq!(
            invite(&app, &dev, "default", form("x@acme.test", "end_user"))
                .await
                .status(),
            403
        );
        assert_eq!(
            invite(&app, &ada, "other", form("x@acme.test", "end_user"))
                .await
                .status(),
            403
        );
        assert_eq!(
            app.client()
                .post(app.url("/api/invite_user"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
                / 100,
            4
        );

        for (f, field) in [
            (form("not an email", "end_user"), "email"),
            (form("dev@acme.test", "end_user"), "email"),
            (form("x@acme.test", "no_such_role"), "role"),
            (
                json!({"email": "x@acme.test", "role": "end_user", "groups": ["nope"]}),
                "groups",
            ),
            (
                json!({"email": "x@acme.test", "role": "end_user", "groups": [],
                    "message": "m".repeat(1001)}),
                "message",
            ),
        ] {
            let res = invite(&app, &ada, "default", f.clone()).await;
            assert_eq!(res.status(), 422, "{f}");
            assert_eq!(error_field(res).await.as_deref(), Some(field), "{f}");
        }
        let res = invite(&app, &ada, "default", form("dev@acme.test", "end_user")).await;
        assert!(error_message(res).await.contains("already a member"));

        // An admin cannot hand out the owner role (project:manage is not theirs), nor a group
        // that carries it.
        let res = invite(&app, &ada, "default", form("x@acme.test", "owner")).await;
        assert_eq!(res.status(), 422);
        assert!(error_message(res).await.contains("project:manage"));
        let g = app.group("default", "bosses").await;
        app.exec(&format!(
            "INSERT INTO group_permissions (group_id, permission) VALUES ({g}, 'project:manage')"
        ))
        .await;
        let res = invite(
            &app,
            &ada,
            "default",
            json!({"email": "x@acme.test", "role": "end_user", "groups": ["bosses"]}),
        )
        .await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("groups"));
        // Nothing refused left anything behind.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM users WHERE email = 'x@acme.test'")
                .await,
            0
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);

        // Invited twice: the second is refused (resend exists for that).
        invited(&app, &ada, "x@acme.test", "end_user").await;
        let res = invite(&app, &ada, "default", form("x@acme.test", "end_user")).await;
        assert_eq!(res.status(), 422);
        assert!(error_message(res).await.contains("already invited"));
        app
    }
);

app_test!(
    an_existing_account_joins_with_its_own_password_and_gets_nothing_before,
    |app: TestApp| async move {
        let tom = app.user("tom@other.test", "other", "admin").await;
        let old_hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(tom)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let (id, token) = invited(&app, &admin, "tom@other.test", "admin").await;
        assert_eq!(id, tom, "the same account, not a second one");

        // Before accepting: listed as invited here, without the name of their account, and
        // the invited membership grants nothing.
        let (_, list) = app.get_json(&admin, &list_url("tom")).await;
        assert_eq!(list["items"][0]["status"], "invited");
        assert_eq!(list["items"][0]["first_name"], "");
        let tom_browser = app.signed_in("tom@other.test").await;
        let slugs = |v: &Value| -> Vec<String> {
            v["projects"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["slug"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(slugs(&app.viewer(&tom_browser).await), ["other"]);
        let (status, _) = app.get_json(&tom_browser, &list_url("")).await;
        assert_eq!(status, 403);
        // Their account's details stay theirs until they join.
        let (_, detail) = app
            .get_json(&admin, &format!("/api/user?project=default&id={tom}"))
            .await;
        assert_eq!(detail["last_name"], "");
        assert_eq!(detail["sessions"], json!([]));

        assert_eq!(preview(&app, &token).await["has_account"], true);
        // No second password: the new-account form is refused for this link.
        let browser = app.client();
        let res = accept(&app, &browser, &token, STRONG, STRONG).await;
        assert_eq!(res.status(), 422);
        // A wrong password is a failed sign-in, and the link stays live.
        let res = app
            .call(
                &browser,
                "accept_invitation_sign_in",
                &[("token", &token), ("password", "wrong password!")],
            )
            .await;
        assert_eq!(res.status(), 401);
        assert_ne!(preview(&app, &token).await, Value::Null);
        let res = app
            .call(
                &browser,
                "accept_invitation_sign_in",
                &[("token", &token), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert_eq!(res.json::<String>().await.unwrap(), "/p/default/users");
        assert_eq!(
            membership_status(&app, tom).await.as_deref(),
            Some("active")
        );
        let mut joined = slugs(&app.viewer(&browser).await);
        joined.sort();
        assert_eq!(joined, ["default", "other"]);
        let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(tom)
            .fetch_one(app.db().pool())
            .await
            .unwrap();
        assert_eq!(hash, old_hash, "the password is the one they had");
        assert_eq!(preview(&app, &token).await, Value::Null);
        app
    }
);

app_test!(
    resend_kills_the_old_link_and_cancel_removes_what_the_invitation_made,
    |app: TestApp| async move {
        let tom = app.user("tom@other.test", "other", "end_user").await;
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let (nina, first) = invited(&app, &admin, "nina@acme.test", "end_user").await;
        let res = app
            .call_json(
                &admin,
                "resend_invitation",
                &json!({"project": "default", "id": nina}),
            )
            .await;
        assert_eq!(res.status(), 200);
        let second = token_of(res.json::<Value>().await.unwrap()["url"].as_str().unwrap());
        assert_ne!(first, second);
        assert_eq!(preview(&app, &first).await, Value::Null);
        let res = accept(&app, &app.client(), &first, STRONG, STRONG).await;
        assert_eq!(
            error_message(res).await,
            "This invitation is no longer valid."
        );
        assert_ne!(preview(&app, &second).await, Value::Null);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM outbox WHERE to_email = 'nina@acme.test'")
                .await,
            2
        );

        // Cancel: the link dies and the account made for the invitation goes.
        let res = app
            .call_json(
                &admin,
                "cancel_invitation",
                &json!({"project": "default", "id": nina}),
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(preview(&app, &second).await, Value::Null);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM users WHERE email = 'nina@acme.test'")
                .await,
            0
        );
        assert_eq!(events(&app, "invitation.resent").await, 1);
        assert_eq!(events(&app, "invitation.cancelled").await, 1);

        // An existing account invited and cancelled keeps its account and other project.
        let (_, link) = invited(&app, &admin, "tom@other.test", "end_user").await;
        let res = app
            .call_json(
                &admin,
                "cancel_invitation",
                &json!({"project": "default", "id": tom}),
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(membership_status(&app, tom).await, None);
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM users WHERE id = {tom}"))
                .await,
            1
        );
        assert_eq!(preview(&app, &link).await, Value::Null);
        assert_eq!(
            app.sign_in(&app.client(), "tom@other.test", PASSWORD)
                .await
                .status(),
            200
        );

        // Members who joined have no invitation to resend or cancel; others are not found.
        let ada = app.user("ada@acme.test", "default", "admin").await;
        for endpoint in ["resend_invitation", "cancel_invitation"] {
            let res = app
                .call_json(&admin, endpoint, &json!({"project": "default", "id": ada}))
                .await;
            assert_eq!(res.status(), 409, "{endpoint}");
            let res = app
                .call_json(&admin, endpoint, &json!({"project": "default", "id": tom}))
                .await;
            assert_eq!(res.status(), 404, "{endpoint}");
        }
        app
    }
);

app_test!(
    links_expire_after_seven_days_and_a_resent_one_works_again,
    |app: TestApp| async move {
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let (nina, token) = invited(&app, &admin, "nina@acme.test", "end_user").await;
        app.state
            .auth
            .clock
            .advance(Duration::from_secs(7 * 24 * 3600 - 60));
        assert_ne!(
            preview(&app, &token).await,
            Value::Null,
            "still valid on day 7"
        );
        app.state.auth.clock.advance(Duration::from_secs(120));
        assert_eq!(preview(&app, &token).await, Value::Null);
        let res = accept(&app, &app.client(), &token, STRONG, STRONG).await;
        assert_eq!(
            error_message(res).await,
            "This invitation is no longer valid."
        );
        // The console shows it expired, in the list and on the detail page.
        let (_, list) = app.get_json(&admin, &list_url("nina")).await;
        assert!(
            list["items"][0]["invitation_expires_at"].as_i64().unwrap()
                <= list["as_of"].as_i64().unwrap()
        );
        let (_, detail) = app
            .get_json(&admin, &format!("/api/user?project=default&id={nina}"))
            .await;
        assert_eq!(detail["invitation"]["expired"], true);
        // Resent: a fresh week.
        let res = app
            .call_json(
                &admin,
                "resend_invitation",
                &json!({"project": "default", "id": nina}),
            )
            .await;
        let fresh = token_of(res.json::<Value>().await.unwrap()["url"].as_str().unwrap());
        let res = accept(&app, &app.client(), &fresh, STRONG, STRONG).await;
        assert_eq!(res.status(), 200);
        app
    }
);

app_test!(
    bulk_resend_sends_a_new_link_to_each_invited_person_only,
    |app: TestApp| async move {
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let (a, old_a) = invited(&app, &admin, "a@acme.test", "end_user").await;
        let (b, _) = invited(&app, &admin, "b@acme.test", "end_user").await;
        let member = app.user("m@acme.test", "default", "end_user").await;
        let res = app
            .call_json(
                &admin,
                "bulk_users",
                &json!({"project": "default", "ids": [a, b, member], "action": "ResendInvitations"}),
            )
            .await;
        assert_eq!(res.status(), 200);
        let sum: Value = res.json().await.unwrap();
        assert_eq!(sum["changed"], json!(["a@acme.test", "b@acme.test"]));
        assert_eq!(sum["refused"][0][0], "m@acme.test");
        assert_eq!(preview(&app, &old_a).await, Value::Null);
        assert_eq!(events(&app, "invitation.resent").await, 2);
        // users:invite is the permission.
        app.user("dev@acme.test", "default", "developer").await;
        let dev = app.signed_in("dev@acme.test").await;
        let res = app
            .call_json(
                &dev,
                "bulk_users",
                &json!({"project": "default", "ids": [a], "action": "ResendInvitations"}),
            )
            .await;
        assert_eq!(res.status(), 403);
        app
    }
);

app_test!(
    the_accept_page_renders_on_the_server_for_live_and_dead_links,
    |app: TestApp| async move {
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let (_, token) = invited(&app, &admin, "nina@acme.test", "end_user").await;
        let html = app
            .client()
            .get(app.url(&format!("/invitation?token={token}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for needle in [
            "Join Default project",
            "First name",
            "Confirm password",
            "Accept invitation",
        ] {
            assert!(html.contains(needle), "{needle}: {html}");
        }
        let html = app
            .client()
            .get(app.url("/invitation?token=made-up"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("This invitation is no longer valid"));
        assert!(!html.contains("First name"));
        app
    }
);

app_test!(
    a_member_is_added_to_another_project_by_invitation,
    |app: TestApp| async move {
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        app.user("ada@acme.test", "acme", "admin").await;
        app.add_member(
            sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE email = 'ada@acme.test'")
                .fetch_one(app.db().pool())
                .await
                .unwrap(),
            "default",
            "admin",
        )
        .await;
        // Ada manages both projects: from Tom's page in `default`, she invites him to `acme`.
        let ada = app.signed_in("ada@acme.test").await;
        let res = invite(
            &app,
            &ada,
            "acme",
            json!({"email": "tom@acme.test", "role": "developer", "groups": []}),
        )
        .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let (status, detail) = app
            .get_json(&ada, &format!("/api/user?project=default&id={tom}"))
            .await;
        assert_eq!(status, 200);
        let acme = detail["memberships"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["project_slug"] == "acme")
            .expect("the new membership is listed")
            .clone();
        assert_eq!(
            (acme["role"].clone(), acme["status"].clone()),
            (json!("developer"), json!("invited"))
        );
        // It grants nothing until Tom accepts.
        let c = app.signed_in("tom@acme.test").await;
        let viewer = app.viewer(&c).await;
        let projects: Vec<&str> = viewer["projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["slug"].as_str().unwrap())
            .collect();
        assert!(!projects.contains(&"acme"), "{projects:?}");
        // Asking again is refused: he is already invited there.
        let res = invite(
            &app,
            &ada,
            "acme",
            json!({"email": "tom@acme.test", "role": "developer", "groups": []}),
        )
        .await;
        assert_eq!(res.status(), 422);
        app
    }
);
