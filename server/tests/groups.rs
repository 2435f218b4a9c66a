//! Groups over HTTP: seen by readers of the project's users, changed by holders of
//! `groups:manage` with plain form posts; nobody grants what they do not hold; members are the
//! project's own; a change never leaves a project without an owner; members' effective
//! permissions follow every change at once; each change is audited; the page is rendered by
//! the server with its members, search and "Add members" picker.
mod common;
use common::*;
use reqwest::Client;

async fn create(
    app: &TestApp,
    c: &Client,
    name: &str,
    perms: &[&str],
    custom: &str,
) -> reqwest::Response {
    let mut form = vec![
        ("project", "default"),
        ("name", name),
        ("description", "A team"),
        ("custom", custom),
    ];
    form.extend(perms.iter().map(|p| ("permissions[]", *p)));
    app.call(c, "create_group", &form).await
}

async fn update(
    app: &TestApp,
    c: &Client,
    id: i64,
    name: &str,
    perms: &[&str],
) -> reqwest::Response {
    let id = id.to_string();
    let mut form = vec![
        ("project", "default"),
        ("id", id.as_str()),
        ("name", name),
        ("description", "Edited"),
    ];
    form.extend(perms.iter().map(|p| ("permissions[]", *p)));
    app.call(c, "update_group", &form).await
}

async fn member(app: &TestApp, c: &Client, op: &str, group: i64, user: i64) -> reqwest::Response {
    app.call(
        c,
        op,
        &[
            ("project", "default"),
            ("id", &group.to_string()),
            ("user", &user.to_string()),
        ],
    )
    .await
}

async fn group_id(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM groups WHERE name = $1")
        .bind(name)
        .fetch_one(app.db().pool())
        .await
        .unwrap()
}

async fn permissions_of(app: &TestApp, name: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT gp.permission FROM group_permissions gp JOIN groups g ON g.id = gp.group_id \
          WHERE g.name = $1 ORDER BY gp.permission",
    )
    .bind(name)
    .fetch_all(app.db().pool())
    .await
    .unwrap()
}

/// The (action, target email, details) of the project's group events, oldest first.
async fn group_events(app: &TestApp) -> Vec<(String, Option<String>, serde_json::Value)> {
    let rows: Vec<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT action, target_email, details FROM audit_events WHERE action LIKE 'group.%' ORDER BY id",
    )
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    rows.into_iter()
        .map(|(a, t, d)| (a, t, serde_json::from_str(&d).unwrap()))
        .collect()
}

async fn can_read_users(app: &TestApp, c: &Client) -> bool {
    app.get_json(c, "/api/roles?project=default").await.0 == 200
}

