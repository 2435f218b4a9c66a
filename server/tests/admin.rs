//! Acting on users through HTTP, as the console calls it: the detail page, edit, deactivate /
//! reactivate / delete, session revocation, bulk actions and the activity list, with the rules
//! of `app::server::admin` (membership, own account, last owner, owners and superadmins,
//! account-wide changes) checked against the database after each call.
mod common;

use common::{error_field, error_message, TestApp, ADMIN_EMAIL, PASSWORD};
use reqwest::Client;
use serde_json::{json, Value};

fn user_url(project: &str, id: i64) -> String {
    format!("/api/user?project={project}&id={id}")
}

fn activity_url(project: &str, id: i64, page: u32) -> String {
    format!("/api/user_activity?project={project}&id={id}&page={page}")
}

fn list_url(project: &str, extra: &str) -> String {
    format!("/api/users?project={project}&query[sort]=email&query[desc]=false&query[page]=1&query[size]=100{extra}")
}

/// The edit form's values for `email`, with every other field filled in.
fn edit(email: &str, first: &str, role: &str) -> Value {
    json!({
        "first_name": first,
        "last_name": "Anderson",
        "email": email,
        "phone": "",
        "metadata": "{}",
        "role": role,
        "groups": [],
    })
}

/// (email, first_name, last_name, status) of a user, if they exist.
async fn user_row(app: &TestApp, id: i64) -> Option<(String, String, String, String)> {
    sqlx::query_as("SELECT email, first_name, last_name, status FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(app.db().pool())
        .await
        .unwrap()
}

async fn status_of(app: &TestApp, id: i64) -> String {
    user_row(app, id).await.expect("the user exists").3
}

/// The statuses of a user's memberships (the list's copy of `users.status`).
async fn membership_statuses(app: &TestApp, id: i64) -> Vec<String> {
    sqlx::query_scalar("SELECT status FROM memberships WHERE user_id = $1 ORDER BY project_id")
        .bind(id)
        .fetch_all(app.db().pool())
        .await
        .unwrap()
}

async fn role_in(app: &TestApp, slug: &str, id: i64) -> Option<String> {
    sqlx::query_scalar(
        "SELECT r.name FROM memberships m JOIN roles r ON r.id = m.role_id \
           JOIN projects p ON p.id = m.project_id WHERE p.slug = $1 AND m.user_id = $2",
    )
    .bind(slug)
    .bind(id)
    .fetch_optional(app.db().pool())
    .await
    .unwrap()
}

async fn events(app: &TestApp, action: &str, target: i64) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM audit_events WHERE action = '{action}' AND target_user_id = {target}"
    ))
    .await
}

/// The details (parsed) of the newest event `action` about `target`.
async fn last_details(app: &TestApp, action: &str, target: i64) -> Value {
    let raw: String = sqlx::query_scalar(
        "SELECT details FROM audit_events WHERE action = $1 AND target_user_id = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(action)
    .bind(target)
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    serde_json::from_str(&raw).unwrap()
}

async fn live_sessions(app: &TestApp, id: i64) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM sessions WHERE user_id = {id} AND revoked_at IS NULL"
    ))
    .await
}

/// The users list row of `email` in `project`, as `viewer` sees it.
async fn list_row(app: &TestApp, viewer: &Client, project: &str, email: &str) -> Option<Value> {
    let (s, page) = app.get_json(viewer, &list_url(project, "")).await;
    assert_eq!(s, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["email"] == email)
        .cloned()
}

async fn deactivate(app: &TestApp, c: &Client, id: i64, reason: Option<&str>) -> reqwest::Response {
    app.call_json(
        c,
        "deactivate_user",
        &json!({"project": "default", "id": id, "reason": reason}),
    )
    .await
}

async fn bulk(app: &TestApp, c: &Client, ids: &[i64], action: Value) -> reqwest::Response {
    app.call_json(
        c,
        "bulk_users",
        &json!({"project": "default", "ids": ids, "action": action}),
    )
    .await
}

fn emails(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_string())
        .collect()
}

// 1. Detail -----------------------------------------------------------------------------------

app_test!(
    the_detail_shows_profile_memberships_permissions_and_sessions,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        app.user("dev@acme.test", "default", "developer").await;
        app.user("end@acme.test", "default", "end_user").await;
        let tom = app.user("tom@acme.test", "default", "developer").await;
        app.add_member(tom, "other", "end_user").await;
        let staff = app.group("default", "staff").await;
        app.exec(&format!(
            "INSERT INTO group_members (group_id, user_id, added_at) VALUES ({staff}, {tom}, 0)"
        ))
        .await;
        let olga = app.user("olga@other.test", "other", "admin").await;

        // Tom signs in from a (Chrome on Linux) browser: his session shows on his page.
        let _tom_browser = app.signed_in("tom@acme.test").await;
        let ada = app.signed_in("ada@acme.test").await;
        let (s, d) = app.get_json(&ada, &user_url("default", tom)).await;
        assert_eq!(s, 200, "{d}");
        assert_eq!(d["id"], tom);
        assert_eq!(d["email"], "tom@acme.test");
        assert_eq!(d["first_name"], "Test");
        assert_eq!(d["last_name"], "developer");
        assert_eq!(d["status"], "active");
        assert_eq!(d["role"], "developer");
        assert_eq!(d["groups"], json!(["staff"]));
        assert_eq!(d["guard"], Value::Null);
        assert!(d["last_sign_in_at"].as_i64().unwrap() > 0);
        assert_eq!(
            d["permissions"],
            json!(["audit:read", "users:export", "users:read"])
        );
        // Ada administers `default` only: the `other` membership is not hers to see.
        let ms = d["memberships"].as_array().unwrap();
        assert_eq!(ms.len(), 1, "{d}");
        assert_eq!(ms[0]["project_slug"], "default");
        assert_eq!(ms[0]["role"], "developer");
        assert_eq!(ms[0]["groups"], json!(["staff"]));
        let sessions = d["sessions"].as_array().unwrap();
        assert_eq!(sessions.len(), 1, "{d}");
        assert!(
            sessions[0]["browser"]
                .as_str()
                .unwrap()
                .starts_with("Chrome"),
            "{d}"
        );
        assert_eq!(sessions[0]["os"], "Linux");
        assert_eq!(sessions[0]["device"], "Desktop");
        assert_eq!(sessions[0]["ip"], "127.0.0.1");
        assert_eq!(sessions[0]["current"], false);

        // The superadmin reads every project: both memberships.
        let root = app.signed_in(ADMIN_EMAIL).await;
        let (s, d) = app.get_json(&root, &user_url("default", tom)).await;
        assert_eq!(s, 200);
        let slugs: Vec<&str> = d["memberships"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["project_slug"].as_str().unwrap())
            .collect();
        assert_eq!(slugs, ["default", "other"], "{d}");

        // Looking at oneself: the own-account guard, and the current session is marked.
        let ada_id = app
            .count("SELECT id FROM users WHERE email = 'ada@acme.test'")
            .await;
        let (_, me) = app.get_json(&ada, &user_url("default", ada_id)).await;
        assert_eq!(me["guard"], "OwnAccount");
        assert_eq!(me["sessions"][0]["current"], true);

        // Another project's user, and nobody at all, are "not found"; the project is refused.
        let (s, _) = app.get_json(&ada, &user_url("default", olga)).await;
        assert_eq!(s, 404);
        let (s, _) = app.get_json(&ada, &user_url("default", 999_999)).await;
        assert_eq!(s, 404);
        let (s, _) = app.get_json(&ada, &user_url("other", olga)).await;
        assert_eq!(s, 403);

        // Developers read; end users and anonymous callers do not.
        let dev = app.signed_in("dev@acme.test").await;
        let (s, d) = app.get_json(&dev, &user_url("default", tom)).await;
        assert_eq!(s, 200);
        assert_eq!(d["email"], "tom@acme.test");
        let end = app.signed_in("end@acme.test").await;
        let (s, _) = app.get_json(&end, &user_url("default", tom)).await;
        assert_eq!(s, 403);
        let (s, _) = app.get_json(&app.client(), &user_url("default", tom)).await;
        assert_eq!(s, 401);
        app
    }
);

