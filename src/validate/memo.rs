//! What a live preview keeps between rebuilds (and the reviews of one build between their
//! revisions): the parsed account files, and the checks of each one. Checking 10,000 account
//! files was a third of a preview's rebuild, though a save changes one of them.
//!
//! An account file's checks depend on its parsed content (front matter, after the exports'
//! rows were merged, and narrative) and on settings: for the checks of the file, its id,
//! whether it decoded, kamsite.yaml and which parts of it can be trusted; for plausibility,
//! as_of and its quarter. The parsed content is compared by identity: the parse cache and the
//! merge memo hand out the very same `Arc` while a file (and the rows merged into it) did not
//! change, and each entry holds its `Arc`s, so an address is never reused by another file
//! while it is remembered.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::Trusted;
use crate::load::positions::Problem;
use crate::load::ParseCache;
use crate::model::{Account, Config, Date, FrontMatter, Quarter};

/// The parsed files and the checks of each account file, kept across loads.
#[derive(Debug, Default)]
pub struct Cache {
    pub parsed: ParseCache,
    pub(super) checked: Memo<(String, bool, Trusted, Arc<str>)>,
    pub(super) plausible: Memo<(Date, Option<Quarter>)>,
}

/// The problems a check found in each account file (by path), with what they were found in.
#[derive(Debug)]
pub(super) struct Memo<K>(Mutex<HashMap<String, Entry<K>>>);

impl<K> Default for Memo<K> {
    fn default() -> Self {
        Memo(Mutex::default())
    }
}

#[derive(Debug)]
struct Entry<K> {
    front: Arc<FrontMatter>,
    body: Arc<str>,
    settings: K,
    problems: Vec<Problem>,
}

impl<K: PartialEq> Memo<K> {
    /// `check()`, or its earlier result for the same content of `a` under the same settings.
    pub(super) fn get_or(
        &self,
        a: &Account,
        settings: K,
        check: impl FnOnce() -> Vec<Problem>,
    ) -> Vec<Problem> {
        let lock = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(seen) = lock().get(&a.source) {
            if Arc::ptr_eq(&seen.front, &a.front)
                && Arc::ptr_eq(&seen.body, &a.body)
                && seen.settings == settings
            {
                return seen.problems.clone();
            }
        }
        let problems = check();
        lock().insert(
            a.source.clone(),
            Entry {
                front: Arc::clone(&a.front),
                body: Arc::clone(&a.body),
                settings,
                problems: problems.clone(),
            },
        );
        problems
    }
}

/// kamsite.yaml as the checks read it, to tell whether it changed between two loads.
pub(super) fn fingerprint(config: &Config) -> Arc<str> {
    format!("{config:?}").into()
}
