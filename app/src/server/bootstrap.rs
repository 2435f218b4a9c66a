//! First start: an empty database gets the `default` project (with the built-in roles) and a
//! superadmin who owns it.
use super::audit::{self, Actor, Event};
use super::password::Passwords;
use super::store::{self, NewUser};
use super::util::random_password;
use super::Db;
use crate::model::{validate_email, AppError};

/// Credentials of the superadmin created on this start, to print once.
#[derive(Debug, Clone)]
pub struct Created {
    pub email: String,
    /// Set when the password was generated (not given in the environment).
    pub generated_password: Option<String>,
}

pub async fn bootstrap(
    db: &Db,
    passwords: &Passwords,
    admin_email: Option<&str>,
    admin_password: Option<&str>,
) -> Result<Option<Created>, AppError> {
    let projects: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM projects")
        .fetch_one(db.pool())
        .await?;
    if projects > 0 {
        return Ok(None);
    }
    let email = validate_email(admin_email.unwrap_or("admin@roster.local"))?;
    let (password, generated) = match admin_password {
        Some(p) if !p.is_empty() => {
            super::password::check_policy("ROSTER_ADMIN_PASSWORD", p, &email)?;
            (p.to_string(), false)
        }
        _ => {
            let p = random_password();
            (p.clone(), true)
        }
    };
    let hash = passwords.hash(&password).await?;

    let mut tx = db.begin().await?;
    let project_id = match store::create_project(&mut tx, "default", "Default project").await {
        Ok(id) => id,
        // Another server process bootstrapped the same database first.
        Err(AppError::Conflict(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let user_id = store::insert_user(
        &mut tx,
        &NewUser {
            email: &email,
            first_name: "Roster",
            last_name: "Admin",
            password_hash: Some(&hash),
            status: "active",
            is_superadmin: true,
        },
    )
    .await?;
    let owner = store::role_id(&mut tx, project_id, "owner").await?;
    store::add_membership(&mut tx, project_id, user_id, owner).await?;
    audit::record(
        &mut tx,
        &Actor::system(),
        Event::new("system.bootstrapped")
            .project(project_id)
            .target(Some(user_id), &email),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(Created {
        email,
        generated_password: generated.then_some(password),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db_test;
    use crate::server::password::PasswordConfig;
    use sqlx::Row;

    db_test!(
        bootstrap_creates_default_project_and_superadmin_once,
        |db: Db| async move {
            let pw = Passwords::new(PasswordConfig::testing());
            let created = bootstrap(&db, &pw, Some("Root@Example.org"), None)
                .await
                .unwrap()
                .expect("created");
            assert_eq!(created.email, "root@example.org");
            let generated = created.generated_password.expect("a generated password");
            assert_eq!(generated.len(), 20);

            let row = sqlx::query(
                "SELECT password_hash, is_superadmin, status FROM users WHERE email = $1",
            )
            .bind("root@example.org")
            .fetch_one(db.pool())
            .await
            .unwrap();
            let hash: String = row.try_get("password_hash").unwrap();
            assert!(pw.verify(&generated, Some(&hash)).await.unwrap());
            assert_eq!(row.try_get::<i64, _>("is_superadmin").unwrap(), 1);
            assert_eq!(row.try_get::<String, _>("status").unwrap(), "active");

            let roles: Vec<String> = sqlx::query_scalar(
            "SELECT r.name FROM roles r JOIN projects p ON p.id = r.project_id WHERE p.slug = 'default' ORDER BY r.name",
        )
        .fetch_all(db.pool())
        .await
        .unwrap();
            assert_eq!(roles, ["admin", "developer", "end_user", "owner"]);
            let owner_perms: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM role_permissions rp JOIN roles r ON r.id = rp.role_id WHERE r.name = 'owner'",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
            assert_eq!(owner_perms, 12);

            let viewer = store::viewer(
                &db,
                sqlx::query_scalar("SELECT id FROM users")
                    .fetch_one(db.pool())
                    .await
                    .unwrap(),
            )
            .await
            .unwrap();
            assert_eq!(viewer.projects.len(), 1);
            assert_eq!(viewer.landing(), "/p/default/users");

            // A second start changes nothing.
            assert!(bootstrap(&db, &pw, Some("other@example.org"), None)
                .await
                .unwrap()
                .is_none());
            let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(users, 1);
            let events: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_events WHERE action = 'system.bootstrapped'",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            assert_eq!(events, 1);
        }
    );

    db_test!(
        bootstrap_uses_the_given_password_and_refuses_a_weak_one,
        |db: Db| async move {
            let pw = Passwords::new(PasswordConfig::testing());
            let err = bootstrap(&db, &pw, Some("a@example.org"), Some("short"))
                .await
                .unwrap_err();
            assert!(matches!(err, AppError::Validation { .. }));
            let projects: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM projects")
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(projects, 0, "nothing half-written");
            let c = bootstrap(
                &db,
                &pw,
                Some("a@example.org"),
                Some("a long enough password"),
            )
            .await
            .unwrap()
            .unwrap();
            assert!(c.generated_password.is_none());
        }
    );
}
