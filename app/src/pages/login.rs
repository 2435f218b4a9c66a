use crate::api::{RequestPasswordReset, ResetPassword, SignIn, VerifySignInCode};
use crate::i18n::EN;
use leptos::prelude::*;
use leptos_meta::{Html, Title};
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
            "429" => {
                "Too many failed attempts. This account is temporarily locked; try again later."
                    .to_string()
            }
            _ => "That code is not right, or this sign-in has expired.".to_string(),
        }),
    };
    let pending = action.pending();
    view! {
        <Title text="Two-factor authentication · Roster" />
        <div class="auth-page">
            <div class="auth-card">
                <AuthBrand />
                <h1>"Two-factor authentication"</h1>
                <p class="muted">"Enter the 6-digit code from your authenticator app, or one of your recovery codes."</p>
                <ActionForm action=action attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="next" value=next />
                    <div class="field">
                        <label for="code">"Authentication code"</label>
                        <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required=true />
                    </div>
                    {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                    <button type="submit" class="button primary block" disabled=move || pending.get()>"Verify"</button>
                </ActionForm>
                <a class="button block" href="/login">"Back to sign in"</a>
            </div>
        </div>
    }
}

#[component]
fn PasswordStep() -> impl IntoView {
    let s = &EN;
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
            "429" => {
                "Too many failed attempts. This account is temporarily locked; try again later."
                    .to_string()
            }
            _ => "Incorrect email or password.".to_string(),
        }),
    };
    let pending = action.pending();

    view! {
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
            "422" => "Enter a valid email address, like name@example.com.".to_string(),
            _ => "Roster could not take the request. Please try again shortly.".to_string(),
        }),
    };
    view! {
        <div class="auth-page">
            <div class="auth-card">
                <AuthBrand />
                <h1>"Forgot your password?"</h1>
                <Show
                    when=sent
                    fallback=move || {
                        view! {
                            <p class="muted">
                                "Enter the email address of your account and we will send you a link to choose a new password."
                            </p>
                            <ActionForm action=action attr:class="form" attr:novalidate=true>
                                <div class="field">
                                    <label for="email">"Email"</label>
                                    <input id="email" name="email" type="email" autocomplete="username" required=true />
                                </div>
                                {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                                <button type="submit" class="button primary block" disabled=move || pending.get()>
                                    {move || if pending.get() { "Sending…" } else { "Send reset link" }}
                                </button>
                            </ActionForm>
                        }
                    }
                >
                    <p role="status">
                        "If an account uses that address, a link to choose a new password is on its way. It works for one hour. Check your spam folder if it does not arrive in a few minutes."
                    </p>
                </Show>
                <a class="button block" href="/login">"Back to sign in"</a>
            </div>
        </div>
    }
}

/// `/reset-password?token=…`: the page a password-reset email links to.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
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
        <Title text="Choose a new password · Roster" />
        <div class="auth-page">
            <div class="auth-card">
                <AuthBrand />
                <h1>"Choose a new password"</h1>
                <Show
                    when=done
                    fallback=move || {
                        view! {
                            <p class="muted">"Use at least 10 characters. Every session of your account will be signed out."</p>
                            <ActionForm action=action attr:class="form" attr:novalidate=true>
                                <input type="hidden" name="token" value=token />
                                <div class="field">
                                    <label for="new-password">"New password"</label>
                                    <input id="new-password" name="password" type="password" autocomplete="new-password" required=true />
                                    {field_error("password")}
                                </div>
                                <div class="field">
                                    <label for="confirm-password">"Confirm new password"</label>
                                    <input id="confirm-password" name="confirm" type="password" autocomplete="new-password" required=true />
                                    {field_error("confirm")}
                                </div>
                                {form_error}
                                <button type="submit" class="button primary block" disabled=move || pending.get()>
                                    "Set new password"
                                </button>
                            </ActionForm>
                        }
                    }
                >
                    <p role="status">"Your password was changed. Sign in with your new password."</p>
                    <a class="button primary block" href="/login">"Sign in"</a>
                </Show>
            </div>
        </div>
    }
}

/// The product mark at the top of the sign-in and password pages (which are in English until
/// the person is known).
#[component]
pub(crate) fn AuthBrand() -> impl IntoView {
    view! {
        <Html attr:lang="en" />
        <div class="brand auth-brand">
            <span class="brand-mark" aria-hidden="true">"R"</span>
            <span class="brand-name">"Roster"</span>
        </div>
    }
}
