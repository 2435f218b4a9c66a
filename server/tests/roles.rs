//! Roles over HTTP: listed for readers of the project's users, changed by holders of
//! `roles:manage`; the owner role is fixed, built-in roles are never deleted, nobody grants what
//! they do not hold, a role in use is deleted only by moving its members, a change never leaves
//! a project without an owner; every change is audited and takes effect at once.
mod common;
use common::*;
use reqwest::Client;
use serde_json::{json, Value};

async fn roles(app: &TestApp, c: &Client, project: &str) -> Vec<Value> {
    let (status, v) = app
        .get_json(c, &format!("/api/roles?project={project}"))
        .await;
    assert_eq!(status, 200, "{v}");
    v.as_array().unwrap().clone()
}

fn find<'a>(list: &'a [Value], name: &str) -> &'a Value {
    list.iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no role {name} in {list:?}"))
}

/// The form a browser posts: the checked permissions as `permissions[]`.
fn access_form<'a>(fields: &[(&'a str, &'a str)], perms: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    let mut form = fields.to_vec();
    form.extend(perms.iter().map(|p| ("permissions[]", *p)));
    form
}

async fn create(
    app: &TestApp,
    c: &Client,
    project: &str,
    name: &str,
    perms: &[&str],
) -> reqwest::Response {
    app.call(
        c,
        "create_role",
        &access_form(
            &[("project", project), ("name", name), ("description", "")],
            perms,
        ),
    )
    .await
}

async fn update_in(
    app: &TestApp,
    c: &Client,
    project: &str,
    id: i64,
    name: &str,
    perms: &[&str],
) -> reqwest::Response {
    let id = id.to_string();
    app.call(
        c,
        "update_role",
        &access_form(
            &[
                ("project", project),
                ("id", &id),
                ("name", name),
                ("description", "edited"),
            ],
            perms,
        ),
    )
    .await
}

async fn update(
    app: &TestApp,
    c: &Client,
    id: i64,
    name: &str,
    perms: &[&str],
) -> reqwest::Response {
    update_in(app, c, "default", id, name, perms).await
}

async fn delete(app: &TestApp, c: &Client, id: i64, move_to: Option<i64>) -> reqwest::Response {
    let move_to = move_to.map(|m| m.to_string()).unwrap_or_default();
    app.call(
        c,
        "delete_role",
        &[
            ("project", "default"),
            ("id", &id.to_string()),
            ("move_to", &move_to),
        ],
    )
    .await
}

async fn role_id(app: &TestApp, project: &str, name: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT r.id FROM roles r JOIN projects p ON p.id = r.project_id WHERE p.slug = $1 AND r.name = $2",
    )
    .bind(project)
    .bind(name)
    .fetch_one(app.db().pool())
    .await
    .unwrap()
}

