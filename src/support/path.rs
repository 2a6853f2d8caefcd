//! Lexical path normalisation for the command lines routewise records, so that
//! `./decision/answers.yaml` and `decision/x/../answers.yaml` record as `decision/answers.yaml`
//! and a record made with one spelling checks against a run made with another.

use std::path::{Component, Path, PathBuf};

/// Drops `.` components and folds `name/..`, without touching the file system (symbolic
/// links are not resolved; a leading `..` stays). An empty result is `.`.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(p: &str) -> String {
        normalize(Path::new(p)).display().to_string()
    }

    #[test]
    fn spellings_of_one_relative_path_agree() {
        assert_eq!(n("./decision/answers.yaml"), "decision/answers.yaml");
        assert_eq!(n("decision/./answers.yaml"), "decision/answers.yaml");
        assert_eq!(n("decision/x/../answers.yaml"), "decision/answers.yaml");
        assert_eq!(n("decision/"), "decision");
        assert_eq!(n("../shared/a.yaml"), "../shared/a.yaml");
        assert_eq!(n("a/../../b"), "../b");
        assert_eq!(n("/../etc/x"), "/etc/x");
        assert_eq!(n("./"), ".");
        assert_eq!(n("a/.."), ".");
    }

    proptest::proptest! {
        /// Normalising twice changes nothing, and the result has no `.` component.
        #[test]
        fn normalising_is_idempotent(parts in proptest::collection::vec("(\\.|\\.\\.|[a-c])", 0..8)) {
            let path = parts.join("/");
            let once = normalize(Path::new(&path));
            proptest::prop_assert_eq!(normalize(&once), once.clone());
            let text = once.display().to_string();
            proptest::prop_assert!(text == "." || !text.split('/').any(|c| c == "."));
        }
    }
}
