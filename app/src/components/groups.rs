//! The groups page as HTML, rendered on the server only: the list of groups, and one group
//! with its permissions, members and "Add members" picker. Changes are plain HTML forms that
//! post to the groups' server functions and dialogs are `<dialog>` elements, so the page
//! needs no code of its own in the browser: [`super::ServerHtml`] opens the dialogs, sends
//! the forms and shows their answers.
use super::server_forms::{
    chips, create_bar, dialog, form_actions, form_error, hidden, opener, permissions_form, Access,
};
use crate::api::{AddGroupMember, CreateGroup, DeleteGroup, RemoveGroupMember, UpdateGroup};
use crate::components::roles_text::RolesText;
use crate::i18n::{fill, strings};
use crate::model::{GroupInfo, Language, Page, Permission, UserRow};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

crate::i18n::text_table! {
    GroupsText {
        create_group,
        edit_group,
        delete_group,
        all_groups,
        groups_table,
        no_groups,
        no_groups_manage,
        members_table,
        members_of,
        search_members,
        search_members_placeholder,
        search,
        no_members,
        no_members_match,
        add_members,
        find_label,
        find_placeholder,
        find_hint,
        no_people,
        find_short,
        already_member,
        add,
        add_label,
        remove,
        remove_label,
        delete_lead,
        delete_lead_empty,
        show_in_users,
        member_pages,
        members_count,
        members_count_one,
        t_created,
        t_saved,
        t_deleted,
        t_added,
        t_removed,
    }
}

pub const EN: GroupsText = GroupsText {
    create_group: "Create group",
    edit_group: "Edit group",
    delete_group: "Delete group",
    all_groups: "← All groups",
    groups_table: "Groups of this project",
    no_groups: "No groups yet.",
    no_groups_manage: "No groups yet. A group gives its members permissions together: create one for a team.",
    members_table: "Members of the group",
    members_of: "Members",
    search_members: "Search members",
    search_members_placeholder: "Search members by email or name",
    search: "Search",
    no_members: "Nobody is in this group yet.",
    no_members_match: "No member matches this search.",
    add_members: "Add members",
    find_label: "Find people to add",
    find_placeholder: "Email or name",
    find_hint: "Members of this project whose email or name contains what you type (three characters or more).",
    find_short: "Type at least three characters.",
    no_people: "Nobody in this project matches.",
    already_member: "In the group",
    add: "Add",
    add_label: "Add {email} to the group",
    remove: "Remove",
    remove_label: "Remove {email} from the group",
    delete_lead: "Delete the group \"{name}\"? Its {n} members lose the permissions it gave them. The audit log keeps its history.",
    delete_lead_empty: "Delete the group \"{name}\"? The audit log keeps its history.",
    show_in_users: "Show them on the Users page",
    member_pages: "Pages of members",
    members_count: "{n} members",
    members_count_one: "1 member",
    t_created: "Group \"{name}\" created.",
    t_saved: "Group saved.",
    t_deleted: "Group deleted.",
    t_added: "{email} added to {group}.",
    t_removed: "{email} removed from {group}.",
};

