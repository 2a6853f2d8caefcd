//! Every limit routewise puts on its inputs, in one place (`docs/limits.md` gives the
//! reasons). Each is generous for real use and tight against abuse; breaching one is a
//! positioned error with exit code 2, never a hang, an abort or a silent cut.

/// The largest hand-written input file (answers, workload, rules, pricing, price book,
/// template, JSON report), read from a regular file, a FIFO or a device alike.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The longest line of a usage file, in bytes: a real CSV row or JSON line is well under
/// a kilobyte; `/dev/zero` is one endless line.
pub const MAX_USAGE_LINE_BYTES: usize = 1024 * 1024;

/// The largest page (one top-level JSON value) of a usage-report JSON file, in bytes: the
/// reader holds one page at a time. An API page holds at most 1,440 buckets (1-minute
/// width): with 9 models that is about 5 MB on one line, 12 MB pretty-printed.
pub const MAX_USAGE_JSON_PAGE_BYTES: usize = 64 * 1024 * 1024;

/// The longest name or id (route, rule, question, traffic entry, pricing table, model),
/// in characters: names are printed in every table and repeated in JSON output.
pub const MAX_NAME_CHARS: usize = 200;

/// The most rules a catalogue may hold, embedded and the team's together. Each rule is two
/// compiled templates of about 20 KB (minijinja reserves room for 256 instructions per
/// template), so 50,000 rules bound the compiled rules near 1 GB; a team's largest real
/// directory is far below it, and 10,000 rules load in a few seconds.
pub const MAX_RULES: usize = 50_000;

/// Instructions one rule condition or message may run per evaluation (minijinja fuel).
/// Every embedded rule runs within it in every rule test case.
pub const RULE_FUEL: u64 = 100_000;

/// Instructions one report template may run per rendering (minijinja fuel). The embedded
/// templates render every example within it.
pub const TEMPLATE_FUEL: u64 = 50_000_000;

/// How deep templates may nest (includes, macros, loops, ifs), in minijinja's units:
/// an include or a macro call counts 10, a loop or an `if` 1.
pub const TEMPLATE_RECURSION: usize = 200;

/// Says why a name breaks [`MAX_NAME_CHARS`], or `None` when it is within it. `what` names
/// the kind of name ("traffic name", "route id").
pub fn name_too_long(what: &str, name: &str) -> Option<String> {
    let chars = name.chars().count();
    (chars > MAX_NAME_CHARS).then(|| {
        format!("the {what} is {chars} characters long; names are at most {MAX_NAME_CHARS}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_counted_in_characters() {
        assert_eq!(name_too_long("route id", &"é".repeat(MAX_NAME_CHARS)), None);
        let message = name_too_long("route id", &"é".repeat(MAX_NAME_CHARS + 1)).unwrap();
        assert!(message.contains("201 characters"), "{message}");
    }
}
