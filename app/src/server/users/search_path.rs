//! How a search finds its rows: the production path, chosen per request, and the paths the
//! tests force or tighten to reach every branch of `plan_list` on a small project.
use super::*;

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
    /// As `Auto`, with a budget small enough for a small project to meet and exhaust.
    #[cfg(test)]
    Tight,
    /// As `Auto`, but a view with a last-sign-in filter always reads its sign-in range
    /// (see `plan_list`).
    #[cfg(test)]
    Range,
    /// As `Tight`, but PostgreSQL takes every trigram set as large from the planner's
    /// estimate, unread: a small project's estimates depend on when its tables were last
    /// analysed, so the tests force that path rather than wait for it.
    #[cfg(test)]
    Estimated,
}

impl SearchPath {
    /// Whether the path is chosen from the sample.
    pub(super) fn sampled(self) -> bool {
        match self {
            SearchPath::Auto => true,
            #[cfg(test)]
            SearchPath::Tight | SearchPath::Range | SearchPath::Estimated => true,
            SearchPath::Index | SearchPath::Scan => false,
        }
    }

    /// How many times more a trigram set's match costs PostgreSQL than SQLite, as the sample
    /// weighs it. The tight budget's small project weighs them alike, so that its views
    /// still collect sets, within and beyond the budget.
    pub(super) fn pg_set_factor(self) -> u64 {
        match self {
            SearchPath::Auto => PG_SET_FACTOR,
            #[cfg(test)]
            SearchPath::Range => PG_SET_FACTOR,
            #[cfg(test)]
            SearchPath::Tight | SearchPath::Estimated => 1,
            SearchPath::Index | SearchPath::Scan => 1,
        }
    }

    /// How many times cheaper than the other paths a sign-in range must look to be read
    /// (see `plan_list`). The tight budget's small project takes it as soon as it is cheaper,
    /// so that its views read it without a path forcing them to.
    pub(super) fn sign_in_margin(self) -> u64 {
        match self {
            #[cfg(test)]
            SearchPath::Tight => 1,
            _ => 2,
        }
    }

    /// From how many estimated matches a PostgreSQL trigram set is taken to be large without
    /// reading it.
    pub(super) fn surely_large(self) -> u64 {
        match self {
            #[cfg(test)]
            SearchPath::Estimated => 0,
            _ => PG_SURELY_LARGE,
        }
    }

    /// The budget of a read in order tried before a large set ([`Budgeted`]).
    pub(super) fn budget(self, backend: Backend, set_row_cost: u64) -> Option<Budget> {
        match self {
            SearchPath::Auto => Some(Budget::for_cost(backend, set_row_cost)),
            #[cfg(test)]
            SearchPath::Range => Some(Budget::for_cost(backend, set_row_cost)),
            #[cfg(test)]
            SearchPath::Tight | SearchPath::Estimated => Some(Budget::TIGHT),
            SearchPath::Index | SearchPath::Scan => None,
        }
    }
}
