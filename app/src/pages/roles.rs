//! `/p/{slug}/roles`: the project's roles (anyone who may read its users), created, edited and
//! deleted by holders of `roles:manage`. A role opens in a preview with its permissions and
//! members; the server enforces every rule (see `server::roles`), the page only shows them.
use super::roles_text::{current as text, RolesText};
use super::sections::PageHeader;
use crate::api::{create_role, delete_role, list_roles, update_role};
use crate::components::{use_toaster, Modal};
use crate::i18n::{fill, Strings, EN as EN_STRINGS};
use crate::model::{AppError, Permission, RoleForm, RoleInfo, Viewer};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

/// The open dialog, if any.
#[derive(Clone)]
enum RoleDialog {
    Preview(RoleInfo),
    Create,
    Edit(RoleInfo),
    Delete(RoleInfo),
}

/// An area's name in the page's language.
type AreaName = fn(&RolesText) -> &'static str;

/// The built-in permissions, grouped by what they are about, for the checklist.
const AREAS: [(AreaName, &[Permission]); 4] = [
    (
        |t| t.area_users,
        &[
            Permission::UsersRead,
            Permission::UsersInvite,
            Permission::UsersUpdate,
            Permission::UsersDeactivate,
            Permission::UsersDelete,
            Permission::UsersImport,
            Permission::UsersExport,
        ],
    ),
    (
        |t| t.area_access,
        &[Permission::RolesManage, Permission::GroupsManage],
    ),
    (
        |t| t.area_security,
        &[Permission::SessionsRevoke, Permission::AuditRead],
    ),
    (|t| t.area_project, &[Permission::ProjectManage]),
];

#[component]
pub fn RolesPage() -> impl IntoView {
    let s: &'static Strings = use_context().unwrap_or(&EN_STRINGS);
    let t = text();
    let params = use_params_map();
    let slug = Signal::derive(move || params.read().get("project").unwrap_or_default());
    let viewer = use_context::<Viewer>();
    let can_manage = Signal::derive(move || {
        viewer
            .as_ref()
            .and_then(|v| {
                v.project(&slug.get())
                    .map(|p| p.can(Permission::RolesManage))
            })
            .unwrap_or(false)
    });
    let roles = crate::codec::resource(move || slug.get(), list_roles);
    let dialog = RwSignal::new(None::<RoleDialog>);
    let close = Callback::new(move |_| dialog.set(None));
    let changed = Callback::new(move |_| roles.refetch());
    let title = Signal::derive(move || match dialog.get() {
        Some(RoleDialog::Preview(r)) => r.name,
        Some(RoleDialog::Create) => t.create_role.to_string(),
        Some(RoleDialog::Edit(_)) => t.edit_role.to_string(),
        Some(RoleDialog::Delete(_)) => t.delete_role.to_string(),
        None => String::new(),
    });
    let others = Signal::derive(move || {
        roles
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect::<Vec<_>>()
    });

    let table = move || {
        Suspend::new(async move {
            match roles.await {
                Ok(list) => view! { <RolesTable roles=list slug=slug dialog=dialog /> }.into_any(),
                Err(e) => view! {
                    <div class="card empty-state" role="alert">
                        <p>{e.to_string()}</p>
                        <button type="button" class="button" on:click=move |_| roles.refetch()>{s.retry}</button>
                    </div>
                }
                .into_any(),
            }
        })
    };
    let body = move || {
        dialog.get().map(|d| match d {
            RoleDialog::Preview(r) => view! {
                <Preview role=r slug=slug can_manage=can_manage.get() dialog=dialog />
            }
            .into_any(),
            RoleDialog::Create => view! {
                <RoleFormDialog role=None slug=slug close=close changed=changed />
            }
            .into_any(),
            RoleDialog::Edit(r) => view! {
                <RoleFormDialog role=Some(r) slug=slug close=close changed=changed />
            }
            .into_any(),
            RoleDialog::Delete(r) => view! {
                <DeleteDialog role=r slug=slug others=others close=close changed=changed />
            }
            .into_any(),
        })
    };
    view! {
        <PageHeader title=s.roles lead=s.roles_lead>
            {move || can_manage.get().then(|| view! {
                <button type="button" class="button primary" on:click=move |_| dialog.set(Some(RoleDialog::Create))>
                    {t.create_role}
                </button>
            })}
        </PageHeader>
        <Suspense fallback=move || view! { <p class="muted">{s.loading}</p> }>{table}</Suspense>
        <Modal open=Signal::derive(move || dialog.with(Option::is_some)) title=title on_close=close close_label=s.close>
            {body}
        </Modal>
    }
}

/// The Users page filtered to a role's members.
fn members_href(slug: &str, role: &str) -> String {
    format!(
        "/p/{slug}/users?role={}",
        crate::model::encode_query_value(role)
    )
}

