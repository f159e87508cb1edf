//! Findings on their lines (SPEC §19): each finding names the value that triggers it
//! ([`Place`]); here that value is found in its file, so `check` can print `file:line:column`
//! and a pull request shows the finding on the changed line. Only `check` pays for this: the
//! site names findings by account, not by line.

use std::collections::HashMap;

use crate::analyse::findings::Place;
use crate::analyse::{Analysis, Baseline, Finding};
use crate::diagnostics::Diagnostic;
use crate::load::positions::{position, Locus, Problem};
use crate::load::{Root, CONFIG_FILE};
use crate::model::Severity;

/// Every finding of `analysis` as a diagnostic at its value, in the findings' order. A
/// portfolio finding is in kamsite.yaml, or in no file when the portfolio has none.
pub fn locate(root: &Root, analysis: &Analysis<'_>) -> Vec<Diagnostic> {
    let sources: HashMap<&str, &str> = analysis
        .accounts
        .iter()
        .map(|a| (a.account.id.as_str(), a.account.source.as_str()))
        .collect();
    let has_config = crate::load::read_text(root, CONFIG_FILE).is_some_and(|r| r.is_ok());
    let mut problems = Vec::new();
    let mut nowhere = Vec::new();
    for (i, f) in analysis.findings.iter().enumerate() {
        let (file, locus) = match &f.at {
            Place::Front(path, target) => {
                let source = f.account.as_deref().and_then(|id| sources.get(id));
                let file = source.copied().unwrap_or_default().to_string();
                (file, Locus::Yaml(path.clone(), *target))
            }
            Place::Source {
                file,
                sheet,
                line,
                column,
            } => {
                let locus = match sheet {
                    Some(sheet) => Locus::Sheet {
                        sheet: sheet.clone(),
                        row: *line,
                        column: *column,
                    },
                    None => Locus::Cell {
                        line: *line,
                        column: *column,
                        width: 0,
                    },
                };
                (file.clone(), locus)
            }
            Place::Config(path, target) if has_config => {
                (CONFIG_FILE.to_string(), Locus::Yaml(path.clone(), *target))
            }
            Place::Config(..) => {
                nowhere.push(i);
                continue;
            }
        };
        problems.push(Problem {
            file,
            severity: f.severity,
            locus,
            message: message(f),
            label: None,
            help: None,
            kind: f.rule,
        });
    }
    let mut placed = position(root, analysis.config, problems).into_iter();
    analysis
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut d = if nowhere.contains(&i) {
                Diagnostic::error("", message(f))
            } else {
                placed
                    .next()
                    .unwrap_or_else(|| Diagnostic::error("", message(f)))
            };
            d.severity = f.severity;
            d.rule = Some(f.rule.to_string());
            d
        })
        .collect()
}

fn message(f: &Finding) -> String {
    format!("{}: {}", f.rule, f.message)
}

fn at_least_as_serious(s: Severity, than: Severity) -> bool {
    match than {
        Severity::Error => s == Severity::Error,
        Severity::Warning => s != Severity::Info,
        Severity::Info => true,
    }
}

/// The findings of at least `severity` that `baseline` does not have (same rule, account and
/// manager): what a pull request adds.
pub fn new_since<'f>(
    findings: &'f [Finding],
    baseline: &Baseline,
    at_least: Severity,
) -> Vec<&'f Finding> {
    findings
        .iter()
        .filter(|f| at_least_as_serious(f.severity, at_least) && !baseline.has(f))
        .collect()
}
