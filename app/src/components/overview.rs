//! A project's overview as HTML, rendered on the server only (like the audit log): figures
//! that link to the matching view of the Users page, and a chart of sign-ins per day drawn in
//! SVG with the theme's colours, a text summary and the same figures as a table.
use crate::model::time::iso_utc;
use crate::model::Language;
use crate::server::overview::Overview;
use leptos::prelude::*;

crate::i18n::text_table! {
    OverviewText {
        members,
        active,
        invited,
        inactive,
        pending_invitations,
        expired_invitations,
        added_30_days,
        sign_ins_heading,
        succeeded,
        failed,
        chart_summary,
        as_table,
        day,
        view_users,
    }
}

pub const EN: OverviewText = OverviewText {
    members: "Members",
    active: "Active",
    invited: "Invited",
    inactive: "Inactive",
    pending_invitations: "Pending invitations",
    expired_invitations: "Expired invitations",
    added_30_days: "Joined in the last 30 days",
    sign_ins_heading: "Sign-ins, last 30 days",
    succeeded: "Successful",
    failed: "Failed",
    chart_summary: "{ok} successful and {failed} failed sign-ins from {from} to {to}; the busiest day had {max}.",
    as_table: "Show as a table",
    day: "Day (UTC)",
    view_users: "Show these users",
};

pub const FR: OverviewText = OverviewText {
    members: "Membres",
    active: "Actifs",
    invited: "Invités",
    inactive: "Inactifs",
    pending_invitations: "Invitations en attente",
    expired_invitations: "Invitations expirées",
    added_30_days: "Arrivés ces 30 derniers jours",
    sign_ins_heading: "Connexions, 30 derniers jours",
    succeeded: "Réussies",
    failed: "Échouées",
    chart_summary: "{ok} connexions réussies et {failed} échouées du {from} au {to} ; le jour le plus chargé en a compté {max}.",
    as_table: "Afficher sous forme de tableau",
    day: "Jour (UTC)",
    view_users: "Afficher ces utilisateurs",
};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 180.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 8.0;

/// The overview of project `slug` as HTML.
pub fn render(slug: &str, o: &Overview, lang: Language) -> String {
    let t = OverviewText::of(lang);
    let s = crate::i18n::strings(lang);
    let users = format!("/p/{slug}/users");
    let stat = |value: u64, label: &'static str, href: String| {
        view! {
            <a class="card stat" href=href title=t.view_users>
                <span class="stat-value">{s.number(value)}</span>
                <span class="stat-label">{label}</span>
            </a>
        }
    };
    let stats = view! {
        <section class="stats" aria-label=t.members>
            {stat(o.active, t.active, format!("{users}?status=active"))}
            {stat(o.invited, t.invited, format!("{users}?status=invited"))}
            {stat(o.inactive, t.inactive, format!("{users}?status=inactive"))}
            {stat(o.pending_invitations, t.pending_invitations, format!("{users}?status=invited"))}
            {stat(o.expired_invitations, t.expired_invitations, format!("{users}?status=invited&sort=created&dir=asc"))}
            {stat(o.added_30_days, t.added_30_days, format!("{users}?sort=created&dir=desc"))}
        </section>
    };
    let day = |ms: i64| iso_utc(ms)[..10].to_string();
    let (ok, failed) = o
        .sign_ins
        .iter()
        .fold((0, 0), |(a, b), d| (a + d.1, b + d.2));
    let max = o.sign_ins.iter().map(|d| d.1.max(d.2)).max().unwrap_or(0);
    let summary = crate::i18n::fill(
        t.chart_summary,
        &[
            ("ok", &s.number(ok)),
            ("failed", &s.number(failed)),
            (
                "from",
                &o.sign_ins.first().map(|d| day(d.0)).unwrap_or_default(),
            ),
            (
                "to",
                &o.sign_ins.last().map(|d| day(d.0)).unwrap_or_default(),
            ),
            ("max", &s.number(max)),
        ],
    );
    // Bars side by side per day, scaled to the busiest day; the axis shows 0 and that peak.
    let n = o.sign_ins.len().max(1) as f64;
    let slot = (WIDTH - LEFT) / n;
    let bar = (slot * 0.38).max(1.0);
    let plot = HEIGHT - BOTTOM - TOP;
    let scale = |v: u64| {
        if max == 0 {
            0.0
        } else {
            v as f64 / max as f64 * plot
        }
    };
    let bars = o
        .sign_ins
        .iter()
        .enumerate()
        .map(|(i, &(at, good, bad))| {
            let x = LEFT + i as f64 * slot + slot * 0.1;
            let (h1, h2) = (scale(good), scale(bad));
            let tip = format!("{}: {} {}, {} {}", day(at), s.number(good), t.succeeded, s.number(bad), t.failed);
            view! {
                <g>
                    <title>{tip}</title>
                    <rect class="ok" x=format!("{x:.1}") y=format!("{:.1}", TOP + plot - h1) width=format!("{bar:.1}") height=format!("{h1:.1}")></rect>
                    <rect class="failed" x=format!("{:.1}", x + bar) y=format!("{:.1}", TOP + plot - h2) width=format!("{bar:.1}") height=format!("{h2:.1}")></rect>
                </g>
            }
        })
        .collect_view();
    let rows = o
        .sign_ins
        .iter()
        .rev()
        .map(|&(at, good, bad)| {
            view! {
                <tr>
                    <td>{day(at)}</td>
                    <td class="num">{s.number(good)}</td>
                    <td class="num">{s.number(bad)}</td>
                </tr>
            }
        })
        .collect_view();
    let first = o.sign_ins.first().map(|d| day(d.0)).unwrap_or_default();
    let last = o.sign_ins.last().map(|d| day(d.0)).unwrap_or_default();
    let chart = view! {
        <section class="card" aria-labelledby="sign-ins-heading">
            <h2 id="sign-ins-heading">{t.sign_ins_heading}</h2>
            <svg class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="chart-title chart-desc">
                <title id="chart-title">{t.sign_ins_heading}</title>
                <desc id="chart-desc">{summary}</desc>
                <line class="axis" x1=LEFT.to_string() y1=(TOP + plot).to_string() x2=WIDTH.to_string() y2=(TOP + plot).to_string()></line>
                <text class="tick" x=(LEFT - 6.0).to_string() y=(TOP + 8.0).to_string() text-anchor="end">{s.number(max)}</text>
                <text class="tick" x=(LEFT - 6.0).to_string() y=(TOP + plot).to_string() text-anchor="end">"0"</text>
                <text class="tick" x=LEFT.to_string() y=(HEIGHT - 6.0).to_string()>{first}</text>
                <text class="tick" x=WIDTH.to_string() y=(HEIGHT - 6.0).to_string() text-anchor="end">{last}</text>
                {bars}
            </svg>
            <p class="chart-legend muted">
                <span class="legend ok">{t.succeeded}": "{s.number(ok)}</span>
                <span class="legend failed">{t.failed}": "{s.number(failed)}</span>
            </p>
            <details>
                <summary>{t.as_table}</summary>
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">{t.day}</th>
                            <th scope="col" class="num">{t.succeeded}</th>
                            <th scope="col" class="num">{t.failed}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </section>
    };
    view! {
        {stats}
        {chart}
    }
    .to_html()
}
