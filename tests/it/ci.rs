//! Issue 20: CI that publishes every quarter (SPEC §19) — findings annotated on the line of the
//! value that triggers them, pull requests judged on what they change, shallow clones named,
//! and one broken line of kamsite.yaml never hiding the rest.

use std::path::Path;
use std::process::Command as Std;

use assert_cmd::Command;
use predicates::prelude::*;

use crate::common::{located, Fixture, NO_COUNT};

const CONFIG: &str = "findings:\n  key-account-count: { enabled: false }\nas_of: 2026-10-05\n";

/// A key account that is unprofitable in 2026-Q3, has a stale plan, one contact and an
/// overdue action.
const ACME: &str = "---\nname: Acme\ndesignation: key\nowner: Dana\nsponsor: Sam\nteam: [{ name: Lee }]\nrelationship: { stage: cooperative, rating: { ours: 4, theirs: 4 } }\nplan: { horizon_months: 24, last_reviewed: 2026-01-10 }\ncontacts:\n  - { name: Ann, role: buyer }\nfinancials:\n  - { period: 2026-Q2, revenue: 100, gross_margin: 50, cost_to_serve: 10 }\n  - { period: 2026-Q3, revenue: 100, gross_margin: 20, cost_to_serve: 30 }\nactions:\n  - { action: Done, due: 2026-01-01, status: done }\n  - { action: Call, due: 2026-05-01 }\n---\nBody\n";

