//! Sign-in, sessions and the per-request [`Principal`].
//!
//! Sessions are opaque 256-bit tokens in an HttpOnly cookie; the database keeps only their
//! SHA-256. Failed sign-ins are counted per account and per client IP in the database, so the
//! limits hold across several server processes.
use super::audit::{self, Actor, Event};
use super::store;
pub use super::throttle::ThrottleConfig;
use super::throttle::{lock_if_reached, release_attempt, reserve_attempt};
use super::user_agent::parse_user_agent;
use super::util::{hash_token, new_token, now_ms};
use super::AppState;
use crate::model::{
    validate_email, AppError, Columns, Language, Permission, ProjectSummary, RequiredStep, Theme,
    Viewer, MAX_EMAIL,
};
use sqlx::Row;
use std::sync::Arc;
use std::time::Duration;

pub const SESSION_COOKIE: &str = "roster_session";
/// The cookie's name over https: the `__Host-` prefix pins it to this host, path `/`, Secure.
pub const SECURE_SESSION_COOKIE: &str = "__Host-roster_session";

#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// A session unused this long expires.
    pub idle_timeout: Duration,
    /// A session expires this long after sign-in, used or not.
    pub absolute_timeout: Duration,
    /// Set the Secure flag (and the `__Host-` name) on the session cookie.
    pub secure_cookies: bool,
    /// Trust X-Forwarded-For / X-Forwarded-Proto from a reverse proxy.
    pub trust_proxy: bool,
    /// How many proxies Roster sits behind (each appends one address to X-Forwarded-For).
    pub proxy_hops: usize,
    pub throttle: ThrottleConfig,
    /// Where people reach Roster (`scheme://host[:port]`, no trailing slash): every link in
    /// mail is built on it, never on what a request says.
    pub public_url: String,
    /// The `Host` values Roster answers (`host[:port]`, lowercase); any other is refused,
    /// which also defeats DNS rebinding. The public URL's host is always one.
    pub allowed_hosts: Vec<String>,
    /// What time-limited links are checked against.
    pub clock: super::util::Clock,
}

impl Default for AuthConfig {
    fn default() -> Self {
        let addr: std::net::SocketAddr = ([127, 0, 0, 1], 3000).into();
        AuthConfig {
            idle_timeout: Duration::from_secs(7 * 24 * 3600),
            absolute_timeout: Duration::from_secs(30 * 24 * 3600),
            secure_cookies: false,
            trust_proxy: false,
            proxy_hops: 1,
            throttle: ThrottleConfig::default(),
            public_url: format!("http://{addr}"),
            allowed_hosts: loopback_hosts(addr.port()),
            clock: Default::default(),
        }
    }
}

impl AuthConfig {
    /// Whether a request's `Host` is one Roster answers.
    pub fn host_allowed(&self, host: &str) -> bool {
        self.allowed_hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(host))
    }
}

/// The client's address from an X-Forwarded-For written by `hops` trusted proxies: each
/// appends the address it was reached from, so the client is `hops` entries from the right.
/// Anything further left was written by the client and is ignored. Fewer entries than hops
/// (a request that passed fewer proxies) give the left-most. None unless it is an IP address.
pub fn forwarded_client(xff: &str, hops: usize) -> Option<std::net::IpAddr> {
    let entries: Vec<&str> = xff
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    let at = entries.len().saturating_sub(hops.max(1));
    entries.get(at)?.parse().ok()
}

/// The names a browser on this machine uses for a loopback listener on `port`.
pub fn loopback_hosts(port: u16) -> Vec<String> {
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .map(|h| format!("{h}:{port}"))
        .collect()
}

/// Checks a public URL (`http(s)://host[:port]`, nothing after it) and answers it without a
/// trailing slash, with its host (lowercase, port kept) for the allowlist.
pub fn parse_public_url(url: &str) -> Result<(String, String), String> {
    let url = url.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("public URL {url:?} must start with https:// or http://"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
        return Err(format!(
            "public URL {url:?} must be scheme://host[:port] with nothing after it"
        ));
    }
    Ok((url.to_string(), rest.to_ascii_lowercase()))
}