// 2. Update -----------------------------------------------------------------------------------

app_test!(
    edits_are_saved_audited_and_refused_whole,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        app.user("dev@acme.test", "default", "developer").await;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        app.user("taken@acme.test", "default", "end_user").await;
        app.group("default", "staff").await;
        let ada = app.signed_in("ada@acme.test").await;

        let good = json!({
            "first_name": " Thomas ",
            "last_name": "Anderson",
            "email": "Neo@Matrix.test",
            "phone": "+1 555 0100",
            "metadata": "{ \"plan\": \"pro\", \"seats\": 3 }",
            "role": "developer",
            "groups": ["staff"],
        });
        let res = app
            .call_json(
                &ada,
                "update_user",
                &json!({"project": "default", "id": tom, "edit": good}),
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

        let (s, d) = app.get_json(&ada, &user_url("default", tom)).await;
        assert_eq!(s, 200);
        assert_eq!(d["first_name"], "Thomas");
        assert_eq!(d["last_name"], "Anderson");
        assert_eq!(d["email"], "neo@matrix.test");
        assert_eq!(d["phone"], "+1 555 0100");
        let meta: Value = serde_json::from_str(d["metadata"].as_str().unwrap()).unwrap();
        assert_eq!(meta, json!({"plan": "pro", "seats": 3}));
        assert_eq!(d["role"], "developer");
        assert_eq!(d["groups"], json!(["staff"]));
        let row = list_row(&app, &ada, "default", "neo@matrix.test")
            .await
            .expect("the list shows the new email");
        assert_eq!(row["first_name"], "Thomas");
        assert_eq!(row["last_name"], "Anderson");
        assert_eq!(row["role"], "developer");
        assert_eq!(row["groups"], json!(["staff"]));
        assert!(list_row(&app, &ada, "default", "tom@acme.test")
            .await
            .is_none());

        assert_eq!(events(&app, "user.updated", tom).await, 1);
        let details = last_details(&app, "user.updated", tom).await;
        assert_eq!(
            details["changed"],
            json!(["first_name", "last_name", "email", "phone", "metadata"])
        );
        assert_eq!(
            details["role"],
            json!({"from": "end_user", "to": "developer"})
        );
        assert_eq!(details["groups"]["added"], json!(["staff"]));
        assert_eq!(
            details["email"],
            json!({"from": "tom@acme.test", "to": "neo@matrix.test"})
        );
        // Saving the same values again changes nothing and records nothing.
        let res = app
            .call_json(
                &ada,
                "update_user",
                &json!({"project": "default", "id": tom, "edit": good}),
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(events(&app, "user.updated", tom).await, 1);

        let saved = Some((
            "neo@matrix.test".to_string(),
            "Thomas".to_string(),
            "Anderson".to_string(),
            "active".to_string(),
        ));
        let with = |k: &str, v: Value| {
            let mut e = good.clone();
            e["first_name"] = json!("Changed");
            e[k] = v;
            e
        };
        let cases = [
            ("email", with("email", json!("Taken@acme.test"))),
            ("email", with("email", json!("not an email"))),
            ("metadata", with("metadata", json!("[1]"))),
            ("metadata", with("metadata", json!("{bad"))),
            ("phone", with("phone", json!("call me"))),
            ("first_name", with("first_name", json!("x".repeat(101)))),
            ("role", with("role", json!("wizard"))),
            ("groups", with("groups", json!(["staff", "ghosts"]))),
            // Admins cannot hand out the owner role.
            ("role", with("role", json!("owner"))),
        ];
        for (field, e) in cases {
            let res = app
                .call_json(
                    &ada,
                    "update_user",
                    &json!({"project": "default", "id": tom, "edit": e}),
                )
                .await;
            assert_eq!(res.status(), 422, "{e}");
            assert_eq!(error_field(res).await.as_deref(), Some(field), "{e}");
            assert_eq!(user_row(&app, tom).await, saved, "nothing saved for {e}");
            assert_eq!(
                role_in(&app, "default", tom).await.as_deref(),
                Some("developer")
            );
        }
        assert_eq!(events(&app, "user.updated", tom).await, 1);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM users WHERE email = 'taken@acme.test'")
                .await,
            1
        );

        // Developers may read but not edit.
        let dev = app.signed_in("dev@acme.test").await;
        let res = app
            .call_json(
                &dev,
                "update_user",
                &json!({"project": "default", "id": tom, "edit": edit("x@acme.test", "X", "end_user")}),
            )
            .await;
        assert_eq!(res.status(), 403);
        assert_eq!(user_row(&app, tom).await, saved);

        // Owners: an admin cannot change one; an owner can, and can make others owners.
        let olive = app.user("olive@acme.test", "default", "owner").await;
        let res = app
            .call_json(
                &ada,
                "update_user",
                &json!({"project": "default", "id": olive, "edit": edit("olive@acme.test", "Changed", "owner")}),
            )
            .await;
        assert_eq!(res.status(), 409);
        assert!(error_message(res).await.contains("Only an owner"));
        assert_eq!(user_row(&app, olive).await.unwrap().1, "Test");
        // …nor a superadmin (who also owns `default`).
        let root_id = app
            .count(&format!(
                "SELECT id FROM users WHERE email = '{ADMIN_EMAIL}'"
            ))
            .await;
        let res = app
            .call_json(
                &ada,
                "update_user",
                &json!({"project": "default", "id": root_id, "edit": edit(ADMIN_EMAIL, "Changed", "owner")}),
            )
            .await;
        assert_eq!(res.status(), 409);
        assert_eq!(user_row(&app, root_id).await.unwrap().1, "Roster");

        let owner = app.signed_in("olive@acme.test").await;
        let mut promote = good.clone();
        promote["role"] = json!("owner");
        let res = app
            .call_json(
                &owner,
                "update_user",
                &json!({"project": "default", "id": tom, "edit": promote}),
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert_eq!(
            role_in(&app, "default", tom).await.as_deref(),
            Some("owner")
        );
        let mut rename = promote.clone();
        rename["last_name"] = json!("Owned");
        let res = app
            .call_json(
                &owner,
                "update_user",
                &json!({"project": "default", "id": tom, "edit": rename}),
            )
            .await;
        assert_eq!(res.status(), 200, "an owner edits an owner");
        assert_eq!(user_row(&app, tom).await.unwrap().2, "Owned");
        assert_eq!(events(&app, "user.updated", tom).await, 3);
        app
    }
);

// 3. Deactivate -------------------------------------------------------------------------------

app_test!(
    deactivation_ends_sessions_keeps_the_reason_and_blocks_sign_in,
    |app: TestApp| async move {
        let ada_id = app.user("ada@acme.test", "default", "admin").await;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let tom_browser = app.signed_in("tom@acme.test").await;
        assert_eq!(app.viewer(&tom_browser).await["email"], "tom@acme.test");
        let ada = app.signed_in("ada@acme.test").await;

        let res = deactivate(&app, &ada, tom, Some("  Left the company  ")).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert_eq!(status_of(&app, tom).await, "inactive");
        assert_eq!(membership_statuses(&app, tom).await, ["inactive"]);
        assert_eq!(
            list_row(&app, &ada, "default", "tom@acme.test")
                .await
                .unwrap()["status"],
            "inactive"
        );
        let (_, page) = app
            .get_json(&ada, &list_url("default", "&query[status]=inactive"))
            .await;
        assert_eq!(page["total"], 1);
        assert_eq!(page["items"][0]["email"], "tom@acme.test");

        // His open session stops working at once, and its row says revoked.
        assert_eq!(app.viewer(&tom_browser).await, Value::Null);
        let (s, _) = app.get_json(&tom_browser, &user_url("default", tom)).await;
        assert_eq!(s, 401);
        assert_eq!(live_sessions(&app, tom).await, 0);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM sessions WHERE user_id = {tom} AND revoked_at IS NOT NULL"
            ))
            .await,
            1
        );
        assert_eq!(events(&app, "user.deactivated", tom).await, 1);
        let details = last_details(&app, "user.deactivated", tom).await;
        assert_eq!(details["reason"], "Left the company");
        assert_eq!(details["sessions_revoked"], 1);

        // He cannot sign in (the password is right, so the answer says why: 422).
        let again = app.sign_in(&app.client(), "tom@acme.test", PASSWORD).await;
        assert_eq!(again.status(), 422);
        assert!(error_message(again).await.contains("deactivated"));

        // Already inactive.
        let res = deactivate(&app, &ada, tom, None).await;
        assert_eq!(res.status(), 409);
        assert!(error_message(res).await.contains("is not active"));
        assert_eq!(events(&app, "user.deactivated", tom).await, 1);

        // Oneself.
        let res = deactivate(&app, &ada, ada_id, None).await;
        assert_eq!(res.status(), 409);
        assert_eq!(
            error_message(res).await,
            "You can't deactivate or delete your own account."
        );
        assert_eq!(status_of(&app, ada_id).await, "active");

        // A reason over 500 characters.
        let sam = app.user("sam@acme.test", "default", "end_user").await;
        let res = deactivate(&app, &ada, sam, Some(&"x".repeat(501))).await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("reason"));
        assert_eq!(status_of(&app, sam).await, "active");
        let res = deactivate(&app, &ada, sam, Some(&"é".repeat(500))).await;
        assert_eq!(res.status(), 200, "500 characters are allowed");

        // The superadmin cannot be deactivated by an admin.
        let root_id = app
            .count(&format!(
                "SELECT id FROM users WHERE email = '{ADMIN_EMAIL}'"
            ))
            .await;
        let res = deactivate(&app, &ada, root_id, None).await;
        assert_eq!(res.status(), 409);
        assert_eq!(status_of(&app, root_id).await, "active");
        app
    }
);

