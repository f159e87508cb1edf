//! Stage 1: read a portfolio folder into the model.
//!
//! Walks `accounts/` in path order, splits each file into front matter and body, and decodes the
//! YAML. Files are read and decoded in parallel; problems become diagnostics and the good files
//! still load, so one run reports everything.

mod frontmatter;
pub mod positions;
pub mod schema;
mod tree;
mod walk;
mod yaml;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::{Account, Config, FrontMatter, Portfolio};
pub use frontmatter::{split, Split, SplitError};
pub use yaml::Rejected;

/// The configuration file's name in the portfolio folder.
pub const CONFIG_FILE: &str = "kamsite.yaml";
/// The optional executive summary.
pub const OVERVIEW_FILE: &str = "overview.md";

/// What loading produced: the portfolio (without the files that failed) and every problem.
#[derive(Debug)]
pub struct Loaded {
    pub portfolio: Portfolio,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether kamsite.yaml decoded; when it did not, checks that depend on it are skipped to
    /// avoid a cascade of follow-on errors.
    pub config_ok: bool,
    /// Files read (accounts, configuration, overview), for the summary line.
    pub files: usize,
    /// What could be read of a kamsite.yaml that was rejected: validation still checks it, so
    /// all of its problems show in one run. Never used for analysis.
    pub rejected_config: Option<Config>,
    /// The same for rejected account files.
    pub rejected_accounts: Vec<Account>,
}

/// Where a portfolio lives, and how to name its files in messages.
#[derive(Clone, Debug)]
pub struct Root {
    pub dir: PathBuf,
}

impl Root {
    pub fn new(dir: impl Into<PathBuf>) -> Root {
        Root { dir: dir.into() }
    }

    /// `rel` as the user would type it from where kamsite was started.
    pub fn display(&self, rel: &str) -> String {
        let dir = self.dir.to_string_lossy();
        if dir == "." || dir.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", dir.trim_end_matches('/'))
        }
    }
}

pub fn load(root: &Root) -> Loaded {
    let mut diagnostics = Vec::new();
    let mut files = 0;
    if !root.dir.is_dir() {
        let why = if root.dir.exists() {
            "this is a file, not a portfolio folder (give the folder that holds kamsite.yaml and accounts/)"
        } else {
            "portfolio folder not found (run `kamsite init` to create one)"
        };
        diagnostics.push(Diagnostic::error(root.dir.to_string_lossy(), why));
        return Loaded {
            portfolio: empty_portfolio(Config::default()),
            diagnostics,
            config_ok: false,
            files,
            rejected_config: None,
            rejected_accounts: Vec::new(),
        };
    }

    let mut rejected_config = None;
    let (config, config_ok) = match read_text(root, CONFIG_FILE) {
        None => (Config::default(), true),
        Some(Err(d)) => {
            files += 1;
            diagnostics.push(d);
            (Config::default(), false)
        }
        Some(Ok(text)) => {
            files += 1;
            let file = root.display(CONFIG_FILE);
            match yaml::decode::<Option<Config>>(&text, 1, &file, &text, &schema::CONFIG) {
                Ok(c) => (c.unwrap_or_default(), true),
                Err(r) => {
                    diagnostics.extend(r.diagnostics);
                    rejected_config = r.partial.flatten();
                    (Config::default(), false)
                }
            }
        }
    };

    let overview = match read_text(root, OVERVIEW_FILE) {
        None => None,
        Some(Ok(text)) => {
            files += 1;
            Some(text)
        }
        Some(Err(d)) => {
            files += 1;
            diagnostics.push(d);
            None
        }
    };

    let (paths, walk_problems) = account_paths(root);
    diagnostics.extend(walk_problems);
    files += paths.len();
    let results: Vec<Result<Account, Rejected<Account>>> = paths
        .par_iter()
        .map(|rel| load_account(root, rel))
        .collect();
    let mut accounts = Vec::with_capacity(results.len());
    let mut rejected_accounts = Vec::new();
    for result in results {
        match result {
            Ok(account) => accounts.push(account),
            Err(r) => {
                diagnostics.extend(r.diagnostics);
                rejected_accounts.extend(r.partial);
            }
        }
    }

    Loaded {
        portfolio: Portfolio {
            config,
            accounts,
            overview,
        },
        diagnostics,
        config_ok,
        files,
        rejected_config,
        rejected_accounts,
    }
}

fn empty_portfolio(config: Config) -> Portfolio {
    Portfolio {
        config,
        accounts: Vec::new(),
        overview: None,
    }
}

/// Names starting with `_` or `.` are drafts or tooling files, skipped on purpose.
fn is_skipped(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('_') || name.starts_with('.')
}

