//! HTML the server rendered for a whole view (the audit log, the overview, a person's
//! activity, one's own sign-ins, the groups page): the page shows it as it is, and a few
//! conventions make it interactive without per-page code in the browser:
//! - links are followed by the router like any other;
//! - a GET form navigates to the URL it would submit to, so filtering stays in the page; a
//!   field marked `data-live` submits its form as the person types (search as you type);
//! - a button with `data-open="ID"` opens the `<dialog id="ID">` as a modal, one with
//!   `data-close` closes the dialog it is in;
//! - a POST form (to a server function answering [`FormDone`]) is sent in the background when
//!   the page passes `refresh`: its answer is a toast, then the page goes where the answer
//!   says or shows itself again; a refusal is written in the form's `[data-form-error]` (or a
//!   toast) and its field is marked invalid. Without script the browser posts the form and
//!   comes back.
//!
//! Focus survives the re-render: the element that had it (or the form's `data-focus-after`)
//! is focused again in the new HTML.
use crate::model::{AppError, FormDone};
use leptos::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::JsCast;

thread_local! {
    /// The id of the element to focus once the next HTML is in place, and the element that
    /// had it in the HTML being replaced.
    static FOCUS: RefCell<Option<(String, Option<web_sys::Element>)>> = const { RefCell::new(None) };
}

/// Shows `html`, or the error's message in its place.
#[component]
pub fn ServerHtml(
    html: Result<String, AppError>,
    /// Loads the HTML again (after a change made by one of its forms).
    #[prop(optional)]
    refresh: Option<Callback<()>>,
) -> impl IntoView {
    let html = match html {
        Ok(h) => h,
        Err(e) => {
            return leptos::either::Either::Right(view! {
                <div class="card empty-state" role="alert"><p>{e.to_string()}</p></div>
            })
        }
    };
    // In a task of its own, when the element is a new one: the new HTML may be built before it
    // is in the document, and the old one may be shown again while the new one loads. (Not an
    // animation frame or a timeout: a new JS closure here pulled this component and what it
    // calls into the first chunk.)
    Effect::new(|_| {
        leptos::task::spawn_local(async {
            for _ in 0..50 {
                let Some((id, old)) = FOCUS.with(|f| f.borrow().clone()) else {
                    return;
                };
                match document().get_element_by_id(&id) {
                    Some(el) if !old.as_ref().is_some_and(|o| o.is_same_node(Some(&el))) => {
                        FOCUS.with(|f| f.borrow_mut().take());
                        focus(el);
                        return;
                    }
                    _ => leptos::task::tick().await,
                }
            }
        });
    });
    let navigate = leptos_router::hooks::use_navigate();
    let live = StoredValue::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        // Uploads and downloads: the browser sends them itself.
        if form.has_attribute("data-native") {
            return;
        }
        let (Some(action), Ok(data)) = (
            form.get_attribute("action"),
            web_sys::FormData::new_with_form(&form),
        ) else {
            return;
        };
        let Ok(params) = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) else {
            return;
        };
        let body = String::from(params.to_string());
        if !form.method().eq_ignore_ascii_case("get") {
            if let Some(refresh) = refresh {
                ev.prevent_default();
                post(form, action, body, refresh);
            }
            return;
        }
        ev.prevent_default();
        remember_focus(None);
        // Empty fields are no filter: leave them out of the URL, as a link to the view would.
        let query = body
            .split('&')
            .filter(|kv| !kv.ends_with('=') && !kv.is_empty())
            .collect::<Vec<_>>()
            .join("&");
        let to = if query.is_empty() {
            action
        } else {
            format!("{action}?{query}")
        };
        // Typing replaces the history entry and keeps the scroll; a submitted search adds one.
        let typed = live.get_value();
        live.set_value(false);
        navigate(
            &to,
            leptos_router::NavigateOptions {
                replace: typed,
                scroll: !typed,
                ..Default::default()
            },
        );
    };
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let on_input = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        if !input.has_attribute("data-live") {
            return;
        }
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                if let Some(form) = input.form() {
                    live.set_value(true);
                    let _ = form.request_submit();
                }
            },
            std::time::Duration::from_millis(250),
        );
        timer.set_value(handle.ok());
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(el) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        if let Ok(Some(opener)) = el.closest("[data-open]") {
            let id = opener.get_attribute("data-open").unwrap_or_default();
            if let Some(d) = dialog_by_id(&id) {
                // A dialog opened from another (a preview's Edit) takes its place.
                if let Some(from) = closest_dialog(&opener) {
                    from.close();
                }
                if !d.open() {
                    let _ = d.show_modal();
                }
            }
        } else if let Ok(Some(_)) = el.closest("[data-close]") {
            if let Some(d) = closest_dialog(&el) {
                d.close();
            }
        }
    };
    leptos::either::Either::Left(view! {
        <div class="server-html" inner_html=html on:submit=on_submit on:input=on_input on:click=on_click></div>
    })
}

