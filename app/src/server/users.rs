//! The users list of a project: search, filters, sort, pages and totals in a fixed number of
//! queries, all scoped to the project inside the SQL.
//!
//! Every filter and sort is a range of one `memberships` index (see migration 0001). Search of
//! three or more characters is a substring, found through a trigram index (FTS5 on SQLite,
//! pg_trgm on PostgreSQL) or an ordered scan, whichever is cheaper; one or two characters
//! match the start of the email or name, two ranges of the indexes those columns sort by.
use super::{Backend, Db};
use crate::model::{AppError, Columns, Directory, Page, Status, UserQuery, UserRow, UserSort};
use sqlx::Row;
use std::collections::HashMap;

#[derive(Clone)]
pub(crate) enum Bind {
    Int(i64),
    Text(String),
}

/// Role and group ids and names of a project (roles in rank order, groups by name).
pub struct ProjectDirectory {
    pub roles: Vec<(i64, String)>,
    pub groups: Vec<(i64, String)>,
}

impl ProjectDirectory {
    pub fn names(&self) -> Directory {
        Directory {
            roles: self.roles.iter().map(|(_, n)| n.clone()).collect(),
            groups: self.groups.iter().map(|(_, n)| n.clone()).collect(),
        }
    }
}

/// A project's directory read at most once per request: the users page's filters and its
/// list both need it, and a server render asks for both at once. The server's middleware puts
/// one in every request's extensions; only reads go through it.
#[derive(Clone, Default)]
pub struct RequestDirectory(
    std::sync::Arc<tokio::sync::OnceCell<(i64, std::sync::Arc<ProjectDirectory>)>>,
);

impl RequestDirectory {
    pub async fn get(
        &self,
        db: &Db,
        project_id: i64,
    ) -> Result<std::sync::Arc<ProjectDirectory>, AppError> {
        let (id, dir) = self
            .0
            .get_or_try_init(|| async {
                Ok::<_, AppError>((project_id, directory(db, project_id).await?.into()))
            })
            .await?;
        if *id == project_id {
            Ok(dir.clone())
        } else {
            Ok(directory(db, project_id).await?.into())
        }
    }
}

pub async fn directory(db: &Db, project_id: i64) -> Result<ProjectDirectory, AppError> {
    let roles = sqlx::query_as("SELECT id, name FROM roles WHERE project_id = $1 ORDER BY id");
    let groups =
        sqlx::query_as("SELECT id, name FROM groups WHERE project_id = $1 ORDER BY name, id");
    let (roles, groups) = tokio::try_join!(
        roles.bind(project_id).fetch_all(db.pool()),
        groups.bind(project_id).fetch_all(db.pool())
    )?;
    Ok(ProjectDirectory { roles, groups })
}

/// `%`, `_` and `\` match themselves in a LIKE pattern.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Adds a bind value; returns its placeholder.
pub(crate) fn next(binds: &mut Vec<Bind>, b: Bind) -> String {
    binds.push(b);
    format!("${}", binds.len())
}

pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

pub(crate) fn bind_all<'q>(mut query: AnyQuery<'q>, binds: &'q [Bind]) -> AnyQuery<'q> {
    for b in binds {
        query = match b {
            Bind::Int(i) => query.bind(*i),
            Bind::Text(t) => query.bind(t.as_str()),
        };
    }
    query
}

/// The scan's test of a row of `memberships` (aliased `alias`) against the needle bound at
/// `p`: a substring of "email name", as the trigram index holds them. A needle without a
/// space cannot span the two, so it is tested on each column alone, which spares building
/// the joined text for every row scanned.
pub(crate) fn scan_match(backend: Backend, alias: &str, p: &str, needle: &str) -> String {
    let f = match backend {
        Backend::Sqlite => "instr",
        Backend::Postgres => "strpos",
    };
    if needle.contains(' ') {
        format!("{f}({alias}.email || ' ' || {alias}.name_key, {p}) > 0")
    } else {
        format!("({f}({alias}.email, {p}) > 0 OR {f}({alias}.name_key, {p}) > 0)")
    }
}

