//! `/account`: the signed-in person's profile (names, language, theme), password, sessions and
//! recent sign-ins. Its data arrives with the page (server-rendered); saving the profile
//! reloads the page, so the new language and theme are right from the first paint.
use crate::api::{
    change_password, my_sessions, my_sign_ins_html, request_email_change, revoke_my_sessions,
    update_profile,
};
use crate::components::{use_toaster, SessionsTable};
use crate::i18n::{fill, Strings, EN};
use crate::model::{AppError, Language, ProfileForm, RequiredStep, SessionInfo, Theme, Viewer};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

fn strings() -> &'static Strings {
    use_context::<&'static Strings>().unwrap_or(&EN)
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let t = super::account_text::current();
    let s = strings();
    let viewer = expect_context::<Viewer>();
    let sessions = crate::codec::resource(|| (), |_| my_sessions());
    // The sign-ins are rendered by the server (`my_sign_ins_html`): a table and page links.
    let query = leptos_router::hooks::use_query_map();
    let sign_ins = crate::codec::server_html(
        move || {
            query
                .read()
                .get("sign_ins")
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(1)
        },
        my_sign_ins_html,
    );
    let lang = viewer.language;
    view! {
        <Title text=format!("{} · Roster", s.account) />
        <div class="page-header">
            <div>
                <h1>{s.account}</h1>
                <p class="muted">{t.account_lead}</p>
            </div>
        </div>
        {viewer.required.map(|step| {
            let text = match step {
                RequiredStep::ChangePassword => t.required_password,
                RequiredStep::SetUpTwoFactor => t.required_two_factor,
            };
            view! { <p class="note" role="alert">{text}</p> }
        })}
        <div class="detail-grid">
            <ProfileCard s=s viewer=viewer.clone() />
            <PasswordCard />
        </div>
        <div class="detail-grid">
            <EmailCard s=s email=viewer.email.clone() />
            <super::two_factor::TwoFactorCard s=s />
        </div>
        <section class="card" aria-labelledby="sessions-heading">
            <Transition fallback=move || view! { <p class="muted">{s.loading}</p> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => view! {
                            <SessionsList s=s lang=lang sessions=list on_change=Callback::new(move |_| sessions.refetch()) />
                        }
                        .into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="card" aria-labelledby="sign-ins-heading">
            <h2 id="sign-ins-heading">{t.recent_sign_ins}</h2>
            <Transition fallback=move || view! { <p class="muted">{s.loading}</p> }>
                {move || Suspend::new(async move { view! { <crate::components::ServerHtml html=sign_ins.await /> } })}
            </Transition>
        </section>
    }
}

fn field_error(err: RwSignal<Option<AppError>>, field: &'static str) -> impl IntoView {
    move || {
        err.get().filter(|e| e.field() == Some(field)).map(
            |e| view! { <p class="field-error" id=format!("{field}-error")>{e.to_string()}</p> },
        )
    }
}

fn form_error(err: RwSignal<Option<AppError>>, fields: &'static [&'static str]) -> impl IntoView {
    move || {
        err.get()
            .filter(|e| e.field().map(|f| !fields.contains(&f)).unwrap_or(true))
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    }
}

