//! The text of the roles page and of the permissions form (roles and groups), in English and
//! French; rendered by the server only.
use crate::model::Permission;

crate::i18n::text_table! {
    RolesText {
        create_role,
        edit_role,
        delete_role,
        name,
        description,
        permissions,
        members,
        builtin,
        custom_permissions,
        custom_hint,
        save,
        edit,
        delete,
        move_to,
        delete_lead,
        delete_members_one,
        delete_members,
        members_one,
        members_many,
        no_permissions,
        locked_note,
        builtin_note,
        t_created,
        t_saved,
        t_deleted,
        view_members,
        area_users,
        area_access,
        area_security,
        area_project,
        choose_role,
        roles_table,
        p_users_read,
        p_users_invite,
        p_users_update,
        p_users_deactivate,
        p_users_delete,
        p_users_import,
        p_users_export,
        p_roles_manage,
        p_groups_manage,
        p_sessions_revoke,
        p_audit_read,
        p_project_manage,
        d_owner,
        d_admin,
        d_developer,
        d_end_user,
    }
}

pub const EN: RolesText = RolesText {
    create_role: "Create role",
    edit_role: "Edit role",
    delete_role: "Delete role",
    name: "Name",
    description: "Description",
    permissions: "Permissions",
    members: "Members",
    builtin: "Built-in",
    custom_permissions: "Custom permissions",
    custom_hint: "One per line, as resource:action (for example billing:refund). Roster keeps and shows them; your app enforces them.",
    save: "Save",
    edit: "Edit",
    delete: "Delete",
    move_to: "Move its members to",
    delete_lead: "Delete the role “{name}”? This cannot be undone; the audit log keeps its history.",
    delete_members_one: "{n} member holds this role. They move to the role you choose, in the same step.",
    delete_members: "{n} members hold this role. They move to the role you choose, in the same step.",
    members_one: "{n} member",
    members_many: "{n} members",
    no_permissions: "No permissions",
    locked_note: "The owner role always holds every permission, so it cannot be changed.",
    builtin_note: "Built-in roles can be edited but not deleted.",
    t_created: "Role “{name}” created.",
    t_saved: "Role “{name}” saved.",
    t_deleted: "Role “{name}” deleted.",
    view_members: "Show its members",
    area_users: "Users",
    area_access: "Roles and groups",
    area_security: "Sessions and audit",
    area_project: "Project",
    choose_role: "Choose a role",
    roles_table: "Roles of this project",
    p_users_read: "See users and their details",
    p_users_invite: "Invite people",
    p_users_update: "Edit users, reset their password or two-factor",
    p_users_deactivate: "Deactivate and reactivate users",
    p_users_delete: "Delete users",
    p_users_import: "Import users",
    p_users_export: "Export users",
    p_roles_manage: "Create and change roles",
    p_groups_manage: "Create and change groups",
    p_sessions_revoke: "Sign users out",
    p_audit_read: "Read the audit log",
    p_project_manage: "Manage the project's settings (owners)",
    d_owner: "Full control of the project, including its settings.",
    d_admin: "Manages users, roles, groups and sessions.",
    d_developer: "Reads users and the audit log.",
    d_end_user: "A person who signs in to the project's app.",
};

