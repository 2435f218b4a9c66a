use crate::api::SignIn;
use crate::i18n::EN;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
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
                <div class="brand auth-brand">
                    <span class="brand-mark" aria-hidden="true">"R"</span>
                    <span class="brand-name">"Roster"</span>
                </div>
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
    view! {
        <div class="auth-page">
            <div class="auth-card">
                <h1>"Forgot your password?"</h1>
                <p class="muted">
                    "Self-service password reset by email is not available yet. Ask an administrator of your project to reset your access."
                </p>
                <a class="button block" href="/login">"Back to sign in"</a>
            </div>
        </div>
    }
}
