//! The database's own plan for a view's queries, as the benchmarks print it for their
//! slowest views.
use super::*;

/// The database's plan for the page and count queries of a view (`EXPLAIN QUERY PLAN` on
/// SQLite, `EXPLAIN` on PostgreSQL), one line per step: what the benchmarks print for their
/// slowest views.
pub async fn explain(db: &Db, project_id: i64, q: &UserQuery) -> Result<Vec<String>, AppError> {
    let q = &q.bounded();
    let dir = directory(db, project_id).await?;
    let Some(plan) = plan_list(db, project_id, q, &dir, SearchPath::Auto).await? else {
        return Ok(vec![
            "(a role or group the project does not have: no query)".into(),
        ]);
    };
    let mut lines = Vec::new();
    // The queries `list_with` runs for this view.
    let head = count_cap(q) + 1;
    let queries = if plan.bounded && head <= ONE_READ {
        let mut queries = Vec::new();
        if let Some(b) = &plan.budget {
            queries.push((
                "page and count in order, within a budget of rows",
                b.select(q.sort, q.desc, head),
                &b.binds,
            ));
        }
        queries.push(("page and count", plan.select(q.desc, head, 0), &plan.binds));
        queries
    } else {
        let (keys_sql, _) = plan.page_query(q, plan.exact_total(db).await?);
        let mut queries = vec![("page", keys_sql, &plan.binds)];
        if plan.known_total.is_none() {
            queries.push(("count", plan.count_sql.clone(), &plan.count_binds));
        }
        queries
    };
    for (what, sql, binds) in queries {
        lines.push(format!("{what}: {sql}"));
        match db.backend() {
            Backend::Sqlite => {
                let sql = format!("EXPLAIN QUERY PLAN {sql}");
                for r in bind_all(sqlx::query(&sql), binds)
                    .fetch_all(db.pool())
                    .await?
                {
                    let parent: i64 = r.try_get(1)?;
                    let detail: String = r.try_get(3)?;
                    lines.push(format!("  {parent:>3} {detail}"));
                }
            }
            Backend::Postgres => {
                let sql = format!("EXPLAIN {sql}");
                for r in bind_all(sqlx::query(&sql), binds)
                    .fetch_all(db.pool())
                    .await?
                {
                    let line: String = r.try_get(0)?;
                    lines.push(format!("  {line}"));
                }
            }
        }
    }
    Ok(lines)
}