app_test!(
    the_last_active_owner_stays_until_another_owner_exists,
    |app: TestApp| async move {
        let olive = app.user("olive@acme.test", "acme", "owner").await;
        let root = app.signed_in(ADMIN_EMAIL).await;
        let call = |id: i64| json!({"project": "acme", "id": id, "reason": "rotation"});
        let res = app.call_json(&root, "deactivate_user", &call(olive)).await;
        assert_eq!(res.status(), 409);
        assert!(
            error_message(res).await.contains("last owner"),
            "the superadmin is refused too"
        );
        assert_eq!(status_of(&app, olive).await, "active");
        // The detail page knows before anyone tries.
        let (_, d) = app.get_json(&root, &user_url("acme", olive)).await;
        assert_eq!(d["guard"], "LastOwner");
        // Nor can she step down herself.
        let me = app.signed_in("olive@acme.test").await;
        let res = app
            .call_json(
                &me,
                "update_user",
                &json!({"project": "acme", "id": olive, "edit": edit("olive@acme.test", "Olive", "admin")}),
            )
            .await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("role"));
        assert_eq!(role_in(&app, "acme", olive).await.as_deref(), Some("owner"));
        assert_eq!(
            user_row(&app, olive).await.unwrap().1,
            "Test",
            "nothing saved"
        );

        // An inactive second owner does not count.
        let otto = app.user("otto@acme.test", "acme", "owner").await;
        app.exec(&format!(
            "UPDATE users SET status = 'inactive' WHERE id = {otto}"
        ))
        .await;
        app.exec(&format!(
            "UPDATE memberships SET status = 'inactive' WHERE user_id = {otto}"
        ))
        .await;
        let res = app.call_json(&root, "deactivate_user", &call(olive)).await;
        assert_eq!(res.status(), 409);

        // An active one does.
        app.user("oscar@acme.test", "acme", "owner").await;
        let res = app.call_json(&root, "deactivate_user", &call(olive)).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert_eq!(status_of(&app, olive).await, "inactive");

        // Both owners of a two-owner project in one bulk action: the second is then the last.
        let p1 = app.user("p1@duo.test", "duo", "owner").await;
        let p2 = app.user("p2@duo.test", "duo", "owner").await;
        let res = app
            .call_json(
                &root,
                "bulk_users",
                &json!({"project": "duo", "ids": [p1, p2], "action": "Deactivate"}),
            )
            .await;
        assert_eq!(res.status(), 200);
        let sum: Value = res.json().await.unwrap();
        assert_eq!(emails(&sum["changed"]), ["p1@duo.test"]);
        assert_eq!(sum["refused"][0][0], "p2@duo.test");
        assert!(sum["refused"][0][1]
            .as_str()
            .unwrap()
            .contains("last owner"));
        assert_eq!(status_of(&app, p1).await, "inactive");
        assert_eq!(status_of(&app, p2).await, "active");
        app
    }
);

