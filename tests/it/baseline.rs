//! `kamsite build --baseline`: a previous portfolio.json or a git revision gives a changes page
//! and matrix arrows; a bad baseline writes nothing.
#![allow(clippy::unwrap_used)] // a failing test may panic; the library may not

use crate::common;
use std::process::Command as Std;

use assert_cmd::Command;
use common::{Fixture, NO_COUNT};
use predicates::prelude::*;

fn account(name: &str, profitability: u8) -> String {
    format!("---\nname: {name}\ndesignation: key\nowner: Dana\nattractiveness: {{ profitability: {profitability} }}\nstrength: {{ offer_fit: 4 }}\nfinancials: [{{ period: 2026-Q3, revenue: 100 }}]\n---\n")
}

fn fixture() -> Fixture {
    Fixture::new()
        .file("kamsite.yaml", format!("as_of: 2026-10-05\n{NO_COUNT}"))
        .account("acme.md", account("Acme", 5))
        .account("beta.md", account("Beta", 4))
}

fn kamsite(f: &Fixture, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("kamsite")
        .unwrap()
        .current_dir(f.path())
        .args(args)
        .env("NO_COLOR", "1")
        .assert()
}

fn changes(f: &Fixture) -> String {
    std::fs::read_to_string(f.path().join("public/changes/index.html")).unwrap()
}

#[test]
fn against_a_previous_export() {
    let f = fixture();
    let out = Command::cargo_bin("kamsite")
        .unwrap()
        .args(["export", "--format", "json"])
        .arg(f.path())
        .output()
        .unwrap();
    std::fs::write(f.path().join("../baseline.json"), &out.stdout).unwrap();
    // Acme drops from strategic to status; Beta leaves; Gamma arrives.
    std::fs::write(f.path().join("accounts/acme.md"), account("Acme", 1)).unwrap();
    std::fs::remove_file(f.path().join("accounts/beta.md")).unwrap();
    std::fs::write(f.path().join("accounts/gamma.md"), account("Gamma", 3)).unwrap();
    kamsite(&f, &["build", ".", "-q", "--baseline", "../baseline.json"]).success();
    let page = changes(&f);
    assert!(
        page.contains("<strong>strategic → status</strong>"),
        "{page}"
    );
    assert!(page.contains("100 → 0 (-100)"), "{page}");
    assert!(page.contains("Beta (<code>beta</code>)"), "{page}");
    assert!(page.contains(">Gamma</a>"), "{page}");
    let dashboard = std::fs::read_to_string(f.path().join("public/index.html")).unwrap();
    assert!(dashboard.contains("changes/index.html"));
}

#[test]
fn against_a_git_revision() {
    let f = fixture();
    let git = |args: &[&str]| {
        let ok = Std::new("git")
            .current_dir(f.path())
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "q3 review"]);
    std::fs::write(f.path().join("accounts/acme.md"), account("Acme", 1)).unwrap();
    kamsite(&f, &["build", ".", "-q", "--baseline", "HEAD"]).success();
    let page = changes(&f);
    assert!(page.contains("Changes since HEAD ("), "{page}");
    assert!(
        page.contains("<strong>strategic → status</strong>"),
        "{page}"
    );
}

#[test]
fn a_bad_baseline_writes_nothing() {
    let f = fixture();
    kamsite(&f, &["build", ".", "--baseline", "no-such-rev"])
        .code(1)
        .stderr(predicate::str::contains(
            "neither a file nor a git revision",
        ));
    std::fs::write(f.path().join("../x.json"), "{}").unwrap();
    kamsite(&f, &["build", ".", "--baseline", "../x.json"])
        .code(1)
        .stderr(predicate::str::contains("is not a kamsite portfolio.json"));
    assert!(!f.path().join("public").exists());
}

#[test]
fn without_a_baseline_there_is_no_changes_page() {
    let f = fixture();
    kamsite(&f, &["build", ".", "-q"]).success();
    assert!(!f.path().join("public/changes").exists());
    let dashboard = std::fs::read_to_string(f.path().join("public/index.html")).unwrap();
    assert!(!dashboard.contains("changes/index.html"));
}

/// Scores that moved by less than `changes.min_score_delta` (default 5) are noise and stay off
/// the changes page; the portfolio's counts and its like-for-like revenue are shown.
#[test]
fn small_moves_are_noise_and_portfolio_figures_are_compared() {
    // Acme's attractiveness 4.0 → 4.1 moves its score by 2.5 points: noise by default.
    let acme = |a: &str, revenue: u32| {
        format!("---\nname: Acme\ndesignation: key\nowner: Dana\nattractiveness: {{ profitability: {a} }}\nstrength: {{ offer_fit: 4 }}\nfinancials: [{{ period: 2026-Q3, revenue: {revenue} }}]\n---\n")
    };
    let f = fixture().account("acme.md", acme("4", 100));
    let out = Command::cargo_bin("kamsite")
        .unwrap()
        .args(["export", "--format", "json"])
        .arg(f.path())
        .output()
        .unwrap();
    std::fs::write(f.path().join("../baseline.json"), &out.stdout).unwrap();
    std::fs::write(f.path().join("accounts/acme.md"), acme("4.1", 120)).unwrap();
    std::fs::write(
        f.path().join("accounts/gamma.md"),
        account("Gamma", 3).replace("designation: key", "designation: other"),
    )
    .unwrap();
    kamsite(&f, &["build", ".", "-q", "--baseline", "../baseline.json"]).success();
    let page = changes(&f);
    assert!(
        page.contains("No account changed quadrant, designation or score."),
        "{page}"
    );
    // Accounts 2 → 3, key accounts 2 → 2; revenue like-for-like over Acme and Beta:
    // 200 → 220 = +10 %, Gamma left out.
    assert!(page.contains("<th scope=\"row\">Accounts</th><td class=\"num\">2</td><td class=\"num\">3</td><td class=\"num\">+1</td>"), "{page}");
    assert!(page.contains("<th scope=\"row\">Key accounts</th><td class=\"num\">2</td><td class=\"num\">2</td><td class=\"num\">+0</td>"), "{page}");
    assert!(page.contains("<td class=\"num\">200</td><td class=\"num\">220</td><td class=\"num\">+10.0 %</td><td>like-for-like over the 2 accounts with it in both; 1 left out</td>"), "{page}");
    // With a threshold of 2 points the same move is a change, shown from the whole numbers.
    std::fs::write(
        f.path().join("kamsite.yaml"),
        format!("as_of: 2026-10-05\n{NO_COUNT}changes: {{ min_score_delta: 2 }}\n"),
    )
    .unwrap();
    kamsite(&f, &["build", ".", "-q", "--baseline", "../baseline.json"]).success();
    let page = changes(&f);
    // 4.1 gives 77.49…: shown as 77, and the change as +2, from the numbers shown.
    assert!(page.contains("75 → 77 (+2)"), "{page}");
}
