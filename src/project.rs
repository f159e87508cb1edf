//! The façade over the pipeline, as Zola's `Site::load` and mdBook's `MDBook::load`: open a
//! portfolio folder and get it loaded, validated and settled (review period and `as_of`), ready
//! to analyse. Every command, `serve`, git baselines and the tests go through here, so the
//! sequence load → validate → settle → analyse exists once. Nothing in it prints: problems come
//! back as values and the CLI decides how to show them and which exit code they mean.

use std::path::Path;

use crate::analyse::{self, Analysis};
use crate::baseline::Baseline;
use crate::diagnostics::Diagnostic;
use crate::load::Root;
use crate::model::{Date, Portfolio, Quarter};

/// The review period and date asked for on the command line (SPEC §5); `None` means "use the
/// portfolio's configuration, then the defaults".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct When {
    pub period: Option<Quarter>,
    pub as_of: Option<Date>,
}

/// A loaded, valid portfolio with its review period and date settled.
#[derive(Debug)]
pub struct Project {
    pub root: Root,
    pub portfolio: Portfolio,
    /// `None` only when no account has any financials.
    pub period: Option<Quarter>,
    pub as_of: Date,
    /// Warnings of loading and validation: the portfolio is valid, but they are worth seeing.
    pub warnings: Vec<Diagnostic>,
    /// Files read (accounts, configuration, overview), for summary lines.
    pub files: usize,
}

/// Why a command could not do its work. The CLI maps each to an exit code in one place.
#[derive(Debug)]
pub enum Error {
    /// The portfolio has errors. `diagnostics` holds every problem (errors and warnings),
    /// sorted by file and line.
    Invalid {
        diagnostics: Vec<Diagnostic>,
        accounts: usize,
        files: usize,
    },
    /// A setting from the environment is malformed (`SOURCE_DATE_EPOCH`).
    Environment(String),
    /// The baseline could not be read or analysed.
    Baseline(String),
    /// Writing the site or an export failed.
    Output(String),
    /// A tagged review (SPEC §14) could not be opened: its tag, what went wrong, and the
    /// problems of its portfolio when it does not load.
    Review {
        tag: String,
        message: String,
        diagnostics: Vec<Diagnostic>,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Invalid { diagnostics, .. } => {
                let n = diagnostics.iter().filter(|d| d.is_error()).count();
                write!(
                    f,
                    "{n} problem{} in the portfolio",
                    if n == 1 { "" } else { "s" }
                )
            }
            Error::Environment(m) | Error::Baseline(m) | Error::Output(m) => f.write_str(m),
            Error::Review { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

impl Project {
    /// Loads and validates the portfolio at `dir`, then settles its period and date.
    pub fn open(dir: &Path, when: When) -> Result<Project, Error> {
        Project::open_with(dir, when, None)
    }

    /// [`Project::open`], re-parsing only the account files whose bytes differ from those in
    /// `cache` (the live preview keeps one).
    pub fn open_with(
        dir: &Path,
        when: When,
        cache: Option<&crate::load::ParseCache>,
    ) -> Result<Project, Error> {
        Project::open_root(Root::new(dir), when, cache)
    }

    /// [`Project::open_with`] for a portfolio on disk or in memory (a git revision).
    pub fn open_root(
        root: Root,
        when: When,
        cache: Option<&crate::load::ParseCache>,
    ) -> Result<Project, Error> {
        let (loaded, diagnostics) = crate::validate::load_and_validate_with(&root, cache);
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(Error::Invalid {
                diagnostics,
                accounts: loaded.portfolio.accounts.len(),
                files: loaded.files,
            });
        }
        let portfolio = loaded.portfolio;
        let config = &portfolio.config;
        let period = when
            .period
            .or(config.period)
            .or_else(|| analyse::latest_period(&portfolio));
        let as_of = match when.as_of.or(config.as_of) {
            Some(d) => d,
            None => default_as_of().map_err(Error::Environment)?,
        };
        Ok(Project {
            root,
            portfolio,
            period,
            as_of,
            warnings: diagnostics,
            files: loaded.files,
        })
    }

    /// Analyses the portfolio; with a baseline, the analysis also holds what changed.
    pub fn analyse(&self, baseline: Option<&Baseline>) -> Analysis<'_> {
        let analysis = analyse::analyse(&self.portfolio, self.period, self.as_of);
        match baseline {
            Some(b) => analysis.with_baseline(b),
            None => analysis,
        }
    }
}

/// `SOURCE_DATE_EPOCH` (reproducible builds), else today in UTC: the date when neither the
/// command line nor kamsite.yaml sets one.
pub fn default_as_of() -> Result<Date, String> {
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
