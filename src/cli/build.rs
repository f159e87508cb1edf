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
    // With reviews, the current portfolio and every review share one parse cache: most account
    // files are the same bytes in each.
    let cache = crate::load::ParseCache::default();
    let shared = args.reviews.is_some().then_some(&cache);
    let project = super::open_with(&args.portfolio, &args.when, shared)?;
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| args.portfolio.join("public"));
    let mut t = crate::timings::Timings::start();
    // SPEC §14: every tagged review, each against the one before it.
    let reviews = match &args.reviews {
        Some(pattern) => crate::reviews::open_all(&args.portfolio, pattern, &cache)?,
        None => Vec::new(),
    };
    if let (Some(pattern), true) = (&args.reviews, reviews.is_empty()) {
        anstream::eprintln!(
            "warning: no tag matches `{}`; building without reviews",
            terminal_text(pattern)
        );
    }
    let review_analyses = crate::reviews::analyse_all(&reviews);
    if args.reviews.is_some() {
        t.mark("reviews: read, open, analyse");
    }
    let baseline = match &args.baseline {
        None => crate::reviews::newest_baseline(&reviews, &review_analyses),
        Some(arg) => Some(crate::baseline::resolve(arg, &args.portfolio).map_err(Error::Baseline)?),
    };
    let analysis = project.analyse(baseline.as_ref());
    t.mark("analyse");
    let options = site::Options {
        incognito: args.incognito,
        progress: !args.quiet
            && std::io::stderr().is_terminal()
            && analysis.accounts.len() >= PROGRESS_FROM
            && args.reviews.is_none(),
        archive: site::Archive::None,
    };
    let report = if args.reviews.is_some() {
        let sites: Vec<_> = reviews
            .iter()
            .zip(&review_analyses)
            .map(|(r, analysis)| site::archive::ReviewSite {
                tag: &r.tag,
                analysis,
            })
            .collect();
        site::archive::build(
            &project.root,
            &project.portfolio,
            &analysis,
            &sites,
            &out,
            options,
        )
    } else {
        site::build(&project.root, &project.portfolio, &analysis, &out, options)
    }
    .map_err(|e| Error::Output(e.to_string()))?;
    if let Some(w) = &report.warning {
        anstream::eprintln!("warning: {}", terminal_text(w));
    }
    if !args.quiet {
        anstream::eprintln!("{}", project.settled());
        let count = |s: Severity| analysis.findings.iter().filter(|f| f.severity == s).count();
        anstream::eprintln!(
            "built {} accounts{}, {} pages in {:.2} s → {}; findings: {} errors, {} warnings, {} info",
            analysis.accounts.len(),
            match reviews.len() {
                0 => String::new(),
                n => format!(" and {n} review{}", if n == 1 { "" } else { "s" }),
            },
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
