//! `seed-demo`: fills a project with realistic users, fast enough for a million.
//!
//! Users are written in batches (one multi-row INSERT per table per batch, one transaction per
//! batch), so the cost is dominated by index maintenance, not round trips.
use app::model::AppError;
use app::server::password::Passwords;
use app::server::store;
use app::server::util::{hash_token, new_token, now_ms};
use app::server::Db;
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;

pub const FIRST: &[&str] = &[
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Ken",
    "Barbara",
    "Dennis",
    "Frances",
    "Edsger",
    "Radia",
    "Tim",
    "Hedy",
    "John",
    "Katherine",
    "Donald",
    "Sophie",
    "Guido",
    "Joan",
    "Bjarne",
    "Anita",
    "Niklaus",
    "Shafi",
    "Leslie",
    "Jean",
    "Claude",
    "Mary",
    "Vint",
    "Karen",
    "Robert",
    "Lucía",
    "Mateo",
    "Amélie",
    "Louis",
    "Chloé",
    "Hugo",
    "Yuki",
    "Hiro",
    "Priya",
    "Arjun",
    "Fatima",
    "Omar",
    "Ingrid",
    "Lars",
    "Zoë",
    "Noah",
    "Emma",
    "Liam",
    "Olivia",
    "Ethan",
    "Mia",
    "Lucas",
    "Aisha",
    "Kwame",
    "Nia",
    "Tariq",
    "Elena",
    "Ivan",
    "Sara",
    "David",
];
pub const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Thompson",
    "Liskov",
    "Ritchie",
    "Allen",
    "Dijkstra",
    "Perlman",
    "Lamarr",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Rossi",
    "Russo",
    "Ferrari",
    "Silva",
    "Santos",
    "Tanaka",
    "Suzuki",
    "Sato",
    "Kim",
    "Lee",
    "Park",
    "Nguyen",
    "Tran",
    "Patel",
    "Shah",
    "Singh",
    "Okafor",
    "Mensah",
    "Haddad",
    "Cohen",
    "Novak",
    "Kowalski",
    "Ivanova",
];
pub const DOMAINS: &[&str] = &[
    "example.org",
    "example.com",
    "acme.test",
    "mail.test",
    "corp.test",
];
const GROUPS: &[(&str, &[&str])] = &[
    ("Engineering", &["deploy:write"]),
    ("Sales", &["crm:read"]),
    ("Support", &["users:read", "sessions:revoke"]),
    ("Marketing", &["campaigns:write"]),
    ("Finance", &["billing:read"]),
    ("Design", &["assets:write"]),
];
const BATCH: usize = 1000;

pub struct Seeded {
    pub inserted: u64,
    pub project_id: i64,
}

