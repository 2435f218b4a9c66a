//! The console and the account page in French show no English: every page is rendered for a
//! French-speaking admin, and no text of the English tables (that French says differently)
//! may appear in what a person sees or hears (text, aria-label, title, placeholder, alt).
//! Before sign-in the same holds for a browser that asks for French (`Accept-Language`), and
//! the server's error messages follow the reader's language too.
mod common;
use common::*;

/// The visible and accessible text of a page: text nodes and labelling attributes, without
/// scripts, styles and the hydration data.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    // Drop script and style elements whole.
    let mut cleaned = String::new();
    while let Some(start) = rest.find("<script").or_else(|| rest.find("<style")) {
        cleaned.push_str(&rest[..start]);
        let close = if rest[start..].starts_with("<script") {
            "</script>"
        } else {
            "</style>"
        };
        match rest[start..].find(close) {
            Some(end) => rest = &rest[start + end + close.len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    cleaned.push_str(rest);
    let mut in_tag = false;
    let mut tag = String::new();
    for c in cleaned.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
                out.push('\n');
            }
            (true, '>') => {
                in_tag = false;
                for attr in ["aria-label=\"", "title=\"", "placeholder=\"", "alt=\""] {
                    let mut t = tag.as_str();
                    while let Some(at) = t.find(attr) {
                        let v = &t[at + attr.len()..];
                        let end = v.find('"').unwrap_or(v.len());
                        out.push('\n');
                        out.push_str(&v[..end]);
                        t = &v[end..];
                    }
                }
            }
            (true, c) => tag.push(c),
            (false, c) => out.push(c),
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
}

/// `needle` in `text` as whole words: "Group" is not in "Groupes", nor "user" in "end_user",
/// in the permission "users:read" or in the audit action "user.updated" (a dot between two
/// letters joins an identifier; a dot after a word ends a sentence).
fn contains_word(text: &str, needle: &str) -> bool {
    let word =
        |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':'));
    let letter = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(needle).any(|(at, m)| {
        let (before, after) = (&text[..at], &text[at + m.len()..]);
        let mut back = before.chars().rev();
        let mut ahead = after.chars();
        let (b1, b2) = (back.next(), back.next());
        let (a1, a2) = (ahead.next(), ahead.next());
        let dotted = (b1 == Some('.') && letter(b2)) || (a1 == Some('.') && letter(a2));
        !word(b1) && !word(a1) && !dotted
    })
}

/// English texts that French says differently, and that are worth looking for (long enough
/// not to be a fragment of something else; a template by its longest literal piece).
fn english() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let tables = [
        (app::i18n::EN.entries(), app::i18n::FR.entries()),
        (
            app::pages::account_text::EN.entries(),
            app::pages::account_text::FR.entries(),
        ),
        (
            app::pages::detail_text::EN.entries(),
            app::pages::detail_text::FR.entries(),
        ),
        (
            app::pages::public_text::EN.entries(),
            app::pages::public_text::FR.entries(),
        ),
        (
            app::components::audit_log::EN.entries(),
            app::components::audit_log::FR.entries(),
        ),
        (
            app::components::roles_text::EN.entries(),
            app::components::roles_text::FR.entries(),
        ),
        (
            app::components::groups::EN.entries(),
            app::components::groups::FR.entries(),
        ),
        (
            app::components::imports::EN.entries(),
            app::components::imports::FR.entries(),
        ),
    ];
    for (en, fr) in tables {
        for ((name, e), (_, f)) in en.into_iter().zip(fr) {
            // The longest literal piece of a template stands for it.
            let e = e
                .split(['{', '}'])
                .step_by(2)
                .max_by_key(|piece| piece.len())
                .unwrap_or_default()
                .trim()
                .to_string();
            if e != f && e.chars().filter(|c| c.is_alphabetic()).count() >= 4 {
                out.push((name, e));
            }
        }
    }
    out
}

