//! The CSV reader of imports: bytes in, rows of cells out, or one message that says what is
//! wrong with the file. Whatever the bytes, it answers; it never panics (a test feeds it
//! random and hostile input).
//!
//! - UTF-8, with or without a byte-order mark; comma or semicolon, whichever the header uses.
//! - The first line is the header: `email` is required, `first_name`, `last_name`, `role` and
//!   `groups` are optional, in any order; `reason` (the error report's) is skipped.
//! - Rows with every cell empty are skipped; line numbers are the file's.
use crate::model::{
    validate_email, AppError, ImportProblem, GROUP_SEPARATOR, IMPORT_HEADER, MAX_EMAIL,
    REASON_COLUMN,
};

/// The most characters of a cell kept (and shown) from an upload; longer cells are a problem.
pub const MAX_CELL: usize = 300;
/// The most characters of a first or last name, or of a group's name.
const MAX_NAME: usize = 100;

/// One row of the file, checked on its own (the project's roles, groups and members are
/// checked by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    /// Lower-cased when valid; as written (at most [`MAX_CELL`] characters) when not.
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: String,
    /// The groups cell as written (trimmed); [`Row::group_names`] splits it.
    pub groups: String,
    pub problems: Vec<ImportProblem>,
    /// The first line of the same address, for a duplicate.
    pub first_line: Option<u64>,
}

impl Row {
    pub fn group_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .groups
            .split(GROUP_SEPARATOR)
            .map(|g| g.trim().to_string())
            .filter(|g| !g.is_empty())
            .collect();
        names.dedup();
        names
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Email,
    FirstName,
    LastName,
    Role,
    Groups,
    Skipped,
}

fn file_error(message: impl Into<String>) -> AppError {
    AppError::validation("file", message)
}

fn template_header() -> String {
    IMPORT_HEADER.join(",")
}

/// The first `max` characters of `s`.
fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Reads an upload: at most `max_rows` rows.
pub fn read(bytes: &[u8], max_rows: usize) -> Result<Vec<Row>, AppError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(file_error(
            "The file is empty. Download the template to see what an import file holds.",
        ));
    }
    if bytes.contains(&0) {
        return Err(file_error(
            "This is not a CSV file. Upload a text file with one person per line, like the template.",
        ));
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(file_error(
            "The file is not UTF-8 text. Save it as \"CSV UTF-8\" and upload it again.",
        ));
    };
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(file_error(format!("The header can't be read: {e}."))),
        None => {
            return Err(file_error(
                "The file is empty. Download the template to see what an import file holds.",
            ))
        }
    };
    let columns = read_header(&header)?;
    let width = columns.len();

    let mut rows = Vec::new();
    let (mut counted_line, mut counted_to) = (1u64, 0usize);
    let mut seen: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    for record in records {
        let record = record.map_err(|e| file_error(format!("The file can't be read: {e}.")))?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() >= max_rows {
            return Err(file_error(format!(
                "The file has more than {max_rows} rows. Split it into smaller files."
            )));
        }
        // The line the record starts on, counted from its byte offset (the reader's own line
        // count is off after CRLF, where a record's offset is the LF ending the one before).
        let mut at = record
            .position()
            .map(|p| p.byte() as usize)
            .unwrap_or(0)
            .min(text.len());
        while at < text.len() && matches!(text.as_bytes()[at], b'\r' | b'\n') {
            at += 1;
        }
        counted_line += bytecount(&text.as_bytes()[counted_to.min(at)..at]);
        counted_to = at;
        let line = counted_line;
        let mut row = Row {
            line,
            email: String::new(),
            first_name: String::new(),
            last_name: String::new(),
            role: String::new(),
            groups: String::new(),
            problems: Vec::new(),
            first_line: None,
        };
        let mut too_long = false;
        for (cell, column) in record.iter().zip(&columns) {
            let cell = cell.trim();
            let kept = clip(cell, MAX_CELL);
            too_long |= kept.len() < cell.len();
            match column {
                Column::Email => row.email = kept,
                Column::FirstName => row.first_name = kept,
                Column::LastName => row.last_name = kept,
                Column::Role => row.role = kept,
                Column::Groups => row.groups = kept,
                Column::Skipped => {}
            }
        }
        match validate_email(&row.email) {
            Ok(email) if row.email.len() <= MAX_EMAIL => row.email = email,
            _ => row.problems.push(ImportProblem::Email),
        }
        let bad_name = |s: &str| s.chars().count() > MAX_NAME || s.chars().any(char::is_control);
        if too_long
            || bad_name(&row.first_name)
            || bad_name(&row.last_name)
            || bad_name(&row.role)
            || row.group_names().iter().any(|g| bad_name(g))
        {
            row.problems.push(ImportProblem::TooLong);
        }
        if record.len() > width {
            row.problems.push(ImportProblem::ExtraCells);
        }
        if !row.problems.contains(&ImportProblem::Email) {
            match seen.get(&row.email) {
                Some(first) => {
                    row.problems.push(ImportProblem::Duplicate);
                    row.first_line = Some(*first);
                }
                None => {
                    seen.insert(row.email.clone(), line);
                }
            }
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(file_error(
            "The file has a header but no rows. Add one person per line under the header.",
        ));
    }
    Ok(rows)
}

