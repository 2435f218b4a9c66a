//! Error messages in the reader's language. Services write their messages in English, where
//! they are decided; on the way out (server functions and the REST API) an error for a
//! French-speaking person is put into French here, from a catalogue of the English templates.
//! A test reads the services' sources and fails on any message the catalogue misses.
use crate::model::{AppError, Language};

/// English message templates and their French, `{}` standing for a value kept as it is.
const MESSAGES: &[(&str, &str)] = &[
    ("A user with this email already exists.", "Un utilisateur avec cette adresse e-mail existe déjà."),
    ("Agree to the terms to continue.", "Acceptez les conditions pour continuer."),
    ("Another account uses that address now, so yours stays as it was.", "Un autre compte utilise maintenant cette adresse : la vôtre reste inchangée."),
    ("Change your own password on your account page.", "Changez votre propre mot de passe depuis la page de votre compte."),
    ("Choose a new password on your account page first.", "Choisissez d'abord un nouveau mot de passe sur la page de votre compte."),
    ("Choose a password different from the current one.", "Choisissez un mot de passe différent de l'actuel."),
    ("Choose at most {} groups.", "Choisissez au plus {} groupes."),
    ("Choose one of the project's roles.", "Choisissez l'un des rôles du projet."),
    ("Choose your name and password to accept this invitation.", "Choisissez votre nom et votre mot de passe pour accepter cette invitation."),
    ("Don't use your email address as your password.", "N'utilisez pas votre adresse e-mail comme mot de passe."),
    ("Email is required.", "L'adresse e-mail est obligatoire."),
    ("Enter a phone number: digits, spaces, + - ( ) and dots only, like +1 555 0100.", "Saisissez un numéro de téléphone : chiffres, espaces, + - ( ) et points uniquement, comme +33 1 23 45 67 89."),
    ("Enter a valid email address, like name@example.com.", "Saisissez une adresse e-mail valide, comme nom@exemple.com."),
    ("Enter an http:// or https:// address.", "Saisissez une adresse http:// ou https://."),
    ("Enter your first name.", "Saisissez votre prénom."),
    ("Enter your last name.", "Saisissez votre nom."),
    ("Incorrect password.", "Mot de passe incorrect."),
    ("Keep the message under {} characters.", "Le message doit faire moins de {} caractères."),
    ("Keep the reason under {} characters.", "Le motif doit faire moins de {} caractères."),
    ("Metadata is limited to {} KiB.", "Les métadonnées sont limitées à {} Kio."),
    ("Metadata is not valid JSON: {}.", "Les métadonnées ne sont pas du JSON valide : {}."),
    ("Metadata must be a JSON object, like {}.", "Les métadonnées doivent être un objet JSON, comme {}."),
    ("Not a member of this project.", "Pas membre de ce projet."),
    ("Only a superadmin can change a superadmin.", "Seul un superadministrateur peut modifier un superadministrateur."),
    ("Only an owner can change an owner.", "Seul un propriétaire peut modifier un propriétaire."),
    ("Only deactivated users can be deleted. Deactivate them first.", "Seuls les utilisateurs désactivés peuvent être supprimés. Désactivez-les d'abord."),
    ("Passwords are at most {} bytes.", "Un mot de passe fait au plus {} octets."),
    ("Select at least one user.", "Sélectionnez au moins un utilisateur."),
    ("Select at most {} users at a time.", "Sélectionnez au plus {} utilisateurs à la fois."),
    ("Set up two-factor authentication on your account page first: your project requires it of administrators.", "Configurez d'abord la double authentification sur la page de votre compte : votre projet l'exige des administrateurs."),
    ("Start the setup again: it was finished or replaced.", "Recommencez la configuration : elle a été terminée ou remplacée."),
    ("That already exists.", "Cela existe déjà."),
    ("That code is not right. Try the newest code from your app.", "Ce code n'est pas le bon. Essayez le code le plus récent de votre application."),
    ("That is already your address.", "C'est déjà votre adresse."),
    ("That is neither a current code nor your password.", "Ce n'est ni un code valide ni votre mot de passe."),
    ("The request was malformed: {}", "La requête est mal formée : {}"),
    ("There is no group \"{}\" in this project.", "Il n'y a pas de groupe « {} » dans ce projet."),
    ("There is no role \"{}\" in this project.", "Il n'y a pas de rôle « {} » dans ce projet."),
    ("This account uses two-factor authentication. Sign in first, then open this invitation link again.", "Ce compte utilise la double authentification. Connectez-vous d'abord, puis rouvrez ce lien d'invitation."),
    ("This address already has a Roster account: sign in with its password to accept.", "Cette adresse a déjà un compte Roster : connectez-vous avec son mot de passe pour accepter."),
    ("This email address can't be used for this account.", "Cette adresse e-mail ne peut pas être utilisée pour ce compte."),
    ("This invitation is no longer valid.", "Cette invitation n'est plus valable."),
    ("This password is too common: it is one of the most used passwords or words. Choose something less predictable, such as a few unrelated words.", "Ce mot de passe est trop courant : c'est l'un des mots ou mots de passe les plus utilisés. Choisissez quelque chose de moins prévisible, comme quelques mots sans rapport entre eux."),
    ("This person is already a member of this project.", "Cette personne est déjà membre de ce projet."),
    ("This person is already invited to this project. Resend their invitation from the users list.", "Cette personne est déjà invitée dans ce projet. Renvoyez son invitation depuis la liste des utilisateurs."),
    ("This person was just invited or added to this project.", "Cette personne vient d'être invitée ou ajoutée à ce projet."),
    ("This project does not accept sign-ups.", "Ce projet n'accepte pas les inscriptions."),
    ("This reset link is invalid, used or expired. Ask an administrator for a new one.", "Ce lien de réinitialisation est invalide, déjà utilisé ou expiré. Demandez-en un nouveau à un administrateur."),
    ("This sign-in has expired. Sign in again with your password.", "Cette connexion a expiré. Reconnectez-vous avec votre mot de passe."),
    ("This user is the last owner of a project. Make someone else an owner first.", "Cet utilisateur est le dernier propriétaire d'un projet. Nommez d'abord un autre propriétaire."),
    ("This verification link is invalid, used or expired. Sign up again, or ask an administrator for a new link.", "Ce lien de vérification est invalide, déjà utilisé ou expiré. Inscrivez-vous à nouveau, ou demandez un nouveau lien à un administrateur."),
    ("Two-factor authentication is already on.", "La double authentification est déjà activée."),
    ("Two-factor authentication is not on.", "La double authentification n'est pas activée."),
    ("Type the user's email exactly to confirm.", "Saisissez exactement l'adresse e-mail de l'utilisateur pour confirmer."),
    ("Unknown status \"{}\".", "Statut inconnu « {} »."),
    ("Use at least 10 characters.", "Au moins 10 caractères."),
    ("Use at most 256 characters.", "Au plus 256 caractères."),
    ("Use at most {} characters, without control characters.", "Au plus {} caractères, sans caractères de contrôle."),
    ("You can't deactivate or delete your own account.", "Vous ne pouvez pas désactiver ni supprimer votre propre compte."),
    ("You can't grant permissions you don't have: {}.", "Vous ne pouvez pas accorder des permissions que vous n'avez pas : {}."),
    ("You can't remove yourself from a project.", "Vous ne pouvez pas vous retirer vous-même d'un projet."),
    ("Your current password is not correct.", "Votre mot de passe actuel n'est pas correct."),
    ("The two passwords are not the same.", "Les deux mots de passe ne sont pas identiques."),
    ("{} holds permissions you don't have (here or in another of their projects), so only someone who holds all of them can change their email or send them a reset link.", "{} détient des permissions que vous n'avez pas (ici ou dans un autre de ses projets) : seule une personne qui les détient toutes peut changer son adresse e-mail ou lui envoyer un lien de réinitialisation."),
    ("Enter a name.", "Saisissez un nom."),
    ("Keep the description under {} characters.", "La description doit faire moins de {} caractères."),
    ("Choose at most {} permissions.", "Choisissez au plus {} permissions."),
    ("\"{}\" is not a permission: write resource:action in lowercase, like billing:refund.", "« {} » n'est pas une permission : écrivez ressource:action en minuscules, comme billing:refund."),
    ("The owner role can't be changed: it always holds every permission.", "Le rôle propriétaire ne peut pas être modifié : il détient toujours toutes les permissions."),
    ("Built-in roles keep their name.", "Les rôles intégrés gardent leur nom."),
    ("Built-in roles can't be deleted.", "Les rôles intégrés ne peuvent pas être supprimés."),
    ("This role has members: choose the role they move to.", "Ce rôle a des membres : choisissez le rôle vers lequel ils passent."),
    ("There is already a role named \"{}\".", "Il existe déjà un rôle nommé « {} »."),
    ("There is already a group named \"{}\".", "Il existe déjà un groupe nommé « {} »."),
    ("There is already a project \"{}\".", "Il existe déjà un projet « {} »."),
    ("Use 2 to {} lowercase letters, digits and hyphens, like acme-eu.", "Utilisez 2 à {} lettres minuscules, chiffres et tirets, comme acme-eu."),
    ("Type the project's slug to confirm.", "Saisissez l'identifiant du projet pour confirmer."),
    ("The file is empty. Download the template to see what an import file holds.", "Le fichier est vide. Téléchargez le modèle pour voir ce que contient un fichier d'import."),
    ("This is not a CSV file. Upload a text file with one person per line, like the template.", "Ce n'est pas un fichier CSV. Envoyez un fichier texte avec une personne par ligne, comme le modèle."),
    ("The file is not UTF-8 text. Save it as \"CSV UTF-8\" and upload it again.", "Le fichier n'est pas du texte UTF-8. Enregistrez-le au format « CSV UTF-8 » et envoyez-le à nouveau."),
    ("The header can't be read: {}.", "L'en-tête est illisible : {}."),
    ("The file can't be read: {}.", "Le fichier est illisible : {}."),
    ("The file has more than {} rows. Split it into smaller files.", "Le fichier a plus de {} lignes. Découpez-le en fichiers plus petits."),
    ("The file has a header but no rows. Add one person per line under the header.", "Le fichier a un en-tête mais aucune ligne. Ajoutez une personne par ligne sous l'en-tête."),
    ("The first line must be the header: {}.", "La première ligne doit être l'en-tête : {}."),
    ("The column \"{}\" is not one Roster reads. Use the template's header: {}.", "Roster ne lit pas la colonne « {} ». Utilisez l'en-tête du modèle : {}."),
    ("The column \"{}\" appears twice in the header.", "La colonne « {} » apparaît deux fois dans l'en-tête."),
    ("The header has no \"email\" column. Use the template's header: {}.", "L'en-tête n'a pas de colonne « email ». Utilisez l'en-tête du modèle : {}."),
    ("Choose a CSV file to upload.", "Choisissez un fichier CSV à envoyer."),
    ("The upload was cut short. Try again.", "L'envoi a été interrompu. Réessayez."),
    ("This import was already confirmed or discarded.", "Cet import a déjà été confirmé ou abandonné."),
    ("{} already has this role.", "{} a déjà ce rôle."),
    ("{} also belongs to a project you don't manage, so only an administrator of all their projects can do this.", "{} appartient aussi à un projet que vous ne gérez pas : seul un administrateur de tous ses projets peut faire cela."),
    ("{} has already accepted their invitation.", "{} a déjà accepté son invitation."),
    ("{} has no two-factor authentication to reset.", "{} n'a pas de double authentification à réinitialiser."),
    ("{} has not accepted their invitation yet: resend the invitation instead.", "{} n'a pas encore accepté son invitation : renvoyez plutôt l'invitation."),
    ("{} is already in this group.", "{} est déjà dans ce groupe."),
    ("{} is not active, so they can't reset a password.", "{} n'est pas actif et ne peut donc pas réinitialiser de mot de passe."),
    ("{} is not active, so they can't sign in with a password.", "{} n'est pas actif et ne peut donc pas se connecter avec un mot de passe."),
    ("{} is not active.", "{} n'est pas actif."),
    ("{} is not deactivated.", "{} n'est pas désactivé."),
];

