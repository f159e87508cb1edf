//! `kamsite build`: load, validate, analyse, render; nothing is written unless all succeeded.

use std::io::IsTerminal;
use std::process::ExitCode;

use super::pipeline::prepare;
use super::{BuildArgs, EXIT_INVALID, EXIT_USAGE};
use crate::model::Severity;
use crate::{analyse, site};

/// Builds with fewer accounts than this finish too fast for a progress bar to help.
const PROGRESS_FROM: usize = 500;

pub fn run(args: &BuildArgs) -> ExitCode {
    if args.baseline.is_some() {
        anstream::eprintln!(
            "error: --baseline (the changes page) is not available yet in this version"
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let p = match prepare(&args.portfolio, &args.when) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let root = crate::load::Root::new(&args.portfolio);
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| args.portfolio.join("public"));
    let mut t = crate::timings::Timings::start();
    let analysis = analyse::analyse(&p.portfolio, p.period, p.as_of);
    t.mark("analyse");
    let options = site::Options {
        incognito: args.incognito,
        progress: !args.quiet
            && std::io::stderr().is_terminal()
            && analysis.accounts.len() >= PROGRESS_FROM,
    };
    match site::build(&root, &p.portfolio, &analysis, &out, options) {
        Ok(report) => {
            if !args.quiet {
                let count =
                    |s: Severity| analysis.findings.iter().filter(|f| f.severity == s).count();
                anstream::eprintln!(
                    "built {} accounts, {} pages in {:.2} s → {}; findings: {} errors, {} warnings, {} info",
                    analysis.accounts.len(),
                    report.pages,
                    report.seconds,
                    out.display(),
                    count(Severity::Error),
                    count(Severity::Warning),
                    count(Severity::Info),
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            anstream::eprintln!(
                "error: {e}\nnothing was written; the previous site, if any, is unchanged"
            );
            ExitCode::from(EXIT_INVALID)
        }
    }
}
