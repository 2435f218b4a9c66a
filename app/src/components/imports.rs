//! The import and export pages as HTML, rendered on the server only (see
//! [`super::ServerHtml`]). Uploads, downloads and the export are plain forms the browser
//! sends itself (`data-native`): they work before and without script.
use super::server_forms::{form_error, hidden};
use crate::api::{CancelImport, ConfirmImport};
use crate::i18n::{fill, strings};
use crate::model::{
    time::{format_utc, relative},
    ImportInfo, ImportOutcome, ImportProblem, ImportRow, ImportState, Language,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

crate::i18n::text_table! {
    ImportText {
        step_template,
        template_lead,
        download_template,
        step_upload,
        file_label,
        file_hint,
        upload,
        recent,
        recent_table,
        col_file,
        col_by,
        col_when,
        col_state,
        col_rows,
        col_imported,
        open,
        review_title,
        nothing_written,
        c_rows,
        c_ready,
        c_problems,
        c_invalid,
        c_duplicates,
        c_members,
        c_unknown_roles,
        c_unknown_groups,
        c_not_grantable,
        c_other,
        send_mail,
        send_mail_hint,
        confirm,
        nothing_ready,
        discard,
        only_problems,
        show,
        rows_table,
        col_line,
        col_problems,
        row_pages,
        no_rows,
        no_problem_rows,
        running_title,
        progress_label,
        progress_text,
        rate_text,
        refresh,
        done_title,
        done_text,
        error_report,
        show_invited,
        new_import,
        state_review,
        state_running,
        state_done,
        p_email_missing,
        p_email,
        p_duplicate,
        p_member,
        p_invited,
        p_role,
        p_groups,
        p_grant,
        p_long,
        p_cells,
        o_taken,
        o_grant,
        o_imported,
        reason_line,
        t_confirmed,
        t_discarded,
        export_lead,
        scope,
        scope_view,
        scope_view_hint,
        no_filter,
        scope_all,
        scope_selected,
        format,
        format_csv,
        format_json,
        format_hint,
        fields,
        f_id,
        f_created,
        f_metadata,
        export,
        back_to_users,
    }
}

pub const EN: ImportText = ImportText {
    step_template: "1. Start from the template",
    template_lead: "One person per line: email (required), first_name, last_name, role (the project's default when empty) and groups (separated by semicolons). The header may come in any order.",
    download_template: "Download template",
    step_upload: "2. Upload the file",
    file_label: "CSV file",
    file_hint: "Drop a file here or choose one. UTF-8 text, comma or semicolon separated, up to {rows} rows and {mb} MB. Nothing is written before you confirm.",
    upload: "Upload and review",
    recent: "Recent imports",
    recent_table: "Recent imports of this project",
    col_file: "File",
    col_by: "By",
    col_when: "Uploaded",
    col_state: "State",
    col_rows: "Rows",
    col_imported: "Imported",
    open: "Open",
    review_title: "3. Review \"{file}\"",
    nothing_written: "Nothing has been written yet: the people below are invited only when you confirm.",
    c_rows: "Rows read",
    c_ready: "Ready",
    c_problems: "With problems",
    c_invalid: "Invalid emails",
    c_duplicates: "Duplicates in the file",
    c_members: "Already in the project",
    c_unknown_roles: "Unknown roles",
    c_unknown_groups: "Unknown groups",
    c_not_grantable: "Roles or groups you may not grant",
    c_other: "Other problems",
    send_mail: "Send invitation emails",
    send_mail_hint: "Check that mail is delivered (an invitation to yourself) before inviting everyone. Without emails, each person's registration link is on their page.",
    confirm: "Confirm import",
    nothing_ready: "No row is ready to import. Fix the file and upload it again.",
    discard: "Discard",
    only_problems: "Only rows with problems",
    show: "Show",
    rows_table: "Rows of the file",
    col_line: "Line",
    col_problems: "Problems",
    row_pages: "Pages of rows",
    no_rows: "No rows.",
    no_problem_rows: "No row has a problem.",
    running_title: "Importing \"{file}\"",
    progress_label: "Import progress",
    progress_text: "{done} of {total} rows ({percent}%)",
    rate_text: "{rate} rows a second, about {left} left",
    refresh: "Refresh",
    done_title: "Import of \"{file}\" finished",
    done_text: "{imported} invited, {skipped} skipped at import, {refused} refused at review.",
    error_report: "Download error report",
    show_invited: "Show the invited people on the Users page",
    new_import: "Import another file",
    state_review: "To review",
    state_running: "Importing",
    state_done: "Finished",
    p_email_missing: "No email address.",
    p_email: "Not a valid email address.",
    p_duplicate: "Same email as line {line}.",
    p_member: "Already a member of this project.",
    p_invited: "Already invited to this project.",
    p_role: "No role \"{role}\" in this project.",
    p_groups: "No group {groups} in this project.",
    p_grant: "You can't grant {permissions}.",
    p_long: "A cell is too long or holds a control character (names and groups: 100 characters at most).",
    p_cells: "More cells than the header has columns.",
    o_taken: "Skipped: invited or added by someone else meanwhile.",
    o_grant: "Skipped: its role or groups can no longer be granted.",
    o_imported: "Invited",
    reason_line: "Line {line}: {problems}",
    t_confirmed: "Import started.",
    t_discarded: "Import discarded.",
    export_lead: "Download the project's users as a file: choose which, in what format, and which fields. Large exports stream: a million users download as fast as the network goes.",
    scope: "Scope",
    scope_view: "Current view",
    scope_view_hint: "The Users table's search, filters and sort: {view}.",
    no_filter: "no search or filter",
    scope_all: "All users",
    scope_selected: "Selected users ({n})",
    format: "Format",
    format_csv: "CSV",
    format_json: "JSON",
    format_hint: "JSON is JSON Lines: one object per person and line.",
    fields: "Fields",
    f_id: "ID",
    f_created: "Created",
    f_metadata: "Metadata",
    export: "Export",
    back_to_users: "Back to users",
};

pub const FR: ImportText = ImportText {
    step_template: "1. Partir du modèle",
    template_lead: "Une personne par ligne : email (obligatoire), first_name, last_name, role (le rôle par défaut du projet si vide) et groups (séparés par des points-virgules). L'en-tête peut être dans n'importe quel ordre.",
    download_template: "Télécharger le modèle",
    step_upload: "2. Envoyer le fichier",
    file_label: "Fichier CSV",
    file_hint: "Déposez un fichier ici ou choisissez-en un. Texte UTF-8, séparé par des virgules ou des points-virgules, jusqu'à {rows} lignes et {mb} Mo. Rien n'est écrit avant votre confirmation.",
    upload: "Envoyer et vérifier",
    recent: "Imports récents",
    recent_table: "Imports récents de ce projet",
    col_file: "Fichier",
    col_by: "Par",
    col_when: "Envoyé",
    col_state: "État",
    col_rows: "Lignes",
    col_imported: "Importées",
    open: "Ouvrir",
    review_title: "3. Vérifier « {file} »",
    nothing_written: "Rien n'a encore été écrit : les personnes ci-dessous ne sont invitées que lorsque vous confirmez.",
    c_rows: "Lignes lues",
    c_ready: "Prêtes",
    c_problems: "Avec des problèmes",
    c_invalid: "E-mails invalides",
    c_duplicates: "Doublons dans le fichier",
    c_members: "Déjà dans le projet",
    c_unknown_roles: "Rôles inconnus",
    c_unknown_groups: "Groupes inconnus",
    c_not_grantable: "Rôles ou groupes que vous ne pouvez pas accorder",
    c_other: "Autres problèmes",
    send_mail: "Envoyer les e-mails d'invitation",
    send_mail_hint: "Vérifiez que le courrier part (une invitation à vous-même) avant d'inviter tout le monde. Sans e-mail, le lien d'inscription de chacun est sur sa page.",
    confirm: "Confirmer l'import",
    nothing_ready: "Aucune ligne n'est prête à importer. Corrigez le fichier et envoyez-le à nouveau.",
    discard: "Abandonner",
    only_problems: "Seulement les lignes avec des problèmes",
    show: "Afficher",
    rows_table: "Lignes du fichier",
    col_line: "Ligne",
    col_problems: "Problèmes",
    row_pages: "Pages de lignes",
    no_rows: "Aucune ligne.",
    no_problem_rows: "Aucune ligne n'a de problème.",
    running_title: "Import de « {file} » en cours",
    progress_label: "Progression de l'import",
    progress_text: "{done} lignes sur {total} ({percent} %)",
    rate_text: "{rate} lignes par seconde, environ {left} restantes",
    refresh: "Actualiser",
    done_title: "Import de « {file} » terminé",
    done_text: "{imported} invitées, {skipped} ignorées à l'import, {refused} refusées à la vérification.",
    error_report: "Télécharger le rapport d'erreurs",
    show_invited: "Voir les personnes invitées dans la page Utilisateurs",
    new_import: "Importer un autre fichier",
    state_review: "À vérifier",
    state_running: "En cours",
    state_done: "Terminé",
    p_email_missing: "Pas d'adresse e-mail.",
    p_email: "Adresse e-mail invalide.",
    p_duplicate: "Même e-mail qu'à la ligne {line}.",
    p_member: "Déjà membre de ce projet.",
    p_invited: "Déjà invité dans ce projet.",
    p_role: "Pas de rôle « {role} » dans ce projet.",
    p_groups: "Pas de groupe {groups} dans ce projet.",
    p_grant: "Vous ne pouvez pas accorder {permissions}.",
    p_long: "Une cellule est trop longue ou contient un caractère de contrôle (noms et groupes : 100 caractères au plus).",
    p_cells: "Plus de cellules que l'en-tête n'a de colonnes.",
    o_taken: "Ignorée : invitée ou ajoutée par quelqu'un d'autre entre-temps.",
    o_grant: "Ignorée : son rôle ou ses groupes ne peuvent plus être accordés.",
    o_imported: "Invitée",
    reason_line: "Ligne {line} : {problems}",
    t_confirmed: "Import lancé.",
    t_discarded: "Import abandonné.",
    export_lead: "Téléchargez les utilisateurs du projet dans un fichier : choisissez lesquels, dans quel format et avec quels champs. Les gros exports sont diffusés en continu : un million d'utilisateurs se téléchargent aussi vite que le réseau le permet.",
    scope: "Portée",
    scope_view: "Vue actuelle",
    scope_view_hint: "La recherche, les filtres et le tri du tableau des utilisateurs : {view}.",
    no_filter: "aucune recherche ni filtre",
    scope_all: "Tous les utilisateurs",
    scope_selected: "Utilisateurs sélectionnés ({n})",
    format: "Format",
    format_csv: "CSV",
    format_json: "JSON",
    format_hint: "JSON au format JSON Lines : un objet par personne et par ligne.",
    fields: "Champs",
    f_id: "ID",
    f_created: "Création",
    f_metadata: "Métadonnées",
    export: "Exporter",
    back_to_users: "Retour aux utilisateurs",
};

/// Who looks at the page, and where.
pub struct ImportView<'a> {
    pub slug: &'a str,
    pub lang: Language,
    pub now: i64,
}

