//! What every analysing command does first: load, validate, stop on errors, and settle the
//! review period and `as_of` date (SPEC §5) from flags, configuration and environment.

use std::path::Path;
use std::process::ExitCode;

use super::check::print_diagnostics;
use super::{When, EXIT_INVALID};
use crate::diagnostics::{Diagnostic, Format};
use crate::load::Root;
use crate::model::{Date, Portfolio, Quarter};
pub use crate::validate::load_and_validate;

/// A loaded, valid portfolio with its period and date settled.
pub struct Prepared {
    pub portfolio: Portfolio,
    pub period: Option<Quarter>,
    pub as_of: Date,
}

/// Loads and validates; on any error prints the diagnostics (human format) and returns exit 1.
pub fn prepare(dir: &Path, when: &When) -> Result<Prepared, ExitCode> {
    let root = Root::new(dir);
    let (loaded, all) = load_and_validate(&root);
    if all.iter().any(Diagnostic::is_error) {
        let _ = print_diagnostics(&all, Format::Human);
        let n = all.iter().filter(|d| d.is_error()).count();
        anstream::eprintln!(
            "error: {n} problem{} in the portfolio; nothing was written",
            super::check::plural(n)
        );
        return Err(ExitCode::from(EXIT_INVALID));
    }
    // Warnings (say, a stray file in accounts/) do not stop the command but are worth seeing.
    let _ = print_diagnostics(&all, Format::Human);
    settle(loaded.portfolio, when)
}

/// Settles the review period and `as_of` of a valid portfolio (exit 2 on a malformed flag).
pub fn settle(portfolio: Portfolio, when: &When) -> Result<Prepared, ExitCode> {
    let usage = |msg: String| {
        anstream::eprintln!("error: {msg}");
        ExitCode::from(super::EXIT_USAGE)
    };
    let config = &portfolio.config;
    let period = match when.period.as_deref() {
        Some(p) => Some(
            p.parse::<Quarter>()
                .map_err(|e| usage(format!("--period: {e}")))?,
        ),
        None => config
            .period
            .or_else(|| crate::analyse::latest_period(&portfolio)),
    };
    let as_of = match when.as_of.as_deref() {
        Some(d) => d
            .parse::<Date>()
            .map_err(|e| usage(format!("--as-of: {e}")))?,
        None => default_as_of(config.as_of).map_err(usage)?,
    };
    Ok(Prepared {
        portfolio,
        period,
        as_of,
    })
}

/// kamsite.yaml `as_of`, else `SOURCE_DATE_EPOCH` (reproducible builds), else today in UTC.
pub(super) fn default_as_of(configured: Option<Date>) -> Result<Date, String> {
    if let Some(d) = configured {
        return Ok(d);
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        return epoch
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(Date::from_unix_seconds)
            .ok_or_else(|| format!("SOURCE_DATE_EPOCH is not a Unix timestamp: `{epoch}`"));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Date::from_unix_seconds(now).ok_or_else(|| "the system clock is out of range".into())
}
