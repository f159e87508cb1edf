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

fn from_git(rev: &str, portfolio: &Path) -> Result<Baseline, Error> {
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
        } else {
            not_rev(e)
        }
    })?;
    let files = repo.read(&commit).map_err(Error::Baseline)?;
    let date = repo.commit_date(&commit).map_err(Error::Baseline)?;
    let label = format!("{rev} ({})", short(&commit));
    let project = match super::revision::open(&portfolio.to_string_lossy(), files, date, None) {
        Ok(p) => p,
        Err(Error::Invalid { diagnostics, .. }) => {
            let problems = diagnostics.iter().filter(|d| d.is_error()).count();
            return Err(Error::Baseline(format!(
                "the portfolio at `{label}` has {problems} error(s); check it out and run `kamsite check` to see them"
            )));
        }
        Err(e) => return Err(Error::Baseline(e.to_string())),
    };
    Ok(Baseline::from_analysis(&project.analyse(None), &label))
}
