//! English and French UI text. One struct per language so a missing translation is a compile
//! error, not a blank label.
use crate::model::Language;

/// A table of UI text: one `&'static str` field per text, `entries` listing them (for the
/// test that finds untranslated text; never called in the browser, so it costs the wasm
/// nothing) and `of`, the invoking module's `EN` or `FR` instance for a language. The console's
/// table is here; each lazy section has its own, so its text loads with its code.
macro_rules! text_table {
    ($table:ident { $($name:ident),* $(,)? }) => {
        pub struct $table {
            $(pub $name: &'static str,)*
        }

        impl $table {
            /// Every (field, text) of the table.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name)),*]
            }

            /// The table in `lang`.
            pub fn of(lang: $crate::model::Language) -> &'static $table {
                match lang {
                    $crate::model::Language::En => &EN,
                    $crate::model::Language::Fr => &FR,
                }
            }
        }
    };
}
pub(crate) use text_table;

text_table! {
    Strings {
        users,
        roles,
        groups,
        audit,
        projects,
        account,
        project,
        sign_in,
        sign_out,
        email,
        password,
        forgot_password,
        signing_in,
        sign_in_title,
        sign_in_lead,
        user_menu,
        shortcuts,
        close,
        loading,
        not_found,
        not_found_lead,
        users_lead,
        roles_lead,
        groups_lead,
        audit_lead,
        overview,
        overview_lead,
        projects_lead,
        main_nav,
        skip_to_content,
        signed_in_as,
        superadmin,
        retry,
        no_projects,
        search_users,
        status,
        role,
        group,
        all_statuses,
        any_sign_in,
        not_in_30_days,
        not_in_90_days,
        never_signed_in,
        go_to_roster,
        all_roles,
        all_groups,
        invited,
        active,
        inactive,
        clear_filters,
        apply,
        previous,
        next,
        rows_per_page,
        col_email,
        col_name,
        col_role,
        col_groups,
        col_status,
        col_last_sign_in,
        col_created,
        col_permissions,
        columns,
        permissions_word,
        never,
        no_users_yet,
        no_match,
        users_failed,
        code,
        users_word,
        user_word,
        page_word,
        of_word,
        actions_for,
        view,
        edit,
        deactivate,
        reactivate,
        delete,
        send_password_reset,
        revoke_sessions,
        resend_invitation,
        cancel_invitation,
        t_reset_sent,
        own_account,
        last_owner,
        edit_user,
        first_name,
        last_name,
        phone,
        metadata,
        save,
        saving,
        cancel,
        t_saved,
        deactivate_user,
        deactivate_lead,
        reason,
        t_deactivated,
        t_reactivated,
        t_deleted,
        t_sessions_revoked,
        t_session_revoked,
        delete_user,
        delete_lead,
        remove_from_project,
        remove_lead,
        t_removed,
        type_email_to_confirm,
        select_all,
        select_row,
        n_selected,
        one_selected,
        bulk_actions,
        deactivate_selected,
        reactivate_selected,
        new_role,
        change_role,
        group_to_add,
        add_to_group,
        clear_selection,
        bulk_changed_one,
        bulk_changed,
        bulk_refused_one,
        bulk_refused,
        bulk_result,
        refused,
        changed,
        no_groups,
        invite_user,
        import_users,
        import_lead,
        export_users,
        export_lead,
        export_selected,
        expired,
        resend_invitations,
        t_invitation_sent,
        set_temporary_password,
        t_two_factor_reset,
        t_verification_sent,
    }
}

