//! `kamsite export`: the §11 JSON document or the accounts CSV, to stdout or a file.

use std::process::ExitCode;

use super::pipeline::prepare;
use super::{ExportArgs, ExportFormat};
use crate::{analyse, export};

pub fn run(args: &ExportArgs) -> ExitCode {
    let p = match prepare(&args.portfolio, &args.when) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let analysis = analyse::analyse(&p.portfolio, p.period, p.as_of);
    let text = match args.format {
        ExportFormat::Json => export::json(&analysis, &p.portfolio.config),
        ExportFormat::Csv => export::csv(&analysis, &p.portfolio.config),
    };
    match &args.output {
        None => super::stdout_result(super::write_stdout(text.as_bytes())),
        Some(path) => match crate::output::export_target(path, &args.portfolio)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                crate::output::write_file_atomically(&t, text.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))
            }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                anstream::eprintln!("error: {}", super::terminal_text(&e));
                ExitCode::from(super::EXIT_INVALID)
            }
        },
    }
}
