//! The read in order that a large set tries first. The plan's sample (the view's first
//! [`SAMPLE`] rows) can miss a needle that a fifth of the project matches, when its matches
//! cluster further along the view's order (`le.com` sorted by last sign-in met its first
//! match 34,475 rows in); the plan then collects and sorts every match (200,000 rows: 150 ms).
//! When a cheap probe finds the set large, the view is first read in order up to a budget of
//! rows, and only when that budget runs out before the page and its count are found is the
//! set collected. The budget is what collecting the probe's matches would cost at least, so
//! a view pays at most about twice its set, and one whose matches sit past the sample pays
//! for the rows before them instead of for all of its matches.
use super::*;

/// A set with more matches than this is large enough to try the read in order first: a
/// probe reads at most this many (1–3 ms through the trigram index for most needles).
pub(super) const LARGE_SET: u64 = 10_000;

/// How many times more a collected match costs PostgreSQL than SQLite, relative to a row
/// read in order (~35 µs an id against ~2 µs).
pub(super) const PG_SET_FACTOR: u64 = 5;

/// How many collected rows a PostgreSQL set's id costs once its probe has run and its ids
/// are written into the query behind the fence (see `plan_list`).
pub(super) const PG_ID_COST: u64 = 2;

/// How large a set must be to try the read in order, and how many rows that read may take.
/// The read is tried only when it is expected to find the page well within its rows, at the
/// set's share of the project and the share of rows that pass the view's filters.
#[derive(Debug, Clone, Copy)]
pub(super) struct Budget {
    pub(super) large_set: u64,
    pub(super) rows: u64,
    /// Whether the read is tried only when expected to succeed ([`Budget::worth_trying`]);
    /// the tests try it always, to see it succeed and run out.
    pub(super) estimated: bool,
}

impl Budget {
    /// Whether a read in order is expected to find `wanted` rows within the budget, when a
    /// `share` of the rows match the search and a `pass_rate` of them pass the filters.
    pub(super) fn worth_trying(&self, wanted: u64, share: f64, pass_rate: f64) -> bool {
        let density = share * pass_rate;
        !self.estimated || (density > 0.0 && wanted as f64 / density <= self.rows as f64 / 2.0)
    }

    /// Production's budget for a view whose rows read in order cost `1 / set_row_cost` of a
    /// collected match: as many rows as [`LARGE_SET`] collected matches cost. On PostgreSQL
    /// a collected match costs more again (its ids are written into the query and each row
    /// of the index read is tested against them: `rid` among end users, 16,790 ids, took
    /// 588 ms), so its budget is [`PG_SET_FACTOR`] times larger.
    pub(super) fn for_cost(backend: Backend, set_row_cost: u64) -> Self {
        let factor = match backend {
            Backend::Sqlite => 1,
            Backend::Postgres => PG_SET_FACTOR,
        };
        Budget {
            large_set: LARGE_SET,
            rows: LARGE_SET * set_row_cost * factor,
            estimated: true,
        }
    }

    /// A budget small enough for the reference test's 1,500 members to meet it and to run
    /// out of it.
    #[cfg(test)]
    pub(super) const TIGHT: Budget = Budget {
        large_set: 5,
        rows: 1_000,
        estimated: false,
    };
}

/// A view's read in order, limited to a budget of rows.
pub(super) struct Budgeted {
    /// The view's index read in order ([`range_bounds`]: `from` and the range it walks).
    pub(super) arm: Arm,
    /// The view's filters and the search's test, applied to the rows within the budget.
    pub(super) test: String,
    pub(super) binds: Vec<Bind>,
    pub(super) rows: u64,
    /// Whether the budget covers every row the view's index holds for it: then whatever the
    /// read finds is all there is.
    pub(super) whole: bool,
}

impl Budgeted {
    /// The first `head` matching ids in the view's order among its first `self.rows` rows.
    pub(super) fn select(&self, sort: UserSort, desc: bool, head: u64) -> String {
        let keys = sort_keys(sort);
        // What the view's filters and the search test, and the sort's keys.
        let filtered = [
            "m.user_id",
            "m.email",
            "m.name_key",
            "m.project_id",
            "m.status",
            "m.role_id",
            "m.last_sign_in_at",
        ];
        let group = self
            .arm
            .filter
            .starts_with("m.group_id")
            .then_some("m.group_id");
        let columns: Vec<&str> = filtered
            .into_iter()
            .chain(group)
            .chain(keys.iter().copied())
            .fold(Vec::new(), |mut v, c| {
                if !v.contains(&c) {
                    v.push(c);
                }
                v
            });
        let order = order_by(sort, desc);
        // A subquery with a limit is neither flattened nor given the outer test by either
        // database, so the budget counts the index entries read, not the rows that pass.
        format!(
            "SELECT m.user_id FROM (SELECT {} FROM {} WHERE {} ORDER BY {order} LIMIT {}) AS m \
              WHERE {} ORDER BY {order} LIMIT {head}",
            columns.join(", "),
            self.arm.from,
            self.arm.filter,
            self.rows,
            self.test,
        )
    }

