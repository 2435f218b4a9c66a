//! Projects over HTTP: superadmins create and delete them (typed-slug confirmation, nothing of
//! another project touched), owners rename and configure theirs, everyone in the console reads
//! the list of their own; each change is audited.
mod common;
use common::*;
use reqwest::Client;
use serde_json::Value;

async fn create(app: &TestApp, c: &Client, slug: &str, name: &str) -> reqwest::Response {
    app.call(c, "create_project", &[("slug", slug), ("name", name)])
        .await
}

async fn settings(
    app: &TestApp,
    c: &Client,
    project: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut all = vec![("project", project)];
    all.extend_from_slice(form);
    app.call(c, "update_project", &all).await
}

async fn delete(app: &TestApp, c: &Client, project: &str, confirm: &str) -> reqwest::Response {
    app.call(
        c,
        "delete_project",
        &[("project", project), ("confirm", confirm)],
    )
    .await
}

/// (name, allow_signup, terms_url, privacy_url, require_admin_2fa) of project `slug`.
async fn project(app: &TestApp, slug: &str) -> (String, i64, String, String, i64) {
    sqlx::query_as(
        "SELECT name, allow_signup, terms_url, privacy_url, require_admin_2fa FROM projects WHERE slug = $1",
    )
    .bind(slug)
    .fetch_one(app.db().pool())
    .await
    .unwrap()
}

app_test!(
    superadmins_create_projects_with_their_roles,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        let root = app.signed_in(ADMIN_EMAIL).await;
        let admin = app.signed_in("ada@acme.test").await;

        assert_eq!(
            create(&app, &admin, "acme-eu", "Acme EU").await.status(),
            403
        );
        let res = create(&app, &root, "Acme EU", "Acme EU").await;
        assert_eq!(
            (res.status().as_u16(), error_field(res).await.as_deref()),
            (422, Some("slug"))
        );
        let res = create(&app, &root, "acme-eu", "  ").await;
        assert_eq!(
            (res.status().as_u16(), error_field(res).await.as_deref()),
            (422, Some("name"))
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM projects WHERE slug = 'acme-eu'")
                .await,
            0
        );

        let res = create(&app, &root, " Acme-EU ", " Acme Europe ").await;
        assert_eq!(res.status(), 200);
        let done: Value = res.json().await.unwrap();
        assert_eq!(done["to"], "/p/acme-eu/projects");
        assert_eq!(done["reload"], true);
        assert_eq!(done["message"], "Project acme-eu created.");
        assert_eq!(project(&app, "acme-eu").await.0, "Acme Europe");
        let roles: Vec<String> = sqlx::query_scalar(
            "SELECT r.name FROM roles r JOIN projects p ON p.id = r.project_id WHERE p.slug = 'acme-eu' ORDER BY r.id",
        )
        .fetch_all(app.db().pool())
        .await
        .unwrap();
        assert_eq!(roles, ["owner", "admin", "developer", "end_user"]);
        // The superadmin's console offers it at once.
        let viewer = app.viewer(&root).await;
        assert!(viewer["projects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["slug"] == "acme-eu"));

        let res = create(&app, &root, "acme-eu", "Again").await;
        assert_eq!(res.status(), 422);
        assert_eq!(
            error_message(res).await,
            "There is already a project \"acme-eu\"."
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'project.created'")
                .await,
            1
        );
        app
    }
);

app_test!(
    owners_rename_and_configure_their_project,
    |app: TestApp| async move {
        app.user("own@acme.test", "default", "owner").await;
        app.user("ada@acme.test", "default", "admin").await;
        app.user("boss@other.test", "other", "owner").await;
        let owner = app.signed_in("own@acme.test").await;
        let admin = app.signed_in("ada@acme.test").await;
        let foreign = app.signed_in("boss@other.test").await;
        let form = [
            ("name", "Default Co"),
            ("allow_signup", "on"),
            ("terms_url", "https://acme.test/terms"),
            ("privacy_url", ""),
        ];
        assert_eq!(settings(&app, &admin, "default", &form).await.status(), 403);
        assert_eq!(
            settings(&app, &foreign, "default", &form).await.status(),
            403
        );
        let before = project(&app, "default").await;

        // A bad address is refused under its field; nothing changes.
        let res = settings(
            &app,
            &owner,
            "default",
            &[("name", "X"), ("terms_url", "acme.test/terms")],
        )
        .await;
        assert_eq!(
            (res.status().as_u16(), error_field(res).await.as_deref()),
            (422, Some("terms_url"))
        );
        assert_eq!(project(&app, "default").await, before);

        let res = settings(&app, &owner, "default", &form).await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            project(&app, "default").await,
            (
                "Default Co".into(),
                1,
                "https://acme.test/terms".into(),
                "".into(),
                0
            )
        );
        let details: String = sqlx::query_scalar(
            "SELECT details FROM audit_events WHERE action = 'project.settings_changed' ORDER BY id DESC LIMIT 1",
        )
        .fetch_one(app.db().pool())
        .await
        .unwrap();
        let details: Value = serde_json::from_str(&details).unwrap();
        assert_eq!(details["name"]["to"], "Default Co");
        assert_eq!(
            details["allow_signup"],
            serde_json::json!({"from": false, "to": true})
        );
        assert!(details.get("privacy_url").is_none(), "unchanged: {details}");

        // Unchecked boxes are not sent: the setting goes off; an empty field clears.
        let res = settings(&app, &owner, "default", &[("name", "Default Co")]).await;
        assert_eq!(res.status(), 200);
        let after = project(&app, "default").await;
        assert_eq!((after.1, after.2.as_str()), (0, ""));

        // Requiring two-factor of admins applies at once: the owner, who has none, must set
        // it up before changing anything else.
        let res = settings(
            &app,
            &owner,
            "default",
            &[("name", "Default Co"), ("require_admin_2fa", "on")],
        )
        .await;
        assert_eq!(res.status(), 200);
        assert_eq!(project(&app, "default").await.4, 1);
        assert_eq!(
            settings(&app, &owner, "default", &[("name", "Again")])
                .await
                .status(),
            409
        );
        app
    }
);

