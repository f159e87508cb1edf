//! `kamsite check`: load and validate, print every problem, then the findings of the analysis.
//! Exit 1 on any validation error, or on findings at or above `--fail-on`.

use std::io::Write;
use std::process::ExitCode;

use super::{CheckArgs, FailOn, EXIT_INVALID};
use crate::analyse::Finding;
use crate::app::{Error, Project};
use crate::diagnostics::{self, Diagnostic, Format};
use crate::load::Root;
use crate::model::Severity;

pub fn run(args: &CheckArgs) -> Result<ExitCode, Error> {
    let summary = |accounts: usize, files: usize, all: &[Diagnostic]| {
        let of = |s: Severity| all.iter().filter(|d| d.severity == s).count();
        let info = match of(Severity::Info) {
            0 => String::new(),
            n => format!(", {n} info"),
        };
        format!(
            "checked {} in {}: {}, {}{info}",
            super::count(accounts, "account"),
            super::count(files, "file"),
            super::count(of(Severity::Error), "error"),
            super::count(of(Severity::Warning), "warning"),
        )
    };
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
            accounts,
            files,
            settled,
        }) => {
            let all = with_site(diagnostics);
            let printed = print_diagnostics(&all, args.format);
            anstream::eprintln!("{settled}");
            anstream::eprintln!("{}", summary(accounts, files, &all));
            let _ = super::stdout_result(printed);
            return Ok(ExitCode::from(EXIT_INVALID));
        }
        Err(e) => return Err(e),
    };
    let all = with_site(project.warnings.clone());
    let printed = print_diagnostics(&all, args.format);
    let summary = summary(project.portfolio.accounts.len(), project.files, &all);
    if all.iter().any(Diagnostic::is_error) {
        anstream::eprintln!("{}", project.settled());
        anstream::eprintln!("{summary}");
        let _ = super::stdout_result(printed);
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    let analysis = project.analyse(None);
    let sources: std::collections::HashMap<&str, &str> = analysis
        .accounts
        .iter()
        .map(|a| (a.account.id.as_str(), a.account.source.as_str()))
        .collect();
    let printed = printed
        .and_then(|()| print_findings(&analysis.findings, &project.root, &sources, args.format));
    let count = |s: Severity| analysis.findings.iter().filter(|f| f.severity == s).count();
    let (fe, fw, fi) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    anstream::eprintln!("{}", project.settled());
    anstream::eprintln!(
        "{summary}; findings: {fe} error{}, {fw} warning{}, {fi} info",
        plural(fe),
        plural(fw)
    );
    let fails = match args.fail_on {
        FailOn::Error => fe > 0,
        FailOn::Warning => fe + fw > 0,
        FailOn::Never => false,
    };
    let written = super::stdout_result(printed);
    Ok(if fails {
        ExitCode::from(EXIT_INVALID)
    } else {
        written
    })
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

/// Findings grouped by account (portfolio findings first). In the machine formats each finding
/// is attached to its account's file, so a pull request shows it on that file.
fn print_findings(
    findings: &[Finding],
    root: &Root,
    sources: &std::collections::HashMap<&str, &str>,
    format: Format,
) -> std::io::Result<()> {
    let file_of = |f: &Finding| match &f.account {
        Some(id) => root.display(sources.get(id.as_str()).copied().unwrap_or("")),
        None => root.display(crate::load::CONFIG_FILE),
    };
    let mut out = String::new();
    match format {
        Format::Human => {
            let mut current: Option<&Option<String>> = None;
            for f in findings {
                if current != Some(&f.account) {
                    current = Some(&f.account);
                    let title = match &f.account {
                        Some(id) => format!("{id} ({})", file_of(f)),
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
                out.push_str(&format!(
                    "  {style}{:<7}{style:#} {}: {}\n",
                    f.severity.as_str(),
                    f.rule,
                    super::terminal_text(&f.message)
                ));
            }
            if !out.is_empty() {
                out.push('\n');
            }
        }
        _ => {
            for f in findings {
                let mut d = Diagnostic::error(file_of(f), format!("{}: {}", f.rule, f.message));
                d.severity = f.severity;
                d.rule = Some(f.rule.to_string());
                if format != Format::Json {
                    d = for_terminal(&d);
                }
                out.push_str(&diagnostics::render(&d, format, false));
            }
        }
    }
    emit(&out, format)
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
