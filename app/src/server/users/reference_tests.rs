//! The users list against a naive reference: every dimension of a view (search of each kind,
//! status, role, group, last sign-in, sort both ways, page size and page) drawn from a
//! generated table, on a project large enough that each access path is taken, compared row
//! for row with the same view computed in memory from all the project's rows. Then paging
//! forward and back through views visits each matching row exactly once.
use super::*;
use crate::db_test;
use crate::model::LastSignIn;
use crate::server::store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// More members than the search's sample, so the sampled choices are really made.
const MEMBERS: i64 = 1_500;
const DAY: i64 = 24 * 3_600_000;

const FIRST: [&str; 7] = ["Ada", "Alan", "Grace", "Linus", "Margaret", "Ana", "Zoe"];
const LAST: [&str; 5] = ["Smith", "Lovelace", "Hopper", "Anders", "Zhu"];
const DOMAINS: [&str; 3] = ["example.org", "acme.test", "mail.example.com"];

/// A member as the reference sees it.
#[derive(Debug, Clone)]
struct Member {
    id: i64,
    email: String,
    name_key: String,
    status: String,
    role: String,
    groups: Vec<String>,
    created_at: i64,
    last_sign_in_at: i64,
}

/// `MEMBERS` people in `ref` (and a few in `other`, never to be listed): names and emails
/// that share starts and pieces, ties in every sort column, each status, four roles, a large
/// group, a small one and an empty one, sign-ins on both sides of 30 and 90 days.
async fn fixture(db: &Db) -> (i64, Vec<Member>) {
    let mut tx = db.begin().await.unwrap();
    let pid = store::create_project(&mut tx, "ref", "Ref").await.unwrap();
    let other = store::create_project(&mut tx, "other", "Other")
        .await
        .unwrap();
    let now = crate::server::util::now_ms();
    let mut group_ids = Vec::new();
    for name in ["Big", "Small", "Empty"] {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO groups (project_id, name, created_at) VALUES ($1, $2, 0) RETURNING id",
        )
        .bind(pid)
        .bind(name)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        group_ids.push(id);
    }
    let mut roles = std::collections::HashMap::new();
    for role in ["owner", "admin", "developer", "end_user"] {
        roles.insert(role, store::role_id(&mut tx, pid, role).await.unwrap());
    }
    let other_role = store::role_id(&mut tx, other, "end_user").await.unwrap();
    for i in 0..MEMBERS + 5 {
        let (first, last) = (FIRST[(i % 7) as usize], LAST[(i * 3 % 5) as usize]);
        let email = format!(
            "{}.{}{}@{}",
            first.to_lowercase(),
            last.to_lowercase(),
            i % 400,
            DOMAINS[(i * 7 % 3) as usize]
        );
        // Some emails repeat across the two projects; within `ref` each is unique.
        let email = if i >= MEMBERS {
            format!("other{i}.{email}")
        } else {
            format!(
                "{}{email}",
                if i >= 400 {
                    format!("{}", i / 400)
                } else {
                    String::new()
                }
            )
        };
        let status = match i % 10 {
            0 => "invited",
            1 | 2 => "inactive",
            _ => "active",
        };
        let id = store::insert_user(
            &mut tx,
            &store::NewUser {
                email: &email,
                first_name: first,
                last_name: last,
                password_hash: None,
                status: if status == "invited" {
                    "invited"
                } else {
                    "active"
                },
                is_superadmin: false,
            },
        )
        .await
        .unwrap();
        if i >= MEMBERS {
            store::add_membership(&mut tx, other, id, other_role)
                .await
                .unwrap();
            continue;
        }
        let role = if i % 50 == 0 {
            "owner"
        } else if i % 5 == 1 {
            "developer"
        } else if i % 7 == 2 {
            "admin"
        } else {
            "end_user"
        };
        store::add_membership(&mut tx, pid, id, roles[role])
            .await
            .unwrap();
        // Half a day off each boundary, so the clock moving during the test changes nothing.
        let last_sign_in = if status == "invited" || i % 4 == 0 {
            0
        } else {
            now - (i * 13 % 120) * DAY - DAY / 2
        };
        sqlx::query(
            "UPDATE memberships SET status = $1, created_at = $2, last_sign_in_at = $3 \
              WHERE project_id = $4 AND user_id = $5",
        )
        .bind(status)
        .bind(1_000 + i * 37 % 500)
        .bind(last_sign_in)
        .bind(pid)
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
        for (g, member) in [(group_ids[0], i % 5 < 2), (group_ids[1], i % 40 == 3)] {
            if member {
                sqlx::query(
                    "INSERT INTO group_members (group_id, user_id, added_at) VALUES ($1, $2, 0)",
                )
                .bind(g)
                .bind(id)
                .execute(&mut *tx)
                .await
                .unwrap();
            }
        }
    }
    tx.commit().await.unwrap();

    let rows = sqlx::query(
        "SELECT m.user_id, m.email, m.name_key, m.status, r.name AS role, m.created_at, m.last_sign_in_at \
           FROM memberships m JOIN roles r ON r.id = m.role_id WHERE m.project_id = $1",
    )
    .bind(pid)
    .fetch_all(db.pool())
    .await
    .unwrap();
    let mut members = Vec::new();
    for r in rows {
        let id: i64 = r.try_get("user_id").unwrap();
        let groups: Vec<String> = sqlx::query_scalar(
            "SELECT g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id \
              WHERE gm.user_id = $1 AND g.project_id = $2",
        )
        .bind(id)
        .bind(pid)
        .fetch_all(db.pool())
        .await
        .unwrap();
        members.push(Member {
            id,
            email: r.try_get("email").unwrap(),
            name_key: r.try_get("name_key").unwrap(),
            status: r.try_get("status").unwrap(),
            role: r.try_get("role").unwrap(),
            groups,
            created_at: r.try_get("created_at").unwrap(),
            last_sign_in_at: r.try_get("last_sign_in_at").unwrap(),
        });
    }
    assert_eq!(members.len() as i64, MEMBERS);
    (pid, members)
}

