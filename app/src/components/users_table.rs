use crate::i18n::Strings;
use crate::model::time::{format_utc, relative};
use crate::model::{Language, Status, UserRow, UserSort, PAGE_SIZES};
use leptos::prelude::*;

fn status_badge(s: &'static Strings, status: Status) -> impl IntoView {
    let (class, label) = match status {
        Status::Active => ("badge badge-active", s.active),
        Status::Invited => ("badge badge-invited", s.invited),
        Status::Inactive => ("badge badge-inactive", s.inactive),
    };
    view! { <span class=class>{label}</span> }
}

/// The users table: sortable headers (with `aria-sort`), one row per user.
#[component]
pub fn UsersTable(
    rows: Vec<UserRow>,
    strings: &'static Strings,
    lang: Language,
    /// When the rows were read, for relative times.
    as_of: i64,
    sort: UserSort,
    desc: bool,
    on_sort: Callback<UserSort>,
) -> impl IntoView {
    let s = strings;
    let header = move |key: Option<UserSort>, label: &'static str| match key {
        Some(k) => {
            let active = k == sort;
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
                    <button type="button" class="sort-button" on:click=move |_| on_sort.run(k)>
                        {label}
                        <span class="sort-arrow" aria-hidden="true">{arrow}</span>
                    </button>
                </th>
            }
            .into_any()
        }
        None => view! { <th scope="col">{label}</th> }.into_any(),
    };
    let time = move |ms: Option<i64>| match ms {
        Some(ms) => {
            view! { <time title=format_utc(ms)>{relative(ms, as_of, lang)}</time> }.into_any()
        }
        None => view! { <span class="muted">{s.never}</span> }.into_any(),
    };
    view! {
        <table class="table users-table">
            <thead>
                <tr>
                    {header(Some(UserSort::Email), s.col_email)}
                    {header(Some(UserSort::Name), s.col_name)}
                    {header(Some(UserSort::Role), s.col_role)}
                    {header(None, s.col_groups)}
                    {header(Some(UserSort::Status), s.col_status)}
                    {header(Some(UserSort::LastSignIn), s.col_last_sign_in)}
                    {header(Some(UserSort::Created), s.col_created)}
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|r| {
                        let name = r.name();
                        view! {
                            <tr>
                                <td class="cell-email">{r.email.clone()}</td>
                                <td>{name}</td>
                                <td>{r.role.clone()}</td>
                                <td class="muted">{r.groups.join(", ")}</td>
                                <td>{status_badge(s, r.status)}</td>
                                <td>{time(r.last_sign_in_at)}</td>
                                <td>{time(Some(r.created_at))}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// "Page X of Y", Previous / Next, page size and total.
#[component]
pub fn Pager(
    strings: &'static Strings,
    page: u32,
    pages: u32,
    total: u64,
    size: u32,
    on_page: Callback<u32>,
    on_size: Callback<u32>,
) -> impl IntoView {
    let s = strings;
    let noun = if total == 1 {
        s.user_word
    } else {
        s.users_word
    };
    view! {
        <div class="pager">
            <span class="muted">{format!("{total} {noun}")}</span>
            <div class="pager-spacer"></div>
            <label for="page-size" class="muted">{s.rows_per_page}</label>
            <select id="page-size" on:change=move |ev| {
                if let Ok(n) = event_target_value(&ev).parse() {
                    on_size.run(n)
                }
            }>
                {PAGE_SIZES
                    .iter()
                    .map(|n| view! { <option value=n.to_string() selected=*n == size>{n.to_string()}</option> })
                    .collect_view()}
            </select>
            <span class="pager-position">{format!("{} {page} {} {pages}", s.page_word, s.of_word)}</span>
            <button type="button" class="button" disabled={page <= 1} on:click=move |_| on_page.run(page - 1)>
                {s.previous}
            </button>
            <button type="button" class="button" disabled={page >= pages} on:click=move |_| on_page.run(page + 1)>
                {s.next}
            </button>
        </div>
    }
}