/// Where a request comes from; put in the request's extensions by the server's middleware.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: String,
    pub user_agent: String,
    /// Served over https (directly, or a trusted proxy says so).
    pub https: bool,
    /// The raw session token from the cookie, if any.
    pub session_token: Option<String>,
    /// The raw device token from the device cookie, if any (see [`super::devices`]).
    pub device_token: Option<String>,
    /// The raw token of a sign-in waiting for its second factor (see [`super::two_factor`]).
    pub challenge_token: Option<String>,
    /// The browser's language (`Accept-Language`), for people not known yet.
    pub language: Language,
}

/// The authenticated caller of one request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub language: Language,
    pub theme: Theme,
    pub is_superadmin: bool,
    pub session_id: i64,
    /// Effective permissions per project (role ∪ groups); every project for a superadmin.
    pub projects: Vec<ProjectSummary>,
    /// A step the person must take first; until then only their account page works.
    pub required: Option<RequiredStep>,
    /// The users table's columns they chose.
    pub columns: Columns,
}

/// The request's authentication state, as an extension: None for anonymous callers.
#[derive(Debug, Clone, Default)]
pub struct Auth(pub Option<Arc<Principal>>);

impl Principal {
    /// The signed-in person as the pages see them, made from what the session lookup already
    /// read: known before a page renders, so no page waits on it.
    pub fn viewer(&self) -> Viewer {
        Viewer {
            id: self.user_id,
            email: self.email.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            is_superadmin: self.is_superadmin,
            language: self.language,
            theme: self.theme,
            // Only projects whose console the viewer may see appear in the picker.
            projects: self
                .projects
                .iter()
                .filter(|p| p.sees_console())
                .cloned()
                .collect(),
            required: self.required,
            columns: self.columns,
        }
    }

    /// The one permission check: the caller holds `perm` in the project `slug`. Returns the
    /// project's id for the caller's scoped queries. Unknown and unpermitted projects give the
    /// same answer, so project slugs cannot be probed.
    pub fn require(&self, perm: Permission, slug: &str) -> Result<i64, AppError> {
        self.projects
            .iter()
            .find(|p| p.slug == slug && p.can(perm))
            .map(|p| p.id)
            .ok_or(AppError::Forbidden)
    }

    pub fn can(&self, perm: Permission, project_id: i64) -> bool {
        self.projects
            .iter()
            .any(|p| p.id == project_id && p.can(perm))
    }

    pub fn actor(&self, meta: &RequestMeta) -> Actor {
        Actor {
            user_id: Some(self.user_id),
            email: Some(self.email.clone()),
            ip: meta.ip.clone(),
            user_agent: meta.user_agent.clone(),
        }
    }
}

impl Auth {
    /// The caller, who must have no required step pending: every server function but those of
    /// the account page itself goes through here, so a new one is closed by default.
    pub fn principal(&self) -> Result<&Principal, AppError> {
        let p = self.any_principal()?;
        match p.required {
            None => Ok(p),
            Some(step) => Err(AppError::Conflict(
                super::account::step_message(step).into(),
            )),
        }
    }

    /// The caller even with a required step pending (the account page's own functions).
    pub fn any_principal(&self) -> Result<&Principal, AppError> {
        self.0.as_deref().ok_or(AppError::Unauthenticated)
    }
}