app_test!(
    two_admins_at_once_cannot_remove_both_last_owners,
    |app: TestApp| async move {
        let a = app.signed_in(ADMIN_EMAIL).await;
        let b = app.signed_in(ADMIN_EMAIL).await;
        for round in 0..5 {
            let slug = format!("race{round}");
            let p1 = app.user(&format!("p1@{slug}.test"), &slug, "owner").await;
            let p2 = app.user(&format!("p2@{slug}.test"), &slug, "owner").await;
            let (j1, j2) = (
                json!({"project": slug, "id": p1}),
                json!({"project": slug, "id": p2}),
            );
            let (r1, r2) = tokio::join!(
                app.call_json(&a, "deactivate_user", &j1),
                app.call_json(&b, "deactivate_user", &j2),
            );
            let mut statuses = [r1.status().as_u16(), r2.status().as_u16()];
            statuses.sort();
            assert_eq!(statuses, [200, 409], "round {round}");
            let active = app
                .count(&format!(
                    "SELECT COUNT(*) FROM users WHERE id IN ({p1}, {p2}) AND status = 'active'"
                ))
                .await;
            assert_eq!(active, 1, "round {round}: one owner remains");
        }
        app
    }
);

app_test!(
    an_admin_cannot_change_an_owner_of_another_project_through_a_shared_one,
    |app: TestApp| async move {
        // Ada administers both projects but owns neither; Tom owns `beta` (with Olive, so he
        // is not its last owner) and is an end user in `default`.
        app.user("ada@acme.test", "default", "admin").await;
        let ada_id = app
            .count("SELECT id FROM users WHERE email = 'ada@acme.test'")
            .await;
        app.add_member(ada_id, "beta", "admin").await;
        app.user("olive@acme.test", "beta", "owner").await;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        app.add_member(tom, "beta", "owner").await;
        let ada = app.signed_in("ada@acme.test").await;

        // Through `beta` the owner rule holds…
        let res = app
            .call_json(
                &ada,
                "deactivate_user",
                &json!({"project": "beta", "id": tom, "reason": null}),
            )
            .await;
        assert_eq!(res.status(), 409);
        assert_eq!(status_of(&app, tom).await, "active");
        // …and through `default` it must too: deactivation and the profile are account-wide,
        // so they lock out / change beta's owner just the same.
        let res = app
            .call_json(
                &ada,
                "update_user",
                &json!({"project": "default", "id": tom, "edit": edit("tom@acme.test", "Changed", "end_user")}),
            )
            .await;
        let mut wrong = Vec::new();
        let status = res.status().as_u16();
        let name = user_row(&app, tom).await.unwrap().1;
        if status != 409 || name != "Test" {
            wrong.push(format!(
                "update_user via default: {status}, first_name now {name:?}"
            ));
        }
        let res = deactivate(&app, &ada, tom, None).await;
        let status = res.status().as_u16();
        let now = status_of(&app, tom).await;
        if status != 409 || now != "active" {
            wrong.push(format!(
                "deactivate_user via default: {status}, status now {now:?}"
            ));
        }
        let res = app
            .call_json(
                &ada,
                "delete_user",
                &json!({"project": "default", "id": tom, "confirm": "tom@acme.test"}),
            )
            .await;
        let status = res.status().as_u16();
        if status != 409 || user_row(&app, tom).await.is_none() {
            wrong.push(format!(
                "delete_user via default: {status}, user exists: {}",
                user_row(&app, tom).await.is_some()
            ));
        }
        assert!(
            wrong.is_empty(),
            "a non-owner changed beta's owner:\n{}",
            wrong.join("\n")
        );
        app
    }
);

app_test!(
    an_admin_of_one_project_cannot_lock_someone_out_of_another,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        let bob = app.user("bob@acme.test", "default", "end_user").await;
        app.add_member(bob, "beta", "end_user").await;
        let ada = app.signed_in("ada@acme.test").await;
        let res = deactivate(&app, &ada, bob, None).await;
        assert_eq!(res.status(), 409);
        assert!(error_message(res)
            .await
            .contains("also belongs to a project you don't manage"));
        assert_eq!(status_of(&app, bob).await, "active");
        assert_eq!(events(&app, "user.deactivated", bob).await, 0);
        // Profile fields are account-wide too.
        let res = app
            .call_json(
                &ada,
                "update_user",
                &json!({"project": "default", "id": bob, "edit": edit("bob@acme.test", "Robert", "end_user")}),
            )
            .await;
        assert_eq!(res.status(), 409);
        assert_eq!(user_row(&app, bob).await.unwrap().1, "Test");

        let root = app.signed_in(ADMIN_EMAIL).await;
        let res = deactivate(&app, &root, bob, None).await;
        assert_eq!(res.status(), 200);
        assert_eq!(status_of(&app, bob).await, "inactive");
        assert_eq!(
            membership_statuses(&app, bob).await,
            ["inactive", "inactive"]
        );
        app
    }
);

// 4. Reactivate -------------------------------------------------------------------------------

app_test!(
    reactivated_users_sign_in_with_their_old_password,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let ada = app.signed_in("ada@acme.test").await;
        let body = json!({"project": "default", "id": tom});
        // Only a deactivated user can be reactivated.
        let res = app.call_json(&ada, "reactivate_user", &body).await;
        assert_eq!(res.status(), 409);
        assert_eq!(events(&app, "user.reactivated", tom).await, 0);

        assert_eq!(deactivate(&app, &ada, tom, None).await.status(), 200);
        assert_eq!(
            app.sign_in(&app.client(), "tom@acme.test", PASSWORD)
                .await
                .status(),
            422
        );
        let res = app.call_json(&ada, "reactivate_user", &body).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert_eq!(status_of(&app, tom).await, "active");
        assert_eq!(membership_statuses(&app, tom).await, ["active"]);
        assert_eq!(
            list_row(&app, &ada, "default", "tom@acme.test")
                .await
                .unwrap()["status"],
            "active"
        );
        assert_eq!(events(&app, "user.reactivated", tom).await, 1);
        let c = app.client();
        assert_eq!(
            app.sign_in(&c, "tom@acme.test", PASSWORD).await.status(),
            200
        );
        assert_eq!(app.viewer(&c).await["email"], "tom@acme.test");
        app
    }
);