pub const EN: Strings = Strings {
    users: "Users",
    roles: "Roles",
    groups: "Groups",
    audit: "Audit log",
    projects: "Projects",
    account: "Account",
    project: "Project",
    sign_in: "Sign in",
    go_to_roster: "Go to Roster",
    sign_out: "Sign out",
    email: "Email",
    password: "Password",
    forgot_password: "Forgot password?",
    signing_in: "Signing in…",
    sign_in_title: "Sign in to Roster",
    sign_in_lead: "Use the email and password of your account.",
    user_menu: "User menu",
    shortcuts: "Keyboard shortcuts",
    close: "Close",
    loading: "Loading…",
    not_found: "Page not found",
    not_found_lead: "There is nothing at this address.",
    users_lead: "Everyone who can sign in to this project.",
    roles_lead: "Named sets of permissions assigned to members.",
    groups_lead: "Teams whose members share permissions.",
    audit_lead: "Every change and sign-in attempt, newest first.",
    overview: "Overview",
    overview_lead: "This project's members and sign-ins at a glance.",
    projects_lead: "Isolated user directories you manage.",
    main_nav: "Main",
    skip_to_content: "Skip to content",
    signed_in_as: "Signed in as",
    superadmin: "Superadmin",
    retry: "Try again",
    no_projects: "No projects",
    search_users: "Search users",
    status: "Status",
    role: "Role",
    group: "Group",
    all_statuses: "All statuses",
    any_sign_in: "Any last sign-in",
    not_in_30_days: "No sign-in for 30 days",
    not_in_90_days: "No sign-in for 90 days",
    never_signed_in: "Never signed in",
    all_roles: "All roles",
    all_groups: "All groups",
    invited: "Invited",
    active: "Active",
    inactive: "Inactive",
    clear_filters: "Clear filters",
    apply: "Apply",
    previous: "Previous",
    next: "Next",
    rows_per_page: "Rows per page",
    col_email: "Email",
    col_name: "Name",
    col_role: "Role",
    col_groups: "Groups",
    col_status: "Status",
    col_last_sign_in: "Last sign-in",
    col_created: "Created",
    col_permissions: "Permissions",
    columns: "Columns",
    permissions_word: "permissions",
    never: "Never",
    no_users_yet: "No users yet — invite someone.",
    no_match: "No users match these filters.",
    users_failed: "The users could not be loaded:",
    code: "en",
    users_word: "users",
    user_word: "user",
    page_word: "Page",
    of_word: "of",
    actions_for: "Actions for {email}",
    view: "View",
    edit: "Edit",
    deactivate: "Deactivate",
    reactivate: "Reactivate",
    delete: "Delete",
    send_password_reset: "Send password reset",
    revoke_sessions: "Revoke sessions",
    resend_invitation: "Resend invitation",
    cancel_invitation: "Cancel invitation",
    t_reset_sent: "A password reset link was sent to {email}.",
    own_account: "You can't deactivate or delete your own account.",
    last_owner: "This is the last owner of a project: make someone else an owner first.",
    edit_user: "Edit user",
    first_name: "First name",
    last_name: "Last name",
    phone: "Phone",
    metadata: "Metadata (JSON object)",
    save: "Save",
    saving: "Saving…",
    cancel: "Cancel",
    t_saved: "Changes to {email} saved.",
    deactivate_user: "Deactivate user",
    deactivate_lead: "{email} will be signed out everywhere at once and won't be able to sign in. Their data is kept; you can reactivate them later.",
    reason: "Reason (optional)",
    t_deactivated: "{email} was deactivated.",
    t_reactivated: "{email} was reactivated.",
    t_deleted: "{email} was deleted.",
    t_sessions_revoked: "{n} sessions revoked.",
    t_session_revoked: "{n} session revoked.",
    delete_user: "Delete user",
    delete_lead: "This permanently deletes {email} and their memberships. It can't be undone; the audit trail stays.",
    remove_from_project: "Remove from project",
    remove_lead: "Remove {email} from this project? Their role and groups here end at once; their account and any other projects stay.",
    t_removed: "{email} was removed from the project.",
    type_email_to_confirm: "Type the user's email to confirm",
    select_all: "Select all on this page",
    select_row: "Select {email}",
    n_selected: "{n} selected",
    one_selected: "{n} selected",
    bulk_actions: "Bulk actions",
    deactivate_selected: "Deactivate selected",
    reactivate_selected: "Reactivate selected",
    new_role: "New role",
    change_role: "Change role",
    group_to_add: "Group to add",
    add_to_group: "Add to group",
    clear_selection: "Clear selection",
    bulk_changed_one: "{n} changed",
    bulk_changed: "{n} changed",
    bulk_refused_one: "{n} refused",
    bulk_refused: "{n} refused",
    bulk_result: "Result of the bulk action",
    refused: "Refused",
    changed: "Changed",
    no_groups: "No groups in this project yet.",
    invite_user: "Invite user",
    import_users: "Import users",
    import_lead: "Invite many people at once from a CSV file: check every row before anything is written.",
    export_users: "Export users",
    export_lead: "The project's users as a CSV or JSON Lines file.",
    export_selected: "Export selected",
    expired: "Expired",
    resend_invitations: "Resend invitations",
    t_invitation_sent: "Invitation sent to {email}.",
    set_temporary_password: "Set temporary password",
    t_two_factor_reset: "Two-factor authentication of {email} was reset.",
    t_verification_sent: "A verification link was sent to {email}.",
};