/// `file:line:column rule` of the findings of `--format json`.
fn findings(f: &Fixture) -> Vec<String> {
    f.json_lines()
        .iter()
        .filter(|d| d.get("rule").is_some())
        .map(|d| {
            format!(
                "{}:{}:{} {}",
                d["file"].as_str().unwrap_or(""),
                d["line"],
                d["column"],
                d["rule"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn every_account_finding_is_at_the_line_of_its_value() {
    let f = Fixture::new()
        .file("kamsite.yaml", CONFIG)
        .account("acme.md", ACME);
    let found = findings(&f);
    for expected in [
        "accounts/acme.md:8:44 stale-plan",
        "accounts/acme.md:9:1 single-threaded",
        "accounts/acme.md:13:15 unprofitable",
        "accounts/acme.md:16:26 overdue-actions",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} in {found:?}"
        );
    }
    // On the line in a pull request, too.
    f.kamsite(&["check", "--format", "github", "--fail-on", "never"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "::error file=accounts/acme.md,line=13,col=15,title=unprofitable::",
        ));
    // And in the terminal.
    f.kamsite(&["check", "--fail-on", "never"])
        .assert()
        .stderr(predicate::str::contains("unprofitable (line 13)"));
}

/// A figure from a source is annotated at its cell.
#[test]
fn a_finding_on_a_figure_from_a_source_is_at_its_cell() {
    let f = Fixture::new()
        .file(
            "kamsite.yaml",
            format!("{CONFIG}sources:\n  financials:\n    file: data/erp.csv\n    account: acc\n    columns: {{ period: q, revenue: rev, gross_margin: gm, cost_to_serve: cts }}\n"),
        )
        .account(
            "acme.md",
            "---\nname: Acme\ndesignation: other\n---\n",
        )
        .file("data/erp.csv", "acc,q,rev,gm,cts\nacme,2026-Q3,100,20,30\n");
    assert!(
        findings(&f).contains(&"data/erp.csv:2:6 unprofitable".to_string()),
        "{:?}",
        findings(&f)
    );
}

/// Portfolio findings point at kamsite.yaml's `findings:` entry, or line 1, or no file when
/// there is no kamsite.yaml.
#[test]
fn portfolio_findings_point_at_kamsite_yaml_or_at_no_file() {
    let f = Fixture::new()
        .file(
            "kamsite.yaml",
            "title: Review\nfindings:\n  key-account-count: { severity: warning }\n",
        )
        .account("acme.md", ACME);
    assert!(
        findings(&f).contains(&"kamsite.yaml:3:3 key-account-count".to_string()),
        "{:?}",
        findings(&f)
    );
    let f = f.file("kamsite.yaml", "title: Review\n");
    assert!(findings(&f).contains(&"kamsite.yaml:1:1 key-account-count".to_string()));
    std::fs::remove_file(f.path().join("kamsite.yaml")).unwrap();
    assert!(findings(&f).contains(&":0:0 key-account-count".to_string()));
    f.kamsite(&["check", "--format", "github", "--fail-on", "never"])
        .assert()
        .stdout(predicate::str::contains(
            "::error title=key-account-count::",
        ));
}

fn git(dir: &Path, args: &[&str]) {
    let out = Std::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// A pull request is judged on what it changes: an old unprofitable account does not fail it,
/// a change that makes another account unprofitable does, a narrative edit does not.
#[test]
fn fail_on_new_error_judges_a_change_against_its_baseline() {
    let beta = "---\nname: Beta\ndesignation: other\nfinancials:\n  - { period: 2026-Q3, revenue: 100, gross_margin: 40, cost_to_serve: 10 }\n---\nBody\n";
    let f = Fixture::new()
        .file("kamsite.yaml", CONFIG)
        .account("acme.md", ACME)
        .account("beta.md", beta);
    git(f.path(), &["init", "-q"]);
    git(f.path(), &["add", "-A"]);
    git(f.path(), &["commit", "-qm", "q3"]);
    let check = |f: &Fixture| {
        f.kamsite(&["check", "--baseline", "HEAD", "--fail-on", "new-error"])
            .output()
            .unwrap()
    };
    // Unchanged: Acme's old `unprofitable` is not new.
    let out = check(&f);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Without the baseline, the same check fails on it.
    f.kamsite(&["check"]).assert().code(1);
    // Beta becomes unprofitable: a new error.
    std::fs::write(
        f.path().join("accounts/beta.md"),
        beta.replace("gross_margin: 40", "gross_margin: 5"),
    )
    .unwrap();
    let out = check(&f);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 new error finding"), "{err}");
    // A narrative-only change.
    std::fs::write(
        f.path().join("accounts/beta.md"),
        beta.replace("Body", "A new paragraph on the customer's strategy."),
    )
    .unwrap();
    assert_eq!(check(&f).status.code(), Some(0));
    // new-warning needs a baseline.
    f.kamsite(&["check", "--fail-on", "new-warning"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--baseline"));
}

/// A shallow clone is missing tags and history: `--reviews` and a git `--baseline` that is
/// not there say how to fetch it, never build silently without them.
#[test]
fn a_shallow_clone_is_named_with_the_fix() {
    let f = Fixture::new()
        .file("kamsite.yaml", CONFIG)
        .account("acme.md", ACME);
    let origin = f.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    for rel in ["kamsite.yaml", "accounts/acme.md"] {
        let to = origin.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(f.path().join(rel), to).unwrap();
    }
    git(&origin, &["init", "-q"]);
    git(&origin, &["add", "-A"]);
    git(&origin, &["commit", "-qm", "q2"]);
    git(&origin, &["tag", "review/2026-Q2"]);
    git(&origin, &["commit", "-qm", "q3", "--allow-empty"]);
    let url = format!("file://{}", origin.display());
    let clone = f.path().join("clone");
    git(
        f.path(),
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
    );
    for args in [
        &["build", "--reviews", "review/*", "-q"][..],
        &["build", "--baseline", "HEAD~1", "-q"],
    ] {
        Command::cargo_bin("kamsite")
            .unwrap()
            .current_dir(&clone)
            .args(args)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("shallow clone"))
            .stderr(predicate::str::contains("fetch-depth: 0"))
            .stderr(predicate::str::contains("GIT_DEPTH"));
    }
}

/// One unknown key in kamsite.yaml does not hide the account files' problems: they are checked
/// against what could be read of it.
#[test]
fn a_broken_kamsite_yaml_does_not_hide_the_account_files_problems() {
    let f = Fixture::new()
        .file(
            "kamsite.yaml",
            "titel: Review\nmanagers: [{ name: Dana Whitfield }]\nscoring:\n  attractiveness: { size: 1 }\nsources:\n  financials: { file: data/e.csv, account: acc, columns: { period: q, revenue: rev } }\n",
        )
        .account(
            "acme.md",
            "---\nname: Acme\ndesignation: key\nowner: Dana Whitfeld\nattractiveness: { sise: 3 }\n---\n",
        )
        .file("data/e.csv", "acc,q,rev\nacme,2026-Q3,lots\n");
    let d = located(&f.diagnostics());
    for expected in [
        "kamsite.yaml:1:1 unknown key `titel`",
        "accounts/acme.md:4:8 owner `Dana Whitfeld` is not a listed manager",
        "accounts/acme.md:5:19 unknown attractiveness criterion `sise`",
        "data/e.csv:2:14 `rev` is not a number",
    ] {
        assert!(d.iter().any(|l| l == expected), "{expected} in {d:?}");
    }
    // A manager entry of the wrong shape: the owners are not checked against a list that
    // lost an entry (every account of that manager would look unlisted).
    let f = f.file(
        "kamsite.yaml",
        "managers: [Dana Whitfeld, { name: Sam Ortiz }]\n",
    );
    let d = located(&f.diagnostics());
    assert!(
        !d.iter().any(|l| l.contains("is not a listed manager")),
        "{d:?}"
    );
    assert!(
        d.iter()
            .any(|l| l.starts_with("kamsite.yaml:1:12 expected a mapping")),
        "{d:?}"
    );
    // A kamsite.yaml that does not parse at all: check says what it could not check.
    let f = f.file("kamsite.yaml", "title: [unclosed\nmanagers: x\n");
    let out = f.kamsite(&["check"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1 account file was not checked against kamsite.yaml"),
        "{err}"
    );
}

/// A list item of the wrong shape does not hide the rest of its file's problems.
#[test]
fn a_wrongly_shaped_list_item_does_not_hide_the_rest_of_the_file() {
    let f = Fixture::new().file("kamsite.yaml", NO_COUNT).account(
        "acme.md",
        "---\nname: Acme\ndesignation: key\nowner: Dana\nteam: [Mara Keller]\nhealth: { satisfaction: 11 }\n---\n",
    );
    let d = located(&f.diagnostics());
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(
        d[1].starts_with("accounts/acme.md:6:25 `health.satisfaction` is out of range"),
        "{d:?}"
    );
}

#[test]
fn messages_say_what_happened_in_good_english() {
    // An unclosed `{` is named at the `{`.
    let f = Fixture::new().file("kamsite.yaml", NO_COUNT).account(
        "acme.md",
        "---\nname: Acme\ndesignation: key\nowner: Dana\nrelationship: { stage: cooperative\nplan:\n  horizon_months: 12\n---\n",
    );
    assert_eq!(
        located(&f.diagnostics()),
        ["accounts/acme.md:5:15 a `{` is not closed"]
    );
    // Deep nesting is never a raw "recursion limit exceeded".
    let f = f.account(
        "acme.md",
        format!(
            "---\nname: Acme\ndesignation: other\nextra: {}\n---\n",
            "[".repeat(1000)
        ),
    );
    let d = located(&f.diagnostics());
    assert!(d[0].contains("nested too deeply"), "{d:?}");
    // The summary counts every account file, valid or not; one error is "1 error".
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("a.md", "---\nname: A\ndesignation: other\n---\n")
        .account("b.md", "---\nname: B\ndesignation: nonsense\n---\n")
        .account("c.md", "---\nname: C\ndesignation: other\n---\n");
    f.kamsite(&["check"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "checked 3 account files (2 valid)",
        ))
        .stderr(predicate::str::contains("1 error,"));
    // One key account is "1 key account".
    let f = Fixture::new()
        .file("kamsite.yaml", "title: Review\n")
        .account("acme.md", ACME);
    let out = f
        .kamsite(&["check", "--fail-on", "never"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 key account, below"), "{err}");
}

/// `score` says its growth is year on year, and marks a partial health score.
#[test]
fn score_names_its_growth_and_marks_partial_health() {
    let partial = ACME.replace(
        "contacts:",
        "health: { satisfaction: 8, nps: 30 }\ncontacts:",
    );
    let f = Fixture::new()
        .file("kamsite.yaml", CONFIG)
        .account("acme.md", partial);
    f.kamsite(&["score"])
        .assert()
        .success()
        .stdout(predicate::str::contains("growth yoy"))
        .stdout(predicate::str::contains("*"))
        .stdout(predicate::str::contains("* partial"));
}

fn commit(dir: &Path, message: &str, date: &str) {
    let out = Std::new("git")
        .current_dir(dir)
        .args(["commit", "-qam", message])
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

fn repository(f: &Fixture) {
    git(f.path(), &["init", "-q"]);
    git(f.path(), &["add", "-A"]);
    commit(f.path(), "base", "2026-10-02T00:00:00");
}

fn judged(f: &Fixture, fail_on: &str) -> std::process::Output {
    f.kamsite(&[
        "check",
        "--baseline",
        "HEAD",
        "--fail-on",
        fail_on,
        "--as-of",
        "2026-12-01",
    ])
    .output()
    .unwrap()
}

/// The base branch is judged on the pull request's date: an action that fell overdue since
/// the base commit is not something the pull request added.
#[test]
fn the_baseline_is_judged_on_the_same_date() {
    let config = "findings:\n  key-account-count: { enabled: false }\n";
    let acme = ACME.replace("due: 2026-05-01", "due: 2026-11-01");
    let f = Fixture::new()
        .file("kamsite.yaml", config)
        .account("acme.md", acme);
    repository(&f);
    let out = judged(&f, "new-warning");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A base branch with a mistake does not fail every pull request: its findings are those of
/// what could be read of it, and a warning says so.
#[test]
fn a_baseline_with_errors_is_compared_as_far_as_it_reads() {
    let beta = "---\nname: Beta\ndesgnation: other\n---\n";
    let f = Fixture::new()
        .file("kamsite.yaml", CONFIG)
        .account("acme.md", ACME)
        .account("beta.md", beta);
    repository(&f);
    let f = f.account("beta.md", beta.replace("desgnation", "designation"));
    let out = judged(&f, "new-error");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("has 1 error; its findings are those of what could be read"),
        "{err}"
    );
}

/// A warning that becomes an error is a new error; a renamed file keeps its findings.
#[test]
fn a_finding_made_more_serious_is_new_and_a_renamed_file_is_not() {
    let f = Fixture::new()
        .file("kamsite.yaml", CONFIG)
        .account("acme.md", ACME);
    repository(&f);
    std::fs::rename(
        f.path().join("accounts/acme.md"),
        f.path().join("accounts/acme-industrial.md"),
    )
    .unwrap();
    let out = judged(&f, "new-error");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let f = f.file(
        "kamsite.yaml",
        CONFIG.replace(
            "findings:\n",
            "findings:\n  stale-plan: { severity: error }\n",
        ),
    );
    let out = judged(&f, "new-error");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 new error finding"));
}

/// Publishing at a review's tag compares the review with the one before it, never with
/// itself.
#[test]
fn a_review_built_at_its_tag_compares_with_the_review_before() {
    let f = Fixture::new()
        .file("kamsite.yaml", CONFIG)
        .account("acme.md", ACME);
    repository(&f);
    git(f.path(), &["tag", "review/2026-Q2"]);
    let f = f.account(
        "acme.md",
        ACME.replace(
            "revenue: 100, gross_margin: 20",
            "revenue: 120, gross_margin: 20",
        ),
    );
    commit(f.path(), "q3", "2026-10-04T00:00:00");
    git(f.path(), &["tag", "review/2026-Q3"]);
    // Twice: the second time the last build's site is there (as CI restores it from its
    // cache) and is no .gitignore'd: the checkout is still the tag's, the output is no input.
    for _ in 0..2 {
        f.kamsite(&["build", "--reviews", "review/*", "-q"])
            .assert()
            .success();
        let changes = std::fs::read_to_string(f.path().join("public/changes/index.html")).unwrap();
        assert!(changes.contains("review/2026-Q2"), "{changes}");
        assert!(!changes.contains("since review/2026-Q3"));
    }
}
