//! The mail outbox: messages are written in the same transaction as the change that sends them
//! and delivered by a worker inside the server over SMTP (`SMTP_URL`). Without SMTP they stay
//! readable in the `outbox` table, so a developer can follow the links locally. A body holds a
//! live link (a reset or invitation token), so it never goes to the log (the log names the
//! outbox row and a hash of the recipient) and it is cleared once the mail is delivered or
//! given up on.
use super::db::{Backend, Db};
use super::mail_text::Mail;
use super::util::{hash_token, now_ms, rows_marks, truncate};
use crate::model::AppError;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;
use std::time::Duration;

pub async fn queue(
    tx: &mut Transaction<'_, Any>,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<i64, AppError> {
    let mail = Mail {
        subject: subject.to_string(),
        body: body.to_string(),
    };
    let ids = queue_many(tx, &[(to, mail)]).await?;
    ids.get(to).copied().ok_or(AppError::Internal)
}

/// Queues several mails in one statement (an import's batch); answers their outbox ids by
/// address (so the addresses must differ).
pub async fn queue_many(
    tx: &mut Transaction<'_, Any>,
    mails: &[(&str, Mail)],
) -> Result<HashMap<String, i64>, AppError> {
    if mails.is_empty() {
        return Ok(HashMap::new());
    }
    let now = now_ms();
    let sql = Backend::of(tx).positional(format!(
        "INSERT INTO outbox (to_email, subject, body, created_at, next_attempt_at) VALUES {} \
         RETURNING id, to_email",
        rows_marks(1, mails.len(), 5)
    ));
    let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
    for (to, mail) in mails {
        q = q
            .bind(*to)
            .bind(mail.subject.as_str())
            .bind(mail.body.as_str())
            .bind(now)
            .bind(now);
    }
    let ids: HashMap<String, i64> = q
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|(id, to)| (to, id))
        .collect();
    for (to, mail) in mails {
        tracing::info!(
            outbox_id = ids.get(*to),
            to = recipient_hash(to),
            subject = mail.subject,
            "mail queued in the outbox"
        );
    }
    Ok(ids)
}

/// Names a recipient in the log without their address: the first 12 hex digits of its SHA-256
/// (enough to follow one person's mail through a log, not to read it).
pub fn recipient_hash(email: &str) -> String {
    hash_token(&email.to_lowercase())[..12].to_string()
}

/// Tries before a mail is given up on (about a day and a half of backoff in all).
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claimed mail is reserved for the worker that claimed it.
const LEASE_MS: i64 = 60_000;
/// The wait after the first failed try; it doubles with each further failure, up to 6 h.
const FIRST_RETRY_MS: i64 = 30_000;
const MAX_RETRY_MS: i64 = 6 * 3600 * 1000;

/// Sends mail over SMTP.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `url`: `smtp://user:pass@host:587` (STARTTLS), `smtps://…` (TLS), or
    /// `smtp://host:25?tls=none` for a local relay. `from`: `Name <address>` or an address.
    pub fn new(url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_url(url))
            .map_err(|e| format!("SMTP_URL is not usable: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse()
            .map_err(|e| format!("ROSTER_MAIL_FROM {from:?} is not an address: {e}"))?;
        Ok(Mailer { transport, from })
    }

    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), Failure> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| Failure::Permanent(format!("bad recipient: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .multipart(MultiPart::alternative_plain_html(
                body.to_string(),
                html_of(body),
            ))
            .map_err(|e| Failure::Permanent(e.to_string()))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(Failure::Permanent(e.to_string())),
            Err(e) => Err(Failure::Transient(e.to_string())),
        }
    }
}

/// Roster's `SMTP_URL` in lettre's terms: plain `smtp://` means STARTTLS required (lettre's
/// `tls=required`), `tls=none` means no TLS (lettre: no `tls` parameter); `smtps://` and
/// lettre's own `tls=` values pass through.
fn lettre_url(url: &str) -> String {
    let url = url.trim();
    if !url.starts_with("smtp://") {
        return url.to_string();
    }
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    match params.iter().position(|p| p.starts_with("tls=")) {
        Some(i) if params[i] == "tls=none" => {
            params.remove(i);
        }
        Some(_) => {}
        None => params.push("tls=required"),
    }
    if params.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", params.join("&"))
    }
}

enum Failure {
    /// The server refused the mail for good (or it cannot be built): no retry.
    Permanent(String),
    /// Worth another try later (the server is down, busy, or said so).
    Transient(String),
}

