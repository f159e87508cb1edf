//! `kamsite export`: the §11 JSON document or the accounts CSV, to stdout or a file.

use std::process::ExitCode;

use super::{ExportArgs, ExportFormat};
use crate::app::Error;
use crate::export;

pub fn run(args: &ExportArgs) -> Result<ExitCode, Error> {
    let project = super::open(&args.portfolio, &args.when)?;
    let analysis = project.analyse(None);
    let text = match args.format {
        ExportFormat::Json => export::json(&analysis),
        ExportFormat::Csv => export::csv(&analysis),
    };
    match &args.output {
        None => return Ok(super::stdout_result(super::write_stdout(text.as_bytes()))),
        Some(path) => {
            let manifest = crate::load::Manifest::new(&project.portfolio.config);
            let target = crate::output::export_target(path, &args.portfolio, &manifest)
                .map_err(|e| Error::Output(e.to_string()))?;
            crate::output::write_file_atomically(&target, text.as_bytes())
                .map_err(|e| Error::Output(format!("cannot write {}: {e}", path.display())))?
        }
    }
    Ok(ExitCode::SUCCESS)
}
