//! A directory of numbered decision records that supersede one another, as adr-tools
//! (`adr new -s N`) and log4brains keep them: `0001-model-route.md`, `0002-model-route.md`,
//! ..., the newest one current, each older one's status `superseded by NNNN`, and an index,
//! `README.md`. Pure text: the command reads and writes the files.

use std::fmt::Write;

/// The file name every record takes after its number.
pub const SLUG: &str = "model-route";

/// The index file of a records directory.
pub const INDEX: &str = "README.md";

/// One record of the directory: its number and file name, and its text.
#[derive(Debug, Clone)]
pub struct Record {
    pub number: u32,
    pub file: String,
    pub text: String,
}

/// The number of a record file, `0007-anything.md`: four or more digits, a dash, `.md`.
pub fn number_of(file: &str) -> Option<u32> {
    let stem = file.strip_suffix(".md")?;
    let (digits, rest) = stem.split_once('-')?;
    (digits.len() >= 4 && digits.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty())
        .then(|| digits.parse().ok())
        .flatten()
}

/// The file name of record `number`.
pub fn file_name(number: u32) -> String {
    format!("{number:04}-{SLUG}.md")
}

/// What a new record says about the one it replaces, placed under its title.
pub fn supersedes_line(previous: &Record) -> String {
    format!("Supersedes [{:04}]({}).", previous.number, previous.file)
}

/// The record's text with its front-matter status set to `superseded by NNNN`; a record
/// without front matter gets one.
pub fn mark_superseded(text: &str, by: u32) -> String {
    let status = format!("status: superseded by {by:04}");
    let Some(body) = text.strip_prefix("---\n") else {
        return format!("---\n{status}\n---\n\n{text}");
    };
    let Some(end) = body
        .find("\n---\n")
        .map(|i| i + 1)
        .or_else(|| body.starts_with("---\n").then_some(0))
    else {
        return format!("---\n{status}\n---\n\n{text}");
    };
    let (front, rest) = body.split_at(end);
    let mut lines: Vec<String> = front.lines().map(str::to_owned).collect();
    match lines.iter_mut().find(|l| l.starts_with("status:")) {
        Some(line) => *line = status,
        None => lines.insert(0, status),
    }
    let mut out = String::from("---\n");
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(rest);
    out
}

/// A front-matter value of a record (`status`, `date`), unquoted.
fn front_matter(text: &str, key: &str) -> Option<String> {
    let body = text.strip_prefix("---\n")?;
    let front = &body[..body.find("\n---\n").map_or(0, |i| i + 1)];
    front.lines().find_map(|l| {
        let value = l.strip_prefix(key)?.strip_prefix(':')?.trim();
        Some(value.trim_matches('"').trim_matches('\'').to_owned())
    })
}

/// The record's title: its first `# ` heading.
fn title(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("# "))
        .unwrap_or("(untitled)")
        .trim()
        .to_owned()
}

/// The index of the directory: every record, newest first, with its title, status and date.
pub fn index(records: &[Record]) -> String {
    let mut out = String::from(
        "# Decision records\n\nWritten by `routewise advise --format madr --supersede`: the newest record is the current decision; each older one is superseded by the next.\n\n| Record | Title | Status | Date |\n|---|---|---|---|\n",
    );
    let mut sorted: Vec<&Record> = records.iter().collect();
    sorted.sort_by_key(|r| std::cmp::Reverse(r.number));
    for r in sorted {
        let cell = |s: &str| s.replace('|', "\\|");
        let _ = writeln!(
            out,
            "| [{:04}]({}) | {} | {} | {} |",
            r.number,
            r.file,
            cell(&title(&r.text)),
            cell(&front_matter(&r.text, "status").unwrap_or_else(|| "proposed".into())),
            front_matter(&r.text, "date").unwrap_or_default(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(number: u32, text: &str) -> Record {
        Record {
            number,
            file: file_name(number),
            text: text.into(),
        }
    }

    #[test]
    fn record_files_are_numbered() {
        assert_eq!(number_of("0001-model-route.md"), Some(1));
        assert_eq!(number_of("0012-use-bedrock.md"), Some(12));
        assert_eq!(number_of("README.md"), None);
        assert_eq!(number_of("001-short.md"), None);
        assert_eq!(number_of("0001-.md"), None);
        assert_eq!(number_of("0001-x.txt"), None);
        assert_eq!(file_name(2), "0002-model-route.md");
    }

    #[test]
    fn the_status_in_the_front_matter_is_replaced_and_nothing_else() {
        let text =
            "---\nstatus: \"accepted\"\ndate: 2026-11-22\n---\n\n# Use Bedrock\n\nstatus: kept\n";
        assert_eq!(
            mark_superseded(text, 2),
            "---\nstatus: superseded by 0002\ndate: 2026-11-22\n---\n\n# Use Bedrock\n\nstatus: kept\n"
        );
        assert_eq!(
            mark_superseded("---\ndate: 2026-11-22\n---\n# T\n", 3),
            "---\nstatus: superseded by 0003\ndate: 2026-11-22\n---\n# T\n"
        );
        assert_eq!(
            mark_superseded("# T\n", 3),
            "---\nstatus: superseded by 0003\n---\n\n# T\n"
        );
    }

    #[test]
    fn the_index_lists_records_newest_first() {
        let records = [
            record(
                1,
                "---\nstatus: superseded by 0002\ndate: 2026-10-01\n---\n\n# Use the API\n",
            ),
            record(
                2,
                "---\nstatus: \"accepted\"\ndate: 2026-11-22\n---\n\n# Use Bedrock | EU\n",
            ),
        ];
        let index = index(&records);
        assert!(index.ends_with(
            "| [0002](0002-model-route.md) | Use Bedrock \\| EU | accepted | 2026-11-22 |\n| [0001](0001-model-route.md) | Use the API | superseded by 0002 | 2026-10-01 |\n"
        ), "{index}");
    }
}
