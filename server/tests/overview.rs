//! A project's overview over HTTP: members by status, open invitations, members added in 30
//! days and sign-ins per day, each moved by real actions by exactly what they did, and only
//! for people who may read the project's users.
mod common;
use common::*;
use reqwest::Client;
use serde_json::json;

/// The overview's HTML, through its server function.
async fn overview(app: &TestApp, c: &Client, project: &str) -> (u16, String) {
    app.get_html(c, &format!("/api/project_overview?project={project}"))
        .await
}

/// The figure shown above `label`.
fn stat(html: &str, label: &str) -> u64 {
    let at = html
        .find(&format!("<span class=\"stat-label\">{label}</span>"))
        .unwrap_or_else(|| panic!("no figure {label} in {html}"));
    let value = &html[..at];
    let open = "<span class=\"stat-value\">";
    let start = value.rfind(open).unwrap() + open.len();
    let text = &value[start..value[start..].find('<').unwrap() + start];
    text.replace([',', '\u{202f}', '\u{a0}', ' '], "")
        .parse()
        .unwrap_or_else(|_| panic!("{label}: {text:?}"))
}

/// Today's (successful, failed) sign-ins from the chart's table (its first row).
fn today(html: &str) -> (u64, u64) {
    let day = &app::model::time::iso_utc(app::server::util::now_ms())[..10];
    let row = &html[html.find(&format!("<td>{day}</td>")).expect("today's row")..];
    let cells: Vec<u64> = row
        .split("<td class=\"num\">")
        .skip(1)
        .take(2)
        .map(|c| {
            c[..c.find('<').unwrap()]
                .replace([',', '\u{202f}'], "")
                .parse()
                .unwrap()
        })
        .collect();
    (cells[0], cells[1])
}

app_test!(figures_follow_what_happens, |app: TestApp| async move {
    app.user("ann@roster.test", "default", "admin").await;
    let ann = app.signed_in("ann@roster.test").await;
    let (status, before) = overview(&app, &ann, "default").await;
    assert_eq!(status, 200, "{before}");
    for label in [
        "Active",
        "Invited",
        "Inactive",
        "Pending invitations",
        "Expired invitations",
        "Joined in the last 30 days",
    ] {
        stat(&before, label);
    }
    let svg = &before[before.find("<svg").expect("a chart")..];
    assert!(
        svg[..200].contains("class=\"chart\"") && svg[..200].contains("role=\"img\""),
        "{}",
        &svg[..200]
    );
    let (ok0, failed0) = today(&before);
    assert!(ok0 >= 1, "ann's own sign-in counts");

    // Two new members; one signs in twice and fails once; one is then deactivated.
    let tom = app.user("tom@roster.test", "default", "end_user").await;
    app.user("eve@roster.test", "default", "developer").await;
    // Eve belongs to a second project: her sign-in counts there too.
    app.user("bob@roster.test", "other", "admin").await;
    let eve_id = app
        .count("SELECT id FROM users WHERE email = 'eve@roster.test'")
        .await;
    app.add_member(eve_id, "other", "end_user").await;
    app.signed_in("eve@roster.test").await;
    app.signed_in("eve@roster.test").await;
    let res = app
        .sign_in(&app.client(), "eve@roster.test", "not the password")
        .await;
    assert_ne!(res.status(), 200);
    let res = app
        .call_json(
            &ann,
            "deactivate_user",
            &json!({"project": "default", "id": tom, "reason": null}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // Two invitations, one of them past its expiry.
    for email in ["new1@roster.test", "new2@roster.test"] {
        let res = app
            .call_json(&ann, "invite_user", &json!({"project": "default", "form": {"email": email, "role": "end_user", "groups": []}}))
            .await;
        assert_eq!(res.status(), 200);
    }
    app.exec("UPDATE invitations SET expires_at = 1 WHERE email = 'new2@roster.test'")
        .await;

    let (_, after) = overview(&app, &ann, "default").await;
    let delta = |label: &str| stat(&after, label) as i64 - stat(&before, label) as i64;
    assert_eq!(delta("Active"), 1, "eve (tom joined, then was deactivated)");
    assert_eq!(delta("Inactive"), 1);
    assert_eq!(delta("Invited"), 2);
    assert_eq!(delta("Pending invitations"), 1);
    assert_eq!(delta("Expired invitations"), 1);
    assert_eq!(delta("Joined in the last 30 days"), 4);
    assert_eq!(today(&after), (ok0 + 2, failed0 + 1));
    // Each figure leads to the matching view of the Users page.
    assert!(after.contains("href=\"/p/default/users?status=inactive\""));

    // In the other project: bob's sign-in and eve's two, her failure too.
    let bob = app.signed_in("bob@roster.test").await;
    let (_, other) = overview(&app, &bob, "other").await;
    assert_eq!(today(&other), (3, 1));
    // Nobody sees the overview of a project whose users they may not read.
    let (status, _) = overview(&app, &bob, "default").await;
    assert_eq!(status, 403);
    let end = app.signed_in("eve@roster.test").await;
    let (status, _) = overview(&app, &end, "other").await;
    assert_eq!(status, 403, "an end user there");

    // The page itself, in place, and in French for a French reader.
    app.exec("UPDATE users SET language = 'fr' WHERE email = 'ann@roster.test'")
        .await;
    let html = ann
        .get(app.url("/p/default"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<svg") && html.contains("chart-desc"),
        "the chart is in the page"
    );
    assert!(
        html.contains("Invitations en attente") && html.contains("Connexions, 30 derniers jours")
    );
    app
});
