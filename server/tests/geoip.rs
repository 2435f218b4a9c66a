//! Approximate locations from a GeoIP database (`ROSTER_GEOIP_DB`): "City, Country" beside the
//! address of each session and sign-in, for the person and for admins; nothing without a
//! database or for an address it does not know; a bad file never stops the server.
mod common;
use app::server::geoip::{location, GeoIp};
use clap::Parser;
use common::mmdb::{city, country_only, temp_file, Mmdb};
use common::*;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

/// Lyon for 203.0.113.0/24, only a country for 198.51.100.0/24, Montréal for 2001:db8::/32;
/// nothing else (192.0.2.0/24 and private addresses are unknown).
fn test_database() -> std::path::PathBuf {
    Mmdb::default()
        .network("203.0.113.0/24", city("Lyon", "France", "FR"))
        .network("198.51.100.0/24", country_only("Germany", "DE"))
        .network("2001:db8::/32", city("Montréal", "Canada", "CA"))
        .write()
}

fn open_test_database() -> Arc<GeoIp> {
    let path = test_database();
    let geo = GeoIp::open(&path).expect("the test database opens");
    std::fs::remove_file(path).unwrap();
    Arc::new(geo)
}

#[test]
fn locate_names_the_city_and_country_of_known_addresses_only() {
    let geo = open_test_database();
    for (ip, want) in [
        ("203.0.113.9", Some("Lyon, France")),
        ("203.0.113.255", Some("Lyon, France")),
        ("198.51.100.7", Some("Germany")),
        ("2001:db8::1", Some("Montréal, Canada")),
        // A dual-stack listener's spelling of an IPv4 client.
        ("::ffff:203.0.113.9", Some("Lyon, France")),
        ("203.0.114.1", None),
        ("192.0.2.1", None),
        ("10.0.0.1", None),
        ("127.0.0.1", None),
        ("::1", None),
        ("2001:db9::1", None),
        ("", None),
        ("not an address", None),
        ("203.0.113.9:443", None),
    ] {
        assert_eq!(geo.locate(ip).as_deref(), want, "{ip}");
    }
    assert_eq!(location(Some(&geo), "203.0.113.9"), "Lyon, France");
    assert_eq!(location(None, "203.0.113.9"), "");
}

#[test]
fn a_missing_or_broken_file_leaves_locations_out() {
    let real = Mmdb::default()
        .network("203.0.113.0/24", city("Lyon", "France", "FR"))
        .build();
    let garbage = temp_file(b"this is not a MaxMind database, whatever its name says");
    let truncated = temp_file(&real[..real.len() / 2]);
    let missing = std::env::temp_dir().join("roster-tests/no-such-geoip.mmdb");
    for path in [&garbage, &truncated, &missing] {
        assert!(GeoIp::open(path).is_err(), "{}", path.display());
        assert!(
            GeoIp::configured(Some(path)).is_none(),
            "{}",
            path.display()
        );
    }
    assert!(GeoIp::configured(Some(Path::new(""))).is_none());
    assert!(GeoIp::configured(None).is_none());
    std::fs::remove_file(garbage).unwrap();
    std::fs::remove_file(truncated).unwrap();
}

/// The one session of `list` whose address is `ip`.
fn session<'a>(list: &'a Value, ip: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|s| s["ip"] == ip)
        .unwrap_or_else(|| panic!("no session from {ip} in {list}"))
}

