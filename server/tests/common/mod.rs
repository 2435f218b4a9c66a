//! A real Roster server on a random loopback port over a fresh database, driven over HTTP with
//! a cookie-keeping client, as a browser would.
#![allow(dead_code)]
pub mod mmdb;
pub mod smtp;
use app::server::auth::AuthConfig;
use app::server::db::testing::TestDb;
use app::server::geoip::GeoIp;
use app::server::password::{PasswordConfig, Passwords};
use app::server::store::{self, NewUser};
use app::server::{AppState, Backend, Db};
use leptos::prelude::LeptosOptions;
use reqwest::{Client, Response};
use std::net::SocketAddr;
use std::sync::Arc;

pub const ADMIN_EMAIL: &str = "root@roster.test";
pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    test_db: Option<TestDb>,
    server: tokio::task::JoinHandle<()>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut AuthConfig)) -> TestApp {
        Self::spawn_custom(backend, tweak, PasswordConfig::testing()).await
    }

    pub async fn spawn_custom(
        backend: Backend,
        tweak: impl FnOnce(&mut AuthConfig),
        pw: PasswordConfig,
    ) -> TestApp {
        let test_db = TestDb::new(backend).await;
        let db = test_db.db.clone();
        Self::spawn_over(test_db, db, tweak, pw).await
    }

    /// A server on `db`: the test database itself, or another way to reach it (a proxy a test
    /// can cut).
    pub async fn spawn_over(
        test_db: TestDb,
        db: Db,
        tweak: impl FnOnce(&mut AuthConfig),
        pw: PasswordConfig,
    ) -> TestApp {
        Self::spawn_geoip(test_db, db, tweak, pw, None).await
    }

    /// As [`TestApp::spawn_over`], with a GeoIP database in the state.
    pub async fn spawn_geoip(
        test_db: TestDb,
        db: Db,
        tweak: impl FnOnce(&mut AuthConfig),
        pw: PasswordConfig,
        geoip: Option<Arc<GeoIp>>,
    ) -> TestApp {
        let passwords = Passwords::new(pw);
        app::server::bootstrap::bootstrap(&db, &passwords, Some(ADMIN_EMAIL), Some(PASSWORD))
            .await
            .expect("bootstrap");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut auth = AuthConfig {
            public_url: format!("http://{addr}"),
            allowed_hosts: vec![addr.to_string()],
            ..AuthConfig::default()
        };
        tweak(&mut auth);
        let leptos_options = LeptosOptions::builder()
            .output_name("roster")
            .site_root("target/site")
            .site_addr(addr)
            .build();
        let state = AppState {
            leptos_options,
            db,
            passwords,
            auth: Arc::new(auth),
            geoip,
        };
        let router =
            server::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        TestApp {
            addr,
            state,
            test_db: Some(test_db),
            server,
        }
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36")
            .build()
            .unwrap()
    }

    /// POSTs a server function as the browser does (same-origin, form-encoded).
    pub async fn call(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("origin", format!("http://{}", self.addr))
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// POSTs a JSON-encoded server function (`input = Json`) as the browser does (same-origin).
    pub async fn call_json(
        &self,
        client: &Client,
        endpoint: &str,
        body: &serde_json::Value,
    ) -> Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("origin", format!("http://{}", self.addr))
            .header("sec-fetch-site", "same-origin")
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// GETs `path` and returns the status and the JSON body (Null when the body is not JSON).
    pub async fn get_json(&self, client: &Client, path: &str) -> (u16, serde_json::Value) {
        let res = client.get(self.url(path)).send().await.unwrap();
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
        )
    }

    /// GETs a server function that answers server-rendered HTML (a JSON string): the status
    /// and the HTML, or the error's JSON as text.
    pub async fn get_html(&self, client: &Client, path: &str) -> (u16, String) {
        let (status, body) = self.get_json(client, path).await;
        let html = body
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| body.to_string());
        (status, html)
    }

    /// A fresh client signed in as `email` (with the test password); panics if refused.
    pub async fn signed_in(&self, email: &str) -> Client {
        let c = self.client();
        let res = self.sign_in(&c, email, PASSWORD).await;
        assert_eq!(res.status(), 200, "sign in {email}");
        c
    }

    pub async fn sign_in(&self, client: &Client, email: &str, password: &str) -> Response {
        self.call(
            client,
            "sign_in",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// A sign-in from a browser that sends one more header (a huge user agent, a forwarded
    /// address…).
    pub async fn sign_in_with_header(
        &self,
        client: &Client,
        header: (&str, &str),
        email: &str,
        password: &str,
    ) -> Response {
        client
            .post(self.url("/api/sign_in"))
            .header("origin", format!("http://{}", self.addr))
            .header("sec-fetch-site", "same-origin")
            .header(header.0, header.1)
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// The viewer JSON (null when signed out).
    pub async fn viewer(&self, client: &Client) -> serde_json::Value {
        let res = client.get(self.url("/api/viewer")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// Creates an active user with `role` in project `slug` (the project is created if
    /// missing); returns the user's id.
    pub async fn user(&self, email: &str, slug: &str, role: &str) -> i64 {
        let hash = self.state.passwords.hash(PASSWORD).await.unwrap();
        let mut tx = self.db().begin().await.unwrap();
        let project = project_or_create(&mut tx, slug).await;
        let id = store::insert_user(
            &mut tx,
            &NewUser {
                email,
                first_name: "Test",
                last_name: role,
                password_hash: Some(&hash),
                status: "active",
                is_superadmin: false,
            },
        )
        .await
        .unwrap();
        let role_id = store::role_id(&mut tx, project, role).await.unwrap();
        store::add_membership(&mut tx, project, id, role_id)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// Adds an existing user to project `slug` (created if missing) with `role`.
    pub async fn add_member(&self, user_id: i64, slug: &str, role: &str) {
        let mut tx = self.db().begin().await.unwrap();
        let project = project_or_create(&mut tx, slug).await;
        let role_id = store::role_id(&mut tx, project, role).await.unwrap();
        store::add_membership(&mut tx, project, user_id, role_id)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    /// Creates a group `name` in the existing project `slug`; returns its id.
    pub async fn group(&self, slug: &str, name: &str) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO groups (project_id, name, created_at) \
             SELECT id, $1, 0 FROM projects WHERE slug = $2 RETURNING id",
        )
        .bind(name)
        .bind(slug)
        .fetch_one(self.db().pool())
        .await
        .unwrap()
    }

    /// The token of the newest reset link mailed to `email` (read from the outbox).
    pub async fn reset_token(&self, email: &str) -> String {
        let body: String = sqlx::query_scalar(
            "SELECT body FROM outbox WHERE to_email = $1 AND body LIKE '%/reset-password?token=%' \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(email)
        .fetch_one(self.db().pool())
        .await
        .unwrap();
        let at = body.find("/reset-password?token=").expect("a reset link") + 22;
        body[at..].split_whitespace().next().unwrap().to_string()
    }

    pub async fn exec(&self, sql: &str) {
        let mut tx = self.db().begin().await.unwrap();
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.db().pool())
            .await
            .unwrap()
    }

    pub async fn stop(mut self) {
        self.server.abort();
        if let Some(t) = self.test_db.take() {
            t.drop_db().await;
        }
    }
}

/// The session token a response set, if any.
pub fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            let first = c.split(';').next()?;
            let (k, v) = first.split_once('=')?;
            (k == "roster_session").then(|| v.to_string())
        })
}

/// Longest any one test may run: a response that never ends fails its test instead of holding
/// the whole suite (and CI) until an outer limit.
pub const TEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(180);

/// Runs `test`, failing it if it is still running after [`TEST_DEADLINE`].
pub async fn with_deadline(test: impl std::future::Future<Output = ()>) {
    if tokio::time::timeout(TEST_DEADLINE, test).await.is_err() {
        panic!("test still running after {TEST_DEADLINE:?}: something hangs");
    }
}

/// Runs an async test body on both backends: `app_test!(name, |app| async move { … })`.
#[macro_export]
macro_rules! app_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run(backend: app::server::Backend) {
                let app = $crate::common::TestApp::spawn(backend).await;
                let body = $body;
                let app = body(app).await;
                $crate::common::TestApp::stop(app).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::common::with_deadline(run(app::server::Backend::Sqlite)).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::common::with_deadline(run(app::server::Backend::Postgres)).await
            }
        }
    };
}

