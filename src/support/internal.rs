//! Failures of routewise itself (a worker thread that panicked), kept apart from problems in
//! the user's input: they exit with code 1, never 2, and ask to be reported.

/// A failure of routewise, never of the user's input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("internal error while {what}; please report it with the command that caused it")]
pub struct Internal {
    /// What routewise was doing, such as `reading the pricing tables`.
    pub what: String,
}

impl Internal {
    pub fn new(what: impl Into<String>) -> Self {
        Self { what: what.into() }
    }
}

/// Waits for a worker thread; its panic becomes an [`Internal`] failure naming the work.
pub fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>, what: &str) -> Result<T, Internal> {
    handle.join().map_err(|_| Internal::new(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicked_thread_is_an_internal_failure_naming_the_work() {
        let joined = std::thread::scope(|scope| {
            let handle = scope.spawn(|| -> u32 { panic!("a bug") });
            join(handle, "reading the pricing tables")
        });
        let error = joined.expect_err("the thread panicked");
        assert_eq!(error.what, "reading the pricing tables");
        assert!(
            error
                .to_string()
                .starts_with("internal error while reading the pricing tables")
        );
    }

    #[test]
    fn a_finished_thread_gives_its_value() {
        let joined = std::thread::scope(|scope| join(scope.spawn(|| 7), "adding"));
        assert_eq!(joined, Ok(7));
    }
}
