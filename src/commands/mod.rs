//! The commands that serve CI and rule authors, each in its own file: it reads its
//! arguments, calls the library and returns the output or an [`AppError`](crate::app::AppError).

pub mod advise;
pub mod diff;
pub mod explain;
pub mod rules;
pub mod test;
