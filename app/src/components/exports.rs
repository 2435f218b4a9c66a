//! The export form as HTML, rendered on the server only: scope, format and fields, a GET form
//! the browser sends itself (`data-native`), so the file downloads and the page stays. Its
//! words are in the import's table ([`super::imports::ImportText`]).
use super::imports::{ImportText, ImportView};
use crate::i18n::{fill, strings, Strings};
use crate::model::ExportField;
use leptos::prelude::*;

/// What the export form needs besides the reader.
pub struct ExportForm {
    /// The Users table's view, as its URL has it (`q`, `status`, … `sort`, `desc`).
    pub view: Vec<(&'static str, String)>,
    /// Rows picked in the table.
    pub ids: Vec<i64>,
}

fn field_label(s: &'static Strings, t: &'static ImportText, f: ExportField) -> &'static str {
    match f {
        ExportField::Id => t.f_id,
        ExportField::Email => s.col_email,
        ExportField::FirstName => s.first_name,
        ExportField::LastName => s.last_name,
        ExportField::Phone => s.phone,
        ExportField::Role => s.col_role,
        ExportField::Groups => s.col_groups,
        ExportField::Status => s.col_status,
        ExportField::Created => t.f_created,
        ExportField::LastSignIn => s.col_last_sign_in,
        ExportField::Metadata => t.f_metadata,
    }
}

/// The export form: scope, format, fields, "Export". A GET form the browser sends itself, so
/// the file downloads and the page stays.
pub fn render_export(v: &ImportView<'_>, f: &ExportForm) -> String {
    let t = ImportText::of(v.lang);
    let s = strings(v.lang);
    let view_text = if f
        .view
        .iter()
        .all(|(k, _)| matches!(*k, "sort" | "desc" | "size"))
    {
        s.all_statuses.to_string()
    } else {
        f.view
            .iter()
            .filter(|(k, _)| !matches!(*k, "sort" | "desc" | "size" | "page"))
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let selected = !f.ids.is_empty();
    let hidden_view = f
        .view
        .iter()
        .filter(|(k, _)| !matches!(*k, "page" | "size"))
        .map(|(k, val)| view! { <input type="hidden" name=*k value=val.clone() /> })
        .collect_view();
    let ids = selected.then(|| {
        let list = f
            .ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        view! { <input type="hidden" name="ids" value=list /> }
    });
    let fields = ExportField::ALL
        .into_iter()
        .map(|field| {
            let id = format!("export-field-{}", field.key());
            let for_id = id.clone();
            view! {
                <label class="checkbox" for=for_id>
                    <input id=id type="checkbox" name="fields" value=field.key() checked=ExportField::DEFAULT.contains(&field) />
                    {field_label(s, t, field)}
                </label>
            }
        })
        .collect_view();
    view! {
        <p class="muted page-lead">{t.export_lead}</p>
        <form class="card form export-form" method="get" action=format!("/p/{}/users/export/download", v.slug) data-native="">
            {hidden_view}
            {ids}
            <fieldset>
                <legend>{t.scope}</legend>
                <label class="checkbox">
                    <input type="radio" name="scope" value="view" checked=!selected aria-describedby="export-view-hint" />
                    {t.scope_view}
                </label>
                <p id="export-view-hint" class="muted hint">{fill(t.scope_view_hint, &[("view", &view_text)])}</p>
                <label class="checkbox">
                    <input type="radio" name="scope" value="all" />
                    {t.scope_all}
                </label>
                {selected.then(|| view! {
                    <label class="checkbox">
                        <input type="radio" name="scope" value="selected" checked=true />
                        {fill(t.scope_selected, &[("n", &s.number(f.ids.len() as u64))])}
                    </label>
                })}
            </fieldset>
            <fieldset>
                <legend>{t.format}</legend>
                <label class="checkbox">
                    <input type="radio" name="format" value="csv" checked=true />
                    {t.format_csv}
                </label>
                <label class="checkbox">
                    <input type="radio" name="format" value="jsonl" aria-describedby="export-format-hint" />
                    {t.format_json}
                </label>
                <p id="export-format-hint" class="muted hint">{t.format_hint}</p>
            </fieldset>
            <fieldset>
                <legend>{t.fields}</legend>
                <div class="export-fields">{fields}</div>
            </fieldset>
            <div class="form-actions">
                <a class="button" href=format!("/p/{}/users", v.slug)>{t.back_to_users}</a>
                <button type="submit" class="button primary">{t.export}</button>
            </div>
        </form>
    }
    .to_html()
}
