//! Acting on one user, shared by the users table and the detail page: the row menu's entries,
//! the edit / deactivate / delete dialogs, and the direct actions (reactivate, revoke
//! sessions) with their toasts.
use super::invitations::{CancelInvitationDialog, InviteDialog};
use crate::api::{
    deactivate_user, delete_user, get_user, project_directory, reactivate_user,
    remove_from_project, resend_invitation, revoke_user_sessions, send_password_reset, update_user,
};
use crate::components::{focus_first_field, use_toaster, MenuEntry, Modal};
use crate::i18n::{fill, Strings};
use crate::model::{AppError, Directory, Guard, Permission, Status, UserDetail, UserEdit, Viewer};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Which dialog is open, for whom.
#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    Edit { id: i64, email: String },
    Deactivate { id: i64, email: String },
    Delete { id: i64, email: String },
    Remove { id: i64, email: String },
    Invite,
    CancelInvitation { id: i64, email: String },
    TempPassword { id: i64, email: String },
}

/// What the viewer may do in the project in view.
#[derive(Clone, Copy, Debug, Default)]
pub struct Can {
    pub invite: bool,
    pub update: bool,
    pub deactivate: bool,
    pub delete: bool,
    pub revoke: bool,
    pub import: bool,
    pub export: bool,
}

impl Can {
    pub fn of(viewer: Option<&Viewer>, slug: &str) -> Can {
        let Some(p) = viewer.and_then(|v| v.project(slug)) else {
            return Can::default();
        };
        Can {
            invite: p.can(Permission::UsersInvite),
            update: p.can(Permission::UsersUpdate),
            deactivate: p.can(Permission::UsersDeactivate),
            delete: p.can(Permission::UsersDelete),
            revoke: p.can(Permission::SessionsRevoke),
            import: p.can(Permission::UsersImport),
            export: p.can(Permission::UsersExport),
        }
    }
}