/// The HTML part of a plain-text mail: the same text, escaped, with its links clickable.
fn html_of(text: &str) -> String {
    let mut html =
        String::from("<!DOCTYPE html><html><body style=\"font-family:system-ui,sans-serif\">");
    for para in text.split("\n\n") {
        html.push_str("<p>");
        let lines: Vec<String> = para
            .lines()
            .map(|line| {
                line.split(' ')
                    .map(|word| {
                        let escaped = escape(word);
                        if word.starts_with("https://") || word.starts_with("http://") {
                            format!("<a href=\"{escaped}\">{escaped}</a>")
                        } else {
                            escaped
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        html.push_str(&lines.join("<br>"));
        html.push_str("</p>");
    }
    html.push_str("</body></html>");
    html
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One pass of the worker: claims up to `batch` due mails (a lease, so another server on the
/// same database skips them) and delivers each. Answers how many were sent.
pub async fn deliver_due(db: &Db, mailer: &Mailer, batch: i64) -> Result<usize, AppError> {
    let now = now_ms();
    let lock = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        // One writer at a time: the claim is atomic as it is.
        Backend::Sqlite => "",
    };
    let mut tx = db.begin().await?;
    let claimed = sqlx::query(&format!(
        "UPDATE outbox SET claimed_until = $1 WHERE id IN ( \
           SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL \
              AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until <= $2) \
            ORDER BY next_attempt_at, id LIMIT $3 {lock}) \
         RETURNING id, to_email, subject, body, attempts"
    ))
    .bind(now + LEASE_MS)
    .bind(now)
    .bind(batch)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;

    let mut sent = 0;
    for row in claimed {
        let id: i64 = row.try_get("id")?;
        let to: String = row.try_get("to_email")?;
        let attempts: i64 = row.try_get::<i64, _>("attempts")? + 1;
        let result = mailer
            .send(
                &to,
                &row.try_get::<String, _>("subject")?,
                &row.try_get::<String, _>("body")?,
            )
            .await;
        let now = now_ms();
        let mut tx = db.begin().await?;
        match result {
            Ok(()) => {
                sqlx::query(
                    "UPDATE outbox SET sent_at = $1, body = '', attempts = $2, last_error = NULL, \
                     claimed_until = NULL WHERE id = $3",
                )
                .bind(now)
                .bind(attempts)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                sent += 1;
                tracing::info!(outbox_id = id, to = recipient_hash(&to), "mail delivered");
            }
            Err(failure) => {
                let (error, give_up) = match failure {
                    Failure::Permanent(e) => (e, true),
                    Failure::Transient(e) => (e, attempts >= MAX_ATTEMPTS),
                };
                let wait = (FIRST_RETRY_MS << (attempts - 1).min(20)).min(MAX_RETRY_MS);
                sqlx::query(
                    "UPDATE outbox SET attempts = $1, last_error = $2, claimed_until = NULL, \
                       next_attempt_at = $3, failed_at = $4, \
                       body = CASE WHEN $5 = 1 THEN '' ELSE body END \
                     WHERE id = $6",
                )
                .bind(attempts)
                .bind(truncate(&error, 500))
                .bind(now + wait)
                .bind(give_up.then_some(now))
                .bind(give_up as i64)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                tracing::warn!(
                    outbox_id = id,
                    to = recipient_hash(&to),
                    attempts,
                    give_up,
                    error = %error,
                    "mail delivery failed"
                );
            }
        }
        tx.commit().await?;
    }
    Ok(sent)
}

/// Drains the outbox for as long as the server runs: every second, or at once after a full
/// batch.
pub async fn run_worker(db: Db, mailer: Mailer) {
    loop {
        match deliver_due(&db, &mailer, 20).await {
            Ok(20) => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "mail worker pass failed"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn smtp_urls_mean_starttls_unless_told_otherwise() {
        use super::lettre_url;
        assert_eq!(
            lettre_url("smtp://u:p@mail.test:587"),
            "smtp://u:p@mail.test:587?tls=required"
        );
        assert_eq!(lettre_url("smtp://relay:25?tls=none"), "smtp://relay:25");
        assert_eq!(
            lettre_url("smtp://relay:25?tls=none&x=1"),
            "smtp://relay:25?x=1"
        );
        assert_eq!(
            lettre_url("smtp://m:25?tls=opportunistic"),
            "smtp://m:25?tls=opportunistic"
        );
        assert_eq!(lettre_url("smtps://u:p@m:465"), "smtps://u:p@m:465");
    }

    #[test]
    fn the_html_part_is_the_text_escaped_with_links() {
        let html = super::html_of("Hello <b>,\n\nOpen https://r.test/x?a=1&b=2 now.\nBye");
        assert!(html.contains("<p>Hello &lt;b&gt;,</p>"), "{html}");
        assert!(
            html.contains(
                "<a href=\"https://r.test/x?a=1&amp;b=2\">https://r.test/x?a=1&amp;b=2</a>"
            ),
            "{html}"
        );
        assert!(html.contains("now.<br>Bye"), "{html}");
    }
}
