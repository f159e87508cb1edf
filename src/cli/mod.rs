//! The command line (README, Commands): argument parsing and one small module per command. Commands
//! only wire stages together and print; the work happens in the pipeline modules.

mod build;
mod check;
mod export;
mod pack;
mod scaffold;
mod schema;
mod score;
mod serve;

use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::app::{self, BuildPlan, Error, Project};
use crate::diagnostics::Format;
use crate::model::{Date, Quarter};

/// Exit status for invalid input (diagnostics were printed).
pub const EXIT_INVALID: u8 = 1;
/// Exit status for usage errors (as clap uses).
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(name = "kamsite", version, about = "Key account plans in, review site out", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the review site.
    Build(BuildArgs),
    /// Write the review pack: one self-contained HTML file for the meeting, and its PDF.
    Pack(PackArgs),
    /// Validate the portfolio and list findings.
    Check(CheckArgs),
    /// Serve the site locally and rebuild on change.
    Serve(ServeArgs),
    /// Print a table of accounts and their scores.
    Score(ScoreArgs),
    /// Export the analysed portfolio as JSON or CSV.
    Export(ExportArgs),
    /// Scaffold a new account file.
    New(NewArgs),
    /// Scaffold a new portfolio.
    Init(InitArgs),
    /// Print the JSON Schema of the account front matter.
    Schema,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Portfolio folder.
    #[arg(default_value = ".")]
    pub portfolio: PathBuf,
    /// Output folder (default: PORTFOLIO/public).
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub build: BuildOptions,
    /// No progress bar and no summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

/// The options of a build, shared by `build`, `serve` (and `pack`): one set, so the preview
/// can show exactly what a build would write.
#[derive(Debug, Args)]
pub struct BuildOptions {
    #[command(flatten)]
    pub when: When,
    /// Git revision or previous portfolio.json to compare against (default with --reviews:
    /// the newest review).
    #[arg(long)]
    pub baseline: Option<String>,
    /// Also build every git tag matching this glob as a review, under reviews/, with trends
    /// across them (e.g. 'review/*').
    #[arg(long, value_name = "PATTERN")]
    pub reviews: Option<String>,
    /// Mask money amounts (for demos).
    #[arg(long)]
    pub incognito: bool,
}

impl BuildOptions {
    /// The plan of a build of `portfolio` with these options.
    pub fn plan(&self, portfolio: &std::path::Path) -> BuildPlan {
        BuildPlan {
            portfolio: portfolio.to_path_buf(),
            when: self.when.settings(),
            baseline: self.baseline.clone(),
            reviews: self.reviews.clone(),
            incognito: self.incognito,
        }
    }
}

/// The review period and date, shared by every command that analyses. clap parses
/// them into the domain types, so a malformed value is a usage error before anything is read.
#[derive(Debug, Args)]
pub struct When {
    /// Review period, YYYY-Qn (default: kamsite.yaml `period`, else the latest quarter in the financials).
    #[arg(long, value_name = "YYYY-Qn")]
    pub period: Option<Quarter>,
    /// Date for staleness and overdue checks, YYYY-MM-DD (default: kamsite.yaml `as_of`,
    /// else SOURCE_DATE_EPOCH, else today in UTC).
    #[arg(long = "as-of", value_name = "YYYY-MM-DD")]
    pub as_of: Option<Date>,
}

impl When {
    pub fn settings(&self) -> app::When {
        app::When {
            period: self.period,
            as_of: self.as_of,
            commit_date: None,
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Portfolio folder.
    #[arg(default_value = ".")]
    pub portfolio: PathBuf,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Which findings fail the run; invalid input always does. `new-error` and
    /// `new-warning` count only findings the --baseline does not have (for pull requests).
    #[arg(long = "fail-on", value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Git revision or previous portfolio.json whose findings are not new (e.g.
    /// origin/main); with --format github only new findings are annotated.
    #[arg(long)]
    pub baseline: Option<String>,
    #[command(flatten)]
    pub when: When,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any error finding.
    Error,
    /// Any error or warning finding.
    Warning,
    /// An error finding the baseline does not have.
    NewError,
    /// An error or warning finding the baseline does not have.
    NewWarning,
    /// No finding: only invalid input fails.
    Never,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(default_value = ".")]
    pub portfolio: PathBuf,
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the site in a browser.
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub build: BuildOptions,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[arg(default_value = ".")]
    pub portfolio: PathBuf,
    /// Column to sort by (numbers sort descending).
    #[arg(long)]
    pub sort: Option<String>,
    #[command(flatten)]
    pub when: When,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    /// An Excel workbook: accounts, findings and portfolio figures, numbers typed.
    Xlsx,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(default_value = ".")]
    pub portfolio: PathBuf,
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// The CSV delimiter (`;` for a spreadsheet in a locale with a decimal comma).
    #[arg(long, default_value_t = ',', value_parser = csv_delimiter)]
    pub delimiter: char,
    /// The CSV decimal separator: `.` or `,` (with `--delimiter ';'`).
    #[arg(long, default_value_t = '.', value_parser = decimal_separator)]
    pub decimal: char,
    /// Write here instead of standard output.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub when: When,
}

#[derive(Debug, Args)]
pub struct PackArgs {
    /// Portfolio folder.
    #[arg(default_value = ".")]
    pub portfolio: PathBuf,
    /// The HTML file to write (default: PORTFOLIO/review-<period>.html).
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// Also print the pack to this PDF through a headless Chromium or Chrome (found on the
    /// PATH, or KAMSITE_BROWSER).
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
    #[command(flatten)]
    pub build: BuildOptions,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The customer's name.
    pub name: String,
    #[arg(long, default_value = ".")]
    pub portfolio: PathBuf,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// A CSV delimiter: one character that is not a quote or a line break.
fn csv_delimiter(s: &str) -> Result<char, String> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !matches!(c, '"' | '\n' | '\r') => Ok(c),
        _ => Err("expected one character such as `,` or `;`".into()),
    }
}