/// Resolves a session token to its principal, refusing revoked, expired and idle sessions and
/// users who are no longer active. Touches `last_seen_at` at most once a minute.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Option<Principal>, AppError> {
    let now = now_ms();
    let row = sqlx::query(
        "SELECT s.id, s.user_id, s.last_seen_at, s.expires_at, u.email, u.is_superadmin, u.status, \
                u.first_name, u.last_name, u.language, u.theme, u.must_change_password, u.list_columns, \
                t.enabled_at AS two_factor_at \
           FROM sessions s JOIN users u ON u.id = s.user_id \
           LEFT JOIN totp_secrets t ON t.user_id = u.id \
          WHERE s.token_hash = $1 AND s.revoked_at IS NULL",
    )
    .bind(hash_token(token))
    .fetch_optional(state.db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let last_seen: i64 = row.try_get("last_seen_at")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    let status: String = row.try_get("status")?;
    if expires_at <= now
        || last_seen + state.auth.idle_timeout.as_millis() as i64 <= now
        || status != "active"
    {
        return Ok(None);
    }
    let session_id: i64 = row.try_get("id")?;
    if now - last_seen > 60_000 {
        let mut tx = state.db.begin().await?;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(now)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let user_id: i64 = row.try_get("user_id")?;
    let is_superadmin = row.try_get::<i64, _>("is_superadmin")? != 0;
    let access = store::project_access(&state.db, user_id, is_superadmin).await?;
    let required = super::account::required_step(
        row.try_get::<i64, _>("must_change_password")? != 0,
        row.try_get::<Option<i64>, _>("two_factor_at")?.is_some(),
        &access.projects,
        &access.require_admin_2fa,
    );
    principal_from(&row, user_id, session_id, access.projects, required).map(Some)
}

/// A principal from a `users` row (its email, names, language, theme, superadmin flag and
/// list columns) and what the caller worked out.
fn principal_from(
    row: &sqlx::any::AnyRow,
    user_id: i64,
    session_id: i64,
    projects: Vec<ProjectSummary>,
    required: Option<RequiredStep>,
) -> Result<Principal, AppError> {
    Ok(Principal {
        user_id,
        email: row.try_get("email")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        language: Language::parse(&row.try_get::<String, _>("language")?),
        theme: Theme::parse(&row.try_get::<String, _>("theme")?),
        is_superadmin: row.try_get::<i64, _>("is_superadmin")? != 0,
        session_id,
        projects,
        required,
        columns: Columns::parse(row.try_get::<String, _>("list_columns")?.split(',')),
    })
}

/// An active account as a principal outside any request (a background job acting for the
/// person who started it): their permissions as they are now, no session.
pub async fn principal_of(db: &super::Db, user_id: i64) -> Result<Option<Principal>, AppError> {
    let row = sqlx::query(
        "SELECT email, is_superadmin, status, first_name, last_name, language, theme, list_columns \
           FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    if row.try_get::<String, _>("status")? != "active" {
        return Ok(None);
    }
    let is_superadmin = row.try_get::<i64, _>("is_superadmin")? != 0;
    let projects = store::project_permissions(db, user_id, is_superadmin).await?;
    principal_from(&row, user_id, 0, projects, None).map(Some)
}

/// What a right password leads to: a session, or (two-factor on) the second step.
pub enum SignInResult {
    Session(SignedIn),
    /// The token of the challenge the second step answers (for its cookie).
    SecondFactor {
        challenge: String,
    },
}

/// The outcome of a successful sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub user_id: i64,
    /// A new device token for the browser's device cookie (None: the device was known).
    pub device_token: Option<String>,
}