app_test!(
    every_console_and_account_page_in_french_shows_no_english,
    |app: TestApp| async move {
        let fr = app.user("fr@acme.test", "default", "owner").await;
        app.exec(&format!("UPDATE users SET language = 'fr' WHERE id = {fr}"))
            .await;
        let tom = app.user("tom@acme.test", "default", "end_user").await;
        app.user("ivy@acme.test", "default", "end_user").await;
        app.exec("UPDATE users SET status = 'inactive' WHERE email = 'ivy@acme.test'")
            .await;
        app.exec("UPDATE memberships SET status = 'inactive' WHERE email = 'ivy@acme.test'")
            .await;
        let c = app.signed_in("fr@acme.test").await;
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let res = app
            .call_json(
                &admin,
                "invite_user",
                &serde_json::json!({"project": "default", "form": {
                "email": "new@acme.test", "role": "end_user", "groups": []}}),
            )
            .await;
        assert_eq!(res.status(), 200);
        // An import to review, with a refused row.
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(b"email,role\nok@acme.test,\nbad,wizard\n".to_vec())
                .file_name("gens.csv"),
        );
        let res = c
            .post(app.url("/p/default/users/import/upload"))
            .header("origin", format!("http://{}", app.addr))
            .header("sec-fetch-site", "same-origin")
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let review = res.headers()["location"].to_str().unwrap().to_string();
        let english = english();
        assert!(english.len() > 100, "the tables are read");
        let pages = [
            "/p/default/users/import".to_string(),
            review,
            "/p/default/users/export?status=active".to_string(),
            "/p/default/users".to_string(),
            format!("/p/default/users/{tom}"),
            format!("/p/default/users/{fr}"),
            "/p/default/roles".to_string(),
            "/p/default/groups".to_string(),
            "/p/default/audit".to_string(),
            "/p/default/projects".to_string(),
            "/account".to_string(),
        ];
        let mut found = Vec::new();
        for page in &pages {
            let res = c.get(app.url(page)).send().await.unwrap();
            assert_eq!(res.status(), 200, "{page}");
            let html = res.text().await.unwrap();
            assert!(html.contains("<html lang=\"fr\""), "{page} is French");
            let text = visible_text(&html);
            for (name, e) in &english {
                if contains_word(&text, e) {
                    found.push(format!("{page}: {name} = {e:?}"));
                }
            }
        }
        assert!(
            found.is_empty(),
            "English in the French UI:\n{}",
            found.join("\n")
        );
        app
    }
);

