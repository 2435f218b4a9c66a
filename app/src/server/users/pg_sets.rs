//! PostgreSQL's trigram sets: a needle's matching ids read through the trigram index and
//! written into the view's query, or judged large from the planner's estimate unread (see
//! `plan_list`).
use super::*;

/// The most trigram matches PostgreSQL's list takes as literal ids (see `plan_list`).
pub(super) const PG_SET_MAX: u64 = 20_000;

/// PostgreSQL: how many ids a set's `query` returns (it reads at most [`PG_SET_MAX`] + 1),
/// and those ids as a test of `m.user_id` to write into the view's query; None when there
/// are more. Its planner misjudges such sets as subqueries (see `plan_list`).
pub(super) async fn pg_id_test(
    db: &Db,
    query: AnyQuery<'_>,
) -> Result<(u64, Option<String>), AppError> {
    let ids: Vec<i64> = query
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let n = ids.len() as u64;
    Ok((
        n,
        match n {
            0 => Some("1 = 0".into()),
            // Integers from the database: safe to inline. One array constant, not a list of
            // constants: at 16,634 ids the planner took 36–50 ms over `IN (…)` and 9.5 ms
            // over the array, for the same plan.
            n if n <= PG_SET_MAX => Some(format!(
                "m.user_id = ANY('{{{}}}'::bigint[])",
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            )),
            _ => None,
        },
    ))
}

/// PostgreSQL: a trigram set's ids, `$1` the needle as a `LIKE` pattern.
pub(super) const PG_SEARCH: &str =
    "SELECT id FROM users WHERE (email || ' ' || first_name || ' ' || last_name) ILIKE $1";

/// PostgreSQL: the planner's estimate of how many rows `sql` (with `$1` bound to `pattern`)
/// returns, from the first line of its `EXPLAIN` (planning only: about a millisecond).
pub(super) async fn pg_estimated_rows(db: &Db, sql: &str, pattern: &str) -> Result<u64, AppError> {
    let line: String = sqlx::query(&format!("EXPLAIN {sql}"))
        .bind(pattern)
        .fetch_one(db.pool())
        .await?
        .try_get(0)?;
    Ok(line
        .split(" rows=")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|r| r.parse().ok())
        .unwrap_or(0))
}

/// From this many estimated matches, PostgreSQL's trigram set is taken to be large without
/// reading it (see `plan_list`). Its estimates were within 3 times of the real count for the
/// needles tried, except some too low (`ert.m`: 100 for 17,996); above this, always over
/// [`PG_SET_MAX`] (`p.test`: 191,919 for 200,538).
pub(super) const PG_SURELY_LARGE: u64 = 100_000;
