use super::form::{HiddenFields, NoScriptSubmit};
use super::row_menu::{MenuEntry, RowMenu};
use crate::i18n::{fill, Strings};
use crate::model::time::{format_utc, relative};
use crate::model::{
    Columns, Language, Status, UserColumn, UserQuery, UserRow, UserSort, PAGE_SIZES,
};
use leptos::prelude::*;
use std::collections::BTreeSet;

/// A status as a coloured badge (Invited, Active, Inactive).
pub fn status_badge(s: &'static Strings, status: Status) -> impl IntoView {
    let (class, label) = match status {
        Status::Active => ("badge badge-active", s.active),
        Status::Invited => ("badge badge-invited", s.invited),
        Status::Inactive => ("badge badge-inactive", s.inactive),
    };
    view! { <span class=class>{label}</span> }
}

/// The users table: sortable headers (with `aria-sort`), one row per user with its email
/// linking to the detail page, a selection checkbox and an actions menu. Each sort header is
/// a small GET form, so sorting works before the wasm loads.
#[component]
pub fn UsersTable(
    rows: Vec<UserRow>,
    /// `/p/{slug}/users`: rows link to `{base}/{id}`.
    base: String,
    /// The selected rows' ids; None hides the selection column.
    selected: Option<RwSignal<BTreeSet<i64>>>,
    /// The actions menu of a row.
    menu: Callback<UserRow, Vec<MenuEntry>>,
    strings: &'static Strings,
    lang: Language,
    /// When the rows were read, for relative times.
    as_of: i64,
    /// The view shown (its sort marks a header; the rest is kept by the sort forms).
    view: UserQuery,
    on_sort: Callback<UserSort>,
    /// The columns shown besides Email.
    columns: Columns,
) -> impl IntoView {
    let s = strings;
    let (sort, desc) = (view.sort, view.desc);
    let keep = view.pairs_except(&["sort", "dir", "page"]);
    let header = {
        let base = base.clone();
        move |key: Option<UserSort>, label: &'static str| match key {
            Some(k) => {
                let active = k == sort;
                let next_desc = if active { !desc } else { k.default_desc() };
                let aria = if !active {
                    "none"
                } else if desc {
                    "descending"
                } else {
                    "ascending"
                };
                let arrow = if !active {
                    ""
                } else if desc {
                    "↓"
                } else {
                    "↑"
                };
                view! {
                <th scope="col" aria-sort=aria>
                    <form method="get" action=base.clone() class="sort-form">
                        <HiddenFields fields=keep.clone() />
                        <input type="hidden" name="sort" value=k.as_str() />
                        <input type="hidden" name="dir" value=if next_desc { "desc" } else { "asc" } />
                        <button
                            type="submit"
                            class="sort-button"
                            on:click=move |ev| {
                                ev.prevent_default();
                                on_sort.run(k)
                            }
                        >
                            {label}
                            <span class="sort-arrow" aria-hidden="true">{arrow}</span>
                        </button>
                    </form>
                </th>
            }
            .into_any()
            }
            None => view! { <th scope="col">{label}</th> }.into_any(),
        }
    };
    let time = move |ms: Option<i64>| match ms {
        Some(ms) => {
            view! { <time title=format_utc(ms)>{relative(ms, as_of, lang)}</time> }.into_any()
        }
        None => view! { <span class="muted">{s.never}</span> }.into_any(),
    };
    // The text columns are one kind of cell, listed; Status and the times have their own.
    let page_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let select_all = selected.map(|sel| {
        let ids = page_ids.clone();
        let all = {
            let ids = ids.clone();
            move || !ids.is_empty() && sel.with(|s| ids.iter().all(|id| s.contains(id)))
        };
        view! {
            <th scope="col" class="cell-select">
                <input
                    type="checkbox"
                    aria-label=s.select_all
                    prop:checked=all.clone()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        sel.update(|s| {
                            for id in &ids {
                                if on {
                                    s.insert(*id);
                                } else {
                                    s.remove(id);
                                }
                            }
                        })
                    }
                />
            </th>
        }
    });
    view! {
        <table class="table users-table">
            <thead>
                <tr>
                    {select_all}
                    {header(Some(UserSort::Email), s.col_email)}
                    {UserColumn::ALL
                        .into_iter()
                        .filter(|c| columns.has(*c))
                        .map(|c| {
                            let (sort, label) = column_header(s, c);
                            header(sort, label)
                        })
                        .collect_view()}
                    <th scope="col"><span class="visually-hidden">{s.actions_for.replace(" {email}", "")}</span></th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|r| {
                        let name = r.name();
                        let id = r.id;
                        let check = selected.map(|sel| {
                            view! {
                                <td class="cell-select">
                                    <input
                                        type="checkbox"
                                        aria-label=fill(s.select_row, &[("email", &r.email)])
                                        prop:checked=move || sel.with(|s| s.contains(&id))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            sel.update(|s| {
                                                if on {
                                                    s.insert(id);
                                                } else {
                                                    s.remove(&id);
                                                }
                                            })
                                        }
                                    />
                                </td>
                            }
                        });
                        let entries = menu.run(r.clone());
                        let menu_label = fill(s.actions_for, &[("email", &r.email)]);
                        view! {
                            <tr aria-selected=move || selected.map(|sel| sel.with(|s| s.contains(&id)).to_string())>
                                {check}
                                <td class="cell-email"><a href=format!("{base}/{id}")>{r.email.clone()}</a></td>
                                {text_cells(s, columns, &r, name)
                                    .into_iter()
                                    .map(|(class, title, text)| view! { <td class=class title=title>{text}</td> })
                                    .collect_view()}
                                {columns.has(UserColumn::Status).then(|| view! {
                                    <td>
                                    {status_badge(s, r.status)}
                                    {r.invitation_expired(as_of).then(|| view! {
                                        " "<span class="badge badge-inactive">{s.expired}</span>
                                    })}
                                </td>
                                })}
                                {columns.has(UserColumn::LastSignIn).then(|| view! { <td>{time(r.last_sign_in_at)}</td> })}
                                {columns.has(UserColumn::Created).then(|| view! { <td>{time(Some(r.created_at))}</td> })}
                                <td class="cell-actions">
                                    <RowMenu label=menu_label entries=entries id=format!("u{id}") />
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// "Page X of Y", Previous / Next, page size and total. A GET form: the buttons submit the page
/// (and the size) with the rest of the view in hidden fields, so paging works before the wasm
/// loads; with script they call `on_page` / `on_size` instead.
#[component]
pub fn Pager(
    strings: &'static Strings,
    page: u32,
    pages: u32,
    total: u64,
    size: u32,
    on_page: Callback<u32>,
    on_size: Callback<u32>,
    /// The page's URL the form submits to.
    action: String,
    /// The query parameter that holds the page number.
    #[prop(default = "page")]
    param: &'static str,
    /// The rest of the view, kept across pages.
    #[prop(default = vec![])]
    hidden: Vec<(&'static str, String)>,
    /// Whether to offer page sizes and show the users total (the users table does).
    #[prop(default = true)]
    sizes: bool,
    /// `total` (and so `pages`) is a lower bound.
    #[prop(default = false)]
    more: bool,
) -> impl IntoView {
    let s = strings;
    let noun = if crate::i18n::is_one(s.language(), total) {
        s.user_word
    } else {
        s.users_word
    };
    let previous = page.saturating_sub(1).max(1);
    let go = move |to: u32| {
        move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            on_page.run(to)
        }
    };
    view! {
        <form class="pager" method="get" action=action>
            <HiddenFields fields=hidden />
            {sizes.then(|| view! { <span class="muted">{format!("{}{} {noun}", s.number(total), if more { "+" } else { "" })}</span> })}
            <div class="pager-spacer"></div>
            {sizes.then(|| view! {
                <label for="page-size" class="muted">{s.rows_per_page}</label>
                <select id="page-size" name="size" on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse() {
                        on_size.run(n)
                    }
                }>
                    {PAGE_SIZES
                        .iter()
                        .map(|n| view! { <option value=n.to_string() selected=*n == size>{n.to_string()}</option> })
                        .collect_view()}
                </select>
                <NoScriptSubmit label=s.apply />
            })}
            <span class="pager-position">{format!("{} {page} {} {pages}{}", s.page_word, s.of_word, if more { "+" } else { "" })}</span>
            <button
                type="submit"
                class="button"
                name=param
                value=previous.to_string()
                disabled={page <= 1}
                on:click=go(previous)
            >
                {s.previous}
            </button>
            <button
                type="submit"
                class="button"
                name=param
                value=(page + 1).to_string()
                disabled={page >= pages && !more}
                on:click=go(page + 1)
            >
                {s.next}
            </button>
        </form>
    }
}

/// A column's header: its sort (None: not sortable) and label.
fn column_header(s: &'static Strings, c: UserColumn) -> (Option<UserSort>, &'static str) {
    match c {
        UserColumn::Name => (Some(UserSort::Name), s.col_name),
        UserColumn::FirstName => (None, s.first_name),
        UserColumn::LastName => (None, s.last_name),
        UserColumn::Phone => (None, s.phone),
        UserColumn::Role => (Some(UserSort::Role), s.col_role),
        UserColumn::Groups => (None, s.col_groups),
        UserColumn::Permissions => (None, s.col_permissions),
        UserColumn::Status => (Some(UserSort::Status), s.col_status),
        UserColumn::LastSignIn => (Some(UserSort::LastSignIn), s.col_last_sign_in),
        UserColumn::Created => (Some(UserSort::Created), s.col_created),
    }
}

/// The row's chosen text columns (all come before Status): (class, title, text).
fn text_cells(
    s: &'static Strings,
    columns: Columns,
    r: &UserRow,
    name: String,
) -> Vec<(&'static str, Option<String>, String)> {
    let mut out = Vec::new();
    let mut add = |c: UserColumn, class: &'static str, title: Option<String>, text: String| {
        if columns.has(c) {
            out.push((class, title, text));
        }
    };
    add(UserColumn::Name, "", None, name);
    add(UserColumn::FirstName, "", None, r.first_name.clone());
    add(UserColumn::LastName, "", None, r.last_name.clone());
    add(
        UserColumn::Phone,
        "",
        None,
        r.phone.clone().unwrap_or_default(),
    );
    add(UserColumn::Role, "", None, r.role.clone());
    add(UserColumn::Groups, "muted", None, r.groups.join(", "));
    add(
        UserColumn::Permissions,
        "muted",
        Some(r.permissions.join(", ")),
        // (Not `to_lowercase()` of the column's name: its Unicode tables cost 6 kB here.)
        format!(
            "{} · {} {}",
            r.role,
            r.permissions.len(),
            s.permissions_word
        ),
    );
    out
}
