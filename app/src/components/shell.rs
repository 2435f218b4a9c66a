use crate::i18n::Strings;
use crate::model::{ProjectSummary, Viewer};
use leptos::prelude::*;

/// The console header: product mark, project picker, keyboard-shortcuts button, user menu.
#[component]
pub fn Header(
    viewer: Viewer,
    strings: &'static Strings,
    /// Slug of the project in view, if any.
    #[prop(into)]
    current: Signal<Option<String>>,
    on_project: Callback<String>,
    on_sign_out: Callback<()>,
    /// Where the sign-out form posts when no script handles it.
    sign_out_action: &'static str,
    on_shortcuts: Callback<()>,
) -> impl IntoView {
    let menu_open = RwSignal::new(false);
    let projects = viewer.projects.clone();
    let has_projects = !projects.is_empty();
    let name = viewer.display_name();
    let email = viewer.email.clone();
    // Capitals come from the stylesheet: Rust's `to_uppercase` brings Unicode tables into the
    // first chunk.
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    let superadmin = viewer.is_superadmin;

    view! {
        <header class="app-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"R"</span>
                <span class="brand-name">"Roster"</span>
            </a>
            <div class="header-project">
                <Show
                    when=move || has_projects
                    fallback=move || view! { <span class="muted">{strings.no_projects}</span> }
                >
                    <label class="visually-hidden" for="project-picker">{strings.project}</label>
                    <select
                        id="project-picker"
                        class="project-picker"
                        on:change=move |ev| on_project.run(event_target_value(&ev))
                        prop:value=move || current.get().unwrap_or_default()
                    >
                        <option value="" disabled=true selected=move || current.get().is_none()>
                            {strings.project}
                        </option>
                        {projects
                            .iter()
                            .map(|p: &ProjectSummary| {
                                let slug = p.slug.clone();
                                let selected = {
                                    let slug = slug.clone();
                                    move || current.get().as_deref() == Some(slug.as_str())
                                };
                                view! {
                                    <option value=slug.clone() selected=selected>
                                        {p.name.clone()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </Show>
            </div>
            <div class="header-spacer"></div>
            <button
                type="button"
                class="icon-button"
                aria-label=strings.shortcuts
                title=strings.shortcuts
                on:click=move |_| on_shortcuts.run(())
            >
                "?"
            </button>
            <div class="user-menu">
                <button
                    type="button"
                    class="avatar-button"
                    aria-label=strings.user_menu
                    aria-haspopup="menu"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|o| *o = !*o)
                >
                    <span class="avatar" aria-hidden="true" data-initials=initials></span>
                </button>
                // Always in the page, so that before hydration (or without JavaScript) focusing
                // the avatar shows it through CSS and "Sign out" is a plain form post.
                <div
                    class="menu"
                    class:open=move || menu_open.get()
                    role="menu"
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Escape" {
                            menu_open.set(false);
                        }
                    }
                >
                    <div class="menu-header">
                        <span class="muted small">{strings.signed_in_as}</span>
                        <strong>{name.clone()}</strong>
                        <span class="muted small">{email.clone()}</span>
                        {superadmin.then(|| view! { <span class="badge badge-accent">{strings.superadmin}</span> })}
                    </div>
                    <a role="menuitem" class="menu-item" href="/account">{strings.account}</a>
                    <form
                        method="post"
                        action=sign_out_action
                        on:submit=move |ev| {
                            ev.prevent_default();
                            menu_open.set(false);
                            on_sign_out.run(());
                        }
                    >
                        <button type="submit" role="menuitem" class="menu-item">
                            {strings.sign_out}
                        </button>
                    </form>
                </div>
            </div>
        </header>
    }
}

/// The fixed sidebar. `project` is the slug the section links point into.
#[component]
pub fn Sidebar(
    strings: &'static Strings,
    #[prop(into)] project: Signal<Option<String>>,
    /// The section in view ("users", "account", …), for `aria-current`.
    #[prop(into)]
    section: Signal<String>,
) -> impl IntoView {
    let link = move |key: &'static str, label: &'static str| {
        let href = move || match (project.get(), key) {
            (Some(p), "") => format!("/p/{p}"),
            (Some(p), _) => format!("/p/{p}/{key}"),
            (None, _) => format!("/{key}"),
        };
        let current = move || (section.get() == key).then_some("page");
        view! {
            <li>
                <a href=href aria-current=current class="nav-link">
                    {label}
                </a>
            </li>
        }
    };
    view! {
        <nav class="sidebar" aria-label=strings.main_nav>
            <ul>
                {link("", strings.overview)}
                {link("users", strings.users)}
                {link("roles", strings.roles)}
                {link("groups", strings.groups)}
                {link("audit", strings.audit)}
                {link("projects", strings.projects)}
            </ul>
            <ul class="sidebar-bottom">
                <li>
                    <a
                        href="/account"
                        class="nav-link"
                        aria-current=move || (section.get() == "account").then_some("page")
                    >
                        {strings.account}
                    </a>
                </li>
            </ul>
        </nav>
    }
}
