//! The audit log's view: which events an admin asks for (filters and a keyset cursor, all in
//! the URL) and what one event shows.
use serde::{Deserialize, Serialize};

/// Events on one page of the audit log.
pub const AUDIT_PAGE: usize = 50;

/// Every action Roster writes to the log, for the action filter. A test reads the sources and
/// fails when an action is written that this list lacks.
pub const AUDIT_ACTIONS: [&str; 45] = [
    "account.email_change_requested",
    "account.email_changed",
    "account.password_changed",
    "account.profile_updated",
    "account.recovery_codes_regenerated",
    "account.sessions_revoked",
    "account.two_factor_disabled",
    "account.two_factor_enabled",
    "audit.exported",
    "auth.password_reset",
    "auth.password_reset_requested",
    "auth.sign_in_failed",
    "auth.sign_up_existing",
    "auth.signed_in",
    "auth.signed_out",
    "group.created",
    "group.deleted",
    "group.member_added",
    "group.member_removed",
    "group.updated",
    "invitation.accepted",
    "invitation.cancelled",
    "invitation.created",
    "invitation.resent",
    "project.created",
    "project.deleted",
    "project.settings_changed",
    "role.created",
    "role.deleted",
    "role.updated",
    "system.bootstrapped",
    "user.deactivated",
    "user.deleted",
    "user.email_verified",
    "user.password_reset_sent",
    "user.reactivated",
    "user.removed_from_project",
    "user.sessions_revoked",
    "user.signed_up",
    "user.temporary_password_set",
    "user.two_factor_reset",
    "user.updated",
    "user.verification_sent",
    "users.exported",
    "users.imported",
];

/// Where a page of events starts: strictly older or strictly newer than one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cursor {
    /// Events before (older than) this `(at, id)`.
    Before(i64, i64),
    /// Events after (newer than) this `(at, id)`.
    After(i64, i64),
}

impl Cursor {
    fn parse(v: &str) -> Option<(i64, i64)> {
        let (at, id) = v.split_once('.')?;
        Some((at.parse().ok()?, id.parse().ok()?))
    }
}