// 5. Delete -----------------------------------------------------------------------------------

app_test!(
    only_deactivated_users_are_deleted_with_a_typed_confirmation,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        app.user("dev@acme.test", "default", "developer").await;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let _tom_browser = app.signed_in("tom@acme.test").await;
        let ada = app.signed_in("ada@acme.test").await;
        let del = |confirm: &str| json!({"project": "default", "id": tom, "confirm": confirm});

        let res = app
            .call_json(&ada, "delete_user", &del("tom@acme.test"))
            .await;
        assert_eq!(res.status(), 409, "active users are not deleted");
        assert!(error_message(res).await.contains("Deactivate them first"));
        assert!(user_row(&app, tom).await.is_some());

        assert_eq!(deactivate(&app, &ada, tom, None).await.status(), 200);
        let res = app
            .call_json(&ada, "delete_user", &del("someone@else.test"))
            .await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("confirm"));
        assert!(user_row(&app, tom).await.is_some());

        let dev = app.signed_in("dev@acme.test").await;
        let res = app
            .call_json(&dev, "delete_user", &del("tom@acme.test"))
            .await;
        assert_eq!(res.status(), 403);
        assert!(user_row(&app, tom).await.is_some());

        let res = app
            .call_json(&ada, "delete_user", &del("  TOM@acme.test "))
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert!(user_row(&app, tom).await.is_none());
        for table in ["memberships", "sessions", "group_members"] {
            assert_eq!(
                app.count(&format!(
                    "SELECT COUNT(*) FROM {table} WHERE user_id = {tom}"
                ))
                .await,
                0,
                "{table}"
            );
        }
        assert!(list_row(&app, &ada, "default", "tom@acme.test")
            .await
            .is_none());
        let (s, _) = app.get_json(&ada, &user_url("default", tom)).await;
        assert_eq!(s, 404);
        // The trail stays, with the email.
        let email: String = sqlx::query_scalar(
            "SELECT target_email FROM audit_events WHERE action = 'user.deleted' AND target_user_id = $1",
        )
        .bind(tom)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
        assert_eq!(email, "tom@acme.test");
        assert_eq!(events(&app, "user.deactivated", tom).await, 1);
        let res = app
            .call_json(&ada, "delete_user", &del("tom@acme.test"))
            .await;
        assert_eq!(res.status(), 404);

        // Nobody deletes their own account, not even a superadmin.
        let root_id = app
            .count(&format!(
                "SELECT id FROM users WHERE email = '{ADMIN_EMAIL}'"
            ))
            .await;
        let root = app.signed_in(ADMIN_EMAIL).await;
        let res = app
            .call_json(
                &root,
                "delete_user",
                &json!({"project": "default", "id": root_id, "confirm": ADMIN_EMAIL}),
            )
            .await;
        assert_eq!(res.status(), 409);
        assert!(error_message(res).await.contains("your own account"));
        assert!(user_row(&app, root_id).await.is_some());
        app
    }
);

// 6. Sessions ---------------------------------------------------------------------------------

app_test!(
    sessions_are_revoked_one_at_a_time_or_all_together,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        app.user("dev@acme.test", "default", "developer").await;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let ada = app.signed_in("ada@acme.test").await;

        let first = app.signed_in("tom@acme.test").await;
        let (_, d) = app.get_json(&ada, &user_url("default", tom)).await;
        let sessions = d["sessions"].as_array().unwrap();
        assert_eq!(sessions.len(), 1, "{d}");
        let first_id = sessions[0]["id"].as_i64().unwrap();
        let second = app.signed_in("tom@acme.test").await;
        let third = app.signed_in("tom@acme.test").await;
        let (_, d) = app.get_json(&ada, &user_url("default", tom)).await;
        assert_eq!(d["sessions"].as_array().unwrap().len(), 3);

        let revoke =
            |session: Option<i64>| json!({"project": "default", "id": tom, "session": session});
        let res = app
            .call_json(&ada, "revoke_user_sessions", &revoke(Some(first_id)))
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<u64>().await.unwrap(), 1);
        assert_eq!(app.viewer(&first).await, Value::Null);
        assert_eq!(app.viewer(&second).await["email"], "tom@acme.test");
        let (_, d) = app.get_json(&ada, &user_url("default", tom)).await;
        let left: Vec<i64> = d["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect();
        assert_eq!(left.len(), 2);
        assert!(!left.contains(&first_id));
        // The same session again: nothing left to revoke.
        let res = app
            .call_json(&ada, "revoke_user_sessions", &revoke(Some(first_id)))
            .await;
        assert_eq!(res.status(), 404);

        // Someone else's session, named under Tom: not found, and it keeps working.
        let ada_session = app
            .count(
                "SELECT MAX(s.id) FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE u.email = 'ada@acme.test'",
            )
            .await;
        let res = app
            .call_json(&ada, "revoke_user_sessions", &revoke(Some(ada_session)))
            .await;
        assert_eq!(res.status(), 404);
        assert_eq!(app.viewer(&ada).await["email"], "ada@acme.test");

        // Developers cannot revoke.
        let dev = app.signed_in("dev@acme.test").await;
        let res = app
            .call_json(&dev, "revoke_user_sessions", &revoke(None))
            .await;
        assert_eq!(res.status(), 403);
        assert_eq!(live_sessions(&app, tom).await, 2);

        let res = app
            .call_json(&ada, "revoke_user_sessions", &revoke(None))
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<u64>().await.unwrap(), 2);
        assert_eq!(app.viewer(&second).await, Value::Null);
        assert_eq!(app.viewer(&third).await, Value::Null);
        assert_eq!(live_sessions(&app, tom).await, 0);
        assert_eq!(
            status_of(&app, tom).await,
            "active",
            "only the sessions end"
        );
        assert_eq!(events(&app, "user.sessions_revoked", tom).await, 2);
        let details = last_details(&app, "user.sessions_revoked", tom).await;
        assert_eq!(details["count"], 2);
        // He may sign in again.
        app.signed_in("tom@acme.test").await;
        app
    }
);

// 7. Bulk -------------------------------------------------------------------------------------

