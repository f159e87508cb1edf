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
        // The CSV sources kamsite.yaml names now (read once per burst, only when needed).
        let mut sources: Option<Vec<String>> = None;
        let relevant = events.iter().any(|e| {
            changes_content(&e.event.kind)
                && e.event.paths.iter().any(|p| {
                    let rel = super::relative(&root, p);
                    matters(&rel)
                        || sources
                            .get_or_insert_with(|| crate::load::sources::configured_files(&root))
                            .contains(&rel)
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

/// Whether a build reads the file at `rel` (relative to the portfolio, `/` separators): the
/// configuration, the overview, accounts, template overrides and static files — not drafts,
/// hidden files, editors' swap and backup files, or the default output folder.
pub fn matters(rel: &str) -> bool {
    let mut parts = rel.split('/');
    let first = parts.next().unwrap_or("");
    let name = rel.rsplit('/').next().unwrap_or("");
    let editor_file = name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"; // vim's probe file
    if editor_file || rel.split('/').any(|c| c.starts_with('.')) {
        return false;
    }
    match first {
        crate::load::CONFIG_FILE | crate::load::OVERVIEW_FILE => !rel.contains('/'),
        // A folder event (created, removed, renamed) counts too: it may carry accounts.
        "accounts" => !rel.split('/').any(|c| c.starts_with('_')),
        "templates" | "static" => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind};

    #[test]
    fn only_files_a_build_reads_matter() {
        for yes in [
            "kamsite.yaml",
            "overview.md",
            "accounts/acme.md",
            "accounts/emea/nordlys.md",
            "accounts/emea",
            "templates/account.html",
            "static/logo.svg",
        ] {
            assert!(matters(yes), "{yes}");
        }
        for no in [
            "public/index.html",
            "accounts/_draft.md",
            "accounts/_drafts/x.md",
            "accounts/.acme.md.swp",
            "accounts/acme.md~",
            "accounts/#acme.md#",
            "accounts/4913",
            ".git/index",
            "notes.txt",
            "emea/kamsite.yaml",
            "data/erp-financials.csv",
        ] {
            assert!(!matters(no), "{no}");
        }
    }

    /// CSV sources live wherever kamsite.yaml says; the watcher asks it which files they are.
    #[test]
    fn the_configured_csv_sources_matter() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("kamsite.yaml"),
            "sources:\n  financials: { file: data/erp.csv, account: No, columns: { period: Q } }\n  opportunities: { file: crm.csv, account: A, columns: { name: N, value: V, stage: S } }\n",
        )
        .unwrap();
        assert_eq!(
            crate::load::sources::configured_files(dir.path()),
            ["data/erp.csv", "crm.csv"]
        );
        std::fs::write(dir.path().join("kamsite.yaml"), "sources: [broken\n").unwrap();
        assert!(crate::load::sources::configured_files(dir.path()).is_empty());
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