pub fn guard_text(s: &'static Strings, g: Guard) -> &'static str {
    match g {
        Guard::OwnAccount => s.own_account,
        Guard::LastOwner => s.last_owner,
    }
}

/// Everything a menu or a button needs to act on one user.
#[derive(Clone)]
pub struct Actions {
    pub s: &'static Strings,
    pub slug: Signal<String>,
    /// Follows the project in view (the page stays mounted when the project changes).
    pub can: Signal<Can>,
    pub dialog: RwSignal<Option<Dialog>>,
    /// Called after any change, to reload what shows the user.
    pub changed: Callback<()>,
}

impl Actions {
    /// Actions in the project `slug`, as `viewer` may take them; `changed` reloads the page's data.
    pub fn new(
        s: &'static Strings,
        slug: Memo<String>,
        viewer: Option<Viewer>,
        changed: Callback<()>,
    ) -> Self {
        Actions {
            s,
            slug: slug.into(),
            can: Signal::derive(move || Can::of(viewer.as_ref(), &slug.get())),
            dialog: RwSignal::new(None),
            changed,
        }
    }

    /// Runs a dialog's server call: `busy` while it runs; on success the dialog closes, `done`
    /// runs (its toast) and the page reloads; on failure the form shows the error and nothing
    /// closes.
    pub(crate) fn submit<T: 'static>(
        &self,
        busy: RwSignal<bool>,
        err: RwSignal<Option<AppError>>,
        call: impl std::future::Future<Output = Result<T, AppError>> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        let (dialog, changed) = (self.dialog, self.changed);
        busy.set(true);
        err.set(None);
        spawn_local(async move {
            match call.await {
                Ok(v) => {
                    dialog.set(None);
                    done(v);
                    changed.run(());
                }
                Err(e) => {
                    busy.set(false);
                    err.set(Some(e));
                }
            }
        });
    }

    /// Runs a direct action (no dialog): a toast says what happened, then the page reloads.
    fn act<T: 'static>(
        &self,
        call: impl std::future::Future<Output = Result<T, AppError>> + 'static,
        message: impl FnOnce(T) -> String + 'static,
    ) {
        let changed = self.changed;
        let toaster = use_toaster();
        spawn_local(async move {
            match call.await {
                Ok(v) => {
                    toaster.success(message(v));
                    changed.run(());
                }
                Err(e) => toaster.error(e.to_string()),
            }
        });
    }

    pub fn reactivate(&self, id: i64, email: String) {
        self.reactivate_in(self.slug.get_untracked(), id, email);
    }

    /// Reactivates in a given project (an Undo acts where the deactivation happened, even if
    /// the console has moved to another project since).
    pub fn reactivate_in(&self, project: String, id: i64, email: String) {
        let s = self.s;
        self.act(reactivate_user(project, id), move |_| {
            fill(s.t_reactivated, &[("email", &email)])
        });
    }

    pub fn send_reset(&self, id: i64) {
        let s = self.s;
        self.act(
            send_password_reset(self.slug.get_untracked(), id),
            move |email| fill(s.t_reset_sent, &[("email", &email)]),
        );
    }

    /// A new invitation link for an invited member (the old one dies), mailed to them.
    pub fn resend_invitation(&self, id: i64) {
        let s = self.s;
        self.act(
            resend_invitation(self.slug.get_untracked(), id),
            move |invited| fill(s.t_invitation_sent, &[("email", &invited.email)]),
        );
    }

    /// Turns off the member's two-factor authentication (a lost phone).
    pub fn reset_two_factor(&self, id: i64) {
        let s = self.s;
        self.act(
            crate::api::reset_two_factor(self.slug.get_untracked(), id),
            move |email| fill(s.t_two_factor_reset, &[("email", &email)]),
        );
    }

    /// Mails the member a new link to verify their email address.
    pub fn send_verification(&self, id: i64) {
        let s = self.s;
        self.act(
            crate::api::send_verification(self.slug.get_untracked(), id),
            move |email| fill(s.t_verification_sent, &[("email", &email)]),
        );
    }

    pub fn revoke_all(&self, id: i64) {
        self.revoke(id, None);
    }

    pub fn revoke(&self, id: i64, session: Option<i64>) {
        let s = self.s;
        let call = revoke_user_sessions(self.slug.get_untracked(), id, session);
        self.act(call, move |n| {
            s.count(n, s.t_session_revoked, s.t_sessions_revoked)
        });
    }

    /// The row menu of a user, by status, with the viewer's permissions and the guards.
    pub fn menu(
        &self,
        href: String,
        id: i64,
        email: &str,
        status: Status,
        guard: Option<Guard>,
    ) -> Vec<MenuEntry> {
        let s = self.s;
        let can = self.can.get_untracked();
        let mut out = Vec::new();
        let open = |d: Dialog| {
            let dialog = self.dialog;
            Callback::new(move |_| dialog.set(Some(d.clone())))
        };
        let email = email.to_string();
        match status {
            Status::Invited => {
                if can.invite {
                    let this = self.clone();
                    out.push(MenuEntry::action(
                        s.resend_invitation,
                        Callback::new(move |_| this.resend_invitation(id)),
                    ));
                    out.push(
                        MenuEntry::action(
                            s.cancel_invitation,
                            open(Dialog::CancelInvitation {
                                id,
                                email: email.clone(),
                            }),
                        )
                        .danger(),
                    );
                }
            }
            Status::Active => {
                out.push(MenuEntry::link(s.view, href));
                if can.update {
                    out.push(MenuEntry::action(
                        s.edit,
                        open(Dialog::Edit {
                            id,
                            email: email.clone(),
                        }),
                    ));
                }
                if can.deactivate {
                    out.push(match guard {
                        Some(g) => MenuEntry::disabled(s.deactivate, guard_text(s, g)),
                        None => MenuEntry::action(
                            s.deactivate,
                            open(Dialog::Deactivate {
                                id,
                                email: email.clone(),
                            }),
                        ),
                    });
                }
                if can.update {
                    let this = self.clone();
                    out.push(MenuEntry::action(
                        s.send_password_reset,
                        Callback::new(move |_| this.send_reset(id)),
                    ));
                }
                if can.revoke {
                    let this = self.clone();
                    out.push(MenuEntry::action(
                        s.revoke_sessions,
                        Callback::new(move |_| this.revoke_all(id)),
                    ));
                }
                if let Some(entry) = self.remove_entry(can, guard, id, &email) {
                    out.push(entry);
                }
            }
            Status::Inactive => {
                out.push(MenuEntry::link(s.view, href));
                if can.deactivate {
                    let this = self.clone();
                    let email = email.clone();
                    out.push(MenuEntry::action(
                        s.reactivate,
                        Callback::new(move |_| this.reactivate(id, email.clone())),
                    ));
                }
                if let Some(entry) = self.remove_entry(can, guard, id, &email) {
                    out.push(entry);
                }
                if can.delete {
                    out.push(match guard {
                        Some(g) => MenuEntry::disabled(s.delete, guard_text(s, g)),
                        None => {
                            MenuEntry::action(s.delete, open(Dialog::Delete { id, email })).danger()
                        }
                    });
                }
            }
        }
        out
    }
}

