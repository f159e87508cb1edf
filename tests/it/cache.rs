//! The preview's parse cache: a rebuild skips reading files whose metadata shows them
//! unchanged, and must never serve an edit's old content — including an edit of the same size
//! within the same second (a "racy" file), or a file swapped in by an editor's atomic save.

use kamsite::load::{load_with, ParseCache, Root};

const ACCOUNT: &str = "---\nname: Acme\ndesignation: key\nfinancials:\n  - { period: 2026-Q3, revenue: 1000 }\n---\nPlan.\n";

fn revenue(root: &Root, cache: &ParseCache) -> Option<f64> {
    let loaded = load_with(root, Some(cache));
    loaded.portfolio.accounts[0].front.financials[0].revenue
}

#[test]
fn an_edit_of_the_same_size_right_after_a_read_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("accounts")).unwrap();
    let file = dir.path().join("accounts/acme.md");
    std::fs::write(&file, ACCOUNT).unwrap();
    let root = Root::new(dir.path());
    let cache = ParseCache::default();
    assert_eq!(revenue(&root, &cache), Some(1000.0));
    // Same length, same second: the times may not tell, the content does.
    std::fs::write(&file, ACCOUNT.replace("1000", "2000")).unwrap();
    assert_eq!(revenue(&root, &cache), Some(2000.0));
}

#[test]
fn a_file_replaced_by_rename_with_its_old_times_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("accounts")).unwrap();
    let file = dir.path().join("accounts/acme.md");
    std::fs::write(&file, ACCOUNT).unwrap();
    // Old enough to be trusted from its metadata alone.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(old)
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let root = Root::new(dir.path());
    let cache = ParseCache::default();
    assert_eq!(revenue(&root, &cache), Some(1000.0));
    // An editor's atomic save: a new file with the same size and modification time, renamed
    // over the old one.
    let fresh = dir.path().join("accounts/.acme.md.swp");
    std::fs::write(&fresh, ACCOUNT.replace("1000", "3000")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&fresh)
        .unwrap()
        .set_modified(old)
        .unwrap();
    std::fs::rename(&fresh, &file).unwrap();
    assert_eq!(revenue(&root, &cache), Some(3000.0));
}
