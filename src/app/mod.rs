//! The use-cases, one layer above the pipeline and below the command line: open a portfolio
//! (the façade, [`project`]), resolve a baseline, open the tagged reviews, and build — the one
//! build that `kamsite build` writes, `kamsite serve` previews and `kamsite pack` prints.
//! Nothing here prints: problems come back as [`Error`] values, and the command line decides
//! how to show them and which exit code they mean.

pub mod baseline;
pub mod build;
pub mod findings;
pub mod history;
pub mod pack;
pub mod project;
pub mod published;
pub mod reviews;
pub mod revision;
pub mod serve;

pub use build::{BuildPlan, Built, Report};
pub use project::{default_as_of, DateFrom, Error, PeriodFrom, Project, When};
