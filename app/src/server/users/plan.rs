//! How the users list reaches a view's rows: the access path (the view's index read in order,
//! or a matching set collected and sorted) chosen per request from the counters and a sample,
//! and the page and count queries that follow from it ([`plan_list`]); [`explain`] shows them.
use super::*;

/// Rows of the view's order sampled to estimate how often a needle matches there.
pub(super) const SAMPLE: i64 = 1_000;
/// How much more a row costs when collected from a set (looked up, then sorted) than when
/// read in order and tested.
pub(super) const SET_ROW_COST: u64 = 2;

/// Whether reading `wanted` matches off the view's index in order, testing each row, is
/// expected to cost less than collecting every match of the `project`'s rows and sorting
/// them, judging by `hits` of `sampled` rows: wanted / density rows read in order, against
/// density × project rows collected.
pub(super) fn scan_is_cheaper(sampled: u64, hits: u64, wanted: u64, project: u64) -> bool {
    hits > 0
        && wanted.saturating_mul(sampled) / hits
            <= SET_ROW_COST.saturating_mul(hits).saturating_mul(project) / sampled.max(1)
}

/// Whether reading the view in order, testing each row, is expected to reach `wanted`
/// matches within [`SCAN_BUDGET`] rows, judging by the first [`SAMPLE`] rows of the view's
/// order (its status or role range, read off `from`) and how many of them pass `filter` and
/// `test`. Sampling in the view's order, not the project's, sees matches that cluster
/// (a name's start, sorted by name) where the scan will meet them.
#[allow(clippy::too_many_arguments)]
pub(super) async fn scan_is_cheaper_in_order(
    db: &Db,
    q: &UserQuery,
    role_id: Option<i64>,
    from: &str,
    filter: &str,
    test: &str,
    binds: &[Bind],
    wanted: u64,
    project: u64,
) -> Result<bool, AppError> {
    // The range's values are an enum's text and integers: safe to inline, and the binds stay
    // those of the filter and test.
    let mut range = String::from("m.project_id = $1");
    if let Some(s) = q.status {
        range += &format!(" AND m.status = '{}'", s.as_str());
    }
    if let Some(r) = role_id {
        range += &format!(" AND m.role_id = {r}");
    }
    let order = order_by(q.sort, q.desc);
    let sql = format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN {filter} AND {test} THEN 1 ELSE 0 END), 0) AS BIGINT) \
           FROM (SELECT m.* FROM {from} WHERE {range} ORDER BY {order} LIMIT {SAMPLE}) AS m"
    );
    let (sampled, hits): (i64, i64) = bind_all(sqlx::query(&sql), binds)
        .fetch_one(db.pool())
        .await
        .and_then(|r| Ok((r.try_get(0)?, r.try_get(1)?)))?;
    // The whole view fits in the sample: reading it is cheap whatever it holds.
    Ok(sampled < SAMPLE || scan_is_cheaper(sampled as u64, hits as u64, wanted, project))
}

/// The most trigram matches PostgreSQL's list takes as literal ids (see `plan_list`).
pub(super) const PG_SET_MAX: u64 = 20_000;

/// Up to this many rows (the count's cap), a counted view reads its page and its count in
/// one query.
pub(super) const ONE_READ: u64 = 5_000;

/// How a search finds its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SearchPath {
    /// Sample the project and pick the cheaper of the two.
    Auto,
    /// The trigram index (FTS5 / pg_trgm), or for a short needle the rows collected from
    /// the email and name ranges.
    #[cfg_attr(not(test), allow(dead_code))]
    Index,
    /// The view's index read in order, each row tested.
    #[cfg_attr(not(test), allow(dead_code))]
    Scan,
}

/// The queries of one users-list view: the page's ids and the total, with their binds.
pub(super) struct ListPlan {
    /// `memberships m`, with the index to read it by when that is chosen here.
    pub(super) from: String,
    /// The rows' test, over `memberships m`.
    pub(super) filter: String,
    pub(super) sort: UserSort,
    pub(super) binds: Vec<Bind>,
    pub(super) count_sql: String,
    pub(super) count_binds: Vec<Bind>,
    /// Whether the total is counted up to a cap (searches, the last-sign-in filter) rather
    /// than read from the counters.
    pub(super) bounded: bool,
}

