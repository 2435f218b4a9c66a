//! Owners are whoever holds `project:manage` (through their role or a group), whatever the
//! role is called: every last-owner check counts them that way, so a project never loses its
//! last active owner by a deactivation, a role change or leaving a group.
mod common;
use common::*;
use serde_json::{json, Value};

fn edit(email: &str, role: &str, groups: &[&str]) -> Value {
    json!({
        "project": "acme",
        "id": 0,
        "edit": {
            "first_name": "Test",
            "last_name": "Person",
            "email": email,
            "phone": "",
            "metadata": "{}",
            "role": role,
            "groups": groups,
        }
    })
}

async fn save(app: &TestApp, c: &reqwest::Client, id: i64, mut body: Value) -> reqwest::Response {
    body["id"] = json!(id);
    app.call_json(c, "update_user", &body).await
}

app_test!(
    owners_by_group_or_custom_role_are_protected_as_owners,
    |app: TestApp| async move {
        // acme: Ada owns it through the group "founders"; Olive through the custom role
        // "steward". Neither role is called "owner".
        let ada = app.user("ada@acme.test", "acme", "end_user").await;
        let founders = app.group("acme", "founders").await;
        app.exec(&format!(
            "INSERT INTO group_permissions (group_id, permission) VALUES ({founders}, 'project:manage')"
        ))
        .await;
        let root = app.signed_in(ADMIN_EMAIL).await;
        let res = save(
            &app,
            &root,
            ada,
            edit("ada@acme.test", "end_user", &["founders"]),
        )
        .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let deactivate = |id: i64| json!({"project": "acme", "id": id, "reason": null});

        // The only owner: not deactivated, not taken out of the group.
        let res = app
            .call_json(&root, "deactivate_user", &deactivate(ada))
            .await;
        assert_eq!(res.status(), 409, "{}", res.text().await.unwrap());
        let res = save(&app, &root, ada, edit("ada@acme.test", "end_user", &[])).await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("groups"));
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM group_members WHERE user_id = {ada}"
            ))
            .await,
            1,
            "nothing changed"
        );

        // A second owner through a custom role: now Ada may go, then Olive is the last.
        app.exec(
            "INSERT INTO roles (project_id, name, description, created_at) \
             SELECT id, 'steward', 'Runs the project', 0 FROM projects WHERE slug = 'acme'",
        )
        .await;
        app.exec(
            "INSERT INTO role_permissions (role_id, permission) \
             SELECT id, 'project:manage' FROM roles WHERE name = 'steward'",
        )
        .await;
        let olive = app.user("olive@acme.test", "acme", "steward").await;
        let res = app
            .call_json(&root, "deactivate_user", &deactivate(ada))
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let res = app
            .call_json(&root, "deactivate_user", &deactivate(olive))
            .await;
        assert_eq!(res.status(), 409);
        let res = save(&app, &root, olive, edit("olive@acme.test", "end_user", &[])).await;
        assert_eq!(res.status(), 422);
        assert_eq!(error_field(res).await.as_deref(), Some("role"));
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM memberships m JOIN roles r ON r.id = m.role_id \
                 WHERE m.user_id = {olive} AND r.name = 'steward'"
            ))
            .await,
            1,
            "nothing changed"
        );
        app
    }
);
