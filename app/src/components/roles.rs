//! The roles page as HTML, rendered on the server only: the table of roles, each role's
//! preview (its permissions in words, its members, Edit and Delete), and the create, edit and
//! delete forms as `<dialog>`s that post to the roles' server functions. Roles are few (tens),
//! so each one's dialogs are in the page and open at once, with no round trip.
use super::server_forms::{
    chips, create_bar, dialog, form_actions, form_error, hidden, opener, permissions_form, Access,
};
use crate::api::{CreateRole, DeleteRole, UpdateRole};
use crate::components::roles_text::RolesText;
use crate::i18n::{fill, is_one, number, strings};
use crate::model::{Language, Permission, RoleInfo};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// Who looks at the page, and where.
pub struct RolesView<'a> {
    pub slug: &'a str,
    pub lang: Language,
    /// The reader holds `roles:manage`: the page shows its forms.
    pub manage: bool,
    /// The built-in permissions the reader holds here (all for a superadmin).
    pub held: Vec<Permission>,
}

/// The Users page filtered to a role's members.
fn members_href(slug: &str, role: &str) -> String {
    format!(
        "/p/{slug}/users?role={}",
        crate::model::encode_query_value(role)
    )
}

/// The project's roles as a table with their previews and forms.
pub fn render(v: &RolesView<'_>, roles: &[RoleInfo]) -> String {
    let t = RolesText::of(v.lang);
    let s = strings(v.lang);
    let create = v.manage.then(|| {
        create_bar(
            "role-create",
            t.create_role,
            s,
            permissions_form(
                v.lang,
                v.slug,
                CreateRole::url(),
                "new-role",
                None,
                &v.held,
                t.create_role,
            ),
        )
    });
    let rows = roles
        .iter()
        .map(|r| {
            let preview = format!("role-{}", r.id);
            view! {
                <tr>
                    <td>
                        {opener(&preview, r.name.clone(), "link-button")}
                        {r.builtin.then(|| view! { " "<span class="badge badge-inactive">{t.builtin}</span> })}
                    </td>
                    <td class="muted">{t.description(r)}</td>
                    <td>{chips(&r.permissions, t)}</td>
                    <td class="num"><a href=members_href(v.slug, &r.name)>{number(v.lang, r.members)}</a></td>
                </tr>
            }
        })
        .collect_view();
    let dialogs = roles
        .iter()
        .map(|r| role_dialogs(v, roles, r))
        .collect_view();
    view! {
        {create}
        <div class="card table-card">
            <table class="table">
                <caption class="visually-hidden">{t.roles_table}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.name}</th>
                        <th scope="col">{t.description}</th>
                        <th scope="col">{t.permissions}</th>
                        <th scope="col" class="num">{t.members}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {dialogs}
    }
    .to_html()
}

/// A role's preview, and (for managers) its edit and delete dialogs.
fn role_dialogs(v: &RolesView<'_>, roles: &[RoleInfo], r: &RoleInfo) -> impl IntoView {
    let t = RolesText::of(v.lang);
    let s = strings(v.lang);
    let (preview, edit, delete) = (
        format!("role-{}", r.id),
        format!("role-{}-edit", r.id),
        format!("role-{}-delete", r.id),
    );
    let members = fill(
        if is_one(v.lang, r.members) {
            t.members_one
        } else {
            t.members_many
        },
        &[("n", &number(v.lang, r.members))],
    );
    let note = if r.locked() {
        Some(t.locked_note)
    } else if r.builtin {
        Some(t.builtin_note)
    } else {
        None
    };
    let may_change = v.manage && !r.locked();
    let actions = may_change.then(|| {
        view! {
            <div class="modal-actions">
                {(!r.builtin).then(|| opener(&delete, t.delete.into(), "button danger"))}
                {opener(&edit, t.edit.into(), "button primary")}
            </div>
        }
    });
    let permissions = if r.permissions.is_empty() {
        view! { <p class="muted">{t.no_permissions}</p> }.into_any()
    } else {
        view! {
            <ul class="plain-list">
                {r.permissions.iter().map(|p| {
                    let what = p.parse::<Permission>().ok().map(|perm| t.permission(perm));
                    view! { <li><span class="mono">{p.clone()}</span>{what.map(|w| view! { <span class="muted">" — "{w}</span> })}</li> }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let description = t.description(r);
    let preview_body = view! {
        <div class="form">
            {(!description.is_empty()).then(|| view! { <p>{description}</p> })}
            <h3>{t.permissions}</h3>
            {permissions}
            <p><a href=members_href(v.slug, &r.name)>{members}</a>" · "{t.view_members}</p>
            {note.map(|n| view! { <p class="small muted">{n}</p> })}
            {actions}
        </div>
    }
    .into_any();
    let forms = may_change.then(|| {
        let access = Access {
            id: r.id,
            name: &r.name,
            description: &r.description,
            permissions: &r.permissions,
            fixed_name: r.builtin,
        };
        let prefix = format!("role-{}-form", r.id);
        let edit_dialog = dialog(
            &edit,
            t.edit_role.into(),
            s,
            permissions_form(
                v.lang,
                v.slug,
                UpdateRole::url(),
                &prefix,
                Some(access),
                &v.held,
                t.save,
            ),
        );
        let delete_dialog = (!r.builtin).then(|| {
            let choose = (r.members > 0).then(|| {
                let lead = fill(
                    if is_one(v.lang, r.members) {
                        t.delete_members_one
                    } else {
                        t.delete_members
                    },
                    &[("n", &number(v.lang, r.members))],
                );
                let select = format!("role-{}-move-to", r.id);
                let options = roles
                    .iter()
                    .filter(|o| o.id != r.id)
                    .map(|o| view! { <option value=o.id.to_string()>{o.name.clone()}</option> })
                    .collect_view();
                view! {
                    <p>{lead}</p>
                    <div class="field">
                        <label for=select.clone()>{t.move_to}</label>
                        <select id=select name="move_to" required=true>
                            <option value="">{t.choose_role}</option>
                            {options}
                        </select>
                    </div>
                }
            });
            dialog(
                &delete,
                t.delete_role.into(),
                s,
                view! {
                    <form class="form" method="post" action=DeleteRole::url() novalidate=true>
                        {hidden(v.slug, r.id)}
                        <p>{fill(t.delete_lead, &[("name", &r.name)])}</p>
                        {choose}
                        {form_error()}
                        {form_actions(s, t.delete_role, "button danger")}
                    </form>
                }
                .into_any(),
            )
        });
        view! { {edit_dialog} {delete_dialog} }
    });
    view! {
        {dialog(&preview, r.name.clone(), s, preview_body)}
        {forms}
    }
}
