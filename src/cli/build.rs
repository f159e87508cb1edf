//! `kamsite build`: load, validate, analyse, render; nothing is written unless all succeeded.

use std::io::IsTerminal;
use std::process::ExitCode;

use super::pipeline::prepare;
use super::{BuildArgs, EXIT_INVALID};
use crate::model::Severity;
use crate::{analyse, site};

/// Builds with fewer accounts than this finish too fast for a progress bar to help.
const PROGRESS_FROM: usize = 500;

pub fn run(args: &BuildArgs) -> ExitCode {
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
    let baseline = match &args.baseline {
        None => None,
        Some(arg) => match crate::baseline::resolve(arg, &args.portfolio, p.as_of) {
            Ok(b) => Some(b),
            Err(e) => {
                let e = super::terminal_text(&e);
                anstream::eprintln!("error: {e}\nnothing was written");
                return ExitCode::from(EXIT_INVALID);
            }
        },
    };
    let options = site::Options {
        baseline: baseline.as_ref(),
        incognito: args.incognito,
        progress: !args.quiet
            && std::io::stderr().is_terminal()
            && analysis.accounts.len() >= PROGRESS_FROM,
    };
    match site::build(&root, &p.portfolio, &analysis, &out, options) {
        Ok(report) => {
            if let Some(w) = &report.warning {
                anstream::eprintln!("warning: {}", super::terminal_text(w));
            }
            if !args.quiet {
                let count =
                    |s: Severity| analysis.findings.iter().filter(|f| f.severity == s).count();
                anstream::eprintln!(
                    "built {} accounts, {} pages in {:.2} s → {}; findings: {} errors, {} warnings, {} info",
                    analysis.accounts.len(),
                    report.pages,
                    report.seconds,
                    super::terminal_text(&out.to_string_lossy()),
                    count(Severity::Error),
                    count(Severity::Warning),
                    count(Severity::Info),
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let e = super::terminal_text(&e.to_string()).into_owned();
            anstream::eprintln!(
                "error: {e}\nnothing was written; the previous site, if any, is unchanged"
            );
            ExitCode::from(EXIT_INVALID)
        }
    }
}