    /// The first `head` matching ids in the view's order, when the budget holds them (or
    /// holds the whole view); None when it ran out first and the set must be collected.
    pub(super) async fn read(
        &self,
        db: &Db,
        sort: UserSort,
        desc: bool,
        head: u64,
    ) -> Result<Option<Vec<i64>>, AppError> {
        let ids: Vec<i64> = bind_all(sqlx::query(&self.select(sort, desc, head)), &self.binds)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        Ok((ids.len() as u64 >= head || self.whole).then_some(ids))
    }
}

/// A set's first ids, read by [`ids_up_to`].
pub(super) struct SetIds {
    /// How many were read (at most the limit + 1).
    pub(super) n: u64,
    /// The ids as a JSON array, for [`json_ids`].
    pub(super) list: String,
    /// The largest id read, and the largest id of all users.
    pub(super) max: i64,
    pub(super) users: i64,
}

impl SetIds {
    /// The share of all users in the set, for a set read in id order (the trigram index's):
    /// exact when it was read whole, else the share among the ids up to the last one read.
    pub(super) fn share_in_id_order(&self, limit: u64) -> f64 {
        let span = if self.n > limit { self.max } else { self.users };
        self.n as f64 / span.max(1) as f64
    }
}

/// SQLite: a set's ids (its query `sql` names them `id`), read up to `limit` + 1 as one
/// list, and how many. A set that proves small is then looked up from this list, not
/// searched for again.
pub(super) async fn ids_up_to(
    db: &Db,
    sql: &str,
    binds: &[Bind],
    limit: u64,
) -> Result<SetIds, AppError> {
    let sql = format!(
        "SELECT COUNT(*), '[' || COALESCE(group_concat(id), '') || ']', COALESCE(MAX(id), 0), \
                (SELECT COALESCE(MAX(id), 0) FROM users) FROM ({sql} LIMIT {}) AS t",
        limit + 1
    );
    let row = bind_all(sqlx::query(&sql), binds)
        .fetch_one(db.pool())
        .await?;
    Ok(SetIds {
        n: row.try_get::<i64, _>(0)?.max(0) as u64,
        list: row.try_get(1)?,
        max: row.try_get(2)?,
        users: row.try_get(3)?,
    })
}

/// SQLite: the test of `m.user_id` against a list of ids from [`ids_up_to`], bound as one
/// value (a long list written into the query would be parsed each time).
pub(super) fn json_ids(binds: &mut Vec<Bind>, list: String) -> String {
    let p = next(binds, Bind::Text(list));
    format!("m.user_id IN (SELECT value FROM json_each({p}))")
}

/// Whether more than `limit` rows answer `sql` (a set's matches, read up to `limit` + 1).
pub(super) async fn more_than(
    db: &Db,
    sql: &str,
    binds: &[Bind],
    limit: u64,
) -> Result<bool, AppError> {
    let sql = format!("SELECT COUNT(*) FROM ({sql} LIMIT {}) AS t", limit + 1);
    let n: i64 = bind_all(sqlx::query(&sql), binds)
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    Ok(n as u64 > limit)
}

#[cfg(test)]
mod budget_tests {
    use super::*;

    #[test]
    fn the_read_in_order_is_tried_only_where_it_should_find_the_page() {
        let covered = Budget::for_cost(Backend::Sqlite, COVERED_SET_ROW_COST);
        // A fifth of the project matches, every row passes: ~1,100 rows for 221 matches.
        assert!(covered.worth_trying(221, 0.2, 1.0));
        // One member in a hundred matches and one in ten passes the filters (never signed
        // in): ~22,000 rows, more than half the budget.
        assert!(!covered.worth_trying(221, 0.01, 0.1));
        // Deeper pages want more rows.
        assert!(covered.worth_trying(1_201, 0.05, 1.0));
        assert!(!covered.worth_trying(5_001, 0.05, 1.0));
        // Nothing passed in the sample: no estimate, no try.
        assert!(!covered.worth_trying(221, 0.2, 0.0));
        // A row read in order that needs a lookup gets fewer rows.
        assert!(!Budget::for_cost(Backend::Sqlite, SET_ROW_COST).worth_trying(1_201, 0.05, 1.0));
        // PostgreSQL tries further: 400 rows of a set of 1.7% (16,790 ids) of which 80% pass
        // a sign-in filter are ~30,000 rows read in order with a lookup each.
        let pg = Budget::for_cost(Backend::Postgres, SET_ROW_COST);
        assert!(pg.worth_trying(400, 0.0168, 0.8));
        assert!(!Budget::for_cost(Backend::Sqlite, SET_ROW_COST).worth_trying(400, 0.0168, 0.8));
    }
}
