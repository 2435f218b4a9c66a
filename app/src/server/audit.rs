//! The audit trail: one function writes an event inside the caller's transaction, so an event
//! exists if and only if the change it describes was committed.
use super::db::Backend;
use super::util::truncate;
use crate::model::{AppError, AuditItem, AuditQuery, AuditSlice, Cursor, AUDIT_PAGE, MAX_EMAIL};
use futures::StreamExt;
use sqlx::{Any, Transaction};

/// Who did something and from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub email: Option<String>,
    pub ip: String,
    pub user_agent: String,
}

impl Actor {
    pub fn system() -> Self {
        Actor {
            user_id: None,
            email: Some("system".into()),
            ip: String::new(),
            user_agent: String::new(),
        }
    }
}

/// One event: `action` is a dotted verb (`user.deactivated`, `auth.sign_in_failed`, …).
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub action: &'a str,
    pub project_id: Option<i64>,
    pub target_user_id: Option<i64>,
    pub target_email: Option<&'a str>,
    pub details: serde_json::Value,
}

impl<'a> Event<'a> {
    pub fn new(action: &'a str) -> Self {
        Event {
            action,
            project_id: None,
            target_user_id: None,
            target_email: None,
            details: serde_json::json!({}),
        }
    }
    pub fn project(mut self, id: i64) -> Self {
        self.project_id = Some(id);
        self
    }
    pub fn target(mut self, user_id: Option<i64>, email: &'a str) -> Self {
        self.target_user_id = user_id;
        self.target_email = Some(email);
        self
    }
    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// Bounds of each text field of an event: the log is append-only, so no request may make a
/// row larger than these (emails per RFC 5321, an IPv6 address with zone, a user agent, details).
pub const MAX_IP: usize = 64;
pub const MAX_USER_AGENT: usize = 512;
pub const MAX_DETAILS: usize = 4096;

/// Details past [`MAX_DETAILS`] bytes are replaced by a note of their size.
fn bounded_details(details: &serde_json::Value) -> String {
    let text = details.to_string();
    if text.len() <= MAX_DETAILS {
        text
    } else {
        serde_json::json!({ "truncated": true, "bytes": text.len() }).to_string()
    }
}

pub async fn record(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    event: Event<'_>,
) -> Result<(), AppError> {
    record_many(tx, actor, vec![event]).await
}

/// Records several events of one actor in one statement (an import's batch).
pub async fn record_many(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    events: Vec<Event<'_>>,
) -> Result<(), AppError> {
    if events.is_empty() {
        return Ok(());
    }
    let sql = Backend::of(tx).positional(format!(
        "INSERT INTO audit_events (at, actor_id, actor_email, action, target_user_id, target_email, \
         project_id, ip, user_agent, details) VALUES {}",
        super::util::rows_marks(1, events.len(), 10)
    ));
    let now = super::util::now_ms();
    let email = actor.email.as_deref().map(|e| truncate(e, MAX_EMAIL));
    let mut q = sqlx::query(&sql);
    for event in &events {
        q = q
            .bind(now)
            .bind(actor.user_id)
            .bind(email)
            .bind(event.action)
            .bind(event.target_user_id)
            .bind(event.target_email.map(|e| truncate(e, MAX_EMAIL)))
            .bind(event.project_id)
            .bind(truncate(&actor.ip, MAX_IP))
            .bind(truncate(&actor.user_agent, MAX_USER_AGENT))
            .bind(bounded_details(&event.details));
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// Whose events a reader sees: one project's, and for a superadmin also the console-wide ones
/// (sign-ins, account changes: events with no project).
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub project_id: i64,
    pub console_wide: bool,
}

/// A query's text and its arguments, numbered as they are added (`$1`, `$2`, …), so the same
/// filters can appear in two branches of a union.
#[derive(Default)]
struct Sql {
    text: String,
    args: Vec<Arg>,
}

enum Arg {
    Int(i64),
    Text(String),
}

impl Sql {
    fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    fn query(&self) -> sqlx::query::Query<'_, Any, sqlx::any::AnyArguments<'_>> {
        self.args
            .iter()
            .fold(sqlx::query(&self.text), |q, a| match a {
                Arg::Int(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.as_str()),
            })
    }
}

const COLUMNS: &str =
    "id, at, actor_email, action, target_user_id, target_email, project_id, ip, user_agent, details";

/// Appends one branch: the events of one project (or the console-wide ones) that pass the
/// filters, from the cursor on, in time order, at most `limit`. Each filter meets an index
/// `(project_id, <filter>, at)`, so a branch reads about `limit` index entries.
fn branch(
    sql: &mut Sql,
    project: Option<i64>,
    q: &AuditQuery,
    from: Option<(i64, i64)>,
    newest_first: bool,
    limit: usize,
) {
    let mut filters = vec![match project {
        Some(id) => format!("project_id = {}", sql.arg(Arg::Int(id))),
        None => "project_id IS NULL".to_string(),
    }];
    if !q.actor.is_empty() {
        filters.push(format!(
            "actor_email = {}",
            sql.arg(Arg::Text(q.actor.clone()))
        ));
    }
    if !q.target.is_empty() {
        filters.push(format!(
            "target_email = {}",
            sql.arg(Arg::Text(q.target.clone()))
        ));
    }
    if let Some(a) = &q.action {
        filters.push(format!("action = {}", sql.arg(Arg::Text(a.clone()))));
    }
    let (since, until) = q.range_ms();
    if let Some(t) = since {
        filters.push(format!("at >= {}", sql.arg(Arg::Int(t))));
    }
    if let Some(t) = until {
        filters.push(format!("at < {}", sql.arg(Arg::Int(t))));
    }
    // The keyset: `at` bounds the index range, `id` breaks ties between events of the same ms.
    if let Some((at, id)) = from {
        let (a1, a2, i) = (
            sql.arg(Arg::Int(at)),
            sql.arg(Arg::Int(at)),
            sql.arg(Arg::Int(id)),
        );
        filters.push(if newest_first {
            format!("at <= {a1} AND (at < {a2} OR id < {i})")
        } else {
            format!("at >= {a1} AND (at > {a2} OR id > {i})")
        });
    }
    let dir = if newest_first { "DESC" } else { "ASC" };
    sql.text.push_str(&format!(
        "SELECT {COLUMNS} FROM audit_events WHERE {} ORDER BY at {dir}, id {dir} LIMIT {limit}",
        filters.join(" AND ")
    ));
}

/// Up to `limit` events of the scope passing the filters, from `from` on, in time order.
async fn fetch(
    db: &super::Db,
    scope: Scope,
    q: &AuditQuery,
    from: Option<(i64, i64)>,
    newest_first: bool,
    limit: usize,
) -> Result<Vec<sqlx::any::AnyRow>, AppError> {
    let sql = page_sql(scope, q, from, newest_first, limit);
    Ok(sql.query().fetch_all(db.pool()).await?)
}

/// The database's plan for the first page of a view (`EXPLAIN QUERY PLAN` on SQLite,
/// `EXPLAIN` on PostgreSQL), one line per step: what the benchmark prints for slow views.
pub async fn plan(db: &super::Db, scope: Scope, q: &AuditQuery) -> Result<Vec<String>, AppError> {
    use sqlx::Row;
    let mut sql = page_sql(scope, q, None, true, AUDIT_PAGE + 1);
    let sqlite = db.backend() == super::Backend::Sqlite;
    sql.text = if sqlite {
        format!("EXPLAIN QUERY PLAN {}", sql.text)
    } else {
        format!("EXPLAIN {}", sql.text)
    };
    let rows = sql.query().fetch_all(db.pool()).await?;
    rows.iter()
        .map(|r| {
            if sqlite {
                r.try_get::<String, _>("detail")
            } else {
                r.try_get::<String, _>(0)
            }
        })
        .collect::<Result<_, _>>()
        .map_err(AppError::from)
}

fn page_sql(
    scope: Scope,
    q: &AuditQuery,
    from: Option<(i64, i64)>,
    newest_first: bool,
    limit: usize,
) -> Sql {
    let mut sql = Sql::default();
    if scope.console_wide {
        // Two index ranges merged, rather than one `OR` that no index serves in time order.
        let dir = if newest_first { "DESC" } else { "ASC" };
        sql.text.push_str("SELECT * FROM (");
        branch(
            &mut sql,
            Some(scope.project_id),
            q,
            from,
            newest_first,
            limit,
        );
        sql.text.push_str(") AS p UNION ALL SELECT * FROM (");
        branch(&mut sql, None, q, from, newest_first, limit);
        sql.text
            .push_str(&format!(") AS c ORDER BY at {dir}, id {dir} LIMIT {limit}"));
    } else {
        branch(
            &mut sql,
            Some(scope.project_id),
            q,
            from,
            newest_first,
            limit,
        );
    }
    sql
}

fn item(
    r: &sqlx::any::AnyRow,
    slug: &str,
    geo: Option<&super::geoip::GeoIp>,
) -> Result<AuditItem, sqlx::Error> {
    use sqlx::Row;
    let ip: String = r.try_get("ip")?;
    let user_agent: String = r.try_get("user_agent")?;
    let project: Option<i64> = r.try_get("project_id")?;
    Ok(AuditItem {
        id: r.try_get("id")?,
        at: r.try_get("at")?,
        actor_email: r.try_get("actor_email")?,
        action: r.try_get("action")?,
        target_user_id: r.try_get("target_user_id")?,
        target_email: r.try_get("target_email")?,
        project: project.map(|_| slug.to_string()),
        location: super::geoip::location(geo, &ip),
        device: super::user_agent::device_label(&user_agent),
        ip,
        user_agent,
        details: r.try_get("details")?,
    })
}

fn key(i: &AuditItem) -> (i64, i64) {
    (i.at, i.id)
}

/// One page of the log: [`AUDIT_PAGE`] events newest first, from the query's cursor, and
/// whether newer and older events exist (each a one-row probe of the same index).
pub async fn list(
    db: &super::Db,
    geo: Option<&super::geoip::GeoIp>,
    scope: Scope,
    slug: &str,
    q: &AuditQuery,
) -> Result<AuditSlice, AppError> {
    let n = AUDIT_PAGE;
    let (from, newest_first) = match q.cursor {
        None => (None, true),
        Some(Cursor::Before(at, id)) => (Some((at, id)), true),
        Some(Cursor::After(at, id)) => (Some((at, id)), false),
    };
    let rows = fetch(db, scope, q, from, newest_first, n + 1).await?;
    let more = rows.len() > n;
    let mut items = rows
        .iter()
        .take(n)
        .map(|r| item(r, slug, geo))
        .collect::<Result<Vec<_>, _>>()?;
    if !newest_first {
        items.reverse();
    }
    // Beyond the far end of the page there are more (`more`); behind the cursor, probe.
    let behind = match (from, items.first(), items.last()) {
        (None, _, _) => false,
        (Some(_), Some(first), Some(last)) => {
            let edge = if newest_first { key(first) } else { key(last) };
            !fetch(db, scope, q, Some(edge), !newest_first, 1)
                .await?
                .is_empty()
        }
        (Some(c), _, _) => !fetch(db, scope, q, Some(c), !newest_first, 1)
            .await?
            .is_empty(),
    };
    let (newer, older) = if newest_first {
        (behind, more)
    } else {
        (more, behind)
    };
    Ok(AuditSlice {
        items,
        newer,
        older,
    })
}

/// Rows per query of an export: the file streams in keyset chunks of this many, so memory
/// stays flat whatever the log's size, and no read holds the database for long.
const EXPORT_CHUNK: usize = 1_000;

/// The header of an export; each row follows it in this order.
pub const EXPORT_HEADER: [&str; 10] = [
    "time",
    "actor",
    "action",
    "target",
    "project",
    "ip",
    "location",
    "user_agent",
    "device",
    "details",
];

/// The events the query's filters select (its cursor ignored), newest first, as CSV: the
/// header, then one chunk of rows per item. Times are ISO 8601 UTC; cells that a spreadsheet
/// would run as a formula are made inert.
pub fn export_csv(
    db: super::Db,
    geo: Option<std::sync::Arc<super::geoip::GeoIp>>,
    scope: Scope,
    slug: String,
    q: AuditQuery,
) -> impl futures::Stream<Item = Result<Vec<u8>, AppError>> + Send {
    let header = super::util::csv_line(EXPORT_HEADER.iter().map(|h| h.to_string()));
    let rows =
        futures::stream::try_unfold(Some(None), move |cursor: Option<Option<(i64, i64)>>| {
            let (db, geo, slug, q) = (db.clone(), geo.clone(), slug.clone(), q.clone());
            async move {
                let Some(from) = cursor else {
                    return Ok(None);
                };
                let rows = fetch(&db, scope, &q, from, true, EXPORT_CHUNK).await?;
                let items = rows
                    .iter()
                    .map(|r| item(r, &slug, geo.as_deref()))
                    .collect::<Result<Vec<_>, _>>()?;
                let next = (items.len() == EXPORT_CHUNK).then(|| items.last().map(key));
                let mut out = Vec::with_capacity(items.len() * 200);
                for i in items {
                    out.extend(super::util::csv_line([
                        crate::model::time::iso_utc(i.at),
                        i.actor_email.unwrap_or_default(),
                        i.action,
                        i.target_email.unwrap_or_default(),
                        i.project.unwrap_or_default(),
                        i.ip,
                        i.location,
                        i.user_agent,
                        i.device,
                        i.details,
                    ]));
                }
                Ok(Some((out, next)))
            }
        });
    futures::stream::once(async move { Ok(header) }).chain(rows)
}

/// Starts an export of the log for a holder of `audit:read` in `slug`: records who exported
/// what (an `audit.exported` event, committed before the first row leaves), then streams the
/// CSV ([`export_csv`]).
pub async fn export(
    state: &super::AppState,
    principal: &super::auth::Principal,
    actor: &Actor,
    slug: &str,
    q: AuditQuery,
) -> Result<impl futures::Stream<Item = Result<Vec<u8>, AppError>> + Send, AppError> {
    let project_id = principal.require(crate::model::Permission::AuditRead, slug)?;
    let scope = Scope {
        project_id,
        console_wide: principal.is_superadmin,
    };
    let filters: serde_json::Map<String, serde_json::Value> = q
        .filter_pairs()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into()))
        .collect();
    let mut tx = state.db.begin().await?;
    record(
        &mut tx,
        actor,
        Event::new("audit.exported")
            .project(project_id)
            .details(serde_json::json!({ "filters": filters, "console_wide": scope.console_wide })),
    )
    .await?;
    tx.commit().await?;
    Ok(export_csv(
        state.db.clone(),
        state.geoip.clone(),
        scope,
        slug.to_string(),
        q,
    ))
}

#[cfg(test)]
mod tests {
    use crate::model::AUDIT_ACTIONS;

    /// The action filter offers exactly the actions the sources write.
    #[test]
    fn the_action_filter_lists_every_action_written() {
        let mut written = std::collections::BTreeSet::new();
        for file in crate::server::util::source_files() {
            let src = std::fs::read_to_string(&file).unwrap();
            for (at, _) in src.match_indices("Event::new(\"") {
                let rest = &src[at + "Event::new(\"".len()..];
                written.insert(rest[..rest.find('"').unwrap()].to_string());
            }
        }
        assert!(written.len() > 30, "the scan found {written:?}");
        let listed: std::collections::BTreeSet<String> =
            AUDIT_ACTIONS.iter().map(|a| a.to_string()).collect();
        assert_eq!(
            listed, written,
            "AUDIT_ACTIONS and the actions written differ"
        );
        let mut sorted = AUDIT_ACTIONS.to_vec();
        sorted.sort();
        assert_eq!(sorted, AUDIT_ACTIONS.to_vec(), "keep AUDIT_ACTIONS sorted");
    }
}
