//! `kamsite pack`: the review pack as one HTML file, and its PDF with `--pdf`.

use std::process::ExitCode;

use super::{terminal_text, PackArgs};
use crate::app::{pack, Error};

pub fn run(args: &PackArgs) -> Result<ExitCode, Error> {
    // Without a browser, nothing is written: find it first.
    let browser = match &args.pdf {
        Some(_) => Some(pack::browser()?),
        None => None,
    };
    let plan = args.build.plan(&args.portfolio);
    let (built, html) = pack::render(&plan)?;
    super::show_warnings(&built.project().warnings);
    let period = built
        .analysis()
        .period
        .map_or_else(|| "no-period".to_string(), |p| p.to_string());
    let html_path = args
        .output
        .clone()
        .unwrap_or_else(|| args.portfolio.join(format!("review-{period}.html")));
    let manifest = crate::load::Manifest::new(&built.project().portfolio.config);
    let target = |p: &std::path::Path| {
        crate::output::export_target(p, &args.portfolio, &manifest)
            .map_err(|e| Error::Output(e.to_string()))
    };
    let html_target = target(&html_path)?;
    let pdf_target = match &args.pdf {
        Some(p) => Some(target(p)?),
        None => None,
    };
    crate::output::write_file_atomically(&html_target, &html)
        .map_err(|e| Error::Output(format!("cannot write {}: {e}", html_path.display())))?;
    if let (Some(browser), Some(pdf)) = (browser, &pdf_target) {
        pack::print(&browser, &html, pdf)?;
    }
    anstream::eprintln!("{}", built.project().settled());
    anstream::eprintln!(
        "wrote the review pack → {}{}",
        terminal_text(&html_path.to_string_lossy()),
        args.pdf
            .as_ref()
            .map(|p| format!(" and {}", terminal_text(&p.to_string_lossy())))
            .unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}
