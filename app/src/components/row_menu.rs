use leptos::html;
use leptos::prelude::*;

/// One item of a [`RowMenu`]: a link, an action, or (with neither) a disabled item whose
/// `note` says why.
#[derive(Clone)]
pub struct MenuEntry {
    pub label: &'static str,
    pub href: Option<String>,
    pub action: Option<Callback<()>>,
    pub note: Option<&'static str>,
    pub danger: bool,
}

impl MenuEntry {
    pub fn link(label: &'static str, href: String) -> Self {
        MenuEntry {
            label,
            href: Some(href),
            action: None,
            note: None,
            danger: false,
        }
    }
    pub fn action(label: &'static str, action: Callback<()>) -> Self {
        MenuEntry {
            label,
            href: None,
            action: Some(action),
            note: None,
            danger: false,
        }
    }
    pub fn disabled(label: &'static str, why: &'static str) -> Self {
        MenuEntry {
            label,
            href: None,
            action: None,
            note: Some(why),
            danger: false,
        }
    }
    pub fn danger(mut self) -> Self {
        self.danger = true;
        self
    }
}

fn focus_item(menu: &web_sys::HtmlElement, which: &str) {
    use wasm_bindgen::JsCast;
    let Ok(items) = menu.query_selector_all("[role=menuitem]") else {
        return;
    };
    let n = items.length();
    if n == 0 {
        return;
    }
    let active = document().active_element();
    let current = (0..n).find(|i| {
        items
            .get(*i)
            .zip(active.as_ref())
            .map(|(a, b)| a.is_same_node(Some(b)))
            .unwrap_or(false)
    });
    let i = match (which, current) {
        ("first", _) | ("next", None) => 0,
        ("last", _) | ("prev", None) => n - 1,
        ("next", Some(i)) => (i + 1) % n,
        (_, Some(i)) => (i + n - 1) % n,
        _ => 0,
    };
    if let Some(el) = items
        .get(i)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// A row's "Actions for …" menu button: opens below the button (fixed, so table scrolling
/// never clips it), arrow keys move between items, Escape and Tab close it and focus goes
/// back to the button.
#[component]
pub fn RowMenu(label: String, entries: Vec<MenuEntry>, id: String) -> impl IntoView {
    let open = RwSignal::new(false);
    // Whole pixels: formatting an f64 would bring float printing (~14 kB of wasm) into the
    // first chunk for a position that never needs a fraction.
    let pos = RwSignal::new((0i32, 0i32));
    let button = NodeRef::<html::Button>::new();
    let menu = NodeRef::<html::Div>::new();
    let menu_id = format!("menu-{id}");

    let show = move |focus: &'static str| {
        if let Some(b) = button.get_untracked() {
            let r = b.get_bounding_client_rect();
            let width = window()
                .inner_width()
                .ok()
                .and_then(|w| w.as_f64())
                .unwrap_or(1024.0);
            pos.set((
                (r.bottom() + 4.0).round() as i32,
                (width - r.right()).max(8.0).round() as i32,
            ));
        }
        open.set(true);
        request_animation_frame(move || {
            if let Some(m) = menu.get_untracked() {
                focus_item(&m, focus);
            }
        });
    };
    let close = move |refocus: bool| {
        open.set(false);
        if refocus {
            if let Some(b) = button.get_untracked() {
                let _ = b.focus();
            }
        }
    };
    let on_button_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "ArrowDown" => {
            ev.prevent_default();
            show("first");
        }
        "ArrowUp" => {
            ev.prevent_default();
            show("last");
        }
        _ => {}
    };
    let on_menu_key = move |ev: leptos::ev::KeyboardEvent| {
        let Some(m) = menu.get_untracked() else {
            return;
        };
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                focus_item(&m, "next");
            }
            "ArrowUp" => {
                ev.prevent_default();
                focus_item(&m, "prev");
            }
            "Home" => {
                ev.prevent_default();
                focus_item(&m, "first");
            }
            "End" => {
                ev.prevent_default();
                focus_item(&m, "last");
            }
            "Escape" => {
                ev.prevent_default();
                close(true);
            }
            "Tab" => close(false),
            _ => {}
        }
    };

    let items = entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let class = if e.danger {
                "menu-item danger"
            } else {
                "menu-item"
            };
            match (e.href, e.action) {
                (Some(href), _) => view! {
                    <a role="menuitem" class=class href=href tabindex="-1">{e.label}</a>
                }
                .into_any(),
                (None, Some(action)) => view! {
                    <button type="button" role="menuitem" class=class tabindex="-1" on:click=move |_| {
                        close(true);
                        action.run(());
                    }>{e.label}</button>
                }
                .into_any(),
                (None, None) => {
                    let note_id = format!("{id}-note-{i}");
                    let described_by = note_id.clone();
                    view! {
                        <button
                            type="button"
                            role="menuitem"
                            class=class
                            tabindex="-1"
                            aria-disabled="true"
                            aria-describedby=described_by
                        >
                            {e.label}
                            <span class="menu-note" id=note_id aria-hidden="true">{e.note.unwrap_or_default()}</span>
                        </button>
                    }
                    .into_any()
                }
            }
        })
        .collect_view();

    view! {
        <div class="row-menu">
            <button
                type="button"
                class="icon-button"
                aria-label=label
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                aria-controls=menu_id.clone()
                node_ref=button
                on:click=move |_| if open.get_untracked() { close(false) } else { show("first") }
                on:keydown=on_button_key
            >
                "⋯"
            </button>
            <div class="menu-overlay" hidden=move || !open.get() on:click=move |_| close(false)></div>
            <div
                class="menu row-menu-list"
                role="menu"
                id=menu_id
                node_ref=menu
                hidden=move || !open.get()
                style=move || {
                    let (top, right) = pos.get();
                    format!("top: {top}px; right: {right}px")
                }
                on:keydown=on_menu_key
            >
                {items}
            </div>
        </div>
    }
}
