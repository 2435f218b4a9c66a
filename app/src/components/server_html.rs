//! HTML the server rendered for a read-only view (the audit log, the overview, a person's
//! activity, one's own sign-ins): the page shows it as it is.
//! Its links are followed by the router like any other; a GET form inside it navigates to the
//! URL it would submit to, so filtering stays in the page rather than reloading it.
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Shows `html`, or the error's message in its place.
#[component]
pub fn ServerHtml(html: Result<String, crate::model::AppError>) -> impl IntoView {
    let html = match html {
        Ok(h) => h,
        Err(e) => {
            return leptos::either::Either::Right(view! {
                <div class="card empty-state" role="alert"><p>{e.to_string()}</p></div>
            })
        }
    };
    let navigate = leptos_router::hooks::use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        let (Some(action), Ok(data)) = (
            form.get_attribute("action"),
            web_sys::FormData::new_with_form(&form),
        ) else {
            return;
        };
        if !form.method().eq_ignore_ascii_case("get") {
            return;
        }
        let Ok(params) = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) else {
            return;
        };
        ev.prevent_default();
        // Empty fields are no filter: leave them out of the URL, as a link to the view would.
        let query = String::from(params.to_string())
            .split('&')
            .filter(|kv| !kv.ends_with('=') && !kv.is_empty())
            .collect::<Vec<_>>()
            .join("&");
        let to = if query.is_empty() {
            action
        } else {
            format!("{action}?{query}")
        };
        navigate(&to, Default::default());
    };
    leptos::either::Either::Left(
        view! { <div class="server-html" inner_html=html on:submit=on_submit></div> },
    )
}