pub const FR: Strings = Strings {
    users: "Utilisateurs",
    roles: "Rôles",
    groups: "Groupes",
    audit: "Journal d'audit",
    projects: "Projets",
    account: "Compte",
    project: "Projet",
    sign_in: "Se connecter",
    go_to_roster: "Aller à Roster",
    sign_out: "Se déconnecter",
    email: "E-mail",
    password: "Mot de passe",
    forgot_password: "Mot de passe oublié ?",
    signing_in: "Connexion…",
    sign_in_title: "Connexion à Roster",
    sign_in_lead: "Utilisez l'e-mail et le mot de passe de votre compte.",
    user_menu: "Menu utilisateur",
    shortcuts: "Raccourcis clavier",
    close: "Fermer",
    loading: "Chargement…",
    not_found: "Page introuvable",
    not_found_lead: "Il n'y a rien à cette adresse.",
    users_lead: "Toutes les personnes qui peuvent se connecter à ce projet.",
    roles_lead: "Ensembles nommés de permissions attribués aux membres.",
    groups_lead: "Équipes dont les membres partagent des permissions.",
    audit_lead: "Chaque modification et tentative de connexion, les plus récentes d'abord.",
    overview: "Vue d'ensemble",
    overview_lead: "Les membres et les connexions de ce projet en un coup d'œil.",
    projects_lead: "Les annuaires d'utilisateurs isolés que vous gérez.",
    main_nav: "Principal",
    skip_to_content: "Aller au contenu",
    signed_in_as: "Connecté en tant que",
    superadmin: "Super-administrateur",
    retry: "Réessayer",
    no_projects: "Aucun projet",
    search_users: "Rechercher des utilisateurs",
    status: "Statut",
    role: "Rôle",
    group: "Groupe",
    all_statuses: "Tous les statuts",
    any_sign_in: "Toute dernière connexion",
    not_in_30_days: "Aucune connexion depuis 30 jours",
    not_in_90_days: "Aucune connexion depuis 90 jours",
    never_signed_in: "Jamais connecté",
    all_roles: "Tous les rôles",
    all_groups: "Tous les groupes",
    invited: "Invité",
    active: "Actif",
    inactive: "Inactif",
    clear_filters: "Effacer les filtres",
    apply: "Appliquer",
    previous: "Précédent",
    next: "Suivant",
    rows_per_page: "Lignes par page",
    col_email: "E-mail",
    col_name: "Nom",
    col_role: "Rôle",
    col_groups: "Groupes",
    col_status: "Statut",
    col_last_sign_in: "Dernière connexion",
    col_created: "Créé",
    col_permissions: "Permissions",
    columns: "Colonnes",
    permissions_word: "permissions",
    never: "Jamais",
    no_users_yet: "Aucun utilisateur pour l'instant — invitez quelqu'un.",
    no_match: "Aucun utilisateur ne correspond à ces filtres.",
    users_failed: "Impossible de charger les utilisateurs :",
    code: "fr",
    users_word: "utilisateurs",
    user_word: "utilisateur",
    page_word: "Page",
    of_word: "sur",
    actions_for: "Actions pour {email}",
    view: "Voir",
    edit: "Modifier",
    deactivate: "Désactiver",
    reactivate: "Réactiver",
    delete: "Supprimer",
    send_password_reset: "Envoyer une réinitialisation du mot de passe",
    revoke_sessions: "Révoquer les sessions",
    resend_invitation: "Renvoyer l'invitation",
    cancel_invitation: "Annuler l'invitation",
    t_reset_sent: "Un lien de réinitialisation du mot de passe a été envoyé à {email}.",
    own_account: "Vous ne pouvez pas désactiver ni supprimer votre propre compte.",
    last_owner: "C'est le dernier propriétaire d'un projet : nommez d'abord un autre propriétaire.",
    edit_user: "Modifier l'utilisateur",
    first_name: "Prénom",
    last_name: "Nom",
    phone: "Téléphone",
    metadata: "Métadonnées (objet JSON)",
    save: "Enregistrer",
    saving: "Enregistrement…",
    cancel: "Annuler",
    t_saved: "Modifications de {email} enregistrées.",
    deactivate_user: "Désactiver l'utilisateur",
    deactivate_lead: "{email} sera déconnecté partout immédiatement et ne pourra plus se connecter. Ses données sont conservées ; vous pourrez le réactiver.",
    reason: "Motif (facultatif)",
    t_deactivated: "{email} a été désactivé.",
    t_reactivated: "{email} a été réactivé.",
    t_deleted: "{email} a été supprimé.",
    t_sessions_revoked: "{n} sessions révoquées.",
    t_session_revoked: "{n} session révoquée.",
    delete_user: "Supprimer l'utilisateur",
    delete_lead: "Cela supprime définitivement {email} et ses adhésions. C'est irréversible ; le journal d'audit est conservé.",
    remove_from_project: "Retirer du projet",
    remove_lead: "Retirer {email} de ce projet ? Son rôle et ses groupes ici prennent fin aussitôt ; son compte et ses autres projets restent.",
    t_removed: "{email} a été retiré du projet.",
    type_email_to_confirm: "Saisissez l'e-mail de l'utilisateur pour confirmer",
    select_all: "Tout sélectionner sur cette page",
    select_row: "Sélectionner {email}",
    n_selected: "{n} sélectionnés",
    one_selected: "{n} sélectionné",
    bulk_actions: "Actions groupées",
    deactivate_selected: "Désactiver la sélection",
    reactivate_selected: "Réactiver la sélection",
    new_role: "Nouveau rôle",
    change_role: "Changer le rôle",
    group_to_add: "Groupe à ajouter",
    add_to_group: "Ajouter au groupe",
    clear_selection: "Effacer la sélection",
    bulk_changed_one: "{n} modifié",
    bulk_changed: "{n} modifiés",
    bulk_refused_one: "{n} refusé",
    bulk_refused: "{n} refusés",
    bulk_result: "Résultat de l'action groupée",
    refused: "Refusés",
    changed: "Modifiés",
    no_groups: "Aucun groupe dans ce projet.",
    invite_user: "Inviter un utilisateur",
    import_users: "Importer des utilisateurs",
    import_lead: "Invitez beaucoup de personnes à la fois depuis un fichier CSV : chaque ligne est vérifiée avant que rien ne soit écrit.",
    export_users: "Exporter des utilisateurs",
    export_lead: "Les utilisateurs du projet dans un fichier CSV ou JSON Lines.",
    export_selected: "Exporter la sélection",
    expired: "Expirée",
    resend_invitations: "Renvoyer les invitations",
    t_invitation_sent: "Invitation envoyée à {email}.",
    set_temporary_password: "Définir un mot de passe temporaire",
    t_two_factor_reset: "La double authentification de {email} a été réinitialisée.",
    t_verification_sent: "Un lien de vérification a été envoyé à {email}.",
};