impl ListPlan {
    /// The query of the page's ids, and whether it reads the view backwards. With an exact
    /// total, a page in the second half is read from the other end (its rows reversed after),
    /// so the last page skips no rows, and no page skips more than half the view.
    pub(super) fn page_query(&self, q: &UserQuery, total: Option<u64>) -> (String, bool) {
        let (offset, size) = (q.offset(), q.size as u64);
        let (desc, limit, offset, reversed) = match total {
            Some(total) if offset < total && offset > total / 2 => {
                let end = (offset + size).min(total);
                (!q.desc, end - offset, total - end, true)
            }
            _ => (q.desc, size, offset, false),
        };
        (self.select(desc, limit, offset), reversed)
    }

    /// The ids of `limit` rows from `offset` in the view's order (or its reverse).
    pub(super) fn select(&self, desc: bool, limit: u64, offset: u64) -> String {
        format!(
            "SELECT m.user_id FROM {} WHERE {} ORDER BY {} LIMIT {limit} OFFSET {offset}",
            self.from,
            self.filter,
            order_by(self.sort, desc)
        )
    }

    /// The total when it comes from the counters (read before the page, which it may turn
    /// around); None when the page and a bounded count run together.
    pub(super) async fn exact_total(&self, db: &Db) -> Result<Option<u64>, AppError> {
        if self.bounded {
            return Ok(None);
        }
        let row = bind_all(sqlx::query(&self.count_sql), &self.count_binds)
            .fetch_one(db.pool())
            .await?;
        Ok(Some(row.try_get::<i64, _>(0)?.max(0) as u64))
    }
}

/// The index (migrations 0001 and 0016) that reads a project's members in `sort`'s order,
/// within one status or one role when the view filters by it.
pub(super) fn scan_index(sort: UserSort, by_status: bool, by_role: bool) -> &'static str {
    match (sort, by_status, by_role) {
        (UserSort::Email, true, _) => "memberships_status_email",
        (UserSort::Email, _, true) => "memberships_role_email",
        (UserSort::Email, ..) => "memberships_by_email",
        (UserSort::Name, true, _) => "memberships_status_name",
        (UserSort::Name, _, true) => "memberships_role_name",
        (UserSort::Name, ..) => "memberships_by_name",
        (UserSort::LastSignIn, true, _) => "memberships_status_sign_in",
        (UserSort::LastSignIn, _, true) => "memberships_role_sign_in",
        (UserSort::LastSignIn, ..) => "memberships_by_last_sign_in",
        (UserSort::Created, true, _) => "memberships_by_status",
        (UserSort::Created, _, true) => "memberships_by_role",
        (UserSort::Created, ..) => "memberships_by_created",
        (UserSort::Role, true, _) => "memberships_status_role",
        (UserSort::Role, ..) => "memberships_by_role",
        (UserSort::Status, _, true) => "memberships_role_status",
        (UserSort::Status, ..) => "memberships_by_status",
    }
}

/// A needle shorter than this matches the start of an email or name (through the indexes
/// those columns are sorted by); from this length on, any substring (the trigram index).
pub const SUBSTRING_FROM: usize = 3;
/// `[from, to)`: the strings that start with `prefix`, as an index range. U+10FFFF is the
/// largest character, and both databases compare text bytewise (SQLite's BINARY collation,
/// PostgreSQL databases created with a C collation).
pub(super) fn prefix_range(prefix: &str) -> (String, String) {
    (prefix.to_string(), format!("{prefix}\u{10FFFF}"))
}

