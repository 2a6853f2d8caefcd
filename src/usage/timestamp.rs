//! Timestamps to minutes since the Unix epoch, parsed by hand: the two forms usage exports
//! use are small enough that a date library would cost more than it saves, and this runs
//! once per row on the hot path.
//!
//! Accepted (seconds are required; the fraction and the offset are optional):
//! - RFC 3339: `2026-10-01T12:34:56Z`, `2026-10-01T12:34:56.123+02:00`, `…-05:30`;
//! - SQL-style: `2026-10-01 12:34:56`, also with a fraction or an offset.
//!
//! A timestamp without an offset is taken as UTC. Seconds and fractions are dropped (the
//! load profile counts whole minutes), which is exact because offsets are whole minutes.

/// Why a timestamp was refused; the caller adds the file, line and column.
pub type TimestampError = &'static str;

const FORMS: &str = "expected `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]` or `YYYY-MM-DD HH:MM:SS`";

/// Minutes since 1970-01-01T00:00Z of a timestamp.
pub fn parse_minute(text: &[u8]) -> Result<u64, TimestampError> {
    minute_with(text, parse_date)
}

/// Places for remembered dates, a date going to `(month * 31 + day) % DATES`: the days of
/// two months never share one.
const DATES: usize = 64;

/// A timestamp parser that remembers the dates it converted lately: the calendar arithmetic
/// runs once a date, not once a row, whether the file is in time order or not (a shuffled
/// month's rows jump between its thirty dates).
#[derive(Debug, Clone)]
pub struct TimestampParser {
    /// `YYYY-MM-DD` and its days since the epoch, each at its place.
    dates: [Option<([u8; 10], i64)>; DATES],
}

impl Default for TimestampParser {
    fn default() -> Self {
        Self {
            dates: [None; DATES],
        }
    }
}

impl TimestampParser {
    /// Minutes since 1970-01-01T00:00Z of a timestamp.
    pub fn parse_minute(&mut self, text: &[u8]) -> Result<u64, TimestampError> {
        minute_with(text, |date| {
            let number =
                |at: usize| usize::from(date[at] & 0x0f) * 10 + usize::from(date[at + 1] & 0x0f);
            let place = (number(5) * 31 + number(8)) % DATES;
            match self.dates[place] {
                Some((seen, days)) if seen == date => Ok(days),
                _ => {
                    let days = parse_date(date)?;
                    let mut seen = [0u8; 10];
                    seen.copy_from_slice(date);
                    self.dates[place] = Some((seen, days));
                    Ok(days)
                }
            }
        })
    }
}

/// Minutes since the epoch of a timestamp whose `YYYY-MM-DD` (its first ten bytes) `days`
/// converts to days since the epoch.
#[inline]
fn minute_with(
    text: &[u8],
    days: impl FnOnce(&[u8]) -> Result<i64, TimestampError>,
) -> Result<u64, TimestampError> {
    let text = trim(text);
    if text.len() < 19 {
        return Err(FORMS);
    }
    let days = days(&text[..10])?;
    let hour = digits(&text[11..13])?;
    let minute = digits(&text[14..16])?;
    let second = digits(&text[17..19])?;
    if text[13] != b':' || text[16] != b':' {
        return Err(FORMS);
    }
    if !matches!(text[10], b'T' | b't' | b' ') {
        return Err(FORMS);
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err("the time of day is out of range");
    }
    let mut rest = &text[19..];
    if let [b'.', tail @ ..] = rest {
        let n = tail.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return Err("a decimal point must be followed by digits");
        }
        rest = &tail[n..];
    }
    let offset_minutes: i64 = match rest {
        [] | [b'Z'] | [b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = digits(&[*h1, *h2])?;
            let minutes = digits(&[*m1, *m2])?;
            if hours > 23 || minutes > 59 {
                return Err("the UTC offset is out of range");
            }
            let offset = i64::from(hours * 60 + minutes);
            if *sign == b'-' { -offset } else { offset }
        }
        _ => return Err(FORMS),
    };
    let local = days * 1440 + i64::from(hour * 60 + minute);
    u64::try_from(local - offset_minutes).map_err(|_| "timestamps before 1970 are not supported")
}

