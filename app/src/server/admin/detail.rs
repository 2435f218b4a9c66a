//! The detail page: a user's memberships, sessions and activity.
use super::*;
use crate::server::geoip::{location, GeoIp};

/// The detail page of a member of the project.
pub async fn detail(
    db: &Db,
    geo: Option<&GeoIp>,
    principal: &Principal,
    project_id: i64,
    user_id: i64,
    idle_cutoff: i64,
) -> Result<UserDetail, AppError> {
    let pool = db.pool();
    let profile = sqlx::query(
        "SELECT u.id, u.email, u.first_name, u.last_name, u.phone, u.metadata, u.status, u.created_at, \
                u.last_sign_in_at, u.is_superadmin, u.email_verified_at, m.status AS here_status, \
                CAST(CASE WHEN EXISTS (SELECT 1 FROM totp_secrets t WHERE t.user_id = u.id AND t.enabled_at IS NOT NULL) \
                     THEN 1 ELSE 0 END AS BIGINT) AS two_factor \
           FROM users u JOIN memberships m ON m.user_id = u.id AND m.project_id = $2 \
          WHERE u.id = $1",
    )
    .bind(user_id)
    .bind(project_id);
    let memberships = sqlx::query(
        "SELECT p.id, p.slug, p.name, r.name AS role, m.joined_at, m.status FROM memberships m \
           JOIN projects p ON p.id = m.project_id JOIN roles r ON r.id = m.role_id \
          WHERE m.user_id = $1 ORDER BY p.name, p.id",
    )
    .bind(user_id);
    let groups = sqlx::query(
        "SELECT g.project_id, g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id \
          WHERE gm.user_id = $1 ORDER BY g.name",
    )
    .bind(user_id);
    let now = now_ms();
    let sessions = sqlx::query(
        "SELECT id, created_at, last_seen_at, ip, browser, os, device FROM sessions \
          WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $3 \
          ORDER BY last_seen_at DESC, id DESC LIMIT 100",
    )
    .bind(user_id)
    .bind(now)
    .bind(idle_cutoff);
    let (profile, memberships, groups, sessions) = tokio::try_join!(
        profile.fetch_optional(pool),
        memberships.fetch_all(pool),
        groups.fetch_all(pool),
        sessions.fetch_all(pool),
    )?;
    let p = profile.ok_or_else(|| AppError::NotFound("The user".into()))?;
    let is_superadmin = p.try_get::<i64, _>("is_superadmin")? != 0;

    let mut groups_by_project: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for g in groups {
        groups_by_project
            .entry(g.try_get("project_id")?)
            .or_default()
            .push(g.try_get("name")?);
    }
    let mut role = String::new();
    let mut here_groups = Vec::new();
    let mut infos = Vec::new();
    for m in memberships {
        let pid: i64 = m.try_get("id")?;
        let gs = groups_by_project.remove(&pid).unwrap_or_default();
        if pid == project_id {
            role = m.try_get("role")?;
            here_groups = gs.clone();
        }
        // Only projects whose users the viewer may read are shown.
        if principal.is_superadmin || principal.can(Permission::UsersRead, pid) {
            infos.push(MembershipInfo {
                project_slug: m.try_get("slug")?,
                project_name: m.try_get("name")?,
                role: m.try_get("role")?,
                groups: gs,
                joined_at: m.try_get("joined_at")?,
                status: m
                    .try_get::<String, _>("status")?
                    .parse()
                    .unwrap_or(Status::Active),
            });
        }
    }
    let permissions = crate::server::store::project_permissions(db, user_id, is_superadmin)
        .await?
        .into_iter()
        .find(|p| p.id == project_id)
        .map(|p| p.permissions)
        .unwrap_or_default();
    let sessions = sessions
        .into_iter()
        .map(|s| {
            let id: i64 = s.try_get("id")?;
            let ip: String = s.try_get("ip")?;
            Ok(SessionInfo {
                id,
                created_at: s.try_get("created_at")?,
                last_seen_at: s.try_get("last_seen_at")?,
                location: location(geo, &ip),
                ip,
                browser: s.try_get("browser")?,
                os: s.try_get("os")?,
                device: s.try_get("device")?,
                current: id == principal.session_id,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let guard = if principal.user_id == user_id {
        Some(Guard::OwnAccount)
    } else {
        let n: i64 = sqlx::query_scalar(&last_owner_sql(principal))
            .bind(user_id)
            .fetch_one(pool)
            .await?;
        (n > 0).then_some(Guard::LastOwner)
    };
    let metadata: serde_json::Value =
        serde_json::from_str(&p.try_get::<String, _>("metadata")?).unwrap_or(json!({}));
    let mut detail = UserDetail {
        id: p.try_get("id")?,
        email: p.try_get("email")?,
        first_name: p.try_get("first_name")?,
        last_name: p.try_get("last_name")?,
        phone: p.try_get("phone")?,
        metadata: serde_json::to_string_pretty(&metadata).unwrap_or_else(|_| "{}".into()),
        status: p
            .try_get::<String, _>("status")?
            .parse()
            .unwrap_or(Status::Inactive),
        created_at: p.try_get("created_at")?,
        last_sign_in_at: p.try_get("last_sign_in_at")?,
        role,
        groups: here_groups,
        memberships: infos,
        permissions,
        sessions,
        guard,
        invitation: None,
        email_verified_at: p.try_get("email_verified_at")?,
        two_factor: p.try_get::<i64, _>("two_factor")? != 0,
        consents: Vec::new(),
        as_of: now,
    };
    // Someone invited here with an account elsewhere has not joined yet: the page shows what
    // the invitation says, not the profile or the sessions of that account.
    if p.try_get::<String, _>("here_status")? == "invited" && detail.status != Status::Invited {
        detail.status = Status::Invited;
        detail.first_name.clear();
        detail.last_name.clear();
        detail.phone = None;
        detail.metadata = "{}".into();
        detail.last_sign_in_at = None;
        detail.sessions.clear();
        detail.permissions.clear();
        detail.guard = None;
        detail.email_verified_at = None;
        detail.two_factor = false;
    }
    Ok(detail)
}

pub const ACTIVITY_PAGE: u32 = 20;

/// A member's activity, newest first: sign-ins and failed attempts, and changes made to them,
/// limited to events without a project or in projects whose users the viewer may read.
pub async fn activity(
    db: &Db,
    geo: Option<&GeoIp>,
    principal: &Principal,
    project_id: i64,
    user_id: i64,
    page: u32,
) -> Result<Page<ActivityItem>, AppError> {
    // The page number comes from the URL: no deeper than any list reads.
    let page = page.clamp(1, crate::model::max_page(ACTIVITY_PAGE));
    let member: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM memberships WHERE project_id = $1 AND user_id = $2",
    )
    .bind(project_id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    if member.is_none() {
        return Err(AppError::NotFound("The user".into()));
    }
    // Project ids come from the principal (integers), so inlining them is safe.
    let scope = if principal.is_superadmin {
        String::new()
    } else {
        let ids: Vec<String> = principal
            .projects
            .iter()
            .filter(|p| p.can(Permission::UsersRead))
            .map(|p| p.id.to_string())
            .collect();
        format!(
            " AND (project_id IS NULL OR project_id IN ({}))",
            ids.join(",")
        )
    };
    let rows_sql = format!(
        "SELECT id, at, action, actor_email, ip, user_agent, details FROM audit_events \
          WHERE target_user_id = $1{scope} ORDER BY at DESC, id DESC LIMIT {ACTIVITY_PAGE} OFFSET {}",
        (page as u64 - 1) * ACTIVITY_PAGE as u64
    );
    let count_sql = format!("SELECT COUNT(*) FROM audit_events WHERE target_user_id = $1{scope}");
    let (rows, total) = tokio::try_join!(
        sqlx::query(&rows_sql).bind(user_id).fetch_all(db.pool()),
        sqlx::query_scalar::<_, i64>(&count_sql)
            .bind(user_id)
            .fetch_one(db.pool())
    )?;
    let items = rows
        .into_iter()
        .map(|r| {
            let ua: String = r.try_get("user_agent")?;
            let device = crate::server::user_agent::device_label(&ua);
            let ip: String = r.try_get("ip")?;
            Ok(ActivityItem {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                action: r.try_get("action")?,
                actor_email: r.try_get("actor_email")?,
                location: location(geo, &ip),
                ip,
                device,
                details: r.try_get("details")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Page {
        items,
        total: total as u64,
        page,
        size: ACTIVITY_PAGE,
        as_of: now_ms(),
        more: false,
    })
}
