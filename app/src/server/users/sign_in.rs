//! The sign-in range: a view with a last-sign-in filter (the one filter no counter knows) read
//! from that filter's own range of a sign-in index, each row tested and the matches sorted.
use super::*;

/// Whether a view with a last-sign-in filter, not sorted by last sign-in and not a group's,
/// reads its filter's range of `index` (returned when it does), and PostgreSQL's estimate of
/// the needle's trigram set when it was asked (for the caller to reuse).
///
/// The view's status or role range read in order may hold ten times the rows that pass the
/// filter (`neide` among active developers who never signed in: 144,134 rows read, 14,266
/// pass, 230 match, 150-200 ms on PostgreSQL); the range, each row looked up, tested and the
/// matches sorted, costs a collected row per row that passes (30-50 ms there), less than
/// either path when they are few. `passing` estimates them (the view's rows at the sample's
/// filter rate); they are counted off the index up to where the range would cost half the
/// cheaper of the sample's two costs ([`SearchPath::sign_in_margin`]) before it is chosen
/// (the count costs 5-10 ms at 20,000: `ert.m` among invited developers, 20,000 rows, took
/// 28 ms as a set and 38 ms counted and read as a range). A sample that met no match says
/// nothing of a set's size (`ngh`, inactive, never signed in, by name: the first thousand
/// names are Adas, the Singhs further on), so on PostgreSQL a trigram set (`pattern`) is
/// weighed at least at its planner's estimate (`search`: the needle and its pattern).
#[allow(clippy::too_many_arguments)]
pub(super) async fn weigh_sign_in_range(
    db: &Db,
    path: SearchPath,
    index: &'static str,
    (filter, binds): (&str, &[Bind]),
    passing: f64,
    row_cost: u64,
    (in_order, mut set): (u64, u64),
    search: Option<(&str, &str)>,
) -> Result<(Option<&'static str>, Option<u64>), AppError> {
    let mut estimate = None;
    if let (Backend::Postgres, Some((needle, pattern)), true) = (db.backend(), search, in_order > 0)
    {
        let rows = pg_estimated_matches(db, needle, pattern).await?;
        estimate = Some(rows);
        set = set.max(rows * row_cost * path.pg_set_factor());
    }
    let cost = in_order.min(set);
    let chosen = match path {
        #[cfg(test)]
        SearchPath::Range => Some(index),
        _ if passing * ((path.sign_in_margin() * row_cost) as f64) < cost as f64 => {
            let from = match db.backend() {
                Backend::Sqlite => format!("memberships m INDEXED BY {index}"),
                Backend::Postgres => "memberships m".to_string(),
            };
            let more = more_than(
                db,
                &format!("SELECT 1 FROM {from} WHERE {filter}"),
                binds,
                cost / (path.sign_in_margin() * row_cost),
            )
            .await?;
            (!more).then_some(index)
        }
        _ => None,
    };
    Ok((chosen, estimate))
}