/// Runs an async test body on both backends, handing it the backend (for tests that need a
/// server with special settings): `backend_test!(name, |backend| async move { … })`.
#[macro_export]
macro_rules! backend_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::common::with_deadline(($body)(app::server::Backend::Sqlite)).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::common::with_deadline(($body)(app::server::Backend::Postgres)).await
            }
        }
    };
}

/// The message a person sees for a failed server function: the body is the serialized
/// `AppError`, which the browser decodes and displays.
pub async fn error_message(res: Response) -> String {
    let body = res.text().await.unwrap();
    serde_json::from_str::<app::model::AppError>(&body)
        .unwrap_or_else(|e| panic!("not an AppError ({e}): {body}"))
        .to_string()
}

/// The field a 422 answer names (the body is a serialized `AppError::Validation`).
pub async fn error_field(res: Response) -> Option<String> {
    let body = res.text().await.unwrap();
    serde_json::from_str::<app::model::AppError>(&body)
        .unwrap_or_else(|e| panic!("not an AppError ({e}): {body}"))
        .field()
        .map(str::to_string)
}

/// The id of project `slug`, created (named after its slug) if missing.
async fn project_or_create(tx: &mut sqlx::Transaction<'static, sqlx::Any>, slug: &str) -> i64 {
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM projects WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&mut **tx)
        .await
        .unwrap();
    match existing {
        Some(id) => id,
        None => store::create_project(tx, slug, slug).await.unwrap(),
    }
}
