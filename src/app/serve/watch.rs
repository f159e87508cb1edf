//! The watcher: which file events mean "the site may have changed". A debouncer of notify's
//! family (as Zola) folds an editor's burst of events per save into one, and only content
//! changes of the files a build reads count — never the build's own reads, never an editor's
//! swap or backup file — so an idle preview stays idle.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use notify_debouncer_full::{new_debouncer, DebounceEventResult};

use super::state::Preview;

/// Events closer together than this are one change (a save writes, renames, sets metadata).
const DEBOUNCE: Duration = Duration::from_millis(20);

/// How long a file written in place may stay open before the preview builds anyway (a
/// program that keeps its file open would otherwise never be seen).
const OPEN_FOR_WRITING: Duration = Duration::from_millis(500);

/// Watches `portfolio` until the returned value is dropped.
pub fn start(portfolio: &Path, preview: Arc<Preview>) -> Result<impl Drop, String> {
    let root = portfolio.to_path_buf();
    let saves = Arc::new(Saves::default());
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        // What a build reads now: kamsite.yaml may name other sources after a change (read
        // once per burst, only when needed).
        let mut manifest: Option<crate::load::Manifest> = None;
        // Where linked inputs really are (a source or an account file linked to another
        // place in the portfolio): an edit there is an edit of the input. Looked up only for
        // a path the build does not read by its own name.
        let mut linked: Option<Vec<std::path::PathBuf>> = None;
        let mut relevant = false;
        for e in &events {
            if !changes_content(&e.event.kind) {
                continue;
            }
            for p in &e.event.paths {
                let rel = super::relative(&root, p);
                let m = manifest.get_or_insert_with(|| crate::load::Manifest::of_dir(&root));
                let read = m.reads(&rel)
                    || (!crate::load::manifest::hidden(&rel)
                        && linked
                            .get_or_insert_with(|| m.linked_inputs(&root))
                            .iter()
                            .any(|real| p.starts_with(real)));
                if read {
                    relevant = true;
                    saves.saw(&e.event.kind, rel);
                }
            }
        }
        if relevant {
            saves.settle(&preview);
        }
    })
    .map_err(|e| format!("cannot watch files: {e}"))?;
    debouncer
        .watch(portfolio, notify::RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch {}: {e}", portfolio.display()))?;
    Ok(debouncer)
}

/// Files written in place and not yet closed. A save that opens a file (truncating it) and
/// writes it a moment later reaches the watcher as two bursts on a busy machine; building
/// after the first would build a half-written file and reload twice. The build waits for the
/// file to be closed, or [`OPEN_FOR_WRITING`] at most.
#[derive(Default)]
struct Saves {
    open: std::sync::Mutex<std::collections::HashSet<String>>,
    /// Bumped by every burst, so that a deferred build runs only if nothing came since.
    bursts: std::sync::atomic::AtomicU64,
}

impl Saves {
    fn saw(&self, kind: &EventKind, rel: String) {
        let mut open = super::state::lock(&self.open);
        match kind {
            // A file created, or written to, in place: being written until it is closed.
            EventKind::Create(notify::event::CreateKind::File)
            | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any) => {
                open.insert(rel);
            }
            // Closed after writing, renamed, removed: the save is over.
            _ => {
                open.remove(&rel);
            }
        }
    }

    /// Builds now when no file is being written, else once the deadline passes without
    /// news (a later burst that closes the file builds then).
    fn settle(self: &Arc<Self>, preview: &Arc<Preview>) {
        use std::sync::atomic::Ordering;
        let burst = self.bursts.fetch_add(1, Ordering::SeqCst) + 1;
        if super::state::lock(&self.open).is_empty() {
            preview.rebuild();
            return;
        }
        let (saves, preview) = (Arc::clone(self), Arc::clone(preview));
        std::thread::spawn(move || {
            std::thread::sleep(OPEN_FOR_WRITING);
            if saves.bursts.load(Ordering::SeqCst) == burst {
                super::state::lock(&saves.open).clear();
                preview.rebuild();
            }
        });
    }
}

/// Whether an event changes content: a create, a data write, a rename, a removal or a change
/// of metadata other than the access time. On Linux,
/// notify also reports reads (open, access, close without writing) — the build's own reads of
/// the portfolio among them — and those must never trigger a rebuild, or each rebuild triggers
/// the next.
pub fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        // Reads never change metadata (they are `Access` events); a `chmod` that makes a file
        // unreadable does, and a build would fail on it.
        EventKind::Modify(ModifyKind::Metadata(notify::event::MetadataKind::AccessTime)) => false,
        EventKind::Modify(_) => true,
        // Closing a file opened for writing is the end of a save.
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind};

    /// CSV sources live wherever kamsite.yaml says; the watcher asks it which files they are.
    #[test]
    fn the_configured_csv_sources_matter() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("kamsite.yaml"),
            "sources:\n  financials: { file: data/erp.csv, account: No, columns: { period: Q } }\n  opportunities: { file: crm.csv, account: A, columns: { name: N, value: V, stage: S } }\n",
        )
        .unwrap();
        let m = crate::load::Manifest::of_dir(dir.path());
        assert_eq!(m.sources(), ["data/erp.csv", "crm.csv"]);
        std::fs::write(dir.path().join("kamsite.yaml"), "sources: [broken\n").unwrap();
        assert!(crate::load::Manifest::of_dir(dir.path())
            .sources()
            .is_empty());
        // A mistake elsewhere in kamsite.yaml: the build still reads the sources (and reports
        // their problems with the mistake's), so an edit of one must still rebuild.
        std::fs::write(
            dir.path().join("kamsite.yaml"),
            "manager_capacity: lots\nsources:\n  financials: { file: data/erp.csv, account: No, columns: { period: Q } }\n",
        )
        .unwrap();
        assert_eq!(
            crate::load::Manifest::of_dir(dir.path()).sources(),
            ["data/erp.csv"]
        );
    }

    #[test]
    fn reads_are_not_changes() {
        assert!(changes_content(&EventKind::Create(CreateKind::File)));
        assert!(changes_content(&EventKind::Remove(RemoveKind::File)));
        assert!(changes_content(&EventKind::Modify(ModifyKind::Data(
            DataChange::Content
        ))));
        assert!(changes_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(!changes_content(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!changes_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!changes_content(&EventKind::Modify(ModifyKind::Metadata(
            notify::event::MetadataKind::AccessTime
        ))));
        // inotify's IN_ATTRIB (chmod, touch): a file that became unreadable fails the build.
        assert!(changes_content(&EventKind::Modify(ModifyKind::Metadata(
            notify::event::MetadataKind::Any
        ))));
    }
}
