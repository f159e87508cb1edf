//! kamsite's integration tests, as one test binary (as mdBook does): on two cores, linking one
//! binary instead of ten saves most of the test suite's build time.
#![allow(clippy::unwrap_used)] // a failing test may panic; the library may not

mod analysis;
mod baseline;
mod browser;
mod cache;
mod ci;
mod cli;
mod common;
mod diagnostics;
mod export_schema;
mod exports;
mod layers;
mod pack;
mod preview_equality;
mod review;
mod reviews;
mod robustness;
mod scaffold;
mod security;
mod serve;
mod site;
mod sources;
mod trust;
mod workflow;