app_test!(
    deleting_a_project_takes_only_its_own_data,
    |app: TestApp| async move {
        let both = app.user("both@acme.test", "doomed", "admin").await;
        app.add_member(both, "default", "developer").await;
        let only = app.user("only@acme.test", "doomed", "end_user").await;
        app.user("own@acme.test", "doomed", "owner").await;
        app.group("doomed", "Team").await;
        app.group("default", "Staff").await;
        let root = app.signed_in(ADMIN_EMAIL).await;
        let owner = app.signed_in("own@acme.test").await;
        let default_members = app
            .count("SELECT COUNT(*) FROM memberships m JOIN projects p ON p.id = m.project_id WHERE p.slug = 'default'")
            .await;

        // An event of the project, to find after it is gone.
        assert_eq!(
            settings(&app, &owner, "doomed", &[("name", "Doomed Co")])
                .await
                .status(),
            200
        );
        let doomed = app
            .count("SELECT id FROM projects WHERE slug = 'doomed'")
            .await;
        assert_eq!(delete(&app, &owner, "doomed", "doomed").await.status(), 403);
        let res = delete(&app, &root, "doomed", "Doomed").await;
        assert_eq!(
            (res.status().as_u16(), error_field(res).await.as_deref()),
            (422, Some("confirm"))
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM projects WHERE slug = 'doomed'")
                .await,
            1
        );

        let res = delete(&app, &root, "doomed", " doomed ").await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert_eq!(
            app.count("SELECT COUNT(*) FROM projects WHERE slug = 'doomed'")
                .await,
            0
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM groups WHERE name = 'Team'")
                .await,
            0
        );
        // People keep their accounts; the other project keeps all of its data.
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM users WHERE id IN ({both}, {only})"
            ))
            .await,
            2
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM memberships m JOIN projects p ON p.id = m.project_id WHERE p.slug = 'default'")
                .await,
            default_members
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM groups WHERE name = 'Staff'")
                .await,
            1
        );
        let (actor, project): (Option<String>, Option<i64>) = sqlx::query_as(
            "SELECT actor_email, project_id FROM audit_events WHERE action = 'project.deleted'",
        )
        .fetch_one(app.db().pool())
        .await
        .unwrap();
        assert_eq!((actor.as_deref(), project), (Some(ADMIN_EMAIL), None));
        // The deleted project's own events stay.
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM audit_events WHERE project_id = {doomed} AND action = 'project.settings_changed'"
            ))
            .await,
            1
        );
        // Its former member still has the project they are left with.
        let c = app.signed_in("both@acme.test").await;
        assert_eq!(
            app.viewer(&c).await["projects"].as_array().unwrap().len(),
            1
        );
        app
    }
);

app_test!(
    the_page_lists_the_readers_projects_with_their_forms,
    |app: TestApp| async move {
        app.user("own@acme.test", "default", "owner").await;
        app.user("dev@acme.test", "default", "developer").await;
        app.user("end@acme.test", "default", "end_user").await;
        app.user("x@other.test", "other", "owner").await;
        let page = "/api/projects_page?project=default";

        let root = app.signed_in(ADMIN_EMAIL).await;
        let (status, html) = app.get_html(&root, page).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("href=\"/p/other\"") && html.contains("href=\"/p/default\""));
        assert!(html.contains("<dialog id=\"project-create\""));
        assert!(html.contains("Type default to confirm"));

        let owner = app.signed_in("own@acme.test").await;
        let (_, html) = app.get_html(&owner, page).await;
        assert!(html.contains("href=\"/p/default\"") && !html.contains("href=\"/p/other\""));
        assert!(html.contains("Settings of "));
        assert!(!html.contains("project-create") && !html.contains("to confirm"));

        let dev = app.signed_in("dev@acme.test").await;
        let (status, html) = app.get_html(&dev, page).await;
        assert_eq!(status, 200);
        assert!(!html.contains("<dialog"));
        let end = app.signed_in("end@acme.test").await;
        assert_eq!(app.get_html(&end, page).await.0, 403);
        app
    }
);
