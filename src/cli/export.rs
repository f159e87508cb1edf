//! `kamsite export`: the §11 JSON document, the accounts CSV or the Excel workbook, to stdout
//! or a file.

use std::io::IsTerminal;
use std::process::ExitCode;

use super::{ExportArgs, ExportFormat};
use crate::app::Error;
use crate::export;

pub fn run(args: &ExportArgs) -> Result<ExitCode, Error> {
    if args.format == ExportFormat::Xlsx && args.output.is_none() && std::io::stdout().is_terminal()
    {
        return Err(Error::Usage(
            "a workbook is not text for a terminal: give `-o FILE.xlsx`, or redirect the output to a file".into(),
        ));
    }
    if args.decimal == args.delimiter {
        return Err(Error::Usage(format!(
            "`{}` cannot be both the delimiter and the decimal separator: with `--decimal ,` give `--delimiter ';'`",
            args.decimal
        )));
    }
    let project = super::open(&args.portfolio, &args.when)?;
    let analysis = project.analyse(None);
    let bytes = match args.format {
        ExportFormat::Json => export::json(&analysis).into_bytes(),
        ExportFormat::Csv => export::csv_with(&analysis, args.delimiter, args.decimal).into_bytes(),
        ExportFormat::Xlsx => export::xlsx(&analysis).map_err(Error::Output)?,
    };
    match &args.output {
        None => return Ok(super::stdout_result(super::write_stdout(&bytes))),
        Some(path) => {
            let manifest = crate::load::Manifest::new(&project.portfolio.config);
            let target = crate::output::export_target(path, &args.portfolio, &manifest)
                .map_err(|e| Error::Output(e.to_string()))?;
            crate::output::write_file_atomically(&target, &bytes)
                .map_err(|e| Error::Output(format!("cannot write {}: {e}", path.display())))?
        }
    }
    Ok(ExitCode::SUCCESS)
}
