//! Stage 1: read a portfolio folder into the model.
//!
//! Walks `accounts/` in path order, splits each file into front matter and body, and decodes the
//! YAML. Files are read and decoded in parallel; problems become diagnostics and the good files
//! still load, so one run reports everything.

mod fast_yaml;
mod frontmatter;
pub mod git;
pub mod history;
pub mod manifest;
pub mod positions;
pub mod schema;
pub mod sources;
mod tree;
mod walk;
mod yaml;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::{Account, Config, FrontMatter, Portfolio};
pub use frontmatter::{split, Split, SplitError};
pub use manifest::Manifest;
pub use yaml::Rejected;

/// The configuration file's name in the portfolio folder.
pub const CONFIG_FILE: &str = "kamsite.yaml";
/// The optional executive summary.
pub const OVERVIEW_FILE: &str = "overview.md";
/// The largest file kamsite reads (an account, kamsite.yaml, overview.md, a template, a file
/// in static/): far above any real plan, small enough that a hostile or mistaken file (a link
/// to /dev/zero, a dump) cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// What loading produced: the portfolio (without the files that failed) and every problem.
#[derive(Debug)]
pub struct Loaded {
    pub portfolio: Portfolio,
    pub diagnostics: Vec<Diagnostic>,
    /// Whether kamsite.yaml decoded; when it did not, checks that depend on it are skipped to
    /// avoid a cascade of follow-on errors.
    pub config_ok: bool,
    /// Files read (accounts, configuration, overview, sources), for the summary line.
    pub files: usize,
    /// Of those, the account files, valid or not.
    pub account_files: usize,
    /// What could be read of a kamsite.yaml that was rejected: validation still checks it, so
    /// all of its problems show in one run. Never used for analysis.
    pub rejected_config: Option<Config>,
    /// The top-level keys of a rejected kamsite.yaml whose values are wrong.
    pub config_damaged: std::collections::BTreeSet<String>,
    /// The same for rejected account files.
    pub rejected_accounts: Vec<Account>,
}

/// Where a portfolio lives, and how to name its files in messages.
#[derive(Clone, Debug)]
pub struct Root {
    pub dir: PathBuf,
    /// The portfolio's files held in memory (relative `/` path → bytes), for a git baseline:
    /// read from the repository without ever writing a path from its tree to disk. When set,
    /// loading reads only these; `dir` only names files in messages.
    pub memory: Option<Arc<BTreeMap<String, Vec<u8>>>>,
}

impl Root {
    pub fn new(dir: impl Into<PathBuf>) -> Root {
        Root {
            dir: dir.into(),
            memory: None,
        }
    }

    /// A portfolio read into memory; `label` names it in messages.
    pub fn in_memory(label: impl Into<PathBuf>, files: BTreeMap<String, Vec<u8>>) -> Root {
        Root {
            dir: label.into(),
            memory: Some(Arc::new(files)),
        }
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
    load_with(root, None)
}

/// Parsed account files by path, with the bytes they were parsed from. A preview keeps one
/// across rebuilds, so a save re-parses one file, not all of them — and re-reads only the
/// files whose metadata changed (at 10,000 accounts, reading every file again was a third of
/// a rebuild).
#[derive(Debug, Default)]
pub struct ParseCache {
    files: std::sync::Mutex<std::collections::HashMap<String, Parsed>>,
    /// The last merge of the CSV sources and workbooks, and what it read.
    merged: std::sync::Mutex<Option<sources::memo::Memo>>,
}

/// A file's bytes, its metadata when read, and what parsing them gave.
#[derive(Debug)]
struct Parsed {
    bytes: Vec<u8>,
    stamp: Option<Stamp>,
    result: Result<Account, Rejected<Account>>,
}

/// What changes whenever a file's content may have: its identity, size and change times. The
/// status change time (ctime) cannot be set back by a program, unlike the modification time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    /// When the file was read: a change within the file system's time resolution of this
    /// moment could leave the stamp unchanged ("racy" files, as git calls them).
    read_at: (i64, i64),
}