/// What `AppError::NotFound` names, in French (the message is "… est introuvable.").
const THINGS: &[(&str, &str)] = &[
    ("The user", "L'utilisateur"),
    ("The session", "La session"),
    ("The role", "Le rôle"),
    ("The group", "Le groupe"),
    ("The project", "Le projet"),
    ("The group member", "Le membre du groupe"),
    ("The import", "L'import"),
    ("The record", "L'enregistrement"),
    ("The project \"{}\"", "Le projet « {} »"),
    ("Role \"{}\"", "Le rôle « {} »"),
];

/// `e` as the reader should see it: unchanged in English; in French, with its message
/// translated and its status and field kept.
pub fn localize(e: AppError, lang: Language) -> AppError {
    if lang == Language::En || matches!(e, AppError::Translated { .. }) {
        return e;
    }
    let message = match &e {
        AppError::Unauthenticated => "Connectez-vous pour continuer.".to_string(),
        AppError::Forbidden => "Vous n'avez pas la permission de faire cela.".to_string(),
        AppError::NotFound(what) => format!(
            "{} est introuvable.",
            translate(THINGS, what).unwrap_or_else(|| what.clone())
        ),
        AppError::Validation { message, .. } | AppError::Conflict(message) => {
            translate(MESSAGES, message).unwrap_or_else(|| message.clone())
        }
        AppError::Locked { minutes } => format!(
            "Trop de tentatives échouées. Ce compte est temporairement verrouillé ; réessayez dans {minutes} minute(s)."
        ),
        AppError::InvalidCredentials => "Adresse e-mail ou mot de passe incorrect.".to_string(),
        AppError::TooManyRequests { minutes } => format!(
            "Trop de demandes depuis votre réseau. Réessayez dans {minutes} minute(s)."
        ),
        AppError::CrossSite => "Cette demande venait d'un autre site et a été refusée.".to_string(),
        AppError::Network(m) => format!("Impossible de joindre Roster : {m}"),
        AppError::Unavailable => {
            "Roster est momentanément indisponible. Rien n'a été modifié ; réessayez dans un instant."
                .to_string()
        }
        AppError::Internal => {
            "Une erreur s'est produite de notre côté. Veuillez réessayer.".to_string()
        }
        AppError::Translated { .. } => unreachable!("returned above"),
    };
    AppError::Translated {
        status: e.status(),
        field: e.field().map(str::to_string),
        message,
    }
}