app_test!(
    groups_are_created_checked_edited_and_deleted_with_their_audit_trail,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        app.user("dev@acme.test", "default", "developer").await;
        let admin = app.signed_in("ada@acme.test").await;
        let dev = app.signed_in("dev@acme.test").await;

        // A developer reads groups but does not manage them.
        let res = create(&app, &dev, "Support", &["users:read"], "").await;
        assert_eq!(res.status(), 403);

        // Bad input, each under its field; nothing written.
        let res = create(&app, &admin, "  ", &[], "").await;
        assert_eq!(
            (res.status().as_u16(), error_field(res).await.as_deref()),
            (422, Some("name"))
        );
        let res = create(&app, &admin, "Support", &[], "Billing Refund").await;
        assert_eq!(res.status(), 422);
        assert_eq!(
            error_message(res).await,
            "\"Billing\" is not a permission: write resource:action in lowercase, like billing:refund."
        );
        // Nobody grants what they don't hold: admins lack project:manage.
        let res = create(&app, &admin, "Bosses", &["project:manage"], "").await;
        assert_eq!(
            (res.status().as_u16(), error_field(res).await.as_deref()),
            (422, Some("permissions"))
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM groups").await, 0);

        // Created: checked boxes and custom strings, trimmed, sorted, deduplicated.
        let res = create(
            &app,
            &admin,
            " Support ",
            &["users:read", "users:export"],
            "billing:refund\nusers:read, reports:view",
        )
        .await;
        assert_eq!(res.status(), 200);
        let done: serde_json::Value = res.json().await.unwrap();
        let id = group_id(&app, "Support").await;
        assert_eq!(done["to"], format!("/p/default/groups/{id}"));
        assert_eq!(done["message"], "Group \"Support\" created.");
        assert_eq!(
            permissions_of(&app, "Support").await,
            [
                "billing:refund",
                "reports:view",
                "users:export",
                "users:read"
            ]
        );
        // Names are unique in the project, whatever their case.
        let res = create(&app, &admin, "SUPPORT", &[], "").await;
        assert_eq!(
            (res.status().as_u16(), error_message(res).await),
            (
                422,
                "There is already a group named \"SUPPORT\".".to_string()
            )
        );

        // Edited: renamed, one permission dropped, one added.
        let res = update(
            &app,
            &admin,
            id,
            "Helpdesk",
            &["users:read", "users:invite"],
        )
        .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert_eq!(
            permissions_of(&app, "Helpdesk").await,
            ["users:invite", "users:read"]
        );
        // Another project's group is not found; an edit granting project:manage is refused.
        assert_eq!(
            update(&app, &admin, id + 1000, "X", &[]).await.status(),
            404
        );
        assert_eq!(
            update(&app, &admin, id, "Helpdesk", &["project:manage"])
                .await
                .status(),
            422
        );
        assert_eq!(
            permissions_of(&app, "Helpdesk").await,
            ["users:invite", "users:read"],
            "a refused edit changes nothing"
        );

        // Deleted with its memberships; its events stay.
        let dev_id = app
            .count("SELECT id FROM users WHERE email = 'dev@acme.test'")
            .await;
        assert_eq!(
            member(&app, &admin, "add_group_member", id, dev_id)
                .await
                .status(),
            200
        );
        let res = app
            .call(
                &admin,
                "delete_group",
                &[("project", "default"), ("id", &id.to_string())],
            )
            .await;
        assert_eq!(res.status(), 200);
        let done: serde_json::Value = res.json().await.unwrap();
        assert_eq!(done["to"], "/p/default/groups");
        assert_eq!(app.count("SELECT COUNT(*) FROM groups").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM group_members").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM group_permissions").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM group_counts").await, 0);

        let events = group_events(&app).await;
        let actions: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            actions,
            [
                "group.created",
                "group.updated",
                "group.member_added",
                "group.deleted"
            ]
        );
        assert_eq!(events[0].2["group"], "Support");
        assert_eq!(events[1].2["previous_name"], "Support");
        assert_eq!(events[1].2["added"], serde_json::json!(["users:invite"]));
        assert_eq!(
            events[1].2["removed"],
            serde_json::json!(["billing:refund", "reports:view", "users:export"])
        );
        assert_eq!(events[2].1.as_deref(), Some("dev@acme.test"));
        assert_eq!(events[3].2["members"], 1);
        app
    }
);

app_test!(
    members_gain_and_lose_the_groups_permissions_at_once,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        let eve = app.user("eve@acme.test", "default", "end_user").await;
        let outsider = app.user("out@acme.test", "other", "end_user").await;
        let admin = app.signed_in("ada@acme.test").await;
        let user = app.signed_in("eve@acme.test").await;
        assert!(!can_read_users(&app, &user).await);

        create(&app, &admin, "Readers", &[], "").await;
        let id = group_id(&app, "Readers").await;
        assert_eq!(
            member(&app, &admin, "add_group_member", id, eve)
                .await
                .status(),
            200
        );
        assert!(
            !can_read_users(&app, &user).await,
            "the group grants nothing yet"
        );

        // The group's permissions change: its member's follow on the next request.
        assert_eq!(
            update(&app, &admin, id, "Readers", &["users:read"])
                .await
                .status(),
            200
        );
        assert!(can_read_users(&app, &user).await);
        assert_eq!(update(&app, &admin, id, "Readers", &[]).await.status(), 200);
        assert!(!can_read_users(&app, &user).await);
        update(&app, &admin, id, "Readers", &["users:read"]).await;

        // Adding twice is one membership and one event; another project's user is not found.
        assert_eq!(
            member(&app, &admin, "add_group_member", id, eve)
                .await
                .status(),
            200
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM group_members").await, 1);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'group.member_added'")
                .await,
            1
        );
        assert_eq!(
            member(&app, &admin, "add_group_member", id, outsider)
                .await
                .status(),
            404
        );

        // Removed: the permission goes with the membership.
        let res = member(&app, &admin, "remove_group_member", id, eve).await;
        assert_eq!(res.status(), 200);
        let done: serde_json::Value = res.json().await.unwrap();
        assert_eq!(done["message"], "eve@acme.test removed from Readers.");
        assert!(!can_read_users(&app, &user).await);
        assert_eq!(
            member(&app, &admin, "remove_group_member", id, eve)
                .await
                .status(),
            404
        );

        // Deleting the group takes its permissions from its members.
        member(&app, &admin, "add_group_member", id, eve).await;
        assert!(can_read_users(&app, &user).await);
        app.call(
            &admin,
            "delete_group",
            &[("project", "default"), ("id", &id.to_string())],
        )
        .await;
        assert!(!can_read_users(&app, &user).await);
        app
    }
);

