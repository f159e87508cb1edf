//! The preview's memory of the last merge. At 10,000 accounts, reading a 40,000-row export
//! again on every save was a fifth of a rebuild, and the one part of loading that runs on a
//! single core. A save that changes an account's narrative or figures changes nothing the
//! merge reads, so the rows it added are added again without reading the export.
//!
//! What the merge reads, and so what must be unchanged for its result to be reused:
//! - kamsite.yaml's `sources` and `fiscal_year_start`;
//! - each source file: the same file (by its canonical path and [`Stamp`]), unchanged since it
//!   was read, beyond doubt (the racy window of [`Stamp::unchanged`]);
//! - of each account, valid or rejected, in order: its id, its file, its `ids` and the
//!   quarters of its own financials (the keys rows match, and the quarters a row may repeat).
//!
//! A merge with an error is never reused: one of them (a quarter given in the file and in
//! the export) names a line of the account file, which the key does not cover.
//!
//! `tests/it/preview_equality.rs` checks that a preview's loads equal fresh loads over a
//! sequence of edits of every kind.

use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::load::{Root, Stamp};
use crate::model::{Account, Config, FrontMatter, Origins, Quarter};

/// The last merge and what it read.
#[derive(Debug)]
pub struct Memo {
    key: Key,
    /// Per account (by index) whose front matter the merge added to: its front matter before,
    /// after, and its origins after. Kept, so that an unchanged account gets the very same
    /// merged front matter (and later stages can tell it is unchanged by pointer).
    merged: Vec<(usize, Arc<FrontMatter>, Arc<FrontMatter>, Origins)>,
    diagnostics: Vec<Diagnostic>,
    files: usize,
}

#[derive(Debug, PartialEq)]
struct Key {
    dir: std::path::PathBuf,
    config: String,
    files: Vec<(std::path::PathBuf, Stamp)>,
    accounts: Vec<AccountKey>,
    rejected: Vec<AccountKey>,
}

#[derive(Debug, PartialEq)]
struct AccountKey {
    id: String,
    source: String,
    ids: String,
    periods: Vec<Quarter>,
}

impl AccountKey {
    fn of(a: &Account) -> AccountKey {
        AccountKey {
            id: a.id.clone(),
            source: a.source.clone(),
            ids: format!("{:?}", a.front.ids),
            periods: a.front.financials.iter().map(|f| f.period).collect(),
        }
    }
}

/// What the merge of `config`'s sources into these accounts reads, or `None` when it cannot
/// be told beyond doubt (a portfolio in memory, a source that cannot be looked at).
fn key(root: &Root, config: &Config, accounts: &[Account], rejected: &[Account]) -> Option<Key> {
    if root.memory.is_some() {
        return None;
    }
    let mut files = Vec::new();
    for rel in config.sources.files() {
        let path = root.dir.join(super::normal(rel));
        let canonical = std::fs::canonicalize(&path).ok()?;
        let meta = std::fs::metadata(&canonical).ok()?;
        files.push((canonical, Stamp::of(&meta)));
    }
    Some(Key {
        dir: root.dir.clone(),
        config: format!("{:?} {}", config.sources, config.fiscal_year_start),
        files,
        accounts: accounts.iter().map(AccountKey::of).collect(),
        rejected: rejected.iter().map(AccountKey::of).collect(),
    })
}

impl Key {
    /// Whether `now` reads the same as `self`, which was taken when the files were read.
    fn same(&self, now: &Key) -> bool {
        self.dir == now.dir
            && self.config == now.config
            && self.accounts == now.accounts
            && self.rejected == now.rejected
            && self.files.len() == now.files.len()
            && self
                .files
                .iter()
                .zip(&now.files)
                .all(|((p, s), (q, t))| p == q && s.unchanged(t))
    }
}

/// [`super::merge`], reusing `memo`'s result when nothing it read has changed, and
/// remembering this one in it.
pub fn merge(
    root: &Root,
    config: &Config,
    accounts: &mut [Account],
    rejected: &[Account],
    memo: &std::sync::Mutex<Option<Memo>>,
) -> (Vec<Diagnostic>, usize) {
    // A revision read from git is never merged twice; nothing to remember (and the reviews
    // of one build, opened in parallel, must not wait on each other here).
    let Some(key) = key(root, config, accounts, rejected) else {
        return super::merge(root, config, accounts, rejected);
    };
    let mut memo = memo
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(seen) = memo.as_ref() {
        if seen.key.same(&key) {
            for (i, before, after, origins) in &seen.merged {
                let account = &mut accounts[*i];
                if Arc::ptr_eq(&account.front, before) {
                    account.front = Arc::clone(after);
                    account.origins = origins.clone();
                } else {
                    // The account's file changed in what the merge does not read: the same
                    // rows go after its own entries (their number may have changed).
                    let own = (before.financials.len(), before.opportunities.len());
                    let front = Arc::make_mut(&mut account.front);
                    front
                        .financials
                        .extend_from_slice(&after.financials[own.0..]);
                    front
                        .opportunities
                        .extend_from_slice(&after.opportunities[own.1..]);
                    account
                        .origins
                        .financials
                        .extend_from_slice(&origins.financials[own.0..]);
                    account
                        .origins
                        .opportunities
                        .extend_from_slice(&origins.opportunities[own.1..]);
                }
            }
            return (seen.diagnostics.clone(), seen.files);
        }
    }
    let before: Vec<Arc<FrontMatter>> = accounts.iter().map(|a| Arc::clone(&a.front)).collect();
    let (diagnostics, files) = super::merge(root, config, accounts, rejected);
    *memo = (!diagnostics.iter().any(Diagnostic::is_error)).then(|| Memo {
        key,
        merged: accounts
            .iter()
            .zip(before)
            .enumerate()
            .filter(|(_, (a, b))| !Arc::ptr_eq(&a.front, b))
            .map(|(i, (a, b))| (i, b, Arc::clone(&a.front), a.origins.clone()))
            .collect(),
        diagnostics: diagnostics.clone(),
        files,
    });
    (diagnostics, files)
}
