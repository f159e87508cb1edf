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
pub fn between(
    repo: &Repository,
    base: &str,
    head: Option<&str>,
    portfolio: &Portfolio,
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
    let mut out: HashMap<String, AccountHistory> = HashMap::new();
    for (commit, touched) in commits {
        let mut accounts: HashSet<&str> = HashSet::new();
        for file in &touched.files {
            if let Some(id) = by_file.get(file.as_str()) {
                accounts.insert(id);
            }
            if sources.contains_key(file) && !touched.lines.iter().any(|(f, _)| f == file) {
                accounts.extend(with_rows_in(file));
            }
        }
        for (file, line) in &touched.lines {
            if let Some((delimiter, keys)) = sources.get(file) {
                for cell in line.split(*delimiter) {
                    if let Some(id) = keys.get(cell.trim().trim_matches('"')) {
                        accounts.insert(id);
                    }
                }
            }
        }
        let mut accounts: Vec<&str> = accounts.into_iter().collect();
        accounts.sort_unstable();
        for id in accounts {
            out.entry(id.to_string())
                .or_default()
                .commits
                .push(commit.clone());
        }
    }
    if head.is_none() {
        for file in history::uncommitted(repo) {
            let ids: Vec<&str> = match by_file.get(file.as_str()) {
                Some(id) => vec![id],
                None if sources.contains_key(&file) => with_rows_in(&file),
                None => Vec::new(),
            };
            for id in ids {
                out.entry(id.to_string()).or_default().uncommitted = true;
            }
        }
    }
    out
}