/// `text` translated by the first template of `table` it matches, the values in place.
fn translate(table: &[(&str, &str)], text: &str) -> Option<String> {
    table.iter().find_map(|(en, fr)| {
        let values = matches(en, text)?;
        let mut out = String::new();
        let mut parts = fr.split("{}");
        out.push_str(parts.next().unwrap_or_default());
        for (part, value) in parts.zip(values) {
            out.push_str(value);
            out.push_str(part);
        }
        Some(out)
    })
}

/// The values `text` puts where `template` has `{}`, if it matches.
fn matches<'a>(template: &str, text: &'a str) -> Option<Vec<&'a str>> {
    let parts: Vec<&str> = template.split("{}").collect();
    let (first, rest) = parts.split_first()?;
    let mut at = text.strip_prefix(first)?;
    let mut values = Vec::new();
    for (i, part) in rest.iter().enumerate() {
        let end = if i + 1 == rest.len() {
            // The last literal part closes the text.
            at.strip_suffix(part).map(str::len)?
        } else if part.is_empty() {
            return None;
        } else {
            at.find(part)?
        };
        values.push(&at[..end]);
        at = &at[end + part.len()..];
    }
    at.is_empty().then_some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_with_their_values() {
        assert_eq!(
            matches("Incorrect password.", "Incorrect password."),
            Some(vec![])
        );
        assert_eq!(matches("Incorrect password.", "Incorrect password. "), None);
        assert_eq!(
            matches(
                "There is no role \"{}\" in this project.",
                "There is no role \"x\" in this project."
            ),
            Some(vec!["x"])
        );
        assert_eq!(
            matches("{} is not active.", "a@b.c is not active."),
            Some(vec!["a@b.c"])
        );
        assert_eq!(
            translate(MESSAGES, "Choose at most 20 groups.").as_deref(),
            Some("Choisissez au plus 20 groupes.")
        );
        assert_eq!(translate(MESSAGES, "Something new."), None);
    }

    #[test]
    fn every_kind_keeps_its_status_and_field() {
        let e = localize(
            AppError::validation("email", "Email is required."),
            Language::Fr,
        );
        assert_eq!(e.status(), 422);
        assert_eq!(e.field(), Some("email"));
        assert_eq!(e.to_string(), "L'adresse e-mail est obligatoire.");
        let e = localize(AppError::NotFound("The user".into()), Language::Fr);
        assert_eq!(
            (e.status(), e.to_string().as_str()),
            (404, "L'utilisateur est introuvable.")
        );
        let e = localize(AppError::Locked { minutes: 5 }, Language::Fr);
        assert_eq!(e.status(), 429);
        assert_eq!(
            localize(AppError::Forbidden, Language::En),
            AppError::Forbidden,
            "English is left as it is"
        );
    }

    /// Every message the services can send (each English sentence in an `AppError` built in
    /// the sources) has its French.
    #[test]
    fn every_message_in_the_sources_is_translated() {
        let files = crate::server::util::source_files();
        let markers = [
            "AppError::validation(",
            "AppError::Validation {",
            "AppError::Conflict(",
            "fn step_message(",
        ];
        let mut missing = Vec::new();
        let mut seen = 0;
        for file in files {
            if file.ends_with("error_text.rs") {
                continue;
            }
            let src = std::fs::read_to_string(&file).unwrap();
            for marker in markers {
                for (at, _) in src.match_indices(marker) {
                    let rest = &src[at..];
                    let stmt = &rest[..rest
                        .find("\n}")
                        .unwrap_or(rest.len())
                        .min(rest.find(';').unwrap_or(rest.len()))
                        .max(1)];
                    for literal in string_literals(stmt) {
                        if !(literal.ends_with('.') && literal.contains(' ')) {
                            continue;
                        }
                        seen += 1;
                        // Placeholders of format strings stand for values.
                        let sample = fill_placeholders(&literal);
                        if translate(MESSAGES, &sample).is_none() {
                            missing.push(format!("{}: {literal}", file.display()));
                        }
                    }
                }
            }
        }
        assert!(seen > 50, "the sources were read ({seen} messages)");
        assert!(
            missing.is_empty(),
            "untranslated messages:\n{}",
            missing.join("\n")
        );
    }

    fn string_literals(src: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut chars = src.chars();
        while let Some(c) = chars.next() {
            if c != '"' {
                continue;
            }
            let mut s = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        // A line continuation skips the next line's indentation.
                        Some('\n') => {
                            let rest: String = chars.clone().collect();
                            let skip = rest.len() - rest.trim_start().len();
                            for _ in 0..rest[..skip].chars().count() {
                                chars.next();
                            }
                        }
                        Some(n) => s.push(n),
                        None => {}
                    },
                    '"' => break,
                    c => s.push(c),
                }
            }
            out.push(s);
        }
        out
    }

    fn fill_placeholders(s: &str) -> String {
        let mut out = String::new();
        let mut depth = 0;
        for c in s.chars() {
            match c {
                '{' => {
                    if depth == 0 {
                        out.push('7');
                    }
                    depth += 1;
                }
                '}' if depth > 0 => depth -= 1,
                c if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out
    }
}
