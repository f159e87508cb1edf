//! Stage 5: writing. Nothing appears half-written and nothing of the user's is ever deleted:
//!
//! - single files (exports) go to a temporary sibling and are renamed into place;
//! - a site is rendered into a staging folder beside the target and swapped in only when the
//!   whole build succeeded, so a failed build leaves the previous site byte-identical;
//! - folders kamsite creates carry a marker file, and a non-empty folder without it is refused;
//! - every path written is checked to stay inside the staging folder.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::load::Manifest;

/// The marker kamsite leaves in every site folder it creates.
pub const MARKER: &str = ".kamsite-output";

/// Why a path must not be written.
enum Protected {
    /// The portfolio, a folder holding it, or something a build reads (or `data/`).
    Input,
    /// A hidden file or folder, named: `.git`, `.github`, `.env`.
    Hidden(String),
}

/// Whether writing `t` (normalised, links resolved) could replace something of the portfolio
/// at `root` (the same): the portfolio itself or a folder holding it, anything the manifest
/// protects (what a build reads, `data/`, hidden files and folders), wherever a link puts it,
/// or anything under a `.git` folder anywhere.
fn protected(t: &Path, root: &Path, manifest: &Manifest) -> Option<Protected> {
    if let Some(git) = t.components().find(|c| c.as_os_str() == ".git") {
        return Some(Protected::Hidden(
            git.as_os_str().to_string_lossy().into_owned(),
        ));
    }
    if root.starts_with(t) {
        return Some(Protected::Input);
    }
    if let Ok(rel) = t.strip_prefix(root) {
        let rel = crate::load::slash_path(rel);
        if let Some(part) = crate::load::manifest::hidden_part(&rel) {
            return Some(Protected::Hidden(part.to_string()));
        }
        if manifest.protects(&rel) {
            return Some(Protected::Input);
        }
    }
    // An input reached through a link is protected where it really is.
    manifest
        .linked_inputs(root)
        .iter()
        .any(|real| t == real || t.starts_with(real) || real.starts_with(t))
        .then_some(Protected::Input)
}

/// Prefixes of the folders a build leaves beside its target while it runs: `.{name}` + these,
/// then [`RANDOM_CHARS`] random letters and digits.
const STAGING_NEW: &str = ".kamsite-new-";
const STAGING_OLD: &str = ".kamsite-old-";
/// How many random characters end a staging folder's name (tempfile's default).
const RANDOM_CHARS: usize = 6;

/// The folders and files a build is writing right now. If the process is stopped by SIGINT or
/// SIGTERM (Ctrl-C, a CI timeout), they are removed before it exits, so an interrupted build
/// leaves nothing behind (kill -9 cannot be caught: the next build removes those leftovers).
/// A process-wide list because a signal is process-wide.
static LIVE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Writers hold this shared while they write; the signal handler takes it exclusively and sets
/// it, so no write is half done when the folders are removed and none starts afterwards.
static STOPPING: std::sync::RwLock<bool> = std::sync::RwLock::new(false);

/// A file of the staging folder being written: each write of its buffer (64 KB) is gated,
/// so the signal handler waits for at most one write, never for a template (a page is
/// written as its template runs, and a template of one's own may never end).
struct Gated(std::fs::File);

impl std::io::Write for Gated {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        gated(|| self.0.write(buf))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn register(path: &Path) {
    live().push(path.to_path_buf());
}

fn deregister(path: &Path) {
    live().retain(|p| p != path);
}

/// Installs the handler that removes whatever a build is writing when SIGINT, SIGTERM or SIGHUP
/// (the terminal closed) stops
/// the process, then exits with 128 + the signal's number (the shell's convention). Called
/// once, by the command line, before any command runs.
pub fn clean_up_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return; // without the handler the default remains: stop, and the next build tidies up
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let mut stopping = STOPPING
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *stopping = true;
            let paths = std::mem::take(&mut *live());
            for p in &paths {
                if p.is_dir() {
                    let _ = std::fs::remove_dir_all(p);
                } else {
                    let _ = std::fs::remove_file(p);
                }
            }
            if !paths.is_empty() {
                anstream::eprintln!("interrupted: nothing was written");
            }
            std::process::exit(128 + signal);
        }
    });
}

