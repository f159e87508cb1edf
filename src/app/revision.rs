//! Opening the portfolio as it was at a git revision — a `--baseline REV`, or a tagged review
//! (SPEC §14) — through the same façade as the current one, with the revision's own files,
//! its own kamsite.yaml and its own `as_of` (else its commit date). The files were read into
//! memory by `load::git`; nothing from a tree is ever written to disk. The one way a revision
//! is opened, for baselines and reviews alike.

use std::collections::BTreeMap;

use super::project::{Error, Project, When};
use crate::load::Root;
use crate::model::Date;
use crate::validate::Cache;

/// Opens the portfolio held in `files`, naming its files `label/<path>` in messages. `cache`
/// holds account files already parsed (between two reviews most files are the same bytes).
pub fn open(
    label: &str,
    files: BTreeMap<String, Vec<u8>>,
    commit_date: Option<Date>,
    cache: Option<&Cache>,
) -> Result<Project, Error> {
    let root = Root::in_memory(label, files);
    let when = When {
        commit_date,
        ..When::default()
    };
    match Project::open_root(root.clone(), when, cache) {
        // A cached file's problems name the file where it was first parsed: read the failing
        // revision again without the cache, so every problem names this revision's file.
        Err(Error::Invalid { .. }) if cache.is_some() => Project::open_root(root, when, None),
        other => other,
    }
}
