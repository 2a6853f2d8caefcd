//! How amounts are written for people: `$1,234.50`, always at least two decimals, never
//! rounded again (amounts arrive already rounded, or are unit prices with their own digits).

use std::str::FromStr;

use rust_decimal::Decimal;

/// Formats a count (or any decimal) with thousands separators, keeping its decimals.
pub fn format_count(text: &str) -> String {
    let Ok(value) = Decimal::from_str(text.trim()) else {
        return text.to_owned();
    };
    let text = value.normalize().abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let sign = if value.is_sign_negative() && !value.is_zero() {
        "-"
    } else {
        ""
    };
    let dot = if fraction.is_empty() { "" } else { "." };
    format!("{sign}{}{dot}{fraction}", group_thousands(whole))
}

fn group_thousands(whole: &str) -> String {
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// Formats a decimal (or its text) as US dollars with thousands separators.
pub fn format_usd(text: &str) -> String {
    let Ok(value) = Decimal::from_str(text.trim()) else {
        return text.to_owned();
    };
    let mut value = value.normalize();
    if value.scale() < 2 {
        value.rescale(2);
    }
    let text = value.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let sign = if value.is_sign_negative() && !value.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}${}.{fraction}", group_thousands(whole))
}

#[cfg(test)]
mod tests {
    use super::format_usd;

    #[test]
    fn formats_with_separators_and_two_decimals() {
        assert_eq!(format_usd("1234567.5"), "$1,234,567.50");
        assert_eq!(format_usd("0"), "$0.00");
        assert_eq!(format_usd("0.125"), "$0.125");
        assert_eq!(format_usd("999.00"), "$999.00");
        assert_eq!(format_usd("-12.3"), "-$12.30");
        assert_eq!(format_usd("n/a"), "n/a");
    }

    #[test]
    fn counts_keep_their_decimals() {
        assert_eq!(super::format_count("30000000"), "30,000,000");
        assert_eq!(super::format_count("1234.5"), "1,234.5");
        assert_eq!(super::format_count("12"), "12");
    }
}
