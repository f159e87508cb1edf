//! Quarterly reviews (SPEC §14): every git tag matching a pattern, opened as it was — its own
//! files, its own kamsite.yaml, its own `as_of` — through the same façade as the current
//! portfolio. Tags are listed with their commits and dates by one `git for-each-ref`, each
//! revision's files by one `git ls-tree` (the checks of `baseline::Tree`), and the
//! files of all revisions are read into memory by one `git cat-file --batch`, each object once:
//! between two reviews most files are the same object. Nothing from a tree is ever written to
//! disk. A tag whose portfolio does not load stops the whole build, by name.

use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use crate::baseline::{cat_files, git, Baseline, Tree};
use crate::diagnostics::Diagnostic;
use crate::model::Date;
use crate::project::{Error, Project, When};

/// One tagged review, as git names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// `review/2026-Q3`.
    pub name: String,
    /// The commit the tag points at (peeled through an annotated tag).
    pub commit: String,
    /// The commit's date: the review's `as_of` when its kamsite.yaml sets none.
    pub date: Option<Date>,
    seconds: i64,
}

impl Tag {
    /// `review/2026-Q3` → `review-2026-q3`: the folder under `reviews/`.
    pub fn slug(&self) -> String {
        crate::slug::slug(&self.name)
    }

    /// How the site names the review when it is a baseline: `review/2026-Q3 (0123456789)`.
    pub fn label(&self) -> String {
        let short: String = self.commit.chars().take(10).collect();
        format!("{} ({short})", self.name)
    }
}

/// A review opened and ready to analyse.
#[derive(Debug)]
pub struct Review {
    pub tag: Tag,
    pub project: Project,
}

/// The repository holding `portfolio`: its top folder and the portfolio's path inside it.
fn repository(portfolio: &Path) -> Result<(PathBuf, String), String> {
    let out = git(
        portfolio,
        &["rev-parse", "--show-toplevel", "--show-prefix"],
    )
    .map_err(|e| format!("--reviews needs the portfolio to be in a git repository ({e})"))?;
    let text = String::from_utf8_lossy(&out);
    let mut lines = text.lines();
    let top = lines.next().unwrap_or_default().to_string();
    let prefix = lines.next().unwrap_or_default().to_string();
    Ok((PathBuf::from(top), prefix))
}

/// The tags matching `pattern` (a glob under `refs/tags/`), oldest commit first; ties by name,
/// so the order never depends on git's listing order.
pub fn tags(portfolio: &Path, pattern: &str) -> Result<(PathBuf, String, Vec<Tag>), String> {
    let (top, prefix) = repository(portfolio)?;
    // objecttype is `tag` for an annotated tag (then `*…` are its commit's), else `commit`.
    let format = "%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(committerdate:unix)%00%(*objecttype)%00%(*objectname)%00%(*committerdate:unix)";
    let out = git(
        &top,
        &[
            "for-each-ref",
            &format!("--format={format}"),
            "--end-of-options",
            &format!("refs/tags/{pattern}"),
        ],
    )
    .map_err(|e| format!("cannot list the tags matching `{pattern}`: {e}"))?;
    let mut tags = Vec::new();
    for line in String::from_utf8_lossy(&out).lines() {
        let f: Vec<&str> = line.split('\0').collect();
        let [name, kind, oid, date, peeled_kind, peeled, peeled_date] = f[..] else {
            continue;
        };
        let (commit, seconds) = match (kind, peeled_kind) {
            ("commit", _) => (oid, date),
            ("tag", "commit") => (peeled, peeled_date),
            _ => {
                return Err(format!(
                    "the tag `{name}` does not point at a commit; a review is a commit"
                ))
            }
        };
        let seconds = seconds.trim().parse::<i64>().unwrap_or(0);
        tags.push(Tag {
            name: name.to_string(),
            commit: commit.to_string(),
            date: Date::from_unix_seconds(seconds),
            seconds,
        });
    }
    tags.sort_by(|a, b| (a.seconds, &a.name).cmp(&(b.seconds, &b.name)));
    Ok((top, prefix, tags))
}

