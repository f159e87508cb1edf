//! Who changed each account since the comparison point (SPEC §17): the commits between two
//! revisions (one `git log -p` for the pair) attributed to the accounts whose file they
//! touched, or whose rows of a CSV source they changed — and, for the working tree, what is
//! not committed yet.

use std::collections::{HashMap, HashSet};

use crate::load::git::Repository;
use crate::load::history;
use crate::model::{AccountHistory, Origin, Portfolio};

/// Account id → its history between `base` and `head` (`None`: the working tree, whose
/// uncommitted changes are marked). Empty when git cannot say (the caller's site simply has
/// no "who changed it").
pub fn between<'a>(
    repo: &Repository,
    base: &str,
    head: Option<&str>,
    portfolio: &'a Portfolio,
) -> HashMap<String, AccountHistory> {
    let Ok(commits) = history::commits(repo, base, head) else {
        return HashMap::new();
    };
    let by_file: HashMap<&str, &str> = portfolio
        .accounts
        .iter()
        .map(|a| (a.source.as_str(), a.id.as_str()))
        .collect();
    // Per source file: its delimiter, and key → account, as it is matched.
    let mut sources: HashMap<String, (char, HashMap<String, &str>)> = HashMap::new();
    let config = &portfolio.config;
    for (file, delimiter, matches) in [
        config
            .sources
            .financials
            .as_ref()
            .map(|s| (&s.file, &s.delimiter, &s.matches)),
        config
            .sources
            .opportunities
            .as_ref()
            .map(|s| (&s.file, &s.delimiter, &s.matches)),
    ]
    .into_iter()
    .flatten()
    {
        let mut keys = HashMap::new();
        for a in &portfolio.accounts {
            match matches.strip_prefix("ids.") {
                Some(system) => {
                    for k in a
                        .front
                        .ids
                        .get(system)
                        .map(|k| k.keys.as_slice())
                        .unwrap_or(&[])
                    {
                        keys.insert(k.clone(), a.id.as_str());
                    }
                }
                None => {
                    keys.insert(a.id.clone(), a.id.as_str());
                }
            }
        }
        let delimiter = delimiter.chars().next().unwrap_or(',');
        sources.insert(crate::load::sources::normal(file), (delimiter, keys));
    }
    // A workbook's changes cannot be read row by row: its accounts are those with rows in it.
    let with_rows_in = |file: &str| -> Vec<&str> {
        portfolio
            .accounts
            .iter()
            .filter(|a| {
                a.origins
                    .financials
                    .iter()
                    .chain(&a.origins.opportunities)
                    .any(|o| matches!(o, Origin::Csv { file: f, .. } if f == file))
            })
            .map(|a| a.id.as_str())
            .collect()
    };
    // The accounts whose rows the changed lines of a text source hold.
    let by_rows = |lines: &[(String, String)], accounts: &mut HashSet<&'a str>| {
        for (file, line) in lines {
            if let Some((delimiter, keys)) = sources.get(file) {
                for cell in line.split(*delimiter) {
                    if let Some(id) = keys.get(cell.trim().trim_matches('"')) {
                        accounts.insert(id);
                    }
                }
            }
        }
    };
    let mut out: HashMap<String, AccountHistory> = HashMap::new();
    for (commit, touched) in commits {
        // Row by row where the file is text; every account with rows in a workbook, marked.
        let mut exact: HashSet<&str> = HashSet::new();
        let mut workbook: HashSet<&str> = HashSet::new();
        for file in &touched.files {
            if let Some(id) = by_file.get(file.as_str()) {
                exact.insert(id);
            }
            if sources.contains_key(file) && !touched.lines.iter().any(|(f, _)| f == file) {
                workbook.extend(with_rows_in(file));
            }
        }
        by_rows(&touched.lines, &mut exact);
        let mut accounts: Vec<(&str, bool)> = exact
            .iter()
            .map(|id| (*id, false))
            .chain(
                workbook
                    .iter()
                    .filter(|id| !exact.contains(*id))
                    .map(|id| (*id, true)),
            )
            .collect();
        accounts.sort_unstable();
        for (id, via_workbook) in accounts {
            let h = out.entry(id.to_string()).or_default();
            h.commits.push(commit.clone());
            h.by_workbook.push(via_workbook);
        }
    }
    if head.is_none() {
        let changed = repo.changed().unwrap_or_default();
        let text_sources: Vec<String> = changed
            .iter()
            .filter(|f| sources.contains_key(*f))
            .cloned()
            .collect();
        let lines = history::uncommitted_lines(repo, &text_sources);
        let mut exact: HashSet<&str> = HashSet::new();
        by_rows(&lines, &mut exact);
        for file in &changed {
            if let Some(id) = by_file.get(file.as_str()) {
                exact.insert(id);
            } else if sources.contains_key(file) && !lines.iter().any(|(f, _)| f == file) {
                for id in with_rows_in(file) {
                    let h = out.entry(id.to_string()).or_default();
                    h.uncommitted = true;
                    h.uncommitted_by_workbook = !exact.contains(id);
                }
            }
        }
        for id in exact {
            let h = out.entry(id.to_string()).or_default();
            h.uncommitted = true;
            h.uncommitted_by_workbook = false;
        }
    }
    out
}
