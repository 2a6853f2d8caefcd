//! Leaf helpers that import nothing else of the crate: diagnostics, dates, money and count
//! formatting, text tables and CSV text.

pub mod codes;
pub mod csv_text;
pub mod date;
pub mod diagnostic;
pub mod internal;
pub mod invalid;
pub mod limits;
pub mod money;
pub mod path;
pub mod shell;
pub mod suggest;
pub mod table;
pub mod text_diff;
