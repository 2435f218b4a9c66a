//! Invitations in the console (the invite and cancel dialogs, the detail page's invitation
//! card) and the public page its link opens (`/invitation?token=…`).
use super::login::AuthBrand;
use super::signup::ConsentBox;
use super::user_actions::{field_error, form_error, Actions};
use super::{page_lang, public_text};
use crate::api::{
    cancel_invitation, invitation, invite_user, project_directory, AcceptInvitation,
    AcceptInvitationSignIn,
};
use crate::components::{focus_first_field, use_toaster};
use crate::i18n::{fill, strings, Strings};
use crate::model::time::{format_utc, relative};
use crate::model::{
    AppError, Directory, InvitationInfo, InvitationPreview, InviteForm, Invited, Language,
    MailState, SignupInfo,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const INVITE_FIELDS: &[&str] = &["email", "role", "groups", "message"];

/// "Invite user": loads the project's roles and groups, then the form.
#[component]
pub fn InviteDialog(actions: Actions) -> impl IntoView {
    let s = actions.s;
    let slug = actions.slug.get_untracked();
    let dir = crate::codec::resource(move || (), move |_| project_directory(slug.clone()));
    view! {
        <Suspense fallback=move || view! { <p class="muted">{s.loading}</p> }>
            {
                let actions = actions.clone();
                move || {
                    let actions = actions.clone();
                    Suspend::new(async move {
                        match dir.await {
                            Ok(dir) => view! { <InviteFormView actions=actions dir=dir /> }.into_any(),
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
fn InviteFormView(actions: Actions, dir: Directory) -> impl IntoView {
    let d = super::detail_text::current();
    let s = actions.s;
    let email = RwSignal::new(String::new());
    let default_role = if dir.roles.iter().any(|r| r == "end_user") {
        "end_user".to_string()
    } else {
        dir.roles.first().cloned().unwrap_or_default()
    };
    let role = RwSignal::new(default_role);
    let groups = RwSignal::new(Vec::<String>::new());
    let message = RwSignal::new(String::new());
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(None::<Invited>);
    Effect::new(move |_| focus_first_field());

    let submit = {
        let actions = actions.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            err.set(None);
            let form = InviteForm {
                email: email.get_untracked(),
                role: role.get_untracked(),
                groups: groups.get_untracked(),
                message: message.get_untracked(),
            };
            let call = invite_user(actions.slug.get_untracked(), form);
            let changed = actions.changed;
            spawn_local(async move {
                match call.await {
                    Ok(invited) => {
                        sent.set(Some(invited));
                        // The invitee is in the table at once, as Invited.
                        changed.run(());
                        focus_first_field();
                    }
                    Err(e) => err.set(Some(e)),
                }
                busy.set(false);
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
    let dialog = actions.dialog;
    // Once sent, the form steps aside for the link (it stays in the page, hidden).
    view! {
        <form class="form" on:submit=submit novalidate=true hidden=move || sent.with(Option::is_some)>
            {form_error(err, INVITE_FIELDS)}
            <div class="field">
                <label for="invite-email">{s.email}</label>
                <input
                    id="invite-email"
                    type="email"
                    autocomplete="off"
                    prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))
                    aria-invalid=invalid("email")
                    aria-describedby="email-error"
                />
                {field_error(err, "email")}
            </div>
            <div class="field">
                <label for="invite-role">{s.role}</label>
                <select
                    id="invite-role"
                    on:change=move |ev| role.set(event_target_value(&ev))
                    aria-invalid=invalid("role")
                    aria-describedby="role-error"
                >
                    {role_options}
                </select>
                {field_error(err, "role")}
            </div>
            <fieldset class="field checks">
                <legend>{s.groups}</legend>
                {group_boxes}
                {field_error(err, "groups")}
            </fieldset>
            <div class="field">
                <label for="invite-message">{d.personal_message}</label>
                <textarea
                    id="invite-message"
                    rows="3"
                    maxlength="1000"
                    prop:value=move || message.get()
                    on:input=move |ev| message.set(event_target_value(&ev))
                    aria-invalid=invalid("message")
                    aria-describedby="message-error"
                ></textarea>
                {field_error(err, "message")}
            </div>
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| actions.dialog.set(None)>{s.cancel}</button>
                <button type="submit" class="button primary" disabled=move || busy.get()>
                    {move || if busy.get() { d.sending } else { d.send_invitation }}
                </button>
            </div>
        </form>
        {move || sent.get().map(|invited| view! { <InviteSent s=s invited=invited dialog=dialog /> })}
    }
}

/// After "Send invitation": the link to hand over, with Copy and "Copy and close".
#[component]
fn InviteSent(
    s: &'static Strings,
    invited: Invited,
    dialog: RwSignal<Option<super::user_actions::Dialog>>,
) -> impl IntoView {
    let d = super::detail_text::current();
    let copied = RwSignal::new(false);
    let url = invited.url.clone();
    let copy = move || {
        copy_text(&url);
        copied.set(true);
    };
    let copy_once = copy.clone();
    view! {
        <div class="form">
            <p role="status">{fill(d.invite_done_lead, &[("email", &invited.email)])}</p>
            <div class="field">
                <label for="registration-url">{d.registration_url}</label>
                <div class="input-row">
                    <input
                        id="registration-url"
                        class="mono"
                        type="text"
                        readonly=true
                        value=invited.url.clone()
                        on:focus=move |ev| select_all(&ev)
                    />
                    <button type="button" class="button" on:click=move |_| copy_once()>
                        {move || if copied.get() { d.copied } else { d.copy }}
                    </button>
                </div>
            </div>
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| dialog.set(None)>{s.close}</button>
                <button
                    type="button"
                    class="button primary"
                    on:click=move |_| {
                        copy();
                        dialog.set(None);
                    }
                >
                    {d.copy_and_close}
                </button>
            </div>
        </div>
    }
}

/// Puts `text` on the clipboard where the browser offers one (secure pages only).
fn copy_text(text: &str) {
    let w = window();
    if w.is_secure_context() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

fn select_all(ev: &leptos::ev::FocusEvent) {
    use wasm_bindgen::JsCast;
    if let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
    }
}

#[component]
pub fn CancelInvitationDialog(actions: Actions, id: i64, email: String) -> impl IntoView {
    let d = super::detail_text::current();
    let s = actions.s;
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let toaster = use_toaster();
    let lead = fill(d.cancel_invitation_lead, &[("email", &email)]);
    let submit = {
        let actions = actions.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            let call = cancel_invitation(actions.slug.get_untracked(), id);
            actions.submit(busy, err, call, move |email| {
                toaster.success(fill(d.t_invitation_cancelled, &[("email", &email)]))
            });
        }
    };
    view! {
        <form class="form" on:submit=submit>
            <p>{lead}</p>
            {form_error(err, &[])}
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| actions.dialog.set(None)>{d.keep_invitation}</button>
                <button type="submit" class="button danger" disabled=move || busy.get()>
                    {s.cancel_invitation}
                </button>
            </div>
        </form>
    }
}

/// The detail page's card about a pending invitation: who sent it, when, until when, and
/// where its mail is (seed 001's "didn't receive the invitation" checklist).
#[component]
pub fn InvitationCard(
    s: &'static Strings,
    lang: Language,
    info: InvitationInfo,
    as_of: i64,
) -> impl IntoView {
    let d = super::detail_text::current();
    let time = move |ms: i64| {
        view! { <time title=format_utc(ms)>{relative(ms, as_of, lang)}</time> }
    };
    let mail = match &info.mail {
        None => d.mail_none.to_string(),
        Some(MailState::Queued) => d.mail_queued.to_string(),
        Some(MailState::Sent { .. }) => d.mail_sent.to_string(),
        Some(MailState::Failed { error }) => fill(d.mail_failed, &[("error", error)]),
        Some(MailState::Retrying { error, attempts }) => fill(
            d.mail_retrying,
            &[("error", error), ("n", &attempts.to_string())],
        ),
    };
    let mail_class = match &info.mail {
        Some(MailState::Failed { .. }) => "form-error",
        _ => "",
    };
    view! {
        <section class="card" aria-labelledby="invitation-heading">
            <h2 id="invitation-heading">{d.invitation}</h2>
            <dl class="details">
                <dt>{d.invited_by}</dt>
                <dd>{info.invited_by.clone().unwrap_or_else(|| d.someone.to_string())}</dd>
                <dt>{d.sent_at}</dt>
                <dd>{time(info.sent_at)}</dd>
                <dt>{d.expires}</dt>
                <dd>
                    {time(info.expires_at)}
                    {info.expired.then(|| view! { " "<span class="badge badge-inactive">{s.expired}</span> })}
                </dd>
                <dt>{d.invitation_mail}</dt>
                <dd class=mail_class>{mail}</dd>
            </dl>
        </section>
    }
}

/// `/invitation?token=…`: the page an invitation mail links to.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let preview = crate::codec::resource(token, invitation);
    let t = public_text::current();
    view! {
        <Title text=format!("{} · Roster", t.accept_invitation) />
        <div class="auth-page">
            <div class="auth-card">
                <AuthBrand />
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match preview.await {
                            Ok(Some(p)) => view! { <AcceptForm preview=p /> }.into_any(),
                            Ok(None) => view! { <NoLongerValid /> }.into_any(),
                            Err(e) => view! {
                                <h1>{t.accept_invitation}</h1>
                                <p class="form-error" role="alert">{e.to_string()}</p>
                            }
                            .into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </div>
    }
}

#[component]
fn NoLongerValid() -> impl IntoView {
    let (s, t) = (strings(page_lang()), public_text::current());
    view! {
        <h1>{t.invitation_dead_title}</h1>
        <p>{t.invitation_dead_lead}</p>
        <p class="muted">{t.invitation_dead_next}</p>
        <a class="button primary block" href="/login">{s.sign_in}</a>
    }
}

/// Text for an error the server answered a plain form post with (no JavaScript).
fn posted_error(code: &str) -> String {
    let t = public_text::current();
    match code {
        "401" => t.err_credentials,
        "429" => t.err_locked,
        "503" => t.err_unavailable,
        _ => t.accept_check,
    }
    .to_string()
}

#[component]
fn AcceptForm(preview: InvitationPreview) -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let t = public_text::current();
    let project = preview.project_name.clone();
    let lead = match &preview.invited_by {
        Some(by) => fill(t.invited_by, &[("by", by), ("project", &project)]),
        None => fill(t.invited, &[("project", &project)]),
    };
    let note = (!preview.message.is_empty()).then(|| {
        view! { <blockquote class="invitation-message">{preview.message.clone()}</blockquote> }
    });
    let email = preview.email.clone();
    let legal = SignupInfo {
        project_name: project.clone(),
        terms_url: preview.terms_url.clone(),
        privacy_url: preview.privacy_url.clone(),
    };
    let body = if preview.has_account {
        view! { <ExistingAccountForm email=email token=Signal::derive(token) legal=legal /> }
            .into_any()
    } else {
        view! { <NewAccountForm email=email token=Signal::derive(token) legal=legal /> }.into_any()
    };
    view! {
        <h1>{fill(t.join, &[("project", &project)])}</h1>
        <p>{lead}</p>
        {note}
        {body}
    }
}

/// The consent box, when the project has legal links.
fn consent_box(legal: SignupInfo, error: Signal<Option<String>>) -> Option<impl IntoView> {
    legal.needs_consent().then(|| {
        view! { <ConsentBox terms_url=legal.terms_url.clone() privacy_url=legal.privacy_url.clone() error=error /> }
    })
}

/// Sends the browser where the server said once the invitation is accepted.
fn follow(to: Option<Result<String, AppError>>) {
    if let Some(Ok(to)) = to {
        let _ = window().location().set_href(&to);
    }
}

#[component]
fn NewAccountForm(email: String, token: Signal<String>, legal: SignupInfo) -> impl IntoView {
    let (s, t) = (strings(page_lang()), public_text::current());
    let query = use_query_map();
    let action = ServerAction::<AcceptInvitation>::new();
    let pending = action.pending();
    Effect::new(move |_| follow(action.value().get()));
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let field = move |f: &'static str| {
        move || {
            error().filter(|e| e.field() == Some(f)).map(
                |e| view! { <p class="field-error" id=format!("{f}-error")>{e.to_string()}</p> },
            )
        }
    };
    let general = move || {
        let text = match action.value().get() {
            Some(Err(e))
                if !matches!(
                    e.field(),
                    Some("first_name" | "last_name" | "password" | "confirm" | "agree")
                ) =>
            {
                Some(e.to_string())
            }
            Some(_) => None,
            None => query.read().get("error").map(|c| posted_error(&c)),
        };
        text.map(|t| view! { <p class="form-error" role="alert">{t}</p> })
    };
    view! {
        <p class="muted">{fill(t.choose_name, &[("email", &email)])}</p>
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            <input type="hidden" name="token" value=move || token.get() />
            <div class="form-row">
                <div class="field">
                    <label for="first-name">{t.first_name}</label>
                    <input id="first-name" name="first_name" type="text" autocomplete="given-name" required=true aria-describedby="first_name-error" />
                    {field("first_name")}
                </div>
                <div class="field">
                    <label for="last-name">{t.last_name}</label>
                    <input id="last-name" name="last_name" type="text" autocomplete="family-name" required=true aria-describedby="last_name-error" />
                    {field("last_name")}
                </div>
            </div>
            <div class="field">
                <label for="new-password">{s.password}</label>
                <input id="new-password" name="password" type="password" autocomplete="new-password" required=true aria-describedby="password-error" />
                {field("password")}
            </div>
            <div class="field">
                <label for="confirm-password">{t.confirm_password}</label>
                <input id="confirm-password" name="confirm" type="password" autocomplete="new-password" required=true aria-describedby="confirm-error" />
                {field("confirm")}
            </div>
            {consent_box(legal, Signal::derive(move || error().filter(|e| e.field() == Some("agree")).map(|e| e.to_string())))}
            {general}
            <button type="submit" class="button primary block" disabled=move || pending.get()>
                {t.accept_invitation}
            </button>
        </ActionForm>
    }
}

#[component]
fn ExistingAccountForm(email: String, token: Signal<String>, legal: SignupInfo) -> impl IntoView {
    let (s, t) = (strings(page_lang()), public_text::current());
    let query = use_query_map();
    let action = ServerAction::<AcceptInvitationSignIn>::new();
    let pending = action.pending();
    Effect::new(move |_| follow(action.value().get()));
    let agree_error = Signal::derive(move || match action.value().get() {
        Some(Err(e)) if e.field() == Some("agree") => Some(e.to_string()),
        _ => None,
    });
    let error = move || {
        let text = match action.value().get() {
            Some(Err(e)) if e.field() == Some("agree") => None,
            Some(Err(e)) => Some(e.to_string()),
            Some(Ok(_)) => None,
            None => query.read().get("error").map(|c| posted_error(&c)),
        };
        text.map(|t| view! { <p class="form-error" role="alert">{t}</p> })
    };
    view! {
        <p class="muted">{fill(t.has_account, &[("email", &email)])}</p>
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            <input type="hidden" name="token" value=move || token.get() />
            <div class="field">
                <label for="email">{s.email}</label>
                <input id="email" type="email" autocomplete="username" readonly=true value=email.clone() />
            </div>
            <div class="field">
                <div class="label-row">
                    <label for="password">{s.password}</label>
                    <a class="small" href="/forgot-password">{s.forgot_password}</a>
                </div>
                <input id="password" name="password" type="password" autocomplete="current-password" required=true />
            </div>
            {consent_box(legal, agree_error)}
            {error}
            <button type="submit" class="button primary block" disabled=move || pending.get()>
                {t.accept_invitation}
            </button>
        </ActionForm>
    }
}