pub const FR: RolesText = RolesText {
    create_role: "Créer un rôle",
    edit_role: "Modifier le rôle",
    delete_role: "Supprimer le rôle",
    name: "Nom",
    description: "Description",
    permissions: "Permissions",
    members: "Membres",
    builtin: "Intégré",
    custom_permissions: "Permissions personnalisées",
    custom_hint: "Une par ligne, sous la forme ressource:action (par exemple billing:refund). Roster les garde et les affiche ; votre application les applique.",
    save: "Enregistrer",
    edit: "Modifier",
    delete: "Supprimer",
    move_to: "Déplacer ses membres vers",
    delete_lead: "Supprimer le rôle « {name} » ? C'est définitif ; le journal d'audit en garde l'historique.",
    delete_members_one: "{n} membre a ce rôle. Il passe au rôle que vous choisissez, dans la même opération.",
    delete_members: "{n} membres ont ce rôle. Ils passent au rôle que vous choisissez, dans la même opération.",
    members_one: "{n} membre",
    members_many: "{n} membres",
    no_permissions: "Aucune permission",
    locked_note: "Le rôle propriétaire détient toujours toutes les permissions : il ne peut pas être modifié.",
    builtin_note: "Les rôles intégrés peuvent être modifiés mais pas supprimés.",
    t_created: "Rôle « {name} » créé.",
    t_saved: "Rôle « {name} » enregistré.",
    t_deleted: "Rôle « {name} » supprimé.",
    view_members: "Voir ses membres",
    area_users: "Utilisateurs",
    area_access: "Rôles et groupes",
    area_security: "Sessions et audit",
    area_project: "Projet",
    choose_role: "Choisissez un rôle",
    roles_table: "Rôles de ce projet",
    p_users_read: "Voir les utilisateurs et leurs détails",
    p_users_invite: "Inviter des personnes",
    p_users_update: "Modifier les utilisateurs, réinitialiser leur mot de passe ou double authentification",
    p_users_deactivate: "Désactiver et réactiver des utilisateurs",
    p_users_delete: "Supprimer des utilisateurs",
    p_users_import: "Importer des utilisateurs",
    p_users_export: "Exporter des utilisateurs",
    p_roles_manage: "Créer et modifier des rôles",
    p_groups_manage: "Créer et modifier des groupes",
    p_sessions_revoke: "Déconnecter des utilisateurs",
    p_audit_read: "Lire le journal d'audit",
    p_project_manage: "Gérer les réglages du projet (propriétaires)",
    d_owner: "Contrôle total du projet, réglages compris.",
    d_admin: "Gère les utilisateurs, les rôles, les groupes et les sessions.",
    d_developer: "Consulte les utilisateurs et le journal d'audit.",
    d_end_user: "Une personne qui se connecte à l'application du projet.",
};

impl RolesText {
    /// What a built-in permission lets its holder do.
    pub fn permission(&self, p: Permission) -> &'static str {
        match p {
            Permission::UsersRead => self.p_users_read,
            Permission::UsersInvite => self.p_users_invite,
            Permission::UsersUpdate => self.p_users_update,
            Permission::UsersDeactivate => self.p_users_deactivate,
            Permission::UsersDelete => self.p_users_delete,
            Permission::UsersImport => self.p_users_import,
            Permission::UsersExport => self.p_users_export,
            Permission::RolesManage => self.p_roles_manage,
            Permission::GroupsManage => self.p_groups_manage,
            Permission::SessionsRevoke => self.p_sessions_revoke,
            Permission::AuditRead => self.p_audit_read,
            Permission::ProjectManage => self.p_project_manage,
        }
    }
}

impl RolesText {
    /// A role's description: a built-in role's own (unchanged) one in the page's language.
    pub fn description(&self, role: &crate::model::RoleInfo) -> String {
        let default = crate::model::BUILTIN_ROLES
            .iter()
            .find(|(name, _)| *name == role.name)
            .map(|(_, d)| *d);
        if !role.builtin || default != Some(role.description.as_str()) {
            return role.description.clone();
        }
        match role.name.as_str() {
            "owner" => self.d_owner,
            "admin" => self.d_admin,
            "developer" => self.d_developer,
            _ => self.d_end_user,
        }
        .to_string()
    }
}

/// An area's name in the page's language.
pub type AreaName = fn(&RolesText) -> &'static str;

/// The built-in permissions, grouped by what they are about, for the checklist.
pub const AREAS: [(AreaName, &[Permission]); 4] = [
    (
        |t| t.area_users,
        &[
            Permission::UsersRead,
            Permission::UsersInvite,
            Permission::UsersUpdate,
            Permission::UsersDeactivate,
            Permission::UsersDelete,
            Permission::UsersImport,
            Permission::UsersExport,
        ],
    ),
    (
        |t| t.area_access,
        &[Permission::RolesManage, Permission::GroupsManage],
    ),
    (
        |t| t.area_security,
        &[Permission::SessionsRevoke, Permission::AuditRead],
    ),
    (|t| t.area_project, &[Permission::ProjectManage]),
];
