use leptos::html;
use leptos::prelude::*;

const RETURN_FOCUS: &str = "data-return-focus";
const FIELDS: &str = "input:not([disabled]), select:not([disabled]), textarea:not([disabled])";
const FOCUSABLE: &str =
    "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// An accessible dialog: focus moves to its first field on open, Tab stays inside, Escape and
/// the close button call `on_close`, and focus returns to whatever had it before.
#[component]
pub fn Modal(
    #[prop(into)] open: Signal<bool>,
    #[prop(into)] title: Signal<String>,
    on_close: Callback<()>,
    #[prop(into, default = "Close".into())] close_label: Signal<String>,
    children: ChildrenFn,
) -> impl IntoView {
    let panel = NodeRef::<html::Div>::new();
    let title_id = "modal-title";

    Effect::new(move |_| {
        if open.get() {
            use wasm_bindgen::JsCast;
            // Remember who had focus in the DOM itself (no browser object is kept in Rust
            // state, which the server would have to drop on another thread).
            if let Some(active) = document().active_element() {
                let _ = active.set_attribute(RETURN_FOCUS, "");
            }
            request_animation_frame(move || {
                if let Some(p) = panel.get_untracked() {
                    let first = p
                        .query_selector(FIELDS)
                        .ok()
                        .flatten()
                        .or_else(|| p.query_selector(FOCUSABLE).ok().flatten());
                    if let Some(el) = first.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = el.focus();
                    }
                }
            });
        } else if let Ok(Some(el)) = document().query_selector(&format!("[{RETURN_FOCUS}]")) {
            use wasm_bindgen::JsCast;
            let _ = el.remove_attribute(RETURN_FOCUS);
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });

    // Escape closes from anywhere while open, even when focus has left the panel (a button
    // that disabled itself while busy drops focus to the body).
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && open.try_get_untracked().unwrap_or(false) {
            ev.prevent_default();
            on_close.run(());
        }
    });
    // Window listeners outlive the component unless removed.
    on_cleanup(move || escape.remove());
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        use wasm_bindgen::JsCast;
        if ev.key() != "Tab" {
            return;
        }
        let Some(p) = panel.get_untracked() else {
            return;
        };
        let Ok(list) = p.query_selector_all(FOCUSABLE) else {
            return;
        };
        if list.length() == 0 {
            return;
        }
        let first = list
            .get(0)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok());
        let last = list
            .get(list.length() - 1)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok());
        let active = document().active_element();
        let is = |el: &Option<web_sys::HtmlElement>| match (el, &active) {
            (Some(a), Some(b)) => a.is_same_node(Some(b)),
            _ => false,
        };
        if ev.shift_key() && is(&first) {
            ev.prevent_default();
            if let Some(l) = last {
                let _ = l.focus();
            }
        } else if !ev.shift_key() && is(&last) {
            ev.prevent_default();
            if let Some(f) = first {
                let _ = f.focus();
            }
        }
    };

    view! {
        <Show when=move || open.get()>
            <div class="modal-backdrop" on:click=move |_| on_close.run(())></div>
            <div
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby=title_id
                node_ref=panel
                on:keydown=on_keydown
            >
                <header class="modal-header">
                    <h2 id=title_id>{move || title.get()}</h2>
                    <button
                        type="button"
                        class="icon-button"
                        aria-label=move || close_label.get()
                        on:click=move |_| on_close.run(())
                    >
                        "×"
                    </button>
                </header>
                <div class="modal-body">{children()}</div>
            </div>
        </Show>
    }
}

/// Focuses the first field of the open dialog on the next frame: for content that arrives after
/// the dialog opened (a body whose code loads lazily, a form waiting for its data).
pub fn focus_first_field() {
    request_animation_frame(|| {
        use wasm_bindgen::JsCast;
        if let Some(el) = document()
            .query_selector(&format!(".modal :is({FIELDS})"))
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}
