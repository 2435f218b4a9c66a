//! Pieces of the server-rendered pages that change things (roles, groups): `<dialog>`s and
//! the buttons that open them, the hidden fields of a form, the place for a refused change's
//! message, and the permissions form both roles and groups use. See [`super::ServerHtml`] for
//! what the browser does with them.
use crate::components::roles_text::{RolesText, AREAS};
use crate::i18n::{strings, Strings};
use crate::model::{Language, Permission};
use leptos::prelude::*;

/// The permission strings as chips, or "No permissions".
pub fn chips(permissions: &[String], r: &'static RolesText) -> AnyView {
    if permissions.is_empty() {
        return view! { <span class="muted">{r.no_permissions}</span> }.into_any();
    }
    view! {
        <ul class="chips">
            {permissions.iter().map(|p| view! { <li class="badge mono">{p.clone()}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// A button that opens dialog `id` (its own id is `{id}-open`): [`super::ServerHtml`] opens
/// it, and so do browsers that know invoker commands, before any script runs.
pub fn opener(id: &str, label: String, class: &'static str) -> impl IntoView {
    view! {
        <button type="button" id=format!("{id}-open") class=class data-open=id.to_string() commandfor=id.to_string() command="show-modal" aria-haspopup="dialog">{label}</button>
    }
}

/// [`opener`] whose accessible name says more than its text (which row's "Settings").
pub fn opener_named(id: &str, label: String, name: String, class: &'static str) -> impl IntoView {
    view! {
        <button type="button" id=format!("{id}-open") class=class data-open=id.to_string() commandfor=id.to_string() command="show-modal" aria-haspopup="dialog" aria-label=name>{label}</button>
    }
}

/// A modal `<dialog>`: Escape and "×" close it, the browser keeps focus inside and gives it
/// back to the opener.
pub fn dialog(id: &str, title: String, s: &'static Strings, body: AnyView) -> impl IntoView {
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    view! {
        <dialog id=id.to_string() class="modal" aria-labelledby=labelled_by>
            <header class="modal-header">
                <h2 id=title_id>{title}</h2>
                <button type="button" class="icon-button" aria-label=s.close data-close="" commandfor=id.to_string() command="close">"×"</button>
            </header>
            <div class="modal-body">{body}</div>
        </dialog>
    }
}

/// The page's "Create …" button at the right of its toolbar, and the dialog it opens.
pub fn create_bar(
    id: &str,
    label: &'static str,
    s: &'static Strings,
    form: AnyView,
) -> impl IntoView {
    view! {
        <div class="toolbar">
            <div class="pager-spacer"></div>
            {opener(id, label.into(), "button primary")}
        </div>
        {dialog(id, label.into(), s, form)}
    }
}

/// A dialog form's Cancel (closes the dialog) and submit buttons.
pub fn form_actions(
    s: &'static Strings,
    submit: &'static str,
    class: &'static str,
) -> impl IntoView {
    view! {
        <div class="modal-actions">
            <button type="button" class="button" data-close="">{s.cancel}</button>
            <button type="submit" class=class>{submit}</button>
        </div>
    }
}

/// The project and the changed thing's id, which every change form sends.
pub fn hidden(slug: &str, id: i64) -> impl IntoView {
    view! {
        <input type="hidden" name="project" value=slug.to_string() />
        <input type="hidden" name="id" value=id.to_string() />
    }
}

/// Where [`super::ServerHtml`] writes a refused change's message.
pub fn form_error() -> impl IntoView {
    view! { <p class="form-error" role="alert" data-form-error="" hidden=true></p> }
}

/// What the permissions form edits: a role or a group, or nothing yet (create).
pub struct Access<'a> {
    pub id: i64,
    pub name: &'a str,
    pub description: &'a str,
    pub permissions: &'a [String],
    /// A built-in role keeps its name.
    pub fixed_name: bool,
}

/// The create / edit form of a role or group: name, description, the built-in permissions by
/// area (those the reader does not hold are shown but cannot be checked) and custom strings.
/// `prefix` keeps its field ids apart from the page's other forms.
pub fn permissions_form(
    lang: Language,
    slug: &str,
    action: &'static str,
    prefix: &str,
    current: Option<Access<'_>>,
    held: &[Permission],
    submit: &'static str,
) -> AnyView {
    let s = strings(lang);
    let r = RolesText::of(lang);
    let has = |p: &str| {
        current
            .as_ref()
            .is_some_and(|c| c.permissions.iter().any(|x| x == p))
    };
    let areas = AREAS
        .iter()
        .map(|(label, perms)| {
            let checks = perms
                .iter()
                .map(|p| {
                    let value = p.as_str();
                    let held = held.contains(p);
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                name="permissions[]"
                                value=value
                                checked=has(value)
                                disabled=!held
                            />
                            <span class="mono">{value}</span>
                            <span class="muted small">{r.permission(*p)}</span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="checks stacked">
                    <legend>{label(r)}</legend>
                    {checks}
                </fieldset>
            }
        })
        .collect_view();
    let custom = current
        .as_ref()
        .map(|c| {
            c.permissions
                .iter()
                .filter(|p| p.parse::<Permission>().is_err())
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let id = |field: &str| format!("{prefix}-{field}");
    view! {
        <form class="form" method="post" action=action novalidate=true>
            <input type="hidden" name="project" value=slug.to_string() />
            {current.as_ref().map(|c| view! { <input type="hidden" name="id" value=c.id.to_string() /> })}
            <div class="field">
                <label for=id("name")>{r.name}</label>
                <input
                    id=id("name")
                    name="name"
                    type="text"
                    required=true
                    maxlength="100"
                    autofocus=true
                    readonly=current.as_ref().is_some_and(|c| c.fixed_name)
                    value=current.as_ref().map(|c| c.name.to_string())
                    autocomplete="off"
                />
            </div>
            <div class="field">
                <label for=id("description")>{r.description}</label>
                <input id=id("description") name="description" type="text" maxlength="500" value=current.as_ref().map(|c| c.description.to_string()) autocomplete="off" />
            </div>
            <div class="field">
                <span class="label">{r.permissions}</span>
                {areas}
            </div>
            <div class="field">
                <label for=id("custom")>{r.custom_permissions}</label>
                <textarea id=id("custom") name="custom" class="mono" rows="3" aria-describedby=id("custom-hint")>{custom}</textarea>
                <p class="small muted" id=id("custom-hint")>{r.custom_hint}</p>
            </div>
            {form_error()}
            {form_actions(s, submit, "button primary")}
        </form>
    }
    .into_any()
}
