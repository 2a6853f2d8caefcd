//! Bills to reconcile replay against: what a provider charged, per month, model and token
//! type, read from AWS CUR 2.0 and FOCUS exports and from Anthropic's cost report and cost
//! analytics API.
//!
//! A bill is not usage: it holds amounts (and, for cloud exports, token quantities), not the
//! per-request detail replay prices. `routewise replay --reconcile BILL` puts the two side by
//! side (see `outputs::replay::reconcile`).
//!
//! Every line of a bill lands in exactly one place: an **attributed** sum keyed by month,
//! route scope, catalogue model and token type, or an **unattributed** sum keyed by month,
//! the line's own description and the reason it could not be attributed (tax, credits,
//! other services, a model the catalogue does not know, a service tier replay does not
//! price). So the bill's total is always attributed plus unattributed: nothing is dropped.
//!
//! | format | told by |
//! | --- | --- |
//! | `cur` | a CSV header with `line_item_usage_type` and `line_item_unblended_cost` |
//! | `focus` | a CSV header with `BilledCost` and `ChargePeriodStart` |
//! | `anthropic-cost` | JSON with `cost_type`, `token_type` or `list_amount` |

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::totals::MAX_SKIPPED_MESSAGES;
use crate::support::diagnostic::Diagnostic;

/// A bill format, as `--bill-format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BillFormat {
    /// AWS Cost and Usage Report 2.0 (Data Exports), CSV.
    Cur,
    /// A FOCUS 1.x cost and usage export (AWS, GCP, Azure), CSV.
    Focus,
    /// Anthropic's Admin API cost report, or the cost analytics API's `/cost` response.
    AnthropicCost,
}

impl BillFormat {
    pub fn name(self) -> &'static str {
        match self {
            BillFormat::Cur => "cur",
            BillFormat::Focus => "focus",
            BillFormat::AnthropicCost => "anthropic_cost",
        }
    }

    /// Tells the format from the start of the (decompressed) stream; `None` when it is
    /// none of them.
    pub fn detect(head: &[u8]) -> Option<BillFormat> {
        let text = String::from_utf8_lossy(head);
        let body = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        if body.starts_with('{') || body.starts_with('[') {
            let has = |key: &str| body.contains(&format!("\"{key}\""));
            return (has("cost_type") || has("token_type") || has("list_amount") || has("amount"))
                .then_some(BillFormat::AnthropicCost);
        }
        let header = body.lines().next().unwrap_or("");
        let columns: Vec<String> = header
            .split(',')
            .map(|h| h.trim().trim_matches('"').to_owned())
            .collect();
        let has = |c: &str| columns.iter().any(|h| h == c);
        if has("line_item_usage_type") && has("line_item_unblended_cost") {
            Some(BillFormat::Cur)
        } else if has("BilledCost") && (has("ChargePeriodStart") || has("BillingPeriodStart")) {
            Some(BillFormat::Focus)
        } else {
            None
        }
    }
}

/// The kind of token a bill line charges for. Batch and long-context traffic fold into
/// input and output, as bills show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenType {
    Input,
    Output,
    CacheRead,
    CacheWrite5m,
    CacheWrite1h,
}

impl TokenType {
    pub const ALL: [TokenType; 5] = [
        TokenType::Input,
        TokenType::Output,
        TokenType::CacheRead,
        TokenType::CacheWrite5m,
        TokenType::CacheWrite1h,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TokenType::Input => "input",
            TokenType::Output => "output",
            TokenType::CacheRead => "cache reads",
            TokenType::CacheWrite5m => "cache writes (5m)",
            TokenType::CacheWrite1h => "cache writes (1h)",
        }
    }
}

/// Which routes a bill line covers: bills name a provider and sometimes a routing scope,
/// never one catalogue route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BillScope {
    /// The Anthropic API (global inference).
    AnthropicApi,
    /// The Anthropic API with US-only inference (`inference_geo` `us`).
    AnthropicApiUs,
    /// Bedrock's global cross-region profile (usage types ending `-cross-region-global`).
    BedrockGlobal,
    /// Bedrock in one region or a geographic profile: both billed at the regional rate.
    BedrockRegional,
}

