//! `--baseline REV|FILE` (SPEC §10): a previous `portfolio.json` (the §11 document, read by
//! `export::Document`), or a git revision of the repository holding the portfolio, opened
//! and analysed through the same pipeline as the current portfolio and reduced to what a
//! comparison needs (`analyse::Baseline`).

use std::path::Path;

use super::project::Error;
use crate::analyse::Baseline;
use crate::load::git::{short, Repository, UNSHALLOW};

/// `arg` names a file: read it as a portfolio.json; otherwise it is a git revision of the
/// repository that holds `portfolio`.
pub fn resolve(arg: &str, portfolio: &Path) -> Result<Baseline, Error> {
    let file = Path::new(arg);
    if file.is_file() {
        let text = crate::load::read_file(file)
            .and_then(|b| String::from_utf8(b).map_err(std::io::Error::other))
            .map_err(|e| Error::Baseline(format!("cannot read {arg}: {e}")))?;
        // Named by its file name: a published page should not show a local folder.
        let label = file
            .file_name()
            .map_or_else(|| arg.to_string(), |n| n.to_string_lossy().into_owned());
        let doc = crate::export::Document::read(&text, &label).map_err(Error::Baseline)?;
        return Ok(doc.baseline(&label));
    }
    from_git(arg, portfolio)
}

/// The baseline a pull request is judged against (`check --baseline`, SPEC §19): a git
/// revision is analysed on the same date and for the same review period as the current
/// portfolio — otherwise a narrative-only change would "add" every finding that the passing
/// of time brings (an action that fell overdue since the base commit) — and as far as it can
/// be read, so a mistake on the base branch does not fail every pull request, the one that
/// fixes it included. Returns the baseline and, when it has errors, a note saying so.
pub fn for_check(
    arg: &str,
    portfolio: &Path,
    as_of: crate::model::Date,
    period: Option<crate::model::Quarter>,
) -> Result<(Baseline, Option<String>), Error> {
    if Path::new(arg).is_file() {
        return resolve(arg, portfolio).map(|b| (b, None));
    }
    let (repo, commit) = commit_of(arg, portfolio)?;
    let files = repo.read(&commit).map_err(Error::Baseline)?;
    let label = format!("{arg} ({})", short(&commit));
    let root = crate::load::Root::in_memory(portfolio, files);
    let when = super::When {
        as_of: Some(as_of),
        period,
        commit_date: None,
    };
    let project = super::Project::open_as_far_as_possible(root, when)?;
    let errors = project.warnings.iter().filter(|d| d.is_error()).count();
    let note = (errors > 0).then(|| {
        format!(
            "the portfolio at `{label}` has {}; its findings are those of what could be read of it",
            crate::numfmt::count(errors, "error")
        )
    });
    Ok((
        Baseline::from_analysis(&project.analyse(None), &label),
        note,
    ))
}

/// The repository of `portfolio` and the commit `rev` names; a shallow clone missing it says
/// how to fetch it.
fn commit_of(rev: &str, portfolio: &Path) -> Result<(Repository, String), Error> {
    let not_rev = |e: String| {
        Error::Baseline(format!(
            "--baseline `{rev}` is neither a file nor a git revision of the portfolio's repository ({e})"
        ))
    };
    let repo = Repository::of(portfolio).map_err(not_rev)?;
    let commit = repo.commit(rev).map_err(|e| {
        if repo.is_shallow() {
            Error::Baseline(format!(
                "--baseline `{rev}` is not in this shallow clone of the repository: {UNSHALLOW}"
            ))
        } else if rev.starts_with("origin/") {
            Error::Baseline(format!(
                "--baseline `{rev}` is not a branch of this clone ({e}); fetch it first: `git fetch origin {}`",
                rev.trim_start_matches("origin/")
            ))
        } else {
            not_rev(e)
        }
    })?;
    Ok((repo, commit))
}

fn from_git(rev: &str, portfolio: &Path) -> Result<Baseline, Error> {
    let (repo, commit) = commit_of(rev, portfolio)?;
    let files = repo.read(&commit).map_err(Error::Baseline)?;
    let date = repo.commit_date(&commit).map_err(Error::Baseline)?;
    let label = format!("{rev} ({})", short(&commit));
    let project = match super::revision::open(&portfolio.to_string_lossy(), files, date, None) {
        Ok(p) => p,
        Err(Error::Invalid { diagnostics, .. }) => {
            let problems = diagnostics.iter().filter(|d| d.is_error()).count();
            return Err(Error::Baseline(format!(
                "the portfolio at `{label}` has {}; check it out and run `kamsite check` to see them",
                crate::numfmt::count(problems, "error")
            )));
        }
        Err(e) => return Err(Error::Baseline(e.to_string())),
    };
    let mut b = Baseline::from_analysis(&project.analyse(None), &label);
    b.commit = Some(commit);
    Ok(b)
}
