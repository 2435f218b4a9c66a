//! Export of a project's users (`users:export`) as CSV or JSON Lines, streamed from the
//! database a keyset chunk at a time: the view's own index read in its order, resuming after
//! the last row sent (never `OFFSET`), so a million users leave with flat server memory.
//! Searches scan that index testing each row (the trigram index would list every match again
//! for each chunk). CSV cells a spreadsheet would run are made inert; times are ISO 8601 UTC.
use super::audit::{self, Actor, Event};
use super::auth::Principal;
use super::users::{
    bind_all, next, order_by, search_test, sort_keys, view_filter, Bind, GroupPath,
};
use super::{AppState, Db};
use crate::model::{
    time::iso_utc, AppError, ExportField, ExportFormat, ExportScope, Permission, UserQuery,
    UserSort,
};
use futures::StreamExt;
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;

/// Rows per query.
pub const CHUNK: i64 = 2_000;
/// Rows that can be picked in the table and exported at once.
pub const MAX_SELECTED: usize = 1_000;

/// What to export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRequest {
    pub scope: ExportScope,
    pub format: ExportFormat,
    pub fields: Vec<ExportField>,
    /// The table's view (search, filters, sort) for [`ExportScope::View`].
    pub query: UserQuery,
    /// The picked rows for [`ExportScope::Selected`].
    pub ids: Vec<i64>,
}

impl ExportRequest {
    /// From the export form's query string: `scope`, `format`, `fields` (repeated), `ids`
    /// (comma separated) and the view's own parameters. Unknown values fall back to the
    /// defaults: the view, CSV, the default fields.
    pub fn parse(query: &str) -> ExportRequest {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .take(200)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let mut fields: Vec<ExportField> = pairs
            .iter()
            .filter(|(k, _)| k == "fields" || k == "fields[]")
            .filter_map(|(_, v)| ExportField::parse(v))
            .collect();
        // In the file's column order, once each.
        fields.sort_by_key(|f| ExportField::ALL.iter().position(|a| a == f));
        fields.dedup();
        if fields.is_empty() {
            fields = ExportField::DEFAULT.to_vec();
        }
        let scope = match get("scope").as_deref() {
            Some("all") => ExportScope::All,
            Some("selected") => ExportScope::Selected,
            _ => ExportScope::View,
        };
        let format = match get("format").as_deref() {
            Some("jsonl") | Some("json") => ExportFormat::Jsonl,
            _ => ExportFormat::Csv,
        };
        let ids = get("ids")
            .unwrap_or_default()
            .split(',')
            .filter_map(|s| s.trim().parse::<i64>().ok())
            .take(MAX_SELECTED)
            .collect();
        ExportRequest {
            scope,
            format,
            fields,
            query: UserQuery::from_pairs(|k| get(k)).bounded(),
            ids,
        }
    }

    /// The view the scope selects (the search, filters and sort; no page).
    fn view(&self) -> UserQuery {
        match self.scope {
            ExportScope::View => self.query.clone(),
            ExportScope::All | ExportScope::Selected => UserQuery {
                sort: UserSort::Email,
                desc: false,
                ..Default::default()
            },
        }
    }
}

/// The rows' SQL filter and binds for a request: None when it matches nobody.
async fn filter(
    db: &Db,
    project_id: i64,
    req: &ExportRequest,
) -> Result<Option<(String, Vec<Bind>)>, AppError> {
    let view = req.view();
    let dir = super::users::directory(db, project_id).await?;
    let Some(f) = view_filter(
        project_id,
        &view,
        &dir,
        super::util::now_ms(),
        GroupPath::Probe,
    ) else {
        return Ok(None);
    };
    let (mut sql, mut binds) = (f.sql, f.binds);
    let needle = view.q.trim().to_lowercase();
    if !needle.is_empty() {
        sql += &format!(
            " AND {}",
            search_test(db.backend(), "m", &mut binds, &needle)
        );
    }
    if req.scope == ExportScope::Selected {
        if req.ids.is_empty() {
            return Ok(None);
        }
        // Parsed integers: safe to inline.
        let list = req
            .ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        sql += &format!(" AND m.user_id IN ({list})");
    }
    Ok(Some((sql, binds)))
}

/// Starts an export for a holder of `users:export` in `slug`: counts the rows, records who
/// exported what (scope, filters, fields, format, rows) in the audit log before the first row
/// leaves, and answers the file's stream with its name.
pub async fn export(
    state: &AppState,
    principal: &Principal,
    actor: &Actor,
    slug: &str,
    req: ExportRequest,
) -> Result<
    (
        impl futures::Stream<Item = Result<Vec<u8>, AppError>> + Send + 'static,
        String,
    ),
    AppError,
