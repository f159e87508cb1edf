//! The domain model: what a portfolio folder contains, as typed values.
//!
//! These types are produced by `load`, checked by `validate` and read by `analyse`; they carry
//! no source positions, so analysis code reads plain numbers. Positions are recovered from the
//! YAML only when a diagnostic needs one (see `load::positions`).

mod account;
mod config;
mod date;
mod enums;
mod history;
pub mod limits;
mod path;
mod period;
mod sources;

pub use account::*;
pub use config::*;
pub use date::{Close, Date};
pub use enums::*;
pub use history::{AccountHistory, Commit};
pub use path::{Seg, Target, YamlPath};
pub use period::Quarter;
pub use sources::*;

/// A loaded portfolio: configuration, accounts sorted by source path, optional overview.
#[derive(Clone, Debug)]
pub struct Portfolio {
    pub config: Config,
    pub accounts: Vec<Account>,
    /// The dashboard's executive summary (`overview.md`), Markdown.
    pub overview: Option<String>,
}
