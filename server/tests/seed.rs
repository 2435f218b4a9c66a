//! `seed-demo` writes consistent, realistic data on both backends.
mod common;

use common::TestApp;

app_test!(
    seed_demo_fills_a_project_consistently,
    |app: TestApp| async move {
        let n = 2_500;
        let seeded =
            server::seed::seed_demo(app.db(), &app.state.passwords, "acme", n, false, false)
                .await
                .unwrap();
        assert_eq!(seeded.inserted, n);
        let pid = seeded.project_id;
        let members = app
            .count(&format!(
                "SELECT COUNT(*) FROM memberships WHERE project_id = {pid}"
            ))
            .await;
        assert_eq!(members, n as i64);
        // Every status appears, in plausible proportions.
        for (status, lo, hi) in [
            ("active", 0.70, 0.90),
            ("inactive", 0.07, 0.18),
            ("invited", 0.04, 0.12),
        ] {
            let k = app.count(&format!("SELECT COUNT(*) FROM memberships WHERE project_id = {pid} AND status = '{status}'")).await;
            let share = k as f64 / n as f64;
            assert!(share > lo && share < hi, "{status}: {share}");
        }
        // The membership copy agrees with the users table.
        let mismatched = app
        .count(&format!(
            "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.project_id = {pid} \
             AND (m.email <> u.email OR m.status <> u.status OR m.created_at <> u.created_at)"
        ))
        .await;
        assert_eq!(mismatched, 0);
        // Invited people have an invitation and no password or sign-in; others have both.
        let bad_invited = app
        .count("SELECT COUNT(*) FROM users u WHERE u.status = 'invited' AND (u.password_hash IS NOT NULL OR u.last_sign_in_at IS NOT NULL \
                OR NOT EXISTS (SELECT 1 FROM invitations i WHERE i.user_id = u.id))")
        .await;
        assert_eq!(bad_invited, 0);
        // A history to go with it: each person's newest sign-in event is the last sign-in the
        // list shows, invited people never signed in, about ten events a person.
        let off = app
            .count(
                "SELECT COUNT(*) FROM users u WHERE u.last_sign_in_at IS NOT NULL AND u.last_sign_in_at <> \
                 (SELECT MAX(a.at) FROM audit_events a WHERE a.target_user_id = u.id AND a.action = 'auth.signed_in')",
            )
            .await;
        assert_eq!(off, 0, "the newest sign-in event matches last_sign_in_at");
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM audit_events a JOIN users u ON u.id = a.target_user_id \
                 WHERE u.status = 'invited' AND a.action = 'auth.signed_in'"
            )
            .await,
            0
        );
        let events = app.count("SELECT COUNT(*) FROM audit_events").await;
        assert!(
            events > 4 * n as i64 && events < 15 * n as i64,
            "{events} events for {n} people"
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM users u JOIN memberships m ON m.user_id = u.id AND m.project_id = {pid} \
                 WHERE u.status = 'inactive' AND NOT EXISTS (SELECT 1 FROM audit_events a \
                 WHERE a.target_user_id = u.id AND a.action = 'user.deactivated')"
            ))
            .await,
            0,
            "every inactive person was deactivated by someone"
        );
        let in_groups = app
            .count("SELECT COUNT(DISTINCT user_id) FROM group_members")
            .await;
        assert!(in_groups > (n as i64) / 3, "{in_groups} users in groups");
        assert!(
            app.count("SELECT COUNT(*) FROM users WHERE last_name = 'Smith'")
                .await
                > 0
        );
        // Running again adds more users without clashing.
        let again =
            server::seed::seed_demo(app.db(), &app.state.passwords, "acme", 100, false, true)
                .await
                .unwrap();
        assert_eq!(again.inserted, 100);
        app
    }
);

app_test!(
    seed_demo_refuses_a_project_with_members_unless_told,
    |app: TestApp| async move {
        app.user("real.person@acme.test", "acme", "end_user").await;
        let members = "SELECT COUNT(*) FROM memberships";
        let before = app.count(members).await;
        let refused =
            server::seed::seed_demo(app.db(), &app.state.passwords, "acme", 50, false, false).await;
        let err = refused.err().expect("refused");
        assert!(err.to_string().contains("--allow-demo-admins"), "{err}");
        assert_eq!(app.count(members).await, before, "nothing added");
        // The bootstrap superadmin alone does not count: a fresh install seeds as documented.
        let fresh =
            server::seed::seed_demo(app.db(), &app.state.passwords, "default", 50, false, false)
                .await
                .unwrap();
        assert_eq!(fresh.inserted, 50);
        let allowed =
            server::seed::seed_demo(app.db(), &app.state.passwords, "acme", 50, false, true)
                .await
                .unwrap();
        assert_eq!(allowed.inserted, 50);
        app
    }
);
