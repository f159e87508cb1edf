//! Stage 4: the review site — view models, charts, Markdown and templates — and its build.

pub mod account_page;
pub mod benchmark_chart;
pub mod charts;
pub mod effectiveness;
pub mod format;
pub mod lists;
pub mod markdown;
pub mod moved;
pub mod objectives;
pub mod pack;
pub mod page;
pub mod pages;
pub mod relationship_map;
pub mod render;
mod svg;
pub mod trends;
pub mod view;

pub use page::Page;
pub use render::{templates, Archive, BuildError, File, Options, Site, Templates, TEMPLATES};
