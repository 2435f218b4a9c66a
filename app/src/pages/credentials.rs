//! The "Set temporary password" dialog of a user's detail page: the server generates the
//! password and it is shown here once, to hand over another way.
use super::user_actions::Actions;
use crate::api::set_temporary_password;
use crate::i18n::fill;
use crate::model::{AppError, Language, Viewer};
use leptos::prelude::*;
use leptos::task::spawn_local;

struct Text {
    lead: &'static str,
    done: &'static str,
    temporary_password: &'static str,
    set: &'static str,
}

const EN: Text = Text {
    lead: "Roster will make a password for {email}. Every session of theirs ends now, and at their next sign-in they must choose their own before anything else.",
    done: "Give this password to {email} another way than by this browser. It is shown only now.",
    temporary_password: "Temporary password",
    set: "Set temporary password",
};

const FR: Text = Text {
    lead: "Roster va créer un mot de passe pour {email}. Toutes ses sessions se ferment maintenant et, à sa prochaine connexion, il devra choisir le sien avant toute chose.",
    done: "Transmettez ce mot de passe à {email} autrement que par ce navigateur. Il n'est affiché que maintenant.",
    temporary_password: "Mot de passe temporaire",
    set: "Définir un mot de passe temporaire",
};

#[component]
pub fn TempPasswordDialog(actions: Actions, id: i64, email: String) -> impl IntoView {
    let s = actions.s;
    let t = match use_context::<Viewer>()
        .map(|v| v.language)
        .unwrap_or_default()
    {
        Language::En => &EN,
        Language::Fr => &FR,
    };
    let err = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let password = RwSignal::new(None::<String>);
    let changed = actions.changed;
    let set = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        err.set(None);
        let call = set_temporary_password(actions.slug.get_untracked(), id);
        spawn_local(async move {
            match call.await {
                Ok(p) => {
                    password.set(Some(p));
                    changed.run(());
                }
                Err(e) => err.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let dialog = actions.dialog;
    let (lead, done) = (
        fill(t.lead, &[("email", &email)]),
        fill(t.done, &[("email", &email)]),
    );
    view! {
        <div class="form">
            {move || match password.get() {
                None => view! {
                    <p>{lead.clone()}</p>
                    {move || err.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
                    <div class="modal-actions">
                        <button type="button" class="button" on:click=move |_| dialog.set(None)>{s.cancel}</button>
                        <button type="button" class="button primary" disabled=move || busy.get() on:click=set>{t.set}</button>
                    </div>
                }
                .into_any(),
                Some(p) => view! {
                    <p role="status">{done.clone()}</p>
                    <div class="field">
                        <label for="temporary-password">{t.temporary_password}</label>
                        <input id="temporary-password" class="mono" type="text" readonly=true value=p />
                    </div>
                    <div class="modal-actions">
                        <button type="button" class="button primary" on:click=move |_| dialog.set(None)>{s.close}</button>
                    </div>
                }
                .into_any(),
            }}
        </div>
    }
}