/// Runs `write` unless the process is being stopped.
fn gated<T>(write: impl FnOnce() -> std::io::Result<T>) -> std::io::Result<T> {
    let stopping = STOPPING
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if *stopping {
        // Not `ErrorKind::Interrupted`: `write_all` retries that.
        return Err(std::io::Error::other("interrupted"));
    }
    write()
}

/// Writes `bytes` to `path` via a temporary file in the same folder and a rename.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // A temporary file is private (0600); the export is a file to share, like the site's
    // pages: it gets what a new file gets (0644 under the usual umask), or keeps the mode of
    // the file it replaces.
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    register(tmp.path());
    let tmp_path = tmp.path().to_path_buf();
    let written = gated(|| {
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    });
    deregister(&tmp_path);
    written
}

/// Checks where `export -o` may write and returns the path to write: never one of the
/// portfolio's sources, never anything but a regular file (a FIFO, socket or device would be
/// replaced by the rename). The path is normalised before it is checked, so `x/../kamsite.yaml`
/// is seen as what it will mean.
pub fn export_target(
    path: &Path,
    portfolio: &Path,
    manifest: &Manifest,
) -> Result<PathBuf, OutputError> {
    let t = resolve(path);
    let root = resolve(portfolio);
    match protected(&t, &root, manifest) {
        Some(Protected::Input) => return Err(OutputError::SourceFile(path.to_path_buf())),
        Some(Protected::Hidden(part)) => return Err(OutputError::Hidden(path.to_path_buf(), part)),
        None => {}
    }
    match std::fs::metadata(&t) {
        Ok(m) if !m.is_file() => Err(OutputError::NotAFile(
            path.to_path_buf(),
            crate::load::file_kind(&m),
        )),
        Ok(_) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(t),
        Err(e) => Err(OutputError::Io(path.to_path_buf(), e)),
    }
}

