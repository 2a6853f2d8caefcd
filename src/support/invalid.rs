//! A value that does not read, and why: a command-line value, one answer, a date. The caller
//! knows where the value came from and turns this into a diagnostic there (or clap does).

/// Why a value was refused, in words that follow the value's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

impl From<String> for InvalidValue {
    fn from(why: String) -> Self {
        InvalidValue(why)
    }
}

impl From<&str> for InvalidValue {
    fn from(why: &str) -> Self {
        InvalidValue(why.to_owned())
    }
}

impl From<InvalidValue> for String {
    fn from(value: InvalidValue) -> Self {
        value.0
    }
}
