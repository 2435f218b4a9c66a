//! How the users list reaches a view's rows: the access path (the view's index read in order,
//! or a matching set collected and sorted) chosen per request from the counters and a sample,
//! and the page and count queries that follow from it ([`plan_list`]); `explain.rs` shows them.
use super::*;

/// Up to this many rows (the count's cap), a counted view reads its page and its count in
/// one query.
pub(super) const ONE_READ: u64 = 5_000;

/// One read of a view's rows.
pub(super) struct Arm {
    /// `memberships m`, with the index to read it by when that is chosen here.
    pub(super) from: String,
    /// The rows' test, over `memberships m`.
    pub(super) filter: String,
}

/// The range a short needle's set is drawn from.
#[derive(Debug, Clone, Copy)]
enum PrefixScope {
    Status(Status),
    Role(i64),
}

/// The queries of one users-list view: the page's ids and the total, with their binds.
pub(super) struct ListPlan {
    /// The view's rows: one read, or several disjoint ones merged in the view's order (a
    /// short search sorted by email or name, see `plan_list`).
    pub(super) arms: Vec<Arm>,
    pub(super) backend: Backend,
    pub(super) sort: UserSort,
    pub(super) binds: Vec<Bind>,
    pub(super) count_sql: String,
    pub(super) count_binds: Vec<Bind>,
    /// Whether the total is counted up to a cap (searches, the last-sign-in filter) rather
    /// than read from the counters.
    pub(super) bounded: bool,
    /// The total, when the counters read while planning already gave it (a project's view
    /// without search): `count_sql` then need not run.
    pub(super) known_total: Option<u64>,
    /// A read in order to try before collecting a large set.
    pub(super) budget: Option<Budgeted>,
    /// Whether the rows are collected from the range of a last-sign-in filter.
    pub(super) sign_in_range: bool,
    /// Whether a PostgreSQL trigram set was taken to be large from the planner's estimate.
    pub(super) estimated: bool,
    /// Whether a PostgreSQL trigram set was read to weigh a sign-in range.
    pub(super) set_weighed: bool,
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

