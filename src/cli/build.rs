//! `kamsite build`: the one build, written; nothing is written unless all of it succeeded.

use std::io::IsTerminal;
use std::process::ExitCode;

use super::{terminal_text, BuildArgs};
use crate::app::{Built, Error};
use crate::model::Severity;

/// Builds with fewer accounts than this finish too fast for a progress bar to help.
const PROGRESS_FROM: usize = 500;

pub fn run(args: &BuildArgs) -> Result<ExitCode, Error> {
    let plan = args.build.plan(&args.portfolio);
    let built = Built::open(&plan, None)?;
    super::show_warnings(&built.project().warnings);
    if let (Some(pattern), 0) = (&plan.reviews, built.reviews()) {
        anstream::eprintln!(
            "warning: no tag matches `{}`; building without reviews",
            terminal_text(pattern)
        );
    }
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| args.portfolio.join("public"));
    let analysis = built.analysis();
    let bar = (!args.quiet
        && std::io::stderr().is_terminal()
        && analysis.accounts.len() >= PROGRESS_FROM
        && plan.reviews.is_none())
    .then(|| {
        let bar = indicatif::ProgressBar::new(analysis.accounts.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} account pages")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let report = built.write(&out, &|| {
        if let Some(b) = &bar {
            b.inc(1);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(w) = &report.warning {
        anstream::eprintln!("warning: {}", terminal_text(w));
    }
    if !args.quiet {
        anstream::eprintln!("{}", built.project().settled());
        let count = |s: Severity| analysis.portfolio.findings(s);
        let n = |n: usize, word: &str| super::count(n, word);
        anstream::eprintln!(
            "built {}{}, {} pages in {:.2} s → {}; findings: {}, {}, {} info",
            n(analysis.accounts.len(), "account"),
            match built.reviews() {
                0 => String::new(),
                n => format!(
                    " and {n} review{}{}",
                    if n == 1 { "" } else { "s" },
                    match report.kept {
                        0 => String::new(),
                        k => format!(" ({k} unchanged since the last build: kept)"),
                    }
                ),
            },
            report.pages,
            report.seconds,
            terminal_text(&out.to_string_lossy()),
            n(count(Severity::Error), "error"),
            n(count(Severity::Warning), "warning"),
            count(Severity::Info),
        );
    }
    Ok(ExitCode::SUCCESS)
}