pub const FR: GroupsText = GroupsText {
    create_group: "Créer un groupe",
    edit_group: "Modifier le groupe",
    delete_group: "Supprimer le groupe",
    all_groups: "← Tous les groupes",
    groups_table: "Groupes de ce projet",
    no_groups: "Aucun groupe pour l'instant.",
    no_groups_manage: "Aucun groupe pour l'instant. Un groupe donne des permissions à tous ses membres : créez-en un par équipe.",
    members_table: "Membres du groupe",
    members_of: "Membres",
    search_members: "Rechercher des membres",
    search_members_placeholder: "Rechercher un membre par e-mail ou nom",
    search: "Rechercher",
    no_members: "Personne n'est encore dans ce groupe.",
    no_members_match: "Aucun membre ne correspond à cette recherche.",
    add_members: "Ajouter des membres",
    find_label: "Trouver des personnes à ajouter",
    find_placeholder: "E-mail ou nom",
    find_hint: "Les membres de ce projet dont l'e-mail ou le nom contient ce que vous tapez (trois caractères ou plus).",
    find_short: "Tapez au moins trois caractères.",
    no_people: "Personne dans ce projet ne correspond.",
    already_member: "Dans le groupe",
    add: "Ajouter",
    add_label: "Ajouter {email} au groupe",
    remove: "Retirer",
    remove_label: "Retirer {email} du groupe",
    delete_lead: "Supprimer le groupe « {name} » ? Ses {n} membres perdent les permissions qu'il leur donnait. Le journal d'audit garde son historique.",
    delete_lead_empty: "Supprimer le groupe « {name} » ? Le journal d'audit garde son historique.",
    show_in_users: "Les voir dans la page Utilisateurs",
    member_pages: "Pages de membres",
    members_count: "{n} membres",
    members_count_one: "1 membre",
    t_created: "Groupe « {name} » créé.",
    t_saved: "Groupe enregistré.",
    t_deleted: "Groupe supprimé.",
    t_added: "{email} ajouté à {group}.",
    t_removed: "{email} retiré de {group}.",
};

/// Who looks at the page, and where.
pub struct GroupView<'a> {
    pub slug: &'a str,
    pub lang: Language,
    /// The reader holds `groups:manage`: the page shows its forms.
    pub manage: bool,
    /// The built-in permissions the reader holds here (all for a superadmin).
    pub held: Vec<Permission>,
}

/// The group page's view from its URL query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupQuery {
    /// Filters the members.
    pub q: String,
    /// 1-based page of members.
    pub page: u32,
    /// The "Add members" picker's search.
    pub find: String,
}

impl GroupQuery {
    pub fn parse(query: &str) -> GroupQuery {
        let mut out = GroupQuery {
            page: 1,
            ..Default::default()
        };
        for (k, v) in form_urlencoded::parse(query.trim_start_matches('?').as_bytes()).take(16) {
            let v: String = v.trim().chars().take(100).collect();
            match &*k {
                "q" => out.q = v,
                "find" => out.find = v,
                "page" => out.page = v.parse().unwrap_or(1).clamp(1, 1_000_000),
                _ => {}
            }
        }
        out
    }

    fn href(&self, base: &str, page: u32) -> String {
        let mut qs = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("q", self.q.as_str()), ("find", self.find.as_str())] {
            if !v.is_empty() {
                qs.append_pair(k, v);
            }
        }
        if page > 1 {
            qs.append_pair("page", &page.to_string());
        }
        let qs = qs.finish();
        if qs.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{qs}")
        }
    }
}

