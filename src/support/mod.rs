//! Leaf helpers that import nothing else of the crate: diagnostics, dates, money and count
//! formatting, text tables and CSV text.

pub mod csv_text;
pub mod date;
pub mod diagnostic;
pub mod limits;
pub mod money;
pub mod path;
pub mod shell;
pub mod suggest;
pub mod table;
pub mod text_diff;
