//! The users list's view state — search, filters, sort, page — and its URL form, so a view can be
//! bookmarked, shared and reloaded.
use super::Status;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZES: [u32; 4] = [10, 20, 50, 100];
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// The longest search a list takes; longer input is cut to it.
pub const MAX_SEARCH: usize = 100;
/// The longest role or group name a filter takes.
pub const MAX_FILTER_NAME: usize = 100;
/// How deep any list reads: a page past this many rows is answered as this last reachable one.
pub const MAX_OFFSET: u64 = 10_000_000;

/// The deepest page of `size` rows a list serves.
pub fn max_page(size: u32) -> u32 {
    (MAX_OFFSET / size.max(1) as u64) as u32 + 1
}

/// A column of the users table besides Email (always shown, the row's link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserColumn {
    Name,
    FirstName,
    LastName,
    Phone,
    Role,
    Groups,
    /// The member's effective permissions, summed up ("admin · 9 permissions").
    Permissions,
    Status,
    LastSignIn,
    Created,
}

impl UserColumn {
    /// In the table's order.
    pub const ALL: [UserColumn; 10] = [
        UserColumn::Name,
        UserColumn::FirstName,
        UserColumn::LastName,
        UserColumn::Phone,
        UserColumn::Role,
        UserColumn::Groups,
        UserColumn::Permissions,
        UserColumn::Status,
        UserColumn::LastSignIn,
        UserColumn::Created,
    ];

