//! What a page's HTML carries: the viewer known before the first paint, and each page's data
//! loaded once per request.
mod common;
use common::*;

/// The ids in `__PENDING_RESOURCES=[…]`: the resources whose data the page serialised.
fn serialized_resources(html: &str) -> Vec<String> {
    let start = html.find("__PENDING_RESOURCES=[").expect("hydration data") + 21;
    let end = start + html[start..].find(']').unwrap();
    html[start..end]
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

// A page renders once: a render thrown away while resolving (a Suspense re-running the page to
// find its reads) would load the page's data again and could leave a resource that never
// resolves, so the response never ends. The users list has two resources (the rows and the
// project's roles and groups), the detail page two (the person and their activity).
app_test!(each_page_loads_its_data_once, |app: TestApp| async move {
    let c = app.signed_in(ADMIN_EMAIL).await;
    let id = app.count("SELECT id FROM users").await;
    for (path, resources) in [
        ("/p/default/users".to_string(), 2),
        (format!("/p/default/users/{id}"), 2),
        ("/p/default/users?q=root&sort=email".to_string(), 2),
    ] {
        let res = c.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let html = res.text().await.unwrap();
        assert_eq!(serialized_resources(&html).len(), resources, "{path}");
    }
    app
});

// The viewer travels in the page as JSON, so the console needs no request (and no wait)
// before it can show the person's name, language and theme; nothing in it can end the
// script element early.
app_test!(
    the_viewer_is_in_the_page_and_cannot_break_out_of_it,
    |app: TestApp| async move {
        app.exec("UPDATE users SET first_name = '</script><script>alert(1)</script>'")
            .await;
        let c = app.signed_in(ADMIN_EMAIL).await;
        let html = c
            .get(app.url("/p/default/users"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let start = html
            .find(r#"<script type="application/json" id="roster-viewer">"#)
            .expect("viewer script");
        let json = &html[start..];
        let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["email"], ADMIN_EMAIL);
        assert_eq!(v["first_name"], "</script><script>alert(1)</script>");
        assert!(!html.contains("<script>alert(1)"));
        // Signed out, the page says so.
        let anon = app.client();
        let html = anon
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(r#"<script type="application/json" id="roster-viewer">null</script>"#)
        );
        app
    }
);