app_test!(
    group_changes_keep_owners_and_the_grant_rule,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        let boss = app.user("boss@acme.test", "default", "owner").await;
        let eve = app.user("eve@acme.test", "default", "end_user").await;
        let admin = app.signed_in("ada@acme.test").await;
        let root = app.signed_in(ADMIN_EMAIL).await;

        // A group carrying project:manage: only those who hold it create it or add to it.
        assert_eq!(
            create(&app, &root, "Owners", &["project:manage"], "")
                .await
                .status(),
            200
        );
        let owners = group_id(&app, "Owners").await;
        let res = member(&app, &admin, "add_group_member", owners, eve).await;
        assert_eq!(
            (res.status().as_u16(), error_field(res).await.as_deref()),
            (422, Some("user"))
        );
        // An admin who is no owner changes no owner's groups.
        create(&app, &admin, "Staff", &["users:read"], "").await;
        let staff = group_id(&app, "Staff").await;
        assert_eq!(
            member(&app, &admin, "add_group_member", staff, boss)
                .await
                .status(),
            409
        );
        // … nor edits or deletes a group holding what they lack.
        assert_eq!(
            update(&app, &admin, owners, "Owners", &[]).await.status(),
            422
        );
        let res = app
            .call(
                &admin,
                "delete_group",
                &[("project", "default"), ("id", &owners.to_string())],
            )
            .await;
        assert_eq!(res.status(), 422);

        // In a project whose only active owner is one through a group, that membership stays.
        let solo = app.user("solo@acme.test", "solo", "end_user").await;
        let solo_group: i64 = app.group("solo", "Founders").await;
        app.exec(&format!(
            "INSERT INTO group_permissions (group_id, permission) VALUES ({solo_group}, 'project:manage')"
        ))
        .await;
        app.exec(&format!(
            "INSERT INTO group_members (group_id, user_id, added_at) VALUES ({solo_group}, {solo}, 0)"
        ))
        .await;
        let in_solo = |op: &'static str| {
            let root = root.clone();
            let app = &app;
            async move {
                app.call(
                    &root,
                    op,
                    &[
                        ("project", "solo"),
                        ("id", &solo_group.to_string()),
                        ("user", &solo.to_string()),
                        ("name", "Founders"),
                    ],
                )
                .await
            }
        };
        for op in ["remove_group_member", "update_group", "delete_group"] {
            let res = in_solo(op).await;
            assert_eq!(res.status(), 422, "{op}");
            assert_eq!(
                error_message(res).await,
                "This user is the last owner of a project. Make someone else an owner first.",
                "{op}"
            );
        }
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM group_members WHERE group_id = {solo_group}"
            ))
            .await,
            1
        );
        app
    }
);

