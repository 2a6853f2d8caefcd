//! Rule codes: a prefix, an effect digit and a number, such as `RW001` or `ACME1007`.
//!
//! `RW` is the prefix of the embedded rules. A team picks its own prefix of 2 to 8 upper-case
//! ASCII letters, so that its codes never collide with an embedded rule added later, and so
//! that a rules directory may hold far more rules than the 300 codes of `RW` and three
//! digits. The digit after the prefix tells the effect at a glance (0 eliminates, 1 scores,
//! 2 warns); 2 to 5 digits follow. Codes order by prefix, effect digit, then number, so
//! `RW002` comes before `RW0010`.

use std::cmp::Ordering;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

/// The grammar as a regular expression, for the JSON Schema of rule files.
pub const PATTERN: &str = "^[A-Z]{2,8}[012][0-9]{2,5}$";

/// The prefix of the embedded rules.
pub const EMBEDDED_PREFIX: &str = "RW";

/// How many letters a prefix has.
pub const PREFIX_LETTERS: std::ops::RangeInclusive<usize> = 2..=8;

/// How many digits follow the effect digit.
pub const NUMBER_DIGITS: std::ops::RangeInclusive<usize> = 2..=5;

/// The grammar in words, for error messages.
pub const FORM: &str = "a code is a prefix of 2 to 8 upper-case letters, an effect digit (0 eliminate, 1 score, 2 warn) and 2 to 5 digits, such as RW001 or ACME1007";

/// A rule code as written in a rules file, with where its value is.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RuleCode(pub Spanned<String>);

impl RuleCode {
    /// A code read from somewhere other than a YAML file (tests, generated rules).
    pub fn new(code: impl Into<String>) -> Self {
        let nowhere = serde_saphyr::Location::UNKNOWN;
        RuleCode(Spanned::new(code.into(), nowhere, nowhere))
    }

    pub fn as_str(&self) -> &str {
        &self.0.value
    }

    /// The code's parts, or what is wrong with it.
    pub fn parse(&self) -> Result<CodeParts<'_>, CodeError> {
        parse(self.as_str())
    }
}

impl std::ops::Deref for RuleCode {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for RuleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for RuleCode {
    /// Two codes are equal when they are spelled alike, wherever they were written.
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for RuleCode {}

impl PartialEq<str> for RuleCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RuleCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for RuleCode {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialOrd for RuleCode {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RuleCode {
    fn cmp(&self, other: &Self) -> Ordering {
        order(self.as_str(), other.as_str())
    }
}

impl JsonSchema for RuleCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RuleCode".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": PATTERN,
            "description": "A prefix (RW for the embedded rules, 2 to 8 upper-case letters for a team's), an effect digit (0 eliminate, 1 score, 2 warn) and 2 to 5 digits: RW001, ACME1007.",
        })
    }
}

/// The parts of a well-formed code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeParts<'a> {
    pub prefix: &'a str,
    /// `0` eliminates, `1` scores, `2` warns (`Effect::code_digit` in `model::rule`).
    pub effect_digit: char,
    /// The digits after the effect digit, as written (`01` in `RW001`).
    pub digits: &'a str,
}

impl CodeParts<'_> {
    /// The number the digits spell (at most five digits, so it fits).
    pub fn number(&self) -> u32 {
        self.digits.parse().unwrap_or(u32::MAX)
    }
}

/// What is wrong with a code, in words that follow "rule code `X` ".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("is empty")]
    Empty,
    #[error("does not start with a prefix of letters")]
    NoPrefix,
    #[error("has lower-case letters in its prefix `{0}`: prefixes are upper case")]
    LowerCase(String),
    #[error("has a prefix of {0} letters, not 2 to 8")]
    PrefixLength(usize),
    #[error("has no effect digit after its prefix")]
    NoEffectDigit,
    #[error("has `{0}` where the effect digit goes: 0 eliminates, 1 scores, 2 warns")]
    EffectDigit(char),
    #[error("has {0} digits after its effect digit, not 2 to 5")]
    Digits(usize),
    #[error("has `{0}` where only digits may follow the effect digit")]
    NotADigit(char),
}

/// Splits a code into prefix, effect and digits, or says what is wrong with it.
pub fn parse(code: &str) -> Result<CodeParts<'_>, CodeError> {
    if code.is_empty() {
        return Err(CodeError::Empty);
    }
    let letters = code.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    let (prefix, rest) = code.split_at(letters);
    if prefix.is_empty() {
        return Err(CodeError::NoPrefix);
    }
    if prefix.bytes().any(|b| b.is_ascii_lowercase()) {
        return Err(CodeError::LowerCase(prefix.to_owned()));
    }
    if !PREFIX_LETTERS.contains(&letters) {
        return Err(CodeError::PrefixLength(letters));
    }
    let mut chars = rest.chars();
    let effect_digit = match chars.next() {
        None => return Err(CodeError::NoEffectDigit),
        Some(digit @ '0'..='2') => digit,
        Some(other) => return Err(CodeError::EffectDigit(other)),
    };
    let digits = chars.as_str();
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(CodeError::NotADigit(bad));
    }
    if !NUMBER_DIGITS.contains(&digits.len()) {
        return Err(CodeError::Digits(digits.len()));
    }
    Ok(CodeParts {
        prefix,
        effect_digit,
        digits,
    })
}

