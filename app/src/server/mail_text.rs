//! What Roster's mails say, in English and French. Each mail is written in its recipient's
//! language (the one on their account) and names the project when one is involved. Server
//! only: none of this reaches the browser's wasm.
use crate::model::{AppError, Language, INVITATION_DAYS, VERIFICATION_HOURS};
use sqlx::{Any, Transaction};

/// One mail, ready for the outbox.
pub struct Mail {
    pub subject: String,
    pub body: String,
}

pub enum Kind<'a> {
    /// An administrator of `project` sent a reset link.
    ResetByAdmin { project: &'a str, link: &'a str },
    /// `inviter` invites the person to `project`; `message` is their optional note.
    Invitation {
        project: &'a str,
        inviter: &'a str,
        link: &'a str,
        message: &'a str,
    },
    /// Confirms the address someone signed up to `project` with (or an administrator asked to
    /// have verified).
    VerifyEmail { project: &'a str, link: &'a str },
    /// Confirms a new address for the account (the change happens when the link is followed).
    ConfirmNewEmail { link: &'a str },
    /// Someone tried to sign up to `project` with an address that already has an account.
    SignupExisting {
        project: &'a str,
        login: &'a str,
        forgot: &'a str,
    },
    /// A sign-in from a browser and device not seen on the account for 90 days.
    NewSignIn {
        when: &'a str,
        device: &'a str,
        ip: &'a str,
        link: &'a str,
    },
    /// The person asked for a reset link ("Forgot password?").
    ResetRequested { link: &'a str },
    /// The password was just changed with a reset link.
    PasswordChanged,
    /// The person changed their password from their account page.
    PasswordChangedByOwner,
    /// Told to the old address: the account's email changed from `old` to `new`, by `by`.
    EmailChanged {
        old: &'a str,
        new: &'a str,
        by: &'a str,
    },
}

pub fn render(lang: Language, kind: Kind<'_>) -> Mail {
    let (subject, body) = match (lang, kind) {
        (Language::En, Kind::ResetByAdmin { project, link }) => (
            "Reset your Roster password".to_string(),
            format!(
                "Hello,\n\nAn administrator of the project “{project}” asked Roster to let you choose a new password. Open this link within an hour to choose it:\n\n{link}\n\nIf you did not expect this, you can ignore this message; your password stays the same.\n"
            ),
        ),
        (Language::Fr, Kind::ResetByAdmin { project, link }) => (
            "Réinitialisez votre mot de passe Roster".to_string(),
            format!(
                "Bonjour,\n\nUn administrateur du projet « {project} » a demandé à Roster de vous laisser choisir un nouveau mot de passe. Ouvrez ce lien dans l'heure pour le choisir :\n\n{link}\n\nSi vous ne vous y attendiez pas, ignorez ce message ; votre mot de passe reste le même.\n"
            ),
        ),
        (Language::En, Kind::Invitation { project, inviter, link, message }) => (
            format!("You are invited to {project} on Roster"),
            format!(
                "Hello,\n\n{inviter} invites you to join the project “{project}” on Roster.{}\n\nOpen this link within {INVITATION_DAYS} days to accept:\n\n{link}\n\nIf you already have a Roster account, you accept by signing in with it. If you did not expect this invitation, you can ignore this message.\n",
                quoted(message, "Their message:")
            ),
        ),
        (Language::Fr, Kind::Invitation { project, inviter, link, message }) => (
            format!("Vous êtes invité à {project} sur Roster"),
            format!(
                "Bonjour,\n\n{inviter} vous invite à rejoindre le projet « {project} » sur Roster.{}\n\nOuvrez ce lien dans les {INVITATION_DAYS} jours pour accepter :\n\n{link}\n\nSi vous avez déjà un compte Roster, vous acceptez en vous y connectant. Si vous ne vous attendiez pas à cette invitation, ignorez ce message.\n",
                quoted(message, "Son message :")
            ),
        ),
        (Language::En, Kind::VerifyEmail { project, link }) => (
            "Confirm your email address for Roster".to_string(),
            format!(
                "Hello,\n\nPlease confirm that this address is yours to finish joining the project “{project}” on Roster. Open this link within {VERIFICATION_HOURS} hours:\n\n{link}\n\nIf you did not sign up, you can ignore this message; nothing happens without the link.\n"
            ),
        ),
        (Language::Fr, Kind::VerifyEmail { project, link }) => (
            "Confirmez votre adresse e-mail pour Roster".to_string(),
            format!(
                "Bonjour,\n\nConfirmez que cette adresse est bien la vôtre pour rejoindre le projet « {project} » sur Roster. Ouvrez ce lien dans les {VERIFICATION_HOURS} heures :\n\n{link}\n\nSi vous ne vous êtes pas inscrit, ignorez ce message ; rien ne se passe sans le lien.\n"
            ),
        ),
        (Language::En, Kind::ConfirmNewEmail { link }) => (
            "Confirm your new email address for Roster".to_string(),
            format!(
                "Hello,\n\nSomeone, hopefully you, asked to move a Roster account to this address. Open this link within {VERIFICATION_HOURS} hours to confirm; nothing changes until you do:\n\n{link}\n\nIf you did not ask for this, you can ignore this message.\n"
            ),
        ),
        (Language::Fr, Kind::ConfirmNewEmail { link }) => (
            "Confirmez votre nouvelle adresse e-mail pour Roster".to_string(),
            format!(
                "Bonjour,\n\nQuelqu'un, vous sans doute, a demandé à déplacer un compte Roster vers cette adresse. Ouvrez ce lien dans les {VERIFICATION_HOURS} heures pour confirmer ; rien ne change avant :\n\n{link}\n\nSi vous n'avez rien demandé, ignorez ce message.\n"
            ),
        ),
        (Language::En, Kind::SignupExisting { project, login, forgot }) => (
            "Someone tried to sign up with your address".to_string(),
            format!(
                "Hello,\n\nSomeone, perhaps you, tried to sign up to the project “{project}” on Roster with this address. It already has an account, so nothing was created.\n\nIf it was you, sign in instead:\n\n{login}\n\nForgot your password? Choose a new one here:\n\n{forgot}\n\nIf it was not you, you can ignore this message.\n"
            ),
        ),
        (Language::Fr, Kind::SignupExisting { project, login, forgot }) => (
            "Quelqu'un a tenté de s'inscrire avec votre adresse".to_string(),
            format!(
                "Bonjour,\n\nQuelqu'un, peut-être vous, a tenté de s'inscrire au projet « {project} » sur Roster avec cette adresse. Elle a déjà un compte : rien n'a été créé.\n\nSi c'était vous, connectez-vous plutôt :\n\n{login}\n\nMot de passe oublié ? Choisissez-en un nouveau ici :\n\n{forgot}\n\nSi ce n'était pas vous, ignorez ce message.\n"
            ),
        ),
        (Language::En, Kind::NewSignIn { when, device, ip, link }) => (
            "New sign-in to your Roster account".to_string(),
            format!(
                "Hello,\n\nYour Roster account was just signed in to from a browser it has not used recently:\n\nWhen: {when}\nDevice: {device}\nIP address: {ip}\n\nIf this was you, there is nothing to do. If not, change your password and sign out the sessions you do not know:\n\n{link}\n"
            ),
        ),
        (Language::Fr, Kind::NewSignIn { when, device, ip, link }) => (
            "Nouvelle connexion à votre compte Roster".to_string(),
            format!(
                "Bonjour,\n\nVotre compte Roster vient d'être utilisé depuis un navigateur qu'il n'avait pas utilisé récemment :\n\nQuand : {when}\nAppareil : {device}\nAdresse IP : {ip}\n\nSi c'était vous, il n'y a rien à faire. Sinon, changez votre mot de passe et fermez les sessions que vous ne reconnaissez pas :\n\n{link}\n"
            ),
        ),
        (Language::En, Kind::ResetRequested { link }) => (
            "Reset your Roster password".to_string(),
            format!(
                "Hello,\n\nSomeone, hopefully you, asked Roster for a new password for this account. Open this link within an hour to choose it:\n\n{link}\n\nIf you did not ask for this, you can ignore this message; your password stays the same.\n"
            ),
        ),
        (Language::Fr, Kind::ResetRequested { link }) => (
            "Réinitialisez votre mot de passe Roster".to_string(),
            format!(
                "Bonjour,\n\nQuelqu'un, vous sans doute, a demandé à Roster un nouveau mot de passe pour ce compte. Ouvrez ce lien dans l'heure pour le choisir :\n\n{link}\n\nSi vous n'avez rien demandé, ignorez ce message ; votre mot de passe reste le même.\n"
            ),
        ),
        (Language::En, Kind::PasswordChanged) => (
            "Your Roster password was changed".to_string(),
            "Hello,\n\nThe password of your Roster account was just changed with a reset link, and every session of the account was signed out.\n\nIf this was not you, ask an administrator of your project to reset your access at once.\n".to_string(),
        ),
        (Language::Fr, Kind::PasswordChanged) => (
            "Votre mot de passe Roster a été modifié".to_string(),
            "Bonjour,\n\nLe mot de passe de votre compte Roster vient d'être modifié avec un lien de réinitialisation, et toutes les sessions du compte ont été fermées.\n\nSi ce n'était pas vous, demandez sans attendre à un administrateur de votre projet de réinitialiser votre accès.\n".to_string(),
        ),
        (Language::En, Kind::PasswordChangedByOwner) => (
            "Your Roster password was changed".to_string(),
            "Hello,\n\nThe password of your Roster account was just changed from its account page, and every other session of the account was signed out.\n\nIf this was not you, use \"Forgot password?\" on the sign-in page at once, or ask an administrator of your project to reset your access.\n".to_string(),
        ),
        (Language::Fr, Kind::PasswordChangedByOwner) => (
            "Votre mot de passe Roster a été modifié".to_string(),
            "Bonjour,\n\nLe mot de passe de votre compte Roster vient d'être modifié depuis la page du compte, et toutes les autres sessions du compte ont été fermées.\n\nSi ce n'était pas vous, utilisez sans attendre « Mot de passe oublié ? » sur la page de connexion, ou demandez à un administrateur de votre projet de réinitialiser votre accès.\n".to_string(),
        ),
        (Language::En, Kind::EmailChanged { old, new, by }) => (
            "Your Roster email address was changed".to_string(),
            format!(
                "Hello,\n\nThe email address of your Roster account was changed from {old} to {new} by {by}. Mail for the account now goes to the new address, and you were signed out everywhere.\n\nIf you did not expect this, contact your administrator at once.\n"
            ),
        ),
        (Language::Fr, Kind::EmailChanged { old, new, by }) => (
            "Votre adresse e-mail Roster a été modifiée".to_string(),
            format!(
                "Bonjour,\n\nL'adresse e-mail de votre compte Roster est passée de {old} à {new}, modifiée par {by}. Les messages du compte vont désormais à la nouvelle adresse, et toutes vos sessions ont été fermées.\n\nSi vous ne vous y attendiez pas, contactez immédiatement votre administrateur.\n"
            ),
        ),
    };
    Mail { subject, body }
}

/// An inviter's note as a quoted paragraph after `lead` (nothing when there is none).
fn quoted(message: &str, lead: &str) -> String {
    if message.trim().is_empty() {
        return String::new();
    }
    let lines: Vec<String> = message.lines().map(|l| format!("> {l}")).collect();
    format!("\n\n{lead}\n{}", lines.join("\n"))
}

/// The language of a user's account (English when unknown).
pub async fn language_of(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
) -> Result<Language, AppError> {
    let lang: Option<String> = sqlx::query_scalar("SELECT language FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(lang.map(|l| Language::parse(&l)).unwrap_or_default())
}

/// Renders `kind` in `user_id`'s language and queues it to `to`; answers the outbox id.
pub async fn queue_for(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    to: &str,
    kind: Kind<'_>,
) -> Result<i64, AppError> {
    let mail = render(language_of(tx, user_id).await?, kind);
    super::mail::queue(tx, to, &mail.subject, &mail.body).await
}