impl Stamp {
    pub(crate) fn of(meta: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Stamp {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.len(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
            read_at: (now.as_secs() as i64, i64::from(now.subsec_nanos())),
        }
    }

    /// Whether `now` (the file's metadata today) shows the same file as `self` (when it was
    /// read), beyond doubt: same identity, size and times, and last changed at least two
    /// seconds before it was read, so that a later change could not have kept the times.
    fn unchanged(&self, now: &Stamp) -> bool {
        (self.dev, self.ino, self.len, self.mtime, self.ctime)
            == (now.dev, now.ino, now.len, now.mtime, now.ctime)
            && self.ctime.0.saturating_add(2) <= self.read_at.0
            && self.mtime.0.saturating_add(2) <= self.read_at.0
    }
}

impl ParseCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Parsed>> {
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The earlier result for `rel` when its metadata `now` shows it unchanged since it was
    /// read (see [`Stamp::unchanged`]).
    fn unchanged(&self, rel: &str, now: &Stamp) -> Option<Result<Account, Rejected<Account>>> {
        let files = self.lock();
        let seen = files.get(rel)?;
        seen.stamp
            .is_some_and(|s| s.unchanged(now))
            .then(|| seen.result.clone())
    }

    /// `parse(bytes)`, or the earlier result for identical bytes at `rel`.
    fn get_or_parse(
        &self,
        rel: &str,
        bytes: Vec<u8>,
        stamp: Option<Stamp>,
        parse: impl FnOnce(Vec<u8>) -> Result<Account, Rejected<Account>>,
    ) -> Result<Account, Rejected<Account>> {
        if let Some(seen) = self.lock().get_mut(rel) {
            if seen.bytes == bytes {
                seen.stamp = stamp;
                return seen.result.clone();
            }
        }
        let result = parse(bytes.clone());
        self.lock().insert(
            rel.to_string(),
            Parsed {
                bytes,
                stamp,
                result: result.clone(),
            },
        );
        result
    }

    /// Forgets files that are gone, so the cache holds only the portfolio's current files.
    fn retain(&self, paths: &[String]) {
        let keep: std::collections::HashSet<&str> = paths.iter().map(String::as_str).collect();
        self.lock().retain(|k, _| keep.contains(k.as_str()));
    }
}

/// [`load`], with parsed files reused from `cache` where their bytes did not change.
pub fn load_with(root: &Root, cache: Option<&ParseCache>) -> Loaded {
    let mut diagnostics = Vec::new();
    let mut files = 0;
    if root.memory.is_none() && !root.dir.is_dir() {
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
            account_files: 0,
            rejected_config: None,
            config_damaged: Default::default(),
            rejected_accounts: Vec::new(),
        };
    }

    let mut rejected_config = None;
    let mut config_damaged = std::collections::BTreeSet::new();
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
                    config_damaged = r.damaged;
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

    let mut t = crate::timings::Timings::start();
    let (paths, stamps, walk_problems) = account_paths(root);
    t.mark("load: walk");
    diagnostics.extend(walk_problems);
    files += paths.len();
    let results: Vec<Result<Account, Rejected<Account>>> = paths
        .par_iter()
        .zip(stamps)
        .map(|(rel, stamp)| load_account(root, rel, stamp, cache))
        .collect();
    if let Some(c) = cache {
        c.retain(&paths);
    }
    t.mark("load: account files");
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

    // Rows of CSV sources join the accounts as if written in their front matter (SPEC §13).
    // A kamsite.yaml with a problem still names its sources, so their problems show in the
    // same run (SPEC §19); without a readable kamsite.yaml there are no sources to read.
    let sources_from = if config_ok {
        Some(&config)
    } else {
        rejected_config
            .as_ref()
            .filter(|_| !config_damaged.contains("sources"))
    };
    if let Some(sources_from) = sources_from {
        let (problems, read) = match cache {
            Some(c) => sources::memo::merge(
                root,
                sources_from,
                &mut accounts,
                &rejected_accounts,
                &c.merged,
            ),
            None => sources::merge(root, sources_from, &mut accounts, &rejected_accounts),
        };
        t.mark("load: sources");
        diagnostics.extend(problems);
        files += read;
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
        account_files: paths.len(),
        rejected_config,
        config_damaged,
        rejected_accounts,
    }
}

impl Loaded {
    /// kamsite.yaml as far as it could be read: the configuration, or what could be read of
    /// a rejected one. `None` when it could not be read at all. Checks of the account files
    /// that need it (owners, criteria, offerings) use this, so one wrong line in kamsite.yaml
    /// does not hide the account files' problems (SPEC §19).
    pub fn config_read(&self) -> Option<&Config> {
        if self.config_ok {
            Some(&self.portfolio.config)
        } else {
            self.rejected_config.as_ref()
        }
    }