impl Actions {
    /// "Remove from project", for members (active or not) when the viewer may delete users;
    /// disabled with the reason when a guard forbids it.
    fn remove_entry(
        &self,
        can: Can,
        guard: Option<Guard>,
        id: i64,
        email: &str,
    ) -> Option<MenuEntry> {
        if !can.delete {
            return None;
        }
        let s = self.s;
        Some(match guard {
            Some(g) => MenuEntry::disabled(s.remove_from_project, guard_text(s, g)),
            None => {
                let dialog = self.dialog;
                let d = Dialog::Remove {
                    id,
                    email: email.to_string(),
                };
                MenuEntry::action(
                    s.remove_from_project,
                    Callback::new(move |_| dialog.set(Some(d.clone()))),
                )
                .danger()
            }
        })
    }
}

/// The dialogs of [`Dialog`]; at most one is open. Their bodies (forms, checks and the server
/// calls they make) are a separate wasm chunk: no dialog is open on a page's first paint, so
/// the page becomes interactive without them and fetches them right after.
#[component]
pub fn UserDialogs(actions: Actions) -> impl IntoView {
    let dialog = actions.dialog;
    let s = actions.s;
    let close = Callback::new(move |_| dialog.set(None));
    let title = Signal::derive(move || match dialog.get() {
        Some(Dialog::Edit { .. }) => s.edit_user.to_string(),
        Some(Dialog::Deactivate { .. }) => s.deactivate_user.to_string(),
        Some(Dialog::Delete { .. }) => s.delete_user.to_string(),
        Some(Dialog::Remove { .. }) => s.remove_from_project.to_string(),
        Some(Dialog::Invite) => s.invite_user.to_string(),
        Some(Dialog::CancelInvitation { .. }) => s.cancel_invitation.to_string(),
        Some(Dialog::TempPassword { .. }) => s.set_temporary_password.to_string(),
        None => String::new(),
    });
    let open = Signal::derive(move || dialog.get().is_some());
    // Effects run only in the browser, once the page is interactive: fetch the dialogs' chunk
    // then (in a task of its own, after hydration's work), so opening one does not wait for it.
    Effect::new(move |_| {
        set_timeout(
            || {
                let _ = lazy_preload!(dialog_body);
            },
            std::time::Duration::ZERO,
        );
    });
    view! {
        <Modal open=open title=title on_close=close close_label=s.close>
            {
                let actions = actions.clone();
                move || {
                    dialog.get().map(|d| {
                        let actions = actions.clone();
                        view! {
                            <Suspense fallback=|| ()>
                                {move || {
                                    let body = dialog_body(actions.clone(), d.clone());
                                    // If its code was still loading, the dialog opened empty.
                                    Suspend::new(sendable(async move {
                                        let view = body.await;
                                        focus_first_field();
                                        view
                                    }))
                                }}
                            </Suspense>
                        }
                    })
                }
            }
        </Modal>
    }
}