pub fn strings(lang: Language) -> &'static Strings {
    Strings::of(lang)
}

impl Strings {
    pub fn language(&self) -> Language {
        Language::parse(self.code)
    }

    /// `n` grouped the language's way: 1,000,000 or 1 000 000.
    pub fn number(&self, n: u64) -> String {
        number(self.language(), n)
    }

    /// `one` or `other` by the language's plural rule for `n`, with `{n}` filled in (grouped).
    pub fn count(&self, n: u64, one: &str, other: &str) -> String {
        let template = if is_one(self.language(), n) {
            one
        } else {
            other
        };
        fill(template, &[("n", &self.number(n))])
    }
}

impl Strings {
    /// What a bulk action did: "3 changed, 1 refused." in the language's plurals.
    pub fn bulk_summary(&self, changed: usize, refused: usize) -> String {
        format!(
            "{}, {}.",
            self.count(changed as u64, self.bulk_changed_one, self.bulk_changed),
            self.count(refused as u64, self.bulk_refused_one, self.bulk_refused)
        )
    }
}

/// Whether `n` takes the singular: 1 in English; 0 and 1 in French.
pub fn is_one(lang: Language, n: u64) -> bool {
    match lang {
        Language::En => n == 1,
        Language::Fr => n <= 1,
    }
}

