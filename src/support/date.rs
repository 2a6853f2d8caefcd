//! Calendar dates without a clock.
//!
//! routewise never reads the wall clock: a record's date and the "today" that pricing ages
//! are measured against come from `--date`/`--today` (`YYYY-MM-DD`) or from
//! `SOURCE_DATE_EPOCH` (seconds since 1970-01-01 UTC, the reproducible-builds convention),
//! so the same inputs always give the same bytes.

use crate::support::invalid::InvalidValue;
use std::fmt;

/// Days in a month of the proleptic Gregorian calendar.
fn month_length(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 31,
    }
}

/// The environment variable reproducible builds use to pin "now".
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// A proleptic Gregorian date, stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i64,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking the day against the calendar.
    pub fn parse(text: &str) -> Option<Date> {
        Date::parse_checked(text).ok()
    }

    /// Parses `YYYY-MM-DD`, saying whether the text is not in that form or names a day
    /// that does not exist (`2026-13-01`, `2026-02-30`).
    pub fn parse_checked(text: &str) -> Result<Date, InvalidValue> {
        let trimmed = text.trim();
        let form = || format!("`{text}` is not a date in the form YYYY-MM-DD");
        let parts: Vec<&str> = trimmed.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(form().into());
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
            return Err(form().into());
        }
        let (year, month, day): (i64, i64, i64) = (
            y.parse().map_err(|_| form())?,
            m.parse().map_err(|_| form())?,
            d.parse().map_err(|_| form())?,
        );
        if !(1..=12).contains(&month) {
            return Err(format!("`{trimmed}` does not exist: there is no month {month}").into());
        }
        let length = month_length(year, month);
        if !(1..=length).contains(&day) {
            return Err(format!(
                "`{trimmed}` does not exist: month {month} of {year} has {length} days"
            )
            .into());
        }
        Ok(Date {
            days: days_from_civil(year, month, day),
        })
    }

    /// The UTC date of a `SOURCE_DATE_EPOCH` value. An empty value counts as unset (`None`);
    /// anything but a whole number of seconds between 1970 and 9999 is an error.
    pub fn from_source_date_epoch(value: &str) -> Result<Option<Date>, InvalidValue> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let seconds: i64 = value.parse().map_err(|_| {
            format!(
                "{SOURCE_DATE_EPOCH}=`{value}` is not a whole number of seconds since 1970-01-01"
            )
        })?;
        // 253402300799 is 9999-12-31T23:59:59Z: dates are written with four-digit years.
        if !(0..=253_402_300_799).contains(&seconds) {
            return Err(
                format!("{SOURCE_DATE_EPOCH}=`{value}` is outside the years 1970 to 9999").into(),
            );
        }
        Ok(Some(Date {
            days: seconds.div_euclid(86_400),
        }))
    }

    /// The first day of the month `months` months after this date's month (`self` itself
    /// when `months` is 0): the day a projection's month m reads its prices on.
    pub fn month_start_after(self, months: u32) -> Date {
        if months == 0 {
            return self;
        }
        let (y, m, _) = civil_from_days(self.days);
        let index = y * 12 + (m - 1) + i64::from(months);
        Date {
            days: days_from_civil(index.div_euclid(12), index.rem_euclid(12) + 1, 1),
        }
    }

    /// `YYYY-MM`, for naming a projection month.
    pub fn year_month(self) -> String {
        let (y, m, _) = civil_from_days(self.days);
        format!("{y:04}-{m:02}")
    }

    /// Whole days from `earlier` to `self` (negative when `earlier` is later).
    pub fn days_since(self, earlier: Date) -> i64 {
        self.days - earlier.days
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.days);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count (Howard Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The calendar month (UTC) of a minute since the Unix epoch: its `YYYY-MM` name and the
/// minutes `[start, end)` it spans. Bills are monthly, so usage is summed per month too.
pub(crate) fn month_of_minute(minute: u64) -> (String, u64, u64) {
    let (year, month, _) = civil_from_days((minute / 1440) as i64);
    let start = days_from_civil(year, month, 1);
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let end = days_from_civil(next_year, next_month, 1);
    (
        format!("{year:04}-{month:02}"),
        start.max(0) as u64 * 1440,
        end.max(0) as u64 * 1440,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn minutes_fall_in_their_calendar_month() {
        // 2026-10-31T23:59Z and 2026-11-01T00:00Z.
        let last = 20_757 * 1440 + 1439;
        let (name, start, end) = month_of_minute(last);
        assert_eq!(name, "2026-10");
        assert_eq!((start, end), (20_727 * 1440, 20_758 * 1440));
        assert_eq!(month_of_minute(last + 1).0, "2026-11");
        assert_eq!(month_of_minute(0).0, "1970-01");
        assert_eq!(month_of_minute(11_016 * 1440).0, "2000-02");
    }

    #[test]
    fn month_starts_roll_over_the_year() {
        let d = Date::parse("2026-11-22").unwrap();
        assert_eq!(d.month_start_after(0), d);
        assert_eq!(d.month_start_after(1).to_string(), "2026-12-01");
        assert_eq!(d.month_start_after(2).to_string(), "2027-01-01");
        assert_eq!(d.month_start_after(14).year_month(), "2028-01");
    }

    #[test]
    fn known_dates_round_trip() {
        let epoch = Date::parse("1970-01-01").unwrap();
        assert_eq!(epoch.days, 0);
        let leap = Date::parse("2024-02-29").unwrap();
        assert_eq!(leap.to_string(), "2024-02-29");
        assert_eq!(
            Date::parse("2024-03-01").unwrap().days_since(leap),
            1,
            "the day after a leap day"
        );
        assert_eq!(Date::parse("2026-02-29"), None);
        assert_eq!(Date::parse("2026-1-5"), None);
    }

    #[test]
    fn source_date_epoch_gives_the_utc_day() {
        // 2026-11-22T23:59:59Z and the next second.
        let late = Date::from_source_date_epoch("1795391999").unwrap().unwrap();
        assert_eq!(late.to_string(), "2026-11-22");
        let next = Date::from_source_date_epoch("1795392000").unwrap().unwrap();
        assert_eq!(next.to_string(), "2026-11-23");
        assert_eq!(Date::from_source_date_epoch("").unwrap(), None);
        assert!(Date::from_source_date_epoch("soon").is_err());
        assert!(Date::from_source_date_epoch("1.5").is_err());
        assert!(Date::from_source_date_epoch("-1").is_err());
        assert!(Date::from_source_date_epoch("999999999999").is_err());
    }

    proptest! {
        #[test]
        fn every_day_count_formats_and_parses_back(days in 0i64..2_932_896) {
            let date = Date { days };
            prop_assert_eq!(Date::parse(&date.to_string()), Some(date));
        }
    }

    #[test]
    fn impossible_days_are_told_apart_from_bad_forms() {
        assert!(Date::parse_checked("2024-02-29").is_ok());
        assert_eq!(
            Date::parse_checked("2026-13-01").unwrap_err().0,
            "`2026-13-01` does not exist: there is no month 13"
        );
        assert_eq!(
            Date::parse_checked("2026-02-29").unwrap_err().0,
            "`2026-02-29` does not exist: month 2 of 2026 has 28 days"
        );
        assert!(
            Date::parse_checked("22/11/2026")
                .unwrap_err()
                .0
                .contains("not a date in the form YYYY-MM-DD")
        );
        assert!(Date::parse_checked("2026-1-01").is_err());
        assert!(Date::parse_checked("+026-01-01").is_err());
    }
}
