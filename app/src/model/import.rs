//! Bulk import and export of a project's users: what a row of an upload can have wrong, the
//! review's counts, and what an export may contain.
use serde::{Deserialize, Serialize};

/// The template's header, in the order a new file should use (any order is read).
pub const IMPORT_HEADER: [&str; 5] = ["email", "first_name", "last_name", "role", "groups"];
/// A column the reader skips: the error report adds it, so a fixed report uploads again.
pub const REASON_COLUMN: &str = "reason";
/// Groups in one cell are separated by this.
pub const GROUP_SEPARATOR: char = ';';
/// Rows an upload may have, and its size, unless the server is configured otherwise
/// (`ROSTER_IMPORT_MAX_ROWS`, `ROSTER_IMPORT_MAX_MB`).
pub const DEFAULT_MAX_ROWS: usize = 100_000;
pub const DEFAULT_MAX_MB: usize = 20;
/// Rows of the review per page.
pub const REVIEW_PAGE: usize = 50;

/// What can be wrong with one row of an upload. A row with none is ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ImportProblem {
    /// No email, or not a valid address.
    Email,
    /// The same address on an earlier line of the file.
    Duplicate,
    /// Already an active or deactivated member of the project.
    Member,
    /// Already invited to the project.
    Invited,
    /// A role the project does not have.
    UnknownRole,
    /// One or more groups the project does not have.
    UnknownGroups,
    /// A role or group carrying permissions the importer does not hold.
    NotGrantable,
    /// A name or group name longer than the console allows, or a control character.
    TooLong,
    /// More cells than the header has columns.
    ExtraCells,
}

impl ImportProblem {
    pub const ALL: [ImportProblem; 9] = [
        ImportProblem::Email,
        ImportProblem::Duplicate,
        ImportProblem::Member,
        ImportProblem::Invited,
        ImportProblem::UnknownRole,
        ImportProblem::UnknownGroups,
        ImportProblem::NotGrantable,
        ImportProblem::TooLong,
        ImportProblem::ExtraCells,
    ];

    /// Its code in the database (`import_rows.problems`, comma separated).
    pub fn code(self) -> &'static str {
        match self {
            ImportProblem::Email => "email",
            ImportProblem::Duplicate => "duplicate",
            ImportProblem::Member => "member",
            ImportProblem::Invited => "invited",
            ImportProblem::UnknownRole => "role",
            ImportProblem::UnknownGroups => "groups",
            ImportProblem::NotGrantable => "grant",
            ImportProblem::TooLong => "long",
            ImportProblem::ExtraCells => "cells",
        }
    }

    pub fn parse(code: &str) -> Option<ImportProblem> {
        ImportProblem::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The problems of a `problems` column.
    pub fn list(codes: &str) -> Vec<ImportProblem> {
        codes.split(',').filter_map(ImportProblem::parse).collect()
    }
}

/// The review's counts. A row counts once in `problems` however many it has, and once under
/// each kind it has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub rows: u64,
    pub ready: u64,
    pub problems: u64,
    pub invalid_emails: u64,
    pub duplicates: u64,
    pub members: u64,
    pub unknown_roles: u64,
    pub unknown_groups: u64,
    pub not_grantable: u64,
    pub other: u64,
}

impl ImportCounts {
    /// Counts a row with these problems.
    pub fn add(&mut self, problems: &[ImportProblem]) {
        self.rows += 1;
        if problems.is_empty() {
            self.ready += 1;
            return;
        }
        self.problems += 1;
        for p in problems {
            match p {
                ImportProblem::Email => self.invalid_emails += 1,
                ImportProblem::Duplicate => self.duplicates += 1,
                ImportProblem::Member | ImportProblem::Invited => self.members += 1,
                ImportProblem::UnknownRole => self.unknown_roles += 1,
                ImportProblem::UnknownGroups => self.unknown_groups += 1,
                ImportProblem::NotGrantable => self.not_grantable += 1,
                ImportProblem::TooLong | ImportProblem::ExtraCells => self.other += 1,
            }
        }
    }
}

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportState {
    /// Uploaded and checked; nothing written until it is confirmed.
    Review,
    /// Confirmed: the job is turning its ready rows into invitations.
    Running,
    Done,
    /// Discarded at the review.
    Cancelled,
}

impl ImportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportState::Review => "review",
            ImportState::Running => "running",
            ImportState::Done => "done",
            ImportState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> ImportState {
        match s {
            "running" => ImportState::Running,
            "done" => ImportState::Done,
            "cancelled" => ImportState::Cancelled,
            _ => ImportState::Review,
        }
    }
}

/// An import as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportInfo {
    pub id: i64,
    pub file_name: String,
    pub state: ImportState,
    pub send_mail: bool,
    pub counts: ImportCounts,
    /// Ready rows the job has met, of `counts.ready`.
    pub done: u64,
    pub imported: u64,
    pub skipped: u64,
    pub created_at: i64,
    pub created_by: String,
    pub confirmed_at: Option<i64>,
    pub finished_at: Option<i64>,
}