/// Why a review could not be opened: the tag, and its problems when it has some.
#[derive(Debug)]
pub struct Failed {
    pub tag: String,
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl From<Failed> for Error {
    fn from(f: Failed) -> Error {
        Error::Review {
            tag: f.tag,
            message: f.message,
            diagnostics: f.diagnostics,
        }
    }
}

/// Opens the portfolio at `tag` in memory, with the revision's `as_of`, else its commit date.
/// Its files are named `<tag>/<path>` in messages. `cache` holds the account files already
/// parsed (the current portfolio's, the other reviews'): between two reviews most files are
/// the same bytes, and parsing them once is most of what a review costs to open.
pub fn open(
    prefix: &str,
    tag: &Tag,
    files: BTreeMap<String, Vec<u8>>,
    cache: Option<&crate::load::ParseCache>,
) -> Result<Review, Failed> {
    let failed = |message: String, diagnostics| Failed {
        tag: tag.name.clone(),
        message,
        diagnostics,
    };
    let label = format!("{}:{}", tag.name, prefix.trim_end_matches('/'));
    let root = crate::load::Root::in_memory(label.trim_end_matches(':'), files);
    let when = When {
        commit_date: tag.date,
        ..When::default()
    };
    let opened = match Project::open_root(root.clone(), when, cache) {
        // A cached file's problems name the file where it was first parsed: read the failing
        // revision again without the cache, so every problem names this tag's file.
        Err(Error::Invalid { .. }) if cache.is_some() => Project::open_root(root, when, None),
        other => other,
    };
    let project = match opened {
        Ok(p) => p,
        Err(Error::Invalid { diagnostics, .. }) => {
            let n = diagnostics.iter().filter(|d| d.is_error()).count();
            let message = format!(
                "the portfolio at tag `{}` does not load: {n} problem{}",
                tag.name,
                if n == 1 { "" } else { "s" }
            );
            return Err(failed(message, diagnostics));
        }
        Err(e) => return Err(failed(format!("tag `{}`: {e}", tag.name), Vec::new())),
    };
    Ok(Review {
        tag: tag.clone(),
        project,
    })
}

/// Every tag matching `pattern`, oldest first, opened in parallel, sharing `cache`. Slugs must
/// differ: two tags in one folder would overwrite each other.
pub fn open_all(
    portfolio: &Path,
    pattern: &str,
    cache: &crate::load::ParseCache,
) -> Result<Vec<Review>, Error> {
    use rayon::prelude::*;
    let (top, prefix, tags) = tags(portfolio, pattern).map_err(|message| Error::Review {
        tag: pattern.to_string(),
        message,
        diagnostics: Vec::new(),
    })?;
    let mut seen = BTreeMap::new();
    for t in &tags {
        let slug = t.slug();
        let clash = |message: String| Error::Review {
            tag: t.name.clone(),
            message,
            diagnostics: Vec::new(),
        };
        if slug.is_empty() {
            return Err(clash(format!(
                "the tag `{}` has no letters or digits to name its folder under reviews/",
                t.name
            )));
        }
        if let Some(other) = seen.insert(slug.clone(), &t.name) {
            return Err(clash(format!(
                "the tags `{other}` and `{}` would both be published as reviews/{slug}/; rename one",
                t.name
            )));
        }
    }
    // Which files each revision holds (one `git ls-tree` each, in parallel), their
    // configurations (one `git cat-file` for all, to learn the CSV sources each names), then
    // every distinct object once, from one more `git cat-file`.
    let failed = |t: &Tag| {
        let tag = t.name.clone();
        move |message| Failed {
            tag,
            message,
            diagnostics: Vec::new(),
        }
    };
    let trees = tags
        .par_iter()
        .map(|t| Tree::list(&top, &t.commit, &prefix).map_err(failed(t)))
        // Collected in order first, so the error reported is the oldest failing tag's.
        .collect::<Vec<_>>()
        .into_iter()
        .collect::<Result<Vec<_>, Failed>>()?;
    let config_oids: Vec<&str> = trees.iter().filter_map(Tree::config_oid).collect();
    let mut configs = cat_files(&top, config_oids.iter().copied())
        .map_err(|message| Error::Review {
            tag: pattern.to_string(),
            message,
            diagnostics: Vec::new(),
        })?
        .into_iter();
    let listed = tags
        .iter()
        .zip(&trees)
        .map(|(t, tree)| {
            let config = tree.config_oid().and_then(|_| configs.next());
            tree.wanted(config.as_deref()).map_err(failed(t))
        })
        .collect::<Result<Vec<_>, Failed>>()?;
    let oids: std::collections::BTreeSet<&str> = listed
        .iter()
        .flatten()
        .map(|(oid, _)| oid.as_str())
        .collect();
    let contents = cat_files(&top, oids.iter().copied()).map_err(|message| Error::Review {
        tag: pattern.to_string(),
        message,
        diagnostics: Vec::new(),
    })?;
    let blobs: BTreeMap<&str, Vec<u8>> = oids.into_iter().zip(contents).collect();
    let opened: Vec<Result<Review, Failed>> = tags
        .par_iter()
        .zip(&listed)
        .map(|(t, files)| {
            let files = files
                .iter()
                .map(|(oid, rel)| {
                    (
                        rel.clone(),
                        blobs.get(oid.as_str()).cloned().unwrap_or_default(),
                    )
                })
                .collect();
            open(&prefix, t, files, Some(cache))
        })
        .collect();
    // The first failing tag in review order, so the message does not depend on thread timing.
    opened
        .into_iter()
        .collect::<Result<Vec<_>, Failed>>()
        .map_err(Error::from)
}

/// Each review analysed with the previous one as its baseline (the first has none), as
/// `build --baseline <previous tag>` would have made it.
pub fn analyse_all(reviews: &[Review]) -> Vec<crate::analyse::Analysis<'_>> {
    use rayon::prelude::*;
    let plain: Vec<_> = reviews
        .par_iter()
        .map(|r| r.project.analyse(None))
        .collect();
    let baselines: Vec<Baseline> = plain
        .iter()
        .zip(reviews)
        .map(|(a, r)| Baseline::from_analysis(a, &r.tag.label()))
        .collect();
    plain
        .into_iter()
        .enumerate()
        .map(|(i, a)| match i.checked_sub(1) {
            Some(prev) => a.with_baseline(&baselines[prev]),
            None => a,
        })
        .collect()
}

/// The baseline the current site compares against by default: the newest review.
pub fn newest_baseline(
    reviews: &[Review],
    analyses: &[crate::analyse::Analysis<'_>],
) -> Option<Baseline> {
    let (r, a) = reviews.iter().zip(analyses).next_back()?;
    Some(Baseline::from_analysis(a, &r.tag.label()))
}
