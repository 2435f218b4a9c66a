//! `/p/{project}/users`: the users table. The whole view (search, filters, sort, page, size)
//! lives in the URL, so the server renders the right rows before any wasm loads and a view can
//! be bookmarked, shared and reloaded.
use crate::api::{list_users, project_directory};
use crate::components::{Pager, UsersTable};
use crate::i18n::{Strings, EN};
use crate::model::{Status, UserQuery, UserSort, Viewer};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;
use std::time::Duration;

const SEARCH_ID: &str = "user-search";

#[component]
pub fn UsersPage() -> impl IntoView {
    let s: &'static Strings = use_context::<&'static Strings>().unwrap_or(&EN);
    let lang = use_context::<Viewer>()
        .map(|v| v.language)
        .unwrap_or_default();
    let params = use_params_map();
    let query_map = use_query_map();
    let slug = Memo::new(move |_| params.read().get("project").unwrap_or_default());
    let view_state = Memo::new(move |_| {
        let m = query_map.read();
        UserQuery::from_pairs(|k| m.get(k))
    });
    // Keyed by (project, view): a newer view's answer always wins over an older one.
    let users = Resource::new(
        move || (slug.get(), view_state.get()),
        |(p, q)| list_users(p, q),
    );
    let directory = Resource::new(move || slug.get(), project_directory);

    let navigate = use_navigate();
    let go = Callback::new(move |(q, replace): (UserQuery, bool)| {
        let qs = q.to_query_string();
        let base = format!("/p/{}/users", slug.get_untracked());
        let url = if qs.is_empty() {
            base
        } else {
            format!("{base}?{qs}")
        };
        navigate(
            &url,
            NavigateOptions {
                replace,
                scroll: false,
                ..Default::default()
            },
        );
    });
    let update = move |f: &dyn Fn(&mut UserQuery), replace: bool| {
        let mut q = view_state.get_untracked();
        f(&mut q);
        go.run((q, replace));
    };

    // Search as you type, debounced; only the last keystroke's timer navigates.
    let typed = StoredValue::new(0u64);
    let on_search = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let version = typed.get_value() + 1;
        typed.set_value(version);
        set_timeout(
            move || {
                if typed.get_value() == version {
                    update(
                        &|q| {
                            q.q = value.trim().to_string();
                            q.page = 1;
                        },
                        true,
                    );
                }
            },
            Duration::from_millis(250),
        );
    };
    // Back/forward and "Clear filters" change the URL under the search box: follow it, unless
    // the person is typing in it.
    Effect::new(move |_| {
        let q = view_state.get().q;
        if let Some(el) = document().get_element_by_id(SEARCH_ID) {
            use wasm_bindgen::JsCast;
            let focused = document()
                .active_element()
                .map(|a| a.id() == SEARCH_ID)
                .unwrap_or(false);
            if let (false, Ok(input)) = (focused, el.dyn_into::<web_sys::HtmlInputElement>()) {
                input.set_value(&q);
            }
        }
    });
    // "/" focuses the search box.
    let _slash = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "/" && !super::typing_in_a_field() {
            if let Some(el) = document().get_element_by_id(SEARCH_ID) {
                use wasm_bindgen::JsCast;
                if let Ok(input) = el.dyn_into::<web_sys::HtmlElement>() {
                    ev.prevent_default();
                    let _ = input.focus();
                }
            }
        }
    });

    // A filter select sets one field from its value and goes back to the first page.
    let on_filter = move |set: fn(&mut UserQuery, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            update(
                &|q| {
                    set(q, v.clone());
                    q.page = 1;
                },
                false,
            );
        }
    };
    let on_status = on_filter(|q, v| q.status = v.parse::<Status>().ok());
    let on_role = on_filter(|q, v| q.role = (!v.is_empty()).then_some(v));
    let on_group = on_filter(|q, v| q.group = (!v.is_empty()).then_some(v));
    let on_sort = Callback::new(move |key: UserSort| {
        update(
            &|q| {
                q.desc = if q.sort == key {
                    !q.desc
                } else {
                    key.default_desc()
                };
                q.sort = key;
                q.page = 1;
            },
            false,
        );
    });
    let on_page = Callback::new(move |page: u32| update(&|q| q.page = page, false));
    let on_size = Callback::new(move |size: u32| {
        update(
            &|q| {
                q.size = size;
                q.page = 1;
            },
            false,
        )
    });
    let clear = move |_| update(&|q| *q = q.cleared(), false);

    let status_option = move |value: &'static str, label: &'static str| {
        let selected = move || view_state.get().status.map(|s| s.as_str()).unwrap_or("") == value;
        view! { <option value=value selected=selected>{label}</option> }
    };
    let toolbar = view! {
        <div class="toolbar" role="search">
            <label for=SEARCH_ID class="visually-hidden">{s.search_users}</label>
            <input
                id=SEARCH_ID
                type="search"
                class="search"
                placeholder=format!("{}…", s.search_users)
                autocomplete="off"
                value=move || view_state.get_untracked().q
                on:input=on_search
            />
            <label for="filter-status" class="visually-hidden">{s.status}</label>
            <select id="filter-status" on:change=on_status>
                {status_option("", s.all_statuses)}
                {status_option("invited", s.invited)}
                {status_option("active", s.active)}
                {status_option("inactive", s.inactive)}
            </select>
            <Transition fallback=move || {
                view! {
                    <select disabled=true aria-label=s.role><option>{s.all_roles}</option></select>
                    <select disabled=true aria-label=s.group><option>{s.all_groups}</option></select>
                }
            }>
                {move || Suspend::new(async move {
                    let dir = directory.await.unwrap_or_default();
                    // One option per name, selected while the view's field (role or group) has it.
                    let options = move |names: Vec<String>, field: fn(&UserQuery) -> Option<&String>| {
                        names
                            .into_iter()
                            .map(|name| {
                                let selected = {
                                    let name = name.clone();
                                    move || field(&view_state.get()) == Some(&name)
                                };
                                let label = name.clone();
                                view! { <option value=name selected=selected>{label}</option> }
                            })
                            .collect_view()
                    };
                    let role_options = options(dir.roles, |q| q.role.as_ref());
                    let group_options = options(dir.groups, |q| q.group.as_ref());
                    view! {
                        <label for="filter-role" class="visually-hidden">{s.role}</label>
                        <select id="filter-role" on:change=on_role>
                            <option value="" selected=move || view_state.get().role.is_none()>{s.all_roles}</option>
                            {role_options}
                        </select>
                        <label for="filter-group" class="visually-hidden">{s.group}</label>
                        <select id="filter-group" on:change=on_group>
                            <option value="" selected=move || view_state.get().group.is_none()>{s.all_groups}</option>
                            {group_options}
                        </select>
                    }
                    .into_any()
                })}
            </Transition>
            <button type="button" class="button" on:click=clear disabled=move || !view_state.get().has_filters()>
                {s.clear_filters}
            </button>
        </div>
    }
    .into_any();

    let pending = RwSignal::new(false);
    let results = view! {
        <Transition fallback=move || view! { <Skeleton /> } set_pending=pending>
            {move || Suspend::new(async move {
                let q = view_state.get_untracked();
                match users.await {
                    Ok(page) if page.items.is_empty() && page.total == 0 => {
                        let text = if q.has_filters() { s.no_match } else { s.no_users_yet };
                        view! { <div class="empty-state"><p>{text}</p></div> }.into_any()
                    }
                    Ok(page) => {
                        let pages = page.pages();
                        view! {
                            <div class="card table-card">
                                <UsersTable
                                    rows=page.items
                                    strings=s
                                    lang=lang
                                    as_of=page.as_of
                                    sort=q.sort
                                    desc=q.desc
                                    on_sort=on_sort
                                />
                            </div>
                            <Pager
                                strings=s
                                page=page.page
                                pages=pages
                                total=page.total
                                size=page.size
                                on_page=on_page
                                on_size=on_size
                            />
                        }
                        .into_any()
                    }
                    Err(e) => view! {
                        <div class="error-state" role="alert">
                            <p>{s.users_failed}" "{e.to_string()}</p>
                            <button type="button" class="button" on:click=move |_| users.refetch()>{s.retry}</button>
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
    .into_any();

    view! {
        <Title text=format!("{} · Roster", s.users) />
        <div class="page-header">
            <div>
                <h1>{s.users}</h1>
                <p class="muted">{s.users_lead}</p>
            </div>
        </div>
        {toolbar}
        <div class="results" aria-busy=move || pending.get().to_string()>{results}</div>
    }
}

/// Placeholder rows while the first page loads.
#[component]
fn Skeleton() -> impl IntoView {
    view! {
        <div class="card table-card" aria-hidden="true">
            <div class="skeleton">
                {(0..8).map(|_| view! { <div class="skeleton-row"></div> }).collect_view()}
            </div>
        </div>
    }
}