/// Every `*.md` under `accounts/`, relative to the root with `/` separators, in path order.
/// Anything else that is not skipped is reported, never silently ignored.
fn account_paths(root: &Root) -> (Vec<String>, Vec<Diagnostic>) {
    let dir = root.dir.join("accounts");
    let mut problems = Vec::new();
    if !dir.is_dir() {
        problems.push(Diagnostic::error(
            root.display("accounts"),
            "no `accounts/` folder: a portfolio keeps one Markdown file per account in `accounts/`",
        ));
        return (Vec::new(), problems);
    }
    let mut paths = Vec::new();
    let walker = walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_skipped(e.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| "accounts".into());
                let why = if e.loop_ancestor().is_some() {
                    "symbolic link loop: this folder links back to one of its parents".to_string()
                } else {
                    format!(
                        "cannot read: {}",
                        e.io_error().map_or(e.to_string(), |io| io.to_string())
                    )
                };
                problems.push(Diagnostic::error(root.display(&at), why));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = relative(root, entry.path());
        if entry.path().extension().is_some_and(|x| x == "md") {
            paths.push(rel);
        } else {
            problems.push(Diagnostic::warning(
                root.display(&rel),
                "not an account file: only `*.md` files under `accounts/` are read \
                 (prefix the name with `_` to keep it here without this warning)",
            ));
        }
    }
    (paths, problems)
}

fn relative(root: &Root, path: &Path) -> String {
    slash_path(path.strip_prefix(&root.dir).unwrap_or(path))
}

/// A relative path with `/` separators, the same on every platform (used in messages and as
/// names of templates and output files).
pub fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every file under `dir` (following links), in path order, as (relative `/` name, path).
/// Used for a portfolio's `templates/` and `static/`; missing folder: no files.
pub fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                slash_path(e.path().strip_prefix(dir).unwrap_or(e.path())),
                e.into_path(),
            )
        })
        .collect()
}

/// Reads `rel` as UTF-8 text without a BOM. `None` when the file does not exist.
pub fn read_text(root: &Root, rel: &str) -> Option<Result<String, Diagnostic>> {
    let path = root.dir.join(rel);
    let file = root.display(rel);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            return Some(Err(Diagnostic::error(
                file,
                format!("cannot read file: {e}"),
            )))
        }
    };
    Some(decode_utf8(bytes, &file))
}

fn decode_utf8(bytes: Vec<u8>, file: &str) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            // Everything before the bad byte is valid UTF-8 by definition.
            let before = std::str::from_utf8(valid).unwrap_or("");
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            let shown = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Err(Diagnostic::error(file, "file is not valid UTF-8")
                .at(&shown, line, column, 1)
                .with_label("this byte is not UTF-8")
                .with_help(Some("save the file with UTF-8 encoding".into())))
        }
    }
}

fn load_account(root: &Root, rel: &str) -> Result<Account, Rejected<Account>> {
    let file = root.display(rel);
    match std::fs::read(root.dir.join(rel)) {
        Ok(bytes) => parse_account(rel, &file, bytes),
        Err(e) => Err(Diagnostic::error(file, format!("cannot read file: {e}")).into()),
    }
}

/// Parses one account file's bytes. `rel` gives the default id (the file stem), `file` is the
/// name used in diagnostics. Never panics, whatever the bytes. A rejected file comes with
/// every problem found in it, and what could be read of the rest.
pub fn parse_account(rel: &str, file: &str, bytes: Vec<u8>) -> Result<Account, Rejected<Account>> {
    let text = decode_utf8(bytes, file)?;
    let split = split(&text).map_err(|e| front_matter_problem(e, file, &text))?;
    let account = |front: FrontMatter| {
        let stem = rel
            .rsplit('/')
            .next()
            .unwrap_or(rel)
            .trim_end_matches(".md");
        Account {
            id: front.id.clone().unwrap_or_else(|| stem.to_string()),
            source: rel.to_string(),
            body: split.body.to_string(),
            body_line: split.body_line,
            front,
        }
    };
    match yaml::decode(split.yaml, 2, file, &text, &schema::FRONT_MATTER) {
        Ok(front) => Ok(account(front)),
        Err(r) => Err(Rejected {
            diagnostics: r.diagnostics,
            partial: r.partial.map(account),
        }),
    }
}

fn front_matter_problem(e: SplitError, file: &str, text: &str) -> Diagnostic {
    if text.trim().is_empty() {
        return Diagnostic::error(file, "empty file").with_help(Some(
            "an account file starts with YAML front matter between two `---` lines".into(),
        ));
    }
    match e {
        SplitError::Missing => Diagnostic::error(file, "missing front matter")
            .at(text, 1, 1, 1)
            .with_label("expected `---` on the first line")
            .with_help(Some(
                "start the file with `---`, the account's YAML (name, designation, …), then `---`"
                    .into(),
            )),
        SplitError::Unclosed => Diagnostic::error(file, "unclosed front matter")
            .at(text, 1, 1, 3)
            .with_label("this `---` is never closed")
            .with_help(Some("add a line `---` after the last YAML line".into())),
    }
}
