//! A database outage is answered, not waited out: with PostgreSQL unreachable, `/healthz` says
//! so within a second, the sign-in page still renders, everything else answers 503 at once,
//! and all of it recovers by itself when the database is back.
//!
//! The outage is a TCP proxy between the server and the test PostgreSQL that the test cuts and
//! restores: stopping the shared server would break every other test running beside this one.
//! SQLite has no outage of this kind (the database is a file of the process).
mod common;
use common::*;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};

/// Forwards a port to the database; cut, it behaves like a stopped server: open connections
/// drop and new ones are refused (nothing listens on the port).
struct Proxy {
    addr: SocketAddr,
    upstream: String,
    /// The accept loop and every forwarded connection.
    tasks: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = Proxy {
            addr: listener.local_addr().unwrap(),
            upstream,
            tasks: Mutex::new(Vec::new()),
        };
        proxy.serve(listener);
        proxy
    }

    fn serve(&self, listener: TcpListener) {
        let upstream = self.upstream.clone();
        let links = Arc::new(Mutex::new(Vec::new()));
        let links2 = links.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                links2.lock().unwrap().push(tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                }));
            }
        });
        let mut tasks = self.tasks.lock().unwrap();
        tasks.push(accept);
        // The forwarded connections are aborted with the accept loop (see `cut`).
        tasks.push(tokio::spawn(async move {
            let _links = LinkGuard(links);
            std::future::pending::<()>().await
        }));
    }

    fn cut(&self) {
        for t in self.tasks.lock().unwrap().drain(..) {
            t.abort();
        }
    }

    async fn restore(&self) {
        let listener = TcpListener::bind(self.addr).await.unwrap();
        self.serve(listener);
    }
}

/// Aborts the forwarded connections when dropped.
struct LinkGuard(Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>);

impl Drop for LinkGuard {
    fn drop(&mut self) {
        for link in self.0.lock().unwrap().drain(..) {
            link.abort();
        }
    }
}

/// `postgres://u:p@host:port/db` → (`host:port`, the URL with `addr` in its place).
fn through(url: &str, addr: SocketAddr) -> (String, String) {
    let at = url.find('@').unwrap() + 1;
    let end = at + url[at..].find('/').unwrap();
    let upstream = url[at..end].to_string();
    (upstream, format!("{}{addr}{}", &url[..at], &url[end..]))
}

/// Answers `req` and says how long it took.
async fn timed(req: reqwest::RequestBuilder) -> (reqwest::Response, Duration) {
    let started = Instant::now();
    let res = req.send().await.unwrap();
    (res, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_is_answered_at_once_and_recovers_by_itself() {
    with_deadline(async {
        let test_db = app::server::db::testing::TestDb::new(app::server::Backend::Postgres).await;
        let placeholder: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let (upstream, _) = through(&test_db.url, placeholder);
        let proxy = Proxy::start(upstream).await;
        let (_, via_proxy) = through(&test_db.url, proxy.addr);
        let db = app::server::Db::connect(&via_proxy).await.unwrap();
        let app = TestApp::spawn_over(
            test_db,
            db,
            |_| {},
            app::server::password::PasswordConfig::testing(),
        )
        .await;
        let c = app.signed_in(ADMIN_EMAIL).await;
        let res = c.get(app.url("/p/default/users")).send().await.unwrap();
        assert_eq!(res.status(), 200);

        proxy.cut();
        let (res, took) = timed(c.get(app.url("/healthz"))).await;
        assert_eq!(res.status(), 503);
        assert!(took < Duration::from_secs(1), "/healthz took {took:?}");

        let (res, took) = timed(c.get(app.url("/p/default/users"))).await;
        assert_eq!(res.status(), 503);
        assert!(took < Duration::from_secs(1), "a page took {took:?}");
        assert_eq!(res.headers()["retry-after"], "5");
        let page = res.text().await.unwrap();
        assert!(
            page.contains("Roster is unavailable for a moment"),
            "{page}"
        );

        // A server function: the AppError, as JSON, with the same status.
        let (res, took) = timed(
            c.post(app.url("/api/sign_in"))
                .header("origin", format!("http://{}", app.addr))
                .header("sec-fetch-site", "same-origin")
                .form(&[("email", ADMIN_EMAIL), ("password", PASSWORD)]),
        )
        .await;
        assert_eq!(res.status(), 503);
        assert!(took < Duration::from_secs(1), "sign-in took {took:?}");
        assert!(error_message(res).await.contains("unavailable"));

        // The sign-in page needs no database, with or without a session cookie.
        for client in [&c, &app.client()] {
            let (res, took) = timed(client.get(app.url("/login"))).await;
            let status = res.status();
            let body = res.text().await.unwrap();
            assert_eq!(status, 200, "{body}");
            assert!(took < Duration::from_secs(1), "/login took {took:?}");
            assert!(body.contains("Sign in"));
        }

        // Back by itself: the health check notices and the same session works again.
        proxy.restore().await;
        let started = Instant::now();
        loop {
            let res = c.get(app.url("/healthz")).send().await.unwrap();
            if res.status() == 200 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "still unavailable 20 s after the database came back"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let res = c.get(app.url("/p/default/users")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        app.stop().await;
    })
    .await
}