/// A split function's future is not `Send` in the browser (it waits on a JS promise), which has
/// one thread anyway; on the server it is a plain future.
#[cfg(feature = "hydrate")]
fn sendable<F: std::future::Future>(f: F) -> send_wrapper::SendWrapper<F> {
    send_wrapper::SendWrapper::new(f)
}

#[cfg(not(feature = "hydrate"))]
fn sendable<F: std::future::Future + Send>(f: F) -> F {
    f
}

#[lazy]
fn dialog_body(actions: Actions, dialog: Dialog) -> AnyView {
    match dialog {
        Dialog::Edit { id, .. } => view! { <EditDialog actions=actions id=id /> }.into_any(),
        Dialog::Deactivate { id, email } => {
            view! { <DeactivateDialog actions=actions id=id email=email /> }.into_any()
        }
        Dialog::Delete { id, email } => {
            view! { <DeleteDialog actions=actions id=id email=email /> }.into_any()
        }
        Dialog::Remove { id, email } => {
            view! { <RemoveDialog actions=actions id=id email=email /> }.into_any()
        }
        Dialog::Invite => view! { <InviteDialog actions=actions /> }.into_any(),
        Dialog::CancelInvitation { id, email } => {
            view! { <CancelInvitationDialog actions=actions id=id email=email /> }.into_any()
        }
        Dialog::TempPassword { id, email } => view! {
            <super::credentials::TempPasswordDialog actions=actions id=id email=email />
        }
        .into_any(),
    }
}

/// A field's error, when the server's error names that field.
pub(crate) fn field_error(err: RwSignal<Option<AppError>>, field: &'static str) -> impl IntoView {
    move || {
        err.get().filter(|e| e.field() == Some(field)).map(|e| {
            view! { <p class="field-error" id=format!("{field}-error")>{e.to_string()}</p> }
        })
    }
}

/// The error that belongs to no field of the form, if any.
pub(crate) fn form_error(
    err: RwSignal<Option<AppError>>,
    fields: &'static [&'static str],
) -> impl IntoView {
    move || {
        err.get()
            .filter(|e| e.field().map(|f| !fields.contains(&f)).unwrap_or(true))
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    }
}

const EDIT_FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "email",
    "phone",
    "metadata",
    "role",
    "groups",
];

#[component]
fn EditDialog(actions: Actions, id: i64) -> impl IntoView {
    let s = actions.s;
    let slug = actions.slug.get_untracked();
    let data = crate::codec::resource(
        move || (),
        move |_| {
            let slug = slug.clone();
            async move {
                let (user, dir) =
                    futures::join!(get_user(slug.clone(), id), project_directory(slug));
                Ok::<_, AppError>((user?, dir?))
            }
        },
    );
    view! {
        <Suspense fallback=move || view! { <p class="muted">{s.loading}</p> }>
            {
                let actions = actions.clone();
                move || {
                    let actions = actions.clone();
                    Suspend::new(async move {
                        match data.await {
                            Ok((user, dir)) => {
                                view! { <EditForm actions=actions user=user dir=dir /> }.into_any()
                            }
                            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }
                                .into_any(),
                        }
                    })
                }
            }
        </Suspense>
    }
}

