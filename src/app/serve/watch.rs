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

/// Watches `portfolio` until the returned value is dropped.
pub fn start(portfolio: &Path, preview: Arc<Preview>) -> Result<impl Drop, String> {
    let root = portfolio.to_path_buf();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        // What a build reads now: kamsite.yaml may name other sources after a change (read
        // once per burst, only when needed).
        let mut manifest: Option<crate::load::Manifest> = None;
        let relevant = events.iter().any(|e| {
            changes_content(&e.event.kind)
                && e.event.paths.iter().any(|p| {
                    let rel = super::relative(&root, p);
                    manifest
                        .get_or_insert_with(|| crate::load::Manifest::of_dir(&root))
                        .reads(&rel)
                })
        });
        if relevant {
            preview.rebuild();
        }
    })
    .map_err(|e| format!("cannot watch files: {e}"))?;
    debouncer
        .watch(portfolio, notify::RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch {}: {e}", portfolio.display()))?;
    Ok(debouncer)
}

/// Whether an event changes content: a create, a data write, a rename or a removal. On Linux,
/// notify also reports reads (open, access, close without writing) — the build's own reads of
/// the portfolio among them — and those must never trigger a rebuild, or each rebuild triggers
/// the next.
pub fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
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
    }
}
