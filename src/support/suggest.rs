//! "Did you mean": the known name nearest to a misspelt one.

/// The known name nearest to a misspelt one, when it is near enough to be a likely typo.
///
/// Case is ignored, and a word that is the start or one `_`-separated part of exactly one
/// name (`latency` for `latency_critical`) suggests that name.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.trim().to_lowercase();
    let near = candidates
        .iter()
        .map(|c| (edit_distance(&word, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c);
    near.or_else(|| {
        if word.len() < 3 {
            return None;
        }
        let mut parts = candidates.iter().filter(|c| {
            let c = c.to_lowercase();
            c.starts_with(&word) || c.split(['_', '-']).any(|part| part == word)
        });
        match (parts.next(), parts.next()) {
            (Some(only), None) => Some(*only),
            _ => None,
        }
    })
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn closest_finds_near_misses_only() {
        assert_eq!(closest("clod", &["cloud", "team"]), Some("cloud"));
        assert_eq!(closest("xyzzy", &["cloud", "team"]), None);
    }

    #[test]
    fn closest_finds_a_name_by_its_first_part() {
        let ids = [
            "latency_critical",
            "newest_features",
            "features",
            "residency_scope",
        ];
        assert_eq!(closest("latency", &ids), Some("latency_critical"));
        assert_eq!(closest("LATENCY", &ids), Some("latency_critical"));
        assert_eq!(closest("scope", &ids), Some("residency_scope"));
        assert_eq!(closest("zz", &ids), None);
    }
}
