use super::CurrentViewer;
use crate::api::SignOut;
use crate::components::{Header, Modal, Sidebar};
use crate::i18n::{strings, Strings};
use crate::model::Viewer;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};

/// The console frame around every admin and account page: header, sidebar, content.
#[component]
pub fn Console() -> impl IntoView {
    match use_context::<CurrentViewer>().and_then(|c| c.0) {
        Some(v) => view! { <Frame viewer=v /> }.into_any(),
        None => view! { <SignedOut /> }.into_any(),
    }
}

/// The server redirects anonymous page loads to /login; this covers a session that ended while
/// the page was open.
#[component]
fn SignedOut() -> impl IntoView {
    let location = use_location();
    Effect::new(move |_| {
        let here = location.pathname.get_untracked() + &location.search.get_untracked();
        let _ = window().location().set_href(&format!(
            "/login?next={}",
            crate::model::encode_query_value(&here)
        ));
    });
    view! { <div class="boot">"Signing you in again…"</div> }
}

#[component]
fn Frame(viewer: Viewer) -> impl IntoView {
    let s: &'static Strings = strings(viewer.language);
    provide_context(s);
    provide_context(viewer.clone());
    let params = use_params_map();
    let location = use_location();
    let fallback_project = viewer.projects.first().map(|p| p.slug.clone());
    let project = Signal::derive(move || {
        params
            .read()
            .get("project")
            .or_else(|| fallback_project.clone())
    });
    // The section in view: "account", "" (a project's overview) or the segment after the
    // project ("users" also for a person's page).
    let section = Signal::derive(move || {
        let path = location.pathname.get();
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        match parts.as_slice() {
            ["account", ..] => "account".to_string(),
            ["p", _, section, ..] => section.to_string(),
            _ => String::new(),
        }
    });
    let theme = viewer.theme.as_str();

    let navigate = use_navigate();
    let on_project = Callback::new(move |slug: String| {
        let sec = section.get_untracked();
        let sec = if sec == "account" {
            "users".to_string()
        } else {
            sec
        };
        let to = if sec.is_empty() {
            format!("/p/{slug}")
        } else {
            format!("/p/{slug}/{sec}")
        };
        navigate(&to, Default::default());
    });

    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            let _ = window().location().set_href("/login");
        }
    });
    let on_sign_out = Callback::new(move |_| {
        sign_out.dispatch(SignOut {});
    });

    let shortcuts = RwSignal::new(false);
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "?" && !super::typing_in_a_field() {
            shortcuts.set(true);
        }
    });
    // Window listeners outlive the component unless removed.
    on_cleanup(move || keys.remove());

    // Each part is type-erased: one concrete view type for the whole frame would be deep
    // enough to overflow the compiler's limits in release builds.
    let header = view! {
        <Header
            viewer=viewer.clone()
            strings=s
            current=project
            on_project=on_project
            on_sign_out=on_sign_out
            sign_out_action={<SignOut as leptos::server_fn::ServerFn>::PATH}
            on_shortcuts=Callback::new(move |_| shortcuts.set(true))
        />
    }
    .into_any();
    let sidebar = view! { <Sidebar strings=s project=project section=section /> }.into_any();
    let dialog = view! {
        <Modal
            open=shortcuts
            title=s.shortcuts.to_string()
            close_label=s.close.to_string()
            on_close=Callback::new(move |_| shortcuts.set(false))
        >
            <dl class="shortcuts">
                <dt><kbd>"/"</kbd></dt>
                <dd>"Search users"</dd>
                <dt><kbd>"?"</kbd></dt>
                <dd>"Show keyboard shortcuts"</dd>
                <dt><kbd>"Esc"</kbd></dt>
                <dd>"Close a dialog or menu"</dd>
            </dl>
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| shortcuts.set(false)>
                    {s.close}
                </button>
            </div>
        </Modal>
    }
    .into_any();

    view! {
        <div class="app" data-theme=theme>
            <a class="skip-link" href="#content">{s.skip_to_content}</a>
            {header}
            <div class="app-body">
                {sidebar}
                <main id="content" class="content" tabindex="-1">
                    <Outlet />
                </main>
            </div>
            {dialog}
        </div>
    }
}