    pub fn key(self) -> &'static str {
        match self {
            UserColumn::Name => "name",
            UserColumn::FirstName => "first_name",
            UserColumn::LastName => "last_name",
            UserColumn::Phone => "phone",
            UserColumn::Role => "role",
            UserColumn::Groups => "groups",
            UserColumn::Permissions => "permissions",
            UserColumn::Status => "status",
            UserColumn::LastSignIn => "last_sign_in",
            UserColumn::Created => "created",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// The columns an admin chose for the users table, kept per person (as their keys, comma
/// separated, in `users.list_columns`; empty for the default set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Columns(pub u16);

impl Default for Columns {
    fn default() -> Self {
        Columns::of(&[
            UserColumn::Name,
            UserColumn::Role,
            UserColumn::Groups,
            UserColumn::Status,
            UserColumn::LastSignIn,
            UserColumn::Created,
        ])
    }
}

impl Columns {
    pub fn of(cols: &[UserColumn]) -> Columns {
        Columns(cols.iter().fold(0, |bits, c| bits | c.bit()))
    }

    pub fn has(self, c: UserColumn) -> bool {
        self.0 & c.bit() != 0
    }

    /// From stored or submitted keys; unknown keys are ignored, and nothing known is the
    /// default set.
    pub fn parse<'a>(keys: impl IntoIterator<Item = &'a str>) -> Columns {
        let cols: Vec<UserColumn> = keys
            .into_iter()
            .filter_map(|k| UserColumn::ALL.into_iter().find(|c| c.key() == k.trim()))
            .collect();
        if cols.is_empty() {
            Columns::default()
        } else {
            Columns::of(&cols)
        }
    }

    /// The keys to store.
    pub fn keys(self) -> String {
        UserColumn::ALL
            .into_iter()
            .filter(|c| self.has(*c))
            .map(UserColumn::key)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// How long ago a member last signed in, as a filter: never, or not within 30 or 90 days
/// (which includes never: seed 001's monthly clean-up of people who stopped coming).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LastSignIn {
    Never,
    #[serde(rename = "over_30d")]
    Over30Days,
    #[serde(rename = "over_90d")]
    Over90Days,
}

impl LastSignIn {
    pub fn as_str(self) -> &'static str {
        match self {
            LastSignIn::Never => "never",
            LastSignIn::Over30Days => "over_30d",
            LastSignIn::Over90Days => "over_90d",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            LastSignIn::Never,
            LastSignIn::Over30Days,
            LastSignIn::Over90Days,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    /// The days without a sign-in it asks for (None: never signed in at all).
    pub fn days(self) -> Option<i64> {
        match self {
            LastSignIn::Never => None,
            LastSignIn::Over30Days => Some(30),
            LastSignIn::Over90Days => Some(90),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserSort {
    Email,
    Name,
    /// By role rank (owner, admin, developer, end user, then custom roles).
    Role,
    Status,
    LastSignIn,
    #[default]
    Created,
}

impl UserSort {
    pub const ALL: [UserSort; 6] = [
        UserSort::Email,
        UserSort::Name,
        UserSort::Role,
        UserSort::Status,
        UserSort::LastSignIn,
        UserSort::Created,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UserSort::Email => "email",
            UserSort::Name => "name",
            UserSort::Role => "role",
            UserSort::Status => "status",
            UserSort::LastSignIn => "last_sign_in",
            UserSort::Created => "created",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The direction a first click sorts in: newest first for times, A→Z otherwise.
    pub fn default_desc(self) -> bool {
        matches!(self, UserSort::LastSignIn | UserSort::Created)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserQuery {
    /// Case-insensitive substring of the email or the name.
    pub q: String,
    pub status: Option<Status>,
    /// A role's name.
    pub role: Option<String>,
    /// A group's name.
    pub group: Option<String>,
    pub last_sign_in: Option<LastSignIn>,
    pub sort: UserSort,
    pub desc: bool,
    /// 1-based.
    pub page: u32,
    pub size: u32,
}

impl Default for UserQuery {
    fn default() -> Self {
        UserQuery {
            q: String::new(),
            status: None,
            role: None,
            group: None,
            last_sign_in: None,
            sort: UserSort::Created,
            desc: true,
            page: 1,
            size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl UserQuery {
    /// Reads the view from URL query pairs; anything unknown or out of range falls back to the
    /// default rather than failing, so an edited or stale link still shows a page.
    pub fn from_pairs<'a>(get: impl Fn(&str) -> Option<String> + 'a) -> Self {
        let d = UserQuery::default();
        let sort = get("sort")
            .and_then(|s| UserSort::parse(&s))
            .unwrap_or(d.sort);
        let desc = match get("dir").as_deref() {
            Some("asc") => false,
            Some("desc") => true,
            _ => sort.default_desc(),
        };
        let size = get("size")
            .and_then(|s| s.parse().ok())
            .filter(|n| PAGE_SIZES.contains(n))
            .unwrap_or(d.size);
        UserQuery {
            q: get("q").unwrap_or_default(),
            status: get("status").and_then(|s| s.parse().ok()),
            role: get("role").filter(|r| !r.is_empty()),
            group: get("group").filter(|g| !g.is_empty()),
            last_sign_in: get("last_sign_in").and_then(|v| LastSignIn::parse(&v)),
            sort,
            desc,
            page: get("page")
                .and_then(|p| p.parse().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1),
            size,
        }
        .bounded()
    }

    /// The same view within the bounds every list enforces on the server, whatever a client
    /// sent: a page size from 1 to the largest the page offers, a page no deeper than
    /// [`MAX_OFFSET`] rows, a search of at most [`MAX_SEARCH`] characters and filter names of at
    /// most [`MAX_FILTER_NAME`].
    pub fn bounded(&self) -> UserQuery {
        let size = self.size.clamp(1, PAGE_SIZES[PAGE_SIZES.len() - 1]);
        let cut = |v: &str, n: usize| v.chars().take(n).collect::<String>();
        UserQuery {
            q: cut(self.q.trim(), MAX_SEARCH).trim().to_string(),
            status: self.status,
            role: self.role.as_deref().map(|r| cut(r, MAX_FILTER_NAME)),
            group: self.group.as_deref().map(|g| cut(g, MAX_FILTER_NAME)),
            last_sign_in: self.last_sign_in,
            sort: self.sort,
            desc: self.desc,
            page: self.page.clamp(1, max_page(size)),
            size,
        }
    }

    /// The view as URL query pairs that `from_pairs` reads back; defaults are left out so links
    /// stay short. Also the hidden fields of the page's plain GET forms.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let d = UserQuery::default();
        let mut parts: Vec<(&'static str, String)> = Vec::new();
        if !self.q.is_empty() {
            parts.push(("q", self.q.clone()));
        }
        if let Some(s) = self.status {
            parts.push(("status", s.as_str().to_string()));
        }
        if let Some(r) = &self.role {
            parts.push(("role", r.clone()));
        }
        if let Some(g) = &self.group {
            parts.push(("group", g.clone()));
        }
        if let Some(l) = self.last_sign_in {
            parts.push(("last_sign_in", l.as_str().to_string()));
        }
        if self.sort != d.sort || self.desc != d.desc {
            parts.push(("sort", self.sort.as_str().to_string()));
            parts.push(("dir", if self.desc { "desc" } else { "asc" }.to_string()));
        }
        if self.page != 1 {
            parts.push(("page", self.page.to_string()));
        }
        if self.size != d.size {
            parts.push(("size", self.size.to_string()));
        }
        parts
    }

    /// [`UserQuery::pairs`] without the named keys: the fields a form keeps while it sets those.
    pub fn pairs_except(&self, keys: &[&str]) -> Vec<(&'static str, String)> {
        let mut p = self.pairs();
        p.retain(|(k, _)| !keys.contains(k));
        p
    }

    /// The URL query string (without `?`) that `from_pairs` reads back.
    pub fn to_query_string(&self) -> String {
        self.pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", super::encode_query_value(&v).replace('/', "%2F")))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The same filters with search and filters cleared (sort and size kept).
    pub fn cleared(&self) -> Self {
        UserQuery {
            sort: self.sort,
            desc: self.desc,
            size: self.size,
            ..UserQuery::default()
        }
    }

    pub fn has_filters(&self) -> bool {
        !self.q.is_empty()
            || self.status.is_some()
            || self.role.is_some()
            || self.group.is_some()
            || self.last_sign_in.is_some()
    }

    pub fn offset(&self) -> u64 {
        (self.page.max(1) as u64 - 1) * self.size as u64
    }
}

/// One page of a list, with the total the filters match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u32,
    pub size: u32,
    /// When the page was read (ms), for relative times.
    pub as_of: i64,
    /// `total` is a lower bound: counting stopped there (big search results).
    #[serde(default)]
    pub more: bool,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u32 {
        (self.total.div_ceil(self.size.max(1) as u64) as u32).max(1)
    }
}

/// A row of the users table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub status: Status,
    pub role: String,
    pub groups: Vec<String>,
    pub created_at: i64,
    pub last_sign_in_at: Option<i64>,
    /// The project's only active owner (cannot be deactivated, deleted or demoted).
    #[serde(default)]
    pub last_owner: bool,
    /// When the invitation's link expires (invited members only).
    #[serde(default)]
    pub invitation_expires_at: Option<i64>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Effective permissions here (role and groups), filled when the Permissions column shows.
    #[serde(default)]
    pub permissions: Vec<String>,
}

impl UserRow {
    /// Invited, and the link has expired by `now` (the page's `as_of`): it can be resent.
    pub fn invitation_expired(&self, now: i64) -> bool {
        self.invitation_expires_at.is_some_and(|at| at <= now)
    }

    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }
}

/// Roles and groups of a project, for the filters and forms.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Directory {
    pub roles: Vec<String>,
    pub groups: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(qs: &str) -> UserQuery {
        let map: HashMap<String, String> = qs
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_string(), v.replace("%20", " ").replace("%40", "@")))
            .collect();
        UserQuery::from_pairs(move |k| map.get(k).cloned())
    }

    #[test]
    fn queries_round_trip_through_the_url() {
        let q = UserQuery {
            q: "ada l".into(),
            status: Some(Status::Inactive),
            role: Some("admin".into()),
            group: Some("Sales".into()),
            last_sign_in: Some(LastSignIn::Over90Days),
            sort: UserSort::Email,
            desc: false,
            page: 3,
            size: 50,
        };
        let s = q.to_query_string();
        assert_eq!(
            s,
            "q=ada%20l&status=inactive&role=admin&group=Sales&last_sign_in=over_90d&sort=email&dir=asc&page=3&size=50"
        );
        assert_eq!(parse(&s), q);
        assert_eq!(UserQuery::default().to_query_string(), "");
    }

    #[test]
    fn bad_values_fall_back_to_defaults() {
        let q = parse("status=zombie&sort=shoe&page=-2&size=7&dir=sideways&last_sign_in=yesterday");
        assert_eq!(q, UserQuery::default());
        assert!(!parse("sort=email").desc && parse("sort=last_sign_in").desc);
    }

    #[test]
    fn any_view_a_client_sends_is_bounded() {
        let wild = UserQuery {
            q: "x".repeat(10_000),
            role: Some("r".repeat(500)),
            group: Some("g".repeat(500)),
            page: u32::MAX,
            size: 4_000_000,
            ..UserQuery::default()
        }
        .bounded();
        assert_eq!(wild.size, 100);
        assert_eq!(wild.q.chars().count(), MAX_SEARCH);
        assert_eq!(wild.role.as_deref().map(str::len), Some(MAX_FILTER_NAME));
        assert_eq!(wild.group.as_deref().map(str::len), Some(MAX_FILTER_NAME));
        assert_eq!(wild.page, max_page(100));
        assert!(wild.offset() <= MAX_OFFSET);
        let odd = |size, page| {
            UserQuery {
                size,
                page,
                ..UserQuery::default()
            }
            .bounded()
        };
        assert_eq!((odd(0, 0).size, odd(0, 0).page), (1, 1));
        assert_eq!(odd(35, 2).size, 35);
        assert_eq!(
            odd(50, 7),
            UserQuery {
                size: 50,
                page: 7,
                ..UserQuery::default()
            }
        );
        // The URL parser gives the same bounds.
        assert_eq!(
            parse(&format!("q={}&page=99999999", "y".repeat(300)))
                .q
                .len(),
            MAX_SEARCH
        );
        assert_eq!(parse("page=99999999").page, max_page(DEFAULT_PAGE_SIZE));
    }

    #[test]
    fn page_counts() {
        let p = Page::<()> {
            items: vec![],
            total: 41,
            page: 1,
            size: 20,
            as_of: 0,
            more: false,
        };
        assert_eq!(p.pages(), 3);
        assert_eq!(
            Page::<()> {
                items: vec![],
                total: 0,
                page: 1,
                size: 20,
                as_of: 0,
                more: false,
            }
            .pages(),
            1
        );
        assert_eq!(
            UserQuery {
                page: 3,
                size: 20,
                ..Default::default()
            }
            .offset(),
            40
        );
    }
}

#[cfg(test)]
mod column_tests {
    use super::*;

    #[test]
    fn columns_round_trip_through_their_keys() {
        let c = Columns::of(&[UserColumn::FirstName, UserColumn::Permissions]);
        assert_eq!(c.keys(), "first_name,permissions");
        assert_eq!(Columns::parse(c.keys().split(',')), c);
        assert_eq!(Columns::parse("".split(',')), Columns::default());
        assert_eq!(
            Columns::parse(["bogus", " phone "]),
            Columns::of(&[UserColumn::Phone])
        );
        assert!(
            Columns::default().has(UserColumn::Name) && !Columns::default().has(UserColumn::Phone)
        );
    }
}
