//! One folder per product: a model built from engine results, and pure renderers over it.

pub mod adoption;
pub mod advice;
pub mod answers_file;
pub mod charts;
pub mod diff;
pub mod evidence;
pub mod explain;
pub mod filters;
pub mod formats;
pub mod price_check;
pub mod projection;
pub mod render_error;
pub mod replay;
pub mod rule_tests;
pub mod template_check;
pub mod templates;
