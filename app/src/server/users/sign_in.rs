//! The sign-in range: a view with a last-sign-in filter (the one filter no counter knows) read
//! from that filter's own range of a sign-in index, each row tested and the matches sorted.
use super::*;

/// Whether a view with a last-sign-in filter, not sorted by last sign-in and not a group's,
/// reads its filter's range of `index` ([`SignInWeighing`]).
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
/// weighed at least at its planner's estimate (`search`: the needle and its pattern), and
/// where that leaves the set cheaper than the range, its ids are read up to where it would
/// not be: the estimate of a short needle can be the pattern's floor (`ngh`: 16,848 matches
/// estimated at 100 after one `ANALYZE`, at 30,303 after another). A set that proves small
/// is then the set itself, not read again (`y.allen`: 574 ids, 48 ms, each time). (Counting
/// the range first, off its index alone, cost more: up to a quarter of a million rows who
/// never signed in, 40-100 ms, where the set had 1 to 600 ids.) A larger set is read again
/// only where the range then proves larger than it looked (`sah.mix2`: 17 ms more).
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
) -> Result<SignInWeighing, AppError> {
    let mut estimate = None;
    let mut read = None;
    let margin = path.sign_in_margin() * row_cost;
    let range_cost = passing * margin as f64;
    if let (Backend::Postgres, Some((needle, pattern)), true) = (db.backend(), search, in_order > 0)
    {
        let per_match = row_cost * path.pg_set_factor();
        let rows = pg_estimated_matches(db, needle, pattern).await?;
        estimate = Some(rows);
        // A sample that met no match (`set` 0) leaves only the estimate to go by.
        let unknown = set == 0;
        set = set.max(rows * per_match);
        if set_is_unsure(unknown, in_order, set, range_cost) {
            let limit = ((range_cost / per_match as f64) as u64).min(PG_SET_MAX);
            let (n, ids) = pg_set_ids(db, needle, pattern, limit).await?;
            set = set.max(n * per_match);
            read = Some((n <= limit).then_some((n, ids)));
        }
    }
    let cost = in_order.min(set);
    let chosen = match path {
        #[cfg(test)]
        SearchPath::Range => Some(index),
        _ if range_cost < cost as f64 => {
            let from = match db.backend() {
                Backend::Sqlite => format!("memberships m INDEXED BY {index}"),
                Backend::Postgres => "memberships m".to_string(),
            };
            let more = more_than(
                db,
                &format!("SELECT 1 FROM {from} WHERE {filter}"),
                binds,
                cost / margin,
            )
            .await?;
            (!more).then_some(index)
        }
        _ => None,
    };
    Ok(SignInWeighing {
        chosen,
        estimate,
        read,
    })
}

/// What [`weigh_sign_in_range`] found.
pub(super) struct SignInWeighing {
    /// The sign-in index whose range the view reads, when it does.
    pub(super) chosen: Option<&'static str>,
    /// PostgreSQL's estimate of the needle's trigram set, when it was asked (for the caller to
    /// reuse).
    pub(super) estimate: Option<u64>,
    /// Whether the set's ids were read to weigh the range (PostgreSQL), and when they were
    /// all read, how many and their test ([`pg_id_test`]), for the caller to reuse.
    pub(super) read: Option<Option<(u64, Option<String>)>>,
}

/// Whether a PostgreSQL trigram set's size is to be read before the sign-in range is
/// weighed: where the sample met no match (`unknown`) and the set's estimated cost `set`
/// leaves it cheaper than the range's `range_cost`, itself cheaper than the read in order.
/// (Where the sample met matches it measured the set; where the range costs more than the
/// read in order, the set's size does not matter.)
fn set_is_unsure(unknown: bool, in_order: u64, set: u64, range_cost: f64) -> bool {
    unknown && (set as f64) <= range_cost && range_cost < in_order as f64
}

#[cfg(test)]
mod sign_in_tests {
    use super::*;

    #[test]
    fn a_set_is_read_only_where_its_size_would_change_the_choice() {
        // `ngh` among inactive members who never signed in, by name: no match in the
        // sample, an estimate of 100, 14,000 rows passing at 2 x 2 each.
        let range = 14_000.0 * 4.0;
        assert!(set_is_unsure(true, 1_000_000, 100 * 10, range));
        // The sample met matches: its own cost stands.
        assert!(!set_is_unsure(false, 1_000_000, 1_000, range));
        // The estimate alone makes the set dearer than the range.
        assert!(!set_is_unsure(true, 1_000_000, 60_000, range));
        // The read in order is cheaper than the range whatever the set holds.
        assert!(!set_is_unsure(true, 50_000, 1_000, range));
    }
}
