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

/// PostgreSQL: the text a search reads (the expression of the trigram index `users_search`).
const USER_TEXT: &str = "(email || ' ' || first_name || ' ' || last_name)";

/// The separators people type, which pg_trgm splits words at.
const SEPARATORS: &[char] = &[' ', '.', '@', '-', '_', '+', '\''];

/// PostgreSQL: the same text as the second trigram index (`users_search_across`, migration
/// 0022) sees it, with [`SEPARATORS`] turned into one letter (`q`, rare in names and
/// addresses; a digit met the digits of addresses) so that its
/// trigrams span them. Applied to the text, or to a pattern (an escaped separator stays
/// escaped).
fn across_words(text: &str) -> String {
    format!("translate({text}, ' .@-_+''', 'qqqqqqq')")
}

/// Whether a needle's set is read through the index across words: where it is short pieces
/// between separators (none over three characters) and one of them a single character. The
/// word-by-word index finds no trigram in a piece of one character, so it looks such a
/// needle up by its other pieces alone (`k.mix` by `mix`, which every seeded address has: a
/// million candidates read and tested to find 33,000; `n l` by the start of a word, `l`).
/// Pieces of two or three characters on both sides of a separator (`ma ro`) have trigrams
/// padded at the word's edge, and longer ones (a whole address) enough of their own: there
/// the index across words costs more (more trigrams to intersect, a `translate` per
/// candidate) and finds no fewer (same-day trials, medians of seven: see the README).
fn reads_across(needle: &str) -> bool {
    let mut pieces = needle.split(SEPARATORS).map(|piece| piece.chars().count());
    needle.contains(SEPARATORS) && pieces.clone().all(|n| n <= 3) && pieces.any(|n| n == 1)
}

/// PostgreSQL: the test that one of the two trigram indexes finds the candidates of, for
/// `needle` bound as `p` as an `ILIKE` pattern (see [`reads_across`]).
fn index_test(p: &str, needle: &str) -> String {
    if reads_across(needle) {
        format!("{} ILIKE {}", across_words(USER_TEXT), across_words(p))
    } else {
        format!("{USER_TEXT} ILIKE {p}")
    }
}

/// PostgreSQL: whether a user (a row of `users`) matches `needle`, bound as `p` as an `ILIKE`
/// pattern: the index's test, and across words the text itself too (the first is true
/// wherever the second is, as the mapping keeps every substring a substring).
pub(super) fn pg_search_test(p: &str, needle: &str) -> String {
    let test = index_test(p, needle);
    if reads_across(needle) {
        format!("{test} AND {USER_TEXT} ILIKE {p}")
    } else {
        test
    }
}

/// PostgreSQL: a trigram set's ids, `$1` the needle as an `ILIKE` pattern.
pub(super) fn pg_search(needle: &str) -> String {
    format!(
        "SELECT id FROM users WHERE {}",
        pg_search_test("$1", needle)
    )
}

/// PostgreSQL: a trigram set's ids read up to `limit` + 1 (`pattern`: the needle as an `ILIKE`
/// pattern), as [`pg_id_test`] gives them.
pub(super) async fn pg_set_ids(
    db: &Db,
    needle: &str,
    pattern: &str,
    limit: u64,
) -> Result<(u64, Option<String>), AppError> {
    let sql = format!("{} LIMIT {}", pg_search(needle), limit + 1);
    pg_id_test(db, sqlx::query(&sql).bind(pattern.to_string())).await
}

/// PostgreSQL: the planner's estimate of a trigram set's size, from the statistics of the
/// expression of the index the needle's set is read through. (Of the two tests of
/// [`pg_search_test`] across words it would take the second as independent of the first,
/// and guess far too few.)
pub(super) async fn pg_estimated_matches(
    db: &Db,
    needle: &str,
    pattern: &str,
) -> Result<u64, AppError> {
    let sql = format!("SELECT id FROM users WHERE {}", index_test("$1", needle));
    pg_estimated_rows(db, &sql, pattern).await
}

/// PostgreSQL: the planner's estimate of how many rows `sql` (with `$1` bound to `pattern`)
/// returns, from the first line of its `EXPLAIN` (planning only: about a millisecond).
async fn pg_estimated_rows(db: &Db, sql: &str, pattern: &str) -> Result<u64, AppError> {
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