pub(super) async fn plan_list(
    db: &Db,
    project_id: i64,
    q: &UserQuery,
    dir: &ProjectDirectory,
    path: SearchPath,
) -> Result<Option<ListPlan>, AppError> {
    let now = crate::server::util::now_ms();
    let Some(probe) = view_filter(project_id, q, dir, now, GroupPath::Probe) else {
        return Ok(None);
    };
    let (role_id, group_id) = (probe.role_id, probe.group_id);
    let needle = q.q.trim().to_lowercase();
    let long = needle.chars().count() >= SUBSTRING_FROM;
    // No counter knows when people last signed in: that filter is counted like a search.
    let bounded = !needle.is_empty() || q.last_sign_in.is_some();
    // How many members the filters (without search) let through: a sum over a few counter rows,
    // per project (migration 0003) or per group (0004).
    let counter = {
        let (table, mut cb, mut cf) = match group_id {
            Some(g) => (
                "group_counts",
                vec![Bind::Int(g)],
                String::from("group_id = $1"),
            ),
            None => (
                "membership_counts",
                vec![Bind::Int(project_id)],
                String::from("project_id = $1"),
            ),
        };
        if let Some(s) = q.status {
            let p = next(&mut cb, Bind::Text(s.as_str().into()));
            cf += &format!(" AND status = {p}");
        }
        if let Some(r) = role_id {
            let p = next(&mut cb, Bind::Int(r));
            cf += &format!(" AND role_id = {p}");
        }
        (
            format!("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM {table} WHERE {cf}"),
            cb,
        )
    };
    // The rows the page and its count read: up to the count's cap when counted.
    let wanted = if bounded {
        count_cap(q) + q.size as u64
    } else {
        q.offset() + q.size as u64
    };
    // The project's size and the size of its status and role ranges, from the counters.
    let (all, of_status, of_role): (i64, i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN status = $2 THEN n ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN role_id = $3 THEN n ELSE 0 END), 0) AS BIGINT) \
           FROM membership_counts WHERE project_id = $1",
    )
    .bind(project_id)
    .bind(q.status.map(|s| s.as_str()).unwrap_or(""))
    .bind(role_id.unwrap_or(-1))
    .fetch_one(db.pool())
    .await?;
    // Read in order, the rows come off the index of the view's sort, within its status or
    // its role (the smaller) when it has them: a range of `range` rows.
    let (by_status, by_role, range) = match (q.status, role_id) {
        (Some(_), Some(_)) if of_role < of_status => (false, true, of_role),
        (Some(_), _) => (true, false, of_status),
        (None, Some(_)) => (false, true, of_role),
        (None, None) => (false, false, all),
    };
    // SQLite is told which index: its planner, without fresh statistics for an index (one
    // added since the last ANALYZE), may pick one that matches the project only and sort
    // the whole project. PostgreSQL's planner has its statistics.
    let in_order = match db.backend() {
        Backend::Sqlite => format!(
            "memberships m INDEXED BY {}",
            scan_index(q.sort, by_status, by_role)
        ),
        Backend::Postgres => "memberships m".to_string(),
    };
    // A group filter either probes the group for each row read in order, or collects the
    // group and sorts it: whichever reads fewer rows. In order, the page's rows come at the
    // rate the group (and the other filters) let through the range, so about
    // wanted × range / filtered rows are read, never more than the range.
    let group_path = match (group_id, path) {
        (Some(g), SearchPath::Auto) => {
            let (group_size, filtered) = tokio::try_join!(
                async {
                    Ok::<i64, AppError>(
                        sqlx::query_scalar(
                            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM group_counts WHERE group_id = $1",
                        )
                        .bind(g)
                        .fetch_one(db.pool())
                        .await?,
                    )
                },
                async {
                    Ok::<i64, AppError>(
                        bind_all(sqlx::query(&counter.0), &counter.1)
                            .fetch_one(db.pool())
                            .await?
                            .try_get(0)?,
                    )
                },
            )?;
            // An exact total turns a page past the middle around (`page_query`): it reads
            // from the nearer end.
            let wanted = if bounded {
                wanted
            } else {
                let offset = q
                    .offset()
                    .min((filtered.max(0) as u64).saturating_sub(q.offset()));
                offset + q.size as u64
            };
            let read_in_order =
                (wanted as f64 * range.max(1) as f64 / filtered.max(1) as f64).min(range as f64);
            if (group_size as f64) < read_in_order {
                GroupPath::Collect
            } else {
                GroupPath::Probe
            }
        }
        _ => GroupPath::Probe,
    };
    let ViewFilter {
        sql: mut filter,
        mut binds,
        ..
    } = match (group_path, db.backend(), group_id) {
        (GroupPath::Probe, ..) => probe,
        // As for the trigram set below: PostgreSQL's planner would turn the group's subquery
        // back into a probe per row read in order, so the members' ids go into the query.
        (GroupPath::Collect, Backend::Postgres, Some(g)) => {
            let ids: Vec<i64> = sqlx::query_scalar(&format!(
                "SELECT user_id FROM group_members WHERE group_id = $1 LIMIT {}",
                PG_SET_MAX + 1
            ))
            .bind(g)
            .fetch_all(db.pool())
            .await?;
            if ids.len() as u64 <= PG_SET_MAX {
                let mut f = view_filter(project_id, q, dir, now, GroupPath::Collect)
                    .expect("the same view matched above");
                // The group's test stays (it is true for these ids); the list leads the plan.
                if ids.is_empty() {
                    f.sql += " AND 1 = 0";
                } else {
                    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
                    f.sql += &format!(" AND m.user_id IN ({list})");
                }
                f
            } else {
                view_filter(project_id, q, dir, now, GroupPath::Collect)
                    .expect("the same view matched above")
            }
        }
        (GroupPath::Collect, ..) => view_filter(project_id, q, dir, now, GroupPath::Collect)
            .expect("the same view matched above"),
    };
    // Whether the rows are collected from a set (a trigram match, a prefix range, a small
    // group) rather than read in the view's order off an index.
    let mut collected = group_path == GroupPath::Collect;
    if !needle.is_empty() {
        // A search is a test of each row read in the view's order, or a set of matches
        // collected from an index (the trigram index; for a short needle, the email and name
        // ranges) and then sorted. A needle most rows match ("@example.org") is met soon in
        // order; a rare one, or one whose matches all sit further along the order ("kat" by
        // name), is found faster in the index. The first rows in the view's order tell.
        // Within a collected group the needle is a test of the group's rows.
        let use_set = match path {
            SearchPath::Index => true,
            SearchPath::Scan => false,
            SearchPath::Auto if collected => false,
            SearchPath::Auto => {
                let mut sample_binds = binds.clone();
                let test = search_test(db.backend(), "m", &mut sample_binds, &needle);
                !scan_is_cheaper_in_order(
                    db,
                    q,
                    role_id,
                    &in_order,
                    &filter,
                    &test,
                    &sample_binds,
                    wanted,
                    all.max(0) as u64,
                )
                .await?
            }
        };
        collected |= use_set;
        if !use_set {
            filter += &format!(
                " AND {}",
                search_test(db.backend(), "m", &mut binds, &needle)
            );
        } else if long {
            match db.backend() {
                Backend::Sqlite => {
                    let p = next(
                        &mut binds,
                        Bind::Text(format!("\"{}\"", needle.replace('"', "\"\""))),
                    );
                    filter += &format!(" AND m.user_id IN (SELECT rowid FROM users_search WHERE users_search MATCH {p})");
                }
                Backend::Postgres => {
                    // The set is read first and its ids written into the query. As a
                    // subquery, PostgreSQL's planner guesses that 1% of all users match any
                    // pattern, and for a page of 20 it then prefers reading the sort's index
                    // and testing each row's pattern: seconds for a rare needle.
                    let pattern = format!("%{}%", escape_like(&needle));
                    let ids: Vec<i64> = sqlx::query_scalar(&format!(
                        "SELECT id FROM users WHERE (email || ' ' || first_name || ' ' || last_name) ILIKE $1 LIMIT {}",
                        PG_SET_MAX + 1
                    ))
                    .bind(&pattern)
                    .fetch_all(db.pool())
                    .await?;
                    if ids.is_empty() {
                        filter += " AND 1 = 0";
                    } else if ids.len() as u64 <= PG_SET_MAX {
                        // Integers from the database: safe to inline.
                        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
                        filter += &format!(" AND m.user_id IN ({list})");
                    } else {
                        let p = next(&mut binds, Bind::Text(pattern));
                        filter += &format!(
                            " AND m.user_id IN (SELECT id FROM users WHERE (email || ' ' || first_name || ' ' || last_name) ILIKE {p})"
                        );
                    }
                }
            }
        } else {
            // One or two characters say little: as in most consoles, they match the start of
            // the email or of the name, two ranges of indexes the table already sorts by.
            let (from, to) = prefix_range(&needle);
            let a = next(&mut binds, Bind::Text(from));
            let b = next(&mut binds, Bind::Text(to));
            filter += &format!(
                " AND m.user_id IN (SELECT p.user_id FROM memberships p WHERE p.project_id = $1 AND p.email >= {a} AND p.email < {b} \
                   UNION SELECT p.user_id FROM memberships p WHERE p.project_id = $1 AND p.name_key >= {a} AND p.name_key < {b})"
            );
        }
    }
    // A collected set is looked up by the primary key (SQLite is told so, as above: without
    // fresh statistics it may read a whole index instead and probe the set per row).
    let from = match (collected, db.backend()) {
        (false, _) => in_order,
        (true, Backend::Sqlite) => {
            "memberships m INDEXED BY sqlite_autoindex_memberships_1".to_string()
        }
        (true, Backend::Postgres) => "memberships m".to_string(),
    };
    let (count_sql, count_binds) = if !bounded {
        counter.clone()
    } else {
        (
            format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM {from} WHERE {filter} LIMIT {}) AS t",
                count_cap(q) + 1
            ),
            binds.clone(),
        )
    };
    Ok(Some(ListPlan {
        from,
        filter,
        sort: q.sort,
        binds,
        count_sql,
        count_binds,
        bounded,
    }))
}

