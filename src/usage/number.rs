//! Field values of a usage row: token counts and flags, parsed from bytes without
//! allocating, each refusal saying what was wrong.

/// Why a field was refused; the caller adds file, line, column and the value.
pub type FieldError = &'static str;

/// A non-negative whole number of tokens or requests. Surrounding spaces are allowed; an
/// empty field is `None` so the caller can decide whether the column may be blank.
pub fn parse_count(text: &[u8]) -> Result<Option<u64>, FieldError> {
    // Fast path, one pass with no branch per digit: up to 19 digits cannot overflow u64,
    // and the value is kept only if every byte was a digit.
    if !text.is_empty() && text.len() <= 19 {
        let (value, digits) = text.iter().fold((0u64, true), |(n, digits), &b| {
            let digit = b.wrapping_sub(b'0');
            (
                n.wrapping_mul(10).wrapping_add(u64::from(digit)),
                digits & (digit < 10),
            )
        });
        if digits {
            return Ok(Some(value));
        }
    }
    let text = text.trim_ascii();
    if text.is_empty() {
        return Ok(None);
    }
    let mut value: u64 = 0;
    for &b in text {
        if !b.is_ascii_digit() {
            return Err(classify(text));
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .ok_or("is too large (the most is 18446744073709551615)")?;
    }
    Ok(Some(value))
}

/// Says why a field that is not all digits is not a count.
fn classify(text: &[u8]) -> FieldError {
    if let Some(magnitude) = text.strip_prefix(b"-")
        && is_decimal(magnitude)
    {
        return "is negative; token counts cannot be negative";
    }
    if is_decimal(text.strip_prefix(b"+").unwrap_or(text)) {
        return "is not a whole number of tokens";
    }
    "is not a number"
}

/// Digits with at most one decimal point and an optional exponent (`1.5`, `2e6`, `3.0E+2`).
fn is_decimal(text: &[u8]) -> bool {
    let (mantissa, exponent) = match text.iter().position(|&b| b == b'e' || b == b'E') {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let digits = mantissa.iter().filter(|b| b.is_ascii_digit()).count();
    let points = mantissa.iter().filter(|&&b| b == b'.').count();
    let mantissa_ok = digits > 0 && points <= 1 && digits + points == mantissa.len();
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e
            .strip_prefix(b"+")
            .or_else(|| e.strip_prefix(b"-"))
            .unwrap_or(e);
        !e.is_empty() && e.iter().all(u8::is_ascii_digit)
    });
    mantissa_ok && exponent_ok
}

/// A yes/no flag: `true`/`false`/`1`/`0` in any letter case; empty is `None`.
pub fn parse_flag(text: &[u8]) -> Result<Option<bool>, FieldError> {
    match text {
        b"false" | b"0" => return Ok(Some(false)),
        b"true" | b"1" => return Ok(Some(true)),
        _ => {}
    }
    let text = text.trim_ascii();
    if text.is_empty() {
        Ok(None)
    } else if text == b"1" || text.eq_ignore_ascii_case(b"true") {
        Ok(Some(true))
    } else if text == b"0" || text.eq_ignore_ascii_case(b"false") {
        Ok(Some(false))
    } else {
        Err("is not a flag; write true, false, 1 or 0")
    }
}

/// The report's context-window classes; `true` means above 200K tokens. Empty is `None`.
pub fn parse_context_window(text: &[u8]) -> Result<Option<bool>, FieldError> {
    let text = text.trim_ascii();
    if text.is_empty() {
        Ok(None)
    } else if text.eq_ignore_ascii_case(b"0-200k") {
        Ok(Some(false))
    } else if text.eq_ignore_ascii_case(b"200k-1m") {
        Ok(Some(true))
    } else {
        Err("is not a context window; write 0-200k or 200k-1M")
    }
}

/// The width of a time bucket in minutes: `1m`, `1h` or `1d` (the report's `bucket_width`
/// values). Empty is `None` (the row is one request, at one instant).
pub fn parse_bucket_width(text: &[u8]) -> Result<Option<u64>, FieldError> {
    match text.trim_ascii() {
        b"" => Ok(None),
        b"1m" => Ok(Some(1)),
        b"1h" => Ok(Some(60)),
        b"1d" => Ok(Some(1440)),
        _ => Err("is not a bucket width; write 1m, 1h or 1d"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(parse_count(b"0"), Ok(Some(0)));
        assert_eq!(
            parse_count(b"9999999999999999999"),
            Ok(Some(9_999_999_999_999_999_999))
        );
        assert_eq!(parse_count(b"00000000000000000000001"), Ok(Some(1)));
        assert_eq!(parse_count(b" 1234 "), Ok(Some(1234)));
        assert_eq!(parse_count(b""), Ok(None));
        assert_eq!(parse_count(b"  "), Ok(None));
        assert_eq!(
            parse_count(b"18446744073709551615"),
            Ok(Some(u64::MAX)),
            "u64::MAX itself fits"
        );
        assert!(
            parse_count(b"18446744073709551616")
                .unwrap_err()
                .contains("too large")
        );
        assert!(parse_count(b"-5").unwrap_err().contains("negative"));
        assert!(parse_count(b"-0.5").unwrap_err().contains("negative"));
        assert!(parse_count(b"1.5").unwrap_err().contains("whole"));
        assert!(parse_count(b"1e6").unwrap_err().contains("whole"));
        assert!(parse_count(b"+7").unwrap_err().contains("whole"));
        assert_eq!(parse_count(b"abc"), Err("is not a number"));
        assert_eq!(parse_count(b"hello"), Err("is not a number"));
        assert_eq!(parse_count(b"1e"), Err("is not a number"));
        assert_eq!(parse_count(b"-"), Err("is not a number"));
        assert_eq!(parse_count("٣".as_bytes()), Err("is not a number"));
    }

    proptest::proptest! {
        /// The one-pass fast path and the checked path agree with the standard parser.
        #[test]
        fn counts_are_what_the_standard_parser_reads(
            text in proptest::collection::vec(
                proptest::sample::select(b"0123456789 9/:-+.e\x00".to_vec()), 0..25)
        ) {
            let trimmed = text.trim_ascii();
            let expected = if trimmed.is_empty() {
                Some(None)
            } else if trimmed.iter().all(u8::is_ascii_digit) {
                std::str::from_utf8(trimmed).unwrap().parse::<u64>().ok().map(Some)
            } else {
                None
            };
            proptest::prop_assert_eq!(parse_count(&text).ok(), expected);
        }
    }

    #[test]
    fn flags_windows_and_widths() {
        assert_eq!(parse_flag(b"TRUE"), Ok(Some(true)));
        assert_eq!(parse_flag(b"1"), Ok(Some(true)));
        assert_eq!(parse_flag(b"false"), Ok(Some(false)));
        assert_eq!(parse_flag(b"0"), Ok(Some(false)));
        assert_eq!(parse_flag(b""), Ok(None));
        assert!(parse_flag(b"yes").is_err());
        assert_eq!(parse_context_window(b"200k-1M"), Ok(Some(true)));
        assert_eq!(parse_context_window(b"0-200k"), Ok(Some(false)));
        assert!(parse_context_window(b"1M").is_err());
        assert_eq!(parse_bucket_width(b"1h"), Ok(Some(60)));
        assert_eq!(parse_bucket_width(b"1d"), Ok(Some(1440)));
        assert!(parse_bucket_width(b"2h").is_err());
    }
}
