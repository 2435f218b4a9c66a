//! The audit log as HTML, rendered on the server only. The log is read, never edited in
//! place: its filters are a GET form, its pages and filters are links, its details open with
//! `<details>`. So the browser needs no code for it (see [`super::ServerHtml`]), and its text
//! and markup never reach the wasm.
use crate::model::time::{format_utc, iso_utc, relative};
use crate::model::{
    ActivityItem, AuditItem, AuditQuery, AuditSlice, Language, Page, SignInEvent, AUDIT_ACTIONS,
};
use leptos::prelude::*;

crate::i18n::text_table! {
    AuditText {
        filters,
        actor,
        actor_placeholder,
        target,
        target_placeholder,
        action,
        any_action,
        from,
        to,
        apply,
        clear,
        export,
        export_hint,
        time,
        ip,
        device,
        details,
        show,
        console_wide,
        system,
        no_events,
        no_matches,
        newest,
        newer,
        older,
        pages,
        events_table,
        filter_by,
    }
}

pub const EN: AuditText = AuditText {
    filters: "Filter events",
    actor: "Actor",
    actor_placeholder: "Actor email",
    target: "Target",
    target_placeholder: "Target email",
    action: "Action",
    any_action: "All actions",
    from: "From",
    to: "To",
    apply: "Apply",
    clear: "Clear filters",
    export: "Export CSV",
    export_hint: "Every event these filters select, as a CSV file",
    time: "Time (UTC)",
    ip: "IP address",
    device: "Device",
    details: "Details",
    show: "Show",
    console_wide: "Console-wide",
    system: "System",
    no_events: "No events yet. Changes to users, roles and settings appear here.",
    no_matches: "No events match these filters.",
    newest: "Newest",
    newer: "← Newer",
    older: "Older →",
    pages: "Pages of events",
    events_table: "Audit events",
    filter_by: "Show only these events",
};

pub const FR: AuditText = AuditText {
    filters: "Filtrer les événements",
    actor: "Auteur",
    actor_placeholder: "E-mail de l'auteur",
    target: "Cible",
    target_placeholder: "E-mail de la cible",
    action: "Action",
    any_action: "Toutes les actions",
    from: "Du",
    to: "Au",
    apply: "Appliquer",
    clear: "Effacer les filtres",
    export: "Exporter en CSV",
    export_hint: "Tous les événements que ces filtres sélectionnent, en fichier CSV",
    time: "Heure (UTC)",
    ip: "Adresse IP",
    device: "Appareil",
    details: "Détails",
    show: "Afficher",
    console_wide: "Toute la console",
    system: "Système",
    no_events: "Aucun événement pour l'instant. Les changements des utilisateurs, des rôles et des réglages apparaissent ici.",
    no_matches: "Aucun événement ne correspond à ces filtres.",
    newest: "Plus récents",
    newer: "← Plus récents",
    older: "Plus anciens →",
    pages: "Pages d'événements",
    events_table: "Événements du journal",
    filter_by: "N'afficher que ces événements",
};

/// What the page shows around the events: where it is and for whom.
pub struct LogView<'a> {
    pub slug: &'a str,
    pub query: &'a AuditQuery,
    pub lang: Language,
    /// The reader also sees console-wide events (a superadmin).
    pub console_wide: bool,
    /// When the events were read, for "3 min ago".
    pub as_of: i64,
}