/// The filters of the audit log. Unknown or malformed values fall back to "no filter", so an
/// edited or stale link still shows a page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// The actor's email, exact and case-insensitive.
    pub actor: String,
    /// The target's email, exact and case-insensitive.
    pub target: String,
    /// One of [`AUDIT_ACTIONS`].
    pub action: Option<String>,
    /// First day included, `YYYY-MM-DD` (UTC).
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD` (UTC).
    pub to: Option<String>,
    pub cursor: Option<Cursor>,
}

impl AuditQuery {
    /// Reads the view from URL query pairs (`actor`, `target`, `action`, `from`, `to`,
    /// `before` or `after` as `at.id`).
    pub fn from_pairs(get: impl Fn(&str) -> Option<String>) -> Self {
        let email = |k: &str| {
            get(k)
                .map(|v| v.trim().to_lowercase())
                .filter(|v| v.len() <= super::MAX_EMAIL)
                .unwrap_or_default()
        };
        let day = |k: &str| get(k).filter(|v| day_start_ms(v).is_some());
        let cursor = get("before")
            .and_then(|v| Cursor::parse(&v))
            .map(|(a, i)| Cursor::Before(a, i))
            .or_else(|| {
                get("after")
                    .and_then(|v| Cursor::parse(&v))
                    .map(|(a, i)| Cursor::After(a, i))
            });
        AuditQuery {
            actor: email("actor"),
            target: email("target"),
            action: get("action").filter(|a| AUDIT_ACTIONS.contains(&a.as_str())),
            from: day("from"),
            to: day("to"),
            cursor,
        }
    }

    /// The filters as URL query pairs (the cursor left out): what links to other pages of the
    /// same view, and the export, carry.
    pub fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        if !self.actor.is_empty() {
            p.push(("actor", self.actor.clone()));
        }
        if !self.target.is_empty() {
            p.push(("target", self.target.clone()));
        }
        if let Some(a) = &self.action {
            p.push(("action", a.clone()));
        }
        if let Some(d) = &self.from {
            p.push(("from", d.clone()));
        }
        if let Some(d) = &self.to {
            p.push(("to", d.clone()));
        }
        p
    }

    /// The filters plus `extra` as a query string (without `?`).
    pub fn query_string(&self, extra: Option<(&'static str, String)>) -> String {
        let mut pairs = self.filter_pairs();
        pairs.extend(extra);
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", super::encode_query_value(&v).replace('/', "%2F")))
            .collect::<Vec<_>>()
            .join("&")
    }

    pub fn has_filters(&self) -> bool {
        !self.filter_pairs().is_empty()
    }

    /// The time range as `[from, until)` in ms; `until` is the end of the `to` day.
    pub fn range_ms(&self) -> (Option<i64>, Option<i64>) {
        (
            self.from.as_deref().and_then(day_start_ms),
            self.to
                .as_deref()
                .and_then(day_start_ms)
                .map(|d| d + 86_400_000),
        )
    }
}

/// Midnight UTC of a `YYYY-MM-DD` day, in ms since the epoch; None for anything else (also
/// days that do not exist, like 2026-02-30).
pub fn day_start_ms(day: &str) -> Option<i64> {
    let b = day.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &str| s.parse::<i64>().ok();
    let (y, m, d) = (num(&day[..4])?, num(&day[5..7])?, num(&day[8..])?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1970..=9999).contains(&y) || d < 1 || d > days_in {
        return None;
    }
    // Howard Hinnant's days-from-civil algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400_000)
}

/// One event as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditItem {
    pub id: i64,
    pub at: i64,
    pub actor_email: Option<String>,
    pub action: String,
    pub target_user_id: Option<i64>,
    pub target_email: Option<String>,
    /// The project's slug; None for a console-wide event (a sign-in, an account change).
    pub project: Option<String>,
    pub ip: String,
    /// "City, Country" from the GeoIP database; empty when unknown.
    pub location: String,
    /// The user agent as stored, and "Firefox on Linux (desktop)" read from it.
    pub user_agent: String,
    pub device: String,
    /// Compact JSON (`{}` when none).
    pub details: String,
}

/// One page of the log, newest first, and whether there are newer and older events.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuditSlice {
    pub items: Vec<AuditItem>,
    pub newer: bool,
    pub older: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_to_utc_midnight_and_bad_days_do_not() {
        assert_eq!(day_start_ms("1970-01-01"), Some(0));
        assert_eq!(day_start_ms("2026-11-24"), Some(1_795_478_400_000));
        assert_eq!(day_start_ms("2024-02-29"), Some(1_709_164_800_000));
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "26-11-24",
            "2026-11-24T00",
            "",
            "abcd-ef-gh",
        ] {
            assert_eq!(day_start_ms(bad), None, "{bad}");
        }
        assert_eq!(
            crate::model::time::format_utc(day_start_ms("2026-11-24").unwrap()),
            "2026-11-24 00:00 UTC"
        );
    }

    #[test]
    fn a_view_reads_back_from_its_own_query_string() {
        let q = AuditQuery {
            actor: "a+b@example.org".into(),
            target: "c@example.org".into(),
            action: Some("user.deactivated".into()),
            from: Some("2026-01-01".into()),
            to: Some("2026-01-31".into()),
            cursor: None,
        };
        let qs = q.query_string(Some(("before", "1700000000000.42".into())));
        let pairs: Vec<(String, String)> = qs
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                let v = v.replace("%40", "@").replace("%2B", "+");
                (k.to_string(), v)
            })
            .collect();
        let back =
            AuditQuery::from_pairs(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
        assert_eq!(back.cursor, Some(Cursor::Before(1_700_000_000_000, 42)));
        assert_eq!(
            AuditQuery {
                cursor: None,
                ..back
            },
            q
        );
    }

    #[test]
    fn unknown_actions_bad_days_and_bad_cursors_are_no_filter() {
        let q = AuditQuery::from_pairs(|k| match k {
            "action" => Some("drop.tables".into()),
            "from" => Some("yesterday".into()),
            "before" => Some("12x.4".into()),
            "actor" => Some("  Ann@Example.ORG ".into()),
            _ => None,
        });
        assert_eq!(q.action, None);
        assert_eq!(q.from, None);
        assert_eq!(q.cursor, None);
        assert_eq!(q.actor, "ann@example.org");
    }
}
