//! Secrets never reach the log: a password reset from request to use leaves neither its token
//! nor the recipient's address in the captured log output (mail bodies and query strings are
//! never logged).
mod common;
use common::*;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

/// Everything every test in this binary logs, at every level.
fn captured() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Writer(sink.clone()))
            .init();
        log
    })
}

struct Writer(Arc<Mutex<Vec<u8>>>);

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn log_text() -> String {
    String::from_utf8_lossy(&captured().lock().unwrap()).into_owned()
}

backend_test!(
    a_password_reset_leaves_no_token_in_the_log,
    |backend| async move {
        captured();
        let app = TestApp::spawn(backend).await;
        let email = format!("tom.{}@acme.test", rand_suffix());
        let tom = app.user(&email, "default", "end_user").await;
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let res = app
            .call_json(
                &admin,
                "send_password_reset",
                &json!({"project": "default", "id": tom}),
            )
            .await;
        assert_eq!(res.status(), 200);
        let token = app.reset_token(&email).await;

        // The person opens the link and chooses a password.
        let c = app.client();
        let res = c
            .get(app.url(&format!("/reset-password?token={token}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let res = app
            .call(
                &c,
                "reset_password",
                &[
                    ("token", &token),
                    ("password", "a brand new passphrase 42"),
                    ("confirm", "a brand new passphrase 42"),
                ],
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

        let log = log_text();
        // The log did see all of it …
        assert!(log.contains("mail queued in the outbox"), "{log}");
        assert!(log.contains("/reset-password"));
        assert!(log.contains("/api/reset_password"));
        // … and kept no secret.
        assert!(!log.contains(&token), "the reset token is in the log");
        assert!(
            !log.contains(&email),
            "the recipient's address is in the log"
        );
        assert!(!log.contains("a brand new passphrase"));
        app.stop().await;
    }
);

fn rand_suffix() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}