/// The test of a row of `memberships` (aliased `alias`) against a search, binding what it
/// needs: a needle of [`SUBSTRING_FROM`] characters or more is a substring of the email or
/// name ([`scan_match`]); a shorter one, the start of either. Every path of the list and
/// the export apply this same rule.
pub(crate) fn search_test(
    backend: Backend,
    alias: &str,
    binds: &mut Vec<Bind>,
    needle: &str,
) -> String {
    if needle.chars().count() >= SUBSTRING_FROM {
        let p = next(binds, Bind::Text(needle.to_string()));
        scan_match(backend, alias, &p, needle)
    } else {
        let (from, to) = prefix_range(needle);
        let a = next(binds, Bind::Text(from));
        let b = next(binds, Bind::Text(to));
        format!(
            "(({alias}.email >= {a} AND {alias}.email < {b}) OR ({alias}.name_key >= {a} AND {alias}.name_key < {b}))"
        )
    }
}

/// The view's filters without its search: SQL over `memberships m`, its binds, and the role
/// and group they name. None when the view names a role or group the project does not have
/// (a stale link), which matches nobody.
pub(crate) struct ViewFilter {
    pub sql: String,
    pub binds: Vec<Bind>,
    pub role_id: Option<i64>,
    pub group_id: Option<i64>,
}

/// How a group filter reads the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupPath {
    /// Each row of `memberships m` is looked up in the group (the export, which streams
    /// the project's rows).
    Probe,
    /// The rows are the group's own (`group_members m`, which carries its members' list
    /// columns, migration 0019).
    Copy,
}

pub(crate) fn view_filter(
    project_id: i64,
    q: &UserQuery,
    dir: &ProjectDirectory,
    now: i64,
    group_path: GroupPath,
) -> Option<ViewFilter> {
    let mut filter = String::from("m.project_id = $1");
    let mut binds = vec![Bind::Int(project_id)];
    if let Some(s) = q.status {
        let p = next(&mut binds, Bind::Text(s.as_str().into()));
        filter += &format!(" AND m.status = {p}");
    }
    let mut role_id = None;
    if let Some(role) = &q.role {
        // An unknown name (a stale link) matches nobody rather than failing.
        let (id, _) = dir.roles.iter().find(|(_, n)| n == role)?;
        let p = next(&mut binds, Bind::Int(*id));
        filter += &format!(" AND m.role_id = {p}");
        role_id = Some(*id);
    }
    let mut group_id = None;
    if let Some(group) = &q.group {
        let (id, _) = dir.groups.iter().find(|(_, n)| n == group)?;
        let p = next(&mut binds, Bind::Int(*id));
        filter += &match group_path {
            // Correlated, so each scanned row probes the primary key instead of materialising
            // the whole group first.
            GroupPath::Probe => format!(
                " AND EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = {p} AND gm.user_id = m.user_id)"
            ),
            GroupPath::Copy => format!(" AND m.group_id = {p}"),
        };
        group_id = Some(*id);
    }
    // Members who have not signed in lately: `memberships_by_last_sign_in` holds the range
    // (0 is "never", so "not within 90 days" includes those who never came).
    match q.last_sign_in {
        None => {}
        Some(age) => match age.days() {
            None => filter += " AND m.last_sign_in_at = 0",
            Some(days) => {
                let p = next(&mut binds, Bind::Int(now - days * 24 * 3_600_000));
                filter += &format!(" AND m.last_sign_in_at < {p}");
            }
        },
    }
    Some(ViewFilter {
        sql: filter,
        binds,
        role_id,
        group_id,
    })
}

/// The columns a sort orders `memberships m` by, the user id last so the order is total
/// (stable pages, and a key to resume from). Each list is one index's columns after the
/// project.
pub(crate) fn sort_keys(sort: UserSort) -> &'static [&'static str] {
    match sort {
        UserSort::Email => &["m.email", "m.user_id"],
        UserSort::Name => &["m.name_key", "m.user_id"],
        UserSort::Role => &["m.role_id", "m.created_at", "m.user_id"],
        UserSort::Status => &["m.status", "m.created_at", "m.user_id"],
        UserSort::LastSignIn => &["m.last_sign_in_at", "m.user_id"],
        UserSort::Created => &["m.created_at", "m.user_id"],
    }
}