    /// The ids of `limit` rows from `offset` in the view's order (or its reverse), in the
    /// first column.
    pub(super) fn select(&self, desc: bool, limit: u64, offset: u64) -> String {
        if let [arm] = &self.arms[..] {
            return format!(
                "SELECT m.user_id FROM {} WHERE {} ORDER BY {} LIMIT {limit} OFFSET {offset}",
                arm.from,
                arm.filter,
                order_by(self.sort, desc)
            );
        }
        // Each arm delivers its rows in the view's order (off an index, or sorted when few),
        // and the union is a merge of them that stops at the limit. A compound's ORDER BY
        // names its columns by position: the user id first, then the sort's other keys.
        let keys = sort_keys(self.sort);
        let columns: Vec<&str> = std::iter::once("m.user_id")
            .chain(keys.iter().copied().filter(|k| *k != "m.user_id"))
            .collect();
        let d = if desc { "DESC" } else { "ASC" };
        let order = keys
            .iter()
            .map(|k| {
                format!(
                    "{} {d}",
                    columns.iter().position(|c| c == k).unwrap_or(0) + 1
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let arms = self
            .arms
            .iter()
            .map(|a| {
                let arm = format!(
                    "SELECT {} FROM {} WHERE {}",
                    columns.join(", "),
                    a.from,
                    a.filter
                );
                // PostgreSQL merges the arms only when each says how many rows it needs in
                // which order; otherwise it collects and sorts them all. (SQLite merges
                // either way, and has no parenthesised arms.)
                match self.backend {
                    Backend::Sqlite => arm,
                    Backend::Postgres => format!(
                        "({arm} ORDER BY {} LIMIT {})",
                        order_by(self.sort, desc),
                        limit + offset
                    ),
                }
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        format!("{arms} ORDER BY {order} LIMIT {limit} OFFSET {offset}")
    }

    /// Counts the view's rows up to `cap`, in no order.
    fn count_up_to(arms: &[Arm], cap: u64) -> String {
        let arms = arms
            .iter()
            .map(|a| format!("SELECT 1 FROM {} WHERE {}", a.from, a.filter))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        format!("SELECT COUNT(*) FROM ({arms} LIMIT {cap}) AS t")
    }

    /// The total when it comes from the counters (read before the page, which it may turn
    /// around); None when the page and a bounded count run together.
    pub(super) async fn exact_total(&self, db: &Db) -> Result<Option<u64>, AppError> {
        if self.bounded {
            return Ok(None);
        }
        if let Some(total) = self.known_total {
            return Ok(Some(total));
        }
        let row = bind_all(sqlx::query(&self.count_sql), &self.count_binds)
            .fetch_one(db.pool())
            .await?;
        Ok(Some(row.try_get::<i64, _>(0)?.max(0) as u64))
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
    // A group's view reads the group's own rows (`group_members m`, see below).
    let Some(view) = view_filter(project_id, q, dir, now, GroupPath::Copy) else {
        return Ok(None);
    };
    let (role_id, group_id) = (view.role_id, view.group_id);
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
    // A group's view without search reads the group's own rows, which carry their list
    // columns (migration 0019), off the index of the view's order: a deep page skips index
    // entries, as for the project, instead of collecting and sorting a large group or probing
    // it for each member of the project.
    let group_from = || match db.backend() {
        Backend::Sqlite => format!(
            "group_members m INDEXED BY {}",
            group_index(q.sort, q.status.is_some(), role_id.is_some())
        ),
        Backend::Postgres => "group_members m".to_string(),
    };
    if group_id.is_some() && needle.is_empty() {
        let arms = vec![Arm {
            from: group_from(),
            filter: view.sql,
        }];
        let (count_sql, count_binds) = if bounded {
            (
                ListPlan::count_up_to(&arms, count_cap(q) + 1),
                view.binds.clone(),
            )
        } else {
            counter
        };
        return Ok(Some(ListPlan {
            arms,
            backend: db.backend(),
            sort: q.sort,
            binds: view.binds,
            count_sql,
            count_binds,
            bounded,
            known_total: None,
            budget: None,
            sign_in_range: false,
            estimated: false,
            set_weighed: false,
        }));
    }
    // The rows the page and its count read: up to the count's cap when counted.
    let wanted = if bounded {
        count_cap(q) + q.size as u64
    } else {
        q.offset() + q.size as u64
    };
    // The project's size and the size of its status and role ranges, from the counters.
    let (all, of_status, of_role, of_both): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN status = $2 THEN n ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN role_id = $3 THEN n ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN status = $2 AND role_id = $3 THEN n ELSE 0 END), 0) AS BIGINT) \
           FROM membership_counts WHERE project_id = $1",
    )
    .bind(project_id)
    .bind(q.status.map(|s| s.as_str()).unwrap_or(""))
    .bind(role_id.unwrap_or(-1))
    .fetch_one(db.pool())
    .await?;
    // How many members the view's status and role hold, from those sums.
    let of_view = match (q.status.is_some(), role_id.is_some()) {
        (false, false) => all,
        (true, false) => of_status,
        (false, true) => of_role,
        (true, true) => of_both,
    }
    .max(0) as u64;
    // Read in order, the rows come off the index of the view's sort, within its status or
    // its role (the smaller) when it has them: a range of `range` rows.
    // Sorted by when they joined (or by status or role, which the filters fix), one index
    // holds the rows of a status and role together.
    let both_index = matches!(
        q.sort,
        UserSort::Created | UserSort::Status | UserSort::Role
    );
    let (by_status, by_role, range) = match (q.status, role_id) {
        (Some(_), Some(_)) if both_index => (true, true, of_both),
        (Some(_), Some(_)) if of_role < of_status => (false, true, of_role),
        (Some(_), _) => (true, false, of_status),
        (None, Some(_)) => (false, true, of_role),
        (None, None) => (false, false, all),
    };
    // A group's view with a search reads the group's copy too: in the view's order off the
    // group's index, through the group's members of the view's status and role (tested from
    // the index, so that is the range), or as a set looked up by the group's primary key.
    let (in_order, range, row_cost) = match group_id {
        Some(_) => {
            let filtered: i64 = bind_all(sqlx::query(&counter.0), &counter.1)
                .fetch_one(db.pool())
                .await?
                .try_get(0)?;
            (group_from(), filtered, SET_ROW_COST)
        }
        // SQLite is told which index: its planner, without fresh statistics for an index
        // (one added since the last ANALYZE), may pick one that matches the project only and
        // sort the whole project. PostgreSQL's planner has its statistics.
        None => {
            let index = scan_index(q.sort, by_status, by_role);
            let from = match db.backend() {
                Backend::Sqlite => format!("memberships m INDEXED BY {index}"),
                Backend::Postgres => "memberships m".to_string(),
            };
            (from, range, set_row_cost(q, index))
        }
    };
    let ViewFilter {
        sql: mut filter,
        mut binds,
        ..
    } = view;
    // A short needle sorted by email (or name) is two disjoint reads merged in that order:
    // the emails that start with it, one range of the email index read in order (within the
    // status or role when the view has one), and the names that start with it whose email
    // does not, from the name index, which carries the email so the test needs no row; those
    // are few (a name and its email usually start alike) and are sorted. The matches cluster
    // in these orders, so a read in order, testing each row, would pass every row before them,
    // and a collected set would sort every match (8% of the project for one letter).
    // A group's view does the same in the group's copy, whose email and name indexes carry
    // each other too (migration 0021).
    let merged = match q.sort {
        UserSort::Email => Some(("email", "name_key", UserSort::Name)),
        UserSort::Name => Some(("name_key", "email", UserSort::Email)),
        _ => None,
    }
    .filter(|_| path.sampled() && !needle.is_empty() && !long);
    if let Some((key, other, other_sort)) = merged {
        let (from, to) = prefix_range(&needle);
        let a = next(&mut binds, Bind::Text(from.clone()));
        let b = next(&mut binds, Bind::Text(to.clone()));
        // The other column's matches: the index's own test first, so SQLite reads a row
        // only for those that pass it. (In a group, the view's filter holds the group.)
        let others = format!(
            "m.project_id = $1 AND m.{other} >= {a} AND m.{other} < {b} AND NOT (m.{key} >= {a} AND m.{key} < {b})"
        );
        let (table, other_index, scope, scope_id) = match group_id {
            Some(g) => (
                "group_members",
                group_index(other_sort, false, false),
                "group_id",
                g,
            ),
            None => (
                "memberships",
                scan_index(other_sort, false, false),
                "project_id",
                project_id,
            ),
        };
        let second = match db.backend() {
            Backend::Sqlite => Arm {
                from: format!("{table} m INDEXED BY {other_index}"),
                filter: format!("{others} AND {filter}"),
            },
            // PostgreSQL cannot test the index's columns before reading the row, and guesses
            // that many rows pass: it would read this arm's whole range, or the whole email
            // index. Its ids are read first (off the index alone) and written into the query.
            Backend::Postgres => {
                let (_, ids) = pg_id_test(
                    db,
                    sqlx::query(&format!(
                        "SELECT m.user_id FROM {table} m WHERE m.{scope} = $1 \
                           AND m.{other} >= $2 AND m.{other} < $3 AND NOT (m.{key} >= $2 AND m.{key} < $3) LIMIT {}",
                        PG_SET_MAX + 1
                    ))
                    .bind(scope_id)
                    .bind(from)
                    .bind(to),
                )
                .await?;
                Arm {
                    from: format!("{table} m"),
                    filter: format!("{} AND {filter}", ids.unwrap_or(others)),
                }
            }
        };
        let arms = vec![
            Arm {
                from: in_order,
                filter: format!("{filter} AND m.{key} >= {a} AND m.{key} < {b}"),
            },
            second,
        ];
        return Ok(Some(ListPlan {
            count_sql: ListPlan::count_up_to(&arms, count_cap(q) + 1),
            count_binds: binds.clone(),
            arms,
            backend: db.backend(),
            sort: q.sort,
            binds,
            bounded,
            known_total: None,
            budget: None,
            sign_in_range: false,
            estimated: false,
            set_weighed: false,
        }));
    }
    // A short needle's set is drawn from the narrower of the view's status and role ranges
    // (their email and name indexes), a trigram set from the whole project: its size, and
    // the test that keeps a prefix range within it.
    let prefix_scope = match (q.status, role_id) {
        (Some(s), Some(_)) if of_status <= of_role => Some((PrefixScope::Status(s), of_status)),
        (_, Some(r)) => Some((PrefixScope::Role(r), of_role)),
        (Some(s), None) => Some((PrefixScope::Status(s), of_status)),
        (None, None) => None,
    };
    let set_from = match prefix_scope {
        Some((_, n)) if !long => n,
        _ => all,
    };
    // Whether the rows are collected from a set (a trigram match, a prefix range) rather
    // than read in the view's order off an index.
    let mut collected = false;
    // The read in order a large set tries first (see `budget`).
    let mut budgeted = None;
    // The share of the rows read in order that pass the view's filters, by the sample.
    let mut pass_rate = 1.0;
    // PostgreSQL: whether a large trigram set (more than the budget's `large_set` ids) is
    // written into the query (see the fence below).
    let mut large_ids = false;
    // The index of the sign-in range the rows are collected from, when they are (below).
    let mut sign_in_range = None;
    // Whether a PostgreSQL trigram set is taken to be large from its estimate (below).
    let mut estimated = false;
    // Whether a PostgreSQL trigram set was read to weigh a sign-in range (`sign_in.rs`).
    let mut set_weighed = false;
    if !needle.is_empty() {
        // A search is a test of each row read in the view's order, or a set of matches
        // collected from an index (the trigram index; for a short needle, the email and name
        // ranges) and then sorted. A needle most rows match ("@example.org") is met soon in
        // order; a rare one, or one whose matches all sit further along the order ("kat" by
        // name), is found faster in the index. The first rows in the view's order tell.
        let (use_set, sampled) = match path {
            SearchPath::Index => (true, None),
            SearchPath::Scan => (false, None),
            _ => {
                let mut sample_binds = binds.clone();
                let test = search_test(db.backend(), "m", &mut sample_binds, &needle);
                // PostgreSQL's trigram set costs more per match than SQLite's: the index
                // gives candidate rows that are re-checked in the table (`ert.m`: 17,996
                // matches, ~200,000 candidates, 100-200 ms), then the ids are written into
                // the query and each is looked up ([`PG_SET_FACTOR`], as for the budget).
                let set_cost = match db.backend() {
                    Backend::Postgres if long => row_cost * path.pg_set_factor(),
                    _ => row_cost,
                };
                let sample = scan_is_cheaper_in_order(
                    db,
                    q,
                    group_id,
                    role_id,
                    &in_order,
                    &filter,
                    &test,
                    &sample_binds,
                    wanted,
                    range.max(0) as u64,
                    set_from.max(0) as u64,
                    set_cost,
                )
                .await?;
                pass_rate = sample.pass_rate;
                (
                    !sample.in_order_cheaper,
                    Some((sample.in_order, sample.set)),
                )
            }
        };
        // The pattern of a PostgreSQL trigram set, and the planner's estimate of its matches
        // once asked (below).
        let pattern = format!("%{}%", escape_like(&needle));
        let mut pg_estimate = None;
        // A PostgreSQL trigram set read whole while weighing the sign-in range.
        let mut set_read = None;
        // A last-sign-in filter may leave few of the view's rows: their own range of a
        // sign-in index may cost less than either path (`sign_in.rs`).
        if let (true, Some((in_order_rows, set_rows))) = (
            q.last_sign_in.is_some() && q.sort != UserSort::LastSignIn && group_id.is_none(),
            sampled,
        ) {
            let weighed = weigh_sign_in_range(
                db,
                path,
                sign_in_index(q.status.is_some(), role_id.is_some(), of_status, of_role),
                (&filter, &binds),
                of_view as f64 * pass_rate,
                row_cost,
                (in_order_rows, set_rows),
                long.then_some((needle.as_str(), pattern.as_str())),
            )
            .await?;
            (sign_in_range, pg_estimate) = (weighed.chosen, weighed.estimate);
            set_weighed = weighed.read.is_some();
            set_read = weighed.read.flatten();
        }
        let use_set = use_set && sign_in_range.is_none();
        collected = use_set;
        // The view's filters without the set, for the read in order; it is kept when the
        // set proves large.
        let mut try_in_order =
            path.budget(db.backend(), row_cost)
                .filter(|_| use_set)
                .map(|budget| {
                    let mut try_binds = binds.clone();
                    let test = search_test(db.backend(), "m", &mut try_binds, &needle);
                    let read = Budgeted {
                        arm: Arm {
                            from: in_order.clone(),
                            filter: range_bounds(q, group_id, role_id),
                        },
                        test: format!("{filter} AND {test}"),
                        binds: try_binds,
                        rows: budget.rows,
                        whole: range.max(0) as u64 <= budget.rows,
                    };
                    (budget, read)
                });
        let large_set = try_in_order.as_ref().map(|(b, _)| b.large_set);
        // Whether the set is large, and the share of the project it holds (at least).
        let mut large = false;
        let mut share = 0.0;
        if !use_set {
            filter += &format!(
                " AND {}",
                search_test(db.backend(), "m", &mut binds, &needle)
            );
        } else if long {
            match db.backend() {
                Backend::Sqlite => {
                    let (phrase, piece) = sqlite_phrase(db, project_id, &needle).await?;
                    // Looked up by a piece of the needle, each candidate is tested against
                    // the whole.
                    if piece {
                        filter += &format!(
                            " AND {}",
                            search_test(db.backend(), "m", &mut binds, &needle)
                        );
                    }
                    // A set that proves small is looked up from the probe's ids.
                    let small = match large_set {
                        Some(limit) => {
                            let ids = ids_up_to(
                                db,
                                "SELECT rowid AS id FROM users_search WHERE users_search MATCH $1",
                                &[Bind::Text(phrase.clone())],
                                limit,
                            )
                            .await?;
                            large = ids.n > limit;
                            share = ids.share_in_id_order(limit);
                            (!large).then_some(ids.list)
                        }
                        None => None,
                    };
                    match small {
                        Some(list) => filter += &format!(" AND {}", json_ids(&mut binds, list)),
                        None => {
                            let p = next(&mut binds, Bind::Text(phrase));
                            filter += &format!(" AND m.user_id IN (SELECT rowid FROM users_search WHERE users_search MATCH {p})");
                        }
                    }
                }
                Backend::Postgres => {
                    // The set is read first and its ids written into the query. As a
                    // subquery, PostgreSQL's planner guesses that 1% of all users match any
                    // pattern, and for a page of 20 it then prefers reading the sort's index
                    // and testing each row's pattern: seconds for a rare needle.
                    // Reading the set only to learn that it is large costs the most where
                    // it tells the least: the trigram index gives every candidate before
                    // the first row is read (`p.test`, 200,538 matches: 470 ms for the first
                    // 20,001). Where a read in order is tried first anyway, a set the
                    // planner estimates far over what could be written into the query is
                    // taken as large unread. (A set read whole while weighing the sign-in
                    // range is known.)
                    let estimate = match (large_set, pg_estimate, &set_read) {
                        (_, _, Some(_)) | (None, _, _) => None,
                        (Some(_), Some(rows), None) => Some(rows),
                        (Some(_), None, None) => {
                            Some(pg_estimated_matches(db, &needle, &pattern).await?)
                        }
                    }
                    .filter(|&rows| rows >= path.surely_large());
                    estimated = estimate.is_some();
                    let (n, ids) = match (estimate, set_read.take()) {
                        (_, Some(read)) => read,
                        (Some(rows), None) => (rows, None),
                        (None, None) => pg_set_ids(db, &needle, &pattern, PG_SET_MAX).await?,
                    };
                    large = large_set.is_some_and(|limit| n > limit);
                    large_ids = large && ids.is_some();
                    // With the probe paid and its ids written into the fenced query, each
                    // costs about two collected rows (`n l`: 15,015 ids, 67-95 ms; 300,000
                    // rows read in order off a covering index, 147 ms): the budget is
                    // no more than that.
                    if let (true, Some((budget, read))) = (large_ids, try_in_order.as_mut()) {
                        budget.rows = budget.rows.min(n * row_cost * PG_ID_COST);
                        read.rows = budget.rows;
                        read.whole = range.max(0) as u64 <= read.rows;
                    }
                    share = n as f64 / all.max(1) as f64;
                    match ids {
                        Some(ids) => filter += &format!(" AND {ids}"),
                        None => {
                            let p = next(&mut binds, Bind::Text(pattern));
                            filter += &format!(
                                " AND m.user_id IN (SELECT id FROM users WHERE {})",
                                pg_search_test(&p, &needle)
                            );
                        }
                    }
                }
            }
        } else {
            // One or two characters say little: as in most consoles, they match the start of
            // the email or of the name, two ranges of indexes the table already sorts by.
            // Within the view's status or role, each range is read off the index of that
            // pair (migration 0016).
            let (within, by_email, by_name) = match prefix_scope.map(|(scope, _)| scope) {
                // An enum's text and an integer: safe to inline.
                Some(PrefixScope::Status(s)) => (
                    format!(" AND p.status = '{}'", s.as_str()),
                    "memberships_status_email",
                    "memberships_status_name",
                ),
                Some(PrefixScope::Role(r)) => (
                    format!(" AND p.role_id = {r}"),
                    "memberships_role_email",
                    "memberships_role_name",
                ),
                None => (String::new(), "memberships_by_email", "memberships_by_name"),
            };
            let index = |name: &str| match db.backend() {
                Backend::Sqlite => format!(" INDEXED BY {name}"),
                Backend::Postgres => String::new(),
            };
            let set = |a: &str, b: &str| {
                format!(
                    "SELECT p.user_id AS id FROM memberships p{} WHERE p.project_id = $1{within} AND p.email >= {a} AND p.email < {b} \
                     UNION SELECT p.user_id FROM memberships p{} WHERE p.project_id = $1{within} AND p.name_key >= {a} AND p.name_key < {b}",
                    index(by_email),
                    index(by_name),
                )
            };
            // Whether the set is large: SQLite reads its ids (and looks a small set up from
            // them); PostgreSQL counts the emails alone.
            let mut small = None;
            if let Some(limit) = large_set {
                let (from, to) = prefix_range(&needle);
                let probe_binds = [Bind::Int(project_id), Bind::Text(from), Bind::Text(to)];
                match db.backend() {
                    Backend::Sqlite => {
                        let ids = ids_up_to(db, &set("$2", "$3"), &probe_binds, limit).await?;
                        large = ids.n > limit;
                        share = ids.n as f64 / all.max(1) as f64;
                        small = (!large).then_some(ids.list);
                    }
                    Backend::Postgres => {
                        large = more_than(
                            db,
                            &format!(
                                "SELECT 1 FROM memberships p WHERE p.project_id = $1{within} AND p.email >= $2 AND p.email < $3"
                            ),
                            &probe_binds,
                            limit,
                        )
                        .await?;
                        share = limit as f64 / all.max(1) as f64;
                    }
                }
            }
            filter += &match small {
                Some(list) => format!(" AND {}", json_ids(&mut binds, list)),
                None => {
                    let (from, to) = prefix_range(&needle);
                    let a = next(&mut binds, Bind::Text(from));
                    let b = next(&mut binds, Bind::Text(to));
                    format!(" AND m.user_id IN ({})", set(&a, &b))
                }
            };
        }
        budgeted = try_in_order
            .filter(|(budget, _)| large && budget.worth_trying(wanted, share, pass_rate))
            .map(|(_, read)| read);
    }
    // A collected set is looked up by the primary key (SQLite is told so, as above: without
    // fresh statistics it may read a whole index instead and probe the set per row).
    // PostgreSQL, given the ids, guesses them spread evenly over the view's order and often
    // reads the sort's index, testing each row: the read in order that a budget has just
    // tried and given up on, when one was tried, and for a large set the slow choice when
    // its matches sit away from the start of that order (`avid`, never signed in, by role,
    // page 7: 16,634 ids, 260 ms read in order, 185 ms collected; `ucas` by status 489 ->
    // 185 ms). Then the set is put behind a fence (`OFFSET 0`: the view's order cannot
    // reach into it). A smaller set is left to its planner, right as often as the sample
    // there (fenced: `a.sim` by role, 3,971 ids, 53 -> 69 ms); a set too large to write
    // into the query too, which a fence would make it collect whole.
    let table = if group_id.is_some() {
        "group_members"
    } else {
        "memberships"
    };
    let arm = match (sign_in_range, collected, db.backend()) {
        (Some(index), _, Backend::Sqlite) => Arm {
            from: format!("memberships m INDEXED BY {index}"),
            filter,
        },
        // The fence keeps the planner off the sort's index (the read in order).
        (Some(_), _, Backend::Postgres) => Arm {
            from: format!("(SELECT * FROM memberships m WHERE {filter} OFFSET 0) m"),
            filter: "TRUE".into(),
        },
        (None, false, _) => Arm {
            from: in_order,
            filter,
        },
        (None, true, Backend::Sqlite) => Arm {
            from: format!("{table} m INDEXED BY sqlite_autoindex_{table}_1"),
            filter,
        },
        (None, true, Backend::Postgres) if budgeted.is_some() || large_ids => Arm {
            from: format!("(SELECT * FROM {table} m WHERE {filter} OFFSET 0) m"),
            filter: "TRUE".into(),
        },
        (None, true, Backend::Postgres) => Arm {
            from: format!("{table} m"),
            filter,
        },
    };
    let arms = vec![arm];
    // Without search or sign-in filter, the view here is a project's status and role: the
    // sums read above are its total.
    let known_total = (!bounded && group_id.is_none()).then_some(of_view);
    let (count_sql, count_binds) = if !bounded {
        counter.clone()
    } else {
        (
            ListPlan::count_up_to(&arms, count_cap(q) + 1),
            binds.clone(),
        )
    };
    Ok(Some(ListPlan {
        arms,
        backend: db.backend(),
        sort: q.sort,
        binds,
        count_sql,
        count_binds,
        bounded,
        known_total,
        budget: budgeted,
        sign_in_range: sign_in_range.is_some(),
        estimated,
        set_weighed,
    }))
}
