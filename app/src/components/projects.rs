//! The projects page as HTML, rendered on the server only: the reader's projects (every
//! project for a superadmin) with their settings; "Create project" and "Delete" for
//! superadmins, "Settings" (name, sign-up, legal links, two-factor rule) for owners.
use super::server_forms::{create_bar, dialog, form_actions, form_error, opener_named};
use crate::api::{CreateProject, DeleteProject, UpdateProject};
use crate::i18n::{fill, number, strings};
use crate::model::{Language, ProjectInfo, ProjectSummary, ALL_PERMISSIONS, MAX_SLUG};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

crate::i18n::text_table! {
    ProjectsText {
        projects_table,
        create_project,
        slug,
        slug_hint,
        name,
        members,
        signup,
        signup_open,
        signup_closed,
        your_permissions,
        n_of_m,
        settings,
        settings_of,
        allow_signup,
        allow_signup_hint,
        terms_url,
        privacy_url,
        urls_hint,
        require_2fa,
        require_2fa_hint,
        delete,
        delete_project,
        delete_named,
        actions,
        delete_lead,
        type_slug,
        current,
        t_created,
        t_saved,
        t_deleted,
    }
}

pub const EN: ProjectsText = ProjectsText {
    projects_table: "Your projects",
    create_project: "Create project",
    slug: "Slug",
    slug_hint: "Lowercase letters, digits and hyphens. It names the project in every URL and can't be changed later.",
    name: "Name",
    members: "Members",
    signup: "Sign-up",
    signup_open: "Open",
    signup_closed: "By invitation",
    your_permissions: "Your permissions",
    n_of_m: "{n} of {m}",
    settings: "Settings",
    settings_of: "Settings of {name}",
    allow_signup: "Allow sign-up",
    allow_signup_hint: "People can create their own account in this project, at /p/{slug}/signup.",
    terms_url: "Terms of service URL",
    privacy_url: "Privacy policy URL",
    urls_hint: "People who sign up must accept them. Leave empty for none.",
    require_2fa: "Require two-factor authentication for admins",
    require_2fa_hint: "Admins and owners set it up before they can use the console.",
    delete: "Delete",
    delete_project: "Delete project",
    delete_named: "Delete {name}",
    actions: "Actions",
    delete_lead: "Delete the project \"{name}\" with its {n} memberships, its roles, groups and invitations? People keep their accounts and their other projects, and the audit log keeps the project's history. This cannot be undone.",
    type_slug: "Type {slug} to confirm",
    current: "Current",
    t_created: "Project {slug} created.",
    t_saved: "Project saved.",
    t_deleted: "Project {slug} deleted.",
};

pub const FR: ProjectsText = ProjectsText {
    projects_table: "Vos projets",
    create_project: "Créer un projet",
    slug: "Identifiant",
    slug_hint: "Lettres minuscules, chiffres et tirets. Il nomme le projet dans chaque adresse et ne peut plus être changé.",
    name: "Nom",
    members: "Membres",
    signup: "Inscription",
    signup_open: "Ouverte",
    signup_closed: "Sur invitation",
    your_permissions: "Vos permissions",
    n_of_m: "{n} sur {m}",
    settings: "Réglages",
    settings_of: "Réglages de {name}",
    allow_signup: "Autoriser l'inscription",
    allow_signup_hint: "Chacun peut créer son compte dans ce projet, à l'adresse /p/{slug}/signup.",
    terms_url: "Adresse des conditions d'utilisation",
    privacy_url: "Adresse de la politique de confidentialité",
    urls_hint: "Les personnes qui s'inscrivent doivent les accepter. Laissez vide s'il n'y en a pas.",
    require_2fa: "Exiger la double authentification des administrateurs",
    require_2fa_hint: "Administrateurs et propriétaires la configurent avant d'utiliser la console.",
    delete: "Supprimer",
    delete_project: "Supprimer le projet",
    delete_named: "Supprimer {name}",
    actions: "Actions",
    delete_lead: "Supprimer le projet « {name} » avec ses {n} adhésions, ses rôles, groupes et invitations ? Chacun garde son compte et ses autres projets, et le journal d'audit garde l'historique du projet. C'est définitif.",
    type_slug: "Saisissez {slug} pour confirmer",
    current: "Actuel",
    t_created: "Projet {slug} créé.",
    t_saved: "Projet enregistré.",
    t_deleted: "Projet {slug} supprimé.",
};

/// Who looks at the page, and from which project.
pub struct ProjectsView<'a> {
    /// The console's current project.
    pub current: &'a str,
    pub lang: Language,
    pub superadmin: bool,
    /// The listed projects the reader may configure.
    pub owned: &'a [i64],
    /// The reader's permissions per project.
    pub permissions: &'a [ProjectSummary],
}

