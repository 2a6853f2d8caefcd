//! Calendar dates without a clock.
//!
//! routewise never reads the wall clock: a record's date and the "today" that pricing ages
//! are measured against come from `--date`/`--today` (`YYYY-MM-DD`) or from
//! `SOURCE_DATE_EPOCH` (seconds since 1970-01-01 UTC, the reproducible-builds convention),
//! so the same inputs always give the same bytes.

use std::fmt;

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
        let text = text.trim();
        if !crate::data::prices::is_iso_date(text) {
            return None;
        }
        let year: i64 = text.get(0..4)?.parse().ok()?;
        let month: i64 = text.get(5..7)?.parse().ok()?;
        let day: i64 = text.get(8..10)?.parse().ok()?;
        Some(Date {
            days: days_from_civil(year, month, day),
        })
    }

    /// The UTC date of a `SOURCE_DATE_EPOCH` value. An empty value counts as unset (`None`);
    /// anything but a whole number of seconds between 1970 and 9999 is an error.
    pub fn from_source_date_epoch(value: &str) -> Result<Option<Date>, String> {
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
            return Err(format!(
                "{SOURCE_DATE_EPOCH}=`{value}` is outside the years 1970 to 9999"
            ));
        }
        Ok(Some(Date {
            days: seconds.div_euclid(86_400),
        }))
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
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
}