/// The view computed the plain way: filter every member, sort, cut the page.
fn reference(all: &[Member], q: &UserQuery, now: i64) -> Vec<i64> {
    let needle = q.q.trim().to_lowercase();
    let mut rows: Vec<&Member> = all
        .iter()
        .filter(|m| {
            let search = if needle.is_empty() {
                true
            } else if needle.chars().count() < SUBSTRING_FROM {
                m.email.starts_with(&needle) || m.name_key.starts_with(&needle)
            } else {
                format!("{} {}", m.email, m.name_key).contains(&needle)
            };
            search
                && q.status.is_none_or(|s| m.status == s.as_str())
                && q.role.as_ref().is_none_or(|r| &m.role == r)
                && q.group.as_ref().is_none_or(|g| m.groups.contains(g))
                && match q.last_sign_in {
                    None => true,
                    Some(LastSignIn::Never) => m.last_sign_in_at == 0,
                    Some(age) => m.last_sign_in_at < now - age.days().unwrap() * DAY,
                }
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = match q.sort {
            UserSort::Email => a.email.cmp(&b.email),
            UserSort::Name => a.name_key.cmp(&b.name_key),
            UserSort::Role => role_rank(&a.role)
                .cmp(&role_rank(&b.role))
                .then(a.created_at.cmp(&b.created_at)),
            UserSort::Status => a
                .status
                .cmp(&b.status)
                .then(a.created_at.cmp(&b.created_at)),
            UserSort::LastSignIn => a.last_sign_in_at.cmp(&b.last_sign_in_at),
            UserSort::Created => a.created_at.cmp(&b.created_at),
        }
        .then(a.id.cmp(&b.id));
        if q.desc {
            key.reverse()
        } else {
            key
        }
    });
    rows.iter().map(|m| m.id).collect()
}

/// Roles sort by id: the order `create_project` makes them in.
fn role_rank(role: &str) -> usize {
    ["owner", "admin", "developer", "end_user"]
        .iter()
        .position(|r| *r == role)
        .unwrap_or(9)
}