#[component]
fn EditForm(actions: Actions, user: UserDetail, dir: Directory) -> impl IntoView {
    let s = actions.s;
    let id = user.id;
    let first = RwSignal::new(user.first_name.clone());
    let last = RwSignal::new(user.last_name.clone());
    let email = RwSignal::new(user.email.clone());
    let phone = RwSignal::new(user.phone.clone().unwrap_or_default());
    let metadata = RwSignal::new(user.metadata.clone());
    let role = RwSignal::new(user.role.clone());
    let groups = RwSignal::new(user.groups.clone());
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let toaster = use_toaster();
    // The form arrives after the dialog opened: focus its first field then.
    Effect::new(move |_| focus_first_field());

    let submit = {
        let actions = actions.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            let edit = UserEdit {
                first_name: first.get_untracked(),
                last_name: last.get_untracked(),
                email: email.get_untracked(),
                phone: phone.get_untracked(),
                metadata: metadata.get_untracked(),
                role: role.get_untracked(),
                groups: groups.get_untracked(),
            };
            let saved_email = edit.email.trim().to_lowercase();
            let call = update_user(actions.slug.get_untracked(), id, edit);
            actions.submit(busy, err, call, move |_| {
                toaster.success(fill(s.t_saved, &[("email", &saved_email)]))
            });
        }
    };
    let invalid = move |f: &'static str| {
        move || {
            err.get()
                .and_then(|e| e.field().map(|x| x == f))
                .unwrap_or(false)
                .to_string()
        }
    };
    let text_field = move |fid: &'static str,
                           label: &'static str,
                           value: RwSignal<String>,
                           kind: &'static str| {
        view! {
            <div class="field">
                <label for=format!("edit-{fid}")>{label}</label>
                <input
                    id=format!("edit-{fid}")
                    type=kind
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    aria-invalid=invalid(fid)
                    aria-describedby=format!("{fid}-error")
                />
                {field_error(err, fid)}
            </div>
        }
    };
    let group_boxes = if dir.groups.is_empty() {
        view! { <p class="muted small">{s.no_groups}</p> }.into_any()
    } else {
        dir.groups
            .iter()
            .map(|g| {
                let name = g.clone();
                let checked = {
                    let name = name.clone();
                    move || groups.with(|gs| gs.contains(&name))
                };
                let toggle = {
                    let name = name.clone();
                    move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        groups.update(|gs| {
                            gs.retain(|x| x != &name);
                            if on {
                                gs.push(name.clone());
                            }
                        })
                    }
                };
                view! {
                    <label class="check">
                        <input type="checkbox" prop:checked=checked on:change=toggle />
                        {name.clone()}
                    </label>
                }
            })
            .collect_view()
            .into_any()
    };
    let role_options = dir
        .roles
        .iter()
        .map(|r| {
            let r = r.clone();
            let selected = {
                let r = r.clone();
                move || role.get() == r
            };
            view! { <option value=r.clone() selected=selected>{r.clone()}</option> }
        })
        .collect_view();
    view! {
        <form class="form" on:submit=submit novalidate=true>
            {form_error(err, EDIT_FIELDS)}
            <div class="form-row">
                {text_field("first_name", s.first_name, first, "text")}
                {text_field("last_name", s.last_name, last, "text")}
            </div>
            {text_field("email", s.email, email, "email")}
            {text_field("phone", s.phone, phone, "tel")}
            <div class="field">
                <label for="edit-metadata">{s.metadata}</label>
                <textarea
                    id="edit-metadata"
                    class="mono"
                    rows="4"
                    prop:value=move || metadata.get()
                    on:input=move |ev| metadata.set(event_target_value(&ev))
                    aria-invalid=invalid("metadata")
                    aria-describedby="metadata-error"
                ></textarea>
                {field_error(err, "metadata")}
            </div>
            <div class="field">
                <label for="edit-role">{s.role}</label>
                <select id="edit-role" on:change=move |ev| role.set(event_target_value(&ev)) aria-describedby="role-error">
                    {role_options}
                </select>
                {field_error(err, "role")}
            </div>
            <fieldset class="field checks">
                <legend>{s.groups}</legend>
                {group_boxes}
                {field_error(err, "groups")}
            </fieldset>
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| actions.dialog.set(None)>{s.cancel}</button>
                <button type="submit" class="button primary" disabled=move || busy.get()>
                    {move || if busy.get() { s.saving } else { s.save }}
                </button>
            </div>
        </form>
    }
    .into_any()
}

