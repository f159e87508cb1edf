//! Quarterly reviews (SPEC §14): every git tag matching a pattern, opened as it was — its own
//! files, its own kamsite.yaml, its own `as_of` — through the same façade as the current
//! portfolio. Tags are listed with their commits and dates by one `git for-each-ref`, each
//! revision's files by one `git ls-tree` (in parallel), and the files of all revisions are read
//! into memory by one `git cat-file --batch`, each object once: between two reviews most files
//! are the same object. A tag whose portfolio does not load stops the whole build, by name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;

use super::project::{Error, Project};
use crate::analyse::{Analysis, Baseline};
use crate::load::git::{cat_files, Repository, Tag, Tree, UNSHALLOW};
use crate::validate::Cache;

/// A review opened and ready to analyse.
#[derive(Debug)]
pub struct Review {
    pub tag: Tag,
    pub project: Project,
    /// Whether the checked-out commit is this review's, unchanged: then the current site
    /// *is* this review, and compares with the one before it.
    pub at_head: bool,
    /// The repository it comes from (who changed what between two reviews).
    pub repo: Repository,
    /// The fingerprint of its files as read, with its name (see `published`).
    pub content: u128,
}

fn failed(tag: &str, message: String) -> Error {
    Error::Review {
        tag: tag.to_string(),
        message,
        diagnostics: Vec::new(),
    }
}