/// The English table texts found in a page's visible text.
fn english_in(page: &str, html: &str, english: &[(&'static str, String)]) -> Vec<String> {
    let text = visible_text(html);
    english
        .iter()
        .filter(|(_, e)| contains_word(&text, e))
        .map(|(name, e)| format!("{page}: {name} = {e:?}"))
        .collect()
}

app_test!(
    every_public_page_asked_for_in_french_shows_no_english,
    |app: TestApp| async move {
        app::server::signup::configure(
            app.db(),
            "default",
            Some(true),
            Some("https://example.com/terms"),
            Some("https://example.com/privacy"),
            None,
        )
        .await
        .unwrap();
        let admin = app.signed_in(ADMIN_EMAIL).await;
        let invite = |email: &'static str| {
            let (app, admin) = (&app, &admin);
            async move {
                let res = app
                    .call_json(
                        admin,
                        "invite_user",
                        &serde_json::json!({"project": "default", "form": {
                        "email": email, "role": "end_user", "groups": []}}),
                    )
                    .await;
                assert_eq!(res.status(), 200);
                let v: serde_json::Value = res.json().await.unwrap();
                let url = v["url"].as_str().unwrap().to_string();
                url[url.find("/invitation").unwrap()..].to_string()
            }
        };
        let new_person = invite("new@acme.test").await;
        app.user("known@elsewhere.test", "other", "end_user").await;
        let known_person = invite("known@elsewhere.test").await;
        let pages = [
            "/login".to_string(),
            "/login?step=code".to_string(),
            "/login?error=429".to_string(),
            "/forgot-password".to_string(),
            "/forgot-password?sent=1".to_string(),
            "/reset-password?token=made-up".to_string(),
            new_person,
            known_person,
            "/invitation?token=made-up".to_string(),
            "/p/default/signup".to_string(),
            "/p/default/signup?error=422".to_string(),
            "/p/other/signup".to_string(),
            "/verify-email?token=made-up".to_string(),
            "/verify-email?done=1".to_string(),
            "/no-such-page".to_string(),
        ];
        let english = english();
        let c = app.client();
        let mut found = Vec::new();
        for page in &pages {
            let res = c
                .get(app.url(page))
                .header("accept-language", "fr-CA,fr;q=0.9,en;q=0.5")
                .send()
                .await
                .unwrap();
            assert!([200, 404].contains(&res.status().as_u16()), "{page}");
            let html = res.text().await.unwrap();
            assert!(html.contains("<html lang=\"fr\""), "{page} is French");
            found.extend(english_in(page, &html, &english));
        }
        assert!(
            found.is_empty(),
            "English in the French pages:\n{}",
            found.join("\n")
        );
        // The same pages for a browser that prefers English are English.
        let res = c
            .get(app.url("/forgot-password"))
            .header("accept-language", "en-GB,fr;q=0.1")
            .send()
            .await
            .unwrap();
        let html = res.text().await.unwrap();
        assert!(html.contains("<html lang=\"en\""));
        assert!(html.contains("Forgot your password?"));
        app
    }
);

app_test!(
    errors_come_in_the_readers_language,
    |app: TestApp| async move {
        // Before sign-in: the browser's language.
        let c = app.client();
        let res = c
            .post(app.url("/api/sign_in"))
            .header("origin", format!("http://{}", app.addr))
            .header("sec-fetch-site", "same-origin")
            .header("accept-language", "fr")
            .form(&[("email", "nobody@acme.test"), ("password", "wrong one")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401, "the status is the error's");
        assert_eq!(
            error_message(res).await,
            "Adresse e-mail ou mot de passe incorrect."
        );
        let res = app
            .call(
                &c,
                "sign_in",
                &[("email", "nobody@acme.test"), ("password", "x")],
            )
            .await;
        assert_eq!(error_message(res).await, "Incorrect email or password.");

        // A sign-up from a French page makes a French account: its first mail is French.
        app::server::signup::configure(app.db(), "default", Some(true), None, None, None)
            .await
            .unwrap();
        let strong = "violet kettle under the stairs";
        let res = c
            .post(app.url("/api/sign_up"))
            .header("origin", format!("http://{}", app.addr))
            .header("sec-fetch-site", "same-origin")
            .header("accept-language", "fr-FR")
            .form(&[
                ("project", "default"),
                ("email", "zoe@acme.test"),
                ("first_name", "Zoé"),
                ("last_name", "Roux"),
                ("password", strong),
                ("confirm", strong),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        // The account is made after the answer (so timing tells nothing about the address).
        let mut mails = 0;
        for _ in 0..200 {
            mails = app
                .count(
                    "SELECT COUNT(*) FROM outbox WHERE to_email = 'zoe@acme.test' \
                     AND subject = 'Confirmez votre adresse e-mail pour Roster'",
                )
                .await;
            if mails > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert_eq!(mails, 1, "the verification mail is in French");
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM users WHERE email = 'zoe@acme.test' AND language = 'fr'"
            )
            .await,
            1
        );

        // Signed in: the account's language, whatever the browser says; the field is kept.
        let fr = app.user("fr@acme.test", "default", "end_user").await;
        app.exec(&format!("UPDATE users SET language = 'fr' WHERE id = {fr}"))
            .await;
        let c = app.signed_in("fr@acme.test").await;
        let res = app
            .call_json(
                &c,
                "update_profile",
                &serde_json::json!({"profile": {"first_name": " ", "last_name": "Martin",
                    "language": "fr", "theme": "system"}}),
            )
            .await;
        assert_eq!(res.status(), 422);
        let body = res.text().await.unwrap();
        let e: app::model::AppError = serde_json::from_str(&body).unwrap();
        assert_eq!(e.field(), Some("first_name"), "{body}");
        assert_eq!(e.to_string(), "Saisissez votre prénom.");
        let res = app
            .call(
                &c,
                "change_password",
                &[
                    ("current", "not my password"),
                    ("new", "a b c d e f g h"),
                    ("confirm", "a b c d e f g h"),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert_eq!(
            error_message(res).await,
            "Votre mot de passe actuel n'est pas correct."
        );
        app
    }
);
