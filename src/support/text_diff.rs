//! A unified diff of two texts, for `advise --check`: what differs between a committed file
//! and what routewise would write, in the form `git diff` and reviewers read.

/// The unified diff (three lines of context) from `old` to `new`; empty when they are equal.
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    if old == new {
        return String::new();
    }
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .missing_newline_hint(true)
        .header(old_name, new_name)
        .to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_shows_as_removed_and_added_with_context() {
        let old = "a\nb\nc\nd\n";
        let new = "a\nb\nC\nd\n";
        assert_eq!(
            unified(old, new, "file", "regenerated"),
            "--- file\n+++ regenerated\n@@ -1,4 +1,4 @@\n a\n b\n-c\n+C\n d\n"
        );
        assert_eq!(unified(old, old, "file", "regenerated"), "");
    }
}