app_test!(
    bulk_actions_change_whom_they_may_and_list_the_rest,
    |app: TestApp| async move {
        let ada_id = app.user("ada@acme.test", "default", "admin").await;
        app.user("dev@acme.test", "default", "developer").await;
        let u1 = app.user("u1@acme.test", "default", "end_user").await;
        let u2 = app.user("u2@acme.test", "default", "end_user").await;
        let gone = app.user("gone@acme.test", "default", "end_user").await;
        let x = app.user("x@other.test", "other", "end_user").await;
        app.group("default", "staff").await;
        app.group("other", "staff").await;
        let ada = app.signed_in("ada@acme.test").await;
        assert_eq!(deactivate(&app, &ada, gone, None).await.status(), 200);

        let res = bulk(&app, &ada, &[gone, u2, ada_id, u1], json!("Deactivate")).await;
        assert_eq!(res.status(), 200);
        let sum: Value = res.json().await.unwrap();
        assert_eq!(emails(&sum["changed"]), ["u1@acme.test", "u2@acme.test"]);
        let refused = sum["refused"].as_array().unwrap();
        assert_eq!(refused.len(), 2, "{sum}");
        assert_eq!(refused[0][0], "ada@acme.test");
        assert_eq!(
            refused[0][1],
            "You can't deactivate or delete your own account."
        );
        assert_eq!(refused[1][0], "gone@acme.test");
        assert!(refused[1][1].as_str().unwrap().contains("is not active"));
        for id in [u1, u2] {
            assert_eq!(status_of(&app, id).await, "inactive");
            assert_eq!(events(&app, "user.deactivated", id).await, 1);
        }
        assert_eq!(status_of(&app, ada_id).await, "active");
        assert_eq!(events(&app, "user.deactivated", ada_id).await, 0);
        assert_eq!(events(&app, "user.deactivated", gone).await, 1);

        let res = bulk(&app, &ada, &[u1, u2], json!("Reactivate")).await;
        let sum: Value = res.json().await.unwrap();
        assert_eq!(emails(&sum["changed"]), ["u1@acme.test", "u2@acme.test"]);
        assert_eq!(status_of(&app, u1).await, "active");

        // Another project's user is refused and stays as they were.
        let res = bulk(&app, &ada, &[u1, x, u2], json!({"ChangeRole": "developer"})).await;
        assert_eq!(res.status(), 200);
        let sum: Value = res.json().await.unwrap();
        assert_eq!(emails(&sum["changed"]), ["u1@acme.test", "u2@acme.test"]);
        assert_eq!(
            sum["refused"],
            json!([[format!("#{x}"), "Not a member of this project."]])
        );
        assert_eq!(
            role_in(&app, "default", u1).await.as_deref(),
            Some("developer")
        );
        assert_eq!(
            role_in(&app, "default", u2).await.as_deref(),
            Some("developer")
        );
        assert_eq!(role_in(&app, "other", x).await.as_deref(), Some("end_user"));
        assert_eq!(role_in(&app, "default", x).await, None);
        assert_eq!(events(&app, "user.updated", u1).await, 1);
        assert_eq!(events(&app, "user.updated", x).await, 0);
        assert_eq!(
            last_details(&app, "user.updated", u1).await["role"],
            json!({"from": "end_user", "to": "developer"})
        );
        // Again: already there.
        let sum: Value = bulk(&app, &ada, &[u1], json!({"ChangeRole": "developer"}))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(sum["changed"], json!([]));
        assert!(sum["refused"][0][1]
            .as_str()
            .unwrap()
            .contains("already has this role"));

        let res = bulk(&app, &ada, &[u1, u2, x], json!({"AddToGroup": "staff"})).await;
        assert_eq!(res.status(), 200);
        let sum: Value = res.json().await.unwrap();
        assert_eq!(emails(&sum["changed"]), ["u1@acme.test", "u2@acme.test"]);
        assert_eq!(sum["refused"].as_array().unwrap().len(), 1);
        let (_, d) = app.get_json(&ada, &user_url("default", u1)).await;
        assert_eq!(d["groups"], json!(["staff"]));
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM group_members WHERE user_id = {x}"
            ))
            .await,
            0
        );
        assert_eq!(events(&app, "user.updated", u1).await, 2);
        let sum: Value = bulk(&app, &ada, &[u1], json!({"AddToGroup": "staff"}))
            .await
            .json()
            .await
            .unwrap();
        assert!(sum["refused"][0][1]
            .as_str()
            .unwrap()
            .contains("already in this group"));

        // The rules refuse per user, in the summary: owners are an owner's business, the owner
        // role too, and someone who is also in a project Ada does not administer keeps their
        // account.
        let olive = app.user("olive@acme.test", "default", "owner").await;
        let both = app.user("both@acme.test", "default", "end_user").await;
        app.add_member(both, "other", "end_user").await;
        let sum: Value = bulk(&app, &ada, &[olive], json!({"AddToGroup": "staff"}))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            sum["refused"],
            json!([["olive@acme.test", "Only an owner can change an owner."]])
        );
        // Nobody grants what they don't hold: the owner role carries project:manage, which
        // Ada lacks, so the whole action is refused before anyone changes.
        let res = bulk(&app, &ada, &[u1, olive], json!({"ChangeRole": "owner"})).await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        assert!(body.contains("project:manage"), "{body}");
        assert_eq!(
            role_in(&app, "default", u1).await.as_deref(),
            Some("developer")
        );
        let sum: Value = bulk(&app, &ada, &[both, olive], json!("Deactivate"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(sum["changed"], json!([]), "{sum}");
        assert_eq!(sum["refused"][0][0], "olive@acme.test", "{sum}");
        assert_eq!(sum["refused"][0][1], "Only an owner can change an owner.");
        assert_eq!(sum["refused"][1][0], "both@acme.test", "{sum}");
        assert!(sum["refused"][1][1]
            .as_str()
            .unwrap()
            .contains("also belongs to a project you don't manage"));
        assert_eq!(status_of(&app, both).await, "active");
        assert_eq!(status_of(&app, olive).await, "active");

        // Bad requests change nobody.
        let before = app.count("SELECT COUNT(*) FROM audit_events").await;
        for (action, ids, field) in [
            (json!({"ChangeRole": "wizard"}), vec![u1, u2], "role"),
            (json!({"AddToGroup": "ghosts"}), vec![u1, u2], "groups"),
            (json!("Deactivate"), vec![], "selection"),
            (
                json!("Deactivate"),
                (1..=101).collect::<Vec<i64>>(),
                "selection",
            ),
        ] {
            let res = bulk(&app, &ada, &ids, action.clone()).await;
            assert_eq!(res.status(), 422, "{action} × {}", ids.len());
            assert_eq!(error_field(res).await.as_deref(), Some(field), "{action}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events").await, before);
        assert_eq!(status_of(&app, u1).await, "active");
        assert_eq!(status_of(&app, ada_id).await, "active");

        // Developers may not act in bulk.
        let dev = app.signed_in("dev@acme.test").await;
        for action in [json!("Deactivate"), json!({"ChangeRole": "end_user"})] {
            assert_eq!(bulk(&app, &dev, &[u1], action).await.status(), 403);
        }
        assert_eq!(
            role_in(&app, "default", u1).await.as_deref(),
            Some("developer")
        );
        app
    }
);

