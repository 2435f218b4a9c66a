//! "Remove from project": the member's role and groups in this project go, their account and
//! other projects stay; nobody removes themselves or a project's last owner; only an owner
//! removes an owner; the permission is `users:delete`.
mod common;
use common::*;
use serde_json::json;

async fn remove(app: &TestApp, c: &reqwest::Client, project: &str, id: i64) -> reqwest::Response {
    app.call_json(
        c,
        "remove_from_project",
        &json!({"project": project, "id": id}),
    )
    .await
}

app_test!(
    a_member_leaves_one_project_and_keeps_the_rest,
    |app: TestApp| async move {
        let ada = app.user("ada@acme.test", "default", "admin").await;
        app.user("dev@acme.test", "default", "developer").await;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        app.add_member(tom, "acme", "end_user").await;
        let staff = app.group("default", "staff").await;
        let admin = app.signed_in("ada@acme.test").await;
        let edit = json!({"project": "default", "id": tom, "edit": {
            "first_name": "Test", "last_name": "end_user", "email": "tom@acme.test", "phone": "",
            "metadata": "{}", "role": "end_user", "groups": ["staff"]}});
        assert_eq!(
            app.call_json(&admin, "update_user", &edit).await.status(),
            200
        );

        // Without users:delete: refused, nothing changes.
        let dev = app.signed_in("dev@acme.test").await;
        assert_eq!(remove(&app, &dev, "default", tom).await.status(), 403);
        // Oneself: refused.
        let res = remove(&app, &admin, "default", ada).await;
        assert_eq!(res.status(), 409);
        assert!(error_message(res).await.contains("yourself"));

        let res = remove(&app, &admin, "default", tom).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert_eq!(res.json::<String>().await.unwrap(), "tom@acme.test");
        let projects: Vec<String> = sqlx::query_scalar(
            "SELECT p.slug FROM memberships m JOIN projects p ON p.id = m.project_id \
             WHERE m.user_id = $1",
        )
        .bind(tom)
        .fetch_all(app.db().pool())
        .await
        .unwrap();
        assert_eq!(projects, ["acme"], "the other project stays");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM group_members WHERE group_id = {staff}"
            ))
            .await,
            0
        );
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM users WHERE id = {tom}"))
                .await,
            1,
            "the account stays"
        );
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'user.removed_from_project'"
            )
            .await,
            1
        );
        // Gone from the list and the detail page of this project.
        let (status, _) = app
            .get_json(&admin, &format!("/api/user?project=default&id={tom}"))
            .await;
        assert_ne!(status, 200);
        // Removing again: not a member any more.
        assert_eq!(remove(&app, &admin, "default", tom).await.status(), 404);
        app
    }
);

app_test!(
    owners_are_removed_only_by_owners_and_never_the_last,
    |app: TestApp| async move {
        let olive = app.user("olive@acme.test", "acme", "owner").await;
        let ada = app.user("ada@acme.test", "acme", "admin").await;
        let _ = ada;
        let admin = app.signed_in("ada@acme.test").await;
        let res = remove(&app, &admin, "acme", olive).await;
        assert_eq!(res.status(), 409);
        assert!(error_message(res).await.contains("Only an owner"));
        // Even a superadmin cannot leave a project without an owner.
        let root = app.signed_in(ADMIN_EMAIL).await;
        let res = remove(&app, &root, "acme", olive).await;
        assert_eq!(res.status(), 409);
        assert!(error_message(res).await.contains("last owner"));
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM memberships WHERE user_id = {olive}"
            ))
            .await,
            1
        );
        // With a second owner, the first may go.
        let otto = app.user("otto@acme.test", "acme", "owner").await;
        let _ = otto;
        assert_eq!(remove(&app, &root, "acme", olive).await.status(), 200);
        app
    }
);
