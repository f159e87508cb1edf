//! `kamsite build`: open, analyse (with a baseline when asked), render; nothing is written
//! unless all succeeded.

use std::io::IsTerminal;
use std::process::ExitCode;

use super::{terminal_text, BuildArgs};
use crate::model::Severity;
use crate::project::Error;
use crate::site;

/// Builds with fewer accounts than this finish too fast for a progress bar to help.
const PROGRESS_FROM: usize = 500;

pub fn run(args: &BuildArgs) -> Result<ExitCode, Error> {
    let project = super::open(&args.portfolio, &args.when)?;
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| args.portfolio.join("public"));
    let baseline = match &args.baseline {
        None => None,
        Some(arg) => Some(crate::baseline::resolve(arg, &args.portfolio).map_err(Error::Baseline)?),
    };
    let mut t = crate::timings::Timings::start();
    let analysis = project.analyse(baseline.as_ref());
    t.mark("analyse");
    let options = site::Options {
        incognito: args.incognito,
        progress: !args.quiet
            && std::io::stderr().is_terminal()
            && analysis.accounts.len() >= PROGRESS_FROM,
    };
    let report = site::build(&project.root, &project.portfolio, &analysis, &out, options)
        .map_err(|e| Error::Output(e.to_string()))?;
    if let Some(w) = &report.warning {
        anstream::eprintln!("warning: {}", terminal_text(w));
    }
    if !args.quiet {
        let count = |s: Severity| analysis.findings.iter().filter(|f| f.severity == s).count();
        anstream::eprintln!(
            "built {} accounts, {} pages in {:.2} s → {}; findings: {} errors, {} warnings, {} info",
            analysis.accounts.len(),
            report.pages,
            report.seconds,
            terminal_text(&out.to_string_lossy()),
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
        );
    }
    Ok(ExitCode::SUCCESS)
}
