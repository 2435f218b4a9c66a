//! `/p/{slug}/signup` (joining a project that allows it) and `/verify-email?token=…` (the
//! link the sign-up mail carries). Both work as plain forms without JavaScript.
use super::login::AuthBrand;
use super::public_text::{current as text, PublicText};
use crate::api::{sign_up_info, SignUp, VerifyEmail};
use crate::i18n::{fill, strings};
use crate::model::{AppError, SignupInfo};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The "I agree to the terms" box, with the project's links (opened in a new tab).
#[component]
pub fn ConsentBox(
    terms_url: String,
    privacy_url: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let t = text();
    let links = match (terms_url.is_empty(), privacy_url.is_empty()) {
        (false, false) => view! {
            {t.consent_terms_prefix}
            <a href=terms_url target="_blank" rel="noopener noreferrer">{t.terms}</a>
            {t.and_the}
            <a href=privacy_url target="_blank" rel="noopener noreferrer">{t.privacy}</a>
            "."
        }
        .into_any(),
        (false, true) => view! {
            {t.consent_terms_prefix}
            <a href=terms_url target="_blank" rel="noopener noreferrer">{t.terms}</a>
            "."
        }
        .into_any(),
        _ => view! {
            {t.consent_privacy_prefix}
            <a href=privacy_url target="_blank" rel="noopener noreferrer">{t.privacy}</a>
            "."
        }
        .into_any(),
    };
    view! {
        <div class="field">
            <label class="check">
                <input type="checkbox" name="agree" value="on" required=true aria-describedby="agree-error agree-links" />
                {t.agree_to_terms}
            </label>
            <p class="small muted" id="agree-links">{links}</p>
            {move || error.get().map(|e| view! { <p class="field-error" id="agree-error">{e}</p> })}
        </div>
    }
}

/// The message for an error a plain form post came back with (no JavaScript).
fn posted_error(t: &PublicText, code: &str) -> String {
    match code {
        "409" => t.signup_closed_err,
        "429" => t.signup_throttled,
        "503" => t.err_unavailable,
        _ => t.signup_check,
    }
    .to_string()
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("project").unwrap_or_default();
    let info = crate::codec::resource(slug, sign_up_info);
    let (s, t) = (strings(super::page_lang()), text());
    view! {
        <Title text=format!("{} · Roster", t.signup_title) />
        <div class="auth-page">
            <div class="auth-card">
                <AuthBrand />
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match info.await {
                            Ok(Some(info)) => view! { <SignupForm slug=slug() info=info /> }.into_any(),
                            Ok(None) => view! {
                                <h1>{t.signup_closed_title}</h1>
                                <p>{t.signup_closed_lead}</p>
                                <a class="button primary block" href="/login">{s.sign_in}</a>
                            }
                            .into_any(),
                            Err(e) => view! {
                                <h1>{t.signup_title}</h1>
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
fn SignupForm(slug: String, info: SignupInfo) -> impl IntoView {
    let (s, t) = (strings(super::page_lang()), text());
    let query = use_query_map();
    let action = ServerAction::<SignUp>::new();
    let pending = action.pending();
    let sent = move || {
        matches!(action.value().get(), Some(Ok(())))
            || (action.value().get().is_none() && query.read().get("sent").is_some())
    };
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
    const FIELDS: [&str; 6] = [
        "email",
        "first_name",
        "last_name",
        "password",
        "confirm",
        "agree",
    ];
    let general = move || {
        let text = match action.value().get() {
            Some(Err(e)) if !e.field().is_some_and(|f| FIELDS.contains(&f)) => Some(e.to_string()),
            Some(_) => None,
            None => query.read().get("error").map(|c| posted_error(t, &c)),
        };
        text.map(|t| view! { <p class="form-error" role="alert">{t}</p> })
    };
    let agree_error = Signal::derive(move || {
        error()
            .filter(|e| e.field() == Some("agree"))
            .map(|e: AppError| e.to_string())
    });
    let needs_consent = info.needs_consent();
    let (terms_url, privacy_url) = (info.terms_url.clone(), info.privacy_url.clone());
    let project = info.project_name.clone();
    view! {
        <h1>{fill(t.join, &[("project", &project)])}</h1>
        <Show
            when=sent
            fallback=move || {
                let slug = slug.clone();
                let consent = needs_consent.then(|| view! {
                    <ConsentBox terms_url=terms_url.clone() privacy_url=privacy_url.clone() error=agree_error />
                });
                view! {
                    <p class="muted">{t.signup_lead}</p>
                    <ActionForm action=action attr:class="form" attr:novalidate=true>
                        <input type="hidden" name="project" value=slug />
                        <div class="field">
                            <label for="email">{s.email}</label>
                            <input id="email" name="email" type="email" autocomplete="email" required=true aria-describedby="email-error" />
                            {field("email")}
                        </div>
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
                        {consent}
                        {general}
                        <button type="submit" class="button primary block" disabled=move || pending.get()>
                            {t.signup_title}
                        </button>
                    </ActionForm>
                    <p class="small muted">{t.have_account} <a href="/login">{s.sign_in}</a></p>
                }
            }
        >
            <p role="status">{t.signup_sent}</p>
            <a class="button block" href="/login">{t.back_to_sign_in}</a>
        </Show>
    }
}

/// `/verify-email?token=…`: confirming takes a click (a POST), so a mail scanner that opens
/// links does not use the link up.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let (s, t) = (strings(super::page_lang()), text());
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = ServerAction::<VerifyEmail>::new();
    let pending = action.pending();
    Effect::new(move |_| {
        if let Some(Ok(to)) = action.value().get() {
            let _ = window().location().set_href(&to);
        }
    });
    let done = move || query.read().get("done").is_some();
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        Some(Ok(_)) => None,
        None => query.read().get("error").map(|_| t.err_verify.to_string()),
    };
    view! {
        <Title text=format!("{} · Roster", t.verify_title) />
        <div class="auth-page">
            <div class="auth-card">
                <AuthBrand />
                <h1>{t.verify_title}</h1>
                <Show
                    when=done
                    fallback=move || view! {
                        <p class="muted">{t.verify_lead}</p>
                        <ActionForm action=action attr:class="form">
                            <input type="hidden" name="token" value=token />
                            {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                            <button type="submit" class="button primary block" disabled=move || pending.get()>
                                {t.verify_button}
                            </button>
                        </ActionForm>
                    }
                >
                    <p role="status">{t.verified}</p>
                    <a class="button primary block" href="/login">{s.sign_in}</a>
                </Show>
            </div>
        </div>
    }
}