/// The longest password sign-in hashes; longer input is refused unhashed.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Checks email and password and opens a new session. Unknown emails cost the same as wrong
/// passwords and get the same answer; failures are throttled per account and per IP.
pub async fn sign_in(
    state: &AppState,
    meta: &RequestMeta,
    email: &str,
    password: &str,
) -> Result<SignInResult, AppError> {
    // Input no account can have is refused before any work or write: an email longer than
    // RFC 5321 allows, a password longer than any policy takes. The answer depends on the input
    // alone, so it says nothing about which accounts exist.
    if email.trim().len() > MAX_EMAIL {
        return Err(AppError::validation(
            "email",
            "Enter a valid email address, like name@example.com.",
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::validation(
            "password",
            format!("Passwords are at most {MAX_PASSWORD_BYTES} bytes."),
        ));
    }
    let now = now_ms();
    // Malformed emails are answered like unknown ones, after the same amount of work.
    let email = validate_email(email).unwrap_or_else(|_| email.trim().to_lowercase());
    let account_key = format!("email:{email}");
    let ip_key = format!("ip:{}", meta.ip);
    let actor = Actor {
        user_id: None,
        email: Some(email.clone()),
        ip: meta.ip.clone(),
        user_agent: meta.user_agent.clone(),
    };

    // What this attempt counts against, each key with its limit. A browser that has signed in
    // to this account before counts against itself alone: guesses from anywhere else (the
    // same NAT included) cannot lock its owner out, and its own failures lock it like an
    // account. Any other attempt counts against the account and the client address.
    let t = &state.auth.throttle;
    let known_device =
        super::devices::trusted(&state.db, meta.device_token.as_deref(), &email).await?;
    let keys: Vec<(String, i64)> = match known_device {
        Some(id) => vec![(format!("device:{id}"), t.account_lock_after)],
        None => vec![
            (account_key.clone(), t.account_lock_after),
            (ip_key.clone(), t.ip_lock_after),
        ],
    };

    // Reserve this attempt on every key before any verification: the count is taken
    // atomically, so however many guesses arrive at once, at most the limit of them are
    // verified; the rest (and any while a lock holds) are refused unverified.
    let (counts, locked_until) = {
        let mut tx = state.db.begin().await?;
        let mut counts = Vec::with_capacity(keys.len());
        let mut locked = None;
        for (key, _) in &keys {
            let a = reserve_attempt(&mut tx, key, t).await?;
            counts.push(a.count);
            locked = locked.max(a.locked_until);
        }
        tx.commit().await?;
        let over = keys.iter().zip(&counts).any(|((_, limit), n)| n > limit);
        let locked_until = match (locked, over) {
            (Some(until), _) => Some(until),
            (None, true) => Some(now + t.lock_for.as_millis() as i64),
            (None, false) => None,
        };
        (counts, locked_until)
    };
    // The account's count (or the device's), which slows and locks this person's guesses.
    let attempt = counts[0];

    let user = sqlx::query("SELECT id, password_hash, status FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(state.db.pool())
        .await?;
    let user_id: Option<i64> = user.as_ref().map(|r| r.try_get("id")).transpose()?;

    if let Some(until) = locked_until {
        // The throttle row counts every refused attempt; the append-only log gets one event per
        // lock (the first attempt refused past the limit), so a flood cannot grow it.
        let first_refusal = keys
            .iter()
            .zip(&counts)
            .any(|((_, limit), n)| *n == limit + 1);
        if first_refusal {
            let mut tx = state.db.begin().await?;
            audit::record(
                &mut tx,
                &actor,
                Event::new("auth.sign_in_failed")
                    .target(user_id, &email)
                    .details(serde_json::json!({"reason": "locked"})),
            )
            .await?;
            tx.commit().await?;
        }
        return Err(AppError::Locked {
            minutes: ((until - now) as u64).div_ceil(60_000).max(1),
        });
    }

    let hash: Option<String> = user
        .as_ref()
        .map(|r| r.try_get("password_hash"))
        .transpose()?
        .flatten();
    let ok = match state.passwords.verify(password, hash.as_deref()).await {
        Ok(ok) => ok,
        Err(e) => {
            // Turned away (Roster is busy) or failed before any check: not a guess, so its
            // reservations are given back.
            let mut tx = state.db.begin().await?;
            for (key, _) in &keys {
                release_attempt(&mut tx, key).await?;
            }
            tx.commit().await?;
            return Err(e);
        }
    };
    let status: Option<String> = user.as_ref().map(|r| r.try_get("status")).transpose()?;

    if !ok {
        // The reservation already counted this failure; reaching a limit locks.
        let mut tx = state.db.begin().await?;
        for ((key, limit), n) in keys.iter().zip(&counts) {
            lock_if_reached(&mut tx, key, *n, *limit, t).await?;
        }
        audit::record(
            &mut tx,
            &actor,
            Event::new("auth.sign_in_failed")
                .target(user_id, &email)
                .details(serde_json::json!({"reason": "bad_credentials"})),
        )
        .await?;
        tx.commit().await?;
        if attempt >= t.account_lock_after {
            return Err(AppError::Locked {
                minutes: t.lock_for.as_secs().div_ceil(60),
            });
        }
        if attempt > t.delay_after {
            let factor = 1u32 << (attempt - t.delay_after - 1).min(16) as u32;
            tokio::time::sleep(t.base_delay.saturating_mul(factor).min(t.max_delay)).await;
        }
        return Err(AppError::InvalidCredentials);
    }
    let user_id = user_id.ok_or(AppError::InvalidCredentials)?;
    if status.as_deref() != Some("active") {
        // The password was right, so saying why does not reveal anything to a guesser, and the
        // attempt was no failure: give its reservations back.
        let mut tx = state.db.begin().await?;
        for (key, _) in &keys {
            release_attempt(&mut tx, key).await?;
        }
        audit::record(
            &mut tx,
            &actor,
            Event::new("auth.sign_in_failed")
                .target(Some(user_id), &email)
                .details(serde_json::json!({"reason": "inactive"})),
        )
        .await?;
        tx.commit().await?;
        // Someone who has not confirmed their address (or accepted their invitation) yet.
        let message = if status.as_deref() == Some("invited") {
            "This account is not active yet: follow the link in the email Roster sent you."
        } else {
            "This account is deactivated. Ask an administrator to reactivate it."
        };
        return Err(AppError::Validation {
            field: None,
            message: message.into(),
        });
    }

    if super::two_factor::required(&state.db, user_id).await? {
        // The password was right, so this attempt was no failure; the code is counted next, on
        // the account, so a guesser who has the password still gets only so many codes.
        let mut tx = state.db.begin().await?;
        for (key, _) in &keys {
            release_attempt(&mut tx, key).await?;
        }
        let challenge = super::two_factor::challenge(&mut tx, user_id, known_device, now).await?;
        tx.commit().await?;
        return Ok(SignInResult::SecondFactor { challenge });
    }
    let (browser, os, device) = parse_user_agent(&meta.user_agent);
    let mut tx = state.db.begin().await?;
    // A concurrent guess may have reached the limit while this password was verified: the lock
    // then holds for this attempt too.
    let locked: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(locked_until) FROM sign_in_throttle WHERE key IN ($1, $2) AND locked_until > $3",
    )
    .bind(&keys[0].0)
    .bind(&keys.last().unwrap_or(&keys[0]).0)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    if let Some(until) = locked {
        tx.rollback().await?;
        return Err(AppError::Locked {
            minutes: ((until - now) as u64).div_ceil(60_000).max(1),
        });
    }
    let opened = open_session(&mut tx, state, meta, user_id, now).await?;
    let (token, session_id) = (opened.token, opened.id);
    // Success clears the account's (or device's) count and gives back this attempt's address
    // reservation. A lock others caused on the account stays: it still holds for them.
    sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
        .bind(&keys[0].0)
        .execute(&mut *tx)
        .await?;
    for (key, _) in &keys[1..] {
        release_attempt(&mut tx, key).await?;
    }
    let device_token = super::devices::remember(&mut tx, user_id, known_device, now).await?;
    audit::record(
        &mut tx,
        &Actor {
            user_id: Some(user_id),
            ..actor
        },
        Event::new("auth.signed_in")
            .target(Some(user_id), &email)
            .details(serde_json::json!({
                "session_id": session_id, "browser": browser, "os": os, "device": device
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(SignInResult::Session(SignedIn {
        token,
        user_id,
        device_token,
    }))
}

/// A session just opened: its cookie token and id.
pub struct OpenedSession {
    pub token: String,
    pub id: i64,
}

/// Opens a new session for `user_id` from this request, inside the caller's transaction, and
/// records the sign-in time. Callers have authenticated the person.
pub async fn open_session(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    state: &AppState,
    meta: &RequestMeta,
    user_id: i64,
    now: i64,
) -> Result<OpenedSession, AppError> {
    let token = new_token();
    let (browser, os, device) = parse_user_agent(&meta.user_agent);
    super::devices::notice_new_device(tx, state, meta, user_id, now, (&browser, &os, &device))
        .await?;
    // No fixation: whatever session the browser had is ended, and the new token is fresh.
    if let Some(old) = &meta.session_token {
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(hash_token(old))
        .execute(&mut **tx)
        .await?;
    }
    let session_id: i64 = sqlx::query_scalar(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent, browser, os, device) \
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(hash_token(&token))
    .bind(user_id)
    .bind(now)
    .bind(now + state.auth.absolute_timeout.as_millis() as i64)
    .bind(&meta.ip)
    .bind(super::util::truncate(&meta.user_agent, 512))
    .bind(&browser)
    .bind(&os)
    .bind(&device)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE memberships SET last_sign_in_at = $1 WHERE user_id = $2")
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(OpenedSession {
        token,
        id: session_id,
    })
}

/// Ends the caller's session.
pub async fn sign_out(
    state: &AppState,
    principal: &Principal,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(principal.session_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &principal.actor(meta),
        Event::new("auth.signed_out").target(Some(principal.user_id), &principal.email),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The Set-Cookie value that stores `token` (or clears the cookie when None).
pub fn session_cookie(cfg: &AuthConfig, meta: &RequestMeta, token: Option<&str>) -> String {
    let secure = cfg.secure_cookies || meta.https;
    let name = if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    };
    let (value, max_age) = match token {
        Some(t) => (t, cfg.absolute_timeout.as_secs()),
        None => ("", 0),
    };
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The session token from a Cookie header. A secure site (https, or `secure_cookies`) reads only
/// the `__Host-` cookie, which only this host can have set over https: a plain-named cookie
/// planted over http or by a sibling domain is ignored, so it cannot fix a session.
pub fn token_from_cookies(header: &str, secure: bool) -> Option<String> {
    cookie_value(
        header,
        if secure {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        },
    )
}

/// The non-empty value of cookie `name` in a Cookie header.
pub fn cookie_value(header: &str, name: &str) -> Option<String> {
    header
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find_map(|(k, v)| (k == name && !v.is_empty()).then(|| v.to_string()))
}

/// A post-sign-in destination: only a path on this site, never another origin.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let n = next?.trim();
    let ok = n.starts_with('/')
        && !n.starts_with("//")
        && !n.contains('\\')
        && !n.chars().any(|c| c.is_control())
        && !n.starts_with("/login");
    ok.then(|| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_found_from_the_right_of_x_forwarded_for() {
        let ip = |xff, hops| forwarded_client(xff, hops).map(|a| a.to_string());
        assert_eq!(ip("203.0.113.9", 1).as_deref(), Some("203.0.113.9"));
        // A client-written entry on the left changes nothing.
        assert_eq!(
            ip("6.6.6.6, 203.0.113.9", 1).as_deref(),
            Some("203.0.113.9")
        );
        assert_eq!(
            ip("6.6.6.6, 203.0.113.9, 10.0.0.2", 2).as_deref(),
            Some("203.0.113.9")
        );
        assert_eq!(ip("203.0.113.9", 2).as_deref(), Some("203.0.113.9"));
        assert_eq!(ip("2001:db8::1", 1).as_deref(), Some("2001:db8::1"));
        assert_eq!(ip("not an address", 1), None);
        assert_eq!(ip("", 1), None);
        assert_eq!(ip(&"9".repeat(5000), 1), None);
    }

    #[test]
    fn next_is_kept_on_this_site() {
        assert_eq!(
            safe_next(Some("/p/acme/users?q=a")).as_deref(),
            Some("/p/acme/users?q=a")
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "users",
            "/login?next=/x",
        ] {
            assert_eq!(safe_next(Some(bad)), None, "{bad}");
        }
    }

    #[test]
    fn cookies_are_parsed_and_flagged() {
        assert_eq!(
            token_from_cookies("a=b; roster_session=tok; c=d", false).as_deref(),
            Some("tok")
        );
        assert_eq!(
            token_from_cookies("__Host-roster_session=t2", true).as_deref(),
            Some("t2")
        );
        assert_eq!(token_from_cookies("roster_session=", false), None);
        // Each kind of site reads only its own cookie.
        assert_eq!(token_from_cookies("roster_session=tok", true), None);
        assert_eq!(token_from_cookies("__Host-roster_session=t2", false), None);
        let cfg = AuthConfig::default();
        let plain = session_cookie(&cfg, &RequestMeta::default(), Some("t"));
        assert!(
            plain.contains("HttpOnly")
                && plain.contains("SameSite=Lax")
                && !plain.contains("Secure")
        );
        let https = session_cookie(
            &cfg,
            &RequestMeta {
                https: true,
                ..Default::default()
            },
            Some("t"),
        );
        assert!(https.starts_with("__Host-roster_session=t;") && https.contains("; Secure"));
    }
}