/// `n` with thousands grouped: commas in English, narrow no-break spaces in French.
pub fn number(lang: Language, n: u64) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Language::En => ",",
        Language::Fr => "\u{202F}",
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// The best language Roster has for an `Accept-Language` header (RFC 9110: tags with
/// optional `q` weights, the first of equal weights preferred); English when none fits.
pub fn accept_language(header: &str) -> Language {
    let mut best = (0.0f32, Language::En);
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let lang = match tag.split('-').next() {
            Some("fr") => Language::Fr,
            Some("en") => Language::En,
            _ => continue,
        };
        if q > best.0 {
            best = (q, lang);
        }
    }
    best.1
}

/// Fills `{name}` placeholders of a translated template.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in args {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_known_language() {
        assert_eq!(accept_language("fr-FR,fr;q=0.9,en;q=0.8"), Language::Fr);
        assert_eq!(accept_language("en-GB,fr;q=0.9"), Language::En);
        assert_eq!(accept_language("de-DE,fr;q=0.5,en;q=0.3"), Language::Fr);
        assert_eq!(accept_language("en;q=0.2, FR ;q=0.7"), Language::Fr);
        assert_eq!(accept_language("de, *;q=0.5"), Language::En);
        assert_eq!(accept_language("fr;q=0"), Language::En);
        assert_eq!(accept_language(""), Language::En);
    }

    #[test]
    fn counts_follow_each_language() {
        assert_eq!(EN.count(1, EN.one_selected, EN.n_selected), "1 selected");
        assert_eq!(
            EN.count(0, EN.t_session_revoked, EN.t_sessions_revoked),
            "0 sessions revoked."
        );
        assert_eq!(
            FR.count(0, FR.t_session_revoked, FR.t_sessions_revoked),
            "0 session révoquée."
        );
        assert_eq!(
            FR.count(2, FR.one_selected, FR.n_selected),
            "2 sélectionnés"
        );
        assert_eq!(EN.bulk_summary(0, 1), "0 changed, 1 refused.");
        assert_eq!(FR.bulk_summary(2, 0), "2 modifiés, 0 refusé.");
        assert_eq!(EN.number(1_000_000), "1,000,000");
        assert_eq!(FR.number(1_000_000), "1\u{202F}000\u{202F}000");
        assert_eq!(EN.number(999), "999");
        assert_eq!(
            FR.count(1234, "{n} utilisateur", "{n} utilisateurs"),
            "1\u{202F}234 utilisateurs"
        );
    }
}
