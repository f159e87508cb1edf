//! kamsite turns a folder of key-account plans into a static review site.
//!
//! The pipeline, one module per stage, data flowing one way, each importing only what lies
//! below it: [`load`] (walk, split front matter, decode) → [`validate`] → [`analyse`] (pure
//! functions) → render ([`export`], [`site`]: files in memory) → write ([`output`]: atomic).
//! [`app`] owns the use-cases above them (open, build, serve); [`cli`] is a thin layer on top.

pub mod analyse;
pub mod app;
pub mod cli;
pub mod diagnostics;
pub mod export;
pub mod load;
pub mod model;
pub mod numfmt;
pub mod output;
pub mod site;
pub mod slug;
pub mod timings;
pub mod validate;
