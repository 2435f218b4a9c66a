//! The indexes that read a view's members in order (migrations 0001, 0016 and 0019): the
//! project's, within a status or role, and a group's copy.
use super::*;

/// The index (migrations 0001 and 0016) that reads a project's members in `sort`'s order,
/// within one status or one role when the view filters by it, or both for the orders their
/// pair's index holds.
pub(super) fn scan_index(sort: UserSort, by_status: bool, by_role: bool) -> &'static str {
    match (sort, by_status, by_role) {
        (UserSort::Created | UserSort::Status | UserSort::Role, true, true) => {
            "memberships_role_status"
        }
        (UserSort::Email, true, _) => "memberships_status_email",
        (UserSort::Email, _, true) => "memberships_role_email",
        (UserSort::Email, ..) => "memberships_by_email",
        (UserSort::Name, true, _) => "memberships_status_name",
        (UserSort::Name, _, true) => "memberships_role_name",
        (UserSort::Name, ..) => "memberships_by_name",
        (UserSort::LastSignIn, true, _) => "memberships_status_sign_in",
        (UserSort::LastSignIn, _, true) => "memberships_role_sign_in",
        (UserSort::LastSignIn, ..) => "memberships_by_last_sign_in",
        (UserSort::Created, true, _) => "memberships_by_status",
        (UserSort::Created, _, true) => "memberships_by_role",
        (UserSort::Created, ..) => "memberships_by_created",
        (UserSort::Role, true, _) => "memberships_status_role",
        (UserSort::Role, ..) => "memberships_by_role",
        (UserSort::Status, _, true) => "memberships_role_status",
        (UserSort::Status, ..) => "memberships_by_status",
    }
}

/// The index of `group_members` (migration 0019) that reads a group's members in `sort`'s
/// order, within one status or role when the view has one and the order allows; the other
/// filters are tested from the index's last columns.
pub(super) fn group_index(sort: UserSort, by_status: bool, by_role: bool) -> &'static str {
    match (sort, by_status, by_role) {
        (UserSort::Email, ..) => "group_members_by_email",
        (UserSort::Name, ..) => "group_members_by_name",
        (UserSort::LastSignIn, ..) => "group_members_by_sign_in",
        (UserSort::Created, true, _) | (UserSort::Status, ..) => "group_members_by_status",
        (UserSort::Created, _, true) | (UserSort::Role, ..) => "group_members_by_role",
        (UserSort::Created, ..) => "group_members_by_created",
    }
}

/// The index (migration 0016 and 0001) that holds a project's members of a view's status or
/// role (the narrower, when it has both; else the project's) by when they last signed in:
/// the range of a last-sign-in filter, with the other filter's column after the key.
pub(super) fn sign_in_index(
    by_status: bool,
    by_role: bool,
    of_status: i64,
    of_role: i64,
) -> &'static str {
    match (by_status, by_role) {
        (true, true) if of_role < of_status => "memberships_role_sign_in",
        (true, _) => "memberships_status_sign_in",
        (false, true) => "memberships_role_sign_in",
        (false, false) => "memberships_by_last_sign_in",
    }
}