/// `ORDER BY` of a sort: every key in one direction, so the matching index is read forwards
/// or backwards.
pub(crate) fn order_by(sort: UserSort, desc: bool) -> String {
    let d = if desc { "DESC" } else { "ASC" };
    sort_keys(sort)
        .iter()
        .map(|k| format!("{k} {d}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many matching rows past the current page a search counts.
pub const COUNT_AHEAD: u64 = 200;

fn count_cap(q: &UserQuery) -> u64 {
    q.offset() + COUNT_AHEAD
}

/// One page of a project's users for `q`, with the total that matches (a lower bound when
/// `more` is set).
pub async fn list(db: &Db, project_id: i64, q: &UserQuery) -> Result<Page<UserRow>, AppError> {
    list_with(db, project_id, q, SearchPath::Auto).await
}

/// [`list`] with the project's directory already read.
pub async fn list_in(
    db: &Db,
    project_id: i64,
    q: &UserQuery,
    dir: &ProjectDirectory,
) -> Result<Page<UserRow>, AppError> {
    list_given(db, project_id, q, dir, SearchPath::Auto).await
}

async fn list_with(
    db: &Db,
    project_id: i64,
    q: &UserQuery,
    path: SearchPath,
) -> Result<Page<UserRow>, AppError> {
    list_given(db, project_id, q, &directory(db, project_id).await?, path).await
}

async fn list_given(
    db: &Db,
    project_id: i64,
    q: &UserQuery,
    dir: &ProjectDirectory,
    path: SearchPath,
) -> Result<Page<UserRow>, AppError> {
    Ok(list_traced(db, project_id, q, dir, path).await?.0)
}

/// How a page was found, for the tests to see every way taken.
#[derive(Debug, Default)]
#[cfg_attr(not(test), allow(dead_code))]
struct Trace {
    /// Whether a read in order within a budget was tried and answered (`Some(true)`),
    /// tried and ran out (`Some(false)`), or not tried.
    budget_met: Option<bool>,
    /// Whether the rows were collected from a last-sign-in filter's range.
    sign_in_range: bool,
    /// Whether a PostgreSQL trigram set was taken to be large from its estimate.
    estimated: bool,
    /// Whether a PostgreSQL trigram set was read to weigh a sign-in range.
    set_weighed: bool,
}

/// [`list_given`], and how it found the page.
async fn list_traced(
    db: &Db,
    project_id: i64,
    q: &UserQuery,
    dir: &ProjectDirectory,
    path: SearchPath,
) -> Result<(Page<UserRow>, Trace), AppError> {
    // The server function takes the view as the client sent it; the bounds hold here.
    let q = &q.bounded();
    let Some(plan) = plan_list(db, project_id, q, dir, path).await? else {
        let page = Page {
            items: Vec::new(),
            total: 0,
            page: q.page,
            size: q.size,
            as_of: super::util::now_ms(),
            more: false,
        };
        return Ok((page, Trace::default()));
    };
    let mut budget_met = None;
    let exact = plan.exact_total(db).await?;
    let read_ids = |rows: Vec<sqlx::any::AnyRow>| -> Result<Vec<i64>, AppError> {
        Ok(rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?)
    };
    let head = count_cap(q) + 1;
    let (total, ids) = match exact {
        Some(total) => {
            let (keys_sql, reversed) = plan.page_query(q, Some(total));
            let mut ids = read_ids(
                bind_all(sqlx::query(&keys_sql), &plan.binds)
                    .fetch_all(db.pool())
                    .await?,
            )?;
            if reversed {
                ids.reverse();
            }
            (total as i64, ids)
        }
        // A counted view near its start reads its rows once: the ids up to the count's cap,
        // of which the page is a slice, instead of a page query and a count query that
        // each find the same rows (each sorting a collected set, or each scanning).
        None if head <= ONE_READ => {
            let mut within_budget = None;
            if let Some(budgeted) = &plan.budget {
                within_budget = budgeted.read(db, q.sort, q.desc, head).await?;
                budget_met = Some(within_budget.is_some());
            }
            let all = match within_budget {
                Some(ids) => ids,
                None => read_ids(
                    bind_all(sqlx::query(&plan.select(q.desc, head, 0)), &plan.binds)
                        .fetch_all(db.pool())
                        .await?,
                )?,
            };
            let total = all.len() as i64;
            let page = all
                .into_iter()
                .skip(q.offset() as usize)
                .take(q.size as usize)
                .collect();
            (total, page)
        }
        None => {
            let (keys_sql, _) = plan.page_query(q, None);
            let (count_row, key_rows) = tokio::try_join!(
                bind_all(sqlx::query(&plan.count_sql), &plan.count_binds).fetch_one(db.pool()),
                bind_all(sqlx::query(&keys_sql), &plan.binds).fetch_all(db.pool())
            )?;
            (count_row.try_get::<i64, _>(0)?, read_ids(key_rows)?)
        }
    };
    let items = rows_for(db, project_id, &ids, dir).await?;
    let more = plan.bounded && total as u64 > count_cap(q);
    let page = Page {
        items,
        more,
        total: if more { count_cap(q) } else { total as u64 },
        page: q.page,
        size: q.size,
        as_of: super::util::now_ms(),
    };
    Ok((
        page,
        Trace {
            budget_met,
            sign_in_range: plan.sign_in_range,
            estimated: plan.estimated,
            set_weighed: plan.set_weighed,
        },
    ))
}

/// Whether a membership row (with its `status` and the account's `account_status`) hides the
/// person's profile: invited here with an account elsewhere, not joined yet, so no name shows.
pub(crate) fn profile_hidden(r: &sqlx::any::AnyRow) -> Result<bool, sqlx::Error> {
    Ok(r.try_get::<String, _>("status")? == "invited"
        && r.try_get::<String, _>("account_status")? != "invited")
}

/// The statement of [`rows_for`]: `$1` the project, `$2` the ids (a JSON array on SQLite, an
/// array literal on PostgreSQL), `$3` the owner role.
fn rows_sql(backend: Backend) -> String {
    let (ids_test, groups) = match backend {
        Backend::Sqlite => (
            "m.user_id IN (SELECT value FROM json_each($2))",
            "json_group_array(g.name ORDER BY g.name)",
        ),
        Backend::Postgres => (
            "m.user_id = ANY(CAST($2 AS BIGINT[]))",
            "CAST(json_agg(g.name ORDER BY g.name) AS TEXT)",
        ),
    };
    // `+i.project_id` keeps SQLite off `invitations_open` (project, expiry): without
    // statistics it read every open invitation of the project for each row (184 ms a page
    // at 80,000 open invitations, 0.05 ms by `invitations_user`).
    format!(
        "SELECT m.user_id, m.email, u.first_name, u.last_name, u.phone, u.status AS account_status, m.status, m.role_id, m.created_at, m.last_sign_in_at, \
                (SELECT MAX(i.expires_at) FROM invitations i WHERE i.user_id = m.user_id AND +i.project_id = m.project_id \
                    AND i.accepted_at IS NULL AND i.revoked_at IS NULL) AS invitation_expires_at, \
                (SELECT {groups} FROM group_members gm JOIN groups g ON g.id = gm.group_id \
                  WHERE gm.user_id = m.user_id AND g.project_id = m.project_id) AS group_names, \
                (SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM membership_counts \
                  WHERE project_id = $1 AND role_id = $3 AND status = 'active') AS active_owners \
         FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.project_id = $1 AND {ids_test}"
    )
}

/// The table rows of `ids` (in that order): one statement whatever the page size, with the
/// ids bound as one value, so its text never changes: each connection prepares and plans it
/// once (ids written into the text made every page a new statement, planned again and
/// crowding the statement cache). Each statement is a round trip to SQLite's connection
/// thread and back, the largest cost of a signed-in page, so the groups and the count of
/// active owners ride along as columns rather than as statements of their own.
async fn rows_for(
    db: &Db,
    project_id: i64,
    ids: &[i64],
    dir: &ProjectDirectory,
) -> Result<Vec<UserRow>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let owner_role = dir
        .roles
        .iter()
        .find(|(_, n)| n == "owner")
        .map(|(id, _)| *id);
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let ids_bind = match db.backend() {
        Backend::Sqlite => format!("[{list}]"),
        Backend::Postgres => format!("{{{list}}}"),
    };
    let sql = rows_sql(db.backend());
    let details = sqlx::query(&sql)
        .bind(project_id)
        .bind(ids_bind)
        .bind(owner_role.unwrap_or(0))
        .fetch_all(db.pool())
        .await?;
    let role_names: HashMap<i64, &str> =
        dir.roles.iter().map(|(id, n)| (*id, n.as_str())).collect();
    let mut by_id: HashMap<i64, UserRow> = HashMap::new();
    let mut active_owners = 0;
    for r in details {
        let id: i64 = r.try_get("user_id")?;
        let status: String = r.try_get("status")?;
        let last: i64 = r.try_get("last_sign_in_at")?;
        let invited = status == "invited";
        let hidden = profile_hidden(&r)?;
        active_owners = r.try_get("active_owners")?;
        let groups = match r.try_get::<Option<String>, _>("group_names")? {
            Some(json) => serde_json::from_str(&json).map_err(|e| {
                tracing::error!(error = %e, "group names of a users-list row");
                AppError::Internal
            })?,
            None => Vec::new(),
        };
        by_id.insert(
            id,
            UserRow {
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
                status: status.parse().unwrap_or(Status::Inactive),
                role: role_names
                    .get(&r.try_get::<i64, _>("role_id")?)
                    .unwrap_or(&"")
                    .to_string(),
                groups,
                created_at: r.try_get("created_at")?,
                last_sign_in_at: (last > 0).then_some(last),
                last_owner: false,
                invitation_expires_at: if invited {
                    r.try_get("invitation_expires_at")?
                } else {
                    None
                },
                phone: if hidden { None } else { r.try_get("phone")? },
                permissions: Vec::new(),
            },
        );
    }
    // Flag the project's only active owner, so the row menu can say why it refuses.
    if owner_role.is_some() && active_owners <= 1 {
        for r in by_id.values_mut() {
            r.last_owner = r.role == "owner" && r.status == Status::Active;
        }
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

mod budget;
mod cost;
mod explain;
mod indexes;
mod pg_sets;
mod plan;
mod search_path;
mod sign_in;
mod sqlite_phrase;
use budget::*;
use cost::*;
pub use explain::explain;
use indexes::*;
use pg_sets::*;
pub use plan::SUBSTRING_FROM;
use plan::*;
use search_path::*;
use sign_in::*;
pub(crate) use sqlite_phrase::TextSample;
use sqlite_phrase::*;

#[cfg(test)]
mod index_tests;
#[cfg(test)]
mod needle_tests;
#[cfg(test)]
mod reference_tests;
#[cfg(test)]
mod tests;

/// Fills each row's effective permissions in the project (its role's and its groups'): two
/// queries for the project's roles and groups, whatever the number of rows. Invited members
/// hold none yet, as everywhere else.
pub async fn fill_permissions(
    db: &Db,
    project_id: i64,
    rows: &mut [UserRow],
) -> Result<(), AppError> {
    if rows.is_empty() {
        return Ok(());
    }
    let roles = sqlx::query_as::<_, (String, String)>(
        "SELECT r.name, rp.permission FROM role_permissions rp JOIN roles r ON r.id = rp.role_id \
          WHERE r.project_id = $1",
    )
    .bind(project_id)
    .fetch_all(db.pool());
    let groups = sqlx::query_as::<_, (String, String)>(
        "SELECT g.name, gp.permission FROM group_permissions gp JOIN groups g ON g.id = gp.group_id \
          WHERE g.project_id = $1",
    )
    .bind(project_id)
    .fetch_all(db.pool());
    let (roles, groups) = tokio::try_join!(roles, groups)?;
    let of = |pairs: Vec<(String, String)>| {
        let mut by: HashMap<String, Vec<String>> = HashMap::new();
        for (owner, p) in pairs {
            by.entry(owner).or_default().push(p);
        }
        by
    };
    let (roles, groups) = (of(roles), of(groups));
    for row in rows.iter_mut() {
        if row.status == Status::Invited {
            continue;
        }
        let mut all: Vec<String> = roles.get(&row.role).cloned().unwrap_or_default();
        for g in &row.groups {
            all.extend(groups.get(g).cloned().unwrap_or_default());
        }
        all.sort();
        all.dedup();
        row.permissions = all;
    }
    Ok(())
}

/// Keeps the users table's columns `user_id` chose.
pub async fn save_columns(db: &Db, user_id: i64, columns: Columns) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET list_columns = $1 WHERE id = $2")
        .bind(columns.keys())
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(())
}