app_test!(
    the_page_lists_groups_members_and_people_to_add,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        app.user("dev@acme.test", "default", "developer").await;
        let ann = app.user("ann.smith@acme.test", "default", "end_user").await;
        app.user("bob.smith@acme.test", "default", "end_user").await;
        app.user("cat.jones@acme.test", "default", "end_user").await;
        app.user("end@acme.test", "default", "end_user").await;
        let admin = app.signed_in("ada@acme.test").await;
        create(&app, &admin, "Support", &["users:read"], "billing:refund").await;
        let id = group_id(&app, "Support").await;
        member(&app, &admin, "add_group_member", id, ann).await;

        // The list: name linking to the group, permissions, member count; the create dialog.
        let (status, html) = app
            .get_html(&admin, "/api/groups_page?project=default&query=")
            .await;
        assert_eq!(status, 200, "{html}");
        assert!(
            html.contains(&format!("href=\"/p/default/groups/{id}\"")),
            "{html}"
        );
        assert!(html.contains("billing:refund"));
        assert!(html.contains("<dialog id=\"group-create\""));
        assert!(html.contains(">1</a>"), "one member: {html}");

        // One group: its members (searchable), the picker marks who is in already.
        let page = |query: &str| {
            format!(
                "/api/groups_page?project=default&group={id}&query={}",
                query.replace('=', "%3D").replace('&', "%26")
            )
        };
        let (status, html) = app.get_html(&admin, &page("find=smith")).await;
        assert_eq!(status, 200, "{html}");
        let members = &html[html.find("group-members").unwrap()..];
        assert!(members.contains("ann.smith@acme.test"));
        assert!(
            !members.contains("bob.smith@acme.test"),
            "bob is only offered"
        );
        let picker = &html[html.find("group-add").unwrap()..html.find("group-members").unwrap()];
        assert!(
            picker.contains("bob.smith@acme.test")
                && picker.contains("Add bob.smith@acme.test to the group")
        );
        assert!(picker.contains("In the group"), "ann is marked");
        assert!(!picker.contains("cat.jones"));
        // One or two letters do not search yet (they would scan a million members).
        let (_, html) = app.get_html(&admin, &page("find=sm")).await;
        assert!(html.contains("Type at least three characters."));
        assert!(!html.contains("bob.smith@acme.test"));
        let (_, html) = app.get_html(&admin, &page("q=zzz")).await;
        assert!(html.contains("No member matches this search."));

        // A developer reads it without forms; an end user may not; another project's group
        // is not found.
        let dev = app.signed_in("dev@acme.test").await;
        let (status, html) = app.get_html(&dev, &page("")).await;
        assert_eq!(status, 200);
        assert!(html.contains("ann.smith@acme.test"));
        assert!(!html.contains("<form method=\"post\"") && !html.contains("<dialog"));
        let end = app.signed_in("end@acme.test").await;
        assert_eq!(app.get_html(&end, &page("")).await.0, 403);
        app.user("x@acme.test", "other", "end_user").await;
        let other = app.group("other", "Elsewhere").await;
        assert_eq!(
            app.get_html(
                &admin,
                &format!("/api/groups_page?project=default&group={other}&query=")
            )
            .await
            .0,
            404
        );

        // The whole page arrives in place, without script, and in French for a French reader.
        let res = admin
            .get(app.url(&format!("/p/default/groups/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let body = res.text().await.unwrap();
        assert!(body.contains("ann.smith@acme.test") && body.contains("Edit group"));
        app.exec("UPDATE users SET language = 'fr' WHERE email = 'ada@acme.test'")
            .await;
        let (_, html) = app.get_html(&admin, &page("")).await;
        assert!(html.contains("Modifier le groupe") && html.contains("Ajouter des membres"));
        app
    }
);

app_test!(forms_work_without_script, |app: TestApp| async move {
    app.user("ada@acme.test", "default", "admin").await;
    let admin = app.signed_in("ada@acme.test").await;
    // A browser's own form post: it accepts HTML and says where it came from.
    let res = admin
        .post(app.url("/api/create_group"))
        .header("origin", app.url(""))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html,application/xhtml+xml")
        .header("referer", app.url("/p/default/groups"))
        .form(&[
            ("project", "default"),
            ("name", "Plain"),
            ("permissions[]", "users:read"),
        ])
        .send()
        .await
        .unwrap();
    let id = group_id(&app, "Plain").await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("/p/default/groups/{id}")
    );
    assert_eq!(permissions_of(&app, "Plain").await, ["users:read"]);
    app
});