/// A view drawn from the table of every dimension.
fn view(rng: &mut StdRng, samples: &[Member]) -> UserQuery {
    let m = &samples[rng.gen_range(0..samples.len())];
    let piece = |rng: &mut StdRng, text: &str, len: usize| -> String {
        let chars: Vec<char> = text.chars().collect();
        let len = len.min(chars.len());
        let start = rng.gen_range(0..=chars.len() - len);
        chars[start..start + len].iter().collect()
    };
    let len = rng.gen_range(3..8);
    let q = match rng.gen_range(0..10) {
        0 | 1 => String::new(),
        2 => m.email[..1].to_uppercase(),
        3 => m.name_key[..rng.gen_range(1..=2)].to_string(),
        4 => ["q", "zz", "@", ".", "9"][rng.gen_range(0..5)].to_string(),
        5 => piece(rng, &m.email, len),
        6 => piece(rng, &m.name_key, len),
        7 => {
            let email = piece(rng, &m.email, 4);
            format!("{email} {}", piece(rng, &m.name_key, 3))
        }
        8 => ["example", "smith", "nobody-at-all", "100%", "a_b"][rng.gen_range(0..5)].to_string(),
        _ => m.email.clone(),
    };
    let pick = |rng: &mut StdRng, options: &[&str]| -> Option<String> {
        let i = rng.gen_range(0..=options.len());
        options.get(i).map(|s| s.to_string())
    };
    UserQuery {
        q,
        status: [
            None,
            Some(Status::Active),
            Some(Status::Invited),
            Some(Status::Inactive),
        ][rng.gen_range(0..4)],
        role: if rng.gen_bool(0.6) {
            None
        } else {
            pick(
                rng,
                &["owner", "admin", "developer", "end_user", "no-such-role"],
            )
        },
        group: if rng.gen_bool(0.6) {
            None
        } else {
            pick(rng, &["Big", "Small", "Empty"])
        },
        last_sign_in: [
            None,
            None,
            Some(LastSignIn::Never),
            Some(LastSignIn::Over30Days),
            Some(LastSignIn::Over90Days),
        ][rng.gen_range(0..5)],
        sort: UserSort::ALL[rng.gen_range(0..UserSort::ALL.len())],
        desc: rng.gen_bool(0.5),
        page: 1,
        size: [10, 20, 50][rng.gen_range(0..3)],
    }
}

fn ids(page: &Page<UserRow>) -> Vec<i64> {
    page.items.iter().map(|r| r.id).collect()
}

/// The page and total the list should answer for `q`, given the full matching list.
fn expected(matching: &[i64], q: &UserQuery) -> (Vec<i64>, u64, bool) {
    let offset = q.offset() as usize;
    let page: Vec<i64> = matching
        .iter()
        .skip(offset)
        .take(q.size as usize)
        .copied()
        .collect();
    let n = matching.len() as u64;
    let bounded = !q.q.trim().is_empty() || q.last_sign_in.is_some();
    if bounded && n > count_cap(q) {
        (page, count_cap(q), true)
    } else {
        (page, n, false)
    }
}

