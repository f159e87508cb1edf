//! `kamsite export`: the §11 JSON document or the accounts CSV, to stdout or a file.

use std::process::ExitCode;

use super::{ExportArgs, ExportFormat};
use crate::export;
use crate::project::Error;

pub fn run(args: &ExportArgs) -> Result<ExitCode, Error> {
    let project = super::open(&args.portfolio, &args.when)?;
    let analysis = project.analyse(None);
    let text = match args.format {
        ExportFormat::Json => export::json(&analysis),
        ExportFormat::Csv => export::csv(&analysis),
    };
    match &args.output {
        None => {
            use std::io::Write;
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
        Some(path) => crate::output::write_file_atomically(path, text.as_bytes())
            .map_err(|e| Error::Output(format!("cannot write {}: {e}", path.display())))?,
    }
    Ok(ExitCode::SUCCESS)
}