/// Adds `n` demo users to project `slug` (created if missing). Demo accounts that are active
/// share the public password `demo-password`, and a few are owners or admins; so a project
/// that already has members (other than superadmins) is refused unless `allow_demo_admins`.
pub async fn seed_demo(
    db: &Db,
    passwords: &Passwords,
    slug: &str,
    n: u64,
    show_progress: bool,
    allow_demo_admins: bool,
) -> Result<Seeded, AppError> {
    let mut rng = StdRng::from_entropy();
    if !allow_demo_admins {
        let members: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships m JOIN projects p ON p.id = m.project_id \
             JOIN users u ON u.id = m.user_id WHERE p.slug = $1 AND u.is_superadmin = 0",
        )
        .bind(slug)
        .fetch_one(db.pool())
        .await?;
        if members > 0 {
            return Err(AppError::validation(
                "project",
                format!(
                    "Project \"{slug}\" already has {members} members. Demo data adds owners and \
                     admins whose password is public; pass --allow-demo-admins to add it anyway."
                ),
            ));
        }
    }
    let (project_id, roles, groups) = prepare_project(db, slug).await?;
    let hash = passwords.hash("demo-password").await?;
    let run = format!("{:04x}", rng.gen::<u16>());
    let now = now_ms();
    const YEAR: i64 = 365 * 24 * 3600 * 1000;

    let bar = if show_progress {
        ProgressBar::new(n)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} users ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut inserted = 0u64;
    let mut i = 0u64;
    while i < n {
        let size = BATCH.min((n - i) as usize);
        struct U {
            email: String,
            first: &'static str,
            last: &'static str,
            status: &'static str,
            created: i64,
            last_sign_in: Option<i64>,
            role: i64,
        }
        let users: Vec<U> = (0..size)
            .map(|k| {
                let first = FIRST[rng.gen_range(0..FIRST.len())];
                let last = LAST[rng.gen_range(0..LAST.len())];
                let domain = DOMAINS[rng.gen_range(0..DOMAINS.len())];
                let email = format!(
                    "{}.{}.{run}{}@{domain}",
                    ascii(first),
                    ascii(last),
                    i + k as u64
                )
                .to_lowercase();
                let roll: f64 = rng.gen();
                let status = if roll < 0.08 {
                    "invited"
                } else if roll < 0.20 {
                    "inactive"
                } else {
                    "active"
                };
                let created = now - rng.gen_range(0..2 * YEAR);
                let last_sign_in = (status != "invited")
                    .then(|| now - rng.gen_range(0..(now - created).clamp(1, YEAR)));
                let r: f64 = rng.gen();
                let role = if r < 0.001 {
                    roles[0]
                } else if r < 0.03 {
                    roles[1]
                } else if r < 0.08 {
                    roles[2]
                } else {
                    roles[3]
                };
                U {
                    email,
                    first,
                    last,
                    status,
                    created,
                    last_sign_in,
                    role,
                }
            })
            .collect();

        let mut tx = db.begin().await?;
        let mut sql = String::from(
            "INSERT INTO users (email, first_name, last_name, password_hash, status, created_at, updated_at, last_sign_in_at, language) VALUES ",
        );
        push_placeholders(&mut sql, users.len(), 9);
        sql.push_str(" ON CONFLICT (email) DO NOTHING RETURNING id, email");
        let mut q = sqlx::query(&sql);
        for u in &users {
            let lang = if u.email.len() % 5 == 0 { "fr" } else { "en" };
            q = q
                .bind(&u.email)
                .bind(u.first)
                .bind(u.last)
                .bind((u.status != "invited").then_some(hash.as_str()))
                .bind(u.status)
                .bind(u.created)
                .bind(u.created)
                .bind(u.last_sign_in)
                .bind(lang);
        }
        let rows = q.fetch_all(&mut *tx).await?;
        let by_email: std::collections::HashMap<String, i64> = rows
            .iter()
            .map(|r| Ok((r.try_get::<String, _>("email")?, r.try_get::<i64, _>("id")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        let kept: Vec<(&U, i64)> = users
            .iter()
            .filter_map(|u| by_email.get(&u.email).map(|id| (u, *id)))
            .collect();
        let kept_history = |kept: &[(&U, i64)]| -> Vec<Person> {
            kept.iter()
                .map(|(u, id)| Person {
                    id: *id,
                    email: u.email.clone(),
                    status: u.status,
                    created: u.created,
                    last_sign_in: u.last_sign_in,
                })
                .collect()
        };

        if !kept.is_empty() {
            let mut sql = String::from(
                "INSERT INTO memberships (project_id, user_id, role_id, joined_at, email, name_key, status, created_at, last_sign_in_at) VALUES ",
            );
            push_placeholders(&mut sql, kept.len(), 9);
            let mut q = sqlx::query(&sql);
            for (u, id) in &kept {
                q = q
                    .bind(project_id)
                    .bind(*id)
                    .bind(u.role)
                    .bind(u.created)
                    .bind(&u.email)
                    .bind(store::name_key(u.first, u.last))
                    .bind(u.status)
                    .bind(u.created)
                    .bind(u.last_sign_in.unwrap_or(0));
            }
            q.execute(&mut *tx).await?;

            let mut members: Vec<(i64, i64)> = Vec::new();
            for (_, id) in &kept {
                let roll: f64 = rng.gen();
                if roll < 0.6 {
                    let g = groups[rng.gen_range(0..groups.len())];
                    members.push((g, *id));
                    if roll < 0.15 {
                        let g2 = groups[rng.gen_range(0..groups.len())];
                        if g2 != g {
                            members.push((g2, *id));
                        }
                    }
                }
            }
            if !members.is_empty() {
                let mut sql =
                    String::from("INSERT INTO group_members (group_id, user_id, added_at) VALUES ");
                push_placeholders(&mut sql, members.len(), 3);
                let mut q = sqlx::query(&sql);
                for (g, u) in &members {
                    q = q.bind(*g).bind(*u).bind(now);
                }
                q.execute(&mut *tx).await?;
            }

            let invited: Vec<&(&U, i64)> =
                kept.iter().filter(|(u, _)| u.status == "invited").collect();
            if !invited.is_empty() {
                let mut sql = String::from(
                    "INSERT INTO invitations (project_id, user_id, email, role_id, token_hash, created_at, expires_at) VALUES ",
                );
                push_placeholders(&mut sql, invited.len(), 7);
                let mut q = sqlx::query(&sql);
                for (u, id) in invited {
                    q = q
                        .bind(project_id)
                        .bind(*id)
                        .bind(&u.email)
                        .bind(u.role)
                        .bind(hash_token(&new_token()))
                        .bind(u.created)
                        .bind(u.created + 7 * 24 * 3600 * 1000);
                }
                q.execute(&mut *tx).await?;
            }
        }
        if !kept.is_empty() {
            let events = history(&mut rng, project_id, &kept_history(&kept), now);
            insert_events(&mut tx, &events).await?;
        }
        tx.commit().await?;
        inserted += kept.len() as u64;
        i += size as u64;
        bar.inc(size as u64);
    }
    bar.finish();
    // Fresh statistics so the query planner sees the new distribution at once; on PostgreSQL
    // also a fresh visibility map, without which index-only scans must visit the table.
    match db.backend() {
        app::server::Backend::Postgres => {
            // Only the tables seeding wrote: a database-wide VACUUM warns about every system
            // catalog the role does not own.
            sqlx::query(
                "VACUUM (ANALYZE) users, memberships, group_members, invitations, audit_events, \
                 membership_counts, group_counts",
            )
            .execute(db.pool())
            .await?;
        }
        app::server::Backend::Sqlite => {
            let mut tx = db.begin().await?;
            sqlx::query("ANALYZE").execute(&mut *tx).await?;
            tx.commit().await?;
        }
    }
    Ok(Seeded {
        inserted,
        project_id,
    })
}

/// A seeded person, as their history needs them.
struct Person {
    id: i64,
    email: String,
    status: &'static str,
    created: i64,
    last_sign_in: Option<i64>,
}

/// One audit event: at, actor id, actor email, action, target id, target email, project, ip,
/// user agent, details.
type Row10 = (
    i64,
    Option<i64>,
    Option<String>,
    &'static str,
    i64,
    String,
    Option<i64>,
    String,
    &'static str,
    &'static str,
);

const AGENTS: [(&str, &str); 4] = [
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
        r#"{"browser":"Chrome","os":"Windows","device":"Desktop"}"#,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        r#"{"browser":"Safari","os":"macOS","device":"Desktop"}"#,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        r#"{"browser":"Safari","os":"iOS","device":"Mobile"}"#,
    ),
    (
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        r#"{"browser":"Firefox","os":"Linux","device":"Desktop"}"#,
    ),
];

/// A realistic history for each person, about ten events each (so a million users make ten
/// million events): the invitation, its acceptance, sign-ins up to their last one (which is
/// exactly the one the users list shows), some failed attempts, an edit now and then, and the
/// deactivation of inactive people after their last sign-in.
/// Who does the administrators' work in the seeded history.
pub const OPERATORS: [&str; 3] = [
    "alice.admin@example.com",
    "bruno.admin@example.com",
    "chen.admin@example.com",
];

fn history(rng: &mut StdRng, project_id: i64, people: &[Person], now: i64) -> Vec<Row10> {
    const MINUTE: i64 = 60_000;
    let mut out = Vec::new();
    for p in people {
        let ip = format!(
            "{}.{}",
            ["203.0.113", "198.51.100", "192.0.2"][rng.gen_range(0..3)],
            rng.gen_range(1..255)
        );
        let (ua, device) = AGENTS[rng.gen_range(0..AGENTS.len())];
        // The project's administrators: a few people who do all the inviting and editing, so
        // the audit log has actors with hundreds of thousands of events each.
        let admin = OPERATORS[rng.gen_range(0..OPERATORS.len())];
        let by_admin = |at: i64, action: &'static str, details: &'static str| {
            (
                at,
                None,
                Some(admin.to_string()),
                action,
                p.id,
                p.email.clone(),
                Some(project_id),
                String::new(),
                "",
                details,
            )
        };
        out.push(by_admin(
            p.created,
            "invitation.created",
            r#"{"role":"end_user"}"#,
        ));
        let Some(last) = p.last_sign_in else {
            continue;
        };
        let accepted = (p.created + rng.gen_range(5..3 * 24 * 60) * MINUTE).min(last);
        out.push((
            accepted,
            Some(p.id),
            Some(p.email.clone()),
            "invitation.accepted",
            p.id,
            p.email.clone(),
            Some(project_id),
            ip.clone(),
            ua,
            "{}",
        ));
        let sign_ins = rng.gen_range(1..=12);
        for k in 0..sign_ins {
            let at = if k == sign_ins - 1 {
                last
            } else {
                rng.gen_range(accepted..=last)
            };
            out.push((
                at,
                Some(p.id),
                Some(p.email.clone()),
                "auth.signed_in",
                p.id,
                p.email.clone(),
                None,
                ip.clone(),
                ua,
                device,
            ));
            if rng.gen_bool(0.08) {
                out.push((
                    at - rng.gen_range(1..10) * MINUTE,
                    None,
                    None,
                    "auth.sign_in_failed",
                    p.id,
                    p.email.clone(),
                    None,
                    ip.clone(),
                    ua,
                    r#"{"reason":"bad_credentials"}"#,
                ));
            }
        }
        if rng.gen_bool(0.1) {
            out.push(by_admin(
                rng.gen_range(accepted..=last),
                "user.updated",
                r#"{"changed":["last_name"]}"#,
            ));
        }
        if p.status == "inactive" {
            let at = (last + rng.gen_range(1..60 * 24 * 60) * MINUTE).min(now);
            out.push(by_admin(
                at,
                "user.deactivated",
                r#"{"sessions_revoked":0}"#,
            ));
        }
    }
    out
}

/// Writes events in multi-row INSERTs small enough for both backends' parameter limits.
async fn insert_events(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    events: &[Row10],
) -> Result<(), AppError> {
    for chunk in events.chunks(2_000) {
        let mut sql = String::from(
            "INSERT INTO audit_events (at, actor_id, actor_email, action, target_user_id, target_email, project_id, ip, user_agent, details) VALUES ",
        );
        push_placeholders(&mut sql, chunk.len(), 10);
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(e.0)
                .bind(e.1)
                .bind(e.2.clone())
                .bind(e.3)
                .bind(e.4)
                .bind(e.5.clone())
                .bind(e.6)
                .bind(e.7.clone())
                .bind(e.8)
                .bind(e.9);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The project (created if missing), its built-in role ids (owner, admin, developer, end_user)
/// and its demo groups (created if missing).
async fn prepare_project(db: &Db, slug: &str) -> Result<(i64, [i64; 4], Vec<i64>), AppError> {
    let mut tx = db.begin().await?;
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM projects WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&mut *tx)
        .await?;
    let project_id = match existing {
        Some(id) => id,
        None => {
            let name = slug[..1].to_uppercase() + &slug[1..];
            store::create_project(&mut tx, slug, &name).await?
        }
    };
    let mut roles = [0i64; 4];
    for (k, name) in ["owner", "admin", "developer", "end_user"]
        .iter()
        .enumerate()
    {
        roles[k] = store::role_id(&mut tx, project_id, name).await?;
    }
    let mut groups = Vec::new();
    for (name, perms) in GROUPS {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM groups WHERE project_id = $1 AND name = $2")
                .bind(project_id)
                .bind(*name)
                .fetch_optional(&mut *tx)
                .await?;
        let id = match id {
            Some(id) => id,
            None => {
                let id: i64 = sqlx::query_scalar("INSERT INTO groups (project_id, name, created_at) VALUES ($1, $2, $3) RETURNING id")
                    .bind(project_id)
                    .bind(*name)
                    .bind(now_ms())
                    .fetch_one(&mut *tx)
                    .await?;
                for p in *perms {
                    sqlx::query(
                        "INSERT INTO group_permissions (group_id, permission) VALUES ($1, $2)",
                    )
                    .bind(id)
                    .bind(*p)
                    .execute(&mut *tx)
                    .await?;
                }
                id
            }
        };
        groups.push(id);
    }
    tx.commit().await?;
    Ok((project_id, roles, groups))
}

fn push_placeholders(sql: &mut String, rows: usize, cols: usize) {
    use std::fmt::Write;
    let mut n = 1;
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..cols {
            if c > 0 {
                sql.push(',');
            }
            let _ = write!(sql, "${n}");
            n += 1;
        }
        sql.push(')');
    }
}

/// Email-safe spelling of a name (drops accents).
fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ï' => 'i',
            'ó' | 'ô' | 'ö' => 'o',
            'ú' | 'ü' => 'u',
            'ç' => 'c',
            c => c,
        })
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered() {
        let mut s = String::new();
        super::push_placeholders(&mut s, 2, 3);
        assert_eq!(s, "($1,$2,$3),($4,$5,$6)");
        assert_eq!(super::ascii("Zoë"), "Zoe");
    }
}
