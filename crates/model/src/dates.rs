//! Calendar helpers for the ISO 8601 dates of DESIGN §3: strict parsing of `YYYY-MM-DD`
//! (and `YYYY-MM` for incidents), month arithmetic for timeliness, and timestamps.

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime};

/// Parses a strict `YYYY-MM-DD` calendar date.
pub fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i32 = digits(&text[0..4])?;
    let month: u8 = digits(&text[5..7])?;
    let day: u8 = digits(&text[8..10])?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// Parses an incident date: `YYYY-MM-DD`, or `YYYY-MM` (read as the first of the month).
pub fn parse_incident_date(text: &str) -> Option<Date> {
    if text.len() == 7 && text.as_bytes()[4] == b'-' {
        let year: i32 = digits(&text[0..4])?;
        let month: u8 = digits(&text[5..7])?;
        return Date::from_calendar_date(year, Month::try_from(month).ok()?, 1).ok();
    }
    parse_date(text)
}

fn digits<T: std::str::FromStr>(text: &str) -> Option<T> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// `date` plus `months` calendar months, clamped to the last day of a shorter month.
pub fn add_months(date: Date, months: u32) -> Date {
    let index = date.year() * 12 + (date.month() as i32 - 1) + months as i32;
    let year = index.div_euclid(12);
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(Month::December);
    let last_day = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last_day)).unwrap_or(date)
}

/// Whole calendar months from `start` to `end` (0 when `end` is before `start`).
pub fn whole_months_between(start: Date, end: Date) -> u32 {
    let mut months = (end.year() - start.year()) * 12 + (end.month() as i32 - start.month() as i32);
    if months > 0 && add_months(start, months as u32) > end {
        months -= 1;
    }
    months.max(0) as u32
}

/// The current time as RFC 3339 in UTC (`2009-01-20T10:02:11Z`).
pub fn now_rfc3339() -> String {
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::now_utc());
    now.format(&Rfc3339).unwrap_or_default()
}

/// A date (`2010-09-08`) or a timestamp (`2010-09-08T10:02:11Z`) as people write it:
/// "8 September 2010". Anything else is returned as it is.
pub fn human_date(text: &str) -> String {
    match text.get(..10).and_then(parse_date) {
        Some(date) if text.len() == 10 || text.as_bytes()[10] == b'T' => format!(
            "{} {} {}",
            date.day(),
            crate::review::month_name(date.month()),
            date.year()
        ),
        _ => text.to_string(),
    }
}

/// Today's date in UTC.
pub fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// Days since 1970-01-01 (negative before), for compact sort keys.
pub fn days_since_epoch(date: Date) -> i64 {
    (date.to_julian_day() - time::macros::date!(1970 - 01 - 01).to_julian_day()) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_timestamps_read_as_dates() {
        assert_eq!(human_date("2010-09-08"), "8 September 2010");
        assert_eq!(human_date("2026-12-06T23:05:11Z"), "6 December 2026");
        assert_eq!(human_date("2010-09"), "2010-09");
        assert_eq!(human_date("2010-09-08x"), "2010-09-08x");
    }

    #[test]
    fn parses_strict_dates_only() {
        assert!(parse_date("2009-02-12").is_some());
        for bad in [
            "2009-2-12",
            "2009-02-30",
            "12/02/2009",
            "2009-02-12T00:00",
            "",
            "abcd-ef-gh",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
        assert_eq!(parse_incident_date("2007-11"), parse_date("2007-11-01"));
        assert!(parse_incident_date("2007-13").is_none());
    }

    #[test]
    fn month_arithmetic_clamps() {
        let d = |s| parse_date(s).unwrap();
        assert_eq!(add_months(d("2008-08-31"), 6), d("2009-02-28"));
        assert_eq!(whole_months_between(d("2008-01-31"), d("2008-02-28")), 0);
        assert_eq!(whole_months_between(d("2008-01-31"), d("2008-02-29")), 1);
        assert_eq!(whole_months_between(d("2008-01-15"), d("2009-01-15")), 12);
        assert_eq!(days_since_epoch(d("1970-01-02")), 1);
    }
}
