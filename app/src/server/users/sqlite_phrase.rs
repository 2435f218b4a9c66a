//! The phrase a SQLite trigram set is looked up by. FTS5 finds a phrase's rows by their ids
//! in its rarest trigrams' lists, then checks every trigram's positions in each of those rows:
//! a needle whose rare part most of its matches share, followed by trigrams nearly every
//! address holds, pays for the positions of those in every match. `ingh.mix` (16,848
//! matches, `.mi` and `mix` in all million rows) takes 16 ms in FTS5 where `ingh.m` (the same
//! rows) takes 3.5, and its set 60-76 ms where `ingh.m`'s, each row then tested against the
//! whole needle, took 42. Such a needle is looked up by that piece.
use super::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

/// How many of the project's members tell which of a needle's trigrams are common.
const PHRASE_SAMPLE: u64 = 500;
/// How long a project's sample is kept (common trigrams are domains and common names: they
/// change slowly).
const SAMPLE_FOR: Duration = Duration::from_secs(600);
/// A trigram in this share of the sample or more is common (100,000 of a million rows).
const COMMON_SHARE: usize = 10;
/// And at least this many times as frequent as the needle's rarest trigram.
const COMMON_OVER_RAREST: usize = 3;
/// An extra candidate (looked up, filtered, tested, sorted: ~5 µs) costs about this many
/// checks of one trigram's positions in a match (~0.4 µs). Measured at a million rows:
/// `rd.mix8` looked up by `rd.m` let some 15,000 more rows through (19 -> 95 ms).
const EXTRA_COST: usize = 12;

/// The FTS5 phrase for `needle` in a project, and whether it is a piece of the needle (the
/// caller then tests each row against the whole needle).
pub(super) async fn sqlite_phrase(
    db: &Db,
    project_id: i64,
    needle: &str,
) -> Result<(String, bool), AppError> {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    // Two trigrams at least, or there is nothing to leave out.
    if needle.chars().count() < 4 {
        return Ok((quote(needle), false));
    }
    let sample = text_sample(db, project_id).await?;
    Ok(match rarest_piece(needle, &sample) {
        Some(piece) => (quote(&piece), true),
        None => (quote(needle), false),
    })
}

/// A sample of a project's members' email and name ([`text_sample`]), with how many of its
/// rows hold each trigram, counted once: most needles have no common trigram, and are told
/// so by a lookup per trigram.
pub(crate) struct TextSample {
    rows: Vec<String>,
    trigrams: HashMap<String, usize>,
}

impl TextSample {
    fn new(rows: Vec<String>) -> TextSample {
        let mut trigrams = HashMap::new();
        for row in &rows {
            let chars: Vec<char> = row.chars().collect();
            let distinct: HashSet<String> = chars.windows(3).map(|w| w.iter().collect()).collect();
            for t in distinct {
                *trigrams.entry(t).or_insert(0) += 1;
            }
        }
        TextSample { rows, trigrams }
    }

    /// How many rows hold `piece`.
    fn holding(&self, piece: &str) -> usize {
        if piece.chars().count() == 3 {
            self.trigrams.get(piece).copied().unwrap_or(0)
        } else {
            self.rows.iter().filter(|r| r.contains(piece)).count()
        }
    }
}

/// A sample of a project's members' email and name, read at evenly spread ids (with a little
/// jitter, so ids that step with the data do not all land alike): the first rows alone may
/// share a domain, or the digits of their addresses. Kept with the database handle for
/// [`SAMPLE_FOR`].
async fn text_sample(db: &Db, project_id: i64) -> Result<Arc<TextSample>, AppError> {
    let cache = || db.text_samples.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((at, sample)) = cache().get(&project_id) {
        if at.elapsed() < SAMPLE_FOR {
            return Ok(sample.clone());
        }
    }
    // MIN and MAX each in its own subquery: together in one they read the whole range.
    let rows: Vec<String> = sqlx::query_scalar(&format!(
        "WITH RECURSIVE b(lo, hi) AS (SELECT \
                (SELECT MIN(user_id) FROM memberships WHERE project_id = $1), \
                (SELECT MAX(user_id) FROM memberships WHERE project_id = $1)), \
              k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < {last}) \
         SELECT m.email || ' ' || m.name_key FROM b CROSS JOIN k CROSS JOIN memberships m \
          WHERE m.project_id = $1 \
            AND m.user_id = b.lo + (b.hi - b.lo) * k.n / {PHRASE_SAMPLE} + (k.n * 7919) % 97",
        last = PHRASE_SAMPLE - 1
    ))
    .bind(project_id)
    .fetch_all(db.pool())
    .await?;
    let sample = Arc::new(TextSample::new(rows));
    cache().insert(project_id, (std::time::Instant::now(), sample.clone()));
    Ok(sample)
}

