//! A project at a glance: members by status, open invitations, members added lately, and
//! sign-ins per day. Every figure is a counter read or a bounded index range, so the page costs
//! the same at a hundred members or a million.
use super::Db;
use crate::model::{AppError, Status};
use sqlx::Row;

/// Days the sign-in chart covers, today included.
pub const CHART_DAYS: i64 = 30;
const DAY: i64 = 86_400_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub invited: u64,
    pub active: u64,
    pub inactive: u64,
    /// Open invitations (not accepted, not cancelled) still valid, and past their expiry.
    pub pending_invitations: u64,
    pub expired_invitations: u64,
    /// Members who joined the project in the last 30 days.
    pub added_30_days: u64,
    /// The last [`CHART_DAYS`] UTC days, oldest first: (day start in ms, succeeded, failed).
    pub sign_ins: Vec<(i64, u64, u64)>,
    pub as_of: i64,
}

pub async fn overview(db: &Db, project_id: i64, now: i64) -> Result<Overview, AppError> {
    let pool = db.pool();
    let today = now.div_euclid(DAY);
    let first_day = today - (CHART_DAYS - 1);
    let by_status = sqlx::query(
        "SELECT status, CAST(SUM(n) AS BIGINT) AS n FROM membership_counts WHERE project_id = $1 GROUP BY status",
    )
    .bind(project_id)
    .fetch_all(pool);
    let open = "SELECT COUNT(*) FROM invitations WHERE project_id = $1 \
                AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at";
    let pending_sql = format!("{open} > $2");
    let expired_sql = format!("{open} <= $2");
    let pending = sqlx::query_scalar::<_, i64>(&pending_sql)
        .bind(project_id)
        .bind(now)
        .fetch_one(pool);
    let expired = sqlx::query_scalar::<_, i64>(&expired_sql)
        .bind(project_id)
        .bind(now)
        .fetch_one(pool);
    let added = sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM memberships WHERE project_id = $1 AND created_at >= $2",
    )
    .bind(project_id)
    .bind(now - 30 * DAY)
    .fetch_one(pool);
    let days = sqlx::query(
        "SELECT day, succeeded, failed FROM sign_in_days WHERE project_id = $1 AND day >= $2",
    )
    .bind(project_id)
    .bind(first_day)
    .fetch_all(pool);
    let (by_status, pending, expired, added, days) =
        tokio::try_join!(by_status, pending, expired, added, days)?;
    let mut o = Overview {
        invited: 0,
        active: 0,
        inactive: 0,
        pending_invitations: pending as u64,
        expired_invitations: expired as u64,
        added_30_days: added as u64,
        sign_ins: (first_day..=today).map(|d| (d * DAY, 0, 0)).collect(),
        as_of: now,
    };
    for r in by_status {
        let n = r.try_get::<i64, _>("n")?.max(0) as u64;
        match r.try_get::<String, _>("status")?.parse::<Status>() {
            Ok(Status::Invited) => o.invited = n,
            Ok(Status::Active) => o.active = n,
            Ok(Status::Inactive) => o.inactive = n,
            Err(_) => {}
        }
    }
    for r in days {
        let day: i64 = r.try_get("day")?;
        if let Some(slot) = o.sign_ins.get_mut((day - first_day) as usize) {
            slot.1 = r.try_get::<i64, _>("succeeded")?.max(0) as u64;
            slot.2 = r.try_get::<i64, _>("failed")?.max(0) as u64;
        }
    }
    Ok(o)
}
