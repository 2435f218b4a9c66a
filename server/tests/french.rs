//! The console and the account page in French show no English: every page is rendered for a
//! French-speaking admin, and no text of the English tables (that French says differently)
//! may appear in what a person sees or hears (text, aria-label, title, placeholder, alt).
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

/// `needle` in `text` as whole words: "Group" is not in "Groupes", nor "user" in "end_user"
/// or in the permission "users:read".
fn contains_word(text: &str, needle: &str) -> bool {
    let word =
        |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':'));
    text.match_indices(needle).any(|(at, m)| {
        !word(text[..at].chars().next_back()) && !word(text[at + m.len()..].chars().next())
    })
}

/// English texts that French says differently, and that are worth looking for (long enough
/// not to be a fragment of something else; templates are cut at their first placeholder).
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
    ];
    for (en, fr) in tables {
        for ((name, e), (_, f)) in en.into_iter().zip(fr) {
            let e = e.split('{').next().unwrap_or_default().trim().to_string();
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
        let english = english();
        assert!(english.len() > 100, "the tables are read");
        let pages = [
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
