//! `/p/{project}/users`: the users table. The whole view (search, filters, sort, page, size)
//! lives in the URL, so the server renders the right rows before any wasm loads and a view can
//! be bookmarked, shared and reloaded.
use super::user_actions::{Actions, Can, Dialog, UserDialogs};
use crate::api::{list_users, project_directory};
use crate::components::{use_toaster, HiddenFields, NoScriptSubmit, Pager, UsersTable};
use crate::i18n::{Strings, EN};
use crate::model::{
    AppError, BulkAction, BulkSummary, Columns, Guard, LastSignIn, Status, UserColumn, UserQuery,
    UserRow, UserSort, Viewer,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;
use std::collections::BTreeSet;
use std::time::Duration;

const SEARCH_ID: &str = "user-search";
/// The form "Clear filters" submits without script: the view's sort and size, nothing else.
const CLEAR_FORM_ID: &str = "users-clear";

#[component]
pub fn UsersPage() -> impl IntoView {
    let s: &'static Strings = use_context::<&'static Strings>().unwrap_or(&EN);
    let viewer = use_context::<Viewer>();
    let lang = viewer.as_ref().map(|v| v.language).unwrap_or_default();
    let viewer_id = viewer.as_ref().map(|v| v.id).unwrap_or_default();
    let columns = viewer.as_ref().map(|v| v.columns).unwrap_or_default();
    let params = use_params_map();
    let query_map = use_query_map();
    let slug = Memo::new(move |_| params.read().get("project").unwrap_or_default());
    let view_state = Memo::new(move |_| {
        let m = query_map.read();
        UserQuery::from_pairs(|k| m.get(k))
    });
    // Keyed by (project, view): a newer view's answer always wins over an older one. A view
    // left while its rows are on the way (search as you type) has its request aborted: the
    // browser drops the fetch and the server the handler, instead of both finishing an answer
    // nobody reads before the newer one is asked for.
    type Key = (String, UserQuery);
    let in_flight = StoredValue::new(None::<(Key, futures::future::AbortHandle)>);
    let users = crate::codec::resource(
        move || (slug.get(), view_state.get()),
        move |key: Key| {
            let (handle, registration) = futures::future::AbortHandle::new_pair();
            in_flight.set_value(Some((key.clone(), handle)));
            let (p, q) = key;
            async move {
                futures::future::Abortable::new(list_users(p, q), registration)
                    .await
                    // Never shown: the resource asks for the newer view at once.
                    .unwrap_or_else(|_| Err(AppError::Network("superseded".into())))
            }
        },
    );
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let now = (slug.get(), view_state.get());
        in_flight.update_value(|f| {
            if f.as_ref().is_some_and(|(key, _)| *key != now) {
                if let Some((_, handle)) = f.take() {
                    handle.abort();
                }
            }
        });
    });
    let directory = crate::codec::resource(move || slug.get(), project_directory);

    // Selected rows; a new view (page, filter, sort) starts with none.
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    let summary = RwSignal::new(None::<BulkSummary>);
    // A new view or another project starts with nothing selected and no old summary.
    Effect::new(move |_| {
        slug.track();
        view_state.track();
        selected.set(BTreeSet::new());
    });
    Effect::new(move |_| {
        slug.track();
        summary.set(None);
    });
    let actions = Actions::new(
        s,
        slug,
        viewer.clone(),
        Callback::new(move |_| users.refetch()),
    );
    let menu = {
        let actions = actions.clone();
        Callback::new(move |r: UserRow| {
            let guard = if r.id == viewer_id {
                Some(Guard::OwnAccount)
            } else if r.last_owner {
                Some(Guard::LastOwner)
            } else {
                None
            };
            let href = format!("/p/{}/users/{}", slug.get_untracked(), r.id);
            actions.menu(href, r.id, &r.email, r.status, guard)
        })
    };
    let toaster = use_toaster();
    let run_bulk = Callback::new(move |action: BulkAction| {
        let ids: Vec<i64> = selected.get_untracked().into_iter().collect();
        let project = slug.get_untracked();
        leptos::task::spawn_local(async move {
            match bulk(project.clone(), ids, action.clone()).await {
                Ok(sum) => {
                    let text = s.bulk_summary(sum.changed.len(), sum.refused.len());
                    if action == BulkAction::Deactivate && !sum.changed_ids.is_empty() {
                        let undo_ids = sum.changed_ids.clone();
                        toaster.with_undo(
                            text,
                            Callback::new(move |_| {
                                let (project, ids) = (project.clone(), undo_ids.clone());
                                leptos::task::spawn_local(async move {
                                    match bulk(project, ids, BulkAction::Reactivate).await {
                                        Ok(_) => users.refetch(),
                                        Err(e) => toaster.error(e.to_string()),
                                    }
                                });
                            }),
                        );
                    } else {
                        toaster.success(text);
                    }
                    summary.set(Some(sum));
                    selected.set(BTreeSet::new());
                    users.refetch();
                }
                Err(e) => toaster.error(e.to_string()),
            }
        });
    });

    // This page's URL in the project in view: links, navigation and the GET forms' action.
    let base = move || format!("/p/{}/users", slug.get_untracked());
    let navigate = use_navigate();
    let go = Callback::new(move |(q, replace): (UserQuery, bool)| {
        let qs = q.to_query_string();
        let url = if qs.is_empty() {
            base()
        } else {
            format!("{}?{qs}", base())
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
    let slash = window_event_listener(leptos::ev::keydown, move |ev| {
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
    on_cleanup(move || slash.remove());

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
    let on_seen = on_filter(|q, v| q.last_sign_in = LastSignIn::parse(&v));
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
    let clear = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        update(&|q| *q = q.cleared(), false)
    };
    // Enter in the search box: apply it at once rather than after the debounce.
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        typed.update_value(|v| *v += 1);
        if let Some(input) = document()
            .get_element_by_id(SEARCH_ID)
            .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(el).ok())
        {
            let value = input.value();
            update(
                &|q| {
                    q.q = value.trim().to_string();
                    q.page = 1;
                },
                false,
            );
        }
    };
    // What the toolbar's form keeps of the view when it is submitted without script, and what
    // "Clear filters" keeps.
    let kept = view_state.with_untracked(|q| {
        q.pairs_except(&["q", "status", "last_sign_in", "role", "group", "page"])
    });
    let cleared = view_state.with_untracked(|q| q.cleared().pairs());

    let status_option = move |value: &'static str, label: &'static str| {
        let selected = move || view_state.get().status.map(|s| s.as_str()).unwrap_or("") == value;
        view! { <option value=value selected=selected>{label}</option> }
    };
    let seen_option = move |value: &'static str, label: &'static str| {
        let selected = move || {
            view_state
                .get()
                .last_sign_in
                .map(|l| l.as_str())
                .unwrap_or("")
                == value
        };
        view! { <option value=value selected=selected>{label}</option> }
    };
    let toolbar = view! {
        <form class="toolbar" role="search" method="get" action=base() on:submit=on_submit>
            <HiddenFields fields=kept />
            <label for=SEARCH_ID class="visually-hidden">{s.search_users}</label>
            <input
                id=SEARCH_ID
                name="q"
                type="search"
                class="search"
                placeholder=format!("{}…", s.search_users)
                autocomplete="off"
                value=move || view_state.get_untracked().q
                on:input=on_search
            />
            <label for="filter-status" class="visually-hidden">{s.status}</label>
            <select id="filter-status" name="status" on:change=on_status>
                {status_option("", s.all_statuses)}
                {status_option("invited", s.invited)}
                {status_option("active", s.active)}
                {status_option("inactive", s.inactive)}
            </select>
            <label for="filter-seen" class="visually-hidden">{s.col_last_sign_in}</label>
            <select id="filter-seen" name="last_sign_in" on:change=on_seen>
                {seen_option("", s.any_sign_in)}
                {seen_option("over_30d", s.not_in_30_days)}
                {seen_option("over_90d", s.not_in_90_days)}
                {seen_option("never", s.never_signed_in)}
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
                        <select id="filter-role" name="role" on:change=on_role>
                            <option value="" selected=move || view_state.get().role.is_none()>{s.all_roles}</option>
                            {role_options}
                        </select>
                        <label for="filter-group" class="visually-hidden">{s.group}</label>
                        <select id="filter-group" name="group" on:change=on_group>
                            <option value="" selected=move || view_state.get().group.is_none()>{s.all_groups}</option>
                            {group_options}
                        </select>
                    }
                    .into_any()
                })}
            </Transition>
            <NoScriptSubmit label=s.apply />
            <button
                type="submit"
                form=CLEAR_FORM_ID
                class="button"
                on:click=clear
                disabled=move || !view_state.get().has_filters()
            >
                {s.clear_filters}
            </button>
        </form>
        <form id=CLEAR_FORM_ID method="get" action=base() hidden=true>
            <HiddenFields fields=cleared />
        </form>
    }
    .into_any();

    let pending = RwSignal::new(false);
    // `set_pending` only in the browser. On the server it makes <Transition> spawn an
    // isomorphic effect whose memo reads the transition's task set with `.with()` on one tokio
    // worker while the resource's task writes it on another; a read that loses that lock race
    // panics as "disposed" (leptos-rs/leptos#3681) and cut slow pages' responses short. A
    // server render is never pending anyway (SsrMode::Async waits for the data). A macro, so
    // the browser's code stays that of a single <Transition>.
    macro_rules! results {
        ($($pending:tt)*) => {
            view! {
                <Transition fallback=move || view! { <Skeleton /> } $($pending)*>
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
                                    base=base()
                                    selected=Some(selected)
                                    menu=menu
                                    strings=s
                                    lang=lang
                                    as_of=page.as_of
                                    view=q.clone()
                                    on_sort=on_sort
                                    columns=columns
                                />
                            </div>
                            <Pager
                                strings=s
                                page=page.page
                                pages=pages
                                total=page.total
                                size=page.size
                                more=page.more
                                on_page=on_page
                                on_size=on_size
                                action=base()
                                hidden=q.pairs_except(&["page", "size"])
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
            .into_any()
        };
    }
    #[cfg(feature = "hydrate")]
    let results = results!(set_pending = pending);
    #[cfg(not(feature = "hydrate"))]
    let results = results!();

    let (invite_can, invite_dialog) = (actions.can, actions.dialog);
    view! {
        <Title text=format!("{} · Roster", s.users) />
        <div class="page-header">
            <div>
                <h1>{s.users}</h1>
                <p class="muted">{s.users_lead}</p>
            </div>
            <div class="page-actions">
                <ColumnsMenu s=s columns=columns />
                {move || invite_can.get().import.then(|| view! {
                    <form method="get" action=format!("{}/import", base())>
                        <button type="submit" class="button">{s.import_users}</button>
                    </form>
                })}
                {move || invite_can.get().export.then(|| view! {
                    // The export form starts from the table's view (search, filters, sort).
                    <form method="get" action=format!("{}/export", base())>
                        {view_state
                            .get()
                            .pairs_except(&["page", "size"])
                            .into_iter()
                            .map(|(k, v)| view! { <input type="hidden" name=k value=v /> })
                            .collect_view()}
                        <button type="submit" class="button">{s.export_users}</button>
                    </form>
                })}
                {move || invite_can.get().invite.then(|| view! {
                    <button type="button" class="button primary" on:click=move |_| invite_dialog.set(Some(Dialog::Invite))>
                        {s.invite_user}
                    </button>
                })}
            </div>
        </div>
        {toolbar}
        <BulkBar s=s can=actions.can selected=selected directory=directory run=run_bulk export=Signal::derive(move || format!("{}/export", base())) />
        <BulkResult s=s summary=summary />
        <div class="results" aria-busy=move || pending.try_get().unwrap_or(false).to_string()>{results}</div>
        <UserDialogs actions=actions />
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

/// Shown while rows are selected: the bulk actions the viewer may run on them.
#[component]
fn BulkBar(
    s: &'static Strings,
    can: Signal<Can>,
    selected: RwSignal<BTreeSet<i64>>,
    directory: Resource<
        Result<crate::model::Directory, crate::model::AppError>,
        crate::codec::Json,
    >,
    run: Callback<BulkAction>,
    /// The export page, which the picked rows are sent to.
    export: Signal<String>,
) -> impl IntoView {
    let count = move || selected.with(|s| s.len());
    // The role and group to apply start unchosen each time the bar appears, and the selects
    // show exactly what the buttons will apply.
    let choice = move |id: &'static str,
                       label: &'static str,
                       value: RwSignal<String>,
                       names: Vec<String>| {
        view! {
            <label for=id class="visually-hidden">{label}</label>
            <select id=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="">{format!("{label}…")}</option>
                {names
                    .into_iter()
                    .map(|n| view! { <option value=n.clone()>{n.clone()}</option> })
                    .collect_view()}
            </select>
        }
    };
    view! {
        <Show when=move || { count() > 0 }>
            {
                let role = RwSignal::new(String::new());
                let group = RwSignal::new(String::new());
                view! {
                    <div class="bulk-bar" role="region" aria-label=s.bulk_actions>
                        <strong>{move || s.count(count() as u64, s.one_selected, s.n_selected)}</strong>
                        {move || can.get().deactivate.then(|| view! {
                            <button type="button" class="button" on:click=move |_| run.run(BulkAction::Deactivate)>
                                {s.deactivate_selected}
                            </button>
                            <button type="button" class="button" on:click=move |_| run.run(BulkAction::Reactivate)>
                                {s.reactivate_selected}
                            </button>
                        })}
                        {move || can.get().invite.then(|| view! {
                            <button type="button" class="button" on:click=move |_| run.run(BulkAction::ResendInvitations)>
                                {s.resend_invitations}
                            </button>
                        })}
                        {move || can.get().export.then(|| view! {
                            <form method="get" action=move || export.get() class="inline-form">
                                <input type="hidden" name="ids" value=move || selected.with(|ids| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")) />
                                <button type="submit" class="button">{s.export_selected}</button>
                            </form>
                        })}
                        {move || can.get().update.then(|| view! {
                            <Transition fallback=|| ()>
                                {move || Suspend::new(async move {
                                    let dir = directory.await.unwrap_or_default();
                                    let has_groups = !dir.groups.is_empty();
                                    view! {
                                        {choice("bulk-role", s.new_role, role, dir.roles)}
                                        <button
                                            type="button"
                                            class="button"
                                            disabled=move || role.with(String::is_empty)
                                            on:click=move |_| run.run(BulkAction::ChangeRole(role.get_untracked()))
                                        >
                                            {s.change_role}
                                        </button>
                                        {has_groups.then(|| view! {
                                            {choice("bulk-group", s.group_to_add, group, dir.groups)}
                                            <button
                                                type="button"
                                                class="button"
                                                disabled=move || group.with(String::is_empty)
                                                on:click=move |_| run.run(BulkAction::AddToGroup(group.get_untracked()))
                                            >
                                                {s.add_to_group}
                                            </button>
                                        })}
                                    }
                                    .into_any()
                                })}
                            </Transition>
                        })}
                        <button type="button" class="link-button" on:click=move |_| selected.set(BTreeSet::new())>
                            {s.clear_selection}
                        </button>
                    </div>
                }
            }
        </Show>
    }
    .into_any()
}

/// What the last bulk action changed and refused, until dismissed.
#[component]
fn BulkResult(s: &'static Strings, summary: RwSignal<Option<BulkSummary>>) -> impl IntoView {
    move || {
        summary.get().map(|sum| {
            let text = s.bulk_summary(sum.changed.len(), sum.refused.len());
            view! {
                <section class="card bulk-result" role="status" aria-label=s.bulk_result>
                    <div class="label-row">
                        <strong>{text}</strong>
                        <button type="button" class="icon-button" aria-label=s.close on:click=move |_| summary.set(None)>"×"</button>
                    </div>
                    {(!sum.refused.is_empty()).then(|| view! {
                        <h3 class="small muted">{s.refused}</h3>
                        <ul class="refused-list">
                            {sum.refused.iter().map(|(email, why)| view! {
                                <li><strong>{email.clone()}</strong>" — "{why.clone()}</li>
                            }).collect_view()}
                        </ul>
                    })}
                </section>
            }
        })
    }
}

/// The bulk bar's call, split out of the first chunk: the bar shows with the users list, but
/// its server function (and the decoding of its summary) loads when first used.
#[lazy]
fn bulk_call(
    project: String,
    ids: Vec<i64>,
    action: crate::model::BulkAction,
) -> crate::codec::CallFuture<Result<crate::model::BulkSummary, crate::model::AppError>> {
    Box::pin(crate::api::bulk_users(project, ids, action))
}

/// Runs a bulk action (see [`bulk_call`]).
pub async fn bulk(
    project: String,
    ids: Vec<i64>,
    action: crate::model::BulkAction,
) -> Result<crate::model::BulkSummary, crate::model::AppError> {
    bulk_call(project, ids, action).await.await
}

/// "Columns": which columns the table shows, kept for the person. A plain form post (no code
/// of its own): the server keeps the choice and sends the browser back to this page. A
/// multiple select rather than checkboxes: its options are not labels, so the page keeps one
/// control per label ("Status", "Role"… are the filters').
#[component]
fn ColumnsMenu(s: &'static Strings, columns: Columns) -> impl IntoView {
    let label = |c: UserColumn| match c {
        UserColumn::Name => s.col_name,
        UserColumn::FirstName => s.first_name,
        UserColumn::LastName => s.last_name,
        UserColumn::Phone => s.phone,
        UserColumn::Role => s.col_role,
        UserColumn::Groups => s.col_groups,
        UserColumn::Permissions => s.col_permissions,
        UserColumn::Status => s.col_status,
        UserColumn::LastSignIn => s.col_last_sign_in,
        UserColumn::Created => s.col_created,
    };
    view! {
        <details class="columns-menu">
            <summary class="button">{s.columns}</summary>
            <form class="columns-form card" method="post" action="/api/set_user_columns">
                <label for="columns-select" class="visually-hidden">{s.columns}</label>
                <select id="columns-select" name="columns[]" multiple=true size="10">
                    {UserColumn::ALL
                        .into_iter()
                        .map(|c| view! { <option value=c.key() selected=columns.has(c)>{label(c)}</option> })
                        .collect_view()}
                </select>
                <button type="submit" class="button primary">{s.apply}</button>
            </form>
        </details>
    }
}