async fn viewer_permissions(app: &TestApp, c: &Client) -> Vec<String> {
    let v = app.viewer(c).await;
    let p = v["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == "default")
        .unwrap();
    serde_json::from_value(p["permissions"].clone()).unwrap()
}

app_test!(
    roles_are_listed_with_their_permissions_and_members,
    |app: TestApp| async move {
        app.user("dev@acme.test", "default", "developer").await;
        app.user("a@acme.test", "default", "end_user").await;
        app.user("b@acme.test", "default", "end_user").await;
        app.user("c@acme.test", "other", "end_user").await;
        let dev = app.signed_in("dev@acme.test").await;
        let list = roles(&app, &dev, "default").await;
        let names: Vec<&str> = list.iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(
            &names[..4],
            ["owner", "admin", "developer", "end_user"],
            "built-in first"
        );
        let end_user = find(&list, "end_user");
        assert_eq!(
            end_user["members"], 2,
            "other projects' members do not count"
        );
        assert_eq!(end_user["builtin"], true);
        assert_eq!(
            find(&list, "developer")["permissions"],
            json!(["audit:read", "users:export", "users:read"])
        );
        assert_eq!(
            find(&list, "owner")["permissions"]
                .as_array()
                .unwrap()
                .len(),
            12
        );

        // No `users:read` in the project: refused; signed out: asked to sign in.
        let user = app.signed_in("a@acme.test").await;
        assert_eq!(
            app.get_json(&user, "/api/roles?project=default").await.0,
            403
        );
        assert_eq!(
            app.get_json(&app.client(), "/api/roles?project=default")
                .await
                .0,
            401
        );
        assert_eq!(app.get_json(&dev, "/api/roles?project=other").await.0, 403);
        app
    }
);

app_test!(
    a_new_role_is_checked_then_shows_everywhere,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        app.user("dev@acme.test", "default", "developer").await;
        let admin = app.signed_in("ada@acme.test").await;

        // A developer does not manage roles.
        let dev = app.signed_in("dev@acme.test").await;
        assert_eq!(
            create(&app, &dev, "default", "Support", &["users:read"])
                .await
                .status(),
            403
        );

        // Bad input, each under its field; nothing written.
        let res = create(&app, &admin, "default", "  ", &[]).await;
        assert_eq!(
            (res.status().as_u16(), error_field(res).await.as_deref()),
            (422, Some("name"))
        );
        let res = create(&app, &admin, "default", "Support", &["Billing Refund"]).await;
        assert_eq!(res.status(), 422);
        assert_eq!(
            error_message(res).await,
            "\"Billing Refund\" is not a permission: write resource:action in lowercase, like billing:refund."
        );
        let res = create(&app, &admin, "default", "ADMIN", &[]).await;
        assert_eq!(
            (res.status().as_u16(), error_field(res).await.as_deref()),
            (422, Some("name"))
        );
        // Nobody grants what they don't hold: admins lack project:manage.
        let res = create(
            &app,
            &admin,
            "default",
            "Boss",
            &["project:manage", "users:read"],
        )
        .await;
        assert_eq!(res.status(), 422);
        assert_eq!(
            error_message(res).await,
            "You can't grant permissions you don't have: project:manage."
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM roles WHERE name IN ('Support', 'Boss')")
                .await,
            0
        );

        let res = create(
            &app,
            &admin,
            "default",
            " Support ",
            &["users:read", "billing:refund", "users:read"],
        )
        .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let list = roles(&app, &admin, "default").await;
        let support = find(&list, "Support");
        assert_eq!(
            support["permissions"],
            json!(["billing:refund", "users:read"])
        );
        assert_eq!(
            (support["builtin"].clone(), support["members"].clone()),
            (json!(false), json!(0))
        );
        // It is offered at once in the Users page's filter and the invite and edit dialogs.
        let (_, dir) = app.get_json(&admin, "/api/directory?project=default").await;
        assert!(
            dir["roles"].as_array().unwrap().contains(&json!("Support")),
            "{dir}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'role.created'")
                .await,
            1
        );
        // Another project's admin cannot see or touch it.
        app.user("other@acme.test", "other", "admin").await;
        let other = app.signed_in("other@acme.test").await;
        let id = role_id(&app, "default", "Support").await;
        assert_eq!(update(&app, &other, id, "Mine", &[]).await.status(), 403);
        app
    }
);

app_test!(
    edits_keep_the_owner_role_the_grant_rule_and_an_owner,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        app.user("dev@acme.test", "default", "developer").await;
        let admin = app.signed_in("ada@acme.test").await;
        let root = app.signed_in(ADMIN_EMAIL).await;
        let owner = role_id(&app, "default", "owner").await;
        let developer = role_id(&app, "default", "developer").await;

        let res = update(&app, &root, owner, "owner", &["users:read"]).await;
        assert_eq!(
            res.status(),
            409,
            "the owner role is fixed, even for a superadmin"
        );
        let res = update(&app, &admin, developer, "devs", &["users:read"]).await;
        assert_eq!(
            (res.status().as_u16(), error_field(res).await.as_deref()),
            (422, Some("name"))
        );

        // Effective at once: a developer's permissions follow the role's.
        let dev = app.signed_in("dev@acme.test").await;
        assert!(!viewer_permissions(&app, &dev)
            .await
            .contains(&"users:invite".to_string()));
        let res = update(
            &app,
            &admin,
            developer,
            "developer",
            &["users:read", "users:invite", "audit:read"],
        )
        .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let perms = viewer_permissions(&app, &dev).await;
        assert!(perms.contains(&"users:invite".to_string()), "{perms:?}");
        assert!(!perms.contains(&"users:export".to_string()), "{perms:?}");
        let details: String = sqlx::query_scalar(
            "SELECT details FROM audit_events WHERE action = 'role.updated' ORDER BY id DESC LIMIT 1",
        )
        .fetch_one(app.db().pool())
        .await
        .unwrap();
        let details: Value = serde_json::from_str(&details).unwrap();
        assert_eq!(details["added"], json!(["users:invite"]));
        assert_eq!(details["removed"], json!(["users:export"]));

        // A role that holds more than the editor: out of reach, before and after.
        let res = create(
            &app,
            &root,
            "default",
            "Chief",
            &["project:manage", "users:read"],
        )
        .await;
        assert_eq!(res.status(), 200);
        let chief = role_id(&app, "default", "Chief").await;
        let res = update(&app, &admin, chief, "Chief", &["users:read"]).await;
        assert_eq!(
            res.status(),
            422,
            "an admin cannot take project:manage away either"
        );

        // The last active owner holds project:manage through Chief: the edit that would take
        // it away is refused and changes nothing.
        let boss = app.user("boss@acme.test", "acme", "end_user").await;
        let res = create(&app, &root, "acme", "Chief", &["project:manage"]).await;
        assert_eq!(res.status(), 200);
        let acme_chief = role_id(&app, "acme", "Chief").await;
        app.exec(&format!(
            "UPDATE memberships SET role_id = {acme_chief} WHERE user_id = {boss}"
        ))
        .await;
        let res = update_in(&app, &root, "acme", acme_chief, "Chief", &["users:read"]).await;
        assert_eq!(res.status(), 422);
        assert!(error_message(res).await.contains("last owner"));
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM role_permissions WHERE role_id = {acme_chief} AND permission = 'project:manage'"
            ))
            .await,
            1
        );
        app
    }
);

