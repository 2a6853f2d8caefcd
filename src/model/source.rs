//! Sources: the public pages a claim of the route catalogue is checked against.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One public source, cited by key from routes' `sources` and capability values' `source`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Who says it and what the page says, in a few words.
    pub title: String,
    /// The public page (`https://...`).
    pub url: String,
    /// Further public pages read for the same claims.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// The date the claims were last compared with the page, `YYYY-MM-DD`.
    pub checked: String,
    /// A caveat about the source (read through a summary, confirm in ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Source {
    /// Every page of the source, the main one first.
    pub fn urls(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.url.as_str()).chain(self.also.iter().map(String::as_str))
    }
}

/// True when `text` is an absolute `http` or `https` URL with a host.
pub fn is_url(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        host.contains('.')
            && !host.starts_with('.')
            && !r.chars().any(char::is_whitespace)
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_absolute_web_addresses() {
        assert!(is_url(
            "https://docs.aws.amazon.com/bedrock/latest/userguide/x.html"
        ));
        assert!(is_url("http://example.com"));
        assert!(!is_url("seed 000"));
        assert!(!is_url("https://"));
        assert!(!is_url("https://no host/with space"));
        assert!(!is_url("ftp://example.com/x"));
        assert!(!is_url("docs.aws.amazon.com/x"));
    }
}