/// Why an output folder cannot be used.
#[derive(Debug)]
pub enum OutputError {
    /// The folder is the portfolio, or holds its sources.
    ContainsSources(PathBuf),
    /// The folder exists, is not empty, and was not made by kamsite.
    Foreign(PathBuf),
    /// The output exists and is not a folder (a file, FIFO, socket, device); what it is.
    NotAFolder(PathBuf, &'static str),
    /// An export's target is one of the portfolio's sources.
    SourceFile(PathBuf),
    /// The target is a hidden file or folder, or inside one: its name.
    Hidden(PathBuf, String),
    /// An export's target exists and is not a regular file; what it is.
    NotAFile(PathBuf, &'static str),
    /// Two pages of one build map to the same file.
    Collision(String),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::ContainsSources(p) => write!(
                f,
                "refusing to write the site to {}: it is, or contains, the portfolio's sources (choose another -o folder, e.g. public/)",
                p.display()
            ),
            OutputError::Foreign(p) => write!(
                f,
                "refusing to replace {}: it is not empty and was not created by kamsite (no {MARKER} file); move its contents or choose another -o folder",
                p.display()
            ),
            OutputError::NotAFolder(p, what) => write!(
                f,
                "refusing to write the site to {}: it is {what}, not a folder (-o takes a folder that is missing, empty or made by kamsite)",
                p.display()
            ),
            OutputError::SourceFile(p) => write!(
                f,
                "refusing to write the export to {}: it is a file kamsite reads (kamsite.yaml, overview.md, accounts/, templates/, static/, data/, the configured sources)",
                p.display()
            ),
            OutputError::Hidden(p, part) => write!(
                f,
                "refusing to write to {}: it is `{part}` or inside it, a hidden file or folder kamsite never writes",
                p.display()
            ),
            OutputError::NotAFile(p, what) => write!(
                f,
                "refusing to write the export to {}: it is {what}, not a regular file (leave out -o to write to standard output)",
                p.display()
            ),
            OutputError::Collision(rel) => write!(
                f,
                "two pages of the site map to the same file {rel}; nothing was written"
            ),
            OutputError::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |e| OutputError::Io(path.to_path_buf(), e)
}

/// A folder being filled with a new site. Dropping it without `commit` removes it.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
    /// Held (locked) while this build runs, so that another build's clean-up of leftovers
    /// leaves this live staging folder alone.
    _lock: Option<std::fs::File>,
    /// Every file written, so that two pages mapped to one path are an error, not a race.
    written: std::sync::Mutex<std::collections::HashSet<String>>,
    /// The permissions a new file gets here (the umask's): a file kept from the previous
    /// site must have them too.
    new_mode: Option<u32>,
    /// Whether the output is a site kamsite made (has its marker): only then are its files
    /// kept.
    previous_is_ours: bool,
    /// The folders of the output found to be folders (not links to one).
    previous_folders: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

/// The output folder as it was, held open (see [`Staging::hold_previous`]).
#[derive(Debug)]
pub struct Held {
    _folder: std::fs::File,
    id: (u64, u64),
}

/// A file's device and inode (`None` where there are none).
fn identity(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// How many names a file has (1 where that cannot be told).
fn links(meta: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        1
    }
}

/// A file's permission bits (`None` where there are none to compare).
fn mode_of(meta: &std::fs::Metadata) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(meta.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// What a commit did: where the site is, and what could not be tidied up afterwards.
#[derive(Debug)]
pub struct Committed {
    pub target: PathBuf,
    /// The previous site could not be removed (it is still on disk, under this message's path).
    pub warning: Option<String>,
}

/// The absolute form of `p` with `.` and `..` removed without looking at the disk: what the
/// path will mean once the folders in it exist. `p/missing/../accounts` *is* `p/accounts`, but
/// only after `missing` is created; checking the lexical form checks it before anything is.
pub fn lexical(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The lexical form of `p`, symlink-resolved through its deepest existing ancestor: the path
/// every check looks at and every write then uses, so what is checked is what is written.
fn resolve(p: &Path) -> PathBuf {
    let abs = lexical(p);
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(existing).is_err() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    out.extend(rest.iter().rev());
    out
}

/// Holds a lock on folder `dir` for as long as the returned file lives (None if it cannot be
/// opened or locked: the lock only protects live builds from a concurrent clean-up).
fn lock(dir: &Path) -> Option<std::fs::File> {
    let f = std::fs::File::open(dir).ok()?;
    f.try_lock().ok()?;
    Some(f)
}

/// Whether `n` is a name kamsite gives its own staging folders: `prefix` and exactly
/// [`RANDOM_CHARS`] letters or digits.
fn own_name(n: &str, prefix: &str) -> bool {
    n.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == RANDOM_CHARS && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Leftovers of interrupted builds of `target`, in `parent`: kamsite's own staging and
/// moved-aside folders (named `.{name}.kamsite-new-XXXXXX` / `-old-XXXXXX` exactly, or carrying
/// the marker), not in use by a running build. A kill -9 can come before the marker is
/// written, so the exact naming pattern alone makes a folder ours. First a half-done swap is
/// undone (the previous site is moved back if the target is missing), then the rest removed.
fn clean_leftovers(parent: &Path, target: &Path) -> Result<(), OutputError> {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(());
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let (new, old) = (
        format!(".{name}{STAGING_NEW}"),
        format!(".{name}{STAGING_OLD}"),
    );
    let mut found: Vec<(bool, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            let is_old = n.starts_with(&old);
            (is_old || n.starts_with(&new)).then(|| (is_old, e.path()))
        })
        // Ours: our exact naming pattern, or the marker.
        .filter(|(is_old, p)| {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())
                && (own_name(&n, if *is_old { &old } else { &new }) || p.join(MARKER).is_file())
        })
        .collect();
    found.sort();
    for (is_old, path) in found {
        // A running build holds its staging folder locked; skip it.
        let Some(_held) = lock(&path) else { continue };
        if is_old && std::fs::symlink_metadata(target).is_err() {
            std::fs::rename(&path, target).map_err(io(target))?;
            continue;
        }
        std::fs::remove_dir_all(&path).map_err(|e| {
            OutputError::Io(
                path.clone(),
                std::io::Error::new(
                    e.kind(),
                    format!("cannot remove the leftover of an interrupted build: {e}"),
                ),
            )
        })?;
    }
    Ok(())
}

impl Staging {
    /// Checks `target` and creates a staging folder beside it. Every check runs on the
    /// normalised path before any folder is created.
    pub fn new(
        target: &Path,
        portfolio: &Path,
        manifest: &Manifest,
    ) -> Result<Staging, OutputError> {
        let (t, root) = (resolve(target), resolve(portfolio));
        match protected(&t, &root, manifest) {
            Some(Protected::Input) => {
                return Err(OutputError::ContainsSources(target.to_path_buf()))
            }
            Some(Protected::Hidden(part)) => {
                return Err(OutputError::Hidden(target.to_path_buf(), part))
            }
            None => {}
        }
        match std::fs::metadata(&t) {
            Ok(m) if !m.is_dir() => {
                return Err(OutputError::NotAFolder(
                    target.to_path_buf(),
                    crate::load::file_kind(&m),
                ))
            }
            Ok(_) if !t.join(MARKER).is_file() => {
                let mut entries = std::fs::read_dir(&t).map_err(io(target))?;
                if entries.next().is_some() {
                    return Err(OutputError::Foreign(target.to_path_buf()));
                }
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(OutputError::Io(target.to_path_buf(), e)),
        }
        let parent = t.parent().unwrap_or(Path::new("/")).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        clean_leftovers(&parent, &t)?;
        let name = t
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}{STAGING_NEW}"))
            .tempdir_in(&parent)
            .map_err(io(&parent))?
            .keep();
        register(&dir);
        let mut staging = Staging {
            _lock: lock(&dir),
            dir,
            target: t,
            committed: false,
            written: Default::default(),
            new_mode: None,
            previous_is_ours: false,
            previous_folders: Default::default(),
        };
        // The marker first, before any page: a folder with pages always says whose it is.
        gated(|| {
            std::fs::write(
                staging.dir.join(MARKER),
                "This folder was generated by kamsite; it is replaced on every build.\n",
            )
        })
        .map_err(io(&staging.dir))?;
        staging.new_mode = std::fs::symlink_metadata(staging.dir.join(MARKER))
            .ok()
            .and_then(|m| mode_of(&m));
        staging.previous_is_ours = staging.target.join(MARKER).is_file();
        Ok(staging)
    }

    /// [`Staging::write`] with the content written by `fill` into the new file as it is
    /// made, through a 64 KB buffer. `fill`'s error fails the build like any write error.
    /// Only the buffer's writes hold off a stop signal, so `fill` may take as long as it
    /// likes (a page's template runs in it); once the signal has come, writes fail.
    pub fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        let (path, file) = self.create(rel, |path| std::fs::File::create(path))?;
        let mut file = std::io::BufWriter::with_capacity(64 * 1024, Gated(file));
        fill(&mut file)
            .and_then(|()| file.flush())
            .map_err(io(&path))
    }

    /// `rel` in the site being replaced, when that is a folder kamsite made and holds there a
    /// regular file with the permissions a new file gets, every folder on the way a folder
    /// (not a link to one).
    fn previous_file(&self, rel: &str) -> Option<(PathBuf, std::fs::Metadata)> {
        self.inside(rel).ok()?;
        if !self.previous_is_ours {
            return None;
        }
        let mut path = self.target.clone();
        let mut parts = Path::new(rel).components().peekable();
        while let Some(part) = parts.next() {
            path.push(part);
            if parts.peek().is_none() {
                break;
            }
            // Each folder looked at once (a review's thousand pages share a few).
            let known = self
                .previous_folders
                .lock()
                .is_ok_and(|folders| folders.contains(&path));
            if !known {
                if !std::fs::symlink_metadata(&path).ok()?.file_type().is_dir() {
                    return None;
                }
                if let Ok(mut folders) = self.previous_folders.lock() {
                    folders.insert(path.clone());
                }
            }
        }
        let meta = std::fs::symlink_metadata(&path).ok()?;
        let same_mode = mode_of(&meta) == self.new_mode;
        (meta.file_type().is_file() && same_mode).then_some((path, meta))
    }

    /// The output folder this build replaces.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The folder the output is now, held open so that its number (device and inode) is
    /// not given to another folder meanwhile: [`Staging::still_holds`] then tells whether
    /// another build replaced the output. `None` when there is none.
    pub fn hold_previous(&self) -> Option<Held> {
        let folder = std::fs::File::open(&self.target).ok()?;
        let id = identity(&folder.metadata().ok()?)?;
        Some(Held {
            _folder: folder,
            id,
        })
    }

    /// Whether the output is still the folder `held` holds.
    pub fn still_holds(&self, held: &Held) -> bool {
        std::fs::metadata(&self.target)
            .ok()
            .and_then(|m| identity(&m))
            == Some(held.id)
    }

    /// The bytes of `rel` as this build wrote it.
    pub fn written(&self, rel: &str) -> Option<Vec<u8>> {
        std::fs::read(self.inside(rel).ok()?).ok()
    }

    /// The bytes of `rel` in the site being replaced (see [`Staging::keep`]).
    pub fn previous(&self, rel: &str) -> Option<Vec<u8>> {
        std::fs::read(self.previous_file(rel)?.0).ok()
    }

    /// Brings the file at `rel` of the site being replaced into the new one as it is: a hard
    /// link (the previous site is removed once the new one is in place), or a copy where the
    /// file system has no links or the file has another name outside the site. Like a write, a second one to the same path is an error.
    pub fn keep(&self, rel: &str) -> Result<(), OutputError> {
        let (from, meta) = self.previous_file(rel).ok_or_else(|| {
            OutputError::Io(
                self.target.join(rel),
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file to keep"),
            )
        })?;
        self.create(rel, |path| {
            // A file something else links to too (a backup made with `cp -al`) is copied:
            // the published page must not change when that other name is written to.
            if links(&meta) > 1 {
                return std::fs::copy(&from, path).map(drop);
            }
            std::fs::hard_link(&from, path).or_else(|_| std::fs::copy(&from, path).map(drop))
        })
        .map(drop)
    }

    /// Makes the file at `rel` with `make` (its folders first), unless the process is being
    /// stopped; `rel` is claimed by this build ([`Staging::claim`]). The file's path, and
    /// what `make` gave.
    fn create<T>(
        &self,
        rel: &str,
        make: impl FnOnce(&Path) -> std::io::Result<T>,
    ) -> Result<(PathBuf, T), OutputError> {
        let path = self.inside(rel)?;
        self.claim(rel)?;
        let made = gated(|| {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            make(&path)
        })
        .map_err(io(&path))?;
        Ok((path, made))
    }

    /// Marks `rel` as written by this build: two pages mapped to one path are an error, not
    /// a race.
    fn claim(&self, rel: &str) -> Result<(), OutputError> {
        let first = self
            .written
            .lock()
            .map(|mut w| w.insert(rel.to_string()))
            .unwrap_or(false);
        if first {
            Ok(())
        } else {
            Err(OutputError::Collision(rel.to_string()))
        }
    }

    /// Writes one file at `rel` (a relative path with `/` separators) inside the staging folder.
    /// Safe to call from several threads; a second write to one path is an error.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.write_with(rel, |file| file.write_all(bytes))
    }

    /// `rel` joined to the staging folder, refusing anything that could leave it.
    fn inside(&self, rel: &str) -> Result<PathBuf, OutputError> {
        let p = Path::new(rel);
        let safe = !rel.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(OutputError::Io(
                p.to_path_buf(),
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "path would leave the output folder",
                ),
            ));
        }
        Ok(self.dir.join(p))
    }

    /// Swaps the finished site in place of the target. On Linux one atomic exchange: at every
    /// instant the target is either the previous site or the new one, and the previous site
    /// ends up in the staging folder, which is then removed (or, if the process dies first,
    /// cleaned by the next build). Elsewhere, two renames; a crash between them is undone by
    /// the next build.
    pub fn commit(mut self) -> Result<Committed, OutputError> {
        // Not while a signal handler removes what is being written: one or the other.
        let stopping = STOPPING
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *stopping {
            return Err(OutputError::Io(
                self.target.clone(),
                std::io::Error::new(std::io::ErrorKind::Interrupted, "interrupted"),
            ));
        }
        let target = self.target.clone();
        let exists = std::fs::symlink_metadata(&target).is_ok();
        let leftover = if !exists {
            std::fs::rename(&self.dir, &target).map_err(io(&target))?;
            None
        } else if exchange(&self.dir, &target)? {
            Some(self.dir.clone())
        } else {
            Some(self.swap_by_renames()?)
        };
        self.committed = true;
        drop(stopping);
        // Only ever our own previous output: it carried the marker or was empty.
        let warning = leftover.and_then(|old| {
            let removed = std::fs::remove_dir_all(&old);
            deregister(&old);
            removed.err().map(|e| {
                format!(
                    "the new site is in place, but the previous one could not be removed from {}: {e}",
                    old.display()
                )
            })
        });
        deregister(&self.dir);
        Ok(Committed { target, warning })
    }

    /// The portable swap: target → `.{name}.kamsite-old-*`, staging → target. Returns where the
    /// previous site went.
    fn swap_by_renames(&self) -> Result<PathBuf, OutputError> {
        let target = &self.target;
        let parent = target.parent().unwrap_or(Path::new("/"));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}{STAGING_OLD}"))
            .tempdir_in(parent)
            .map_err(io(parent))?
            .keep();
        std::fs::remove_dir(&old).map_err(io(&old))?;
        std::fs::rename(target, &old).map_err(io(target))?;
        if let Err(e) = std::fs::rename(&self.dir, target) {
            let _ = std::fs::rename(&old, target);
            return Err(OutputError::Io(target.clone(), e));
        }
        Ok(old)
    }
}