> {
    let project_id = principal.require(Permission::UsersExport, slug)?;
    let db = state.db.clone();
    let filter = filter(&db, project_id, &req).await?;
    let rows: i64 = match &filter {
        Some((sql, binds)) => {
            let count = format!("SELECT COUNT(*) FROM memberships m WHERE {sql}");
            bind_all(sqlx::query(&count), binds)
                .fetch_one(db.pool())
                .await?
                .try_get(0)?
        }
        None => 0,
    };
    let filters: serde_json::Map<String, serde_json::Value> = match req.scope {
        ExportScope::View => req
            .query
            .pairs()
            .into_iter()
            .filter(|(k, _)| !matches!(*k, "page" | "size"))
            .map(|(k, v)| (k.to_string(), v.into()))
            .collect(),
        _ => Default::default(),
    };
    let mut tx = db.begin().await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("users.exported").project(project_id).details(json!({
            "scope": match req.scope {
                ExportScope::View => "view",
                ExportScope::All => "all",
                ExportScope::Selected => "selected",
            },
            "filters": filters,
            "fields": req.fields.iter().map(|f| f.key()).collect::<Vec<_>>(),
            "format": match req.format { ExportFormat::Csv => "csv", ExportFormat::Jsonl => "jsonl" },
            "rows": rows,
        })),
    )
    .await?;
    tx.commit().await?;
    let day = iso_utc(super::util::now_ms());
    let ext = match req.format {
        ExportFormat::Csv => "csv",
        ExportFormat::Jsonl => "jsonl",
    };
    let name = format!("roster-users-{slug}-{}.{ext}", &day[..10]);
    Ok((stream(db, project_id, req, filter), name))
}

/// One exported row.
struct Item {
    id: i64,
    email: String,
    first_name: String,
    last_name: String,
    phone: Option<String>,
    role: String,
    groups: Vec<String>,
    status: String,
    created_at: i64,
    last_sign_in_at: Option<i64>,
    metadata: String,
}

/// The file: the CSV header (or nothing for JSON Lines), then one chunk of lines per query.
fn stream(
    db: Db,
    project_id: i64,
    req: ExportRequest,
    filter: Option<(String, Vec<Bind>)>,
) -> impl futures::Stream<Item = Result<Vec<u8>, AppError>> + Send + 'static {
    let fields = req.fields.clone();
    let header = match req.format {
        ExportFormat::Csv => Some(super::util::csv_line(
            fields.iter().map(|f| f.key().to_string()),
        )),
        ExportFormat::Jsonl => None,
    };
    let view = req.view();
    let keys = sort_keys(view.sort);
    let order = order_by(view.sort, view.desc);
    let cmp = if view.desc { "<" } else { ">" };
    let want_groups = fields.contains(&ExportField::Groups);
    let format = req.format;
    // The cursor: the last row's sort keys, or None before the first chunk. The whole export
    // reads through one connection: one page cache warms (SQLite keeps one per connection),
    // not every connection of the pool in turn.
    type Conn = sqlx::pool::PoolConnection<sqlx::Any>;
    let rows = futures::stream::try_unfold(
        (
            filter,
            None::<Vec<Bind>>,
            false,
            None::<(Conn, HashMap<i64, String>)>,
        ),
        move |(filter, after, finished, conn)| {
            let (db, fields, order) = (db.clone(), fields.clone(), order.clone());
            async move {
                let Some((sql, binds)) = filter.clone().filter(|_| !finished) else {
                    return Ok(None);
                };
                let (mut conn, roles) = match conn {
                    Some(c) => c,
                    None => {
                        let mut c = db.pool().acquire().await?;
                        let roles: HashMap<i64, String> =
                            sqlx::query_as("SELECT id, name FROM roles WHERE project_id = $1")
                                .bind(project_id)
                                .fetch_all(&mut *c)
                                .await?
                                .into_iter()
                                .collect();
                        (c, roles)
                    }
                };
                let mut binds = binds;
                let mut cond = sql;
                if let Some(after) = &after {
                    let marks: Vec<String> =
                        after.iter().map(|b| next(&mut binds, b.clone())).collect();
                    cond += &format!(" AND ({}) {cmp} ({})", keys.join(", "), marks.join(", "));
                }
                let query = format!(
                    "SELECT m.user_id, m.email, m.name_key, m.role_id, m.status, m.created_at, m.last_sign_in_at, \
                            u.first_name, u.last_name, u.phone, u.metadata, u.status AS account_status \
                       FROM memberships m JOIN users u ON u.id = m.user_id \
                      WHERE {cond} ORDER BY {order} LIMIT {CHUNK}"
                );
                let fetched = bind_all(sqlx::query(&query), &binds)
                    .fetch_all(&mut *conn)
                    .await?;
                let last_key = match fetched.last() {
                    Some(r) => Some(
                        keys.iter()
                            .map(|k| {
                                let col = k.trim_start_matches("m.");
                                match col {
                                    "email" | "name_key" | "status" => {
                                        r.try_get::<String, _>(col).map(Bind::Text)
                                    }
                                    _ => r.try_get::<i64, _>(col).map(Bind::Int),
                                }
                            })
                            .collect::<Result<Vec<_>, _>>()?,
                    ),
                    None => None,
                };
                let done = (fetched.len() as i64) < CHUNK;
                let items = items(&mut conn, project_id, &roles, &fetched, want_groups).await?;
                let mut out = Vec::with_capacity(items.len() * 160);
                for i in &items {
                    match format {
                        ExportFormat::Csv => out.extend(super::util::csv_line(
                            fields.iter().map(|f| csv_cell(i, *f)),
                        )),
                        ExportFormat::Jsonl => {
                            let obj: serde_json::Map<String, serde_json::Value> = fields
                                .iter()
                                .map(|f| (f.key().to_string(), json_value(i, *f)))
                                .collect();
                            out.extend(serde_json::to_vec(&obj).unwrap_or_default());
                            out.push(b'\n');
                        }
                    }
                }
                if items.is_empty() {
                    return Ok(None);
                }
                Ok(Some((out, (filter, last_key, done, Some((conn, roles))))))
            }
        },
    );
    futures::stream::iter(header.map(Ok)).chain(rows)
}

