//! Who may call what: every page, server function and plain route, as anonymous, end user,
//! developer, admin of another project, admin and superadmin. The registry below must name
//! every route the app serves — a new route without a row fails `registry_is_complete`.
mod common;

use common::{TestApp, ADMIN_EMAIL, PASSWORD};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    Ok,
    /// A redirect whose Location starts with this.
    To(&'static str),
    Unauthenticated,
    Forbidden,
    /// 404: the permission check passed and the (deliberately missing) target was not found.
    NotFound,
    /// 422: the input was refused.
    Invalid,
    /// 409: refused by the target's state (a project that does not accept sign-ups).
    Refused,
}
use Want::*;

const ROLES: [&str; 6] = [
    "anonymous",
    "end_user",
    "developer",
    "other_admin",
    "admin",
    "superadmin",
];

#[derive(Clone)]
struct Case {
    method: &'static str,
    /// The path as the router knows it (pages with `:param`), and the path called.
    route: &'static str,
    call: &'static str,
    form: &'static [(&'static str, &'static str)],
    /// A JSON body (server functions with `input = Json`); sent instead of `form` when set.
    json: Option<serde_json::Value>,
    want: [Want; 6],
}

const CONSOLE_PAGE: [Want; 6] = [To("/login?next="), Forbidden, Ok, Forbidden, Ok, Ok];
/// Reading a project's users: `users:read` in that project.
const USERS_READ: [Want; 6] = [Unauthenticated, Forbidden, Ok, Forbidden, Ok, Ok];
/// Acting on a user who does not exist (#999999) with an admin permission the developer lacks
/// (`users:update`, `users:deactivate`, `users:delete`, `sessions:revoke`): refused before the
/// lookup for those without it, "not found" for those with it.
const USERS_ACT: [Want; 6] = [
    Unauthenticated,
    Forbidden,
    Forbidden,
    Forbidden,
    NotFound,
    NotFound,
];
/// A bulk action with that permission: the missing user is listed as refused, the call is 200.
const USERS_BULK: [Want; 6] = [Unauthenticated, Forbidden, Forbidden, Forbidden, Ok, Ok];
/// A user id that exists nowhere.
const NOBODY: i64 = 999_999;
/// Longer than any email may be (254 characters).
const OVERLONG_EMAIL: &str = "an-address-well-past-the-limit-that-rfc-5321-sets-for-every-email-an-address-well-past-the-limit-that-rfc-5321-sets-for-every-email-an-address-well-past-the-limit-that-rfc-5321-sets-for-every-email-an-address-well-past-the-limit@example.com.example.com.example.com";
/// A users-list view with every bound exceeded: size, page and search.
const OVERSIZED_VIEW: &str = "/api/users?project=default&query[size]=4000000&query[page]=4294967295&query[q]=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";

