//! Small server-side helpers shared by every module: clocks, random tokens, token hashing.
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Milliseconds since the Unix epoch: the one time unit in the database.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The clock of time-limited links (invitations): the system clock, which tests can move
/// forward to see a link expire without waiting a week.
#[derive(Debug, Clone, Default)]
pub struct Clock(std::sync::Arc<std::sync::atomic::AtomicI64>);

impl Clock {
    pub fn now_ms(&self) -> i64 {
        now_ms() + self.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Moves this clock (and every copy of it) forward.
    pub fn advance(&self, by: std::time::Duration) {
        self.0
            .fetch_add(by.as_millis() as i64, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A 256-bit random opaque token, URL-safe. Only its hash is ever stored.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a token, hex. Tokens have 256 bits of entropy, so a fast hash is right here
/// (argon2 is for low-entropy passwords).
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A random password for generated accounts: 20 characters from an unambiguous alphabet.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// The first `max` characters of `s` (user agents and the like are bounded before storing).
/// Placeholders for `rows` tuples of `width` values, numbered from `$first`:
/// `rows_marks(2, 2, 3)` is `($2, $3, $4), ($5, $6, $7)`, for a multi-row `VALUES`.
pub fn rows_marks(first: usize, rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| {
            let b = first + r * width;
            let row = (b..b + width)
                .map(|k| format!("${k}"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("({row})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Placeholders for `n` values numbered from `$first`, for an `IN (…)` list:
/// `list_marks(2, 3)` is `$2, $3, $4`.
pub fn list_marks(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|k| format!("${k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), hash_token(&b));
        assert_eq!(random_password().len(), 20);
        assert_eq!(truncate("héllo", 2), "hé");
        assert_eq!(truncate("hi", 5), "hi");
    }

    #[test]
    fn placeholders() {
        assert_eq!(rows_marks(2, 2, 3), "($2, $3, $4), ($5, $6, $7)");
        assert_eq!(rows_marks(1, 1, 1), "($1)");
        assert_eq!(list_marks(2, 3), "$2, $3, $4");
        assert_eq!(list_marks(5, 1), "$5");
    }
}

/// One CSV record (RFC 4180, `\n`-terminated). A cell that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, as
/// OWASP's CSV injection guidance says, so opening an export runs nothing.
pub fn csv_line(cells: impl IntoIterator<Item = String>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let record = cells.into_iter().map(|c| {
        if c.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{c}")
        } else {
            c
        }
    });
    // Writing to a Vec cannot fail.
    let _ = w.write_record(record);
    w.into_inner().unwrap_or_default()
}

/// Every Rust source file of this crate, for tests that check the sources say something
/// consistently (every message translated, every audit action listed).
#[cfg(test)]
pub fn source_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

#[cfg(test)]
mod csv_tests {
    use super::csv_line;

    #[test]
    fn cells_are_quoted_and_formulas_made_inert() {
        let line = |cells: &[&str]| {
            String::from_utf8(csv_line(cells.iter().map(|c| c.to_string()))).unwrap()
        };
        assert_eq!(line(&["a", "b c", ""]), "a,b c,\n");
        assert_eq!(
            line(&["x,y", "say \"hi\"", "two\nlines"]),
            "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
        );
        assert_eq!(
            line(&["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b"]),
            "'=1+1,'+1,'-1,'@SUM(A1),'\tx,\"'\rx\",a=b\n"
        );
    }
}
