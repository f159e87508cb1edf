//! The façade over the pipeline, as Zola's `Site::load` and mdBook's `MDBook::load`: open a
//! portfolio folder and get it loaded, validated and settled (review period and `as_of`), ready
//! to analyse. Every command, `serve`, git baselines and the tests go through here, so the
//! sequence load → validate → settle → analyse exists once. Nothing in it prints: problems come
//! back as values and the CLI decides how to show them and which exit code they mean.

use std::path::Path;

use crate::analyse::Baseline;
use crate::analyse::{self, Analysis};
use crate::diagnostics::Diagnostic;
use crate::load::Root;
use crate::model::{Date, Portfolio, Quarter};

/// The review period and date asked for on the command line (SPEC §5); `None` means "use the
/// portfolio's configuration, then the defaults".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct When {
    pub period: Option<Quarter>,
    pub as_of: Option<Date>,
    /// A git revision's commit date: its `as_of` when neither the command line nor its
    /// kamsite.yaml sets one (SPEC §14), instead of `SOURCE_DATE_EPOCH` or today.
    pub commit_date: Option<Date>,
}

/// Where the review period came from (SPEC §15: `check`, `build` and `pack` say it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodFrom {
    Flag,
    Config,
    /// The latest quarter any account reports revenue for, not after the quarter of as_of.
    LatestReported,
    /// No account reports revenue for any quarter up to as_of.
    Nothing,
}

/// Where `as_of` came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateFrom {
    Flag,
    Config,
    SourceDateEpoch,
    Today,
    CommitDate,
}

impl std::fmt::Display for PeriodFrom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PeriodFrom::Flag => "--period",
            PeriodFrom::Config => "kamsite.yaml",
            PeriodFrom::LatestReported => "latest reported",
            PeriodFrom::Nothing => "no account reports revenue",
        })
    }
}

impl std::fmt::Display for DateFrom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DateFrom::Flag => "--as-of",
            DateFrom::Config => "kamsite.yaml",
            DateFrom::SourceDateEpoch => "SOURCE_DATE_EPOCH",
            DateFrom::Today => "today",
            DateFrom::CommitDate => "commit date",
        })
    }
}

/// A loaded, valid portfolio with its review period and date settled.
#[derive(Debug)]
pub struct Project {
    pub root: Root,
    pub portfolio: Portfolio,
    /// `None` only when no account has any financials.
    pub period: Option<Quarter>,
    pub as_of: Date,
    pub period_from: PeriodFrom,
    pub as_of_from: DateFrom,
    /// Warnings of loading and validation: the portfolio is valid, but they are worth seeing.
    pub warnings: Vec<Diagnostic>,
    /// Files read (accounts, configuration, overview), for summary lines.
    pub files: usize,
    /// Of those, the account files.
    pub account_files: usize,
}