/// (ip, location) of each row of a page of sign-ins or activity.
fn located(page: &Value) -> Vec<(String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["ip"].as_str().unwrap().to_string(),
                e["location"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Tom signs in from Lyon (through the proxy), from an address the database does not know,
/// and fails once from Germany; answers his client from Lyon and his id.
async fn tom_signs_in_around_the_world(app: &TestApp) -> (reqwest::Client, i64) {
    let tom = app.user("tom@acme.test", "default", "end_user").await;
    let lyon = app.client();
    let res = app
        .sign_in_with_header(
            &lyon,
            ("x-forwarded-for", "203.0.113.9"),
            "tom@acme.test",
            PASSWORD,
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .sign_in_with_header(
            &app.client(),
            ("x-forwarded-for", "192.0.2.50"),
            "tom@acme.test",
            PASSWORD,
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .sign_in_with_header(
            &app.client(),
            ("x-forwarded-for", "198.51.100.7"),
            "tom@acme.test",
            "not the password",
        )
        .await;
    assert_eq!(res.status(), 401);
    (lyon, tom)
}

async fn spawn(backend: app::server::Backend, geoip: Option<Arc<GeoIp>>) -> TestApp {
    let test_db = app::server::db::testing::TestDb::new(backend).await;
    let db = test_db.db.clone();
    let behind_proxy = |a: &mut app::server::auth::AuthConfig| {
        a.trust_proxy = true;
        a.proxy_hops = 1;
    };
    let pw = app::server::password::PasswordConfig::testing();
    TestApp::spawn_geoip(test_db, db, behind_proxy, pw, geoip).await
}

async fn html(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let res = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

backend_test!(
    sessions_and_sign_ins_show_where_the_client_is,
    |backend| async move {
        let app = spawn(backend, Some(open_test_database())).await;
        let (lyon, tom) = tom_signs_in_around_the_world(&app).await;
        let sign_ins = vec![
            ("198.51.100.7".to_string(), "Germany".to_string()),
            ("192.0.2.50".to_string(), String::new()),
            ("203.0.113.9".to_string(), "Lyon, France".to_string()),
        ];

        // Tom's own account page.
        let (status, sessions) = app.get_json(&lyon, "/api/my_sessions").await;
        assert_eq!(status, 200, "{sessions}");
        assert_eq!(
            session(&sessions, "203.0.113.9")["location"],
            "Lyon, France"
        );
        assert_eq!(session(&sessions, "192.0.2.50")["location"], "");
        let (status, page) = app.get_json(&lyon, "/api/my_sign_ins?page=1").await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(located(&page), sign_ins);
        let page_html = html(&app, &lyon, "/account").await;
        assert!(page_html.contains(r#"<th scope="col">Location</th>"#));
        assert!(page_html.contains("Lyon, France"));
        assert!(page_html.contains("Germany"));

        // The admin's detail page of Tom: his sessions and his activity.
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let (status, detail) = app
            .get_json(&admin, &format!("/api/user?project=default&id={tom}"))
            .await;
        assert_eq!(status, 200, "{detail}");
        let sessions = &detail["sessions"];
        assert_eq!(session(sessions, "203.0.113.9")["location"], "Lyon, France");
        assert_eq!(session(sessions, "192.0.2.50")["location"], "");
        let (status, page) = app
            .get_json(
                &admin,
                &format!("/api/user_activity?project=default&id={tom}&page=1"),
            )
            .await;
        assert_eq!(status, 200, "{page}");
        let activity = located(&page);
        for row in &sign_ins {
            assert!(activity.contains(row), "{row:?} in {activity:?}");
        }
        let page_html = html(&app, &admin, &format!("/p/default/users/{tom}")).await;
        assert!(page_html.contains(r#"<th scope="col">Location</th>"#));
        assert!(page_html.contains("Lyon, France"));

        // In French, the column says so.
        app.exec("UPDATE users SET language = 'fr' WHERE email = 'tom@acme.test'")
            .await;
        let page_html = html(&app, &lyon, "/account").await;
        assert!(page_html.contains(r#"<th scope="col">Localisation</th>"#));
        app.stop().await;
    }
);

backend_test!(
    without_a_database_nothing_is_located,
    |backend| async move {
        let app = spawn(backend, None).await;
        let (lyon, tom) = tom_signs_in_around_the_world(&app).await;
        let (_, sessions) = app.get_json(&lyon, "/api/my_sessions").await;
        assert_eq!(session(&sessions, "203.0.113.9")["location"], "");
        let (_, page) = app.get_json(&lyon, "/api/my_sign_ins?page=1").await;
        assert!(located(&page).iter().all(|(_, l)| l.is_empty()), "{page}");
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let (_, detail) = app
            .get_json(&admin, &format!("/api/user?project=default&id={tom}"))
            .await;
        assert_eq!(session(&detail["sessions"], "203.0.113.9")["location"], "");
        let (_, page) = app
            .get_json(
                &admin,
                &format!("/api/user_activity?project=default&id={tom}&page=1"),
            )
            .await;
        assert!(located(&page).iter().all(|(_, l)| l.is_empty()), "{page}");
        // No empty column either.
        for (client, path) in [
            (&lyon, "/account".to_string()),
            (&admin, format!("/p/default/users/{tom}")),
        ] {
            let page_html = html(&app, client, &path).await;
            assert!(page_html.contains("203.0.113.9"), "{path}");
            assert!(
                !page_html.contains(r#"<th scope="col">Location</th>"#),
                "{path}"
            );
        }
        app.stop().await;
    }
);

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    config: server::config::Config,
}

// Startup reads ROSTER_GEOIP_DB through the real configuration: a file that is not a MaxMind
// database is logged and left out, and the server starts and serves as usual.
backend_test!(
    a_broken_database_file_does_not_stop_the_server,
    |backend| async move {
        let test_db = app::server::db::testing::TestDb::new(backend).await;
        let garbage = temp_file(&[0xAB; 4096]);
        let cli = Cli::try_parse_from([
            "roster",
            "--database-url",
            test_db.url.as_str(),
            "--geoip-db",
            garbage.to_str().unwrap(),
            "--admin-email",
            ADMIN_EMAIL,
            "--admin-password",
            PASSWORD,
        ])
        .unwrap();
        assert_eq!(cli.config.geoip_db.as_deref(), Some(garbage.as_path()));
        let state = server::prepare(&cli.config)
            .await
            .expect("the server starts");
        assert!(state.geoip.is_none());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = server::router(state.clone())
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let serving = tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        // The configured public URL is 127.0.0.1:3000; this one answers as that host.
        let res = reqwest::Client::new()
            .get(format!("http://{addr}/healthz"))
            .header("host", "127.0.0.1:3000")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        serving.abort();
        let _ = serving.await;
        state.db.close().await;
        std::fs::remove_file(garbage).unwrap();
        test_db.drop_db().await;
    }
);