/// Atomically exchanges two folders (Linux `renameat2(RENAME_EXCHANGE)`). `Ok(false)` when the
/// system or file system cannot, so the caller falls back to two renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<bool, OutputError> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(e) => Err(OutputError::Io(b.to_path_buf(), e.into())),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> Result<bool, OutputError> {
    Ok(false)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
            deregister(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let portfolio = dir.path().join("portfolio");
        std::fs::create_dir_all(portfolio.join("accounts")).unwrap();
        let out = dir.path().join("site");
        (dir, portfolio, out)
    }

    #[test]
    fn writes_never_leave_the_output_folder() {
        let (dir, portfolio, out) = setup();
        let staging = Staging::new(&out, &portfolio, &Manifest::default()).unwrap();
        for bad in [
            "../escape.html",
            "/etc/passwd",
            "a/../../b",
            "",
            "./x/../../y",
        ] {
            assert!(staging.write(bad, b"x").is_err(), "{bad} was written");
        }
        staging.write("accounts/acme/index.html", b"ok").unwrap();
        assert!(!dir.path().join("escape.html").exists());
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read(out.join("accounts/acme/index.html")).unwrap(),
            b"ok"
        );
        assert!(out.join(MARKER).is_file());
    }

    #[test]
    fn two_writes_to_one_path_are_an_error() {
        let (_dir, portfolio, out) = setup();
        let staging = Staging::new(&out, &portfolio, &Manifest::default()).unwrap();
        staging.write("managers/dana/index.html", b"1").unwrap();
        assert!(matches!(
            staging.write("managers/dana/index.html", b"2"),
            Err(OutputError::Collision(_))
        ));
    }

    #[test]
    fn a_half_done_swap_is_undone_by_the_next_build() {
        let (dir, portfolio, out) = setup();
        let old = dir.path().join(".site.kamsite-old-abc");
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join(MARKER), "").unwrap();
        std::fs::write(old.join("index.html"), "previous").unwrap();
        let staging = Staging::new(&out, &portfolio, &Manifest::default()).unwrap();
        // The previous site is back in place while the new one is built…
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "previous"
        );
        assert!(!old.exists());
        staging.write("index.html", b"new").unwrap();
        staging.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
    }

    #[test]
    fn lexical_paths() {
        assert_eq!(lexical(Path::new("/a/b/../c/./d")), Path::new("/a/c/d"));
        assert_eq!(lexical(Path::new("/a/../../x")), Path::new("/x"));
    }

    #[test]
    fn an_unfinished_build_leaves_no_trace() {
        let (dir, portfolio, out) = setup();
        let staging = Staging::new(&out, &portfolio, &Manifest::default()).unwrap();
        staging.write("index.html", b"half").unwrap();
        drop(staging);
        assert!(!out.exists());
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
            .count();
        assert_eq!(leftovers, 0);
    }

    #[test]
    fn a_rebuild_replaces_only_kamsite_output() {
        let (_dir, portfolio, out) = setup();
        let first = Staging::new(&out, &portfolio, &Manifest::default()).unwrap();
        first.write("old.html", b"1").unwrap();
        first.commit().unwrap();
        let second = Staging::new(&out, &portfolio, &Manifest::default()).unwrap();
        second.write("new.html", b"2").unwrap();
        second.commit().unwrap();
        assert!(!out.join("old.html").exists() && out.join("new.html").is_file());
        std::fs::remove_file(out.join(MARKER)).unwrap();
        assert!(matches!(
            Staging::new(&out, &portfolio, &Manifest::default()),
            Err(OutputError::Foreign(_))
        ));
    }
}