#[component]
fn DeactivateDialog(actions: Actions, id: i64, email: String) -> impl IntoView {
    let s = actions.s;
    let reason = RwSignal::new(String::new());
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let toaster = use_toaster();
    let lead = fill(s.deactivate_lead, &[("email", &email)]);
    let submit = {
        let actions = actions.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            let r = reason.get_untracked();
            let r = (!r.trim().is_empty()).then_some(r);
            let project = actions.slug.get_untracked();
            let call = deactivate_user(project.clone(), id, r);
            let (email, undo) = (email.clone(), actions.clone());
            actions.submit(busy, err, call, move |_| {
                let again = email.clone();
                toaster.with_undo(
                    fill(s.t_deactivated, &[("email", &email)]),
                    Callback::new(move |_| undo.reactivate_in(project.clone(), id, again.clone())),
                );
            });
        }
    };
    view! {
        <form class="form" on:submit=submit>
            <p>{lead}</p>
            {form_error(err, &["reason"])}
            <div class="field">
                <label for="deactivate-reason">{s.reason}</label>
                <textarea
                    id="deactivate-reason"
                    rows="3"
                    maxlength="500"
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))
                ></textarea>
                {field_error(err, "reason")}
            </div>
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| actions.dialog.set(None)>{s.cancel}</button>
                <button type="submit" class="button danger" disabled=move || busy.get()>{s.deactivate}</button>
            </div>
        </form>
    }
}

#[component]
fn RemoveDialog(actions: Actions, id: i64, email: String) -> impl IntoView {
    let s = actions.s;
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let toaster = use_toaster();
    let lead = fill(s.remove_lead, &[("email", &email)]);
    let submit = {
        let actions = actions.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            let call = remove_from_project(actions.slug.get_untracked(), id);
            actions.submit(busy, err, call, move |email| {
                toaster.success(fill(s.t_removed, &[("email", &email)]))
            });
        }
    };
    view! {
        <form class="form" on:submit=submit>
            <p>{lead}</p>
            {form_error(err, &[])}
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| actions.dialog.set(None)>{s.cancel}</button>
                <button type="submit" class="button danger" disabled=move || busy.get()>
                    {s.remove_from_project}
                </button>
            </div>
        </form>
    }
}

#[component]
fn DeleteDialog(actions: Actions, id: i64, email: String) -> impl IntoView {
    let s = actions.s;
    let typed = RwSignal::new(String::new());
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let toaster = use_toaster();
    let lead = fill(s.delete_lead, &[("email", &email)]);
    let matches = {
        let email = email.clone();
        move || typed.with(|t| t.trim().eq_ignore_ascii_case(&email))
    };
    let submit = {
        let actions = actions.clone();
        let matches = matches.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() || !matches() {
                return;
            }
            let call = delete_user(actions.slug.get_untracked(), id, typed.get_untracked());
            let email = email.clone();
            actions.submit(busy, err, call, move |_| {
                toaster.success(fill(s.t_deleted, &[("email", &email)]))
            });
        }
    };
    view! {
        <form class="form" on:submit=submit>
            <p>{lead}</p>
            {form_error(err, &["confirm"])}
            <div class="field">
                <label for="delete-confirm">{s.type_email_to_confirm}</label>
                <input
                    id="delete-confirm"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                {field_error(err, "confirm")}
            </div>
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| actions.dialog.set(None)>{s.cancel}</button>
                <button type="submit" class="button danger" disabled=move || busy.get() || !matches()>
                    {s.delete_user}
                </button>
            </div>
        </form>
    }
}
