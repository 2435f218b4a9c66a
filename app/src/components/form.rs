//! Pieces of plain HTML forms, so that lists and filters work as GET forms before the wasm has
//! loaded (or with JavaScript off); with script, the page handles the same controls itself.
use leptos::prelude::*;

/// Hidden inputs that carry the rest of a view (search, filters, sort…) through a GET form.
#[component]
pub fn HiddenFields(fields: Vec<(&'static str, String)>) -> impl IntoView {
    fields
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
        .collect_view()
}

/// A submit button that exists only without JavaScript (with script, each control applies at
/// once). Inside `<noscript>`, so it never shows, even for a moment, when script runs.
#[component]
pub fn NoScriptSubmit(label: &'static str) -> impl IntoView {
    let html = format!(
        r#"<button type="submit" class="button">{}</button>"#,
        escape_html(label)
    );
    view! { <noscript inner_html=html></noscript> }
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_are_escaped() {
        assert_eq!(
            super::escape_html(r#"<b>"R&D"</b>"#),
            "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;"
        );
    }
}