    /// Whether the account files can be checked against `key` of kamsite.yaml (`managers`,
    /// `scoring`, `offerings`): it was read, and nothing under it is wrong (a manager entry
    /// of the wrong shape would make every account of that manager look unlisted).
    pub fn config_trusted(&self, key: &str) -> bool {
        self.config_read().is_some() && !self.config_damaged.contains(key)
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

/// Every `*.md` under `accounts/`, relative to the root with `/` separators, in path order,
/// with each file's stamp as the walk saw it (the preview's cache compares it, so a file is
/// not looked at twice). Anything else that is not skipped is reported, never silently
/// ignored.
fn account_paths(root: &Root) -> (Vec<String>, Vec<Option<Stamp>>, Vec<Diagnostic>) {
    if let Some(files) = &root.memory {
        let (paths, problems) = memory_account_paths(root, files);
        let stamps = vec![None; paths.len()];
        return (paths, stamps, problems);
    }
    let dir = root.dir.join("accounts");
    let mut problems = Vec::new();
    let top = canonical_root(root);
    if let Err(d) = inside(root, &top, "accounts") {
        problems.push(d);
        return (Vec::new(), Vec::new(), problems);
    }
    if !dir.is_dir() {
        problems.push(Diagnostic::error(
            root.display("accounts"),
            "no `accounts/` folder: a portfolio keeps one Markdown file per account in `accounts/`",
        ));
        return (Vec::new(), Vec::new(), problems);
    }
    let mut paths = Vec::new();
    let mut stamps = Vec::new();
    // (device, inode) → the first path of each file, whether it is a link, and its index in
    // `paths`: a link to another account file (or a hard link) would count the account twice
    // (SPEC §15). The link is the one reported, never the file it points at.
    let mut seen: std::collections::HashMap<(u64, u64), (String, bool, usize)> =
        std::collections::HashMap::new();
    // What the walk met, in its order: problems as they come, and each account file, looked
    // up afterwards (below).
    enum Met {
        Problem(Diagnostic),
        File(walkdir::DirEntry, String),
    }
    let mut met = Vec::new();
    let mut walker = walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_skipped(e.file_name()));
    while let Some(entry) = walker.next() {
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
                met.push(Met::Problem(Diagnostic::error(root.display(&at), why)));
                continue;
            }
        };
        let rel = relative(root, entry.path());
        // Only links are checked: without one, everything under accounts/ is inside.
        if entry.path_is_symlink() {
            if let Err(d) = inside(root, &top, &rel) {
                met.push(Met::Problem(d));
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
        }
        if entry.file_type().is_dir() {
            continue;
        }
        if entry.path().extension().is_some_and(|x| x == "md") {
            met.push(Met::File(entry, rel));
        } else {
            met.push(Met::Problem(Diagnostic::warning(
                root.display(&rel),
                "not an account file: only `*.md` files under `accounts/` are read \
                 (prefix the name with `_` to keep it here without this warning)",
            )));
        }
    }
    // Each file's stamp on both cores: a lookup by path is kernel time that one thread spent
    // alone (a third of the walk, at 10,000 files, which every save in the preview repeats).
    // The stamp is taken right after its file's lookup: it says when the file was read, and
    // a later time would trust a file saved just before the lookup.
    let looked_up: Vec<(Met, Option<Stamp>)> = met
        .into_par_iter()
        .map(|m| {
            let stamp = match &m {
                Met::File(entry, _) => entry.metadata().ok().map(|meta| Stamp::of(&meta)),
                Met::Problem(_) => None,
            };
            (m, stamp)
        })
        .collect();
    for (m, stamp) in looked_up {
        let (entry, rel) = match m {
            Met::Problem(d) => {
                problems.push(d);
                continue;
            }
            Met::File(entry, rel) => (entry, rel),
        };
        if let Some(stamp) = stamp {
            let link = entry.path_is_symlink();
            let key = (stamp.dev, stamp.ino);
            if let Some((first, first_link, at)) = seen.get(&key).cloned() {
                // Blame the link: when the first path seen was the link, the real file
                // takes its place.
                let (blamed, real) = if first_link && !link {
                    paths[at] = rel.clone();
                    stamps[at] = Some(stamp);
                    seen.insert(key, (rel.clone(), false, at));
                    (first, rel)
                } else {
                    (rel, first)
                };
                problems.push(
                    Diagnostic::error(
                        root.display(&blamed),
                        format!(
                            "this is the same file as {} (a link to it): the account would count twice",
                            root.display(&real)
                        ),
                    )
                    .with_help(Some(
                        "remove the link; each account has one file under accounts/".into(),
                    ))
                    .with_kind("duplicate"),
                );
                continue;
            }
            seen.insert(key, (rel.clone(), link, paths.len()));
        }
        stamps.push(stamp);
        paths.push(rel);
    }
    (paths, stamps, problems)
}

