//! Which index a statement reads: a plan that stops using its index still gives the right
//! rows, only slowly, so the row tests would not see it.
use super::*;

/// A page's rows look up each person's open invitation by the person, on a fresh database
/// (no measured statistics): by the project's open invitations it read all of them per row.
#[tokio::test]
async fn sqlite_looks_up_each_rows_invitation_by_person() {
    let lite = crate::server::db::testing::TestDb::new(Backend::Sqlite).await;
    let plan: Vec<String> =
        sqlx::query(&format!("EXPLAIN QUERY PLAN {}", rows_sql(Backend::Sqlite)))
            .bind(1_i64)
            .bind("[1,2,3]")
            .bind(1_i64)
            .fetch_all(lite.db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| sqlx::Row::get::<String, _>(r, 3))
            .collect();
    let invitations: Vec<&String> = plan.iter().filter(|l| l.contains(" i ")).collect();
    assert_eq!(
        invitations,
        ["SEARCH i USING INDEX invitations_user (user_id=?)"],
        "{plan:#?}"
    );
    assert!(
        plan.iter()
            .any(|l| l.contains("memberships_1 (project_id=? AND user_id=?)")),
        "{plan:#?}"
    );
}

/// PostgreSQL reads a needle of short pieces between separators, one of a single character,
/// through the index across words (migration 0022), and any other through the word-by-word one: the tests'
/// expressions must stay the indexes' own for the planner to use them at all.
#[tokio::test]
async fn postgres_reads_each_needle_through_its_trigram_index() {
    let pg = crate::server::db::testing::TestDb::new(Backend::Postgres).await;
    for (needle, index) in [
        ("k.mix", "users_search_across"),
        ("n l", "users_search_across"),
        ("9@ac", "users_search_across"),
        ("o'bri", "users_search_across"),
        // Pieces long enough to have trigrams of their own, or padded at a word's edge.
        ("ma ro", "users_search "),
        ("9@acme.te", "users_search "),
        ("ada.lovelace@example.org", "users_search "),
        ("smith", "users_search "),
        ("100%", "users_search "),
    ] {
        let mut tx = pg.db.begin().await.unwrap();
        // The table is empty: without this, reading it whole is the cheaper plan.
        sqlx::query("SET LOCAL enable_seqscan = off")
            .execute(&mut *tx)
            .await
            .unwrap();
        let plan: Vec<String> = sqlx::query(&format!("EXPLAIN {}", pg_search(needle)))
            .bind(format!("%{}%", escape_like(needle)))
            .fetch_all(&mut *tx)
            .await
            .unwrap()
            .iter()
            .map(|r| sqlx::Row::get::<String, _>(r, 0))
            .collect();
        let plan = plan.join("\n") + " ";
        assert!(plan.contains(&format!("on {index}")), "{needle}: {plan}");
    }
    pg.drop_db().await;
}
