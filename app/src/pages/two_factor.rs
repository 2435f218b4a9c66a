//! The account page's two-factor card: status, setup (QR code, secret key, a confirming code,
//! then the recovery codes once), new recovery codes, and turning it off.
use crate::api::{
    begin_two_factor, complete_two_factor, disable_two_factor, regenerate_recovery_codes,
    two_factor_status,
};
use crate::components::{use_toaster, Modal};
use crate::i18n::Strings;
use crate::model::{AppError, TotpSetup};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy, PartialEq)]
enum Open {
    Setup,
    Regenerate,
    Disable,
}

#[component]
pub fn TwoFactorCard(s: &'static Strings) -> impl IntoView {
    let d = super::detail_text::current();
    let t = super::account_text::current();
    let status = crate::codec::resource(|| (), |_| two_factor_status());
    let open = RwSignal::new(None::<Open>);
    let close = Callback::new(move |_| {
        open.set(None);
        status.refetch();
    });
    let title = Signal::derive(move || {
        match open.get() {
            Some(Open::Setup) => t.enable_two_factor,
            Some(Open::Regenerate) => t.regenerate_codes,
            Some(Open::Disable) => t.disable_two_factor,
            None => "",
        }
        .to_string()
    });
    view! {
        <section class="card" aria-labelledby="two-factor-heading">
            <h2 id="two-factor-heading">{d.two_factor}</h2>
            <Transition fallback=move || view! { <p class="muted">{s.loading}</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(st) if st.enabled => view! {
                            <p>{s.count(st.recovery_codes_left.max(0) as u64, t.two_factor_on_one, t.two_factor_on)}</p>
                            <div class="form-actions">
                                <button type="button" class="button" on:click=move |_| open.set(Some(Open::Regenerate))>
                                    {t.regenerate_codes}
                                </button>
                                <button type="button" class="button danger" on:click=move |_| open.set(Some(Open::Disable))>
                                    {t.disable_two_factor}
                                </button>
                            </div>
                        }
                        .into_any(),
                        Ok(_) => view! {
                            <p class="muted">{t.two_factor_off}</p>
                            <div class="form-actions">
                                <button type="button" class="button primary" on:click=move |_| open.set(Some(Open::Setup))>
                                    {t.enable_two_factor}
                                </button>
                            </div>
                        }
                        .into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <Modal open=Signal::derive(move || open.get().is_some()) title=title on_close=close close_label=s.close>
            {move || match open.get() {
                Some(Open::Setup) => view! { <Setup s=s close=close /> }.into_any(),
                Some(Open::Regenerate) => view! { <Proof s=s close=close disable=false /> }.into_any(),
                Some(Open::Disable) => view! { <Proof s=s close=close disable=true /> }.into_any(),
                None => ().into_any(),
            }}
        </Modal>
    }
}

fn field_error(err: RwSignal<Option<AppError>>, field: &'static str) -> impl IntoView {
    move || {
        err.get().map(|e| {
            let id = format!("{field}-error");
            view! { <p class="field-error" id=id role="alert">{e.to_string()}</p> }
        })
    }
}

#[component]
fn Setup(s: &'static Strings, close: Callback<()>) -> impl IntoView {
    let setup = crate::codec::resource(|| (), |_| begin_two_factor());
    let codes = RwSignal::new(None::<Vec<String>>);
    view! {
        <Suspense fallback=move || view! { <p class="muted">{s.loading}</p> }>
            {move || Suspend::new(async move {
                match setup.await {
                    Ok(setup) => view! {
                        <div hidden=move || codes.with(Option::is_some)>
                            <ScanAndConfirm setup=setup codes=codes />
                        </div>
                        {move || codes.get().map(|c| view! { <RecoveryCodes codes=c close=close enabled=true /> })}
                    }
                    .into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ScanAndConfirm(setup: TotpSetup, codes: RwSignal<Option<Vec<String>>>) -> impl IntoView {
    let t = super::account_text::current();
    let code = RwSignal::new(String::new());
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        err.set(None);
        let call = complete_two_factor(code.get_untracked());
        spawn_local(async move {
            match call.await {
                Ok(c) => codes.set(Some(c)),
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="form" on:submit=submit novalidate=true>
            <p>{t.scan_lead}</p>
            <img class="qr" src=format!("data:image/png;base64,{}", setup.qr_png_base64) alt=t.qr_code width="200" height="200" />
            <div class="field">
                <span class="label" id="secret-key-label">{t.secret_key}</span>
                <code class="mono secret" aria-labelledby="secret-key-label">{setup.secret.clone()}</code>
            </div>
            <div class="field">
                <label for="verification-code">{t.verification_code}</label>
                <input
                    id="verification-code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    maxlength="6"
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev))
                    aria-describedby="code-error"
                />
                {field_error(err, "code")}
            </div>
            <div class="modal-actions">
                <button type="submit" class="button primary" disabled=move || busy.get()>{t.complete_setup}</button>
            </div>
        </form>
    }
}

/// The recovery codes, shown once: copy, download, done.
#[component]
fn RecoveryCodes(codes: Vec<String>, close: Callback<()>, enabled: bool) -> impl IntoView {
    let d = super::detail_text::current();
    let t = super::account_text::current();
    let text = codes.join("\n");
    let href = format!(
        "data:text/plain;charset=utf-8,{}",
        crate::model::encode_query_value(&format!("{text}\n"))
    );
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let w = window();
        if w.is_secure_context() {
            let _ = w.navigator().clipboard().write_text(&text);
        }
        copied.set(true);
    };
    view! {
        <div class="form">
            {enabled.then(|| view! { <p role="status"><strong>{t.two_factor_enabled}</strong></p> })}
            <h3>{t.recovery_codes}</h3>
            <p class="muted">{t.recovery_lead}</p>
            <ul class="recovery-codes mono" aria-label=t.recovery_codes>
                {codes.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}
            </ul>
            <div class="modal-actions">
                <button type="button" class="button" on:click=copy>
                    {move || if copied.get() { d.copied } else { d.copy }}
                </button>
                <a class="button" href=href download="roster-recovery-codes.txt">{t.download}</a>
                <button type="button" class="button primary" on:click=move |_| close.run(())>{t.done}</button>
            </div>
        </div>
    }
}

/// New recovery codes, or turning two-factor off: both need a current code or the password.
#[component]
fn Proof(s: &'static Strings, close: Callback<()>, disable: bool) -> impl IntoView {
    let t = super::account_text::current();
    let proof = RwSignal::new(String::new());
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let codes = RwSignal::new(None::<Vec<String>>);
    let toaster = use_toaster();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        err.set(None);
        let p = proof.get_untracked();
        spawn_local(async move {
            if disable {
                match disable_two_factor(p).await {
                    Ok(()) => {
                        toaster.success(t.t_two_factor_off.to_string());
                        close.run(());
                    }
                    Err(e) => err.set(Some(e)),
                }
            } else {
                match regenerate_recovery_codes(p).await {
                    Ok(c) => codes.set(Some(c)),
                    Err(e) => err.set(Some(e)),
                }
            }
            busy.set(false);
        });
    };
    view! {
        <form class="form" on:submit=submit novalidate=true hidden=move || codes.with(Option::is_some)>
            <div class="field">
                <label for="two-factor-proof">{t.code_or_password}</label>
                <input
                    id="two-factor-proof"
                    type="password"
                    autocomplete="off"
                    prop:value=move || proof.get()
                    on:input=move |ev| proof.set(event_target_value(&ev))
                    aria-describedby="proof-error"
                />
                {field_error(err, "proof")}
            </div>
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| close.run(())>{s.cancel}</button>
                <button type="submit" class=if disable { "button danger" } else { "button primary" } disabled=move || busy.get()>
                    {if disable { t.disable_two_factor } else { t.regenerate_codes }}
                </button>
            </div>
        </form>
        {move || codes.get().map(|c| view! { <RecoveryCodes codes=c close=close enabled=false /> })}
    }
}
