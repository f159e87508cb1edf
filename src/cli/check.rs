//! `kamsite check`: load and validate, print every problem, exit 1 on errors.

use std::io::Write;
use std::process::ExitCode;

use super::{CheckArgs, EXIT_INVALID};
use crate::diagnostics::{self, Format};
use crate::load::{self, Root};
use crate::validate;

pub fn run(args: &CheckArgs) -> ExitCode {
    let root = Root::new(&args.portfolio);
    let loaded = load::load(&root);
    let mut all = loaded.diagnostics.clone();
    all.extend(validate::validate(&root, &loaded));
    diagnostics::sort(&mut all);

    print_diagnostics(&all, args.format);
    let errors = all.iter().filter(|d| d.is_error()).count();
    let warnings = all.len() - errors;
    anstream::eprintln!(
        "checked {} account{} in {} file{}: {} error{}, {} warning{}",
        loaded.portfolio.accounts.len(),
        plural(loaded.portfolio.accounts.len()),
        loaded.files,
        plural(loaded.files),
        errors,
        plural(errors),
        warnings,
        plural(warnings),
    );
    if errors > 0 {
        ExitCode::from(EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    }
}

/// Human diagnostics go to stderr (they are messages); machine formats go to stdout so they
/// can be piped into jq or picked up by the Actions runner.
pub fn print_diagnostics(all: &[diagnostics::Diagnostic], format: Format) {
    let text: String = all
        .iter()
        .map(|d| diagnostics::render(d, format, true))
        .collect();
    let _ = match format {
        Format::Human => anstream::stderr().write_all(text.as_bytes()),
        _ => anstream::stdout().write_all(text.as_bytes()),
    };
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