impl ImportInfo {
    /// Rows per second since the confirmation, and seconds left at that rate.
    pub fn rate(&self, now_ms: i64) -> Option<(f64, u64)> {
        let started = self.confirmed_at?;
        let until = self.finished_at.unwrap_or(now_ms);
        let secs = (until - started) as f64 / 1000.0;
        if self.done == 0 || secs <= 0.0 {
            return None;
        }
        let rate = self.done as f64 / secs;
        let left = self.counts.ready.saturating_sub(self.done);
        Some((rate, (left as f64 / rate).ceil() as u64))
    }

    /// Whole percent of the ready rows done (100 when there were none).
    pub fn percent(&self) -> u64 {
        (self.done * 100)
            .checked_div(self.counts.ready)
            .unwrap_or(100)
    }
}

/// One row of an upload as the review and the result list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub line: u64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: String,
    pub groups: String,
    pub problems: Vec<ImportProblem>,
    /// What the problems name: the first line of a duplicate, the unknown groups, the
    /// permissions the importer lacks.
    pub detail: String,
    /// What the job did with the row: imported, or skipped and why.
    pub outcome: Option<ImportOutcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportOutcome {
    Imported,
    /// Invited or added to the project by someone else after the review.
    SkippedTaken,
    /// The importer may no longer grant the row's role or groups.
    SkippedGrant,
}

impl ImportOutcome {
    pub const ALL: [ImportOutcome; 3] = [
        ImportOutcome::Imported,
        ImportOutcome::SkippedTaken,
        ImportOutcome::SkippedGrant,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ImportOutcome::Imported => "imported",
            ImportOutcome::SkippedTaken => "skipped:taken",
            ImportOutcome::SkippedGrant => "skipped:grant",
        }
    }

    pub fn parse(s: &str) -> Option<ImportOutcome> {
        ImportOutcome::ALL.into_iter().find(|o| o.code() == s)
    }
}

/// A field an export can contain, in the file's column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportField {
    Id,
    Email,
    FirstName,
    LastName,
    Phone,
    Role,
    Groups,
    Status,
    Created,
    LastSignIn,
    Metadata,
}

impl ExportField {
    pub const ALL: [ExportField; 11] = [
        ExportField::Id,
        ExportField::Email,
        ExportField::FirstName,
        ExportField::LastName,
        ExportField::Phone,
        ExportField::Role,
        ExportField::Groups,
        ExportField::Status,
        ExportField::Created,
        ExportField::LastSignIn,
        ExportField::Metadata,
    ];

    /// What an export holds when nothing is chosen: who someone is and what they may do.
    pub const DEFAULT: [ExportField; 7] = [
        ExportField::Email,
        ExportField::FirstName,
        ExportField::LastName,
        ExportField::Role,
        ExportField::Groups,
        ExportField::Status,
        ExportField::Created,
    ];

    /// Its column name in the file (and its key in the URL).
    pub fn key(self) -> &'static str {
        match self {
            ExportField::Id => "id",
            ExportField::Email => "email",
            ExportField::FirstName => "first_name",
            ExportField::LastName => "last_name",
            ExportField::Phone => "phone",
            ExportField::Role => "role",
            ExportField::Groups => "groups",
            ExportField::Status => "status",
            ExportField::Created => "created_at",
            ExportField::LastSignIn => "last_sign_in_at",
            ExportField::Metadata => "metadata",
        }
    }

    pub fn parse(key: &str) -> Option<ExportField> {
        ExportField::ALL.into_iter().find(|f| f.key() == key)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportFormat {
    Csv,
    /// JSON Lines: one object per user.
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportScope {
    /// The users table's search, filters and sort.
    View,
    All,
    /// Rows picked in the table (`ids`).
    Selected,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_counts_add_up() {
        for p in ImportProblem::ALL {
            assert_eq!(ImportProblem::parse(p.code()), Some(p));
        }
        assert_eq!(
            ImportProblem::list("email,groups,nonsense"),
            vec![ImportProblem::Email, ImportProblem::UnknownGroups]
        );
        for f in ExportField::ALL {
            assert_eq!(ExportField::parse(f.key()), Some(f));
        }
        let mut c = ImportCounts::default();
        c.add(&[]);
        c.add(&[ImportProblem::Duplicate, ImportProblem::UnknownRole]);
        c.add(&[ImportProblem::Invited]);
        assert_eq!((c.rows, c.ready, c.problems), (3, 1, 2));
        assert_eq!((c.duplicates, c.unknown_roles, c.members), (1, 1, 1));
    }

    #[test]
    fn progress_and_time_left() {
        let mut i = ImportInfo {
            id: 1,
            file_name: "a.csv".into(),
            state: ImportState::Running,
            send_mail: true,
            counts: ImportCounts {
                ready: 1000,
                ..Default::default()
            },
            done: 250,
            imported: 250,
            skipped: 0,
            created_at: 0,
            created_by: String::new(),
            confirmed_at: Some(0),
            finished_at: None,
        };
        assert_eq!(i.percent(), 25);
        // 250 rows in 5 s: 50 rows/s, 750 left, 15 s.
        assert_eq!(i.rate(5_000), Some((50.0, 15)));
        i.counts.ready = 0;
        assert_eq!(i.percent(), 100);
    }
}
