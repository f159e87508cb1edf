//! Reading a portfolio as it was at a git revision, in memory: the repository holding the
//! portfolio, a revision's commit and date, the tags of quarterly reviews, and the files of a
//! revision's portfolio folder — one `git ls-tree` per revision and one `git cat-file --batch`
//! for all the objects of a run. Nothing from a tree is ever written to disk: the files become
//! a [`super::Root::in_memory`].
//!
//! Every git call passes revisions after `--end-of-options`, so a revision that looks like an
//! option (`--output=…`) stays a name. Paths from a tree are accepted only as plain relative
//! names, links and submodules are skipped, and every file is held to the size limit of one.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{Manifest, CONFIG_FILE, MAX_FILE_BYTES};
use crate::model::Date;

/// The repository holding a portfolio: its top folder and the portfolio's path inside it
/// (`""` at the top, else ending in `/`).
#[derive(Clone, Debug)]
pub struct Repository {
    pub top: PathBuf,
    pub prefix: String,
}

/// What to do about a shallow clone, for the message of the command that needs history.
pub const UNSHALLOW: &str = "fetch the full history and tags: `git fetch --unshallow --tags`; in GitHub Actions, check out with `fetch-depth: 0`; in GitLab CI, set the variable `GIT_DEPTH: 0`";

/// Runs `git -C dir args…`; its standard output, or its error message. Paths come out as they
/// are (not quoted and escaped, as git writes a name with letters beyond ASCII by default):
/// what kamsite reads of git must not depend on the user's settings.
pub fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.quotePath=false"])
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

impl Repository {
    /// The repository holding `portfolio`.
    pub fn of(portfolio: &Path) -> Result<Repository, String> {
        let out = git(
            portfolio,
            &["rev-parse", "--show-toplevel", "--show-prefix"],
        )?;
        let text = String::from_utf8_lossy(&out);
        let mut lines = text.lines();
        let top = lines.next().unwrap_or_default().to_string();
        let prefix = lines.next().unwrap_or_default().to_string();
        Ok(Repository {
            top: PathBuf::from(top),
            prefix,
        })
    }

    /// Whether this is a shallow clone (CI's default checkout): its history and tags are cut
    /// off, so reviews and a baseline revision may be missing without any error from git.
    pub fn is_shallow(&self) -> bool {
        git(&self.top, &["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|out| out.starts_with(b"true"))
    }

    /// The portfolio's files that differ from the checked-out commit (changed, added,
    /// removed, or new and not ignored), relative to the portfolio; `None` when git cannot
    /// tell. Read with `-z`: paths as they are, never quoted.
    pub fn changed(&self) -> Option<Vec<String>> {
        let pathspec = if self.prefix.is_empty() {
            "."
        } else {
            self.prefix.as_str()
        };
        let out = git(
            &self.top,
            &[
                "status",
                "--porcelain",
                "-z",
                "--no-renames",
                "--untracked-files=all",
                "--",
                pathspec,
            ],
        )
        .ok()?;
        // `XY PATH` entries, NUL-terminated, paths from the repository's top.
        let changed = out
            .split(|&b| b == 0)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                let path = String::from_utf8_lossy(entry.get(3..).unwrap_or_default());
                path.strip_prefix(self.prefix.as_str())
                    .unwrap_or(&path)
                    .to_string()
            })
            .collect();
        Some(changed)
    }

    /// Whether the portfolio's inputs (`manifest`) are exactly those of the checked-out
    /// commit (no change, no new file git would see): then building the working tree builds
    /// that commit. Files the build does not read do not count: the output itself (`public/`,
    /// which CI may restore from a cache), an editor's backup, a file of one's own.
    pub fn is_clean(&self, manifest: &super::Manifest) -> bool {
        self.changed()
            .is_some_and(|changed| changed.iter().all(|rel| !manifest.reads(rel)))
    }

    /// The commit `rev` names (an annotated tag peeled to its commit).
    pub fn commit(&self, rev: &str) -> Result<String, String> {
        let out = git(
            &self.top,
            &[
                "rev-parse",
                "--verify",
                "--end-of-options",
                &format!("{rev}^{{commit}}"),
            ],
        )?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    /// A commit's date: what `as_of` defaults to for a revision (SPEC §14).
    pub fn commit_date(&self, commit: &str) -> Result<Option<Date>, String> {
        let out = git(
            &self.top,
            &["show", "-s", "--format=%ct", "--end-of-options", commit],
        )?;
        Ok(String::from_utf8_lossy(&out)
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(Date::from_unix_seconds))
    }

    /// The files of the portfolio at `commit` that loading reads (see [`Tree::wanted`]),
    /// relative to the portfolio folder, read into memory.
    pub fn read(&self, commit: &str) -> Result<BTreeMap<String, Vec<u8>>, String> {
        let tree = Tree::list(self, commit)?;
        let config = match tree.config_oid() {
            Some(oid) => cat_files(&self.top, std::iter::once(oid))?
                .into_iter()
                .next(),
            None => None,
        };
        let wanted = tree.wanted(config.as_deref())?;
        let contents = cat_files(&self.top, wanted.iter().map(|(oid, _)| oid.as_str()))?;
        Ok(wanted
            .into_iter()
            .map(|(_, rel)| rel)
            .zip(contents)
            .collect())
    }

    /// The tags matching `pattern` (a glob under `refs/tags/`), oldest commit first; ties by
    /// name, so the order never depends on git's listing order.
    pub fn tags(&self, pattern: &str) -> Result<Vec<Tag>, String> {
        // objecttype is `tag` for an annotated tag (then `*…` are its commit's), else `commit`.
        let format = "%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(committerdate:unix)%00%(*objecttype)%00%(*objectname)%00%(*committerdate:unix)";
        let out = git(
            &self.top,
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
        Ok(tags)
    }
}

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
        format!("{} ({})", self.name, short(&self.commit))
    }
}

