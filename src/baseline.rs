//! A baseline to compare against (`build --baseline`): a previous `portfolio.json` (SPEC §11),
//! or a git revision of the repository holding the portfolio. A revision is read into memory
//! (one `git ls-tree`, one `git cat-file --batch`; nothing from its tree is ever written to
//! disk), then opened and analysed through the same pipeline as the current portfolio
//! (`project`), with the revision's own `as_of`, else its commit date.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use serde::Deserialize;

use crate::model::Date;

/// What the changes page and the matrix arrows need of the baseline.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    /// How to name it on the site: the revision, or the file name.
    pub label: String,
    pub period: Option<String>,
    pub accounts: BTreeMap<String, Before>,
    /// (account id or "" for the portfolio, rule id) of every finding.
    pub findings: Vec<(String, String)>,
}

/// One account as it was.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Before {
    pub name: String,
    pub designation: String,
    pub quadrant: Option<String>,
    pub scores: Scores,
    pub metrics: Metrics,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Scores {
    pub attractiveness: Option<f64>,
    pub strength: Option<f64>,
    pub health: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Metrics {
    #[serde(default)]
    pub revenue: Option<f64>,
    pub revenue_ttm: Option<f64>,
}

#[derive(Deserialize)]
struct Document {
    schema: String,
    period: Option<String>,
    accounts: Vec<Account>,
    findings: Vec<FindingRow>,
}

#[derive(Deserialize)]
struct Account {
    id: String,
    #[serde(flatten)]
    before: Before,
}

#[derive(Deserialize)]
struct FindingRow {
    rule: String,
    account: Option<String>,
}

/// Reads a §11 export document.
pub fn from_json(text: &str, label: &str) -> Result<Baseline, String> {
    let doc: Document = serde_json::from_str(text)
        .map_err(|e| format!("{label} is not a kamsite portfolio.json: {e}"))?;
    if doc.schema != crate::export::SCHEMA {
        return Err(format!(
            "{label} has schema `{}`, expected `{}`",
            doc.schema,
            crate::export::SCHEMA
        ));
    }
    Ok(Baseline {
        label: label.to_string(),
        period: doc.period,
        accounts: doc.accounts.into_iter().map(|a| (a.id, a.before)).collect(),
        findings: doc
            .findings
            .into_iter()
            .map(|f| (f.account.unwrap_or_default(), f.rule))
            .collect(),
    })
}

/// `arg` names a file: read it as a portfolio.json; otherwise it is a git revision of the
/// repository that holds `portfolio`.
pub fn resolve(arg: &str, portfolio: &Path) -> Result<Baseline, String> {
    let file = Path::new(arg);
    if file.is_file() {
        let text = crate::load::read_file(file)
            .and_then(|b| String::from_utf8(b).map_err(std::io::Error::other))
            .map_err(|e| format!("cannot read {arg}: {e}"))?;
        // Named by its file name: a published page should not show a local folder.
        let label = file
            .file_name()
            .map_or_else(|| arg.to_string(), |n| n.to_string_lossy().into_owned());
        return from_json(&text, &label);
    }
    from_git(arg, portfolio)
}

pub(crate) fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

fn from_git(rev: &str, portfolio: &Path) -> Result<Baseline, String> {
    let not_rev = |e: String| {
        format!("--baseline `{rev}` is neither a file nor a git revision of the portfolio's repository ({e})")
    };
    let top = String::from_utf8_lossy(
        &git(portfolio, &["rev-parse", "--show-toplevel"]).map_err(not_rev)?,
    )
    .trim()
    .to_string();
    let prefix =
        String::from_utf8_lossy(&git(portfolio, &["rev-parse", "--show-prefix"]).map_err(not_rev)?)
            .trim()
            .to_string();
    // After --end-of-options a revision that looks like an option (`--output=…`) is a name.
    let commit = String::from_utf8_lossy(
        &git(
            portfolio,
            &[
                "rev-parse",
                "--verify",
                "--end-of-options",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map_err(not_rev)?,
    )
    .trim()
    .to_string();
    let files = read_revision(Path::new(&top), &commit, &prefix)?;
    let root = crate::load::Root::in_memory(portfolio, files);
    let committed = git(
        Path::new(&top),
        &["show", "-s", "--format=%ct", "--end-of-options", &commit],
    )?;
    let short: String = commit.chars().take(10).collect();
    analysed(root, &format!("{rev} ({short})"), commit_date(&committed))
}

/// A revision's date: its commit time (what `as_of` defaults to for a revision, SPEC §14).
pub(crate) fn commit_date(out: &[u8]) -> Option<Date> {
    String::from_utf8_lossy(out)
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(Date::from_unix_seconds)
}

/// Opens and analyses the portfolio at `root` through the one pipeline, with its own
/// kamsite.yaml `as_of`, else `as_of`, and reduces it to what a comparison needs.
fn analysed(root: crate::load::Root, label: &str, as_of: Option<Date>) -> Result<Baseline, String> {
    let when = crate::project::When {
        commit_date: as_of,
        ..Default::default()
    };
    let project = match crate::project::Project::open_root(root, when, None) {
        Ok(p) => p,
        Err(crate::project::Error::Invalid { diagnostics, .. }) => {
            let problems = diagnostics.iter().filter(|d| d.is_error()).count();
            return Err(format!("the portfolio at `{label}` has {problems} error(s); check it out and run `kamsite check` to see them"));
        }
        Err(e) => return Err(e.to_string()),
    };
    Ok(Baseline::from_analysis(&project.analyse(None), label))
}

impl Baseline {
    /// What a comparison needs of an analysis, without a detour through JSON text.
    pub fn from_analysis(analysis: &crate::analyse::Analysis<'_>, label: &str) -> Baseline {
        Baseline {
            label: label.to_string(),
            period: analysis.period.map(|p| p.to_string()),
            accounts: analysis
                .accounts
                .iter()
                .map(|a| {
                    let before = Before {
                        name: a.account.front.name.clone(),
                        designation: a.account.front.designation.as_str().to_string(),
                        quadrant: a.quadrant.map(|q| q.as_str().to_string()),
                        scores: Scores {
                            attractiveness: a.attractiveness.value,
                            strength: a.strength.value,
                            health: a.health.value,
                        },
                        metrics: Metrics {
                            revenue: a.metrics.revenue,
                            revenue_ttm: a.metrics.revenue_ttm,
                        },
                    };
                    (a.account.id.clone(), before)
                })
                .collect(),
            findings: analysis
                .findings
                .iter()
                .map(|f| (f.account.clone().unwrap_or_default(), f.rule.to_string()))
                .collect(),
        }
    }
}

/// The files of the portfolio at `commit` that loading reads (kamsite.yaml, `accounts/` and
/// the CSV sources its kamsite.yaml names), relative to the portfolio folder (`prefix` inside
/// the repository), read into memory with `git ls-tree` and `git cat-file --batch`. Paths from
/// the tree are accepted only as plain relative names (no `..`, `.`, empty or absolute parts),
/// links and submodules are skipped, and every file is held to the size limit of one file.
pub(crate) fn read_revision(
    top: &Path,
    commit: &str,
    prefix: &str,
) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let wanted = list_revision(top, commit, prefix)?;
    let contents = cat_files(top, wanted.iter().map(|(oid, _)| oid.as_str()))?;
    Ok(wanted
        .into_iter()
        .map(|(_, rel)| rel)
        .zip(contents)
        .collect())
}

/// The (object id, relative path) of every file [`read_revision`] reads at `commit`. Costs
/// one `git ls-tree` and one small `git cat-file` (for kamsite.yaml, to learn its sources).
pub(crate) fn list_revision(
    top: &Path,
    commit: &str,
    prefix: &str,
) -> Result<Vec<(String, String)>, String> {
    let tree = Tree::list(top, commit, prefix)?;
    let config = match tree.config_oid() {
        Some(oid) => cat_files(top, std::iter::once(oid))?.into_iter().next(),
        None => None,
    };
    tree.wanted(config.as_deref())
}

/// The plain files of a revision's portfolio folder, from one `git ls-tree`, checked: split
/// from [`list_revision`] so that `--reviews` can list its revisions in parallel and read all
/// their configurations with one `git cat-file`, then all their files with one more.
pub(crate) struct Tree {
    commit: String,
    /// (relative path, object id, size).
    blobs: Vec<(String, String, u64)>,
}

impl Tree {
    pub(crate) fn list(top: &Path, commit: &str, prefix: &str) -> Result<Tree, String> {
        // An empty prefix (the portfolio is the repository's root) is not a valid pathspec.
        let pathspec = if prefix.is_empty() { "." } else { prefix };
        let listing = git(
            top,
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
                    "the revision {commit} holds a path that is not a plain relative path (`{}`); refusing it as a baseline",
                    crate::cli::terminal_text(path)
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
    pub(crate) fn config_oid(&self) -> Option<&str> {
        self.blobs
            .iter()
            .find(|(rel, _, _)| rel == crate::load::CONFIG_FILE)
            .map(|(_, oid, _)| oid.as_str())
    }

    /// Only what loading reads: kamsite.yaml, accounts/, and the CSV sources that `config`
    /// (the revision's kamsite.yaml) names, so a revision's figures are its own.
    pub(crate) fn wanted(&self, config: Option<&[u8]>) -> Result<Vec<(String, String)>, String> {
        let config = config.map(String::from_utf8_lossy);
        let manifest = crate::load::Manifest::from_config_text(config.as_deref());
        // Templates and static files come from the current portfolio, never from a revision.
        pick(&self.commit, &self.blobs, |rel| {
            rel == crate::load::CONFIG_FILE
                || rel.starts_with("accounts/")
                || manifest.sources().iter().any(|s| s == rel)
        })
    }
}

/// The (object id, relative path) of the `blobs` whose path is `wanted`, refusing any larger
/// than one file may be.
fn pick(
    commit: &str,
    blobs: &[(String, String, u64)],
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<(String, String)>, String> {
    let mut picked = Vec::new();
    for (rel, oid, size) in blobs.iter().filter(|(rel, _, _)| wanted(rel)) {
        if *size > crate::load::MAX_FILE_BYTES {
            return Err(format!(
                "{rel} at {commit} is larger than the {} MB limit for one file",
                crate::load::MAX_FILE_BYTES / (1024 * 1024)
            ));
        }
        picked.push((oid.clone(), rel.clone()));
    }
    Ok(picked)
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
pub(crate) fn cat_files<'a>(
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
        if size > crate::load::MAX_FILE_BYTES {
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