/// The rows of a chunk with their role names and (when exported) groups: one more query.
async fn items(
    conn: &mut sqlx::AnyConnection,
    project_id: i64,
    roles: &HashMap<i64, String>,
    rows: &[sqlx::any::AnyRow],
    want_groups: bool,
) -> Result<Vec<Item>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get("user_id"))
        .collect::<Result<_, _>>()?;
    let mut groups: HashMap<i64, Vec<String>> = HashMap::new();
    if want_groups {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT gm.user_id, g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id \
              WHERE g.project_id = $1 AND gm.user_id IN ({list}) ORDER BY g.name"
        );
        for (user, name) in sqlx::query_as::<_, (i64, String)>(&sql)
            .bind(project_id)
            .fetch_all(&mut *conn)
            .await?
        {
            groups.entry(user).or_default().push(name);
        }
    }
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("user_id")?;
            let status: String = r.try_get("status")?;
            let hidden = super::users::profile_hidden(r)?;
            let last: i64 = r.try_get("last_sign_in_at")?;
            Ok(Item {
                id,
                email: r.try_get("email")?,
                first_name: if hidden {
                    String::new()
                } else {
                    r.try_get("first_name")?
                },
                last_name: if hidden {
                    String::new()
                } else {
                    r.try_get("last_name")?
                },
                phone: if hidden { None } else { r.try_get("phone")? },
                role: roles
                    .get(&r.try_get::<i64, _>("role_id")?)
                    .cloned()
                    .unwrap_or_default(),
                groups: groups.remove(&id).unwrap_or_default(),
                status,
                created_at: r.try_get("created_at")?,
                last_sign_in_at: (last > 0).then_some(last),
                metadata: if hidden {
                    "{}".into()
                } else {
                    r.try_get("metadata")?
                },
            })
        })
        .collect()
}

fn csv_cell(i: &Item, f: ExportField) -> String {
    match f {
        ExportField::Id => i.id.to_string(),
        ExportField::Email => i.email.clone(),
        ExportField::FirstName => i.first_name.clone(),
        ExportField::LastName => i.last_name.clone(),
        ExportField::Phone => i.phone.clone().unwrap_or_default(),
        ExportField::Role => i.role.clone(),
        ExportField::Groups => i.groups.join(";"),
        ExportField::Status => i.status.clone(),
        ExportField::Created => iso_utc(i.created_at),
        ExportField::LastSignIn => i.last_sign_in_at.map(iso_utc).unwrap_or_default(),
        ExportField::Metadata => i.metadata.clone(),
    }
}

fn json_value(i: &Item, f: ExportField) -> serde_json::Value {
    match f {
        ExportField::Id => json!(i.id),
        ExportField::Groups => json!(i.groups),
        ExportField::Phone => json!(i.phone),
        ExportField::LastSignIn => json!(i.last_sign_in_at.map(iso_utc)),
        ExportField::Metadata => serde_json::from_str(&i.metadata).unwrap_or_else(|_| json!({})),
        other => json!(csv_cell(i, other)),
    }
}
