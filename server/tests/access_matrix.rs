//! Who may call what: every page, server function and plain route, as anonymous, end user,
//! developer, admin of another project, admin and superadmin. The registry below must name
//! every route the app serves — a new route without a row fails `registry_is_complete`.
mod common;

use common::{TestApp, ADMIN_EMAIL, PASSWORD};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    Ok,
    /// A redirect whose Location starts with this.
    To(&'static str),
    Unauthenticated,
    Forbidden,
}
use Want::*;

const ROLES: [&str; 6] = [
    "anonymous",
    "end_user",
    "developer",
    "other_admin",
    "admin",
    "superadmin",
];

struct Case {
    method: &'static str,
    /// The path as the router knows it (pages with `:param`), and the path called.
    route: &'static str,
    call: &'static str,
    form: &'static [(&'static str, &'static str)],
    want: [Want; 6],
}

const CONSOLE_PAGE: [Want; 6] = [To("/login?next="), Forbidden, Ok, Forbidden, Ok, Ok];
/// Reading a project's users: `users:read` in that project.
const USERS_READ: [Want; 6] = [Unauthenticated, Forbidden, Ok, Forbidden, Ok, Ok];

fn registry() -> Vec<Case> {
    let page = |route, call| Case {
        method: "GET",
        route,
        call,
        form: &[],
        want: CONSOLE_PAGE,
    };
    let short = |route| Case {
        method: "GET",
        route,
        call: route,
        form: &[],
        want: [
            To("/login?next="),
            To("/account"),
            To("/p/default/"),
            To("/p/other/"),
            To("/p/default/"),
            To("/p/default/"),
        ],
    };
    vec![
        Case {
            method: "GET",
            route: "/healthz",
            call: "/healthz",
            form: &[],
            want: [Ok; 6],
        },
        Case {
            method: "GET",
            route: "/",
            call: "/",
            form: &[],
            want: [
                To("/login"),
                To("/account"),
                To("/p/default/users"),
                To("/p/other/users"),
                To("/p/default/users"),
                To("/p/default/users"),
            ],
        },
        short("/users"),
        short("/roles"),
        short("/groups"),
        short("/audit"),
        short("/projects"),
        Case {
            method: "GET",
            route: "/login",
            call: "/login",
            form: &[],
            want: [Ok; 6],
        },
        Case {
            method: "GET",
            route: "/forgot-password",
            call: "/forgot-password",
            form: &[],
            want: [Ok; 6],
        },
        page("/p/:project/users", "/p/default/users"),
        page("/p/:project/roles", "/p/default/roles"),
        page("/p/:project/groups", "/p/default/groups"),
        page("/p/:project/audit", "/p/default/audit"),
        page("/p/:project/projects", "/p/default/projects"),
        Case {
            method: "GET",
            route: "/account",
            call: "/account",
            form: &[],
            want: [To("/login?next=/account"), Ok, Ok, Ok, Ok, Ok],
        },
        Case {
            method: "GET",
            route: "/api/users",
            call: "/api/users?project=default&query[q]=ada&query[sort]=created&query[desc]=true&query[page]=1&query[size]=20",
            form: &[],
            want: USERS_READ,
        },
        Case {
            method: "GET",
            route: "/api/directory",
            call: "/api/directory?project=default",
            form: &[],
            want: USERS_READ,
        },
        Case {
            method: "GET",
            route: "/api/viewer",
            call: "/api/viewer",
            form: &[],
            want: [Ok; 6],
        },
        Case {
            method: "POST",
            route: "/api/sign_in",
            call: "/api/sign_in",
            form: &[
                ("email", "nobody@roster.test"),
                ("password", "wrong password"),
            ],
            want: [Unauthenticated; 6],
        },
        Case {
            method: "POST",
            route: "/api/sign_out",
            call: "/api/sign_out",
            form: &[],
            want: [Unauthenticated, Ok, Ok, Ok, Ok, Ok],
        },
    ]
}

/// Leptos's page paths use `:param` or `{param}` depending on the version; compare the shape.
fn normalise(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with(':') || seg.starts_with('{') {
                ":param"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn registry_is_complete() {
    let listed: BTreeSet<(String, String)> = registry()
        .iter()
        .map(|c| (c.method.to_string(), normalise(c.route)))
        .collect();
    let mut served: BTreeSet<(String, String)> = BTreeSet::new();
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        served.insert((method.to_string(), normalise(path)));
    }
    for route in leptos_axum::generate_route_list(app::App) {
        let p = route.path();
        served.insert((
            "GET".to_string(),
            normalise(if p.is_empty() { "/" } else { p }),
        ));
    }
    for p in server::plain_routes() {
        served.insert(("GET".to_string(), p.to_string()));
    }
    let missing: Vec<_> = served.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "routes without an access-matrix row: {missing:?}"
    );
    let stale: Vec<_> = listed.difference(&served).collect();
    assert!(
        stale.is_empty(),
        "matrix rows for routes that no longer exist: {stale:?}"
    );
}

app_test!(
    every_route_answers_each_kind_of_caller_as_the_matrix_says,
    |app: TestApp| async move {
        app.user("end@roster.test", "default", "end_user").await;
        app.user("dev@roster.test", "default", "developer").await;
        app.user("other@roster.test", "other", "admin").await;
        app.user("admin@roster.test", "default", "admin").await;
        let emails = [
            None,
            Some("end@roster.test"),
            Some("dev@roster.test"),
            Some("other@roster.test"),
            Some("admin@roster.test"),
            Some(ADMIN_EMAIL),
        ];

        let mut failures = Vec::new();
        for case in registry() {
            for (k, email) in emails.iter().enumerate() {
                // A fresh session per call: some calls (sign out) end the one they use.
                let c = app.client();
                if let Some(e) = email {
                    assert_eq!(
                        app.sign_in(&c, e, PASSWORD).await.status(),
                        200,
                        "sign in {e}"
                    );
                }
                let req = match case.method {
                    "GET" => c.get(app.url(case.call)),
                    _ => c
                        .post(app.url(case.call))
                        .header("origin", format!("http://{}", app.addr))
                        .header("sec-fetch-site", "same-origin")
                        .form(case.form),
                };
                let res = req.send().await.unwrap();
                let status = res.status().as_u16();
                let location = res
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                // Read the whole answer, as a browser does (a page streams after its headers).
                let _ = res.bytes().await;
                let ok = match case.want[k] {
                    Ok => (200..300).contains(&status),
                    To(prefix) => (300..400).contains(&status) && location.starts_with(prefix),
                    Unauthenticated => status == 401,
                    Forbidden => status == 403,
                };
                if !ok {
                    failures.push(format!(
                        "{} {} as {}: wanted {:?}, got {status} {location}",
                        case.method, case.call, ROLES[k], case.want[k]
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "access matrix violations:\n{}",
            failures.join("\n")
        );
        app
    }
);
