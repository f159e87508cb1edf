//! The preview reuses what it computed before (parsed files, the merge of the exports): its
//! result must equal a fresh load's after every kind of edit. A sequence of edits of the
//! example portfolio — narrative, scores, keys, the export, kamsite.yaml, files added and
//! removed, opportunities added to a file whose export rows are reused — and after each, the
//! preview's load and analysis are compared with a fresh one, byte for byte.
//!
//! Each round waits 2.1 s so that the files look settled (`Stamp::unchanged`'s window):
//! otherwise every file would be re-read, and nothing reused would be tested.

use std::path::Path;

use kamsite::app::{Project, When};
use kamsite::load::{load_with, ParseCache, Root};
use kamsite::model::Date;
use kamsite::validate::Cache;

/// Everything a build shows of a load: accounts (with their merged rows and where each came
/// from), problems, files read.
fn loaded(root: &Root, cache: Option<&ParseCache>) -> String {
    let l = load_with(root, cache);
    format!(
        "{:#?}\n{:#?}\n{} {}\n{:#?}",
        l.portfolio.accounts, l.diagnostics, l.files, l.account_files, l.rejected_accounts
    )
}

/// The checks' warnings and the analysis as `export` writes it, or the problems that stop it.
fn analysed(dir: &Path, cache: Option<&Cache>) -> String {
    let when = When {
        as_of: Some(Date::new(2026, 10, 5).unwrap()),
        ..When::default()
    };
    match Project::open_with(dir, when, cache) {
        Ok(p) => format!(
            "{:#?}\n{}",
            p.warnings,
            kamsite::export::json(&p.analyse(None))
        ),
        Err(e) => format!("{e:?}"),
    }
}

/// Fails at the first line where `preview` and `fresh` differ, with a few lines around it.
fn same(preview: &str, fresh: &str, what: &str) {
    let (a, b): (Vec<&str>, Vec<&str>) = (preview.lines().collect(), fresh.lines().collect());
    if let Some(i) = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) {
        let around = |l: &[&str]| l[i.saturating_sub(8)..(i + 3).min(l.len())].join("\n");
        panic!(
            "{what} differs from a fresh one at line {}:\n--- preview\n{}\n--- fresh\n{}",
            i + 1,
            around(&a),
            around(&b)
        );
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn edit_bytes(path: &Path, from: &[u8], to: &[u8]) {
    let bytes = std::fs::read(path).unwrap();
    let at = bytes
        .windows(from.len())
        .position(|w| w == from)
        .unwrap_or_else(|| panic!("{} lacks {from:?}", path.display()));
    let mut out = bytes[..at].to_vec();
    out.extend_from_slice(to);
    out.extend_from_slice(&bytes[at + from.len()..]);
    std::fs::write(path, out).unwrap();
}

#[test]
fn a_preview_equals_a_fresh_load_after_every_kind_of_edit() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_dir(&crate::common::example(), dir.path());
    let p = dir.path();
    let acme = p.join("accounts/emea/acme-industrial.md");
    let cascade = p.join("accounts/amer/cascade-foods.md");
    let csv = p.join("data/erp-financials.csv");
    let config = p.join("kamsite.yaml");
    type Edit<'e> = Box<dyn Fn(&Path) + 'e>;
    let rounds: Vec<(&str, Edit<'_>)> = vec![
        ("nothing", Box::new(|_| {})),
        (
            "a narrative",
            Box::new(|_| {
                let mut t = std::fs::read_to_string(&acme).unwrap();
                t.push_str("\nDiscussed in the review.\n");
                std::fs::write(&acme, t).unwrap();
            }),
        ),
        (
            "a score",
            Box::new(|_| edit(&acme, "  profitability: 4", "  profitability: 2")),
        ),
        (
            "an opportunity in a file whose export rows are reused",
            Box::new(|_| {
                edit(
                    &acme,
                    "opportunities:\n",
                    "opportunities:\n  - { name: Retrofit, value: 1000, stage: proposal }\n",
                )
            }),
        ),
        (
            "a key the export no longer matches",
            Box::new(|_| edit(&cascade, "erp: 100417", "erp: 999999")),
        ),
        (
            "the key back",
            Box::new(|_| edit(&cascade, "erp: 999999", "erp: 100417")),
        ),
        (
            "a figure in the export, same length",
            Box::new(|_| edit_bytes(&csv, b"100417;Q2/2026;955.000", b"100417;Q2/2026;956.000")),
        ),
        (
            "kamsite.yaml, not its sources",
            Box::new(|_| edit(&config, "sources:", "# edited\nsources:")),
        ),
        (
            "the export's total row is no longer skipped",
            Box::new(|_| {
                edit(
                    &config,
                    "skip_rows_starting_with: [Summe]",
                    "skip_rows_starting_with: []",
                )
            }),
        ),
        (
            "it is skipped again",
            Box::new(|_| {
                edit(
                    &config,
                    "skip_rows_starting_with: []",
                    "skip_rows_starting_with: [Summe]",
                )
            }),
        ),
        (
            "a quarter in a file that the export also gives (an error)",
            Box::new(|_| {
                edit(
                    &cascade,
                    "designation:",
                    "financials:\n  - { period: 2026-Q2, revenue: 1000 }\ndesignation:",
                )
            }),
        ),
        (
            "the quarter removed",
            Box::new(|_| {
                edit(
                    &cascade,
                    "financials:\n  - { period: 2026-Q2, revenue: 1000 }\ndesignation:",
                    "designation:",
                )
            }),
        ),
        (
            "a score out of range (an error of the file's checks)",
            Box::new(|_| edit(&acme, "  profitability: 2", "  profitability: 9")),
        ),
        (
            "another file's narrative, the error still there",
            Box::new(|_| {
                let mut t = std::fs::read_to_string(&cascade).unwrap();
                t.push_str("\nCalled the buyer.\n");
                std::fs::write(&cascade, t).unwrap();
            }),
        ),
        (
            "the score fixed",
            Box::new(|_| edit(&acme, "  profitability: 9", "  profitability: 3")),
        ),
        (
            "a manager renamed in kamsite.yaml (the owner is unknown)",
            Box::new(|_| edit(&config, "name: Dana Whitfield", "name: Dana Whitfield-Ng")),
        ),
        (
            "the manager's name back",
            Box::new(|_| edit(&config, "name: Dana Whitfield-Ng", "name: Dana Whitfield")),
        ),
        (
            "an account file removed",
            Box::new(|p| std::fs::remove_file(p.join("accounts/amer/lumen-medical.md")).unwrap()),
        ),
        (
            "a new account with the removed one's keys",
            Box::new(|p| {
                std::fs::write(
                    p.join("accounts/amer/lumen-new.md"),
                    "---\nname: Lumen New\nids: { erp: 100451, crm: 0015g00000Ac003 }\ndesignation: key\nowner: Dana Whitfield\n---\nNew.\n",
                )
                .unwrap()
            }),
        ),
    ];
    let root = Root::new(p);
    let cache = Cache::default();
    // What a preview has seen before the first edit.
    let _ = analysed(p, Some(&cache));
    for (what, change) in rounds {
        change(p);
        std::thread::sleep(std::time::Duration::from_millis(2100));
        same(
            &loaded(&root, Some(&cache.parsed)),
            &loaded(&root, None),
            &format!("after {what}, the preview's load"),
        );
        same(
            &analysed(p, Some(&cache)),
            &analysed(p, None),
            &format!("after {what}, the preview's analysis"),
        );
    }
}