/// The database's plan for the page and count queries of a view (`EXPLAIN QUERY PLAN` on
/// SQLite, `EXPLAIN` on PostgreSQL), one line per step: what the benchmarks print for their
/// slowest views.
pub async fn explain(db: &Db, project_id: i64, q: &UserQuery) -> Result<Vec<String>, AppError> {
    let q = &q.bounded();
    let dir = directory(db, project_id).await?;
    let Some(plan) = plan_list(db, project_id, q, &dir, SearchPath::Auto).await? else {
        return Ok(vec![
            "(a role or group the project does not have: no query)".into(),
        ]);
    };
    let mut lines = Vec::new();
    // The queries `list_with` runs for this view.
    let head = count_cap(q) + 1;
    let queries = if plan.bounded && head <= ONE_READ {
        vec![("page and count", plan.select(q.desc, head, 0), &plan.binds)]
    } else {
        let (keys_sql, _) = plan.page_query(q, plan.exact_total(db).await?);
        vec![
            ("page", keys_sql, &plan.binds),
            ("count", plan.count_sql.clone(), &plan.count_binds),
        ]
    };
    for (what, sql, binds) in queries {
        lines.push(format!("{what}: {sql}"));
        match db.backend() {
            Backend::Sqlite => {
                let sql = format!("EXPLAIN QUERY PLAN {sql}");
                for r in bind_all(sqlx::query(&sql), binds)
                    .fetch_all(db.pool())
                    .await?
                {
                    let parent: i64 = r.try_get(1)?;
                    let detail: String = r.try_get(3)?;
                    lines.push(format!("  {parent:>3} {detail}"));
                }
            }
            Backend::Postgres => {
                let sql = format!("EXPLAIN {sql}");
                for r in bind_all(sqlx::query(&sql), binds)
                    .fetch_all(db.pool())
                    .await?
                {
                    let line: String = r.try_get(0)?;
                    lines.push(format!("  {line}"));
                }
            }
        }
    }
    Ok(lines)
}