/// Days since the epoch of `YYYY-MM-DD`, checked to be a real date.
fn parse_date(text: &[u8]) -> Result<i64, TimestampError> {
    let year = digits(&text[0..4])?;
    let month = digits(&text[5..7])?;
    let day = digits(&text[8..10])?;
    if text[4] != b'-' || text[7] != b'-' {
        return Err(FORMS);
    }
    if !(1..=12).contains(&month) {
        return Err("the month is not 01..12");
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err("the day does not exist in that month");
    }
    Ok(days_from_civil(i64::from(year), month, day))
}

fn trim(text: &[u8]) -> &[u8] {
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    let end = text.iter().rposition(|b| !b.is_ascii_whitespace());
    match (start, end) {
        (Some(s), Some(e)) => &text[s..=e],
        _ => &[],
    }
}

fn digits(text: &[u8]) -> Result<u32, TimestampError> {
    text.iter().try_fold(0u32, |acc, &b| {
        if b.is_ascii_digit() {
            Ok(acc * 10 + u32::from(b - b'0'))
        } else {
            Err(FORMS)
        }
    })
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minute(text: &str) -> Result<u64, TimestampError> {
        parse_minute(text.as_bytes())
    }

    #[test]
    fn the_epoch_and_known_dates() {
        assert_eq!(minute("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(minute("1970-01-02 00:01:59"), Ok(1441));
        // 2026-10-01T12:34:56Z is 1_790_858_096 seconds after the epoch.
        assert_eq!(minute("2026-10-01T12:34:56Z"), Ok(1_790_858_096 / 60));
        // 2000-02-29 exists (divisible by 400); 1900 was not a leap year.
        assert_eq!(minute("2000-02-29T00:00:00Z"), Ok(951_782_400 / 60));
        assert!(minute("2100-02-29T00:00:00Z").is_err());
    }

    #[test]
    fn offsets_fractions_and_the_sql_form_agree() {
        let utc = minute("2026-10-01T12:34:56Z").unwrap();
        assert_eq!(minute("2026-10-01T14:34:56+02:00"), Ok(utc));
        assert_eq!(minute("2026-10-01T07:04:56.999999-05:30"), Ok(utc));
        assert_eq!(minute("2026-10-01 12:34:56"), Ok(utc));
        assert_eq!(minute("2026-10-01t12:34:00.5z"), Ok(utc));
        assert_eq!(minute(" 2026-10-01 12:34:56 "), Ok(utc));
    }

    #[test]
    fn the_remembered_date_gives_the_same_answers() {
        let mut parser = TimestampParser::default();
        for text in [
            "2026-10-01T00:00:00Z",
            "2026-10-01T23:59:59+01:00",
            "2026-10-01 12:00:00",
            "2026-10-02T00:00:00Z",
            "2026-10-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-10-01T25:00:00Z",
        ] {
            assert_eq!(parser.parse_minute(text.as_bytes()), minute(text), "{text}");
        }
    }

    proptest::proptest! {
        /// Remembered dates never change an answer, whatever the order, whichever dates
        /// share a place (the same day of months 31 apart, bytes that are not digits).
        #[test]
        fn remembering_dates_in_any_order_gives_the_same_answers(
            texts in proptest::collection::vec(
                (1969u32..2100, 0u32..14, 0u32..33, proptest::sample::select(vec![
                    "T00:00:00Z", "T23:59:59+01:00", " 12:00:00", "T25:00:00Z",
                ]), proptest::bool::weighted(0.05)),
                0..200,
            )
        ) {
            let mut parser = TimestampParser::default();
            for (year, month, day, time, odd) in texts {
                let mut text = format!("{year:04}-{month:02}-{day:02}{time}").into_bytes();
                if odd {
                    text[9] = 0;
                }
                proptest::prop_assert_eq!(parser.parse_minute(&text), parse_minute(&text));
            }
        }
    }

    #[test]
    fn malformed_timestamps_are_refused_with_a_reason() {
        for bad in [
            "",
            "2026-10-01",
            "2026-13-01T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-10-01T24:00:00Z",
            "2026-10-01T12:34:56+2:00",
            "2026-10-01T12:34:56.Z",
            "2026-10-01X12:34:56Z",
            "１９７０-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "2026/10/01 12:34:56",
        ] {
            assert!(minute(bad).is_err(), "{bad:?} should be refused");
        }
        // A negative offset can move a date just after the epoch back before it.
        assert!(minute("1970-01-01T00:00:00+01:00").is_err());
    }
}
