//! Joining a project by oneself, where the project allows it, and verifying email addresses.
//!
//! - Sign-up answers the same whatever the address: the account (or, for an address that
//!   already has one, a notice mail to it) is made after the answer, so neither the answer nor
//!   its timing tells whether the address is known. Throttled per client address.
//! - The account stays "invited" (it cannot sign in and grants nothing) until the person follows
//!   the verification link mailed to them: 24 hours, single use, only its hash stored. Following
//!   it activates the account and signs them in.
//! - A project with terms or privacy links requires consent to join (by sign-up or invitation);
//!   each consent is kept: which links, when, from which address.
//! - An administrator can mail anyone in their project a new verification link.
use super::audit::{self, Actor, Event};
use super::auth::{OpenedSession, RequestMeta};
use super::mail_text::Kind;
use super::store::{self, NewUser};
use super::util::{hash_token, new_token, now_ms};
use super::AppState;
use crate::model::{
    check_name, validate_email, AppError, ConsentInfo, SignupInfo, MAX_EMAIL, VERIFICATION_HOURS,
};
use serde_json::json;
use sqlx::{Any, Row, Transaction};
use std::time::Duration;

type Tx = Transaction<'static, Any>;

pub const VERIFICATION_TTL_MS: i64 = VERIFICATION_HOURS * 3600 * 1000;
/// Sign-ups one client address may make per hour.
pub const SIGNUPS_PER_IP: i64 = 10;

pub fn not_open() -> AppError {
    AppError::Conflict("This project does not accept sign-ups.".into())
}

async fn open_project(state: &AppState, slug: &str) -> Result<Option<(i64, SignupInfo)>, AppError> {
    let row = sqlx::query(
        "SELECT id, name, terms_url, privacy_url FROM projects WHERE slug = $1 AND allow_signup <> 0",
    )
    .bind(slug)
    .fetch_optional(state.db.pool())
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("id")?,
            SignupInfo {
                project_name: r.try_get("name")?,
                terms_url: r.try_get("terms_url")?,
                privacy_url: r.try_get("privacy_url")?,
            },
        ))
    })
    .transpose()
}

/// What the sign-up page of `slug` shows; None when it does not accept sign-ups (or does not
/// exist: the same answer).
pub async fn info(state: &AppState, slug: &str) -> Result<Option<SignupInfo>, AppError> {
    Ok(open_project(state, slug).await?.map(|(_, i)| i))
}

/// The sign-up form's values.
pub struct SignupForm<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub password: &'a str,
    pub agree: bool,
}

/// Names are required to join: trimmed, within bounds.
pub fn required_names(first: &str, last: &str) -> Result<(String, String), AppError> {
    let first = check_name("first_name", first)?;
    let last = check_name("last_name", last)?;
    if first.is_empty() {
        return Err(AppError::validation("first_name", "Enter your first name."));
    }
    if last.is_empty() {
        return Err(AppError::validation("last_name", "Enter your last name."));
    }
    Ok((first, last))
}

/// Refuses to go on without consent when the project has legal links.
pub fn require_consent(info: &SignupInfo, agree: bool) -> Result<(), AppError> {
    if info.needs_consent() && !agree {
        return Err(AppError::validation(
            "agree",
            "Agree to the terms to continue.",
        ));
    }
    Ok(())
}

/// Signs up to project `slug`. Checks the input, then answers; the account (or a notice to an
/// existing one) is made afterwards.
pub async fn signup(
    state: &AppState,
    meta: &RequestMeta,
    slug: &str,
    f: &SignupForm<'_>,
) -> Result<(), AppError> {
    let (project_id, info) = open_project(state, slug).await?.ok_or_else(not_open)?;
    if f.email.trim().len() > MAX_EMAIL {
        return Err(AppError::validation(
            "email",
            "Enter a valid email address, like name@example.com.",
        ));
    }
    let email = validate_email(f.email)?;
    let (first, last) = required_names(f.first_name, f.last_name)?;
    super::password::check_policy("password", f.password, &email)?;
    require_consent(&info, f.agree)?;

    let window = super::auth::ThrottleConfig {
        window: Duration::from_secs(3600),
        ..state.auth.throttle.clone()
    };
    let mut tx = state.db.begin().await?;
    let by_ip =
        super::throttle::reserve_attempt(&mut tx, &format!("signup:ip:{}", meta.ip), &window)
            .await?;
    tx.commit().await?;
    if by_ip.count > SIGNUPS_PER_IP {
        return Err(AppError::TooManyRequests { minutes: 60 });
    }
    let state = state.clone();
    let meta = meta.clone();
    let password = f.password.to_string();
    let agree = f.agree;
    tokio::spawn(async move {
        let job = Pending {
            project_id,
            info,
            email,
            first,
            last,
            password,
            agree,
        };
        if let Err(e) = create_or_notify(&state, &meta, job).await {
            tracing::warn!(error = %e, "could not complete a sign-up");
        }
    });
    Ok(())
}

