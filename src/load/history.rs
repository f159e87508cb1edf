//! Who changed the portfolio since a revision (SPEC §17): the commits between two revisions,
//! with the files each touched and, for text sources, the rows it changed — read with one
//! `git log -p` for the pair — and the files changed in the working tree but not committed.

use super::git::{git, Repository};
use crate::model::Commit;

/// A commit and what it changed under the portfolio: the files (relative to the portfolio)
/// and, per file, the lines it added or removed.
#[derive(Clone, Debug, Default)]
pub struct Touched {
    pub files: Vec<String>,
    /// (file, changed line) for every added or removed line.
    pub lines: Vec<(String, String)>,
}

/// The commits after `base` up to `head` (oldest first), with what each touched. `head`
/// `None` is the checked-out commit.
pub fn commits(
    repo: &Repository,
    base: &str,
    head: Option<&str>,
) -> Result<Vec<(Commit, Touched)>, String> {
    let prefix = repo.prefix.as_str();
    let pathspec = if prefix.is_empty() { "." } else { prefix };
    let range = format!("{base}..{}", head.unwrap_or("HEAD"));
    let out = git(
        &repo.top,
        &[
            "log",
            "--reverse",
            "-p",
            "-U0",
            "--no-color",
            "--no-ext-diff",
            "--no-renames",
            // Whatever the user's diff.noprefix or diff.mnemonicPrefix, and no signature lines.
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--no-show-signature",
            "--date=short",
            "--format=%x1e%H%x1f%an%x1f%ad%x1f%s",
            &range,
            "--end-of-options",
            "--",
            pathspec,
        ],
    )?;
    let text = String::from_utf8_lossy(&out);
    let mut found = Vec::new();
    for record in text.split('\u{1e}').filter(|r| !r.trim().is_empty()) {
        let (head, body) = record.split_once('\n').unwrap_or((record, ""));
        let mut fields = head.split('\u{1f}');
        let (Some(id), Some(author), Some(date), subject) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let commit = Commit {
            short: super::git::short(id),
            author: author.to_string(),
            date: date.to_string(),
            subject: subject.unwrap_or("").to_string(),
        };
        let mut touched = Touched::default();
        let mut current: Option<String> = None;
        for line in body.lines() {
            if let Some(rest) = line.strip_prefix("diff --git a/") {
                // `a/PATH b/PATH`: the same path twice (renames are off).
                let path = rest.split(" b/").next().unwrap_or(rest);
                let rel = path.strip_prefix(prefix).unwrap_or(path).to_string();
                if !touched.files.contains(&rel) {
                    touched.files.push(rel.clone());
                }
                current = Some(rel);
            } else if line.starts_with("+++") || line.starts_with("---") {
                continue;
            } else if let (Some(file), Some(changed)) = (
                &current,
                line.strip_prefix('+').or_else(|| line.strip_prefix('-')),
            ) {
                touched.lines.push((file.clone(), changed.to_string()));
            }
        }
        found.push((commit, touched));
    }
    Ok(found)
}

/// The lines added or removed in the working tree (against the checked-out commit) of
/// `files` (relative to the portfolio), from one `git diff`.
pub fn uncommitted_lines(repo: &Repository, files: &[String]) -> Vec<(String, String)> {
    if files.is_empty() {
        return Vec::new();
    }
    let prefix = repo.prefix.as_str();
    let paths: Vec<String> = files.iter().map(|f| format!("{prefix}{f}")).collect();
    let mut args = vec![
        "diff",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        "HEAD",
        "--",
    ];
    args.extend(paths.iter().map(String::as_str));
    let Ok(out) = git(&repo.top, &args) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&out);
    let mut lines = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("diff --git a/") {
            let path = rest.split(" b/").next().unwrap_or(rest);
            current = Some(path.strip_prefix(prefix).unwrap_or(path).to_string());
        } else if line.starts_with("+++") || line.starts_with("---") {
            continue;
        } else if let (Some(file), Some(changed)) = (
            &current,
            line.strip_prefix('+').or_else(|| line.strip_prefix('-')),
        ) {
            lines.push((file.clone(), changed.to_string()));
        }
    }
    lines
}