app_test!(
    a_role_in_use_is_deleted_by_moving_its_members,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        let a = app.user("a@acme.test", "default", "end_user").await;
        let b = app.user("b@acme.test", "default", "end_user").await;
        let admin = app.signed_in("ada@acme.test").await;
        assert_eq!(
            create(&app, &admin, "default", "Temp", &["users:read"])
                .await
                .status(),
            200
        );
        let temp = role_id(&app, "default", "Temp").await;
        let end_user = role_id(&app, "default", "end_user").await;
        let developer = role_id(&app, "default", "developer").await;
        for id in [a, b] {
            app.exec(&format!(
                "UPDATE memberships SET role_id = {temp} WHERE user_id = {id}"
            ))
            .await;
        }
        assert_eq!(
            find(&roles(&app, &admin, "default").await, "Temp")["members"],
            2
        );

        // Built-in roles stay; a role in use needs somewhere for its members.
        let res = delete(&app, &admin, developer, None).await;
        assert_eq!(res.status(), 409);
        let res = delete(&app, &admin, temp, None).await;
        assert_eq!(
            (res.status().as_u16(), error_field(res).await.as_deref()),
            (422, Some("move_to"))
        );
        let res = delete(&app, &admin, temp, Some(temp)).await;
        assert_eq!(res.status(), 422);
        // Not to a role above the deleter, nor to another project's role.
        let owner = role_id(&app, "default", "owner").await;
        let res = delete(&app, &admin, temp, Some(owner)).await;
        assert_eq!(
            (res.status().as_u16(), error_field(res).await.as_deref()),
            (422, Some("move_to"))
        );
        app.user("x@acme.test", "other", "end_user").await;
        let foreign = role_id(&app, "other", "end_user").await;
        let res = delete(&app, &admin, temp, Some(foreign)).await;
        assert_eq!(
            (res.status().as_u16(), error_field(res).await.as_deref()),
            (422, Some("move_to"))
        );
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM roles WHERE id = {temp}"))
                .await,
            1
        );

        let res = delete(&app, &admin, temp, Some(end_user)).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let done: Value = res.json().await.unwrap();
        assert_eq!(done["message"], "Role “Temp” deleted.");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM memberships WHERE role_id = {end_user} AND user_id IN ({a}, {b})"
            ))
            .await,
            2
        );
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM roles WHERE id = {temp}"))
                .await,
            0
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM membership_counts WHERE role_id = {temp}"
            ))
            .await,
            0
        );
        let list = roles(&app, &admin, "default").await;
        assert_eq!(
            find(&list, "end_user")["members"],
            2,
            "the counts follow the move"
        );
        let details: String =
            sqlx::query_scalar("SELECT details FROM audit_events WHERE action = 'role.deleted'")
                .fetch_one(app.db().pool())
                .await
                .unwrap();
        let details: Value = serde_json::from_str(&details).unwrap();
        assert_eq!(
            (
                details["role"].clone(),
                details["moved_to"].clone(),
                details["members_moved"].clone()
            ),
            (json!("Temp"), json!("end_user"), json!(2))
        );

        // An unused role goes without a target; a role of another project is not found here.
        assert_eq!(
            create(&app, &admin, "default", "Spare", &[]).await.status(),
            200
        );
        let spare = role_id(&app, "default", "Spare").await;
        assert_eq!(delete(&app, &admin, spare, None).await.status(), 200);
        let other_role = role_id(&app, "other", "developer").await;
        assert_eq!(delete(&app, &admin, other_role, None).await.status(), 404);
        app
    }
);
