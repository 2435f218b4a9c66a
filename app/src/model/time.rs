//! Time display shared by server and browser. Relative times are computed against the time the
//! data was read (not each side's clock), so server-rendered and hydrated text agree.
use super::Language;

/// Year, month, day and the ms into that day of a time in ms since the epoch (UTC).
fn civil(ms: i64) -> (i64, i64, i64, i64) {
    let days = ms.div_euclid(86_400_000);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, ms.rem_euclid(86_400_000))
}

/// `2026-11-23 15:20 UTC` — the exact time, for tooltips.
pub fn format_utc(ms: i64) -> String {
    let (year, month, day, t) = civil(ms);
    let rem = t / 1000;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// `2026-11-23T15:20:07.123Z` — ISO 8601 in UTC, for files.
pub fn iso_utc(ms: i64) -> String {
    let (year, month, day, t) = civil(ms);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        t / 3_600_000,
        t % 3_600_000 / 60_000,
        t % 60_000 / 1000,
        t % 1000
    )
}

/// "5 min ago", "3 days ago", "il y a 2 mois"…
pub fn relative(ms: i64, now: i64, lang: Language) -> String {
    let s = ((now - ms) / 1000).max(0);
    let (n, unit_en, unit_fr) = match s {
        0..=59 => {
            return if lang == Language::Fr {
                "à l'instant".into()
            } else {
                "just now".into()
            }
        }
        60..=3_599 => (s / 60, "min", "min"),
        3_600..=86_399 => (s / 3_600, "h", "h"),
        86_400..=2_591_999 => (
            s / 86_400,
            if s / 86_400 == 1 { "day" } else { "days" },
            if s / 86_400 == 1 { "jour" } else { "jours" },
        ),
        2_592_000..=31_535_999 => (s / 2_592_000, "mo", "mois"),
        _ => (
            s / 31_536_000,
            if s / 31_536_000 == 1 { "year" } else { "years" },
            if s / 31_536_000 == 1 { "an" } else { "ans" },
        ),
    };
    match lang {
        Language::En => format!("{n} {unit_en} ago"),
        Language::Fr => format!("il y a {n} {unit_fr}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(format_utc(1_795_447_200_000), "2026-11-23 15:20 UTC");
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_utc(1_795_447_207_123), "2026-11-23T15:20:07.123Z");
        assert_eq!(iso_utc(951_868_799_999), "2000-02-29T23:59:59.999Z");
    }

    #[test]
    fn relative_times() {
        let now = 1_000_000_000_000;
        assert_eq!(relative(now - 5_000, now, Language::En), "just now");
        assert_eq!(relative(now - 5 * 60_000, now, Language::En), "5 min ago");
        assert_eq!(relative(now - 86_400_000, now, Language::En), "1 day ago");
        assert_eq!(
            relative(now - 3 * 86_400_000, now, Language::Fr),
            "il y a 3 jours"
        );
    }
}