/// The first ten characters of a commit id, as the site names commits.
pub fn short(commit: &str) -> String {
    commit.chars().take(10).collect()
}

/// The plain files of a revision's portfolio folder, from one `git ls-tree`, checked: split
/// from [`Repository::read`] so that `--reviews` can list its revisions in parallel and read
/// all their configurations with one `git cat-file`, then all their files with one more.
pub struct Tree {
    commit: String,
    /// (relative path, object id, size).
    blobs: Vec<(String, String, u64)>,
}

impl Tree {
    pub fn list(repo: &Repository, commit: &str) -> Result<Tree, String> {
        let prefix = repo.prefix.as_str();
        // An empty prefix (the portfolio is the repository's root) is not a valid pathspec.
        let pathspec = if prefix.is_empty() { "." } else { prefix };
        let listing = git(
            &repo.top,
            &["ls-tree", "-r", "-z", "--long", commit, "--", pathspec],
        )?;
        let mut blobs: Vec<(String, String, u64)> = Vec::new();
        for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            let mut meta = meta.split_whitespace();
            let (mode, kind, oid, size) = (meta.next(), meta.next(), meta.next(), meta.next());
            let rel = path.strip_prefix(prefix).unwrap_or(path);
            if !is_plain_relative(rel) {
                return Err(format!(
                    "the revision {commit} holds a path that is not a plain relative path (`{path}`); refusing it as a baseline"
                ));
            }
            // Never the old site's links or submodules.
            if kind != Some("blob") || !matches!(mode, Some("100644" | "100755")) {
                continue;
            }
            let size: u64 = size.and_then(|s| s.parse().ok()).unwrap_or(u64::MAX);
            if let Some(oid) = oid {
                blobs.push((rel.to_string(), oid.to_string(), size));
            }
        }
        Ok(Tree {
            commit: commit.to_string(),
            blobs,
        })
    }

    /// The object holding the revision's kamsite.yaml, if it has one.
    pub fn config_oid(&self) -> Option<&str> {
        self.blobs
            .iter()
            .find(|(rel, _, _)| rel == CONFIG_FILE)
            .map(|(_, oid, _)| oid.as_str())
    }

    /// The (object id, relative path) of what loading reads: kamsite.yaml, accounts/, and the
    /// sources that `config` (the revision's kamsite.yaml) names, so a revision's figures are
    /// its own. Templates and static files come from the current portfolio, never from a
    /// revision (a tag's own templates could not link to reviews made after it).
    pub fn wanted(&self, config: Option<&[u8]>) -> Result<Vec<(String, String)>, String> {
        let config = config.map(String::from_utf8_lossy);
        let manifest = Manifest::from_config_text(config.as_deref());
        let mut picked = Vec::new();
        let wanted = |rel: &str| {
            rel == CONFIG_FILE
                || rel.starts_with("accounts/")
                || manifest.sources().iter().any(|s| s == rel)
        };
        for (rel, oid, size) in self.blobs.iter().filter(|(rel, _, _)| wanted(rel)) {
            if *size > MAX_FILE_BYTES {
                return Err(format!(
                    "{rel} at {} is larger than the {} MB limit for one file",
                    self.commit,
                    MAX_FILE_BYTES / (1024 * 1024)
                ));
            }
            picked.push((oid.clone(), rel.clone()));
        }
        Ok(picked)
    }
}

/// `a/b.md`: every part a plain name. Not `../x`, `a/./b`, `a//b`, `/etc`.
fn is_plain_relative(rel: &str) -> bool {
    !rel.is_empty()
        && rel
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains('\\'))
}

/// The contents of each object, in order, from one `git cat-file --batch` process. The object
/// ids are written from a thread so that neither side can block on a full pipe.
pub fn cat_files<'a>(
    top: &Path,
    oids: impl Iterator<Item = &'a str>,
) -> Result<Vec<Vec<u8>>, String> {
    let input: String = oids.map(|o| format!("{o}\n")).collect();
    let count = input.lines().count();
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("cannot talk to git cat-file")?;
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let stdout = child.stdout.take().ok_or("cannot read from git cat-file")?;
    let mut out = std::io::BufReader::new(stdout);
    let mut contents = Vec::with_capacity(count);
    let bad = |what: &str| format!("git cat-file gave {what}");
    for _ in 0..count {
        let mut header = String::new();
        out.read_line(&mut header).map_err(|e| e.to_string())?;
        // `<oid> blob <size>`, or `<oid> missing`.
        let size: u64 = match header.split_whitespace().collect::<Vec<_>>()[..] {
            [_, "blob", size] => size.parse().map_err(|_| bad("an unreadable size"))?,
            _ => return Err(bad(&format!("`{}`", header.trim()))),
        };
        if size > MAX_FILE_BYTES {
            return Err(bad("a file above the size limit"));
        }
        let mut bytes = Vec::with_capacity(size as usize);
        (&mut out)
            .take(size)
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        let mut newline = [0u8; 1];
        out.read_exact(&mut newline).map_err(|e| e.to_string())?;
        if bytes.len() as u64 != size {
            return Err(bad("a short file"));
        }
        contents.push(bytes);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(contents)
}

#[cfg(test)]
mod tests {
    use super::is_plain_relative;

    #[test]
    fn only_plain_relative_paths_from_a_tree() {
        assert!(is_plain_relative("accounts/acme.md"));
        for bad in [
            "",
            "../x",
            "accounts/../../x",
            "a/./b",
            "a//b",
            "/etc/passwd",
            "a/",
        ] {
            assert!(!is_plain_relative(bad), "{bad}");
        }
    }
}
