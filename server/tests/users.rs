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

/// The emails and total of a list call.
async fn emails_of(app: &TestApp, c: &reqwest::Client, extra: &str) -> (Vec<String>, u64, bool) {
    let res = c
        .get(app.url(&list_url("default", extra)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page: serde_json::Value = res.json().await.unwrap();
    let emails = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["email"].as_str().unwrap().to_string())
        .collect();
    (
        emails,
        page["total"].as_u64().unwrap(),
        page["more"].as_bool().unwrap(),
    )
}

app_test!(
    the_last_sign_in_filter_finds_who_stopped_coming,
    |app: TestApp| async move {
        let day = 24 * 3_600_000i64;
        let now = app::server::util::now_ms();
        for (email, ago) in [
            ("a@acme.test", Some(10)),
            ("b@acme.test", Some(60)),
            ("c@acme.test", Some(120)),
            ("d@acme.test", None),
        ] {
            let id = app.user(email, "default", "end_user").await;
            let at = ago.map(|d| now - d * day).unwrap_or(0);
            app.exec(&format!(
                "UPDATE memberships SET last_sign_in_at = {at} WHERE user_id = {id}"
            ))
            .await;
        }
        let c = app.signed_in(ADMIN_EMAIL).await;
        let (emails, total, more) = emails_of(&app, &c, "&query[last_sign_in]=over_30d").await;
        assert_eq!(emails, ["b@acme.test", "c@acme.test", "d@acme.test"]);
        assert_eq!((total, more), (3, false));
        let (emails, total, _) = emails_of(&app, &c, "&query[last_sign_in]=over_90d").await;
        assert_eq!(
            (emails, total),
            (
                vec!["c@acme.test".to_string(), "d@acme.test".to_string()],
                2
            )
        );
        let (emails, _, _) = emails_of(&app, &c, "&query[last_sign_in]=never").await;
        assert_eq!(emails, ["d@acme.test"]);
        // With the other filters, and sorted by last sign-in (never comes last, newest first).
        app.exec("UPDATE memberships SET status = 'inactive' WHERE email = 'c@acme.test'")
            .await;
        let (emails, _, _) = emails_of(
            &app,
            &c,
            "&query[last_sign_in]=over_90d&query[status]=active",
        )
        .await;
        assert_eq!(emails, ["d@acme.test"]);
        let res = c
            .get(app.url("/api/users?project=default&query[sort]=last_sign_in&query[desc]=true&query[page]=1&query[size]=20&query[last_sign_in]=over_30d"))
            .send()
            .await
            .unwrap();
        let page: serde_json::Value = res.json().await.unwrap();
        let order: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["email"].as_str().unwrap())
            .collect();
        assert_eq!(order, ["b@acme.test", "c@acme.test", "d@acme.test"]);

        // The page itself, as a plain GET (the toolbar's form without script).
        let html = c
            .get(app.url("/p/default/users?last_sign_in=never"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("d@acme.test") && !html.contains("a@acme.test"));
        assert!(
            html.contains(r#"<option value="never" selected"#),
            "the select shows the view"
        );
        app
    }
);

app_test!(
    each_admin_keeps_their_columns_and_permissions_come_only_when_shown,
    |app: TestApp| async move {
        use app::model::{Columns, UserColumn};
        app.user("ada@acme.test", "default", "admin").await;
        app.user("bob@acme.test", "default", "admin").await;
        let dev = app.user("dev@acme.test", "default", "developer").await;
        let staff = app.group("default", "Staff").await;
        app.exec(&format!(
            "INSERT INTO group_permissions (group_id, permission) VALUES ({staff}, 'users:read'), ({staff}, 'billing:refund')"
        ))
        .await;
        app.exec(&format!(
            "INSERT INTO group_members (group_id, user_id, added_at) VALUES ({staff}, {dev}, 0)"
        ))
        .await;
        app.exec(&format!(
            "UPDATE users SET phone = '+33 1 23 45 67 89' WHERE id = {dev}"
        ))
        .await;
        let ada = app.signed_in("ada@acme.test").await;
        let bob = app.signed_in("bob@acme.test").await;

        // Ada picks First name and Permissions (unknown keys are ignored).
        let res = app
            .call(
                &ada,
                "set_user_columns",
                &[
                    ("columns[]", "first_name"),
                    ("columns[]", "permissions"),
                    ("columns[]", "bogus"),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
        let chosen = Columns::of(&[UserColumn::FirstName, UserColumn::Permissions]);
        assert_eq!(app.viewer(&ada).await["columns"], chosen.0);
        assert_eq!(app.viewer(&bob).await["columns"], Columns::default().0);

        let row = |page: &serde_json::Value, email: &str| {
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["email"] == email)
                .cloned()
                .unwrap()
        };
        let (status, page) = app.get_json(&ada, &list_url("default", "")).await;
        assert_eq!(status, 200);
        // The developer's role (audit:read, users:export, users:read) and Staff's, once each.
        assert_eq!(
            row(&page, "dev@acme.test")["permissions"],
            serde_json::json!(["audit:read", "billing:refund", "users:export", "users:read"])
        );
        assert_eq!(row(&page, "dev@acme.test")["phone"], "+33 1 23 45 67 89");
        // Bob did not ask for them: none are read.
        let (_, page) = app.get_json(&bob, &list_url("default", "")).await;
        assert_eq!(
            row(&page, "dev@acme.test")["permissions"],
            serde_json::json!([])
        );

        // Nothing known is the default set; signed out, nothing is kept.
        app.call(&ada, "set_user_columns", &[("columns[]", "nope")])
            .await;
        assert_eq!(app.viewer(&ada).await["columns"], Columns::default().0);
        assert_eq!(
            app.call(&app.client(), "set_user_columns", &[("columns[]", "phone")])
                .await
                .status(),
            401
        );

        // The browser's own form post goes back to the page it came from.
        let res = ada
            .post(app.url("/api/set_user_columns"))
            .header("origin", app.url(""))
            .header("sec-fetch-site", "same-origin")
            .header("accept", "text/html")
            .header("referer", app.url("/p/default/users?status=active"))
            .form(&[("columns[]", "phone")])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{}", res.status());
        assert!(res.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("/p/default/users?status=active"));
        assert_eq!(
            app.viewer(&ada).await["columns"],
            Columns::of(&[UserColumn::Phone]).0
        );
        app
    }
);