fn base(slug: &str) -> String {
    format!("/p/{slug}/users/import")
}

/// A row's problems (or what the job did with it) in words.
pub fn problems_text(lang: Language, row: &ImportRow) -> String {
    let t = ImportText::of(lang);
    let detail: serde_json::Value = serde_json::from_str(&row.detail).unwrap_or_default();
    let list = |key: &str| {
        detail[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .map(|v| format!("\"{v}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let mut out: Vec<String> = row
        .problems
        .iter()
        .map(|p| match p {
            ImportProblem::Email if row.email.is_empty() => t.p_email_missing.to_string(),
            ImportProblem::Email => t.p_email.to_string(),
            ImportProblem::Duplicate => fill(
                t.p_duplicate,
                &[(
                    "line",
                    &detail["first_line"].as_u64().unwrap_or(0).to_string(),
                )],
            ),
            ImportProblem::Member => t.p_member.to_string(),
            ImportProblem::Invited => t.p_invited.to_string(),
            ImportProblem::UnknownRole => fill(t.p_role, &[("role", &row.role)]),
            ImportProblem::UnknownGroups => fill(t.p_groups, &[("groups", &list("groups"))]),
            ImportProblem::NotGrantable => fill(t.p_grant, &[("permissions", &list("missing"))]),
            ImportProblem::TooLong => t.p_long.to_string(),
            ImportProblem::ExtraCells => t.p_cells.to_string(),
        })
        .collect();
    match row.outcome {
        Some(ImportOutcome::SkippedTaken) => out.push(t.o_taken.into()),
        Some(ImportOutcome::SkippedGrant) => out.push(t.o_grant.into()),
        _ => {}
    }
    out.join(" ")
}

/// The error report's reason cell: "Line 7: Not a valid email address."
pub fn reason(lang: Language, row: &ImportRow) -> String {
    fill(
        ImportText::of(lang).reason_line,
        &[
            ("line", &row.line.to_string()),
            ("problems", &problems_text(lang, row)),
        ],
    )
}

fn state_text(t: &ImportText, state: ImportState) -> &'static str {
    match state {
        ImportState::Review | ImportState::Cancelled => t.state_review,
        ImportState::Running => t.state_running,
        ImportState::Done => t.state_done,
    }
}

/// A GET form whose only control is a button: a download the browser makes itself.
fn download_button(action: String, label: &'static str, class: &'static str) -> impl IntoView {
    view! {
        <form method="get" action=action data-native="" class="inline-form">
            <button type="submit" class=class>{label}</button>
        </form>
    }
}

/// The start of an import: the template, the upload, and the project's recent imports.
pub fn render_start(
    v: &ImportView<'_>,
    recent: &[ImportInfo],
    max_rows: u64,
    max_mb: u64,
) -> String {
    let t = ImportText::of(v.lang);
    let s = strings(v.lang);
    let base = base(v.slug);
    let hint = fill(
        t.file_hint,
        &[("rows", &s.number(max_rows)), ("mb", &max_mb.to_string())],
    );
    let recent_view = (!recent.is_empty()).then(|| {
        let rows = recent
            .iter()
            .map(|i| {
                view! {
                    <tr>
                        <td><a href=format!("{base}/{}", i.id)>{i.file_name.clone()}</a></td>
                        <td>{i.created_by.clone()}</td>
                        <td title=format_utc(i.created_at)>{relative(i.created_at, v.now, v.lang)}</td>
                        <td>{state_text(t, i.state)}</td>
                        <td class="num">{s.number(i.counts.rows)}</td>
                        <td class="num">{s.number(i.imported)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="import-recent" aria-labelledby="import-recent">
                <h2 id="import-recent" class="section-title">{t.recent}</h2>
                <div class="card table-card">
                    <table class="table">
                        <caption class="visually-hidden">{t.recent_table}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t.col_file}</th>
                                <th scope="col">{t.col_by}</th>
                                <th scope="col">{t.col_when}</th>
                                <th scope="col">{t.col_state}</th>
                                <th scope="col" class="num">{t.col_rows}</th>
                                <th scope="col" class="num">{t.col_imported}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
        }
    });
    view! {
        <div class="import-steps">
            <section class="card import-step" aria-labelledby="import-template">
                <h2 id="import-template" class="section-title">{t.step_template}</h2>
                <p class="muted">{t.template_lead}</p>
                <pre class="mono template-sample">"email,first_name,last_name,role,groups\nada@example.com,Ada,Lovelace,end_user,engineering;london"</pre>
                {download_button(format!("{base}/template.csv"), t.download_template, "button")}
            </section>
            <section class="card import-step" aria-labelledby="import-upload">
                <h2 id="import-upload" class="section-title">{t.step_upload}</h2>
                <form class="form" method="post" action=format!("{base}/upload") enctype="multipart/form-data" data-native="">
                    <label for="import-file">{t.file_label}</label>
                    <input id="import-file" class="drop-zone" type="file" name="file" accept=".csv,text/csv,text/plain" required=true aria-describedby="import-file-hint" />
                    <p id="import-file-hint" class="muted">{hint}</p>
                    <div class="form-actions">
                        <button type="submit" class="button primary">{t.upload}</button>
                    </div>
                </form>
            </section>
        </div>
        {recent_view}
        <p><a href=format!("/p/{}/users", v.slug)>{t.back_to_users}</a></p>
    }
    .to_html()
}

/// The rows a page of the review (or the result) shows, with their pager.
pub struct RowsView {
    pub rows: Vec<ImportRow>,
    pub prev: Option<u64>,
    pub next: Option<u64>,
    pub problems_only: bool,
}

/// One import: its review, its progress, or its result.
pub fn render_import(v: &ImportView<'_>, i: &ImportInfo, rows: RowsView) -> String {
    let t = ImportText::of(v.lang);
    let s = strings(v.lang);
    let base = format!("{}/{}", base(v.slug), i.id);
    let c = &i.counts;
    let count = |label: &'static str, n: u64, class: &'static str| {
        view! { <div class=class><dt>{label}</dt><dd>{s.number(n)}</dd></div> }
    };
    let counts = view! {
        <dl class="import-counts">
            {count(t.c_rows, c.rows, "")}
            {count(t.c_ready, c.ready, "ok")}
            {count(t.c_problems, c.problems, if c.problems > 0 { "bad" } else { "" })}
            {(c.invalid_emails > 0).then(|| count(t.c_invalid, c.invalid_emails, ""))}
            {(c.duplicates > 0).then(|| count(t.c_duplicates, c.duplicates, ""))}
            {(c.members > 0).then(|| count(t.c_members, c.members, ""))}
            {(c.unknown_roles > 0).then(|| count(t.c_unknown_roles, c.unknown_roles, ""))}
            {(c.unknown_groups > 0).then(|| count(t.c_unknown_groups, c.unknown_groups, ""))}
            {(c.not_grantable > 0).then(|| count(t.c_not_grantable, c.not_grantable, ""))}
            {(c.other > 0).then(|| count(t.c_other, c.other, ""))}
        </dl>
    };
    let head = match i.state {
        ImportState::Review | ImportState::Cancelled => {
            let confirm = if c.ready > 0 {
                view! {
                    <form class="form import-confirm" method="post" action=ConfirmImport::url()>
                        {hidden(v.slug, i.id)}
                        <label class="checkbox">
                            <input type="checkbox" name="send_mail" value="on" checked=true aria-describedby="send-mail-hint" />
                            {t.send_mail}
                        </label>
                        <p id="send-mail-hint" class="muted">{t.send_mail_hint}</p>
                        {form_error()}
                        <div class="form-actions">
                            <button type="submit" class="button primary">{t.confirm}</button>
                        </div>
                    </form>
                }
                .into_any()
            } else {
                view! { <p class="form-error" role="alert">{t.nothing_ready}</p> }.into_any()
            };
            view! {
                <section class="card import-step" aria-labelledby="import-review">
                    <h2 id="import-review" class="section-title">{fill(t.review_title, &[("file", &i.file_name)])}</h2>
                    <p class="muted">{t.nothing_written}</p>
                    {counts}
                    {confirm}
                    <form method="post" action=CancelImport::url() class="inline-form">
                        {hidden(v.slug, i.id)}
                        <button type="submit" class="button">{t.discard}</button>
                    </form>
                    {(c.problems > 0).then(|| download_button(format!("{base}/errors.csv"), t.error_report, "button"))}
                </section>
            }
            .into_any()
        }
        ImportState::Running | ImportState::Done => {
            let done = i.state == ImportState::Done;
            let percent = i.percent();
            let progress = fill(
                t.progress_text,
                &[
                    ("done", &s.number(i.done)),
                    ("total", &s.number(c.ready)),
                    ("percent", &percent.to_string()),
                ],
            );
            let rate = (!done)
                .then(|| i.rate(v.now))
                .flatten()
                .map(|(rate, left)| {
                    fill(
                        t.rate_text,
                        &[
                            ("rate", &s.number(rate.round() as u64)),
                            ("left", &duration(left, v.lang)),
                        ],
                    )
                });
            let title = if done {
                fill(t.done_title, &[("file", &i.file_name)])
            } else {
                fill(t.running_title, &[("file", &i.file_name)])
            };
            let result = done.then(|| {
                let refused = c.problems;
                view! {
                    <p role="status">{fill(t.done_text, &[
                        ("imported", &s.number(i.imported)),
                        ("skipped", &s.number(i.skipped)),
                        ("refused", &s.number(refused)),
                    ])}</p>
                    <div class="form-actions">
                        {(refused + i.skipped > 0).then(|| download_button(format!("{base}/errors.csv"), t.error_report, "button"))}
                        <a class="button" href=format!("/p/{}/users?status=invited", v.slug)>{t.show_invited}</a>
                        <a class="button" href=self::base(v.slug)>{t.new_import}</a>
                    </div>
                }
            });
            view! {
                <section class="card import-step" aria-labelledby="import-progress-title" data-running=(!done).then_some("")>
                    <h2 id="import-progress-title" class="section-title">{title}</h2>
                    <progress id="import-progress" class="progress" max=c.ready.max(1).to_string() value=if c.ready == 0 { "1".to_string() } else { i.done.to_string() } aria-label=t.progress_label>{format!("{percent}%")}</progress>
                    <p class="muted" aria-live="polite">{progress}{rate.map(|r| format!(" · {r}"))}</p>
                    {(!done).then(|| view! {
                        <noscript><meta http-equiv="refresh" content="2" /></noscript>
                        <p><a href=base.clone()>{t.refresh}</a></p>
                    })}
                    {result}
                </section>
            }
            .into_any()
        }
    };

    // The rows, all or only the refused ones, a keyset page at a time.
    let href = |key: &str, line: u64| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("problems", if rows.problems_only { "1" } else { "0" });
        q.append_pair(key, &line.to_string());
        format!("{base}?{}", q.finish())
    };
    let pager = (rows.prev.is_some() || rows.next.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label=t.row_pages>
                <div class="pager-spacer"></div>
                {rows.prev.map(|l| view! { <a class="button" href=href("before", l) rel="prev">{s.previous}</a> })}
                {rows.next.map(|l| view! { <a class="button" href=href("after", l) rel="next">{s.next}</a> })}
            </nav>
        }
    });
    let body = if rows.rows.is_empty() {
        let text = if rows.problems_only {
            t.no_problem_rows
        } else {
            t.no_rows
        };
        view! { <p class="muted empty-state">{text}</p> }.into_any()
    } else {
        let trs = rows
            .rows
            .iter()
            .map(|r| {
                let problems = problems_text(v.lang, r);
                let class = if problems.is_empty() {
                    ""
                } else {
                    "row-problem"
                };
                let problems = if problems.is_empty() && r.outcome == Some(ImportOutcome::Imported)
                {
                    t.o_imported.to_string()
                } else {
                    problems
                };
                view! {
                    <tr class=class>
                        <td class="num">{r.line}</td>
                        <td>{r.email.clone()}</td>
                        <td>{r.first_name.clone()}</td>
                        <td>{r.last_name.clone()}</td>
                        <td>{r.role.clone()}</td>
                        <td>{r.groups.clone()}</td>
                        <td>{problems}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="table">
                <caption class="visually-hidden">{t.rows_table}</caption>
                <thead>
                    <tr>
                        <th scope="col" class="num">{t.col_line}</th>
                        <th scope="col">{s.col_email}</th>
                        <th scope="col">{s.first_name}</th>
                        <th scope="col">{s.last_name}</th>
                        <th scope="col">{s.col_role}</th>
                        <th scope="col">{s.col_groups}</th>
                        <th scope="col">{t.col_problems}</th>
                    </tr>
                </thead>
                <tbody>{trs}</tbody>
            </table>
        }
        .into_any()
    };
    let rows_section = view! {
        <section class="import-rows" aria-labelledby="import-rows">
            <div class="toolbar">
                <h2 id="import-rows" class="section-title">{t.rows_table}</h2>
                <div class="pager-spacer"></div>
                <form class="toolbar-form" method="get" action=base.clone()>
                    // Unchecked, the box sends nothing: this says "all rows" (a finished
                    // import shows only the refused ones by default).
                    <input type="hidden" name="problems" value="0" />
                    <label class="checkbox">
                        <input type="checkbox" name="problems" value="1" checked=rows.problems_only data-live="" />
                        {t.only_problems}
                    </label>
                    <button type="submit" class="button">{t.show}</button>
                </form>
            </div>
            <div class="card table-card">{body}</div>
            {pager}
        </section>
    };
    view! {
        {head}
        {rows_section}
        <p><a href=format!("/p/{}/users", v.slug)>{t.back_to_users}</a></p>
    }
    .to_html()
}

/// "12 s", "3 min", "2 h" (rounded up).
fn duration(secs: u64, lang: Language) -> String {
    let (n, unit) = if secs < 60 {
        (secs.max(1), "s")
    } else if secs < 3600 {
        (secs.div_ceil(60), "min")
    } else {
        (secs.div_ceil(3600), "h")
    };
    format!("{} {unit}", crate::i18n::number(lang, n))
}