/// Sends a POST form in the background and shows its answer.
fn post(form: web_sys::HtmlFormElement, action: String, body: String, refresh: Callback<()>) {
    let submit = form.query_selector("[type=submit]").ok().flatten();
    if let Some(b) = &submit {
        let _ = b.set_attribute("disabled", "");
    }
    if let Ok(list) = form.query_selector_all("[aria-invalid]") {
        for i in 0..list.length() {
            if let Some(el) = list
                .get(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                let _ = el.remove_attribute("aria-invalid");
            }
        }
    }
    let toaster = super::use_toaster();
    let navigate = leptos_router::hooks::use_navigate();
    leptos::task::spawn_local(async move {
        let answer = post_form(action, body).await.await;
        if let Some(b) = &submit {
            let _ = b.remove_attribute("disabled");
        }
        match answer {
            Ok(done) => {
                if let Some(d) = closest_dialog(&form) {
                    // Closing gives focus back to the dialog's opener.
                    d.close();
                }
                remember_focus(form.get_attribute("data-focus-after"));
                toaster.success(done.message);
                match done.to {
                    Some(to) if done.reload => {
                        // A new page (the toast would not survive it): the change shows in
                        // the page itself, the project picker included.
                        let _ = window().location().set_href(&to);
                    }
                    Some(to) => navigate(&to, Default::default()),
                    None => refresh.run(()),
                }
            }
            Err(e) => {
                let field = e
                    .field()
                    .and_then(|f| {
                        form.query_selector(&format!("[name='{f}'], [name='{f}[]']"))
                            .ok()
                            .flatten()
                    })
                    .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(el) = &field {
                    let _ = el.set_attribute("aria-invalid", "true");
                    let _ = el.focus();
                }
                match form.query_selector("[data-form-error]").ok().flatten() {
                    Some(out) => {
                        out.set_text_content(Some(&e.to_string()));
                        let _ = out.remove_attribute("hidden");
                    }
                    None => toaster.error(e.to_string()),
                }
            }
        }
    });
}

/// The POST of a server-rendered form, split out of the first chunk: it loads with the first
/// change a person makes from such a page. Answers what the server function answered.
#[lazy]
fn post_form(action: String, body: String) -> crate::codec::CallFuture<Result<FormDone, AppError>> {
    Box::pin(async move {
        #[cfg(feature = "hydrate")]
        {
            let res = gloo_net::http::Request::post(&action)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body)
                .map_err(|e| AppError::Network(e.to_string()))?
                .send()
                .await
                .map_err(|e| AppError::Network(e.to_string()))?;
            let bytes = res
                .binary()
                .await
                .map_err(|e| AppError::Network(e.to_string()))?;
            if res.ok() {
                serde_json::from_slice(&bytes).map_err(|_| AppError::Internal)
            } else {
                Err(serde_json::from_slice(&bytes).unwrap_or(AppError::Internal))
            }
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (action, body);
            Err(AppError::Internal)
        }
    })
}

/// Keeps the focused element's id (or `id`) to focus it again in the next HTML.
fn remember_focus(id: Option<String>) {
    let id = id.or_else(|| {
        document()
            .active_element()
            .map(|el| el.id())
            .filter(|id| !id.is_empty())
    });
    // The element of that id now, so that only its replacement is focused.
    let old = id
        .as_deref()
        .and_then(|id| document().get_element_by_id(id));
    FOCUS.with(|f| *f.borrow_mut() = id.map(|id| (id, old)));
}

/// Focuses `el`, with the caret at the end of a text field.
fn focus(el: web_sys::Element) {
    if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        let _ = input.focus();
        let end = input.value().encode_utf16().count() as u32;
        let _ = input.set_selection_range(end, end);
    } else if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

fn dialog_by_id(id: &str) -> Option<web_sys::HtmlDialogElement> {
    document()
        .get_element_by_id(id)
        .and_then(|d| d.dyn_into::<web_sys::HtmlDialogElement>().ok())
}

fn closest_dialog(el: &web_sys::Element) -> Option<web_sys::HtmlDialogElement> {
    el.closest("dialog")
        .ok()
        .flatten()
        .and_then(|d| d.dyn_into::<web_sys::HtmlDialogElement>().ok())
}
