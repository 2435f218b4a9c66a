//! The users-list engine against known data, on both databases.
use super::*;
use crate::db_test;
use crate::server::store::{self, NewUser};

#[test]
fn the_cheaper_search_path_is_chosen() {
    let cheaper = |sampled, hits, matches, wanted, range, project| {
        scan_is_cheaper(sampled, hits, matches, wanted, range, project, SET_ROW_COST)
    };
    // "smith" at a million users (~1.6%: 16 of 1,000 sampled): 15,000 rows read in order
    // against 32,000 collected.
    assert!(cheaper(1_000, 16, 16, 240, 1_000_000, 1_000_000));
    // A rare needle, or none in the sample: the set.
    assert!(!cheaper(1_000, 3, 3, 240, 1_000_000, 1_000_000));
    assert!(!cheaper(1_000, 0, 0, 240, 1_000_000, 1_000_000));
    // Deep pages need more matches before the scan can stop.
    assert!(!cheaper(1_000, 16, 16, 100_240, 1_000_000, 1_000_000));
    // A needle most rows match is read in order.
    assert!(cheaper(1_000, 900, 900, 100_240, 1_000_000, 1_000_000));
    // A common needle ("a", 8%) in a narrow view (one role of 18,000, a group, a sign-in
    // filter): no sampled row passes all of it, but reading the whole role in order costs
    // less than collecting the needle's 80,000 matches.
    assert!(cheaper(1_000, 0, 80, 240, 18_000, 1_000_000));
    // The same view of a rare needle: the set.
    assert!(!cheaper(1_000, 0, 2, 240, 18_000, 1_000_000));
    // "smith" on page 20 (600 matches wanted): 37,500 rows read in order. With a lookup per
    // row that costs more than collecting its 16,000 matches; tested from the index, less.
    assert!(!cheaper(1_000, 16, 16, 600, 1_000_000, 1_000_000));
    assert!(scan_is_cheaper(
        1_000,
        16,
        16,
        600,
        1_000_000,
        1_000_000,
        COVERED_SET_ROW_COST
    ));
}

// The indexes that hold the email and name are read in order at the lower cost, and only
// for views whose filters they hold too.
#[test]
fn covered_orders_cost_less_per_row() {
    let view = |sort, last_sign_in| UserQuery {
        sort,
        last_sign_in,
        ..UserQuery::default()
    };
    for sort in UserSort::ALL {
        let q = view(sort, None);
        assert_eq!(
            set_row_cost(&q, scan_index(sort, false, false)),
            COVERED_SET_ROW_COST,
            "{sort:?}"
        );
    }
    let never = Some(crate::model::LastSignIn::Never);
    assert_eq!(
        set_row_cost(
            &view(UserSort::LastSignIn, never),
            "memberships_by_last_sign_in"
        ),
        COVERED_SET_ROW_COST
    );
    assert_eq!(
        set_row_cost(&view(UserSort::Created, never), "memberships_by_created"),
        SET_ROW_COST
    );
    // A status with a sort its index does not hold with the email and name.
    assert_eq!(
        set_row_cost(
            &view(UserSort::Email, None),
            scan_index(UserSort::Email, true, false)
        ),
        SET_ROW_COST
    );
    assert_eq!(
        set_row_cost(
            &view(UserSort::Created, None),
            scan_index(UserSort::Created, true, false)
        ),
        COVERED_SET_ROW_COST
    );
}

// Every search runs both ways, for each sort: the index and the scan give the same page.
db_test!(both_search_paths_give_the_same_rows, |db: Db| async move {
    let acme = fixture(&db).await;
    for needle in [
        "smith",
        "SMI",
        "example",
        "ada lo",
        // Spans the email and the name.
        "org ada",
        "@navy",
        "100%",
        "nobody-at-all",
    ] {
        for sort in UserSort::ALL {
            for desc in [false, true] {
                let q = UserQuery {
                    q: needle.into(),
                    sort,
                    desc,
                    size: 2,
                    ..UserQuery::default()
                };
                let index = list_with(&db, acme, &q, SearchPath::Index).await.unwrap();
                let scan = list_with(&db, acme, &q, SearchPath::Scan).await.unwrap();
                assert_eq!(
                    (names(&index), index.total),
                    (names(&scan), scan.total),
                    "{q:?}"
                );
            }
        }
    }
});