/// The piece of `needle` to look up instead of the whole, judging by `sample` (of the
/// texts searched): a run of its trigrams between the common ones, where checking the
/// left-out trigrams in each match costs more than the extra candidates the piece lets
/// through; of several, the one with the fewest extra, then the longest. None: the whole
/// needle (no common trigram, or the sample met no match, which leaves little to check).
fn rarest_piece(needle: &str, sample: &TextSample) -> Option<String> {
    let chars: Vec<char> = needle.chars().collect();
    if chars.len() < 4 || sample.rows.is_empty() {
        return None;
    }
    let text = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    let counts: Vec<usize> = (0..chars.len() - 2)
        .map(|i| sample.holding(&text(i, i + 3)))
        .collect();
    let rarest = counts.iter().copied().min().unwrap_or(0);
    let common =
        |c: usize| c * COMMON_SHARE >= sample.rows.len() && c >= rarest.max(1) * COMMON_OVER_RAREST;
    if !counts.iter().any(|&c| common(c)) {
        return None;
    }
    let whole = sample.holding(needle);
    let mut best: Option<((usize, std::cmp::Reverse<usize>), String)> = None;
    let mut start = 0;
    for end in 0..=counts.len() {
        if end < counts.len() && !common(counts[end]) {
            continue;
        }
        if end > start {
            let piece = text(start, end + 2);
            let extra = sample.holding(&piece).saturating_sub(whole);
            let left_out = counts.len() - (end - start);
            let rank = (extra, std::cmp::Reverse(end - start));
            if whole * left_out > extra * EXTRA_COST && best.as_ref().is_none_or(|(r, _)| rank < *r)
            {
                best = Some((rank, piece));
            }
        }
        start = end + 1;
    }
    best.map(|(_, piece)| piece)
}

#[cfg(test)]
mod unit {
    use super::{rarest_piece, TextSample};

    fn sample() -> TextSample {
        TextSample::new(
            (0..500)
                .map(|i| match i % 50 {
                    0 => format!("jo.singh.mix{i}@example.org jo singh"),
                    1 => format!("ann.lee.mix{i}@acme.test ann lee"),
                    _ => format!("kim.park{i}.mix{i}@example.com kim park"),
                })
                .collect(),
        )
    }

    #[test]
    fn a_needle_is_looked_up_without_the_trigrams_most_rows_hold() {
        // `.mi` and `mix` are in every row; the rest of `ingh.mix` in one in fifty.
        assert_eq!(
            rarest_piece("ingh.mix", &sample()).as_deref(),
            Some("ingh.m")
        );
        assert_eq!(rarest_piece("lee.mix", &sample()).as_deref(), Some("lee.m"));
        // Nothing common: the whole needle.
        assert_eq!(rarest_piece("singh", &sample()), None);
        // Everything about as common: the whole needle.
        assert_eq!(rarest_piece("m kim", &sample()), None);
        // No match in the sample: little to check, the whole needle.
        assert_eq!(rarest_piece("zed.mix", &sample()), None);
        // Too short to leave a trigram out.
        assert_eq!(rarest_piece("mix", &sample()), None);
    }

    #[test]
    fn a_piece_that_lets_through_many_more_candidates_is_not_taken() {
        // `xy.m` is in 41 rows, `xy.mix` in one: forty more candidates cost more than
        // checking `.mi` and `mix` in one match.
        let mut rows = vec!["xy.mix".to_string()];
        rows.extend((0..40).map(|i| format!("xy.max{i} .mix")));
        rows.extend((0..459).map(|i| format!("foo{i} .mix")));
        assert_eq!(rarest_piece("xy.mix", &TextSample::new(rows)), None);
        // With the same rows where `xy.m` is rare, the piece is taken.
        let mut rows = vec!["xy.mix".to_string()];
        rows.extend((0..499).map(|i| format!("foo{i} .mix")));
        assert_eq!(
            rarest_piece("xy.mix", &TextSample::new(rows)).as_deref(),
            Some("xy.m")
        );
        // Of two runs, the one with no extra candidates, not the one with thirty.
        let mut rows: Vec<String> = (0..10).map(|i| format!("pq.mix.rst{i}")).collect();
        rows.extend((0..30).map(|i| format!("pq.max{i} .mix")));
        rows.extend((0..460).map(|i| format!("foo{i} .mix")));
        assert_eq!(
            rarest_piece("pq.mix.rst", &TextSample::new(rows)).as_deref(),
            Some("ix.rst")
        );
    }
}
