//! `/p/{slug}/users/import[/{id}]` and `/p/{slug}/users/export`: the server renders both
//! (`components::imports`); this page asks for the HTML of its URL and, while an import runs,
//! asks again every second so its progress bar moves. Without script the running page
//! refreshes itself.
use super::sections::PageHeader;
use crate::api::{export_page, import_page};
use crate::components::ServerHtml;
use crate::i18n::{Strings, EN};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};
use std::time::Duration;

#[component]
pub fn ImportPage() -> impl IntoView {
    let s: &'static Strings = use_context().unwrap_or(&EN);
    let params = use_params_map();
    let location = use_location();
    let html = crate::codec::server_html(
        move || {
            let p = params.read();
            (
                p.get("project").unwrap_or_default(),
                p.get("id").and_then(|id| id.parse::<i64>().ok()),
                location.search.get(),
            )
        },
        |(project, id, query)| import_page(project, id, query),
    );
    let polling = StoredValue::new(false);
    let poll = move || {
        if polling.get_value() {
            return;
        }
        polling.set_value(true);
        watch(html, polling);
    };
    Effect::new(move |_| poll());
    let refresh = Callback::new(move |()| {
        html.refetch();
        poll();
    });
    view! {
        <PageHeader title=s.import_users lead=s.import_lead />
        <Transition fallback=move || view! { <p class="muted">{s.loading}</p> }>
            {move || Suspend::new(async move { view! { <ServerHtml html=html.await refresh=refresh /> } })}
        </Transition>
    }
}

/// While the page shows a running import, asks for it again every second.
fn watch(
    html: Resource<Result<String, crate::model::AppError>, crate::codec::InPage>,
    polling: StoredValue<bool>,
) {
    set_timeout(
        move || {
            let running = document()
                .query_selector("[data-running]")
                .ok()
                .flatten()
                .is_some();
            if running {
                html.refetch();
                watch(html, polling);
            } else {
                polling.try_set_value(false);
            }
        },
        Duration::from_secs(1),
    );
}

#[component]
pub fn ExportPage() -> impl IntoView {
    let s: &'static Strings = use_context().unwrap_or(&EN);
    let params = use_params_map();
    let location = use_location();
    let html = crate::codec::server_html(
        move || {
            (
                params.read().get("project").unwrap_or_default(),
                location.search.get(),
            )
        },
        |(project, query)| export_page(project, query),
    );
    view! {
        <PageHeader title=s.export_users lead=s.export_lead />
        <Transition fallback=move || view! { <p class="muted">{s.loading}</p> }>
            {move || Suspend::new(async move { view! { <ServerHtml html=html.await /> } })}
        </Transition>
    }
}
