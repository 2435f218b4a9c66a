//! A person's active sessions: on `/account` (their own, "This device" marked, the others
//! revocable) and on an admin's detail page of them (each revocable with `sessions:revoke`).
use crate::i18n::fill;
use crate::model::time::{format_utc, relative};
use crate::model::{Language, SessionInfo};
use leptos::prelude::*;

#[component]
pub fn SessionsTable(
    sessions: Vec<SessionInfo>,
    lang: Language,
    /// Whose sessions: the reader's own (this browser's session is marked, and not revoked
    /// from here) or another person's.
    own: bool,
    /// Revokes one session by id; None when the reader may not.
    revoke: Option<Callback<i64>>,
    /// When the sessions were read, for "5 min ago".
    as_of: i64,
) -> impl IntoView {
    let d = crate::pages::detail_text::current();
    let t = crate::pages::account_text::current();
    // Without a GeoIP database (or for private addresses) no row has a location: no column.
    let located = sessions.iter().any(|x| !x.location.is_empty());
    let time = move |ms: i64| view! { <time title=format_utc(ms)>{relative(ms, as_of.max(ms), lang)}</time> };
    let rows = sessions
        .into_iter()
        .map(|x| {
            let sid = x.id;
            let what = if x.current && !own {
                d.this_session.to_string()
            } else {
                format!("{} · {} · {}", x.browser, x.os, x.ip)
            };
            let button = revoke.filter(|_| !(own && x.current)).map(|r| {
                view! {
                    <button
                        type="button"
                        class="button"
                        aria-label=fill(if own { t.revoke_this } else { d.revoke_session }, &[("what", &what)])
                        on:click=move |_| r.run(sid)
                    >
                        {d.revoke}
                    </button>
                }
            });
            view! {
                <tr>
                    <td>
                        {x.device.clone()}
                        {(own && x.current).then(|| view! { " "<span class="badge badge-active">{t.this_device}</span> })}
                    </td>
                    <td>{format!("{} · {}", x.browser, x.os)}</td>
                    <td class="mono">{x.ip.clone()}</td>
                    {located.then(|| view! { <td>{if x.location.is_empty() { "—".to_string() } else { x.location.clone() }}</td> })}
                    <td>{time(x.last_seen_at)}</td>
                    <td>{time(x.created_at)}</td>
                    <td>{button}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{d.device}</th>
                        <th scope="col">{d.browser}</th>
                        <th scope="col">{d.ip_address}</th>
                        {located.then(|| view! { <th scope="col">{d.location}</th> })}
                        <th scope="col">{d.last_activity}</th>
                        <th scope="col">{d.started}</th>
                        <th scope="col"><span class="visually-hidden">{d.revoke}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
