//! Front-matter dates: the one reading of `date: ...` used to index articles and to
//! parse `date:` filters in queries.

use tantivy::DateTime;

/// Parses a front-matter date: `YYYY-MM-DD` or RFC 3339.
pub fn parse_date(value: &str) -> Option<DateTime> {
    use tantivy::time::format_description::well_known::Rfc3339;
    use tantivy::time::{Date, Month, OffsetDateTime};
    let value = value.trim();
    if let Ok(dt) = OffsetDateTime::parse(value, &Rfc3339) {
        return Some(DateTime::from_utc(dt));
    }
    let day = value.get(..10)?;
    let mut parts = day.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let dom: u8 = parts.next()?.parse().ok()?;
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, dom).ok()?;
    let rest = &value[10..];
    if !(rest.is_empty() || rest.starts_with([' ', 'T'])) {
        return None;
    }
    Some(DateTime::from_utc(date.midnight().assume_utc()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_or_are_refused() {
        let day = parse_date("2025-09-11").unwrap();
        assert_eq!(day.into_timestamp_secs(), 1_757_548_800);
        assert!(parse_date("2025-09-11T10:00:00Z").is_some());
        assert!(parse_date("2025-09-11 10:00").is_some());
        for bad in ["2025-13-45", "yesterday", "2025-02-30", "20250911", ""] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }
}