// 8. Activity ---------------------------------------------------------------------------------

app_test!(
    activity_lists_sign_ins_and_changes_newest_first_within_reach,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        app.user("dev@acme.test", "default", "developer").await;
        app.user("end@acme.test", "default", "end_user").await;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        app.add_member(tom, "beta", "end_user").await;
        let olga = app.user("olga@other.test", "other", "admin").await;
        let root = app.signed_in(ADMIN_EMAIL).await;
        let ada = app.signed_in("ada@acme.test").await;

        for _ in 0..2 {
            app.signed_in("tom@acme.test").await;
        }
        // A change made in `beta`, which Ada does not administer.
        let res = app
            .call_json(
                &root,
                "update_user",
                &json!({"project": "beta", "id": tom, "edit": edit("tom@acme.test", "Tommy", "end_user")}),
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        // Ada changes only his role here (his profile is not hers to change: he is in `beta`).
        let res = app
            .call_json(
                &ada,
                "update_user",
                &json!({"project": "default", "id": tom, "edit": edit("tom@acme.test", "Tommy", "developer")}),
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

        let (s, page) = app.get_json(&ada, &activity_url("default", tom, 1)).await;
        assert_eq!(s, 200, "{page}");
        assert_eq!(page["total"], 3, "{page}");
        let items = page["items"].as_array().unwrap();
        let actions: Vec<&str> = items
            .iter()
            .map(|i| i["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            ["user.updated", "auth.signed_in", "auth.signed_in"]
        );
        assert_eq!(items[0]["actor_email"], "ada@acme.test");
        let details: Value = serde_json::from_str(items[0]["details"].as_str().unwrap()).unwrap();
        assert_eq!(details["changed"], json!([]));
        assert_eq!(
            details["role"],
            json!({"from": "end_user", "to": "developer"})
        );
        for i in items {
            assert_eq!(i["ip"], "127.0.0.1");
            let device = i["device"].as_str().unwrap();
            assert!(
                device.starts_with("Chrome") && device.ends_with(" on Linux (desktop)"),
                "{device}"
            );
        }
        let sign_in: Value = serde_json::from_str(items[1]["details"].as_str().unwrap()).unwrap();
        assert!(sign_in["session_id"].as_i64().is_some(), "{sign_in}");
        // The superadmin also sees the `beta` change.
        let (_, all) = app.get_json(&root, &activity_url("default", tom, 1)).await;
        assert_eq!(all["total"], 4);
        assert_eq!(all["items"][1]["action"], "user.updated");
        assert_eq!(all["items"][1]["actor_email"], ADMIN_EMAIL);

        // More than a page: 20 newest first, then the rest.
        for _ in 0..20 {
            app.signed_in("tom@acme.test").await;
        }
        let (_, p1) = app.get_json(&ada, &activity_url("default", tom, 1)).await;
        let (s, p2) = app.get_json(&ada, &activity_url("default", tom, 2)).await;
        assert_eq!(s, 200);
        assert_eq!(p1["total"], 23);
        assert_eq!(p2["total"], 23);
        assert_eq!(p1["page"], 1);
        assert_eq!(p2["page"], 2);
        assert_eq!(p1["items"].as_array().unwrap().len(), 20);
        assert_eq!(p2["items"].as_array().unwrap().len(), 3);
        let all: Vec<(i64, i64)> = p1["items"]
            .as_array()
            .unwrap()
            .iter()
            .chain(p2["items"].as_array().unwrap())
            .map(|i| (i["at"].as_i64().unwrap(), i["id"].as_i64().unwrap()))
            .collect();
        let mut sorted = all.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        sorted.dedup();
        assert_eq!(all, sorted, "newest first, no repeats");
        assert_eq!(p2["items"][2]["action"], "auth.signed_in", "the oldest");
        assert_eq!(p1["items"][0]["action"], "auth.signed_in", "the newest");

        // Who may look: developers yes, end users no; other projects' users are not found.
        let dev = app.signed_in("dev@acme.test").await;
        let (s, p) = app.get_json(&dev, &activity_url("default", tom, 1)).await;
        assert_eq!(s, 200);
        assert_eq!(p["total"], 23);
        let end = app.signed_in("end@acme.test").await;
        let (s, _) = app.get_json(&end, &activity_url("default", tom, 1)).await;
        assert_eq!(s, 403);
        let (s, _) = app.get_json(&ada, &activity_url("default", olga, 1)).await;
        assert_eq!(s, 404);
        app
    }
);

// 9. Cross-site -------------------------------------------------------------------------------

app_test!(
    another_site_cannot_deactivate_through_the_admins_browser,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let tom_browser = app.signed_in("tom@acme.test").await;
        let ada = app.signed_in("ada@acme.test").await;
        let body = json!({"project": "default", "id": tom, "reason": "csrf"});
        let attempts: [&[(&str, &str)]; 3] = [
            &[
                ("origin", "https://evil.example"),
                ("sec-fetch-site", "cross-site"),
            ],
            &[("origin", "https://evil.example")],
            &[("sec-fetch-site", "same-site")],
        ];
        for headers in attempts {
            let mut req = ada.post(app.url("/api/deactivate_user")).json(&body);
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 403, "{headers:?}");
            // The body is the AppError, as server functions answer, so the page can say why.
            assert_eq!(
                common::error_message(res).await,
                "This request came from another site and was refused."
            );
        }
        assert_eq!(status_of(&app, tom).await, "active");
        assert_eq!(live_sessions(&app, tom).await, 1);
        assert_eq!(app.viewer(&tom_browser).await["email"], "tom@acme.test");
        assert_eq!(events(&app, "user.deactivated", tom).await, 0);
        // The same call from the console itself works.
        assert_eq!(deactivate(&app, &ada, tom, None).await.status(), 200);
        app
    }
);