fn registry() -> Vec<Case> {
    let page = |route, call| Case {
        method: "GET",
        route,
        call,
        form: &[],
        json: None,
        want: CONSOLE_PAGE,
    };
    let short = |route| Case {
        method: "GET",
        route,
        call: route,
        form: &[],
        json: None,
        want: [
            To("/login?next="),
            To("/account"),
            To("/p/default/"),
            To("/p/other/"),
            To("/p/default/"),
            To("/p/default/"),
        ],
    };
    let act = |route: &'static str, json: serde_json::Value, want: [Want; 6]| Case {
        method: "POST",
        route,
        call: route,
        form: &[],
        json: Some(json),
        want,
    };
    let act_form = |route: &'static str,
                    form: &'static [(&'static str, &'static str)],
                    want: [Want; 6]| Case {
        method: "POST",
        route,
        call: route,
        form,
        json: None,
        want,
    };
    let edit = serde_json::json!({
        "first_name": "No", "last_name": "Body", "email": "nobody@roster.test", "phone": "",
        "metadata": "{}", "role": "end_user", "groups": []
    });
    let mut rows = vec![
        Case {
            method: "GET",
            route: "/healthz",
            call: "/healthz",
            form: &[],
            json: None,
            want: [Ok; 6],
        },
        Case {
            method: "GET",
            route: "/",
            call: "/",
            form: &[],
            json: None,
            want: [
                To("/login"),
                To("/account"),
                To("/p/default/users"),
                To("/p/other/users"),
                To("/p/default/users"),
                To("/p/default/users"),
            ],
        },
        // Browser assets need no session and reveal nothing: a missing file is a 404 for all.
        Case {
            method: "GET",
            route: "/pkg/{file}",
            call: "/pkg/no-such-chunk.wasm",
            form: &[],
            json: None,
            want: [NotFound; 6],
        },
        short("/users"),
        short("/roles"),
        short("/groups"),
        short("/audit"),
        short("/projects"),
        Case {
            method: "GET",
            route: "/login",
            call: "/login",
            form: &[],
            json: None,
            want: [Ok; 6],
        },
        Case {
            method: "GET",
            route: "/forgot-password",
            call: "/forgot-password",
            form: &[],
            json: None,
            want: [Ok; 6],
        },
        page("/p/:project", "/p/default"),
        page("/p/:project/users", "/p/default/users"),
        page("/p/:project/roles", "/p/default/roles"),
        page("/p/:project/groups", "/p/default/groups"),
        page("/p/:project/groups/:id", "/p/default/groups/1"),
        page("/p/:project/audit", "/p/default/audit"),
        page("/p/:project/projects", "/p/default/projects"),
        page("/p/:project/users/:id", "/p/default/users/1"),
        page("/p/:project/users/import", "/p/default/users/import"),
        page("/p/:project/users/import/:id", "/p/default/users/import/999999"),
        page("/p/:project/users/export", "/p/default/users/export?status=active"),
        Case {
            method: "GET",
            route: "/account",
            call: "/account",
            form: &[],
            json: None,
            want: [To("/login?next=/account"), Ok, Ok, Ok, Ok, Ok],
        },
        Case {
            method: "GET",
            route: "/api/users",
            call: "/api/users?project=default&query[q]=ada&query[sort]=created&query[desc]=true&query[page]=1&query[size]=20",
            form: &[],
            json: None,
            want: USERS_READ,
        },
        // A view far outside the bounds is answered within them, never an error or a crash.
        Case {
            method: "GET",
            route: "/api/users",
            call: OVERSIZED_VIEW,
            form: &[],
            json: None,
            want: USERS_READ,
        },
        Case {
            method: "GET",
            route: "/api/directory",
            call: "/api/directory?project=default",
            form: &[],
            json: None,
            want: USERS_READ,
        },
        Case {
            method: "GET",
            route: "/api/roles",
            call: "/api/roles?project=default",
            form: &[],
            json: None,
            want: USERS_READ,
        },
        // The audit log: `audit:read` (developers have it, end users do not), as HTML for the
        // page and as a CSV file.
        Case {
            method: "GET",
            route: "/api/project_overview",
            call: "/api/project_overview?project=default",
            form: &[],
            json: None,
            want: USERS_READ,
        },
        Case {
            method: "GET",
            route: "/api/audit_log",
            call: "/api/audit_log?project=default&query=action%3Duser.deactivated",
            form: &[],
            json: None,
            want: USERS_READ,
        },
        Case {
            method: "GET",
            route: "/p/{project}/audit/export",
            call: "/p/default/audit/export?actor=admin%40roster.test",
            form: &[],
            json: None,
            want: CONSOLE_PAGE,
        },
        // Import (`users:import`: admins, not developers) and export (`users:export`, which
        // developers hold). An import that does not exist is not found; an upload without a
        // file is refused after the check; the export is the console's, like the audit's.
        Case {
            method: "GET",
            route: "/p/{project}/users/import/template.csv",
            call: "/p/default/users/import/template.csv",
            form: &[],
            json: None,
            want: [To("/login?next="), Forbidden, Forbidden, Forbidden, Ok, Ok],
        },
        Case {
            method: "GET",
            route: "/p/{project}/users/import/{id}/errors.csv",
            call: "/p/default/users/import/999999/errors.csv",
            form: &[],
            json: None,
            want: [To("/login?next="), Forbidden, Forbidden, Forbidden, NotFound, NotFound],
        },
        Case {
            method: "POST",
            route: "/p/{project}/users/import/upload",
            call: "/p/default/users/import/upload",
            form: &[("file", "email")],
            json: None,
            want: [Unauthenticated, Forbidden, Forbidden, Forbidden, Invalid, Invalid],
        },
        Case {
            method: "GET",
            route: "/api/import_page",
            call: "/api/import_page?project=default&query=",
            form: &[],
            json: None,
            want: [Unauthenticated, Forbidden, Forbidden, Forbidden, Ok, Ok],
        },
        Case {
            method: "GET",
            route: "/api/import_page",
            call: "/api/import_page?project=default&id=999999&query=problems%3D1",
            form: &[],
            json: None,
            want: [Unauthenticated, Forbidden, Forbidden, Forbidden, NotFound, NotFound],
        },
        act_form(
            "/api/confirm_import",
            &[("project", "default"), ("id", "999999"), ("send_mail", "on")],
            [Unauthenticated, Forbidden, Forbidden, Forbidden, NotFound, NotFound],
        ),
        act_form(
            "/api/cancel_import",
            &[("project", "default"), ("id", "999999")],
            [Unauthenticated, Forbidden, Forbidden, Forbidden, NotFound, NotFound],
        ),
        Case {
            method: "GET",
            route: "/api/export_page",
            call: "/api/export_page?project=default&query=status%3Dactive",
            form: &[],
            json: None,
            want: [Unauthenticated, Forbidden, Ok, Forbidden, Ok, Ok],
        },
        Case {
            method: "GET",
            route: "/p/{project}/users/export/download",
            call: "/p/default/users/export/download?scope=view&status=active&fields=email",
            form: &[],
            json: None,
            want: CONSOLE_PAGE,
        },
        // Roles: `roles:manage` (admins have it, developers do not). An empty name is refused
        // after the permission check; a role that does not exist is not found.
        act_form(
            "/api/create_role",
            &[("project", "default"), ("name", "")],
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Invalid, Invalid],
        ),
        act_form(
            "/api/update_role",
            &[("project", "default"), ("id", "999999"), ("name", "matrix")],
            USERS_ACT,
        ),
        act_form(
            "/api/delete_role",
            &[("project", "default"), ("id", "999999"), ("move_to", "")],
            USERS_ACT,
        ),
        Case {
            method: "GET",
            route: "/api/roles_page",
            call: "/api/roles_page?project=default",
            form: &[],
            json: None,
            want: USERS_READ,
        },
        // The users table's columns: each signed-in person keeps their own.
        act_form(
            "/api/set_user_columns",
            &[("columns[]", "email")],
            [Unauthenticated, Ok, Ok, Ok, Ok, Ok],
        ),
        // Projects: the list for anyone in the console; creating and deleting them is for
        // superadmins, their settings for owners (`project:manage`, which admins lack). Empty
        // names and a wrong typed slug are refused after the check: nothing is changed.
        Case {
            method: "GET",
            route: "/api/projects_page",
            call: "/api/projects_page?project=default",
            form: &[],
            json: None,
            want: USERS_READ,
        },
        act_form(
            "/api/create_project",
            &[("slug", "matrix"), ("name", "")],
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Forbidden, Invalid],
        ),
        act_form(
            "/api/update_project",
            &[("project", "default"), ("name", "")],
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Forbidden, Invalid],
        ),
        act_form(
            "/api/delete_project",
            &[("project", "default"), ("confirm", "not-the-slug")],
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Forbidden, Invalid],
        ),
        // Groups: read with `users:read`, changed with `groups:manage` (admins have it,
        // developers do not), by plain form posts. An empty name is refused after the
        // permission check; a group or member that does not exist is not found.
        Case {
            method: "GET",
            route: "/api/groups_page",
            call: "/api/groups_page?project=default&query=",
            form: &[],
            json: None,
            want: USERS_READ,
        },
        Case {
            method: "GET",
            route: "/api/groups_page",
            call: "/api/groups_page?project=default&group=999999&query=q%3Dada",
            form: &[],
            json: None,
            want: [Unauthenticated, Forbidden, NotFound, Forbidden, NotFound, NotFound],
        },
        Case {
            method: "POST",
            route: "/api/create_group",
            call: "/api/create_group",
            form: &[("project", "default"), ("name", "")],
            json: None,
            want: [Unauthenticated, Forbidden, Forbidden, Forbidden, Invalid, Invalid],
        },
        Case {
            method: "POST",
            route: "/api/update_group",
            call: "/api/update_group",
            form: &[("project", "default"), ("id", "999999"), ("name", "matrix")],
            json: None,
            want: USERS_ACT,
        },
        Case {
            method: "POST",
            route: "/api/delete_group",
            call: "/api/delete_group",
            form: &[("project", "default"), ("id", "999999")],
            json: None,
            want: USERS_ACT,
        },
        Case {
            method: "POST",
            route: "/api/add_group_member",
            call: "/api/add_group_member",
            form: &[("project", "default"), ("id", "999999"), ("user", "999999")],
            json: None,
            want: USERS_ACT,
        },
        Case {
            method: "POST",
            route: "/api/remove_group_member",
            call: "/api/remove_group_member",
            form: &[("project", "default"), ("id", "999999"), ("user", "999999")],
            json: None,
            want: USERS_ACT,
        },
        Case {
            method: "GET",
            route: "/api/user",
            call: "/api/user?project=default&id=1",
            form: &[],
            json: None,
            want: USERS_READ,
        },
        Case {
            method: "GET",
            route: "/api/user_activity",
            call: "/api/user_activity?project=default&id=1&page=1",
            form: &[],
            json: None,
            want: USERS_READ,
        },
        Case {
            method: "GET",
            route: "/api/user_activity_html",
            call: "/api/user_activity_html?project=default&id=1&page=1",
            form: &[],
            json: None,
            want: USERS_READ,
        },
        act(
            "/api/update_user",
            serde_json::json!({"project": "default", "id": NOBODY, "edit": edit}),
            USERS_ACT,
        ),
        act(
            "/api/deactivate_user",
            serde_json::json!({"project": "default", "id": NOBODY, "reason": "matrix"}),
            USERS_ACT,
        ),
        act(
            "/api/reactivate_user",
            serde_json::json!({"project": "default", "id": NOBODY}),
            USERS_ACT,
        ),
        act(
            "/api/delete_user",
            serde_json::json!({"project": "default", "id": NOBODY, "confirm": "nobody@roster.test"}),
            USERS_ACT,
        ),
        act(
            "/api/remove_from_project",
            serde_json::json!({"project": "default", "id": NOBODY}),
            USERS_ACT,
        ),
        act(
            "/api/send_password_reset",
            serde_json::json!({"project": "default", "id": NOBODY}),
            USERS_ACT,
        ),
        // Anyone may ask for a reset link; the answer is the same for every caller and every
        // address (it says nothing about accounts); only malformed input is refused.
        Case {
            method: "POST",
            route: "/api/request_password_reset",
            call: "/api/request_password_reset",
            form: &[("email", "nobody@roster.test")],
            json: None,
            want: [Ok; 6],
        },
        Case {
            method: "POST",
            route: "/api/request_password_reset",
            call: "/api/request_password_reset",
            form: &[("email", OVERLONG_EMAIL)],
            json: None,
            want: [Invalid; 6],
        },
        // Anyone may try a reset token; a wrong one is refused the same way for everyone.
        Case {
            method: "POST",
            route: "/api/reset_password",
            call: "/api/reset_password",
            form: &[
                ("token", "not-a-token"),
                ("password", "a long new password"),
                ("confirm", "a long new password"),
            ],
            json: None,
            want: [Invalid; 6],
        },
        Case {
            method: "GET",
            route: "/reset-password",
            call: "/reset-password?token=abc",
            form: &[],
            json: None,
            want: [Ok; 6],
        },
        // Invitations: users:invite in the project (the developer lacks it). A valid form to an
        // unknown role is refused after the check; resend and cancel look for a missing user.
        act(
            "/api/invite_user",
            serde_json::json!({"project": "default", "form": {
                "email": "nobody@roster.test", "role": "no_such_role", "groups": []}}),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Invalid, Invalid],
        ),
        act(
            "/api/resend_invitation",
            serde_json::json!({"project": "default", "id": NOBODY}),
            USERS_ACT,
        ),
        act(
            "/api/cancel_invitation",
            serde_json::json!({"project": "default", "id": NOBODY}),
            USERS_ACT,
        ),
        act(
            "/api/bulk_users",
            serde_json::json!({"project": "default", "ids": [NOBODY], "action": "ResendInvitations"}),
            USERS_BULK,
        ),
        // The accept page and its calls are public: the link's token is the credential, and a
        // made-up one is answered the same way for everyone.
        Case {
            method: "GET",
            route: "/invitation",
            call: "/invitation?token=abc",
            form: &[],
            json: None,
            want: [Ok; 6],
        },
        Case {
            method: "GET",
            route: "/api/invitation",
            call: "/api/invitation?token=abc",
            form: &[],
            json: None,
            want: [Ok; 6],
        },
        Case {
            method: "POST",
            route: "/api/accept_invitation",
            call: "/api/accept_invitation",
            form: &[
                ("token", "not-a-token"),
                ("first_name", "No"),
                ("last_name", "Body"),
                ("password", "a long new password"),
                ("confirm", "a long new password"),
            ],
            json: None,
            want: [Invalid; 6],
        },
        Case {
            method: "POST",
            route: "/api/accept_invitation_sign_in",
            call: "/api/accept_invitation_sign_in",
            form: &[("token", "not-a-token"), ("password", "a long password")],
            json: None,
            want: [Invalid; 6],
        },
        // Sign-up is public; `default` does not accept it, which is said the same to everyone.
        Case {
            method: "GET",
            route: "/p/:project/signup",
            call: "/p/default/signup",
            form: &[],
            json: None,
            want: [Ok; 6],
        },
        Case {
            method: "GET",
            route: "/api/signup_info",
            call: "/api/signup_info?project=default",
            form: &[],
            json: None,
            want: [Ok; 6],
        },
        Case {
            method: "POST",
            route: "/api/sign_up",
            call: "/api/sign_up",
            form: &[
                ("project", "default"),
                ("email", "nobody@roster.test"),
                ("first_name", "No"),
                ("last_name", "Body"),
                ("password", "a long new password"),
                ("confirm", "a long new password"),
            ],
            json: None,
            want: [Refused; 6],
        },
        Case {
            method: "GET",
            route: "/verify-email",
            call: "/verify-email?token=abc",
            form: &[],
            json: None,
            want: [Ok; 6],
        },
        Case {
            method: "POST",
            route: "/api/verify_email",
            call: "/api/verify_email",
            form: &[("token", "not-a-token")],
            json: None,
            want: [Invalid; 6],
        },
        act(
            "/api/send_verification",
            serde_json::json!({"project": "default", "id": NOBODY}),
            USERS_ACT,
        ),
        // The account page acts on the caller's own account: anyone signed in, nobody else.
        act(
            "/api/update_profile",
            serde_json::json!({"profile": {"first_name": "", "last_name": "Body",
                "language": "en", "theme": "system"}}),
            [Unauthenticated, Invalid, Invalid, Invalid, Invalid, Invalid],
        ),
        Case {
            method: "POST",
            route: "/api/change_password",
            call: "/api/change_password",
            form: &[
                ("current", "not the password"),
                ("new", "a long new password"),
                ("confirm", "a long new password"),
            ],
            json: None,
            want: [Unauthenticated, Invalid, Invalid, Invalid, Invalid, Invalid],
        },
        Case {
            method: "POST",
            route: "/api/request_email_change",
            call: "/api/request_email_change",
            form: &[("new_email", "nobody@roster.test"), ("password", "not the password")],
            json: None,
            want: [Unauthenticated, Invalid, Invalid, Invalid, Invalid, Invalid],
        },
        Case {
            method: "GET",
            route: "/api/my_sessions",
            call: "/api/my_sessions",
            form: &[],
            json: None,
            want: [Unauthenticated, Ok, Ok, Ok, Ok, Ok],
        },
        Case {
            method: "GET",
            route: "/api/my_sign_ins",
            call: "/api/my_sign_ins?page=1",
            form: &[],
            json: None,
            want: [Unauthenticated, Ok, Ok, Ok, Ok, Ok],
        },
        Case {
            method: "GET",
            route: "/api/my_sign_ins_html",
            call: "/api/my_sign_ins_html?page=1",
            form: &[],
            json: None,
            want: [Unauthenticated, Ok, Ok, Ok, Ok, Ok],
        },
        act(
            "/api/revoke_my_sessions",
            serde_json::json!({"session": NOBODY}),
            [Unauthenticated, NotFound, NotFound, NotFound, NotFound, NotFound],
        ),
        // Two-factor: the second sign-in step needs a challenge (none here), the rest acts on
        // the caller's own account; an admin's reset needs users:update on a member.
        Case {
            method: "POST",
            route: "/api/verify_sign_in_code",
            call: "/api/verify_sign_in_code",
            form: &[("code", "123456")],
            json: None,
            want: [Invalid; 6],
        },
        Case {
            method: "GET",
            route: "/api/two_factor_status",
            call: "/api/two_factor_status",
            form: &[],
            json: None,
            want: [Unauthenticated, Ok, Ok, Ok, Ok, Ok],
        },
        act(
            "/api/complete_two_factor",
            serde_json::json!({"code": "123456"}),
            [Unauthenticated, Refused, Refused, Refused, Refused, Refused],
        ),
        act(
            "/api/disable_two_factor",
            serde_json::json!({"proof": "123456"}),
            [Unauthenticated, Refused, Refused, Refused, Refused, Refused],
        ),
        act(
            "/api/regenerate_recovery_codes",
            serde_json::json!({"proof": "123456"}),
            [Unauthenticated, Refused, Refused, Refused, Refused, Refused],
        ),
        act(
            "/api/begin_two_factor",
            serde_json::json!({}),
            [Unauthenticated, Ok, Ok, Ok, Ok, Ok],
        ),
        act(
            "/api/set_temporary_password",
            serde_json::json!({"project": "default", "id": NOBODY}),
            USERS_ACT,
        ),
        act(
            "/api/reset_two_factor",
            serde_json::json!({"project": "default", "id": NOBODY}),
            USERS_ACT,
        ),
        act(
            "/api/revoke_user_sessions",
            serde_json::json!({"project": "default", "id": NOBODY, "session": null}),
            USERS_ACT,
        ),
        act(
            "/api/bulk_users",
            serde_json::json!({"project": "default", "ids": [NOBODY], "action": "Deactivate"}),
            USERS_BULK,
        ),
        act(
            "/api/bulk_users",
            serde_json::json!({"project": "default", "ids": [NOBODY], "action": "Reactivate"}),
            USERS_BULK,
        ),
        // More users than one bulk action takes: the permission check first, then 422.
        act(
            "/api/bulk_users",
            serde_json::json!({
                "project": "default",
                "ids": (1..=101).collect::<Vec<i64>>(),
                "action": "Deactivate"
            }),
            [
                Unauthenticated,
                Forbidden,
                Forbidden,
                Forbidden,
                Invalid,
                Invalid,
            ],
        ),
        act(
            "/api/bulk_users",
            serde_json::json!({"project": "default", "ids": [NOBODY], "action": {"ChangeRole": "developer"}}),
            USERS_BULK,
        ),
        act(
            "/api/bulk_users",
            serde_json::json!({"project": "default", "ids": [NOBODY], "action": {"AddToGroup": "staff"}}),
            USERS_BULK,
        ),
        Case {
            method: "GET",
            route: "/api/viewer",
            call: "/api/viewer",
            form: &[],
            json: None,
            want: [Ok; 6],
        },
        Case {
            method: "POST",
            route: "/api/sign_in",
            call: "/api/sign_in",
            form: &[
                ("email", "nobody@roster.test"),
                ("password", "wrong password"),
            ],
            json: None,
            want: [Unauthenticated; 6],
        },
        // Oversized input: refused as input (422) before any lookup, for every caller.
        Case {
            method: "POST",
            route: "/api/sign_in",
            call: "/api/sign_in",
            form: &[("email", OVERLONG_EMAIL), ("password", "wrong password")],
            json: None,
            want: [Invalid; 6],
        },
        Case {
            method: "POST",
            route: "/api/sign_out",
            call: "/api/sign_out",
            form: &[],
            json: None,
            want: [Unauthenticated, Ok, Ok, Ok, Ok, Ok],
        },
    ];
    // HEAD renders what GET renders (without the body): every page and plain route must answer
    // it exactly as it answers GET.
    let heads: Vec<Case> = rows
        .iter()
        .filter(|c| c.method == "GET" && !c.route.starts_with("/api/"))
        .map(|c| Case {
            method: "HEAD",
            ..c.clone()
        })
        .collect();
    rows.extend(heads);
    rows
}