#[component]
fn ProfileCard(s: &'static Strings, viewer: Viewer) -> impl IntoView {
    let d = super::detail_text::current();
    let t = super::account_text::current();
    let first = RwSignal::new(viewer.first_name.clone());
    let last = RwSignal::new(viewer.last_name.clone());
    let language = RwSignal::new(viewer.language);
    let theme = RwSignal::new(viewer.theme);
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        err.set(None);
        let form = ProfileForm {
            first_name: first.get_untracked(),
            last_name: last.get_untracked(),
            language: language.get_untracked(),
            theme: theme.get_untracked(),
        };
        spawn_local(async move {
            match update_profile(form).await {
                // The server renders the page in the new language and theme.
                Ok(()) => {
                    let _ = window().location().reload();
                }
                Err(e) => {
                    err.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };
    let text = move |id: &'static str,
                     label: &'static str,
                     value: RwSignal<String>,
                     auto: &'static str| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type="text"
                    autocomplete=auto
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    aria-describedby=format!("{}-error", id.replace('-', "_"))
                />
                {field_error(err, if id == "first-name" { "first_name" } else { "last_name" })}
            </div>
        }
    };
    view! {
        <section class="card" aria-labelledby="profile-heading">
            <h2 id="profile-heading">{d.profile}</h2>
            <form class="form" on:submit=submit novalidate=true>
                {form_error(err, &["first_name", "last_name"])}
                <div class="form-row">
                    {text("first-name", s.first_name, first, "given-name")}
                    {text("last-name", s.last_name, last, "family-name")}
                </div>
                <div class="field">
                    <label for="account-email">{s.email}</label>
                    <input id="account-email" type="email" readonly=true value=viewer.email.clone() />
                </div>
                <div class="form-row">
                    <div class="field">
                        <label for="language">{t.language}</label>
                        <select
                            id="language"
                            on:change=move |ev| language.set(Language::parse(&event_target_value(&ev)))
                        >
                            <option value="en" selected=move || language.get() == Language::En>"English"</option>
                            <option value="fr" lang="fr" selected=move || language.get() == Language::Fr>"Français"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="theme">{t.theme}</label>
                        <select id="theme" on:change=move |ev| theme.set(Theme::parse(&event_target_value(&ev)))>
                            <option value="light" selected=move || theme.get() == Theme::Light>{t.theme_light}</option>
                            <option value="dark" selected=move || theme.get() == Theme::Dark>{t.theme_dark}</option>
                            <option value="system" selected=move || theme.get() == Theme::System>{t.theme_system}</option>
                        </select>
                    </div>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || busy.get()>
                        {move || if busy.get() { s.saving } else { s.save }}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn EmailCard(s: &'static Strings, email: String) -> impl IntoView {
    let t = super::account_text::current();
    let new_email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        err.set(None);
        sent.set(None);
        let to = new_email.get_untracked().trim().to_lowercase();
        let call = request_email_change(new_email.get_untracked(), password.get_untracked());
        spawn_local(async move {
            match call.await {
                Ok(()) => {
                    sent.set(Some(to));
                    password.set(String::new());
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="email-heading">
            <h2 id="email-heading">{t.change_email}</h2>
            <p class="muted">{format!("{}: {email}", s.email)}</p>
            <form class="form" on:submit=submit novalidate=true>
                {form_error(err, &["new_email", "password"])}
                <div class="field">
                    <label for="new-email">{t.new_email}</label>
                    <input
                        id="new-email"
                        type="email"
                        autocomplete="email"
                        prop:value=move || new_email.get()
                        on:input=move |ev| new_email.set(event_target_value(&ev))
                        aria-describedby="new_email-error"
                    />
                    {field_error(err, "new_email")}
                </div>
                <div class="field">
                    <label for="email-change-password">{t.current_password}</label>
                    <input
                        id="email-change-password"
                        type="password"
                        autocomplete="current-password"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                        aria-describedby="password-error"
                    />
                    {field_error(err, "password")}
                </div>
                <p class="small muted">{t.email_change_lead}</p>
                {move || sent.get().map(|to| view! { <p role="status">{fill(t.email_change_sent, &[("email", &to)])}</p> })}
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || busy.get()>{t.change_email}</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn PasswordCard() -> impl IntoView {
    let t = super::account_text::current();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        err.set(None);
        done.set(false);
        let call = change_password(
            current.get_untracked(),
            new.get_untracked(),
            confirm.get_untracked(),
        );
        spawn_local(async move {
            match call.await {
                Ok(()) => {
                    done.set(true);
                    current.set(String::new());
                    new.set(String::new());
                    confirm.set(String::new());
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let field = move |id: &'static str,
                      name: &'static str,
                      label: &'static str,
                      value: RwSignal<String>,
                      auto: &'static str| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type="password"
                    autocomplete=auto
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    aria-describedby=format!("{name}-error")
                />
                {field_error(err, name)}
            </div>
        }
    };
    view! {
        <section class="card" aria-labelledby="password-heading">
            <h2 id="password-heading">{t.change_password}</h2>
            <form class="form" on:submit=submit novalidate=true>
                {form_error(err, &["current", "new", "confirm"])}
                {field("current-password", "current", t.current_password, current, "current-password")}
                {field("new-password", "new", t.new_password, new, "new-password")}
                <p class="small muted">{t.password_hint}</p>
                {field("confirm-password", "confirm", t.confirm_new_password, confirm, "new-password")}
                {move || done.get().then(|| view! { <p role="status">{t.password_changed}</p> })}
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || busy.get()>
                        {t.change_password}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn SessionsList(
    s: &'static Strings,
    lang: Language,
    sessions: Vec<SessionInfo>,
    on_change: Callback<()>,
) -> impl IntoView {
    let t = super::account_text::current();
    let toaster = use_toaster();
    let revoke = move |session: Option<i64>| {
        spawn_local(async move {
            match revoke_my_sessions(session).await {
                Ok(n) => {
                    toaster.success(s.count(n, s.t_session_revoked, s.t_sessions_revoked));
                    on_change.run(());
                }
                Err(e) => toaster.error(e.to_string()),
            }
        });
    };
    let others = sessions.iter().any(|x| !x.current);
    // Relative to the newest activity (this browser's, a moment ago).
    let as_of = sessions.iter().map(|x| x.last_seen_at).max().unwrap_or(0);
    view! {
        <div class="label-row">
            <h2 id="sessions-heading">{t.my_sessions}</h2>
            {others.then(|| view! {
                <button type="button" class="button" on:click=move |_| revoke(None)>{t.sign_out_others}</button>
            })}
        </div>
        <SessionsTable sessions=sessions lang=lang own=true revoke=Some(Callback::new(move |id| revoke(Some(id)))) as_of=as_of />
    }
}