/// `account_paths` for a portfolio held in memory: the same order, skips and warnings.
fn memory_account_paths(
    root: &Root,
    files: &BTreeMap<String, Vec<u8>>,
) -> (Vec<String>, Vec<Diagnostic>) {
    let mut paths = Vec::new();
    let mut problems = Vec::new();
    let under = files.keys().filter_map(|k| k.strip_prefix("accounts/"));
    let mut any = false;
    for rest in under {
        any = true;
        if rest.split('/').any(|c| is_skipped(std::ffi::OsStr::new(c))) {
            continue;
        }
        let rel = format!("accounts/{rest}");
        if rest.ends_with(".md") {
            paths.push(rel);
        } else {
            problems.push(Diagnostic::warning(
                root.display(&rel),
                "not an account file: only `*.md` files under `accounts/` are read",
            ));
        }
    }
    if !any {
        problems.push(Diagnostic::error(
            root.display("accounts"),
            "no `accounts/` folder: a portfolio keeps one Markdown file per account in `accounts/`",
        ));
    }
    (paths, problems)
}

/// The portfolio folder with every link resolved: what "inside the portfolio" is measured
/// against.
fn canonical_root(root: &Root) -> PathBuf {
    root.dir.canonicalize().unwrap_or_else(|_| root.dir.clone())
}

/// Refuses `rel` if it is a symbolic link (or under one) whose target lies outside the
/// portfolio folder `top` (canonical), or a link to nothing. A portfolio is what a clone of
/// its repository holds; a link out of it would publish or print someone's system files
/// (/etc/passwd, /proc/self/environ) and would not survive a clone anyway.
fn inside(root: &Root, top: &Path, rel: &str) -> Result<(), Diagnostic> {
    let path = root.dir.join(rel);
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return Ok(()); // missing: the caller says so in its own words
    };
    let target = match path.canonicalize() {
        Ok(t) => t,
        Err(e) if meta.file_type().is_symlink() && e.kind() == std::io::ErrorKind::NotFound => {
            let to = std::fs::read_link(&path).unwrap_or_default();
            return Err(Diagnostic::error(
                root.display(rel),
                format!(
                    "this is a symbolic link to {}, which does not exist",
                    to.display()
                ),
            )
            .with_help(Some(
                "remove the link, or point it at a file inside the portfolio".into(),
            )));
        }
        Err(_) => return Ok(()), // unreadable: reading it reports why
    };
    let Ok(inner) = target.strip_prefix(top) else {
        return Err(Diagnostic::error(
            root.display(rel),
            "this is a symbolic link to a file or folder outside the portfolio; kamsite reads only files inside the portfolio folder",
        )
        .with_help(Some(
            "copy the file into the portfolio instead of linking to it".into(),
        )));
    };
    // A link that leads into a hidden file or folder (`static/x -> ../.git/config`) would
    // publish or print what `.git/` and `.env` hold; a hidden path written as such
    // (`static/.nojekyll`) is the user's own choice.
    let inner = slash_path(inner);
    if target != top.join(rel) && manifest::hidden(&inner) {
        return Err(Diagnostic::error(
            root.display(rel),
            format!(
                "this is a symbolic link to `{inner}`, a hidden file or folder kamsite never reads"
            ),
        )
        .with_help(Some(
            "remove the link: hidden files (`.git/`, `.env`) are never part of a site".into(),
        )));
    }
    Ok(())
}

/// Reads a file kamsite was asked to read, refusing what would hang or exhaust memory: only a
/// regular file (a FIFO would block forever, a device never ends) of at most
/// [`MAX_FILE_BYTES`]. The file is opened without blocking and checked on the open handle, so
/// it cannot be swapped for a FIFO between the check and the read. `NotFound` is passed
/// through unchanged.
pub fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    let refuse = |msg: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, msg);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(refuse(format!(
            "not a regular file ({}); kamsite reads only regular files",
            file_kind(&meta)
        )));
    }
    let too_big = || {
        refuse(format!(
            "the file is larger than the {} MB limit for one file",
            MAX_FILE_BYTES / (1024 * 1024)
        ))
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    Ok(bytes)
}

