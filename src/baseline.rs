//! A baseline to compare against (`build --baseline`): a previous `portfolio.json` (SPEC §11),
//! or a git revision of the repository holding the portfolio. A revision is checked out into a
//! temporary folder, then opened and analysed through the same pipeline as the current
//! portfolio (`project`), with the revision's own `as_of`, else its commit date.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

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
        let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {arg}: {e}"))?;
        return from_json(&text, arg);
    }
    from_git(arg, portfolio)
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
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
    let commit = String::from_utf8_lossy(
        &git(
            portfolio,
            &["rev-parse", "--verify", &format!("{rev}^{{commit}}")],
        )
        .map_err(not_rev)?,
    )
    .trim()
    .to_string();
    let tmp = tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    // An empty prefix (the portfolio is the repository's root) is not a valid pathspec.
    let pathspec = if prefix.is_empty() {
        "."
    } else {
        prefix.as_str()
    };
    let listing = git(
        Path::new(&top),
        &[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            &commit,
            "--",
            pathspec,
        ],
    )
    .map_err(not_rev)?;
    for path in listing.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let path = String::from_utf8_lossy(path);
        let rel = path.strip_prefix(&prefix).unwrap_or(&path);
        // Only what loading reads; never the old site or anything else.
        if !(rel == crate::load::CONFIG_FILE || rel.starts_with("accounts/")) {
            continue;
        }
        let bytes = git(Path::new(&top), &["show", &format!("{commit}:{path}")])?;
        let dest = tmp.path().join(rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&dest, bytes).map_err(|e| e.to_string())?;
    }
    let committed = git(Path::new(&top), &["show", "-s", "--format=%ct", &commit])?;
    let short: String = commit.chars().take(10).collect();
    analysed(
        tmp.path(),
        &format!("{rev} ({short})"),
        commit_date(&committed),
    )
}

/// A revision's date: its commit time (what `as_of` defaults to for a revision, SPEC §14).
fn commit_date(out: &[u8]) -> Option<Date> {
    String::from_utf8_lossy(out)
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(Date::from_unix_seconds)
}

/// Opens and analyses the portfolio at `dir` through the one pipeline, with its own
/// kamsite.yaml `as_of`, else `as_of`, and reduces it to what a comparison needs.
fn analysed(dir: &Path, label: &str, as_of: Option<Date>) -> Result<Baseline, String> {
    let when = crate::project::When {
        period: None,
        as_of: None,
    };
    let mut project = match crate::project::Project::open(dir, when) {
        Ok(p) => p,
        Err(crate::project::Error::Invalid { diagnostics, .. }) => {
            let problems = diagnostics.iter().filter(|d| d.is_error()).count();
            return Err(format!("the portfolio at `{label}` has {problems} error(s); check it out and run `kamsite check` to see them"));
        }
        Err(e) => return Err(e.to_string()),
    };
    if project.portfolio.config.as_of.is_none() {
        if let Some(d) = as_of {
            project.as_of = d;
        }
    }
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
