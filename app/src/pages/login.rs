use super::public_text::current as text;
use crate::api::{RequestPasswordReset, ResetPassword, SignIn, VerifySignInCode};
use crate::i18n::strings;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let second_step = move || query.read().get("step").as_deref() == Some("code");
    view! {
        <Show when=second_step fallback=|| view! { <PasswordStep /> }>
            <CodeStep />
        </Show>
    }
}

/// The second step of a sign-in with two-factor authentication.
#[component]
fn CodeStep() -> impl IntoView {
    let t = text();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let action = ServerAction::<VerifySignInCode>::new();
    Effect::new(move |_| {
        if let Some(Ok(to)) = action.value().get() {
            let _ = window().location().set_href(&to);
        }
    });
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        Some(Ok(_)) => None,
        None => query.read().get("error").map(|code| match code.as_str() {
            "429" => t.err_locked.to_string(),
            _ => t.err_code.to_string(),
        }),
    };
    let pending = action.pending();
    view! {
        <Title text=format!("{} · Roster", t.two_factor_title) />
        <div class="auth-page">
            <div class="auth-card">
                <AuthBrand />
                <h1>{t.two_factor_title}</h1>
                <p class="muted">{t.code_lead}</p>
                <ActionForm action=action attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="next" value=next />
                    <div class="field">
                        <label for="code">{t.auth_code}</label>
                        <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required=true />
                    </div>
                    {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                    <button type="submit" class="button primary block" disabled=move || pending.get()>{t.verify}</button>
                </ActionForm>
                <a class="button block" href="/login">{t.back_to_sign_in}</a>
            </div>
        </div>
    }
}

#[component]
fn PasswordStep() -> impl IntoView {
    let s = strings(super::page_lang());
    let t = text();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let action = ServerAction::<SignIn>::new();
    Effect::new(move |_| {
        if let Some(Ok(to)) = action.value().get() {
            let _ = window().location().set_href(&to);
        }
    });
    // With JavaScript the action's error is shown; without it, the server redirected back here
    // with the error's status code.
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        Some(Ok(_)) => None,
        None => query.read().get("error").map(|code| match code.as_str() {
            "429" => t.err_locked.to_string(),
            _ => t.err_credentials.to_string(),
        }),
    };
    let pending = action.pending();

    view! {
        <Title text=format!("{} · Roster", s.sign_in) />
        <div class="auth-page">
            <div class="auth-card">
                <AuthBrand />
                <h1>{s.sign_in_title}</h1>
                <p class="muted">{s.sign_in_lead}</p>
                <ActionForm action=action attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="next" value=next />
                    <div class="field">
                        <label for="email">{s.email}</label>
                        <input id="email" name="email" type="email" autocomplete="username" required=true />
                    </div>
                    <div class="field">
                        <div class="label-row">
                            <label for="password">{s.password}</label>
                            <a class="small" href="/forgot-password">{s.forgot_password}</a>
                        </div>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required=true
                        />
                    </div>
                    {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                    <button type="submit" class="button primary block" disabled=move || pending.get()>
                        {move || if pending.get() { s.signing_in } else { s.sign_in }}
                    </button>
                </ActionForm>
            </div>
        </div>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let (s, t) = (strings(super::page_lang()), text());
    let query = use_query_map();
    let action = ServerAction::<RequestPasswordReset>::new();
    let pending = action.pending();
    // Sent: with JavaScript the action's answer, without it the server's redirect (?sent=1).
    let sent = move || {
        matches!(action.value().get(), Some(Ok(())))
            || (action.value().get().is_none() && query.read().get("sent").is_some())
    };
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        Some(Ok(())) => None,
        None => query.read().get("error").map(|code| match code.as_str() {
            "422" => t.err_email.to_string(),
            _ => t.err_unavailable.to_string(),
        }),
    };
    view! {
        <Title text=format!("{} · Roster", t.forgot_title) />
        <div class="auth-page">
            <div class="auth-card">
                <AuthBrand />
                <h1>{t.forgot_title}</h1>
                <Show
                    when=sent
                    fallback=move || {
                        view! {
                            <p class="muted">{t.forgot_lead}</p>
                            <ActionForm action=action attr:class="form" attr:novalidate=true>
                                <div class="field">
                                    <label for="email">{s.email}</label>
                                    <input id="email" name="email" type="email" autocomplete="username" required=true />
                                </div>
                                {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                                <button type="submit" class="button primary block" disabled=move || pending.get()>
                                    {move || if pending.get() { t.sending } else { t.send_reset_link }}
                                </button>
                            </ActionForm>
                        }
                    }
                >
                    <p role="status">{t.reset_sent}</p>
                </Show>
                <a class="button block" href="/login">{t.back_to_sign_in}</a>
            </div>
        </div>
    }
}

/// `/reset-password?token=…`: the page a password-reset email links to.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let (s, t) = (strings(super::page_lang()), text());
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = ServerAction::<ResetPassword>::new();
    let pending = action.pending();
    let done = move || matches!(action.value().get(), Some(Ok(())));
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let field_error = move |field: &'static str| {
        move || {
            error()
                .filter(|e| e.field() == Some(field))
                .map(|e| view! { <p class="field-error">{e.to_string()}</p> })
        }
    };
    let form_error = move || {
        error()
            .filter(|e| !matches!(e.field(), Some("password" | "confirm")))
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    };
    view! {
        <Title text=format!("{} · Roster", t.reset_title) />
        <div class="auth-page">
            <div class="auth-card">
                <AuthBrand />
                <h1>{t.reset_title}</h1>
                <Show
                    when=done
                    fallback=move || {
                        view! {
                            <p class="muted">{t.reset_lead}</p>
                            <ActionForm action=action attr:class="form" attr:novalidate=true>
                                <input type="hidden" name="token" value=token />
                                <div class="field">
                                    <label for="new-password">{t.new_password}</label>
                                    <input id="new-password" name="password" type="password" autocomplete="new-password" required=true />
                                    {field_error("password")}
                                </div>
                                <div class="field">
                                    <label for="confirm-password">{t.confirm_new_password}</label>
                                    <input id="confirm-password" name="confirm" type="password" autocomplete="new-password" required=true />
                                    {field_error("confirm")}
                                </div>
                                {form_error}
                                <button type="submit" class="button primary block" disabled=move || pending.get()>
                                    {t.set_password}
                                </button>
                            </ActionForm>
                        }
                    }
                >
                    <p role="status">{t.reset_done}</p>
                    <a class="button primary block" href="/login">{s.sign_in}</a>
                </Show>
            </div>
        </div>
    }
}

/// The product mark at the top of the sign-in and password pages.
#[component]
pub(crate) fn AuthBrand() -> impl IntoView {
    view! {
        <div class="brand auth-brand">
            <span class="brand-mark" aria-hidden="true">"R"</span>
            <span class="brand-name">"Roster"</span>
        </div>
    }
}