/// The reader's projects as a table, with the forms they may use.
pub fn render(v: &ProjectsView<'_>, projects: &[ProjectInfo]) -> String {
    let t = ProjectsText::of(v.lang);
    let s = strings(v.lang);
    let create = v.superadmin.then(|| {
        create_bar(
            "project-create",
            t.create_project,
            s,
                view! {
                    <form class="form" method="post" action=CreateProject::url() novalidate=true>
                        <div class="field">
                            <label for="new-project-slug">{t.slug}</label>
                            <input id="new-project-slug" name="slug" type="text" class="mono" required=true autofocus=true maxlength=MAX_SLUG.to_string() pattern="[a-z0-9]+(-[a-z0-9]+)*" autocomplete="off" aria-describedby="new-project-slug-hint" />
                            <p class="small muted" id="new-project-slug-hint">{t.slug_hint}</p>
                        </div>
                        <div class="field">
                            <label for="new-project-name">{t.name}</label>
                            <input id="new-project-name" name="name" type="text" required=true maxlength="100" autocomplete="off" />
                        </div>
                        {form_error()}
                        {form_actions(s, t.create_project, "button primary")}
                    </form>
                }
                .into_any(),
        )
    });
    let rows = projects
        .iter()
        .map(|p| {
            let held = v
                .permissions
                .iter()
                .find(|x| x.id == p.id)
                .map_or(0, |x| x.permissions.len());
            let owned = v.owned.contains(&p.id);
            let actions = (owned || v.superadmin).then(|| {
                view! {
                    <td class="actions">
                        {owned.then(|| opener_named(&format!("project-{}-settings", p.id), t.settings.into(), fill(t.settings_of, &[("name", &p.name)]), "button small"))}
                        {v.superadmin.then(|| opener_named(&format!("project-{}-delete", p.id), t.delete.into(), fill(t.delete_named, &[("name", &p.name)]), "button small danger"))}
                    </td>
                }
            });
            view! {
                <tr>
                    <td>
                        <a href=format!("/p/{}", p.slug)>{p.name.clone()}</a>
                        {(p.slug == v.current).then(|| view! { " "<span class="badge badge-active">{t.current}</span> })}
                    </td>
                    <td class="mono">{p.slug.clone()}</td>
                    <td class="num">{number(v.lang, p.members)}</td>
                    <td>{if p.allow_signup { t.signup_open } else { t.signup_closed }}</td>
                    <td class="muted">{fill(t.n_of_m, &[("n", &held.to_string()), ("m", &ALL_PERMISSIONS.len().to_string())])}</td>
                    {actions}
                </tr>
            }
        })
        .collect_view();
    let any_actions = v.superadmin || !v.owned.is_empty();
    let dialogs = projects
        .iter()
        .map(|p| project_dialogs(v, p))
        .collect_view();
    view! {
        {create}
        <div class="card table-card">
            <table class="table">
                <caption class="visually-hidden">{t.projects_table}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.name}</th>
                        <th scope="col">{t.slug}</th>
                        <th scope="col" class="num">{t.members}</th>
                        <th scope="col">{t.signup}</th>
                        <th scope="col">{t.your_permissions}</th>
                        {any_actions.then(|| view! { <th scope="col"><span class="visually-hidden">{t.actions}</span></th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {dialogs}
    }
    .to_html()
}

/// A project's settings dialog (owners) and delete dialog (superadmins).
fn project_dialogs(v: &ProjectsView<'_>, p: &ProjectInfo) -> impl IntoView {
    let t = ProjectsText::of(v.lang);
    let s = strings(v.lang);
    let id = |what: &str| format!("project-{}-{what}", p.id);
    let settings = v.owned.contains(&p.id).then(|| {
        dialog(
            &id("settings"),
            fill(t.settings_of, &[("name", &p.name)]),
            s,
            view! {
                <form class="form" method="post" action=UpdateProject::url() novalidate=true>
                    <input type="hidden" name="project" value=p.slug.clone() />
                    <div class="field">
                        <label for=id("name")>{t.name}</label>
                        <input id=id("name") name="name" type="text" required=true maxlength="100" autofocus=true value=p.name.clone() autocomplete="off" />
                    </div>
                    <label class="check">
                        <input type="checkbox" name="allow_signup" value="on" checked=p.allow_signup aria-describedby=id("signup-hint") />
                        <span>{t.allow_signup}</span>
                    </label>
                    <p class="small muted" id=id("signup-hint")>{t.allow_signup_hint.replace("{slug}", &p.slug)}</p>
                    <div class="field">
                        <label for=id("terms")>{t.terms_url}</label>
                        <input id=id("terms") name="terms_url" type="url" value=p.terms_url.clone() placeholder="https://" aria-describedby=id("urls-hint") />
                    </div>
                    <div class="field">
                        <label for=id("privacy")>{t.privacy_url}</label>
                        <input id=id("privacy") name="privacy_url" type="url" value=p.privacy_url.clone() placeholder="https://" aria-describedby=id("urls-hint") />
                        <p class="small muted" id=id("urls-hint")>{t.urls_hint}</p>
                    </div>
                    <label class="check">
                        <input type="checkbox" name="require_admin_2fa" value="on" checked=p.require_admin_2fa aria-describedby=id("2fa-hint") />
                        <span>{t.require_2fa}</span>
                    </label>
                    <p class="small muted" id=id("2fa-hint")>{t.require_2fa_hint}</p>
                    {form_error()}
                    {form_actions(s, s.save, "button primary")}
                </form>
            }
            .into_any(),
        )
    });
    let delete = v.superadmin.then(|| {
        let label = fill(t.type_slug, &[("slug", &p.slug)]);
        dialog(
            &id("delete"),
            t.delete_project.into(),
            s,
            view! {
                <form class="form" method="post" action=DeleteProject::url() novalidate=true>
                    <input type="hidden" name="project" value=p.slug.clone() />
                    <p>{fill(t.delete_lead, &[("name", &p.name), ("n", &number(v.lang, p.members))])}</p>
                    <div class="field">
                        <label for=id("confirm")>{label}</label>
                        <input id=id("confirm") name="confirm" type="text" class="mono" required=true autofocus=true autocomplete="off" />
                    </div>
                    {form_error()}
                    {form_actions(s, t.delete_project, "button danger")}
                </form>
            }
            .into_any(),
        )
    });
    view! { {settings} {delete} }
}
