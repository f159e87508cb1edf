//! Findings on their lines (SPEC §19): each finding names the value that triggers it
//! ([`Place`]); here that value is found in its file, so `check` can print `file:line:column`
//! and a pull request shows the finding on the changed line. Only `check` pays for this: the
//! site names findings by account, not by line.

use std::collections::{HashMap, HashSet};

use crate::analyse::findings::Place;
use crate::analyse::{Analysis, Baseline, Finding};
use crate::diagnostics::Diagnostic;
use crate::load::positions::{position, Locus, Problem};
use crate::load::{Root, CONFIG_FILE};

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

/// For each finding of `analysis`, whether `baseline` lacks it (SPEC §19): what a pull
/// request adds. An account whose id changed (its file renamed, an `id:` added) is matched to
/// the baseline's account of the same name, so its old findings are not new.
pub fn new_flags(analysis: &Analysis<'_>, baseline: &Baseline) -> Vec<bool> {
    let current: HashSet<&str> = analysis
        .accounts
        .iter()
        .map(|a| a.account.id.as_str())
        .collect();
    let mut gone_by_name: HashMap<String, &str> = HashMap::new();
    for (id, before) in &baseline.accounts {
        if !current.contains(id.as_str()) {
            gone_by_name.insert(before.name.trim().to_lowercase(), id.as_str());
        }
    }
    let was: HashMap<&str, &str> = analysis
        .accounts
        .iter()
        .filter(|a| !baseline.accounts.contains_key(&a.account.id))
        .filter_map(|a| {
            let name = a.account.front.name.trim().to_lowercase();
            gone_by_name
                .get(&name)
                .map(|old| (a.account.id.as_str(), *old))
        })
        .collect();
    analysis
        .findings
        .iter()
        .map(|f| {
            let account = f.account.as_deref().and_then(|id| was.get(id).copied());
            baseline.is_new(f, account)
        })
        .collect()
}