/// What a file is, in the user's words (for messages refusing the wrong kind of file).
pub fn file_kind(m: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_dir() {
        "a folder"
    } else if t.is_file() {
        "a file"
    } else {
        "not a regular file"
    }
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

/// Every file under the portfolio's folder `sub` (following links that stay inside the
/// portfolio), in path order, as (relative `/` name, path). Used for `templates/` and
/// `static/`; missing folder: no files. A link out of the portfolio, a file that is not a
/// regular file, or a folder that cannot be read is an error naming it.
pub fn files_under(root: &Root, sub: &str) -> Result<Vec<(String, PathBuf)>, Diagnostic> {
    let dir = root.dir.join(sub);
    if std::fs::symlink_metadata(&dir).is_err() {
        return Ok(Vec::new());
    }
    let top = canonical_root(root);
    inside(root, &top, sub)?;
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            let at = e
                .path()
                .map_or_else(|| sub.to_string(), |p| relative(root, p));
            Diagnostic::error(root.display(&at), format!("cannot read: {e}"))
        })?;
        let rel = relative(root, entry.path());
        if entry.path_is_symlink() {
            inside(root, &top, &rel)?;
        }
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            return Err(Diagnostic::error(
                root.display(&rel),
                "not a regular file (a pipe, socket or device); kamsite reads only regular files",
            ));
        }
        files.push((
            slash_path(entry.path().strip_prefix(&dir).unwrap_or(entry.path())),
            entry.into_path(),
        ));
    }
    Ok(files)
}

/// Reads `rel` as UTF-8 text without a BOM. `None` when the file does not exist (a link to
/// nothing is an error, not a missing file).
pub fn read_text(root: &Root, rel: &str) -> Option<Result<String, Diagnostic>> {
    let file = root.display(rel);
    read_bytes(root, rel).map(|r| r.and_then(|b| decode_utf8(b, &file)))
}

/// Reads `rel` as bytes (a workbook, a CSV file in its own encoding), with the checks of
/// [`read_text`]. `None` when the file does not exist.
pub fn read_bytes(root: &Root, rel: &str) -> Option<Result<Vec<u8>, Diagnostic>> {
    let file = root.display(rel);
    if let Some(files) = &root.memory {
        return files.get(rel).map(|b| Ok(b.clone()));
    }
    if let Err(d) = inside(root, &canonical_root(root), rel) {
        return Some(Err(d));
    }
    match read_file(&root.dir.join(rel)) {
        Ok(b) => Some(Ok(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => Some(Err(Diagnostic::error(
            file,
            format!("cannot read file: {e}"),
        ))),
    }
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

fn load_account(
    root: &Root,
    rel: &str,
    stamp: Option<Stamp>,
    cache: Option<&ParseCache>,
) -> Result<Account, Rejected<Account>> {
    // Named only when read (at 10,000 files a preview's rebuild reads one).
    let file = || root.display(rel);
    let parse = |bytes: Vec<u8>, stamp: Option<Stamp>| match cache {
        Some(c) => c.get_or_parse(rel, bytes, stamp, |b| parse_account(rel, &file(), b)),
        None => parse_account(rel, &file(), bytes),
    };
    // In memory (a git revision): the reviews of one build share a cache, since most files
    // are the same bytes at every tag.
    if let Some(files) = &root.memory {
        return parse(files.get(rel).cloned().unwrap_or_default(), None);
    }
    let path = root.dir.join(rel);
    // Unchanged since the preview read it: not read again.
    if let (Some(c), Some(now)) = (cache, &stamp) {
        if let Some(result) = c.unchanged(rel, now) {
            return result;
        }
    }
    match read_file(&path) {
        Ok(bytes) => parse(bytes, stamp),
        Err(e) => Err(Diagnostic::error(file(), format!("cannot read file: {e}")).into()),
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
            body: split.body.into(),
            body_line: split.body_line,
            origins: crate::model::Origins {
                financials: vec![crate::model::Origin::Account; front.financials.len()],
                opportunities: vec![crate::model::Origin::Account; front.opportunities.len()],
            },
            front: Arc::new(front),
        }
    };
    // Most front matter is in the simple form `fast_yaml` reads, which gives the very value
    // serde-saphyr would, several times faster; anything else goes to serde-saphyr.
    let decoded = match fast_yaml::from_str::<FrontMatter>(split.yaml) {
        Some(front) => Ok(front),
        None => yaml::decode::<FrontMatter>(split.yaml, 2, file, &text, &schema::FRONT_MATTER),
    };
    match decoded {
        Ok(mut front) => {
            front.spell_keys(split.yaml);
            Ok(account(front))
        }
        Err(r) => Err(Rejected {
            diagnostics: r.diagnostics,
            partial: r.partial.map(account),
            damaged: r.damaged,
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