db_test!(every_view_matches_the_reference, |db: Db| async move {
    let (pid, all) = fixture(&db).await;
    let mut rng = StdRng::seed_from_u64(12);
    let mut paths_taken = std::collections::BTreeSet::new();
    let mut budgets = std::collections::BTreeSet::new();
    // The paths that collected a last-sign-in filter's range.
    let mut sign_in_ranges = std::collections::BTreeSet::new();
    // Whether a PostgreSQL trigram set was taken to be large from its estimate.
    let mut estimated = false;
    // Whether a PostgreSQL trigram set was read to weigh a sign-in range.
    let mut set_weighed = false;
    let dir = directory(&db, pid).await.unwrap();
    for case in 0..250 {
        let mut q = view(&mut rng, &all);
        let now = crate::server::util::now_ms();
        let matching = reference(&all, &q, now);
        let last = (matching.len().div_ceil(q.size as usize)).max(1) as u32;
        for page in [1, 2, rng.gen_range(1..=last), last, last + 1] {
            q.page = page;
            let want = expected(&matching, &q);
            // Every way of finding the rows gives the same page.
            for path in [
                SearchPath::Auto,
                SearchPath::Index,
                SearchPath::Scan,
                SearchPath::Tight,
                SearchPath::Range,
                SearchPath::Estimated,
            ] {
                let (got, trace) = list_traced(&db, pid, &q, &dir, path).await.unwrap();
                budgets.extend(trace.budget_met);
                if trace.sign_in_range {
                    sign_in_ranges.insert(format!("{path:?}"));
                }
                estimated |= trace.estimated;
                set_weighed |= trace.set_weighed;
                assert_eq!(
                    (ids(&got), got.total, got.more),
                    want,
                    "case {case}, {path:?}: {}",
                    q.to_query_string()
                );
            }
            let plan = explain(&db, pid, &q).await.unwrap().join("\n");
            // PostgreSQL writes the trigram matches' ids into the query.
            let id_list = plan
                .split("m.user_id IN (")
                .skip(1)
                .any(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
            // SQLite looks a set up from the ids its probe read (`json_each`): a trigram set
            // or a prefix set by the needle's length.
            let probed = plan.contains("json_each");
            let short = q.q.trim().chars().count() < SUBSTRING_FROM;
            let trigram = plan.contains("users_search")
                || plan.contains("ILIKE")
                || plan.contains("AND 1 = 0")
                || id_list
                || (probed && !short);
            // (A merge's second arm on PostgreSQL is a list of ids too.)
            paths_taken.insert(
                if plan.contains("UNION ALL") && plan.contains("group_members") {
                    "prefix merge in a group's copy"
                } else if plan.contains("UNION ALL") {
                    "prefix merge"
                } else if trigram {
                    "trigram set"
                } else if plan.contains("UNION") || probed {
                    "prefix set"
                } else if plan.contains("FROM group_members m") {
                    "group's copy in order"
                } else {
                    "in order"
                },
            );
        }
    }
    // With a tight budget, some reads in order found their page within it and some ran out
    // and collected the set: both gave the reference's rows above.
    assert_eq!(budgets.into_iter().collect::<Vec<_>>(), [false, true]);
    // The sign-in range was read where it was forced, and chosen where it was cheaper (by
    // the tight budget's weights at least: production's margin may find no view of this
    // small project cheaper by half).
    assert!(
        sign_in_ranges.contains("Range") && sign_in_ranges.contains("Tight"),
        "{sign_in_ranges:?}"
    );
    // The path that forces it took sets as large from the planner's estimate, unread, on
    // PostgreSQL (SQLite reads its sets' ids, which cost little).
    assert_eq!(estimated, db.backend() == Backend::Postgres);
    // Some PostgreSQL set that the sample met no match of was read before its sign-in
    // range was weighed (SQLite weighs its sets by the sample alone).
    assert_eq!(set_weighed, db.backend() == Backend::Postgres);
    // The mix took every access path.
    assert_eq!(
        paths_taken.into_iter().collect::<Vec<_>>(),
        [
            "group's copy in order",
            "in order",
            "prefix merge",
            "prefix merge in a group's copy",
            "prefix set",
            "trigram set"
        ]
    );
});

db_test!(paging_visits_every_row_once, |db: Db| async move {
    let (pid, all) = fixture(&db).await;
    let mut rng = StdRng::seed_from_u64(34);
    let dir = directory(&db, pid).await.unwrap();
    for case in 0..30 {
        let mut q = view(&mut rng, &all);
        q.size = 50;
        let matching = reference(&all, &q, crate::server::util::now_ms());
        let pages = (matching.len().div_ceil(50)).max(1) as u32;
        for path in [
            SearchPath::Auto,
            SearchPath::Tight,
            SearchPath::Range,
            SearchPath::Estimated,
        ] {
            let page_of = |page: u32| {
                let q = UserQuery { page, ..q.clone() };
                let dir = &dir;
                let db = &db;
                async move { ids(&list_given(db, pid, &q, dir, path).await.unwrap()) }
            };
            let mut forward = Vec::new();
            for page in 1..=pages {
                forward.extend(page_of(page).await);
            }
            let mut backward = Vec::new();
            for page in (1..=pages).rev() {
                let mut rows = page_of(page).await;
                rows.reverse();
                backward.extend(rows);
            }
            backward.reverse();
            assert_eq!(
                forward,
                matching,
                "case {case} {path:?} forward: {}",
                q.to_query_string()
            );
            assert_eq!(
                backward,
                matching,
                "case {case} {path:?} backward: {}",
                q.to_query_string()
            );
        }
    }
});
