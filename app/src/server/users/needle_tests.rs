//! Searches whose needle is common (most rows, or a trigram nearly every address holds) or
//! rare, on both databases: how each finds its rows, and that the rows are exact.
use super::*;
use crate::db_test;
use crate::server::store;

// Searches count at most COUNT_AHEAD rows past the page (then `more`), and a needle most
// users match takes the ordered scan while a rare one takes the trigram index: both give
// the same rows a plain scan would.
db_test!(bounded_counts_and_dense_needles, |db: Db| async move {
    let mut tx = db.begin().await.unwrap();
    let pid = store::create_project(&mut tx, "big", "Big").await.unwrap();
    let role = store::role_id(&mut tx, pid, "end_user").await.unwrap();
    // More rows than the sample, so the choice is made on a sample of the view.
    let dense = SAMPLE as usize + 100;
    for i in 0..dense + 20 {
        let email = if i < dense {
            format!("user{i:04}@dense.test")
        } else {
            format!("rare{i:04}@sparse.test")
        };
        add_nameless_member(&mut tx, pid, role, &email).await;
    }
    tx.commit().await.unwrap();
    // The first rows by email hold the 20 rare ones ("rare…" sorts before "user…") and 980
    // dense ones: a needle nearly every row matches is read in order, and the rare needle is
    // collected. A page past the end reads at most the project's 1,120 rows in order, less
    // than collecting and sorting the dense needle's 1,100 matches (each costs twice a row
    // read in order), so it is read in order too.
    let scans = |needle: &'static str, page: u32| {
        let db = db.clone();
        async move {
            let q = UserQuery {
                q: needle.into(),
                sort: UserSort::Email,
                desc: false,
                page,
                ..UserQuery::default()
            };
            let mut binds = vec![Bind::Int(pid)];
            let test = search_test(db.backend(), "m", &mut binds, needle);
            let wanted = count_cap(&q) + q.size as u64;
            scan_is_cheaper_in_order(
                &db,
                &q,
                None,
                None,
                "memberships m",
                "m.project_id = $1",
                &test,
                &binds,
                wanted,
                dense as u64 + 20,
                dense as u64 + 20,
                SET_ROW_COST,
            )
            .await
            .unwrap()
            .in_order_cheaper
        }
    };
    assert!(scans("dense.test", 1).await);
    assert!(!scans("sparse.test", 1).await);
    assert!(scans("dense.test", 2_000).await);

    let search = |q: &str, page: u32| UserQuery {
        q: q.into(),
        sort: UserSort::Email,
        desc: false,
        page,
        ..UserQuery::default()
    };
    let first = list(&db, pid, &search("dense.test", 1)).await.unwrap();
    assert_eq!((first.total, first.more), (COUNT_AHEAD, true));
    assert_eq!(first.items[0].email, "user0000@dense.test");
    assert_eq!(first.items.len(), 20);
    // The last page counts everything: its offset plus COUNT_AHEAD is past the matches.
    let last_page = dense.div_ceil(20) as u32;
    let last = list(&db, pid, &search("dense.test", last_page))
        .await
        .unwrap();
    assert_eq!((last.total, last.more), (dense as u64, false));
    assert_eq!(
        last.items.last().unwrap().email,
        format!("user{:04}@dense.test", dense - 1)
    );

    let rare = list(&db, pid, &search("sparse.test", 1)).await.unwrap();
    assert_eq!((rare.total, rare.more), (20, false));
    let emails: Vec<String> = rare.items.iter().map(|r| r.email.clone()).collect();
    let want: Vec<String> = (dense..dense + 20)
        .map(|i| format!("rare{i:04}@sparse.test"))
        .collect();
    assert_eq!(emails, want);
    // Unfiltered totals are exact (counters), never bounded.
    let all = list(&db, pid, &UserQuery::default()).await.unwrap();
    assert_eq!((all.total, all.more), (dense as u64 + 20, false));
});

// A needle whose tail nearly every address holds (`.mix`) is looked up on SQLite by its rare
// piece, and each candidate tested against the whole: the rows that hold the piece but not
// the needle are left out, on every path.
db_test!(
    a_needle_with_a_common_tail_keeps_exact_rows,
    |db: Db| async move {
        let mut tx = db.begin().await.unwrap();
        let pid = store::create_project(&mut tx, "tail", "Tail")
            .await
            .unwrap();
        let role = store::role_id(&mut tx, pid, "end_user").await.unwrap();
        for i in 0..600 {
            let email = match i % 20 {
                0 => format!("singh.mix{i:03}@corp.test"),
                1 if i < 40 => format!("singh.max{i:03}@other.test"),
                _ => format!("user{i:03}.mix@corp.test"),
            };
            add_nameless_member(&mut tx, pid, role, &email).await;
        }
        tx.commit().await.unwrap();
        if db.backend() == Backend::Sqlite {
            let (phrase, piece) = sqlite_phrase(&db, pid, "singh.mix").await.unwrap();
            assert_eq!((phrase.as_str(), piece), ("\"singh.m\"", true));
        }
        let want: Vec<String> = (0..600)
            .step_by(20)
            .map(|i| format!("singh.mix{i:03}@corp.test"))
            .collect();
        for path in [
            SearchPath::Index,
            SearchPath::Scan,
            SearchPath::Auto,
            SearchPath::Tight,
        ] {
            let q = UserQuery {
                q: "singh.mix".into(),
                sort: UserSort::Email,
                desc: false,
                size: 50,
                ..UserQuery::default()
            };
            let page = list_with(&db, pid, &q, path).await.unwrap();
            let emails: Vec<String> = page.items.iter().map(|r| r.email.clone()).collect();
            assert_eq!((emails, page.total), (want.clone(), 30), "{path:?}");
        }
    }
);

/// An active member with an email and no name.
async fn add_nameless_member(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    pid: i64,
    role: i64,
    email: &str,
) {
    let new = store::NewUser {
        email,
        first_name: "",
        last_name: "",
        password_hash: None,
        status: "active",
        is_superadmin: false,
    };
    let id = store::insert_user(tx, &new).await.unwrap();
    store::add_membership(tx, pid, id, role).await.unwrap();
}