/// The log's filters, events and pager as one HTML fragment.
pub fn render(v: &LogView<'_>, slice: AuditSlice) -> String {
    let t = AuditText::of(v.lang);
    let base = format!("/p/{}/audit", v.slug);
    let href = |extra: Option<(&'static str, String)>| {
        let qs = v.query.query_string(extra);
        if qs.is_empty() {
            base.clone()
        } else {
            format!("{base}?{qs}")
        }
    };
    let (first, last) = (
        slice.items.first().map(|i| format!("{}.{}", i.at, i.id)),
        slice.items.last().map(|i| format!("{}.{}", i.at, i.id)),
    );
    let pager = (slice.newer || slice.older).then(|| {
        let newest = v.query.cursor.is_some().then(|| href(None));
        let newer = slice
            .newer
            .then(|| first.clone().map(|c| href(Some(("after", c)))))
            .flatten();
        let older = slice
            .older
            .then(|| last.clone().map(|c| href(Some(("before", c)))))
            .flatten();
        view! {
            <nav class="pager" aria-label=t.pages>
                {newest.map(|h| view! { <a class="button" href=h>{t.newest}</a> })}
                <div class="pager-spacer"></div>
                {newer.map(|h| view! { <a class="button" href=h rel="prev">{t.newer}</a> })}
                {older.map(|h| view! { <a class="button" href=h rel="next">{t.older}</a> })}
            </nav>
        }
    });
    let body = if slice.items.is_empty() {
        let text = if v.query.has_filters() || v.query.cursor.is_some() {
            t.no_matches
        } else {
            t.no_events
        };
        view! { <div class="card empty-state"><p>{text}</p></div> }.into_any()
    } else {
        let rows = slice
            .items
            .into_iter()
            .map(|i| row(v, t, &base, i))
            .collect_view();
        view! {
            <div class="card table-card">
                <table class="table audit-table" aria-label=t.events_table>
                    <thead>
                        <tr>
                            <th scope="col">{t.time}</th>
                            <th scope="col">{t.actor}</th>
                            <th scope="col">{t.action}</th>
                            <th scope="col">{t.target}</th>
                            <th scope="col">{t.ip}</th>
                            <th scope="col">{t.device}</th>
                            <th scope="col">{t.details}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let export = if v.query.has_filters() {
        format!("{base}/export?{}", v.query.query_string(None))
    } else {
        format!("{base}/export")
    };
    view! {
        {filters(v, t, &base, export)}
        {body}
        {pager}
    }
    .to_html()
}

fn filters(v: &LogView<'_>, t: &'static AuditText, base: &str, export: String) -> impl IntoView {
    let q = v.query;
    let options = AUDIT_ACTIONS
        .iter()
        .map(|a| {
            let selected = q.action.as_deref() == Some(*a);
            view! { <option value=*a selected=selected>{*a}</option> }
        })
        .collect_view();
    view! {
        <form class="toolbar audit-filters" role="search" method="get" action=base.to_string() aria-label=t.filters>
            <label for="audit-actor" class="visually-hidden">{t.actor}</label>
            <input id="audit-actor" name="actor" type="search" placeholder=t.actor_placeholder value=q.actor.clone() autocomplete="off" />
            <label for="audit-target" class="visually-hidden">{t.target}</label>
            <input id="audit-target" name="target" type="search" placeholder=t.target_placeholder value=q.target.clone() autocomplete="off" />
            <label for="audit-action" class="visually-hidden">{t.action}</label>
            <select id="audit-action" name="action">
                <option value="" selected=q.action.is_none()>{t.any_action}</option>
                {options}
            </select>
            <label for="audit-from" class="inline-label">{t.from}</label>
            <input id="audit-from" name="from" type="date" value=q.from.clone().unwrap_or_default() />
            <label for="audit-to" class="inline-label">{t.to}</label>
            <input id="audit-to" name="to" type="date" value=q.to.clone().unwrap_or_default() />
            <button type="submit" class="button">{t.apply}</button>
            {q.has_filters().then(|| view! { <a class="button" href=base.to_string()>{t.clear}</a> })}
            <div class="pager-spacer"></div>
            <a class="button" href=export download="" rel="external" title=t.export_hint>{t.export}</a>
        </form>
    }
}

fn row(v: &LogView<'_>, t: &'static AuditText, base: &str, i: AuditItem) -> impl IntoView {
    // Each actor, action and target filters the log to itself.
    let filter_link = |key: &'static str, value: &str| {
        let q = AuditQuery {
            actor: if key == "actor" {
                value.to_string()
            } else {
                String::new()
            },
            target: if key == "target" {
                value.to_string()
            } else {
                String::new()
            },
            action: (key == "action").then(|| value.to_string()),
            ..AuditQuery::default()
        };
        format!("{base}?{}", q.query_string(None))
    };
    let actor = match &i.actor_email {
        Some(e) if e != "system" => view! {
            <a href=filter_link("actor", e) title=t.filter_by>{e.clone()}</a>
        }
        .into_any(),
        _ => view! { <span class="muted">{t.system}</span> }.into_any(),
    };
    let target = i.target_email.as_ref().map(|e| {
        view! { <a href=filter_link("target", e) title=t.filter_by>{e.clone()}</a> }
    });
    let scope = (v.console_wide && i.project.is_none())
        .then(|| view! { <div class="muted small">{t.console_wide}</div> });
    let details = (i.details != "{}").then(|| {
        let pretty = serde_json::from_str::<serde_json::Value>(&i.details)
            .and_then(|d| serde_json::to_string_pretty(&d))
            .unwrap_or_else(|_| i.details.clone());
        view! {
            <details>
                <summary>{t.show}</summary>
                <pre class="mono small">{pretty}</pre>
            </details>
        }
    });
    let location = (!i.location.is_empty())
        .then(|| view! { <div class="muted small">{i.location.clone()}</div> });
    view! {
        <tr>
            <td class="nowrap">
                <time datetime=iso_utc(i.at) title=relative(i.at, v.as_of, v.lang)>{format_utc(i.at).trim_end_matches(" UTC").to_string()}</time>
            </td>
            <td>{actor}</td>
            <td>
                <a class="mono" href=filter_link("action", &i.action) title=t.filter_by>{i.action.clone()}</a>
                {scope}
            </td>
            <td>{target}</td>
            <td><span class="mono">{i.ip.clone()}</span>{location}</td>
            <td title=i.user_agent.clone()>{i.device.clone()}</td>
            <td class="details-cell">{details}</td>
        </tr>
    }
}

/// One person's activity (the events that target them, newest first) as HTML, for their
/// detail page at `base`: the table and a pager of plain links (`?activity=N`).
pub fn render_activity(page: Page<ActivityItem>, lang: Language, base: &str) -> String {
    let d = crate::pages::detail_text::DetailText::of(lang);
    if page.items.is_empty() && page.page <= 1 {
        return view! { <p class="muted">{d.no_activity}</p> }.to_html();
    }
    let as_of = page.as_of;
    let pages = page.pages();
    let current = page.page;
    let located = page.items.iter().any(|a| !a.location.is_empty());
    let dash = |t: &str| {
        if t.is_empty() {
            "—".to_string()
        } else {
            t.to_string()
        }
    };
    let rows = page
        .items
        .into_iter()
        .map(|a| {
            let details = if a.details == "{}" { String::new() } else { a.details.clone() };
            view! {
                <tr>
                    <td><time datetime=iso_utc(a.at) title=format_utc(a.at)>{relative(a.at, as_of, lang)}</time></td>
                    <td class="mono">{a.action.clone()}</td>
                    <td>{a.actor_email.clone().unwrap_or_else(|| "—".into())}</td>
                    <td class="mono">{a.ip.clone()}</td>
                    {located.then(|| view! { <td>{dash(&a.location)}</td> })}
                    <td>{a.device.clone()}</td>
                    <td class="mono small details-cell">{details}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="table activity-table">
                <thead>
                    <tr>
                        <th scope="col">{d.when}</th>
                        <th scope="col">{d.event}</th>
                        <th scope="col">{d.by}</th>
                        <th scope="col">{d.ip_address}</th>
                        {located.then(|| view! { <th scope="col">{d.location}</th> })}
                        <th scope="col">{d.device}</th>
                        <th scope="col">{d.details}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {page_links(lang, d.activity, &format!("{base}?activity="), current, pages)}
    }
    .to_html()
}

/// Previous and Next as links to `{href}{n}`, with the position; an edge's link goes nowhere.
fn page_links(
    lang: Language,
    label: &'static str,
    href: &str,
    current: u32,
    pages: u32,
) -> impl IntoView {
    let s = crate::i18n::strings(lang);
    let link = |to: u32, text: &'static str, rel: &'static str, enabled: bool| {
        if enabled {
            view! { <a class="button" href=format!("{href}{to}") rel=rel>{text}</a> }.into_any()
        } else {
            view! { <span class="button" aria-disabled="true">{text}</span> }.into_any()
        }
    };
    view! {
        <nav class="pager" aria-label=label>
            <div class="pager-spacer"></div>
            <span class="pager-position">{format!("{} {current} {} {pages}", s.page_word, s.of_word)}</span>
            {link(current.saturating_sub(1).max(1), s.previous, "prev", current > 1)}
            {link(current + 1, s.next, "next", current < pages)}
        </nav>
    }
}

/// The reader's own sign-ins and failed attempts, newest first, for `/account`.
pub fn render_sign_ins(page: Page<SignInEvent>, lang: Language) -> String {
    let d = crate::pages::detail_text::DetailText::of(lang);
    let t = crate::pages::account_text::AccountText::of(lang);
    if page.items.is_empty() && page.page <= 1 {
        return view! { <p class="muted">{t.no_sign_ins}</p> }.to_html();
    }
    let as_of = page.as_of;
    let (current, pages) = (page.page, page.pages());
    let located = page.items.iter().any(|e| !e.location.is_empty());
    let rows = page
        .items
        .into_iter()
        .map(|e| {
            let result = if e.ok {
                view! { <span class="badge badge-active">{t.sign_in_ok}</span> }
            } else {
                view! { <span class="badge badge-inactive">{t.sign_in_failed}</span> }
            };
            view! {
                <tr>
                    <td><time datetime=iso_utc(e.at) title=format_utc(e.at)>{relative(e.at, as_of, lang)}</time></td>
                    <td>{result}</td>
                    <td class="mono">{e.ip.clone()}</td>
                    {located.then(|| view! { <td>{e.location.clone()}</td> })}
                    <td>{e.device.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{d.when}</th>
                        <th scope="col">{t.result}</th>
                        <th scope="col">{d.ip_address}</th>
                        {located.then(|| view! { <th scope="col">{d.location}</th> })}
                        <th scope="col">{d.device}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {page_links(lang, t.recent_sign_ins, "/account?sign_ins=", current, pages)}
    }
    .to_html()
}