fn bytecount(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| **b == b'\n').count() as u64
}

fn read_header(header: &csv::StringRecord) -> Result<Vec<Column>, AppError> {
    let mut columns = Vec::with_capacity(header.len().min(16));
    for name in header.iter() {
        let name = name.trim().to_ascii_lowercase();
        let column = match name.as_str() {
            "email" => Column::Email,
            "first_name" => Column::FirstName,
            "last_name" => Column::LastName,
            "role" => Column::Role,
            "groups" => Column::Groups,
            REASON_COLUMN => Column::Skipped,
            other => {
                // The first line is a person, not a header.
                if other.contains('@') {
                    return Err(file_error(format!(
                        "The first line must be the header: {}.",
                        template_header()
                    )));
                }
                return Err(file_error(format!(
                    "The column \"{}\" is not one Roster reads. Use the template's header: {}.",
                    clip(other, 40),
                    template_header()
                )));
            }
        };
        if column != Column::Skipped && columns.contains(&column) {
            return Err(file_error(format!(
                "The column \"{name}\" appears twice in the header."
            )));
        }
        columns.push(column);
    }
    if !columns.contains(&Column::Email) {
        return Err(file_error(format!(
            "The header has no \"email\" column. Use the template's header: {}.",
            template_header()
        )));
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn message(bytes: &[u8]) -> String {
        read(bytes, 100).unwrap_err().to_string()
    }

    #[test]
    fn reads_bom_semicolons_any_order_and_skips_blank_lines() {
        let file = "\u{FEFF}groups;Email;first_name\r\n\
                    \"staff; sales \";ADA@Example.com;Ada\r\n\
                    \r\n\
                    ;;\r\n\
                    ;bob@example.com;\"Bob; Jr\"\r\n";
        let rows = read(file.as_bytes(), 100).unwrap();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].email, "ada@example.com");
        assert_eq!(rows[0].group_names(), vec!["staff", "sales"]);
        assert_eq!(rows[0].first_name, "Ada");
        assert!(rows[0].problems.is_empty());
        assert_eq!(rows[1].line, 5);
        assert_eq!(rows[1].first_name, "Bob; Jr");
    }

    #[test]
    fn row_problems() {
        let long = "x".repeat(101);
        let file = format!(
            "email,first_name,role\n\
             a@example.com,Ann,\n\
             not-an-email,Bea,\n\
             A@example.com,Ann again,\n\
             c@example.com,{long},\n\
             d@example.com,Dan,admin,extra\n"
        );
        let rows = read(file.as_bytes(), 100).unwrap();
        let problems: Vec<_> = rows.iter().map(|r| r.problems.clone()).collect();
        assert_eq!(
            problems,
            vec![
                vec![],
                vec![ImportProblem::Email],
                vec![ImportProblem::Duplicate],
                vec![ImportProblem::TooLong],
                vec![ImportProblem::ExtraCells],
            ]
        );
        assert_eq!(rows[2].first_line, Some(2));
        assert_eq!(rows[1].email, "not-an-email");
    }

    #[test]
    fn file_problems_say_what_is_wrong() {
        assert!(message(b"").contains("empty"));
        assert!(message(b"\xEF\xBB\xBF \n").contains("empty"));
        assert!(message(b"email,first_name\n").contains("no rows"));
        assert!(message(b"email\xff\n").contains("not UTF-8"));
        assert!(message(b"\x89PNG\r\n\x1a\n\0\0").contains("not a CSV"));
        assert!(message(b"first_name,last_name\nAda,L\n").contains("no \"email\" column"));
        assert!(message(b"email,role,email\na@b.co,x,y\n").contains("appears twice"));
        assert!(message(b"email,nickname\na@b.co,x\n").contains("\"nickname\" is not one"));
        assert!(message(b"ada@example.com,Ada\n").contains("must be the header"));
        let many = format!("email\n{}", "a@example.com\n".repeat(101));
        assert!(message(many.as_bytes()).contains("more than 100 rows"));
        // The error report's file reads again: its reason column is skipped.
        let rows = read(b"email,reason\na@example.com,line 2: bad\n", 10).unwrap();
        assert_eq!(rows[0].email, "a@example.com");
    }

    #[test]
    fn hostile_files_get_an_answer() {
        // A quote left open swallows the rest of the file into one cell.
        let rows = read(
            b"email,first_name\na@example.com,\"Ada\nb@example.com,Bob\n",
            10,
        )
        .unwrap();
        assert_eq!(rows.len(), 1);
        // A 10 MB cell is kept short and said to be too long.
        let big = format!("email,first_name\na@example.com,{}\n", "y".repeat(10 << 20));
        let rows = read(big.as_bytes(), 10).unwrap();
        assert_eq!(rows[0].problems, vec![ImportProblem::TooLong]);
        assert!(rows[0].first_name.chars().count() <= MAX_CELL);
        // 10,000 columns in the header, or in a row.
        let wide = format!("{}\n", vec!["email"; 10_000].join(","));
        assert!(message(wide.as_bytes()).contains("appears twice"));
        let wide_row = format!("email\na@example.com,{}\n", vec!["x"; 10_000].join(","));
        let rows = read(wide_row.as_bytes(), 10).unwrap();
        assert_eq!(rows[0].problems, vec![ImportProblem::ExtraCells]);
    }

    /// Random bytes, random CSV-ish text and random mutations of a good file: always an
    /// answer (rows or a message), never a panic, and every row's cells bounded.
    #[test]
    fn random_input_never_panics() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
        let good = "email,first_name,last_name,role,groups\na@example.com,Ada,L,admin,x;y\n";
        let alphabet = b"ab@.,;\"\r\n \t\xef\xbb\xbf\xff\x00=+-";
        for i in 0..3_000 {
            let bytes: Vec<u8> = match i % 3 {
                0 => (0..rng.gen_range(0..400)).map(|_| rng.gen()).collect(),
                1 => (0..rng.gen_range(0..400))
                    .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                    .collect(),
                _ => {
                    let mut b = good.as_bytes().to_vec();
                    for _ in 0..rng.gen_range(1..6) {
                        let at = rng.gen_range(0..b.len());
                        b[at] = alphabet[rng.gen_range(0..alphabet.len())];
                    }
                    b
                }
            };
            match read(&bytes, 50) {
                Ok(rows) => {
                    assert!(!rows.is_empty() && rows.len() <= 50);
                    for r in rows {
                        for cell in [&r.email, &r.first_name, &r.last_name, &r.role, &r.groups] {
                            assert!(cell.chars().count() <= MAX_CELL);
                        }
                    }
                }
                Err(e) => {
                    assert_eq!(e.field(), Some("file"), "{e:?}");
                    assert!(!e.to_string().is_empty());
                }
            }
        }
    }
}
