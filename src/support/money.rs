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

/// Whole tokens for people: projected counts carry growth decimals (102620361.486…) that
/// no reader needs; the JSON keeps them exact. Half a token rounds away from zero.
pub fn format_tokens(text: &str) -> String {
    match Decimal::from_str(text.trim()) {
        Ok(value) => format_count(&whole(value).to_string()),
        Err(_) => text.to_owned(),
    }
}

/// A count rounded to a whole number, for CSV cells (no separators).
pub fn whole(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// A multiplier such as a growth factor with at most four decimals (1.7103), for text.
pub fn format_factor(text: &str) -> String {
    match Decimal::from_str(text.trim()) {
        Ok(value) => value
            .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .normalize()
            .to_string(),
        Err(_) => text.to_owned(),
    }
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

/// Formats a change in dollars with its sign: `+$12.00`, `-$3.50`, `$0.00`.
pub fn format_usd_change(delta: Decimal) -> String {
    let text = format_usd(&delta.to_string());
    if delta > Decimal::ZERO {
        format!("+{text}")
    } else {
        text
    }
}

/// The change from `base` to `new` in percent of `base`, rounded once to one decimal (half
/// away from zero); `None` when `base` is zero.
pub fn percent_change(new: Decimal, base: Decimal) -> Option<Decimal> {
    if base.is_zero() {
        return None;
    }
    let percent = (new - base)
        .checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(base.abs())?;
    Some(percent.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
}

/// Formats a percentage with one decimal and its sign: `+12.5%`, `-3.0%`, `0.0%`.
pub fn format_percent_change(percent: Decimal) -> String {
    let mut p =
        percent.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    p.rescale(1);
    if p.is_zero() {
        "0.0%".into()
    } else if p > Decimal::ZERO {
        format!("+{p}%")
    } else {
        format!("{p}%")
    }
}

/// A fraction written as a percentage, such as `5%`.
pub fn percent(fraction: Decimal) -> String {
    format!("{}%", (fraction * Decimal::ONE_HUNDRED).normalize())
}

#[cfg(test)]
mod tests {
    use super::{format_factor, format_tokens, format_usd};

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

    #[test]
    fn changes_carry_their_sign_and_one_decimal() {
        use rust_decimal::Decimal;
        use std::str::FromStr;
        let d = |t: &str| Decimal::from_str(t).unwrap();
        assert_eq!(super::format_usd_change(d("1234.5")), "+$1,234.50");
        assert_eq!(super::format_usd_change(d("-3.5")), "-$3.50");
        assert_eq!(super::format_usd_change(d("0")), "$0.00");
        assert_eq!(super::percent_change(d("110"), d("100")), Some(d("10.0")));
        assert_eq!(super::percent_change(d("100"), d("300")), Some(d("-66.7")));
        assert_eq!(super::percent_change(d("1"), d("0")), None);
        assert_eq!(super::format_percent_change(d("10")), "+10.0%");
        assert_eq!(super::format_percent_change(d("-0.04")), "0.0%");
        assert_eq!(super::format_percent_change(d("-66.66")), "-66.7%");
    }

    #[test]
    fn tokens_and_factors_are_rounded_for_reading() {
        assert_eq!(format_tokens("102620361.48697880859375"), "102,620,361");
        assert_eq!(format_tokens("2.5"), "3");
        assert_eq!(format_factor("1.7103393581163134765625"), "1.7103");
        assert_eq!(format_factor("1.05"), "1.05");
        assert_eq!(format_factor("1"), "1");
    }
}