/// Every tag matching `pattern`, oldest first, opened in parallel, sharing `cache`. Slugs must
/// differ: two tags in one folder would overwrite each other.
pub fn open_all(portfolio: &Path, pattern: &str, cache: &Cache) -> Result<Vec<Review>, Error> {
    let repo = Repository::of(portfolio).map_err(|e| {
        failed(
            pattern,
            format!("--reviews needs the portfolio to be in a git repository ({e})"),
        )
    })?;
    // A shallow clone has some tags or none, and git says nothing: never publish a review
    // history with quarters silently missing.
    if repo.is_shallow() {
        return Err(failed(
            pattern,
            format!(
                "--reviews needs every tagged review, and this is a shallow clone: {UNSHALLOW}"
            ),
        ));
    }
    let tags = repo.tags(pattern).map_err(|m| failed(pattern, m))?;
    let mut seen = BTreeMap::new();
    for t in &tags {
        let slug = t.slug();
        if slug.is_empty() {
            return Err(failed(
                &t.name,
                format!(
                    "the tag `{}` has no letters or digits to name its folder under reviews/",
                    t.name
                ),
            ));
        }
        if let Some(other) = seen.insert(slug.clone(), &t.name) {
            return Err(failed(
                &t.name,
                format!(
                    "the tags `{other}` and `{}` would both be published as reviews/{slug}/; rename one",
                    t.name
                ),
            ));
        }
    }
    // Which files each revision holds (one `git ls-tree` each, in parallel), their
    // configurations (one `git cat-file` for all, to learn the sources each names), then
    // every distinct object once, from one more `git cat-file`.
    let trees = tags
        .par_iter()
        .map(|t| Tree::list(&repo, &t.commit).map_err(|m| failed(&t.name, m)))
        // Collected in order first, so the error reported is the oldest failing tag's.
        .collect::<Vec<_>>()
        .into_iter()
        .collect::<Result<Vec<_>, Error>>()?;
    let config_oids: Vec<&str> = trees.iter().filter_map(Tree::config_oid).collect();
    let mut configs = cat_files(&repo.top, config_oids.iter().copied())
        .map_err(|m| failed(pattern, m))?
        .into_iter();
    let listed = tags
        .iter()
        .zip(&trees)
        .map(|(t, tree)| {
            let config = tree.config_oid().and_then(|_| configs.next());
            tree.wanted(config.as_deref())
                .map_err(|m| failed(&t.name, m))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let oids: BTreeSet<&str> = listed
        .iter()
        .flatten()
        .map(|(oid, _)| oid.as_str())
        .collect();
    let contents = cat_files(&repo.top, oids.iter().copied()).map_err(|m| failed(pattern, m))?;
    let blobs: BTreeMap<&str, Vec<u8>> = oids.into_iter().zip(contents).collect();
    let fingerprints: BTreeMap<&str, u128> = blobs
        .par_iter()
        .map(|(oid, bytes)| (*oid, super::published::file(bytes)))
        .collect();
    let label = |t: &Tag| {
        let l = format!("{}:{}", t.name, repo.prefix.trim_end_matches('/'));
        l.trim_end_matches(':').to_string()
    };
    // The review being built is the checked-out commit, unchanged (CI at a review tag).
    let manifest = crate::load::Manifest::of_dir(portfolio);
    let head = repo
        .commit("HEAD")
        .ok()
        .filter(|_| repo.is_clean(&manifest));
    let opened: Vec<Result<Review, Error>> =
        tags.par_iter()
            .zip(&listed)
            .map(|(t, listed)| {
                let content = super::published::revision(
                    &label(t),
                    listed.iter().map(|(oid, rel)| {
                        let blob = fingerprints.get(oid.as_str()).copied().unwrap_or_default();
                        (rel.as_str(), blob)
                    }),
                );
                let files = listed
                    .iter()
                    .map(|(oid, rel)| {
                        (
                            rel.clone(),
                            blobs.get(oid.as_str()).cloned().unwrap_or_default(),
                        )
                    })
                    .collect();
                let project = super::revision::open(&label(t), files, t.date, Some(cache))
                    .map_err(|e| match e {
                        Error::Invalid { diagnostics, .. } => {
                            let n = diagnostics.iter().filter(|d| d.is_error()).count();
                            Error::Review {
                                tag: t.name.clone(),
                                message: format!(
                                    "the portfolio at tag `{}` does not load: {n} problem{}",
                                    t.name,
                                    if n == 1 { "" } else { "s" }
                                ),
                                diagnostics,
                            }
                        }
                        other => failed(&t.name, format!("tag `{}`: {other}", t.name)),
                    })?;
                Ok(Review {
                    tag: t.clone(),
                    project,
                    at_head: head.as_deref() == Some(t.commit.as_str()),
                    repo: repo.clone(),
                    content,
                })
            })
            .collect();
    // The first failing tag in review order, so the message does not depend on thread timing.
    opened.into_iter().collect()
}

/// Each review analysed with the previous one as its baseline (the first has none), as
/// `build --baseline <previous tag>` would have made it.
pub fn analyse_all(reviews: &[Review]) -> Vec<Analysis<'_>> {
    let plain: Vec<_> = reviews
        .par_iter()
        .map(|r| r.project.analyse(None))
        .collect();
    let baselines: Vec<Baseline> = plain
        .par_iter()
        .zip(reviews)
        .map(|(a, r)| {
            let mut b = Baseline::from_analysis(a, &r.tag.label());
            b.commit = Some(r.tag.commit.clone());
            b
        })
        .collect();
    plain
        .into_par_iter()
        .enumerate()
        .map(|(i, a)| match i.checked_sub(1) {
            Some(prev) => {
                let r = &reviews[i];
                let who = super::history::between(
                    &r.repo,
                    &reviews[prev].tag.commit,
                    Some(&r.tag.commit),
                    &r.project.portfolio,
                );
                a.with_baseline(&baselines[prev]).with_history(who)
            }
            None => a,
        })
        .collect()
}

/// The baseline the current site compares against by default: the newest review — but not
/// the review being published (CI builds at the tag's commit): never "changes since itself".
pub fn newest_baseline(reviews: &[Review], analyses: &[Analysis<'_>]) -> Option<Baseline> {
    let (r, a) = reviews
        .iter()
        .zip(analyses)
        .rev()
        .find(|(r, _)| !r.at_head)?;
    let mut b = Baseline::from_analysis(a, &r.tag.label());
    b.commit = Some(r.tag.commit.clone());
    Some(b)
}