struct Pending {
    project_id: i64,
    info: SignupInfo,
    email: String,
    first: String,
    last: String,
    password: String,
    agree: bool,
}

async fn create_or_notify(
    state: &AppState,
    meta: &RequestMeta,
    p: Pending,
) -> Result<(), AppError> {
    let actor = Actor {
        user_id: None,
        email: Some(p.email.clone()),
        ip: meta.ip.clone(),
        user_agent: meta.user_agent.clone(),
    };
    let existing = sqlx::query("SELECT id, status FROM users WHERE email = $1")
        .bind(&p.email)
        .fetch_optional(state.db.pool())
        .await?;
    if let Some(u) = existing {
        let user_id: i64 = u.try_get("id")?;
        let status: String = u.try_get("status")?;
        let mut tx = state.db.begin().await?;
        let pending_here: Option<String> = sqlx::query_scalar(
            "SELECT status FROM memberships WHERE project_id = $1 AND user_id = $2",
        )
        .bind(p.project_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        if status == "invited" && pending_here.as_deref() == Some("invited") {
            // Signed up before and never confirmed (or invited): a fresh link to confirm.
            issue(
                &mut tx,
                state,
                user_id,
                &p.email,
                LinkFor::Verify {
                    project_id: p.project_id,
                    project: &p.info.project_name,
                },
            )
            .await?;
        } else {
            let base = state.auth.public_url.trim_end_matches('/');
            let (login, forgot) = (format!("{base}/login"), format!("{base}/forgot-password"));
            let kind = Kind::SignupExisting {
                project: &p.info.project_name,
                login: &login,
                forgot: &forgot,
            };
            super::mail_text::queue_for(&mut tx, user_id, &p.email, kind).await?;
        }
        audit::record(
            &mut tx,
            &actor,
            Event::new("auth.sign_up_existing")
                .project(p.project_id)
                .target(Some(user_id), &p.email),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    }
    let hash = state.passwords.hash(&p.password).await?;
    let mut tx = state.db.begin().await?;
    let user_id = match store::insert_user(
        &mut tx,
        &NewUser {
            email: &p.email,
            first_name: &p.first,
            last_name: &p.last,
            password_hash: Some(&hash),
            status: "invited",
            is_superadmin: false,
        },
    )
    .await
    {
        Ok(id) => id,
        // Signed up twice at once: the first one made the account.
        Err(AppError::Validation { .. }) => return Ok(()),
        Err(e) => return Err(e),
    };
    // The account speaks the language its sign-up page was read in, from the first mail on.
    sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
        .bind(meta.language.as_str())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let role_id = store::role_id(&mut tx, p.project_id, "end_user").await?;
    store::add_membership(&mut tx, p.project_id, user_id, role_id).await?;
    if p.agree && p.info.needs_consent() {
        record_consent(&mut tx, user_id, p.project_id, &p.info, &meta.ip).await?;
    }
    issue(
        &mut tx,
        state,
        user_id,
        &p.email,
        LinkFor::Verify {
            project_id: p.project_id,
            project: &p.info.project_name,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        &Actor {
            user_id: Some(user_id),
            ..actor
        },
        Event::new("user.signed_up")
            .project(p.project_id)
            .target(Some(user_id), &p.email),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Keeps the consent `user_id` gave to join `project_id` under its current legal links.
pub async fn record_consent(
    tx: &mut Tx,
    user_id: i64,
    project_id: i64,
    info: &SignupInfo,
    ip: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO consents (user_id, project_id, terms_url, privacy_url, at, ip) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user_id)
    .bind(project_id)
    .bind(&info.terms_url)
    .bind(&info.privacy_url)
    .bind(now_ms())
    .bind(super::util::truncate(ip, super::audit::MAX_IP))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The legal links of a project (for accepting an invitation).
pub async fn legal_links(tx: &mut Tx, project_id: i64) -> Result<SignupInfo, AppError> {
    let r = sqlx::query("SELECT name, terms_url, privacy_url FROM projects WHERE id = $1")
        .bind(project_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(SignupInfo {
        project_name: r.try_get("name")?,
        terms_url: r.try_get("terms_url")?,
        privacy_url: r.try_get("privacy_url")?,
    })
}

/// What a verification link does when followed.
pub enum LinkFor<'a> {
    /// Confirms the account's address (a sign-up in `project`, or an admin's request).
    Verify { project_id: i64, project: &'a str },
    /// Moves the account to the address the link was sent to.
    Change,
}

/// Ends the person's older verification links and mails a new one to `email`.
pub async fn issue(
    tx: &mut Tx,
    state: &AppState,
    user_id: i64,
    email: &str,
    link_for: LinkFor<'_>,
) -> Result<(), AppError> {
    let (project_id, purpose) = match link_for {
        LinkFor::Verify { project_id, .. } => (Some(project_id), "verify"),
        LinkFor::Change => (None, "change"),
    };
    let now = state.auth.clock.now_ms();
    sqlx::query(
        "UPDATE email_verifications SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    let token = new_token();
    sqlx::query(
        "INSERT INTO email_verifications (user_id, project_id, email, token_hash, created_at, expires_at, purpose) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(user_id)
    .bind(project_id)
    .bind(email)
    .bind(hash_token(&token))
    .bind(now)
    .bind(now + VERIFICATION_TTL_MS)
    .bind(purpose)
    .execute(&mut **tx)
    .await?;
    let link = format!(
        "{}/verify-email?token={token}",
        state.auth.public_url.trim_end_matches('/')
    );
    let kind = match link_for {
        LinkFor::Verify { project, .. } => Kind::VerifyEmail {
            project,
            link: &link,
        },
        LinkFor::Change => Kind::ConfirmNewEmail { link: &link },
    };
    super::mail_text::queue_for(tx, user_id, email, kind).await?;
    Ok(())
}

/// What following a verification link did.
pub struct Verified {
    pub user_id: i64,
    /// A sign-up confirmed: the account is active and this session opened.
    pub session: Option<OpenedSession>,
}

pub fn link_invalid() -> AppError {
    AppError::Validation {
        field: None,
        message: "This verification link is invalid, used or expired. Sign up again, or ask an administrator for a new link.".into(),
    }
}

/// Follows a verification link: the address is verified; a pending sign-up becomes an active
/// account, its membership counts, and the person is signed in.
pub async fn verify(
    state: &AppState,
    meta: &RequestMeta,
    token: &str,
) -> Result<Verified, AppError> {
    let token = token.trim();
    if token.is_empty() || token.len() > 128 {
        return Err(link_invalid());
    }
    let now = state.auth.clock.now_ms();
    let row = sqlx::query(
        "SELECT v.id, v.user_id, v.project_id, v.email, v.purpose, u.email AS current_email, u.status, \
                CAST(CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_password \
           FROM email_verifications v JOIN users u ON u.id = v.user_id \
          WHERE v.token_hash = $1 AND v.used_at IS NULL AND v.expires_at > $2",
    )
    .bind(hash_token(token))
    .bind(now)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or_else(link_invalid)?;
    let email: String = row.try_get("email")?;
    let current: String = row.try_get("current_email")?;
    if row.try_get::<String, _>("purpose")? == "change" {
        return change_email(state, meta, &row, &current, &email, now).await;
    }
    // The link verifies the address it was sent to, not one the account has moved to since.
    if email != current {
        return Err(link_invalid());
    }
    let id: i64 = row.try_get("id")?;
    let user_id: i64 = row.try_get("user_id")?;
    let project_id: Option<i64> = row.try_get("project_id")?;
    let pending_signup = row.try_get::<String, _>("status")? == "invited"
        && row.try_get::<i64, _>("has_password")? != 0;
    let mut tx = state.db.begin().await?;
    claim(&mut tx, id, now).await?;
    sqlx::query(
        "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1) WHERE id = $2",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    let actor = Actor {
        user_id: Some(user_id),
        email: Some(email.clone()),
        ip: meta.ip.clone(),
        user_agent: meta.user_agent.clone(),
    };
    let mut session = None;
    if pending_signup {
        sqlx::query("UPDATE users SET status = 'active', updated_at = $1 WHERE id = $2 AND status = 'invited'")
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if let Some(p) = project_id {
            sqlx::query(
                "UPDATE memberships SET status = 'active' WHERE project_id = $1 AND user_id = $2 AND status = 'invited'",
            )
            .bind(p)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        }
        store::sync_memberships(&mut tx, user_id).await?;
        session = Some(super::auth::open_session(&mut tx, state, meta, user_id, now).await?);
    }
    let mut event = Event::new("user.email_verified")
        .target(Some(user_id), &email)
        .details(json!({ "activated": pending_signup }));
    if let Some(p) = project_id {
        event = event.project(p);
    }
    audit::record(&mut tx, &actor, event).await?;
    tx.commit().await?;
    Ok(Verified { user_id, session })
}

/// Uses a verification link up, in the statement that checks it is still live: of two uses
/// at once, one wins.
async fn claim(tx: &mut Tx, id: i64, now: i64) -> Result<(), AppError> {
    let claimed = sqlx::query(
        "UPDATE email_verifications SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if claimed == 1 {
        Ok(())
    } else {
        Err(link_invalid())
    }
}

/// Follows an email-change link: the account moves to the new address (if still free), the
/// old address is told, reset links end, and the change is audited. No session opens.
async fn change_email(
    state: &AppState,
    meta: &RequestMeta,
    row: &sqlx::any::AnyRow,
    old: &str,
    new: &str,
    now: i64,
) -> Result<Verified, AppError> {
    let id: i64 = row.try_get("id")?;
    let user_id: i64 = row.try_get("user_id")?;
    let mut tx = state.db.begin().await?;
    claim(&mut tx, id, now).await?;
    let moved = sqlx::query(
        "UPDATE users SET email = $1, email_verified_at = $2, updated_at = $2 WHERE id = $3 \
           AND NOT EXISTS (SELECT 1 FROM users o WHERE o.email = $1)",
    )
    .bind(new)
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        return Err(AppError::Validation {
            field: None,
            message: "Another account uses that address now, so yours stays as it was.".into(),
        });
    }
    store::sync_memberships(&mut tx, user_id).await?;
    super::resets::end_links(&mut tx, user_id).await?;
    sqlx::query(
        "UPDATE email_verifications SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    super::mail_text::queue_for(
        &mut tx,
        user_id,
        old,
        Kind::EmailChanged { old, new, by: new },
    )
    .await?;
    audit::record(
        &mut tx,
        &Actor {
            user_id: Some(user_id),
            email: Some(new.to_string()),
            ip: meta.ip.clone(),
            user_agent: meta.user_agent.clone(),
        },
        Event::new("account.email_changed")
            .target(Some(user_id), new)
            .details(json!({ "from": old, "to": new })),
    )
    .await?;
    tx.commit().await?;
    Ok(Verified {
        user_id,
        session: None,
    })
}

/// An administrator mails a member of their project a new verification link (the caller
/// checked `users:update`); answers the address.
pub async fn send_verification(
    state: &AppState,
    actor: &Actor,
    project_id: i64,
    user_id: i64,
) -> Result<String, AppError> {
    let mut tx = state.db.begin().await?;
    let row = sqlx::query(
        "SELECT u.email, u.status, m.status AS here, \
                CAST(CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_password \
           FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.project_id = $1 AND m.user_id = $2",
    )
    .bind(project_id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("The user".into()))?;
    let email: String = row.try_get("email")?;
    let pending_signup = row.try_get::<String, _>("status")? == "invited"
        && row.try_get::<i64, _>("has_password")? != 0;
    if row.try_get::<String, _>("here")? == "invited" && !pending_signup {
        return Err(AppError::Conflict(format!(
            "{email} has not accepted their invitation yet: resend the invitation instead."
        )));
    }
    let project = legal_links(&mut tx, project_id).await?.project_name;
    issue(
        &mut tx,
        state,
        user_id,
        &email,
        LinkFor::Verify {
            project_id,
            project: &project,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("user.verification_sent")
            .project(project_id)
            .target(Some(user_id), &email),
    )
    .await?;
    tx.commit().await?;
    Ok(email)
}

/// Consents of `user_id` in the projects `visible` allows (None: all), newest first.
pub async fn consents(
    db: &super::Db,
    user_id: i64,
    visible: impl Fn(i64) -> bool,
) -> Result<Vec<ConsentInfo>, AppError> {
    let rows = sqlx::query(
        "SELECT c.project_id, p.name, c.terms_url, c.privacy_url, c.at, c.ip FROM consents c \
           JOIN projects p ON p.id = c.project_id WHERE c.user_id = $1 ORDER BY c.at DESC, c.id DESC LIMIT 50",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in rows {
        if !visible(r.try_get("project_id")?) {
            continue;
        }
        out.push(ConsentInfo {
            project_name: r.try_get("name")?,
            terms_url: r.try_get("terms_url")?,
            privacy_url: r.try_get("privacy_url")?,
            at: r.try_get("at")?,
            ip: r.try_get("ip")?,
        });
    }
    Ok(out)
}

/// Sets a project's sign-up switch, legal links and two-factor rule from the command line
/// (`server project`); None leaves a value as it is. The console's projects page changes the
/// same settings through [`super::projects::update`].
pub async fn configure(
    db: &super::Db,
    slug: &str,
    allow_signup: Option<bool>,
    terms_url: Option<&str>,
    privacy_url: Option<&str>,
    require_admin_2fa: Option<bool>,
) -> Result<(), AppError> {
    let id: i64 = sqlx::query_scalar("SELECT id FROM projects WHERE slug = $1")
        .bind(slug)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("The project \"{slug}\"")))?;
    let changes = crate::model::ProjectChanges {
        name: None,
        allow_signup,
        terms_url: terms_url.map(str::to_string),
        privacy_url: privacy_url.map(str::to_string),
        require_admin_2fa,
    };
    super::projects::update(db, &Actor::system(), id, &changes).await
}