#[component]
fn RolesTable(
    roles: Vec<RoleInfo>,
    slug: Signal<String>,
    dialog: RwSignal<Option<RoleDialog>>,
) -> impl IntoView {
    let t = text();
    let rows = roles
        .into_iter()
        .map(|r| {
            let members = r.members;
            let href = members_href(&slug.get_untracked(), &r.name);
            let chips = if r.permissions.is_empty() {
                view! { <span class="muted">{t.no_permissions}</span> }.into_any()
            } else {
                view! {
                    <ul class="chips">
                        {r.permissions.iter().map(|p| view! { <li class="badge mono">{p.clone()}</li> }).collect_view()}
                    </ul>
                }
                .into_any()
            };
            let open = r.clone();
            view! {
                <tr>
                    <td>
                        <button type="button" class="link-button" on:click=move |_| dialog.set(Some(RoleDialog::Preview(open.clone())))>
                            {r.name.clone()}
                        </button>
                        {r.builtin.then(|| view! { " "<span class="badge badge-inactive">{t.builtin}</span> })}
                    </td>
                    <td class="muted">{t.description(&r)}</td>
                    <td>{chips}</td>
                    <td class="num"><a href=href>{crate::i18n::number(super::page_lang(), members)}</a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="card">
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
    }
}

#[component]
fn Preview(
    role: RoleInfo,
    slug: Signal<String>,
    can_manage: bool,
    dialog: RwSignal<Option<RoleDialog>>,
) -> impl IntoView {
    let t = text();
    let lang = super::page_lang();
    let members = fill(
        if crate::i18n::is_one(lang, role.members) {
            t.members_one
        } else {
            t.members_many
        },
        &[("n", &crate::i18n::number(lang, role.members))],
    );
    let href = members_href(&slug.get_untracked(), &role.name);
    let note = if role.locked() {
        Some(t.locked_note)
    } else if role.builtin {
        Some(t.builtin_note)
    } else {
        None
    };
    let (edit, delete) = (role.clone(), role.clone());
    let actions = (can_manage && !role.locked()).then(|| {
        view! {
            <div class="modal-actions">
                {(!role.builtin).then(|| view! {
                    <button type="button" class="button danger" on:click=move |_| dialog.set(Some(RoleDialog::Delete(delete.clone())))>{t.delete}</button>
                })}
                <button type="button" class="button primary" on:click=move |_| dialog.set(Some(RoleDialog::Edit(edit.clone())))>{t.edit}</button>
            </div>
        }
    });
    view! {
        <div class="form">
            {(!role.description.is_empty()).then(|| view! { <p>{t.description(&role)}</p> })}
            <h3>{t.permissions}</h3>
            {if role.permissions.is_empty() {
                view! { <p class="muted">{t.no_permissions}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {role.permissions.iter().map(|p| {
                            let what = p.parse::<Permission>().ok().map(|perm| t.permission(perm));
                            view! { <li><span class="mono">{p.clone()}</span>{what.map(|w| view! { <span class="muted">" — "{w}</span> })}</li> }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <p><a href=href>{members}</a>" · "{t.view_members}</p>
            {note.map(|n| view! { <p class="small muted">{n}</p> })}
            {actions}
        </div>
    }
}

/// Create (no `role`) or edit: name, description, built-in permissions by area, custom ones.
#[component]
fn RoleFormDialog(
    role: Option<RoleInfo>,
    slug: Signal<String>,
    close: Callback<()>,
    changed: Callback<()>,
) -> impl IntoView {
    let s: &'static Strings = use_context().unwrap_or(&EN_STRINGS);
    let t = text();
    let toaster = use_toaster();
    let editing = role.as_ref().map(|r| r.id);
    let builtin = role.as_ref().is_some_and(|r| r.builtin);
    let start = role.clone().unwrap_or(RoleInfo {
        id: 0,
        name: String::new(),
        description: String::new(),
        builtin: false,
        permissions: Vec::new(),
        members: 0,
    });
    let name = RwSignal::new(start.name.clone());
    let description = RwSignal::new(start.description.clone());
    let chosen = RwSignal::new(
        start
            .permissions
            .iter()
            .filter(|p| p.parse::<Permission>().is_ok())
            .cloned()
            .collect::<Vec<String>>(),
    );
    let custom = RwSignal::new(
        start
            .permissions
            .iter()
            .filter(|p| p.parse::<Permission>().is_err())
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut permissions = chosen.get_untracked();
        permissions.extend(
            custom
                .get_untracked()
                .split(|c: char| c == '\n' || c == ',' || c.is_whitespace())
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        );
        let form = RoleForm {
            name: name.get_untracked(),
            description: description.get_untracked(),
            permissions,
        };
        let project = slug.get_untracked();
        busy.set(true);
        err.set(None);
        spawn_local(async move {
            let shown = form.name.trim().to_string();
            let result = match editing {
                Some(id) => update_role(project, id, form).await.map(|_| t.t_saved),
                None => create_role(project, form).await.map(|_| t.t_created),
            };
            busy.set(false);
            match result {
                Ok(message) => {
                    toaster.success(fill(message, &[("name", &shown)]));
                    changed.run(());
                    close.run(());
                }
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let field_error = move |field: &'static str| {
        move || {
            err.get().filter(|e| e.field() == Some(field)).map(
                |e| view! { <p class="field-error" id=format!("role-{field}-error")>{e.to_string()}</p> },
            )
        }
    };
    let form_error = move || {
        err.get()
            .filter(|e| !matches!(e.field(), Some("name" | "description" | "permissions")))
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    };
    let areas = AREAS
        .iter()
        .map(|(label, perms)| {
            let checks = perms
                .iter()
                .map(|p| {
                    let value = p.as_str();
                    let id = format!("perm-{}", value.replace(':', "-"));
                    view! {
                        <label class="check">
                            <input
                                id=id
                                type="checkbox"
                                prop:checked=move || chosen.with(|c| c.iter().any(|x| x == value))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|x| x != value);
                                        if on {
                                            c.push(value.to_string());
                                        }
                                    });
                                }
                            />
                            <span class="mono">{value}</span>
                            <span class="muted small">{t.permission(*p)}</span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="checks stacked">
                    <legend>{label(t)}</legend>
                    {checks}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <form class="form" on:submit=submit novalidate=true>
            <div class="field">
                <label for="role-name">{t.name}</label>
                <input
                    id="role-name"
                    type="text"
                    required=true
                    readonly=builtin
                    aria-describedby="role-name-error"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                {field_error("name")}
            </div>
            <div class="field">
                <label for="role-description">{t.description}</label>
                <textarea
                    id="role-description"
                    rows="2"
                    aria-describedby="role-description-error"
                    prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))
                ></textarea>
                {field_error("description")}
            </div>
            <div class="field">
                <span class="label">{t.permissions}</span>
                {areas}
            </div>
            <div class="field">
                <label for="role-custom">{t.custom_permissions}</label>
                <textarea
                    id="role-custom"
                    class="mono"
                    rows="3"
                    aria-describedby="role-custom-hint role-permissions-error"
                    prop:value=move || custom.get()
                    on:input=move |ev| custom.set(event_target_value(&ev))
                ></textarea>
                <p class="small muted" id="role-custom-hint">{t.custom_hint}</p>
                {field_error("permissions")}
            </div>
            {form_error}
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| close.run(())>{s.cancel}</button>
                <button type="submit" class="button primary" disabled=move || busy.get()>
                    {if editing.is_some() { t.save } else { t.create_role }}
                </button>
            </div>
        </form>
    }
}

#[component]
fn DeleteDialog(
    role: RoleInfo,
    slug: Signal<String>,
    others: Signal<Vec<(i64, String)>>,
    close: Callback<()>,
    changed: Callback<()>,
) -> impl IntoView {
    let s: &'static Strings = use_context().unwrap_or(&EN_STRINGS);
    let t = text();
    let lang = super::page_lang();
    let toaster = use_toaster();
    let move_to = RwSignal::new(String::new());
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let (id, name, members) = (role.id, role.name.clone(), role.members);
    let confirm = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        err.set(None);
        let to = move_to.get_untracked().parse::<i64>().ok();
        let project = slug.get_untracked();
        let name = name.clone();
        spawn_local(async move {
            let result = delete_role(project, id, to).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    toaster.success(fill(t.t_deleted, &[("name", &name)]));
                    changed.run(());
                    close.run(());
                }
                Err(e) => err.set(Some(e)),
            }
        });
    };
    let choose = (members > 0).then(|| {
        let lead = fill(
            if crate::i18n::is_one(lang, members) { t.delete_members_one } else { t.delete_members },
            &[("n", &crate::i18n::number(lang, members))],
        );
        view! {
            <p>{lead}</p>
            <div class="field">
                <label for="move-to">{t.move_to}</label>
                <select id="move-to" aria-describedby="move-to-error" on:change=move |ev| move_to.set(event_target_value(&ev))>
                    <option value="">{t.choose_role}</option>
                    {move || others.get().into_iter().filter(|(o, _)| *o != id).map(|(o, n)| view! { <option value=o.to_string()>{n}</option> }).collect_view()}
                </select>
                {move || err.get().filter(|e| e.field() == Some("move_to")).map(|e| view! { <p class="field-error" id="move-to-error">{e.to_string()}</p> })}
            </div>
        }
    });
    view! {
        <div class="form">
            <p>{fill(t.delete_lead, &[("name", &role.name)])}</p>
            {choose}
            {move || err.get().filter(|e| e.field() != Some("move_to")).map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| close.run(())>{s.cancel}</button>
                <button type="button" class="button danger" disabled=move || busy.get() on:click=confirm>{t.delete_role}</button>
            </div>
        </div>
    }
}
