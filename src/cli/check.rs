//! `kamsite check`: load and validate, print every problem, then the findings of the analysis,
//! each at the value that triggers it (docs/ci.md). Exit 1 on any validation error, or on the
//! findings `--fail-on` names — with `--baseline`, only those the baseline does not have.

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use super::{count, CheckArgs, FailOn, EXIT_INVALID};
use crate::analyse::Finding;
use crate::app::{Error, Project};
use crate::diagnostics::{self, Diagnostic, Format};
use crate::load::Root;
use crate::model::Severity;

pub fn run(args: &CheckArgs) -> Result<ExitCode, Error> {
    let needs_baseline = matches!(args.fail_on, FailOn::NewError | FailOn::NewWarning);
    if needs_baseline && args.baseline.is_none() {
        return Err(Error::Usage(
            "--fail-on new-error and new-warning compare with a baseline: give --baseline REV|FILE (in a pull request, the base branch: --baseline origin/main)".into(),
        ));
    }
    // What `build` reads beyond the plans is checked too, so that `check` passing means
    // `build` will not fail on input.
    let root = Root::new(&args.portfolio);
    let site = if root.dir.is_dir() {
        crate::app::build::site_inputs(&root)
    } else {
        Vec::new()
    };
    let with_site = |mut all: Vec<Diagnostic>| {
        all.extend(site.iter().cloned());
        diagnostics::sort(&mut all);
        all
    };
    let project = match Project::open(&args.portfolio, args.when.settings()) {
        Ok(p) => p,
        Err(Error::Invalid {
            diagnostics,
            account_files,
            files,
            settled,
        }) => {
            let all = with_site(diagnostics);
            let printed = print_diagnostics(&all, args.format);
            anstream::eprintln!("{settled}");
            anstream::eprintln!("{}", summary(&root, account_files, files, &all));
            let _ = super::stdout_result(printed);
            return Ok(ExitCode::from(EXIT_INVALID));
        }
        Err(e) => return Err(e),
    };
    let all = with_site(project.warnings.clone());
    let printed = print_diagnostics(&all, args.format);
    let summary = summary(&root, project.account_files, project.files, &all);
    if all.iter().any(Diagnostic::is_error) {
        anstream::eprintln!("{}", project.settled());
        anstream::eprintln!("{summary}");
        let _ = super::stdout_result(printed);
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let baseline = match &args.baseline {
        Some(arg) => {
            let (b, note) = crate::app::baseline::for_check(
                arg,
                &args.portfolio,
                project.as_of,
                project.period,
            )?;
            if let Some(note) = note {
                anstream::eprintln!("warning: {}", super::terminal_text(&note));
            }
            Some(b)
        }
        None => None,
    };
    let analysis = project.analyse(None);
    let placed = crate::app::findings::locate(&project.root, &analysis);
    let is_new = match &baseline {
        Some(b) => crate::app::findings::new_flags(&analysis, b),
        None => vec![true; analysis.findings.len()],
    };
    let files: HashMap<&str, String> = analysis
        .accounts
        .iter()
        .map(|a| (a.account.id.as_str(), root.display(&a.account.source)))
        .collect();
    let file_of = |f: &Finding| {
        f.account
            .as_deref()
            .and_then(|id| files.get(id).cloned())
            .unwrap_or_default()
    };
    let printed = printed.and_then(|()| {
        print_findings(
            &analysis.findings,
            &placed,
            &is_new,
            baseline.is_some(),
            &file_of,
            args.format,
        )
    });
    let of = |s: Severity, only_new: bool| {
        analysis
            .findings
            .iter()
            .zip(&is_new)
            .filter(|(f, new)| f.severity == s && (**new || !only_new))
            .count()
    };
    anstream::eprintln!("{}", project.settled());
    anstream::eprintln!(
        "{summary}; findings: {}, {}, {} info",
        count(of(Severity::Error, false), "error"),
        count(of(Severity::Warning, false), "warning"),
        of(Severity::Info, false)
    );
    let (new_errors, new_warnings) = (of(Severity::Error, true), of(Severity::Warning, true));
    if let Some(b) = &baseline {
        anstream::eprintln!(
            "against {}: {} new error finding{}, {} new warning finding{}",
            super::terminal_text(&b.label),
            new_errors,
            plural(new_errors),
            new_warnings,
            plural(new_warnings)
        );
    }
    let fails = match args.fail_on {
        FailOn::Error => of(Severity::Error, false) > 0,
        FailOn::Warning => of(Severity::Error, false) + of(Severity::Warning, false) > 0,
        FailOn::NewError => new_errors > 0,
        FailOn::NewWarning => new_errors + new_warnings > 0,
        FailOn::Never => false,
    };
    let written = super::stdout_result(printed);
    Ok(if fails {
        ExitCode::from(EXIT_INVALID)
    } else {
        written
    })
}

/// `checked 7 account files (5 valid) and 2 other files: 3 errors, 1 warning`: every account
/// file counts, valid or not.
fn summary(root: &Root, account_files: usize, files: usize, all: &[Diagnostic]) -> String {
    let of = |s: Severity| all.iter().filter(|d| d.severity == s).count();
    let info = match of(Severity::Info) {
        0 => String::new(),
        n => format!(", {n} info"),
    };
    let accounts_dir = root.display("accounts/");
    let mut invalid: Vec<&str> = all
        .iter()
        .filter(|d| d.is_error() && d.file.starts_with(&accounts_dir))
        .map(|d| d.file.as_str())
        .collect();
    invalid.sort_unstable();
    invalid.dedup();
    let valid = match invalid.len() {
        0 => String::new(),
        n => format!(" ({} valid)", account_files.saturating_sub(n)),
    };
    let others = match files.saturating_sub(account_files) {
        0 => String::new(),
        n => format!(" and {}", count(n, "other file")),
    };
    format!(
        "checked {}{valid}{others}: {}, {}{info}",
        count(account_files, "account file"),
        count(of(Severity::Error), "error"),
        count(of(Severity::Warning), "warning"),
    )
}

/// Human diagnostics go to stderr (they are messages); machine formats go to stdout so they
/// can be piped into jq or picked up by the Actions runner.
/// Errors writing to stdout are returned (the command then fails); stderr is best effort.
pub fn print_diagnostics(all: &[Diagnostic], format: Format) -> std::io::Result<()> {
    let text: String = all
        .iter()
        .map(|d| match format {
            Format::Json => diagnostics::render(d, format, true),
            _ => diagnostics::render(&for_terminal(d), format, true),
        })
        .collect();
    emit(&text, format)
}

/// A diagnostic whose texts (file name, message, the quoted line…) are escaped for the
/// terminal. JSON needs none of this: its encoder escapes control characters itself.
fn for_terminal(d: &Diagnostic) -> Diagnostic {
    let t = |s: &str| super::terminal_text(s).into_owned();
    Diagnostic {
        file: t(&d.file),
        message: t(&d.message),
        label: d.label.as_deref().map(t),
        help: d.help.as_deref().map(t),
        source_line: d.source_line.as_deref().map(t),
        cell: d.cell.as_deref().map(t),
        ..d.clone()
    }
}

fn emit(text: &str, format: Format) -> std::io::Result<()> {
    match format {
        Format::Human => {
            let _ = anstream::stderr().write_all(text.as_bytes());
            Ok(())
        }
        _ => {
            let mut out = anstream::stdout();
            out.write_all(text.as_bytes())?;
            out.flush()
        }
    }
}

/// Findings grouped by account (portfolio findings first), each with where its value is. In
/// the machine formats each finding is at its value's line, so a pull request shows it there;
/// with a baseline, GitHub annotations are only the new findings (what the pull request adds)
/// and JSON marks each finding `new` or not.
fn print_findings(
    findings: &[Finding],
    placed: &[Diagnostic],
    is_new: &[bool],
    with_baseline: bool,
    file_of: &dyn Fn(&Finding) -> String,
    format: Format,
) -> std::io::Result<()> {
    let mut out = String::new();
    match format {
        Format::Human => {
            let mut current: Option<&Option<String>> = None;
            let mut file_of_group = String::new();
            for ((f, d), new) in findings.iter().zip(placed).zip(is_new) {
                if current != Some(&f.account) {
                    current = Some(&f.account);
                    file_of_group = file_of(f);
                    let title = match &f.account {
                        Some(id) => format!("{id} ({file_of_group})"),
                        None => "portfolio".to_string(),
                    };
                    let title = super::terminal_text(&title);
                    out.push_str(&format!(
                        "\n{}{title}{:#}\n",
                        anstyle::Style::new().bold(),
                        anstyle::Style::new().bold()
                    ));
                }
                let style = match f.severity {
                    Severity::Error => anstyle::AnsiColor::Red.on_default().bold(),
                    Severity::Warning => anstyle::AnsiColor::Yellow.on_default().bold(),
                    Severity::Info => anstyle::AnsiColor::Cyan.on_default(),
                };
                let new = if with_baseline && *new { " new" } else { "" };
                out.push_str(&format!(
                    "  {style}{:<7}{style:#} {}{}{new}: {}\n",
                    f.severity.as_str(),
                    f.rule,
                    super::terminal_text(&place(d, &file_of_group)),
                    super::terminal_text(&f.message)
                ));
            }
            if !out.is_empty() {
                out.push('\n');
            }
        }
        Format::Github => {
            for (d, new) in placed.iter().zip(is_new) {
                if *new {
                    out.push_str(&diagnostics::render(&for_terminal(d), format, false));
                }
            }
        }
        Format::Json => {
            for (d, new) in placed.iter().zip(is_new) {
                let line = diagnostics::render(d, format, false);
                match with_baseline {
                    // One more key, after the diagnostic's own.
                    true => {
                        let mut v: serde_json::Value =
                            serde_json::from_str(&line).unwrap_or_default();
                        if let Some(o) = v.as_object_mut() {
                            o.insert("new".into(), (*new).into());
                        }
                        out.push_str(&format!("{v}\n"));
                    }
                    false => out.push_str(&line),
                }
            }
        }
    }
    emit(&out, format)
}

/// ` (line 13)` in the account's own file; ` (data/erp.csv:2:6)` or ` (data/crm.xlsx
/// Report!C14)` elsewhere; nothing when the finding has no place in a file.
fn place(d: &Diagnostic, group_file: &str) -> String {
    match (&d.cell, d.line) {
        (Some(cell), _) => format!(" ({} {cell})", d.file),
        (None, 0) => String::new(),
        (None, line) if d.file == group_file => format!(" (line {line})"),
        (None, line) => format!(" ({}:{line}:{})", d.file, d.column),
    }
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