/// Leptos's page paths use `:param` or `{param}` depending on the version; compare the shape.
fn normalise(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with(':') || seg.starts_with('{') {
                ":param"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn registry_is_complete() {
    let listed: BTreeSet<(String, String)> = registry()
        .iter()
        .map(|c| (c.method.to_string(), normalise(c.route)))
        .collect();
    let mut served: BTreeSet<(String, String)> = BTreeSet::new();
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        served.insert((method.to_string(), normalise(path)));
    }
    for route in server::route_list() {
        let p = route.path();
        for method in ["GET", "HEAD"] {
            served.insert((
                method.to_string(),
                normalise(if p.is_empty() { "/" } else { p }),
            ));
        }
    }
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("roster")
        .build();
    for (p, _) in server::plain_routes(&options) {
        for method in ["GET", "HEAD"] {
            served.insert((method.to_string(), normalise(p)));
        }
    }
    for (p, _) in server::plain_post_routes() {
        served.insert(("POST".to_string(), normalise(p)));
    }
    let missing: Vec<_> = served.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "routes without an access-matrix row: {missing:?}"
    );
    let stale: Vec<_> = listed.difference(&served).collect();
    assert!(
        stale.is_empty(),
        "matrix rows for routes that no longer exist: {stale:?}"
    );
}

