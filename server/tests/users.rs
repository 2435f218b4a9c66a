//! The users list through HTTP, as the browser calls it.
mod common;

use common::{TestApp, ADMIN_EMAIL, PASSWORD};

fn list_url(project: &str, extra: &str) -> String {
    format!("/api/users?project={project}&query[sort]=email&query[desc]=false&query[page]=1&query[size]=20{extra}")
}

app_test!(
    admins_list_search_and_filter_their_projects_users_only,
    |app: TestApp| async move {
        app.user("ada@acme.test", "default", "admin").await;
        app.user("alan.smith@acme.test", "default", "end_user")
            .await;
        app.user("grace.smith@other.test", "other", "admin").await;
        let c = app.client();
        app.sign_in(&c, "ada@acme.test", PASSWORD).await;

        let res = c
            .get(app.url(&list_url("default", "")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let page: serde_json::Value = res.json().await.unwrap();
        let emails: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["email"].as_str().unwrap())
            .collect();
        assert_eq!(
            emails,
            ["ada@acme.test", "alan.smith@acme.test", ADMIN_EMAIL]
        );
        assert_eq!(page["total"], 3);
        assert_eq!(page["items"][0]["role"], "admin");

        // Search never crosses into another project.
        let res = c
            .get(app.url(&list_url("default", "&query[q]=smith")))
            .send()
            .await
            .unwrap();
        let page: serde_json::Value = res.json().await.unwrap();
        assert_eq!(page["total"], 1);
        assert_eq!(page["items"][0]["email"], "alan.smith@acme.test");
        let res = c
            .get(app.url(&list_url("default", "&query[status]=inactive")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.json::<serde_json::Value>().await.unwrap()["total"], 0);

        // Another project's list is refused outright, and a malformed query is a clear 4xx.
        let res = c.get(app.url(&list_url("other", ""))).send().await.unwrap();
        assert_eq!(res.status(), 403);
        let res = c
            .get(app.url("/api/users?project=default&query[size]=lots"))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_client_error(), "{}", res.status());

        let res = c
            .get(app.url("/api/directory?project=default"))
            .send()
            .await
            .unwrap();
        let dir: serde_json::Value = res.json().await.unwrap();
        assert_eq!(
            dir["roles"],
            serde_json::json!(["owner", "admin", "developer", "end_user"])
        );
        app
    }
);

app_test!(
    the_users_page_is_rendered_on_the_server_for_its_url,
    |app: TestApp| async move {
        app.user("zed@acme.test", "default", "end_user").await;
        let c = app.client();
        app.sign_in(&c, ADMIN_EMAIL, PASSWORD).await;
        let html = c
            .get(app.url("/p/default/users?q=zed"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        // The table's rows, not the header's user menu (which names the signed-in admin).
        let rows = html
            .split("<tbody")
            .nth(1)
            .and_then(|t| t.split("</tbody>").next())
            .unwrap_or_default();
        assert!(
            rows.contains("zed@acme.test"),
            "the row is in the HTML before any wasm runs"
        );
        assert!(
            !rows.contains(ADMIN_EMAIL),
            "the search applied on the server"
        );
        app
    }
);

app_test!(
    list_requests_outside_the_bounds_are_answered_within_them,
    |app: TestApp| async move {
        // The lowest console role that may list users.
        app.user("dev@acme.test", "default", "developer").await;
        let c = app.signed_in("dev@acme.test").await;
        let search = "x".repeat(10_000);
        let res = c
            .get(app.url(&format!(
                "/api/users?project=default&query[size]=4000000&query[page]=4294967295&query[q]={search}"
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let page: serde_json::Value = res.json().await.unwrap();
        assert_eq!(page["size"], 100, "the largest allowed size");
        assert_eq!(
            page["page"],
            app::model::max_page(100),
            "no deeper than the bound"
        );
        assert_eq!(page["items"], serde_json::json!([]));

        let res = c
            .get(app.url("/api/users?project=default&query[size]=4000000&query[page]=1"))
            .send()
            .await
            .unwrap();
        let page: serde_json::Value = res.json().await.unwrap();
        assert_eq!(page["size"], 100);
        assert!(page["items"].as_array().unwrap().len() <= 100);

        let admin = app.signed_in(ADMIN_EMAIL).await;
        let id = app
            .count("SELECT id FROM users WHERE email = 'dev@acme.test'")
            .await;
        let res = admin
            .get(app.url(&format!(
                "/api/user_activity?project=default&id={id}&page=4294967295"
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let page: serde_json::Value = res.json().await.unwrap();
        assert_eq!(page["page"], app::model::max_page(20));

        // An edit naming more groups than any membership may have is refused whole.
        let groups: Vec<String> = (0..101).map(|i| format!("g{i}")).collect();
        let edit = serde_json::json!({
            "first_name": "Dev", "last_name": "Eloper", "email": "dev@acme.test", "phone": "",
            "metadata": "{}", "role": "developer", "groups": groups
        });
        let res = app
            .call_json(
                &admin,
                "update_user",
                &serde_json::json!({"project": "default", "id": id, "edit": edit}),
            )
            .await;
        assert_eq!(res.status(), 422);
        let message = common::error_message(res).await;
        assert!(message.contains("at most 100 groups"), "{message}");
        app
    }
);