impl BillScope {
    /// The catalogue routes whose traffic this scope bills.
    pub fn routes(self) -> &'static [&'static str] {
        match self {
            BillScope::AnthropicApi => &["anthropic-api"],
            BillScope::AnthropicApiUs => &["anthropic-api-us"],
            BillScope::BedrockGlobal => &["bedrock-global"],
            BillScope::BedrockRegional => &["bedrock-region", "bedrock-geo"],
        }
    }

    /// The route traffic with no observed route is priced on, when assigned to this scope.
    pub fn default_route(self) -> &'static str {
        self.routes()[0]
    }

    /// The scope of an observed route, if a bill can cover it.
    pub fn of_route(route: &str) -> Option<BillScope> {
        [
            BillScope::AnthropicApi,
            BillScope::AnthropicApiUs,
            BillScope::BedrockGlobal,
            BillScope::BedrockRegional,
        ]
        .into_iter()
        .find(|s| s.routes().contains(&route))
    }

    pub fn label(self) -> &'static str {
        match self {
            BillScope::AnthropicApi => "anthropic-api",
            BillScope::AnthropicApiUs => "anthropic-api-us",
            BillScope::BedrockGlobal => "bedrock-global",
            BillScope::BedrockRegional => "bedrock-region/geo",
        }
    }
}

/// Where an attributed amount goes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BillKey {
    /// `YYYY-MM`, the month the usage happened in.
    pub month: String,
    pub scope: BillScope,
    /// A catalogue model id.
    pub model: String,
    pub token_type: TokenType,
}

/// Lines summed: their count, the tokens they charge (when every line states them in a
/// known unit) and the amount, exact as the bill gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BillAmount {
    pub lines: u64,
    /// Tokens, when every line gave a quantity in a token unit; `None` otherwise.
    pub tokens: Option<Decimal>,
    pub usd: Decimal,
    /// Lines without a token quantity in a known unit.
    pub lines_without_tokens: u64,
}

impl BillAmount {
    fn add(&mut self, tokens: Option<Decimal>, usd: Decimal) -> Option<()> {
        let usd = self.usd.checked_add(usd)?;
        let first = self.lines == 0;
        self.tokens = match (tokens, self.tokens) {
            (Some(t), _) if first => Some(t),
            (Some(t), Some(sum)) => Some(sum.checked_add(t)?),
            _ => None,
        };
        self.usd = usd;
        self.lines += 1;
        if tokens.is_none() {
            self.lines_without_tokens += 1;
        }
        Some(())
    }
}

/// Why a bill line is not attributed, with what it says.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnattributedKey {
    pub month: String,
    /// The line's own words: a usage type, a SKU, a description.
    pub item: String,
    pub reason: String,
}

/// One bill file (or a directory of export files), read.
#[derive(Debug, Clone, Default)]
pub struct Bill {
    /// Data lines read (accepted), attributed or not.
    pub lines: u64,
    pub attributed: BTreeMap<BillKey, BillAmount>,
    pub unattributed: BTreeMap<UnattributedKey, BillAmount>,
    pub skipped_rows: u64,
    pub skipped: Vec<Diagnostic>,
    pub notes: Vec<String>,
}

impl Bill {
    /// Adds a line that names a model and token type.
    pub fn attribute(
        &mut self,
        key: BillKey,
        tokens: Option<Decimal>,
        usd: Decimal,
    ) -> Result<(), &'static str> {
        self.lines += 1;
        self.attributed
            .entry(key)
            .or_default()
            .add(tokens, usd)
            .ok_or(OVERFLOW)
    }

    /// Adds a line that cannot be attributed, saying why.
    pub fn unattributed(
        &mut self,
        month: &str,
        item: &str,
        reason: impl Into<String>,
        tokens: Option<Decimal>,
        usd: Decimal,
    ) -> Result<(), &'static str> {
        self.lines += 1;
        let key = UnattributedKey {
            month: month.to_owned(),
            item: item.to_owned(),
            reason: reason.into(),
        };
        self.unattributed
            .entry(key)
            .or_default()
            .add(tokens, usd)
            .ok_or(OVERFLOW)
    }

    pub fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// A bad line: the error, or counted with `skip_bad_rows`.
    pub fn bad_row(&mut self, diagnostic: Diagnostic, skip: bool) -> Result<(), Diagnostic> {
        if !skip {
            return Err(match diagnostic.help {
                Some(_) => diagnostic,
                None => diagnostic.with_help(
                    "fix the line, or pass --skip-bad-rows to count bad lines and go on",
                ),
            });
        }
        self.skipped_rows += 1;
        if self.skipped.len() < MAX_SKIPPED_MESSAGES {
            self.skipped.push(diagnostic);
        }
        Ok(())
    }

    /// Every amount of the bill: attributed plus unattributed.
    pub fn total_usd(&self) -> Decimal {
        self.attributed_usd() + self.unattributed_usd()
    }

    pub fn attributed_usd(&self) -> Decimal {
        self.attributed.values().map(|a| a.usd).sum()
    }

    pub fn unattributed_usd(&self) -> Decimal {
        self.unattributed.values().map(|a| a.usd).sum()
    }

    /// Adds another file's lines (the same export split into several files).
    pub fn merge(&mut self, other: Bill) {
        self.lines += other.lines;
        for (key, amount) in other.attributed {
            let mine = self.attributed.entry(key).or_default();
            merge_amount(mine, &amount);
        }
        for (key, amount) in other.unattributed {
            let mine = self.unattributed.entry(key).or_default();
            merge_amount(mine, &amount);
        }
        self.skipped_rows += other.skipped_rows;
        let room = MAX_SKIPPED_MESSAGES.saturating_sub(self.skipped.len());
        self.skipped.extend(other.skipped.into_iter().take(room));
        for note in other.notes {
            self.note(note);
        }
    }
}

