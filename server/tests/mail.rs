//! Mail delivery over a real SMTP server (aiosmtpd): the worker drains the outbox, a delivered
//! mail's body is cleared, failures retry with backoff and nothing is lost or sent twice, and
//! two workers on one database send each mail once.
mod common;
use app::server::mail::{deliver_due, Mailer};
use common::smtp::SmtpServer;
use common::*;
use serde_json::json;

fn mailer(smtp: &SmtpServer) -> Mailer {
    Mailer::new(&smtp.url(), "Roster <roster@roster.test>").unwrap()
}

/// A raw message's text with quoted-printable soft breaks and `=3D` undone.
fn decoded(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

async fn queue(app: &TestApp, to: &str) {
    let mut tx = app.db().begin().await.unwrap();
    app::server::mail::queue(&mut tx, to, "Hello", &format!("Hello {to}"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

app_test!(
    a_reset_mail_is_delivered_over_smtp_and_its_link_works,
    |app: TestApp| async move {
        let smtp = SmtpServer::start().await;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let res = app
            .call_json(
                &admin,
                "send_password_reset",
                &json!({"project": "default", "id": tom}),
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(deliver_due(app.db(), &mailer(&smtp), 20).await.unwrap(), 1);

        let messages = smtp.messages();
        assert_eq!(messages.len(), 1);
        let m = decoded(&messages[0]);
        assert!(m.contains("To: tom@acme.test"), "{m}");
        assert!(m.contains("Subject: Reset your Roster password"), "{m}");
        assert!(m.contains("text/plain") && m.contains("text/html"), "{m}");
        // Delivered: the body (and its live link) is gone from the database.
        let (sent, body): (Option<i64>, String) =
            sqlx::query_as("SELECT sent_at, body FROM outbox")
                .fetch_one(app.db().pool())
                .await
                .unwrap();
        assert!(sent.is_some());
        assert_eq!(body, "");

        // The person follows the link in the mail they received.
        let at = m.find("/reset-password?token=").expect("a link") + 22;
        let token: String = m[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        let pw = "a new passphrase from the mail";
        let res = app
            .call(
                &app.client(),
                "reset_password",
                &[("token", &token), ("password", pw), ("confirm", pw)],
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        assert_eq!(
            app.sign_in(&app.client(), "tom@acme.test", pw)
                .await
                .status(),
            200
        );
        app
    }
);

app_test!(
    with_smtp_down_mail_waits_and_is_delivered_once_when_it_is_back,
    |app: TestApp| async move {
        let mut smtp = SmtpServer::start().await;
        let m = mailer(&smtp);
        smtp.stop();
        for to in ["a@acme.test", "b@acme.test", "c@acme.test"] {
            queue(&app, to).await;
        }
        queue(&app, "not an address").await;
        assert_eq!(deliver_due(app.db(), &m, 20).await.unwrap(), 0);
        let waiting = "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL \
             AND attempts = 1 AND last_error IS NOT NULL AND body <> ''";
        assert_eq!(
            app.count(waiting).await,
            3,
            "kept, with the error, for later"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL AND body = ''")
                .await,
            1,
            "a bad address is given up on at once"
        );

        smtp.resume().await;
        // Not yet due: the retry waits its backoff.
        assert_eq!(deliver_due(app.db(), &m, 20).await.unwrap(), 0);
        app.exec("UPDATE outbox SET next_attempt_at = 0 WHERE failed_at IS NULL")
            .await;
        assert_eq!(deliver_due(app.db(), &m, 20).await.unwrap(), 3);
        assert_eq!(deliver_due(app.db(), &m, 20).await.unwrap(), 0);
        let mut to: Vec<String> = smtp
            .messages()
            .iter()
            .map(|m| {
                m.lines()
                    .find_map(|l| l.strip_prefix("To: "))
                    .unwrap()
                    .to_string()
            })
            .collect();
        to.sort();
        assert_eq!(to, ["a@acme.test", "b@acme.test", "c@acme.test"]);
        app
    }
);

app_test!(
    two_workers_on_one_database_send_each_mail_once,
    |app: TestApp| async move {
        let smtp = SmtpServer::start().await;
        for i in 0..30 {
            queue(&app, &format!("person{i}@acme.test")).await;
        }
        let (one, two) = (mailer(&smtp), mailer(&smtp));
        let work = |m: Mailer| {
            let db = app.db().clone();
            async move {
                let mut sent = 0;
                loop {
                    let n = deliver_due(&db, &m, 4).await.unwrap();
                    if n == 0 {
                        return sent;
                    }
                    sent += n;
                }
            }
        };
        let (a, b) = tokio::join!(tokio::spawn(work(one)), tokio::spawn(work(two)));
        assert_eq!(a.unwrap() + b.unwrap(), 30);
        let messages = smtp.messages();
        assert_eq!(messages.len(), 30);
        let mut to: Vec<&str> = messages
            .iter()
            .map(|m| m.lines().find_map(|l| l.strip_prefix("To: ")).unwrap())
            .collect();
        to.sort();
        to.dedup();
        assert_eq!(to.len(), 30, "nobody got a mail twice");
        app
    }
);