app_test!(
    every_route_answers_each_kind_of_caller_as_the_matrix_says,
    |app: TestApp| async move {
        app.user("end@roster.test", "default", "end_user").await;
        app.user("dev@roster.test", "default", "developer").await;
        app.user("other@roster.test", "other", "admin").await;
        app.user("admin@roster.test", "default", "admin").await;
        // The group the bulk "add to group" row names.
        app.group("default", "staff").await;
        let emails = [
            None,
            Some("end@roster.test"),
            Some("dev@roster.test"),
            Some("other@roster.test"),
            Some("admin@roster.test"),
            Some(ADMIN_EMAIL),
        ];

        let mut failures = Vec::new();
        for case in registry() {
            for (k, email) in emails.iter().enumerate() {
                // A fresh session per call: some calls (sign out) end the one they use.
                let c = app.client();
                if let Some(e) = email {
                    assert_eq!(
                        app.sign_in(&c, e, PASSWORD).await.status(),
                        200,
                        "sign in {e}"
                    );
                }
                let req = match case.method {
                    "GET" => c.get(app.url(case.call)),
                    "HEAD" => c.head(app.url(case.call)),
                    _ => {
                        let post = c
                            .post(app.url(case.call))
                            .header("origin", format!("http://{}", app.addr))
                            .header("sec-fetch-site", "same-origin");
                        match &case.json {
                            Some(body) => post.json(body),
                            None => post.form(case.form),
                        }
                    }
                };
                let res = req.send().await.unwrap();
                let status = res.status().as_u16();
                let location = res
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                // Read the whole answer, as a browser does (a page streams after its headers).
                let _ = res.bytes().await;
                let ok = match case.want[k] {
                    Ok => (200..300).contains(&status),
                    To(prefix) => (300..400).contains(&status) && location.starts_with(prefix),
                    Unauthenticated => status == 401,
                    Forbidden => status == 403,
                    NotFound => status == 404,
                    Invalid => status == 422,
                    Refused => status == 409,
                };
                if !ok {
                    failures.push(format!(
                        "{} {} {} as {}: wanted {:?}, got {status} {location}",
                        case.method,
                        case.call,
                        case.json
                            .as_ref()
                            .map(|j| j.to_string())
                            .unwrap_or_default(),
                        ROLES[k],
                        case.want[k]
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "access matrix violations:\n{}",
            failures.join("\n")
        );
        app
    }
);