/// The project's groups as a table, with the "Create group" dialog.
pub fn render_list(v: &GroupView<'_>, groups: &[GroupInfo]) -> String {
    let t = GroupsText::of(v.lang);
    let s = strings(v.lang);
    let r = RolesText::of(v.lang);
    let base = format!("/p/{}/groups", v.slug);
    let create = v.manage.then(|| {
        create_bar(
            "group-create",
            t.create_group,
            s,
            permissions_form(
                v.lang,
                v.slug,
                CreateGroup::url(),
                "new-group",
                None,
                &v.held,
                t.create_group,
            ),
        )
    });
    let body = if groups.is_empty() {
        let text = if v.manage {
            t.no_groups_manage
        } else {
            t.no_groups
        };
        view! { <div class="card empty-state"><p>{text}</p></div> }.into_any()
    } else {
        let rows = groups
            .iter()
            .map(|g| {
                let users = format!(
                    "/p/{}/users?{}",
                    v.slug,
                    form_urlencoded::Serializer::new(String::new())
                        .append_pair("group", &g.name)
                        .finish()
                );
                view! {
                    <tr>
                        <td><a href=format!("{base}/{}", g.id)>{g.name.clone()}</a></td>
                        <td class="muted">{g.description.clone()}</td>
                        <td>{chips(&g.permissions, r)}</td>
                        <td class="num"><a href=users title=t.show_in_users>{s.number(g.members)}</a></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="card table-card">
                <table class="table">
                    <caption class="visually-hidden">{t.groups_table}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{r.name}</th>
                            <th scope="col">{r.description}</th>
                            <th scope="col">{r.permissions}</th>
                            <th scope="col" class="num">{r.members}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! { {create} {body} }.to_html()
}

/// One group: its permissions, edit and delete, members (searched and paged) and the picker.
pub fn render_group(
    v: &GroupView<'_>,
    g: &GroupInfo,
    q: &GroupQuery,
    members: Page<UserRow>,
    found: Option<Page<UserRow>>,
) -> String {
    let t = GroupsText::of(v.lang);
    let s = strings(v.lang);
    let r = RolesText::of(v.lang);
    let base = format!("/p/{}/groups/{}", v.slug, g.id);
    let count = if g.members == 1 {
        t.members_count_one.to_string()
    } else {
        fill(t.members_count, &[("n", &s.number(g.members))])
    };
    let manage = v.manage.then(|| {
        let access = Access {
            id: g.id,
            name: &g.name,
            description: &g.description,
            permissions: &g.permissions,
            fixed_name: false,
        };
        let delete_lead = if g.members == 0 {
            fill(t.delete_lead_empty, &[("name", &g.name)])
        } else {
            fill(t.delete_lead, &[("name", &g.name), ("n", &s.number(g.members))])
        };
        view! {
            {opener("group-edit", t.edit_group.into(), "button")}
            {opener("group-delete", t.delete_group.into(), "button danger")}
            {dialog("group-edit", t.edit_group.into(), s, permissions_form(v.lang, v.slug, UpdateGroup::url(), "edit-group", Some(access), &v.held, s.save))}
            {dialog(
                "group-delete",
                t.delete_group.into(),
                s,
                view! {
                    <form class="form" method="post" action=DeleteGroup::url()>
                        {hidden(v.slug, g.id)}
                        <p>{delete_lead}</p>
                        {form_error()}
                        {form_actions(s, t.delete_group, "button danger")}
                    </form>
                }
                .into_any(),
            )}
        }
    });
    let summary = view! {
        <section class="card group-summary" aria-labelledby="group-name">
            <div class="group-summary-head">
                <div>
                    <h2 id="group-name">{g.name.clone()}</h2>
                    {(!g.description.is_empty()).then(|| view! { <p class="muted">{g.description.clone()}</p> })}
                </div>
                <div class="page-actions">{manage}</div>
            </div>
            <h3 class="section-subtitle">{r.permissions}</h3>
            {chips(&g.permissions, r)}
        </section>
    };

    let member_rows = members
        .items
        .iter()
        .map(|m| {
            let remove = v.manage.then(|| {
                let label = fill(t.remove_label, &[("email", &m.email)]);
                view! {
                    <td class="actions">
                        <form method="post" action=RemoveGroupMember::url() data-focus-after="group-q">
                            {hidden(v.slug, g.id)}
                            <input type="hidden" name="user" value=m.id.to_string() />
                            <button type="submit" class="button small" aria-label=label>{t.remove}</button>
                        </form>
                    </td>
                }
            });
            view! {
                <tr>
                    <td><a href=format!("/p/{}/users/{}", v.slug, m.id)>{m.email.clone()}</a></td>
                    <td>{m.name()}</td>
                    <td>{m.role.clone()}</td>
                    <td>{super::status_badge(s, m.status)}</td>
                    {remove}
                </tr>
            }
        })
        .collect_view();
    let pages = members
        .total
        .div_ceil(u64::from(members.size.max(1)))
        .max(1) as u32;
    let pager = (pages > 1).then(|| {
        let prev = (members.page > 1).then(|| q.href(&base, members.page - 1));
        let next = (members.page < pages || members.more).then(|| q.href(&base, members.page + 1));
        view! {
            <nav class="pager" aria-label=t.member_pages>
                <span class="muted">
                    {format!("{} {} {} {}", s.page_word, members.page, s.of_word, s.number(u64::from(pages)))}
                </span>
                <div class="pager-spacer"></div>
                {prev.map(|h| view! { <a class="button" href=h rel="prev">{s.previous}</a> })}
                {next.map(|h| view! { <a class="button" href=h rel="next">{s.next}</a> })}
            </nav>
        }
    });
    let member_body = if members.items.is_empty() {
        let text = if q.q.is_empty() {
            t.no_members
        } else {
            t.no_members_match
        };
        view! { <p class="muted empty-state">{text}</p> }.into_any()
    } else {
        view! {
            <table class="table">
                <caption class="visually-hidden">{t.members_table}</caption>
                <thead>
                    <tr>
                        <th scope="col">{s.col_email}</th>
                        <th scope="col">{s.col_name}</th>
                        <th scope="col">{s.col_role}</th>
                        <th scope="col">{s.col_status}</th>
                        {v.manage.then(|| view! { <th scope="col"><span class="visually-hidden">{t.remove}</span></th> })}
                    </tr>
                </thead>
                <tbody>{member_rows}</tbody>
            </table>
        }
        .into_any()
    };
    let members_section = view! {
        <section class="group-members" aria-labelledby="group-members">
            <div class="toolbar">
                <h2 id="group-members" class="section-title">{t.members_of}" "<span class="muted">{count}</span></h2>
                <div class="pager-spacer"></div>
                <form class="toolbar-form" role="search" method="get" action=base.clone() aria-label=t.search_members>
                    {(!q.find.is_empty()).then(|| view! { <input type="hidden" name="find" value=q.find.clone() /> })}
                    <label for="group-q" class="visually-hidden">{t.search_members}</label>
                    <input id="group-q" name="q" type="search" data-live="" value=q.q.clone() placeholder=t.search_members_placeholder autocomplete="off" />
                    <button type="submit" class="button">{t.search}</button>
                </form>
            </div>
            <div class="card table-card">{member_body}</div>
            {pager}
        </section>
    };

    let picker = v.manage.then(|| {
        let short = (found.is_none() && !q.find.is_empty())
            .then(|| view! { <p class="muted" role="status">{t.find_short}</p> });
        let results = found.map(|found| {
            if found.items.is_empty() {
                return view! { <p class="muted">{t.no_people}</p> }.into_any();
            }
            let items = found
                .items
                .iter()
                .map(|u| {
                    let action = if u.groups.contains(&g.name) {
                        view! { <span class="badge badge-inactive">{t.already_member}</span> }.into_any()
                    } else {
                        let label = fill(t.add_label, &[("email", &u.email)]);
                        view! {
                            <form method="post" action=AddGroupMember::url() data-focus-after="group-find">
                                {hidden(v.slug, g.id)}
                                <input type="hidden" name="user" value=u.id.to_string() />
                                <button type="submit" class="button small primary" aria-label=label>{t.add}</button>
                            </form>
                        }
                        .into_any()
                    };
                    view! {
                        <li>
                            <span><span class="mono">{u.email.clone()}</span>" "<span class="muted">{u.name()}</span></span>
                            {action}
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="picker-results" aria-label=t.find_label>{items}</ul> }.into_any()
        });
        view! {
            <section class="card" aria-labelledby="group-add">
                <h2 id="group-add" class="section-title">{t.add_members}</h2>
                <form role="search" method="get" action=base.clone() aria-label=t.find_label class="form">
                    {(!q.q.is_empty()).then(|| view! { <input type="hidden" name="q" value=q.q.clone() /> })}
                    <div class="field">
                        <label for="group-find">{t.find_label}</label>
                        <div class="toolbar">
                            <input id="group-find" name="find" type="search" data-live="" value=q.find.clone() placeholder=t.find_placeholder autocomplete="off" aria-describedby="group-find-hint" />
                            <button type="submit" class="button">{t.search}</button>
                        </div>
                        <p class="small muted" id="group-find-hint">{t.find_hint}</p>
                    </div>
                </form>
                {short}
                {results}
            </section>
        }
    });
    view! {
        <p><a href=format!("/p/{}/groups", v.slug)>{t.all_groups}</a></p>
        {summary}
        {picker}
        {members_section}
    }
    .to_html()
}