#[test]
fn like_patterns_are_escaped() {
    assert_eq!(escape_like(r"50%_off\"), r"50\%\_off\\");
}

/// Five people in `acme` (and one Smith in `other`, who must never show up there).
async fn fixture(db: &Db) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let acme = store::create_project(&mut tx, "acme", "Acme")
        .await
        .unwrap();
    let other = store::create_project(&mut tx, "other", "Other")
        .await
        .unwrap();
    let group = |name: &'static str| {
        let q = sqlx::query_scalar::<_, i64>(
            "INSERT INTO groups (project_id, name, created_at) VALUES ($1, $2, 0) RETURNING id",
        );
        q.bind(acme).bind(name)
    };
    let eng: i64 = group("Engineering").fetch_one(&mut *tx).await.unwrap();
    let sales: i64 = group("Sales").fetch_one(&mut *tx).await.unwrap();
    // email, first, last, status, role, groups, created, last sign-in, project
    type Person<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a [i64],
        i64,
        i64,
        i64,
    );
    let people: [Person; 6] = [
        (
            "ada@example.org",
            "Ada",
            "Lovelace",
            "active",
            "admin",
            &[eng],
            1000,
            5000,
            acme,
        ),
        (
            "alan@example.com",
            "Alan",
            "Turing",
            "inactive",
            "developer",
            &[eng, sales],
            2000,
            0,
            acme,
        ),
        (
            "grace@navy.test",
            "Grace",
            "Hopper",
            "invited",
            "end_user",
            &[],
            3000,
            0,
            acme,
        ),
        (
            "linus@kernel.test",
            "Linus",
            "Smith",
            "active",
            "end_user",
            &[sales],
            4000,
            9000,
            acme,
        ),
        (
            "margaret@example.org",
            "Margaret",
            "Hamilton-Smith",
            "active",
            "owner",
            &[],
            5000,
            7000,
            acme,
        ),
        (
            "smith@other.test",
            "John",
            "Smith",
            "active",
            "admin",
            &[],
            6000,
            8000,
            other,
        ),
    ];
    for (email, first, last, status, role, groups, created, signed_in, project) in people {
        let id = store::insert_user(
            &mut tx,
            &NewUser {
                email,
                first_name: first,
                last_name: last,
                password_hash: None,
                status,
                is_superadmin: false,
            },
        )
        .await
        .unwrap();
        sqlx::query("UPDATE users SET created_at = $1, last_sign_in_at = $2 WHERE id = $3")
            .bind(created)
            .bind((signed_in > 0).then_some(signed_in))
            .bind(id)
            .execute(&mut *tx)
            .await
            .unwrap();
        let role_id = store::role_id(&mut tx, project, role).await.unwrap();
        store::add_membership(&mut tx, project, id, role_id)
            .await
            .unwrap();
        for g in groups {
            sqlx::query(
                "INSERT INTO group_members (group_id, user_id, added_at) VALUES ($1, $2, 0)",
            )
            .bind(*g)
            .bind(id)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
    acme
}

fn names(page: &Page<UserRow>) -> Vec<&str> {
    page.items
        .iter()
        .map(|r| r.email.split('@').next().unwrap())
        .collect()
}

db_test!(
    every_filter_sort_and_page_returns_exactly_the_right_rows,
    |db: Db| async move {
        let acme = fixture(&db).await;
        let run = |q: UserQuery| {
            let db = db.clone();
            async move { list(&db, acme, &q).await.unwrap() }
        };
        let base = UserQuery::default();
        let p = run(base.clone()).await;
        assert_eq!(names(&p), ["margaret", "linus", "grace", "alan", "ada"]);
        assert_eq!(p.total, 5);
        // Margaret is the project's only active owner: her row says so, and no other.
        let last_owner: Vec<bool> = p.items.iter().map(|r| r.last_owner).collect();
        assert_eq!(last_owner, [true, false, false, false, false]);
        assert_eq!(p.items[4].groups, ["Engineering"]);
        assert!(p.items[0].groups.is_empty());

        let alan = &p.items[3];
        assert_eq!(
            (alan.role.as_str(), alan.status),
            ("developer", Status::Inactive)
        );
        assert_eq!(alan.groups, ["Engineering", "Sales"]);
        assert_eq!(
            (alan.first_name.as_str(), alan.last_name.as_str()),
            ("Alan", "Turing")
        );
        assert_eq!((alan.created_at, alan.last_sign_in_at), (2000, None));
        assert_eq!(p.items[0].last_sign_in_at, Some(7000));

        let search = |s: &str| UserQuery {
            q: s.into(),
            ..base.clone()
        };
        // Substring, case-insensitive, email or name — and never another project's Smith.
        assert_eq!(names(&run(search("smith")).await), ["margaret", "linus"]);
        assert_eq!(names(&run(search("SMITH")).await), ["margaret", "linus"]);
        assert_eq!(run(search("smith")).await.total, 2);
        assert_eq!(
            names(&run(search("@example.org")).await),
            ["margaret", "ada"]
        );
        assert_eq!(names(&run(search("ada lovelace")).await), ["ada"]);
        assert_eq!(names(&run(search("ring")).await), ["alan"]);
        assert_eq!(names(&run(search("gr")).await), ["grace"]);
        assert_eq!(names(&run(search("%")).await), Vec::<&str>::new());
        assert_eq!(names(&run(search("nobody-here")).await), Vec::<&str>::new());

        let status = |s| UserQuery {
            status: Some(s),
            ..base.clone()
        };
        assert_eq!(names(&run(status(Status::Inactive)).await), ["alan"]);
        assert_eq!(names(&run(status(Status::Invited)).await), ["grace"]);
        assert_eq!(
            names(&run(status(Status::Active)).await),
            ["margaret", "linus", "ada"]
        );
        let role = |r: &str| UserQuery {
            role: Some(r.into()),
            ..base.clone()
        };
        assert_eq!(names(&run(role("end_user")).await), ["linus", "grace"]);
        assert_eq!(names(&run(role("no-such-role")).await), Vec::<&str>::new());
        let group = |g: &str| UserQuery {
            group: Some(g.into()),
            ..base.clone()
        };
        assert_eq!(names(&run(group("Sales")).await), ["linus", "alan"]);
        let both = UserQuery {
            role: Some("end_user".into()),
            group: Some("Sales".into()),
            ..base.clone()
        };
        assert_eq!(names(&run(both).await), ["linus"]);
        let all = UserQuery {
            q: "a".into(),
            status: Some(Status::Active),
            role: Some("admin".into()),
            group: Some("Engineering".into()),
            ..base.clone()
        };
        assert_eq!(names(&run(all).await), ["ada"]);

        let sort = |s: UserSort, desc: bool| UserQuery {
            sort: s,
            desc,
            ..base.clone()
        };
        assert_eq!(
            names(&run(sort(UserSort::Email, false)).await),
            ["ada", "alan", "grace", "linus", "margaret"]
        );
        assert_eq!(
            names(&run(sort(UserSort::Email, true)).await),
            ["margaret", "linus", "grace", "alan", "ada"]
        );
        assert_eq!(
            names(&run(sort(UserSort::Name, true)).await),
            ["margaret", "linus", "grace", "alan", "ada"]
        );
        assert_eq!(
            names(&run(sort(UserSort::Name, false)).await),
            ["ada", "alan", "grace", "linus", "margaret"]
        );
        // Never signed in sorts as oldest; ties broken by id.
        assert_eq!(
            names(&run(sort(UserSort::LastSignIn, true)).await),
            ["linus", "margaret", "ada", "grace", "alan"]
        );
        assert_eq!(
            names(&run(sort(UserSort::LastSignIn, false)).await),
            ["alan", "grace", "ada", "margaret", "linus"]
        );
        assert_eq!(
            names(&run(sort(UserSort::Role, false)).await),
            ["margaret", "ada", "alan", "grace", "linus"]
        );
        assert_eq!(
            names(&run(sort(UserSort::Status, false)).await),
            ["ada", "linus", "margaret", "alan", "grace"]
        );
        assert_eq!(
            names(&run(sort(UserSort::Created, false)).await),
            ["ada", "alan", "grace", "linus", "margaret"]
        );

        let page = |n: u32| UserQuery {
            page: n,
            size: 2,
            ..base.clone()
        };
        let p2 = run(page(2)).await;
        assert_eq!(
            (names(&p2), p2.total, p2.pages()),
            (vec!["grace", "alan"], 5, 3)
        );
        assert_eq!(names(&run(page(3)).await), ["ada"]);
        assert_eq!(names(&run(page(4)).await), Vec::<&str>::new());
        let searched = UserQuery {
            q: "smith".into(),
            page: 2,
            size: 1,
            ..base.clone()
        };
        let s2 = run(searched).await;
        assert_eq!((names(&s2), s2.total), (vec!["linus"], 2));
    }
);

// Totals without search come from the counters; they must agree with counting the rows
// through inserts, status and role changes and deletes.
db_test!(counted_totals_follow_every_change, |db: Db| async move {
    let acme = fixture(&db).await;
    let check = |db: Db| async move {
        let dir = directory(&db, acme).await.unwrap();
        let mut views = vec![UserQuery::default()];
        for s in [Status::Active, Status::Inactive, Status::Invited] {
            views.push(UserQuery {
                status: Some(s),
                ..UserQuery::default()
            });
            for (_, r) in &dir.roles {
                views.push(UserQuery {
                    status: Some(s),
                    role: Some(r.clone()),
                    ..UserQuery::default()
                });
            }
        }
        for (_, r) in &dir.roles {
            views.push(UserQuery {
                role: Some(r.clone()),
                ..UserQuery::default()
            });
        }
        // The same views within each group (counted by group_counts, migration 0004).
        let without_group = views.clone();
        for (_, g) in &dir.groups {
            for v in &without_group {
                views.push(UserQuery {
                    group: Some(g.clone()),
                    ..v.clone()
                });
            }
        }
        for v in views {
            let mut sql = format!(
                "FROM memberships m JOIN roles r ON r.id = m.role_id WHERE m.project_id = {acme}"
            );
            if let Some(g) = &v.group {
                sql += &format!(
                    " AND EXISTS (SELECT 1 FROM group_members gm JOIN groups g ON g.id = gm.group_id \
                       WHERE g.project_id = {acme} AND g.name = '{g}' AND gm.user_id = m.user_id)"
                );
            }
            if let Some(s) = v.status {
                sql += &format!(" AND m.status = '{}'", s.as_str());
            }
            if let Some(r) = &v.role {
                sql += &format!(" AND r.name = '{r}'");
            }
            let counted: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {sql}"))
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(
                list(&db, acme, &v).await.unwrap().total,
                counted as u64,
                "{v:?}"
            );
            // A group's rows come from its copy of the list columns (migration 0019): in
            // every order they are the memberships' own.
            if v.group.is_some() {
                for sort in UserSort::ALL {
                    for desc in [false, true] {
                        let v = UserQuery {
                            sort,
                            desc,
                            size: 100,
                            ..v.clone()
                        };
                        let want: Vec<i64> = sqlx::query_scalar(&format!(
                            "SELECT m.user_id {sql} ORDER BY {}",
                            order_by(sort, desc)
                        ))
                        .fetch_all(db.pool())
                        .await
                        .unwrap();
                        let got: Vec<i64> = list(&db, acme, &v)
                            .await
                            .unwrap()
                            .items
                            .iter()
                            .map(|r| r.id)
                            .collect();
                        assert_eq!(got, want, "{v:?}");
                    }
                }
            }
        }
    };
    check(db.clone()).await;
    let mut tx = db.begin().await.unwrap();
    let ada: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'ada@example.org'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE users SET status = 'inactive' WHERE id = $1")
        .bind(ada)
        .execute(&mut *tx)
        .await
        .unwrap();
    // A new name and address, and a sign-in: the list columns a group's copy holds.
    sqlx::query("UPDATE users SET first_name = 'Zelda', email = 'zz@example.org' WHERE id = $1")
        .bind(ada)
        .execute(&mut *tx)
        .await
        .unwrap();
    store::sync_memberships(&mut tx, ada).await.unwrap();
    sqlx::query("UPDATE memberships SET last_sign_in_at = 1700000000000 WHERE user_id = $1")
        .bind(ada)
        .execute(&mut *tx)
        .await
        .unwrap();
    let dev = store::role_id(&mut tx, acme, "developer").await.unwrap();
    sqlx::query("UPDATE memberships SET role_id = $1 WHERE user_id = $2")
        .bind(dev)
        .bind(ada)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("DELETE FROM users WHERE email = 'grace@navy.test'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    check(db.clone()).await;

    // Group changes: join, leave, leave the project while staying in a group, come back.
    let group = |name: &'static str| {
        sqlx::query_scalar::<_, i64>("SELECT id FROM groups WHERE project_id = $1 AND name = $2")
            .bind(acme)
            .bind(name)
    };
    let mut tx = db.begin().await.unwrap();
    let sales = group("Sales").fetch_one(&mut *tx).await.unwrap();
    let eng = group("Engineering").fetch_one(&mut *tx).await.unwrap();
    sqlx::query("INSERT INTO group_members (group_id, user_id, added_at) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING")
        .bind(sales)
        .bind(ada)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("INSERT INTO group_members (group_id, user_id, added_at) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING")
        .bind(eng)
        .bind(ada)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = (SELECT MIN(user_id) FROM group_members WHERE group_id = $1 AND user_id <> $2)")
        .bind(eng)
        .bind(ada)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    check(db.clone()).await;
    let mut tx = db.begin().await.unwrap();
    sqlx::query("DELETE FROM memberships WHERE project_id = $1 AND user_id = $2")
        .bind(acme)
        .bind(ada)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    check(db.clone()).await;
    let mut tx = db.begin().await.unwrap();
    store::add_membership(&mut tx, acme, ada, dev)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    check(db.clone()).await;
    assert_eq!(
        list(&db, acme, &UserQuery::default()).await.unwrap().total,
        4
    );
    // Deleting someone in two groups cascades to the membership and both group rows.
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(ada)
        .execute(db.pool())
        .await
        .unwrap();
    check(db.clone()).await;
    let in_sales = UserQuery {
        group: Some("Sales".into()),
        ..UserQuery::default()
    };
    let sales_left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM group_members gm JOIN memberships m ON m.user_id = gm.user_id AND m.project_id = $1 WHERE gm.group_id = $2",
    )
    .bind(acme)
    .bind(sales)
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(
        list(&db, acme, &in_sales).await.unwrap().total,
        sales_left as u64
    );
});

db_test!(search_follows_changes_to_users, |db: Db| async move {
    let acme = fixture(&db).await;
    let mut tx = db.begin().await.unwrap();
    // As every change to a user does: update, then re-copy into the memberships.
    let ada: i64 = sqlx::query_scalar(
        "UPDATE users SET last_name = 'Byron' WHERE email = 'ada@example.org' RETURNING id",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    store::sync_memberships(&mut tx, ada).await.unwrap();
    sqlx::query("DELETE FROM users WHERE email = 'linus@kernel.test'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let q = |s: &str| UserQuery {
        q: s.into(),
        ..UserQuery::default()
    };
    // The trigram index follows through triggers, the scan through the memberships' copy.
    for path in [SearchPath::Index, SearchPath::Scan] {
        let found = |s: &'static str| {
            let db = db.clone();
            async move { list_with(&db, acme, &q(s), path).await.unwrap() }
        };
        assert_eq!(names(&found("byron").await), ["ada"], "{path:?}");
        assert!(found("lovelace").await.items.is_empty(), "{path:?}");
        assert_eq!(names(&found("smith").await), ["margaret"], "{path:?}");
    }
});
