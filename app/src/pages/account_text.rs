//! The account page's own text (profile, password, sessions, two-factor), in English and
//! French. It lives with the page, so it loads with the page's code, not with the first one.
use crate::model::{Language, Viewer};
use leptos::prelude::*;

/// The table's fields, and `entries` listing them (for the test that finds untranslated text;
/// never called in the browser, so it costs the wasm nothing).
macro_rules! account_table {
    ($($name:ident),* $(,)?) => {
        pub struct AccountText {
            $(pub $name: &'static str,)*
        }

        impl AccountText {
            /// Every (field, text) of the table.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name)),*]
            }
        }
    };
}

account_table! {
    required_password,
    required_two_factor,
    change_email,
    new_email,
    email_change_lead,
    email_change_sent,
    regenerate_codes,
    disable_two_factor,
    recovery_codes,
    recent_sign_ins,
    enable_two_factor,
    change_password,
    verification_code,
    two_factor_on,
    two_factor_on_one,
    two_factor_off,
    two_factor_enabled,
    this_device,
    theme_system,
    theme_light,
    theme_dark,
    theme,
    t_two_factor_off,
    sign_out_others,
    sign_in_ok,
    sign_in_failed,
    secret_key,
    scan_lead,
    revoke_this,
    result,
    recovery_lead,
    qr_code,
    password_hint,
    password_changed,
    no_sign_ins,
    new_password,
    my_sessions,
    language,
    download,
    done,
    current_password,
    confirm_new_password,
    complete_setup,
    code_or_password,
    account_lead,
}

pub const EN: AccountText = AccountText {
    required_password: "An administrator set a temporary password for you: choose your own below before anything else.",
    required_two_factor: "A project you administer requires two-factor authentication: set it up below before anything else.",
    change_email: "Change email",
    new_email: "New email",
    email_change_lead: "Your address changes only when you follow the link we send to the new one (within 24 hours).",
    email_change_sent: "If no other account uses {email}, a link is on its way there. Your address changes when you follow it.",
    regenerate_codes: "Regenerate recovery codes",
    disable_two_factor: "Turn off two-factor authentication",
    recovery_codes: "Recovery codes",
    recent_sign_ins: "My recent sign-ins",
    enable_two_factor: "Enable two-factor authentication",
    change_password: "Change password",
    verification_code: "Verification code",
    two_factor_on: "On. {n} recovery codes left.",
    two_factor_on_one: "On. {n} recovery code left.",
    two_factor_off: "Off. Turn it on to need a code from an authenticator app at every sign-in.",
    two_factor_enabled: "Two-factor authentication enabled",
    this_device: "This device",
    theme_system: "System",
    theme_light: "Light",
    theme_dark: "Dark",
    theme: "Theme",
    t_two_factor_off: "Two-factor authentication is off.",
    sign_out_others: "Sign out all other sessions",
    sign_in_ok: "Signed in",
    sign_in_failed: "Failed attempt",
    secret_key: "Secret key",
    scan_lead: "Scan the QR code with an authenticator app, or type the secret key into it. Then enter the 6-digit code the app shows.",
    revoke_this: "Revoke {what}",
    result: "Result",
    recovery_lead: "Keep these codes somewhere safe: each one signs you in once if you lose your phone. They are shown only now.",
    qr_code: "QR code",
    password_hint: "At least 10 characters, not your email address and not a common password.",
    password_changed: "Your password was changed. Your other sessions were signed out.",
    no_sign_ins: "No sign-ins yet.",
    new_password: "New password",
    my_sessions: "My sessions",
    language: "Language",
    download: "Download",
    done: "Done",
    current_password: "Current password",
    confirm_new_password: "Confirm new password",
    complete_setup: "Complete setup",
    code_or_password: "Current code or password",
    account_lead: "Your profile, password, two-factor authentication and sessions.",
};

pub const FR: AccountText = AccountText {
    required_password: "Un administrateur vous a donné un mot de passe temporaire : choisissez le vôtre ci-dessous avant toute chose.",
    required_two_factor: "Un projet que vous administrez exige la double authentification : configurez-la ci-dessous avant toute chose.",
    change_email: "Changer d'adresse e-mail",
    new_email: "Nouvelle adresse e-mail",
    email_change_lead: "Votre adresse ne change que lorsque vous suivez le lien envoyé à la nouvelle (dans les 24 heures).",
    email_change_sent: "Si aucun autre compte n'utilise {email}, un lien y est envoyé. Votre adresse changera lorsque vous le suivrez.",
    regenerate_codes: "Régénérer les codes de récupération",
    disable_two_factor: "Désactiver la double authentification",
    recovery_codes: "Codes de récupération",
    recent_sign_ins: "Mes connexions récentes",
    enable_two_factor: "Activer la double authentification",
    change_password: "Changer le mot de passe",
    verification_code: "Code de vérification",
    two_factor_on: "Activée. Il reste {n} codes de récupération.",
    two_factor_on_one: "Activée. Il reste {n} code de récupération.",
    two_factor_off: "Désactivée. Activez-la pour demander un code d'une application d'authentification à chaque connexion.",
    two_factor_enabled: "Double authentification activée",
    this_device: "Cet appareil",
    theme_system: "Système",
    theme_light: "Clair",
    theme_dark: "Sombre",
    theme: "Thème",
    t_two_factor_off: "La double authentification est désactivée.",
    sign_out_others: "Fermer toutes les autres sessions",
    sign_in_ok: "Connexion réussie",
    sign_in_failed: "Tentative échouée",
    secret_key: "Clé secrète",
    scan_lead: "Scannez le code QR avec une application d'authentification, ou saisissez-y la clé secrète. Puis entrez le code à 6 chiffres qu'elle affiche.",
    revoke_this: "Révoquer {what}",
    result: "Résultat",
    recovery_lead: "Gardez ces codes en lieu sûr : chacun permet une connexion si vous perdez votre téléphone. Ils ne sont affichés que maintenant.",
    qr_code: "Code QR",
    password_hint: "Au moins 10 caractères, ni votre adresse e-mail ni un mot de passe courant.",
    password_changed: "Votre mot de passe a été modifié. Vos autres sessions ont été fermées.",
    no_sign_ins: "Aucune connexion pour l'instant.",
    new_password: "Nouveau mot de passe",
    my_sessions: "Mes sessions",
    language: "Langue",
    download: "Télécharger",
    done: "Terminé",
    current_password: "Mot de passe actuel",
    confirm_new_password: "Confirmer le nouveau mot de passe",
    complete_setup: "Terminer la configuration",
    code_or_password: "Code actuel ou mot de passe",
    account_lead: "Votre profil, mot de passe, double authentification et sessions.",
};

/// The text in the signed-in person's language.
pub fn current() -> &'static AccountText {
    match use_context::<Viewer>()
        .map(|v| v.language)
        .unwrap_or_default()
    {
        Language::En => &EN,
        Language::Fr => &FR,
    }
}
