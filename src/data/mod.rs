//! Load, parse and validate: embedded defaults and the user's directories, the catalogue of
//! questions, routes and rules, pricing tables, price books, and the [`inputs::Inputs`] bundle.

pub mod answers;
pub mod catalogue;
pub mod decision;
pub mod driver;
pub mod inputs;
pub mod load;
pub mod load_error;
pub mod parse;
pub mod price_book;
pub mod price_feed;
pub mod prices;
pub mod rate_card;
pub mod rule_set;
pub mod schema;
pub mod surfaces;