/// The order of codes in every listing and report: well-formed codes by prefix, effect digit
/// and number (so `RW002` before `RW0010`), then by length and spelling (so `RW002` before
/// `RW0002`, which are different codes); anything else after them, by spelling. A total
/// order, so sorting is deterministic.
pub fn order(a: &str, b: &str) -> Ordering {
    match (parse(a), parse(b)) {
        (Ok(x), Ok(y)) => (x.prefix, x.effect_digit, x.number(), a.len(), a).cmp(&(
            y.prefix,
            y.effect_digit,
            y.number(),
            b.len(),
            b,
        )),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn embedded_and_team_codes_parse() {
        let rw = parse("RW001").unwrap();
        assert_eq!((rw.prefix, rw.effect_digit, rw.number()), ("RW", '0', 1));
        let team = parse("ACME1007").unwrap();
        assert_eq!(
            (team.prefix, team.effect_digit, team.digits),
            ("ACME", '1', "007")
        );
        assert_eq!(parse("TEAMCODE299999").unwrap().effect_digit, '2');
    }

    #[test]
    fn each_way_out_of_the_grammar_says_what_is_wrong() {
        assert_eq!(parse(""), Err(CodeError::Empty));
        assert_eq!(parse("001"), Err(CodeError::NoPrefix));
        assert_eq!(parse("acme012"), Err(CodeError::LowerCase("acme".into())));
        assert_eq!(parse("A012"), Err(CodeError::PrefixLength(1)));
        assert_eq!(parse("ABCDEFGHI012"), Err(CodeError::PrefixLength(9)));
        assert_eq!(parse("ACME"), Err(CodeError::NoEffectDigit));
        assert_eq!(parse("ACME512"), Err(CodeError::EffectDigit('5')));
        assert_eq!(parse("ACME-012"), Err(CodeError::EffectDigit('-')));
        assert_eq!(parse("ACME0"), Err(CodeError::Digits(0)));
        assert_eq!(parse("ACME01"), Err(CodeError::Digits(1)));
        assert_eq!(parse("ACME0123456"), Err(CodeError::Digits(6)));
        assert_eq!(parse("ACME01x"), Err(CodeError::NotADigit('x')));
        assert_eq!(parse("ACME0١٢"), Err(CodeError::NotADigit('١')));
    }

    #[test]
    fn codes_order_by_prefix_effect_and_number() {
        let mut codes = vec![
            "RW0010", "RW101", "ACME2001", "RW002", "RW0002", "bad", "ACME0100", "RW099",
        ];
        codes.sort_by(|a, b| order(a, b));
        assert_eq!(
            codes,
            [
                "ACME0100", "ACME2001", "RW002", "RW0002", "RW0010", "RW099", "RW101", "bad"
            ]
        );
    }

    #[test]
    fn embedded_codes_keep_their_spelling_order() {
        // Three-digit RW codes order as they always did, so reports and snapshots of the
        // embedded rules do not move.
        let mut codes: Vec<String> = (0..300).rev().map(|n| format!("RW{n:03}")).collect();
        let mut by_text = codes.clone();
        by_text.sort();
        codes.sort_by(|a, b| order(a, b));
        assert_eq!(codes, by_text);
    }

    /// A generated well-formed code with the parts it was built from.
    fn valid() -> impl Strategy<Value = (String, String, u8, String)> {
        ("[A-Z]{2,8}", 0u8..3, "[0-9]{2,5}").prop_map(|(prefix, effect, digits)| {
            (format!("{prefix}{effect}{digits}"), prefix, effect, digits)
        })
    }

    /// Whether the schema's regular expression accepts `code`: the parser and the JSON
    /// Schema editors validate with must agree.
    fn matches_pattern(code: &str) -> bool {
        regex::Regex::new(PATTERN)
            .expect("PATTERN compiles")
            .is_match(code)
    }

    proptest! {
        #[test]
        fn any_valid_code_round_trips_with_its_effect((code, prefix, effect, digits) in valid()) {
            let parts = parse(&code).unwrap();
            prop_assert_eq!(parts.prefix, prefix.as_str());
            prop_assert_eq!(parts.digits, digits.as_str());
            prop_assert_eq!(parts.effect_digit, char::from(b'0' + effect));
            prop_assert_eq!(format!("{}{}{}", parts.prefix, parts.effect_digit, parts.digits), code);
        }

        #[test]
        fn any_string_outside_the_grammar_is_refused(text in "\\PC{0,16}|[A-Za-z]{0,10}[0-9]{0,8}[a-z-]?") {
            prop_assert_eq!(parse(&text).is_ok(), matches_pattern(&text), "{:?}", text);
        }

        #[test]
        fn order_is_total_and_agrees_with_equality(a in "[A-Z]{2,3}[0-3][0-9]{1,4}", b in "[A-Z]{2,3}[0-3][0-9]{1,4}") {
            prop_assert_eq!(order(&a, &b), order(&b, &a).reverse());
            prop_assert_eq!(order(&a, &b) == Ordering::Equal, a == b);
        }
    }
}