app_test!(
    a_password_reset_link_works_once_and_signs_everyone_out,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        app.user("dev@acme.test", "default", "developer").await;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let tom_browser = app.signed_in("tom@acme.test").await;
        let ada = app.signed_in("ada@acme.test").await;

        // A developer may not send one; an admin may, and only a hash is stored.
        let dev = app.signed_in("dev@acme.test").await;
        let res = app
            .call_json(
                &dev,
                "send_password_reset",
                &json!({"project": "default", "id": tom}),
            )
            .await;
        assert_eq!(res.status(), 403);
        assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);
        let res = app
            .call_json(
                &ada,
                "send_password_reset",
                &json!({"project": "default", "id": tom}),
            )
            .await;
        assert_eq!(res.status(), 200);
        let first = app.reset_token("tom@acme.test").await;
        assert!(first.len() >= 40);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM password_resets WHERE user_id = {tom} AND token_hash = '{first}'"
            ))
            .await,
            0,
            "the token itself is never stored"
        );
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'user.password_reset_sent'"
            )
            .await,
            1
        );
        // A second link kills the first.
        let res = app
            .call_json(
                &ada,
                "send_password_reset",
                &json!({"project": "default", "id": tom}),
            )
            .await;
        assert_eq!(res.status(), 200);
        let second = app.reset_token("tom@acme.test").await;
        assert_ne!(first, second);

        let anon = app.client();
        let reset = |token: String, password: &'static str, confirm: &'static str| {
            let (app, anon) = (&app, &anon);
            async move {
                app.call(
                    anon,
                    "reset_password",
                    &[
                        ("token", &token),
                        ("password", password),
                        ("confirm", confirm),
                    ],
                )
                .await
            }
        };
        let res = reset(
            first.clone(),
            "a brand new password",
            "a brand new password",
        )
        .await;
        assert_eq!(res.status(), 422, "the older link is dead");
        let res = reset(second.clone(), "a brand new password", "a different one!").await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("confirm"));
        let res = reset(second.clone(), "short", "short").await;
        assert_eq!(error_field(res).await.as_deref(), Some("password"));
        let res = reset(
            second.clone(),
            "a brand new password",
            "a brand new password",
        )
        .await;
        assert_eq!(res.status(), 200);

        // Tom's old session ended; the old password fails, the new one works; the link is spent.
        assert_eq!(app.viewer(&tom_browser).await, Value::Null);
        let c = app.client();
        assert_eq!(
            app.sign_in(&c, "tom@acme.test", PASSWORD).await.status(),
            401
        );
        assert_eq!(
            app.sign_in(&c, "tom@acme.test", "a brand new password")
                .await
                .status(),
            200
        );
        let res = reset(second, "another new password", "another new password").await;
        assert_eq!(res.status(), 422);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'auth.password_reset' AND target_user_id = {tom}"
            ))
            .await,
            1
        );

        // Expired links and inactive accounts are refused.
        let res = app
            .call_json(
                &ada,
                "send_password_reset",
                &json!({"project": "default", "id": tom}),
            )
            .await;
        assert_eq!(res.status(), 200);
        let expired = app.reset_token("tom@acme.test").await;
        app.exec(&format!(
            "UPDATE password_resets SET expires_at = 1 WHERE user_id = {tom} AND used_at IS NULL"
        ))
        .await;
        let res = reset(expired, "yet another password", "yet another password").await;
        assert_eq!(res.status(), 422);
        app.exec(&format!(
            "UPDATE users SET status = 'inactive' WHERE id = {tom}"
        ))
        .await;
        let res = app
            .call_json(
                &ada,
                "send_password_reset",
                &json!({"project": "default", "id": tom}),
            )
            .await;
        assert_eq!(res.status(), 409);
        assert!(error_message(res).await.contains("not active"));
        app
    }
);

app_test!(
    nobody_grants_what_they_do_not_hold_and_owners_by_permission_are_protected,
    |app: TestApp| async move {
        let ada = app.user("ada@acme.test", "default", "admin").await;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let ada_c = app.signed_in("ada@acme.test").await;
        // A custom role and a group that both carry project:manage.
        app.exec(
            "INSERT INTO roles (project_id, name, builtin, created_at) \
             SELECT id, 'steward', 0, 0 FROM projects WHERE slug = 'default'",
        )
        .await;
        app.exec(
            "INSERT INTO role_permissions (role_id, permission) \
             SELECT r.id, 'project:manage' FROM roles r JOIN projects p ON p.id = r.project_id \
              WHERE p.slug = 'default' AND r.name = 'steward'",
        )
        .await;
        let keys = app.group("default", "keyholders").await;
        app.exec(&format!(
            "INSERT INTO group_permissions (group_id, permission) VALUES ({keys}, 'project:manage')"
        ))
        .await;
        let plain = app.group("default", "readers").await;
        app.exec(&format!(
            "INSERT INTO group_permissions (group_id, permission) VALUES ({plain}, 'users:read'), ({plain}, 'custom:thing')"
        ))
        .await;

        let mut e = edit("tom@acme.test", "Tom", "steward");
        let res = app
            .call_json(
                &ada_c,
                "update_user",
                &json!({"project": "default", "id": tom, "edit": e}),
            )
            .await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("role"));
        e = edit("tom@acme.test", "Tom", "end_user");
        e["groups"] = json!(["keyholders"]);
        let res = app
            .call_json(
                &ada_c,
                "update_user",
                &json!({"project": "default", "id": tom, "edit": e}),
            )
            .await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("groups"));
        // Not for herself either, and not in bulk.
        let res = bulk(&app, &ada_c, &[ada], json!({"AddToGroup": "keyholders"})).await;
        assert_eq!(res.status(), 422);
        let res = bulk(&app, &ada_c, &[tom], json!({"ChangeRole": "steward"})).await;
        assert_eq!(res.status(), 422);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM group_members WHERE group_id = {keys}"
            ))
            .await,
            0
        );
        // Permissions she holds (and custom strings) are hers to give.
        e["groups"] = json!(["readers"]);
        let res = app
            .call_json(
                &ada_c,
                "update_user",
                &json!({"project": "default", "id": tom, "edit": e}),
            )
            .await;
        assert_eq!(res.status(), 200);

        // Someone who manages the project through a group is an owner, whatever their role.
        app.exec(&format!(
            "INSERT INTO group_members (group_id, user_id, added_at) VALUES ({keys}, {tom}, 0)"
        ))
        .await;
        let res = app
            .call_json(
                &ada_c,
                "deactivate_user",
                &json!({"project": "default", "id": tom, "reason": null}),
            )
            .await;
        assert_eq!(res.status(), 409);
        assert!(error_message(res).await.contains("Only an owner"));
        assert_eq!(status_of(&app, tom).await, "active");
        // A superadmin may.
        let root = app.signed_in(ADMIN_EMAIL).await;
        let res = app
            .call_json(
                &root,
                "deactivate_user",
                &json!({"project": "default", "id": tom, "reason": null}),
            )
            .await;
        assert_eq!(res.status(), 200);
        app
    }
);