/// A decimal separator: `.` or `,`.
fn decimal_separator(s: &str) -> Result<char, String> {
    match s {
        "." => Ok('.'),
        "," => Ok(','),
        _ => Err("expected `.` or `,`".into()),
    }
}

/// Text from the user's files or paths, made safe for a terminal: control characters (ESC,
/// BEL, C1, …; newline and tab kept) are shown escaped (`\u{1b}`), so a file name or an owner
/// cannot clear the screen, move the cursor or write the clipboard (OSC 52).
pub fn terminal_text(s: &str) -> Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !s.contains(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The outcome of writing a command's result to standard output: a failed write (a full disk,
/// `> /dev/full`) is exit 1 with a message, never a silent success. A closed pipe (`| head`)
/// is not a failure: the reader took what it wanted.
pub fn stdout_result(written: std::io::Result<()>) -> ExitCode {
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            anstream::eprintln!("error: cannot write to standard output: {e}");
            ExitCode::from(EXIT_INVALID)
        }
    }
}

/// Writes `bytes` to standard output and flushes, for [`stdout_result`].
pub fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

/// Parses the command line and runs the command.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    crate::output::clean_up_on_signals();
    let result = match cli.command {
        Command::Build(args) => build::run(&args),
        Command::Pack(args) => pack::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Score(args) => score::run(&args),
        Command::Init(args) => Ok(scaffold::init(&args)),
        Command::New(args) => Ok(scaffold::new(&args)),
        Command::Schema => Ok(schema::run()),
        Command::Serve(args) => Ok(serve::run(&args)),
    };
    result.unwrap_or_else(|e| report(&e))
}

/// Every error a command returns, printed and mapped to its exit status: the one place that
/// decides what an exit code means (README, exit codes), and where every message is made safe for a
/// terminal (a file name or a revision may hold escape sequences).
fn report(e: &Error) -> ExitCode {
    let (diagnostics, after, code) = match e {
        Error::Invalid { diagnostics, .. } => {
            (Some(diagnostics), "; nothing was written", EXIT_INVALID)
        }
        Error::Environment(_) | Error::Usage(_) => (None, "", EXIT_USAGE),
        Error::Baseline(_) => (None, "\nnothing was written", EXIT_INVALID),
        Error::Review { diagnostics, .. } => {
            (Some(diagnostics), "\nnothing was written", EXIT_INVALID)
        }
        Error::Output(_) => (
            None,
            "\nnothing was written; the previous output, if any, is unchanged",
            EXIT_INVALID,
        ),
    };
    if let Some(d) = diagnostics {
        let _ = check::print_diagnostics(d, Format::Human);
    }
    anstream::eprintln!("error: {}{after}", terminal_text(&e.to_string()));
    ExitCode::from(code)
}

pub use crate::numfmt::count;

/// Prints the warnings of a portfolio that loaded (they do not stop a command).
fn show_warnings(warnings: &[crate::diagnostics::Diagnostic]) {
    let _ = check::print_diagnostics(warnings, Format::Human);
}

/// Opens the portfolio for a command that analyses it, showing the warnings it has.
fn open(dir: &std::path::Path, when: &When) -> Result<Project, Error> {
    let project = Project::open(dir, when.settings())?;
    show_warnings(&project.warnings);
    Ok(project)
}