fn merge_amount(mine: &mut BillAmount, other: &BillAmount) {
    let first = mine.lines == 0;
    mine.lines += other.lines;
    mine.usd += other.usd;
    mine.lines_without_tokens += other.lines_without_tokens;
    mine.tokens = match (first, mine.tokens, other.tokens) {
        (true, _, t) => t,
        (false, Some(a), Some(b)) => Some(a + b),
        _ => None,
    };
}

/// The message of a sum that does not fit.
pub const OVERFLOW: &str = "adding this line would make the bill's sums overflow";

/// Parses an amount as bills write it: plain decimals, or scientific notation (`1.2E-5`).
pub fn parse_amount(text: &str) -> Option<Decimal> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    text.parse::<Decimal>()
        .ok()
        .or_else(|| Decimal::from_scientific(text).ok())
}

/// How many tokens one unit of a pricing unit is: `tokens` 1, `1K tokens` 1,000,
/// `1M tokens` 1,000,000. `None` for a unit that is not a count of tokens.
pub fn tokens_per_unit(unit: &str) -> Option<Decimal> {
    let unit = unit.trim().to_ascii_lowercase();
    let unit = unit.strip_prefix("per ").unwrap_or(&unit);
    let (count, word) = match unit.split_once(' ') {
        Some((count, word)) => (count.trim(), word.trim()),
        None => ("1", unit),
    };
    if !matches!(word, "token" | "tokens") {
        return None;
    }
    let (digits, factor) = match count.chars().last() {
        Some('k') => (&count[..count.len() - 1], 1_000u64),
        Some('m') => (&count[..count.len() - 1], 1_000_000u64),
        _ => (count, 1),
    };
    let digits = digits.replace(',', "");
    let number: Decimal = if digits.is_empty() {
        Decimal::ONE
    } else {
        digits.parse().ok()?
    };
    Some(number * Decimal::from(factor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bill_formats_are_told_from_their_content() {
        let detect = |s: &str| BillFormat::detect(s.as_bytes());
        assert_eq!(
            detect("identity_line_item_id,line_item_usage_type,line_item_unblended_cost\n"),
            Some(BillFormat::Cur)
        );
        assert_eq!(
            detect("\"BilledCost\",\"ChargePeriodStart\",\"ServiceName\"\n"),
            Some(BillFormat::Focus)
        );
        assert_eq!(
            detect(
                "{\"data\":[{\"results\":[{\"amount\":\"1\",\"token_type\":\"output_tokens\"}]}]}"
            ),
            Some(BillFormat::AnthropicCost)
        );
        assert_eq!(detect("timestamp,model,input_tokens\n"), None);
    }

    #[test]
    fn pricing_units_scale_to_tokens() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(tokens_per_unit("tokens"), Some(d("1")));
        assert_eq!(tokens_per_unit("1K tokens"), Some(d("1000")));
        assert_eq!(tokens_per_unit("1M Tokens"), Some(d("1000000")));
        assert_eq!(tokens_per_unit("1,000 tokens"), Some(d("1000")));
        assert_eq!(tokens_per_unit("Hrs"), None);
        assert_eq!(parse_amount("1.2E-5"), Some(d("0.000012")));
        assert_eq!(parse_amount(" 72.00 "), Some(d("72.00")));
        assert_eq!(parse_amount(""), None);
    }

    #[test]
    fn token_sums_are_kept_only_when_every_line_has_them() {
        let mut a = BillAmount::default();
        a.add(Some(Decimal::from(5)), Decimal::ONE).unwrap();
        a.add(Some(Decimal::from(7)), Decimal::ONE).unwrap();
        assert_eq!(a.tokens, Some(Decimal::from(12)));
        a.add(None, Decimal::ONE).unwrap();
        assert_eq!((a.tokens, a.lines, a.lines_without_tokens), (None, 3, 1));
        a.add(Some(Decimal::from(1)), Decimal::ONE).unwrap();
        assert_eq!(a.tokens, None);
        assert_eq!(a.usd, Decimal::from(4));
    }
}