/// Why a command could not do its work. The CLI maps each to an exit code in one place.
#[derive(Debug)]
pub enum Error {
    /// The portfolio has errors. `diagnostics` holds every problem (errors and warnings),
    /// sorted by file and line.
    Invalid {
        diagnostics: Vec<Diagnostic>,
        /// Account files, valid or not, and all files read.
        account_files: usize,
        files: usize,
        /// The review period and date the portfolio was checked against, as `check` says it.
        settled: String,
    },
    /// A setting from the environment is malformed (`SOURCE_DATE_EPOCH`).
    Environment(String),
    /// The command line asks for something that cannot be (a `--period` after as_of).
    Usage(String),
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
            Error::Environment(m) | Error::Usage(m) | Error::Baseline(m) | Error::Output(m) => {
                f.write_str(m)
            }
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
        cache: Option<&crate::validate::Cache>,
    ) -> Result<Project, Error> {
        Project::open_root(Root::new(dir), when, cache)
    }

    /// [`Project::open_with`] for a portfolio on disk or in memory (a git revision): load and
    /// validate, settle `as_of`, check what the figures say together as of that date (SPEC
    /// §15), then settle the review period, which is never after the quarter of `as_of` (§4).
    pub fn open_root(
        root: Root,
        when: When,
        cache: Option<&crate::validate::Cache>,
    ) -> Result<Project, Error> {
        Project::settle(root, when, cache, true)
    }

    /// The portfolio as far as it could be read, errors and all (they are in `warnings`):
    /// for comparing findings with a base branch that has a mistake in it (SPEC §19), where
    /// refusing would fail every pull request — the one that fixes it too.
    pub fn open_as_far_as_possible(root: Root, when: When) -> Result<Project, Error> {
        Project::settle(root, when, None, false)
    }

    fn settle(
        root: Root,
        when: When,
        cache: Option<&crate::validate::Cache>,
        strict: bool,
    ) -> Result<Project, Error> {
        let (loaded, mut diagnostics) =
            crate::validate::load_and_validate_with(&root, cache, &analyse::rules::catalogue());
        // The configuration as far as it could be read: a kamsite.yaml with a problem still
        // gives its `as_of`, so the checks that need it run in the same pass.
        let read = loaded.config_read().unwrap_or(&loaded.portfolio.config);
        let (as_of, as_of_from) = match (when.as_of, read.as_of, when.commit_date) {
            (Some(d), _, _) => (d, DateFrom::Flag),
            (None, Some(d), _) => (d, DateFrom::Config),
            (None, None, Some(d)) => (d, DateFrom::CommitDate),
            (None, None, None) => default_as_of().map_err(Error::Environment)?,
        };
        let current = Quarter::of_date(as_of, read.fiscal_year_start);
        if let (Some(p), Some(c)) = (when.period, current) {
            if p > c {
                return Err(Error::Usage(format!(
                    "--period {p} is after {c}, the quarter of as_of ({as_of}); a review period cannot lie in the future (give --as-of the date of the review)"
                )));
            }
        }
        diagnostics.extend(crate::validate::plausibility(
            &root, &loaded, read, as_of, cache,
        ));
        crate::diagnostics::sort(&mut diagnostics);
        crate::diagnostics::bound(&mut diagnostics);
        crate::diagnostics::sort(&mut diagnostics);
        let (period, period_from) = match (when.period, read.period) {
            (Some(p), _) => (Some(p), PeriodFrom::Flag),
            (None, Some(p)) => (Some(p), PeriodFrom::Config),
            (None, None) => match analyse::latest_period(&loaded.portfolio, current) {
                Some(p) => (Some(p), PeriodFrom::LatestReported),
                None => (None, PeriodFrom::Nothing),
            },
        };
        if strict && diagnostics.iter().any(Diagnostic::is_error) {
            return Err(Error::Invalid {
                diagnostics,
                account_files: loaded.account_files,
                files: loaded.files,
                settled: settled(period, period_from, as_of, as_of_from),
            });
        }
        let portfolio = loaded.portfolio;
        Ok(Project {
            root,
            portfolio,
            period,
            as_of,
            period_from,
            as_of_from,
            warnings: diagnostics,
            files: loaded.files,
            account_files: loaded.account_files,
        })
    }

    /// `review period 2026-Q3 (latest reported) · as of 2026-10-05 (kamsite.yaml)`: what a
    /// command works with and why, so a review moved by a typo or a clock is seen at once.
    pub fn settled(&self) -> String {
        settled(self.period, self.period_from, self.as_of, self.as_of_from)
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

/// `review period 2026-Q3 (latest reported) · as of 2026-10-05 (kamsite.yaml)`.
fn settled(period: Option<Quarter>, from: PeriodFrom, as_of: Date, as_of_from: DateFrom) -> String {
    let period = period.map_or_else(|| "none".to_string(), |p| p.to_string());
    format!("review period {period} ({from}) · as of {as_of} ({as_of_from})")
}

/// `SOURCE_DATE_EPOCH` (reproducible builds), else today in UTC: the date when neither the
/// command line nor kamsite.yaml sets one.
pub fn default_as_of() -> Result<(Date, DateFrom), String> {
    // Set but empty is unset: CI templates often pass an empty variable along.
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .filter(|e| !e.trim().is_empty())
    {
        return epoch
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(Date::from_unix_seconds)
            .map(|d| (d, DateFrom::SourceDateEpoch))
            .ok_or_else(|| format!("SOURCE_DATE_EPOCH is not a Unix timestamp: `{epoch}`"));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Date::from_unix_seconds(now)
        .map(|d| (d, DateFrom::Today))
        .ok_or_else(|| "the system clock is out of range".into())
}
