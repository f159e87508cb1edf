//! Issue 17: no number that cannot be true is reported as true (SPEC §4, §15), no file leaks
//! into a log, and no input makes kamsite slow, unbounded or messy. One test (at least) per
//! class; each failed on the code before its fix.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;

use crate::common::{located, Fixture, NO_COUNT};

/// Only a guard so that a regression hangs no CI job forever; never a performance assertion.
const NO_HANG: Duration = Duration::from_secs(60);

fn run_in(f: &Fixture, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("kamsite").unwrap();
    cmd.current_dir(f.path())
        .args(args)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1790000000") // 2026-09-21
        .timeout(NO_HANG);
    cmd
}

fn stderr(f: &Fixture, args: &[&str]) -> (Option<i32>, String) {
    let out = run_in(f, args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// 1. A typo can move the whole review ---------------------------------------------------------

/// `2062-Q1` for 2026-Q1: an error at the typo, never the review period of the site.
#[test]
fn a_quarter_after_as_of_is_an_error_at_its_value_not_the_review_period() {
    let f = Fixture::new()
        .file("kamsite.yaml", format!("{NO_COUNT}as_of: 2026-10-05\n"))
        .account(
            "acme.md",
            "---\nname: Acme\ndesignation: other\nfinancials:\n  - { period: 2026-Q3, revenue: 100 }\n  - { period: 2062-Q1, revenue: 1 }\n---\n",
        )
        .account(
            "beta.md",
            "---\nname: Beta\ndesignation: other\nfinancials:\n  - { period: 2026-Q3, revenue: 200 }\n---\n",
        );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        ["accounts/acme.md:6:15 2062-Q1 is after 2026-Q4, the quarter of as_of (2026-10-05): actuals cannot be in the future"]
    );
    assert_eq!(d[0]["severity"], "error");
    let help = d[0]["help"].as_str().unwrap();
    assert!(
        help.contains("`as_of`") && help.contains("--as-of"),
        "{help}"
    );
    f.kamsite(&["check"]).assert().code(1);
    f.kamsite(&["build"]).assert().code(1);
    assert!(!f.path().join("public").exists());
}

#[test]
fn check_and_build_say_which_review_period_and_date_they_use_and_why() {
    let f = Fixture::new().file("kamsite.yaml", NO_COUNT).account(
        "acme.md",
        "---\nname: Acme\ndesignation: other\nfinancials:\n  - { period: 2026-Q2, revenue: 100 }\n  - { period: 2026-Q3, revenue: 100 }\n---\n",
    );
    let (code, err) = stderr(&f, &["check", "."]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains(
            "review period 2026-Q3 (latest reported) · as of 2026-09-21 (SOURCE_DATE_EPOCH)"
        ),
        "{err}"
    );
    let (_, err) = stderr(
        &f,
        &["build", ".", "--period", "2026-Q2", "--as-of", "2026-10-05"],
    );
    assert!(
        err.contains("review period 2026-Q2 (--period) · as of 2026-10-05 (--as-of)"),
        "{err}"
    );
    let f = f.file(
        "kamsite.yaml",
        format!("{NO_COUNT}period: 2026-Q2\nas_of: 2026-10-05\n"),
    );
    let (_, err) = stderr(&f, &["check", "."]);
    assert!(
        err.contains("review period 2026-Q2 (kamsite.yaml) · as of 2026-10-05 (kamsite.yaml)"),
        "{err}"
    );
    // Without SOURCE_DATE_EPOCH the date is today's.
    let out = run_in(&f.file("kamsite.yaml", NO_COUNT), &["check", "."])
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("(today)"));
}

#[test]
fn a_period_after_as_of_is_a_usage_error_or_an_error_at_its_line() {
    let f = Fixture::new().file("kamsite.yaml", NO_COUNT).account(
        "acme.md",
        "---\nname: Acme\ndesignation: other\nfinancials:\n  - { period: 2026-Q3, revenue: 100 }\n---\n",
    );
    let (code, err) = stderr(
        &f,
        &["check", ".", "--period", "2027-Q1", "--as-of", "2026-10-05"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--period 2027-Q1 is after 2026-Q4"), "{err}");
    let f = f.file(
        "kamsite.yaml",
        format!("{NO_COUNT}period: 2027-Q1\nas_of: 2026-10-05\n"),
    );
    assert_eq!(
        located(&f.diagnostics()),
        ["kamsite.yaml:3:9 the review period 2027-Q1 is after 2026-Q4, the quarter of as_of (2026-10-05)"]
    );
}

/// Fiscal quarters: with a fiscal year starting in April, October is in Q3.
#[test]
fn the_quarter_of_as_of_follows_the_fiscal_year() {
    let f = Fixture::new()
        .file(
            "kamsite.yaml",
            format!("{NO_COUNT}fiscal_year_start: 4\nas_of: 2026-10-05\n"),
        )
        .account(
            "acme.md",
            "---\nname: Acme\ndesignation: other\nfinancials:\n  - { period: 2026-Q3, revenue: 100 }\n  - { period: 2026-Q4, revenue: 100 }\n---\n",
        );
    assert_eq!(
        located(&f.diagnostics()),
        ["accounts/acme.md:6:15 2026-Q4 is after 2026-Q3, the quarter of as_of (2026-10-05): actuals cannot be in the future"]
    );
}

// 2. Impossible figures -------------------------------------------------------------------------

const IMPLAUSIBLE: &str = "---\nname: Acme\ndesignation: key\nowner: Dana\ncustomer_since: 2027-01-01\nplan: { horizon_months: 24, last_reviewed: 2026-12-01 }\nhealth: { surveyed: 2026-11-01 }\ncontacts:\n  - { name: Ann, last_contact: 2027-01-01 }\nopportunities:\n  - { name: Deal, value: 1000, stage: proposal, probability: 0.6 }\nfinancials:\n  - { period: 2026-Q1, revenue: 1000, category_spend: 500 }\n  - { period: 2026-Q2, revenue: 60000, gross_margin: 900000 }\n---\nBody\n";

#[test]
fn every_implausible_value_is_reported_at_its_position_in_one_run() {
    let f = Fixture::new()
        .file("kamsite.yaml", format!("{NO_COUNT}as_of: 2026-10-05\n"))
        .account("acme.md", IMPLAUSIBLE);
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        [
            "accounts/acme.md:5:17 `customer_since` 2027-01-01 is after as_of (2026-10-05)",
            "accounts/acme.md:6:44 `plan.last_reviewed` 2026-12-01 is after as_of (2026-10-05)",
            "accounts/acme.md:7:21 `health.surveyed` 2026-11-01 is after as_of (2026-10-05)",
            "accounts/acme.md:9:32 `contacts[0].last_contact` 2027-01-01 is after as_of (2026-10-05)",
            "accounts/acme.md:11:62 probability 0.6 is a percentage: 0.6 means 0.6 %",
            "accounts/acme.md:13:33 revenue 1,000 is greater than the category spend 500 in 2026-Q1",
            "accounts/acme.md:14:33 revenue of 2026-Q2 is 60 × that of 2026-Q1 (60,000 against 1,000)",
            "accounts/acme.md:14:54 gross margin 900,000 is greater than revenue 60,000 in 2026-Q2",
        ]
    );
    let severities: Vec<&str> = d.iter().map(|d| d["severity"].as_str().unwrap()).collect();
    assert_eq!(
        severities,
        ["warning", "warning", "warning", "warning", "warning", "warning", "warning", "error"]
    );
}

/// Warnings do not reject the portfolio; a plan reviewed "after today" has no age, never a
/// negative one.
#[test]
fn plausibility_warnings_keep_the_portfolio_and_plan_age_is_never_negative() {
    let body = IMPLAUSIBLE.replace(", gross_margin: 900000", "");
    let f = Fixture::new()
        .file("kamsite.yaml", format!("{NO_COUNT}as_of: 2026-10-05\n"))
        .account("acme.md", body);
    let out = f.kamsite(&["export", "--format", "json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["accounts"][0]["metrics"]["plan_age_days"],
        serde_json::Value::Null
    );
}

// 3. and 5. CSV rows of the wrong shape, sources in dot folders, long cells ----------------------

fn csv_portfolio(config_sources: &str, files: &[(&str, &str)]) -> Fixture {
    let mut f = Fixture::new()
        .file(
            "kamsite.yaml",
            format!("{NO_COUNT}as_of: 2026-10-05\nsources:\n{config_sources}"),
        )
        .account("a.md", "---\nname: A\ndesignation: other\n---\n");
    for (rel, content) in files {
        f = f.file(rel, content);
    }
    f
}

const ERP: &str = "  financials:\n    file: data/erp.csv\n    account: acc\n    columns: { period: q, revenue: rev, gross_margin: gm }\n";

#[test]
fn a_row_with_more_or_fewer_cells_than_the_header_is_an_error_never_shifted() {
    let f = csv_portfolio(
        ERP,
        &[(
            "data/erp.csv",
            "acc,q,rev,gm\na,2026-Q3,1,234,567,300,000\na,2026-Q2,5\na,2026-Q1,7,3\n",
        )],
    );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        [
            "data/erp.csv:2:1 this row has 7 cells, the header has 4",
            "data/erp.csv:3:1 this row has 3 cells, the header has 4",
        ]
    );
    let help = d[0]["help"].as_str().unwrap();
    assert!(
        help.contains("thousands separator") && help.contains("quote"),
        "{help}"
    );
    f.kamsite(&["check"]).assert().code(1);
}

#[test]
fn implausible_csv_cells_are_reported_at_the_cell() {
    let f = csv_portfolio(
        ERP,
        &[(
            "data/erp.csv",
            "acc,q,rev,gm\na,2026-Q2,100,900\na,2062-Q1,100,10\n",
        )],
    );
    assert_eq!(
        located(&f.diagnostics()),
        [
            "data/erp.csv:2:15 gross margin 900 is greater than revenue 100 in 2026-Q2",
            "data/erp.csv:3:3 2062-Q1 is after 2026-Q4, the quarter of as_of (2026-10-05): actuals cannot be in the future",
        ]
    );
}

#[test]
fn a_source_in_a_dot_folder_or_dot_file_is_refused_and_its_cells_never_printed() {
    let secret = "AUTHORIZATION: basic c2VjcmV0LXRva2Vu";
    for file in [".git/config", ".env", "data/.hidden.csv", "data/link.csv"] {
        let config = format!(
            "  financials:\n    file: {file}\n    account: acc\n    columns: {{ period: q }}\n"
        );
        let f = csv_portfolio(
            &config,
            &[
                (
                    ".git/config",
                    &format!("[http]\n\textraheader = {secret}\n"),
                ),
                (".env", &format!("TOKEN={secret}\n")),
                ("data/.hidden.csv", &format!("acc,q\n{secret},1\n")),
            ],
        );
        if file == "data/link.csv" {
            std::os::unix::fs::symlink("../.git/config", f.path().join(file)).unwrap();
        }
        let out = f
            .kamsite(&["check", "--format", "github"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{file}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("c2VjcmV0"), "{file} leaked: {all}");
        assert!(all.contains("file=kamsite.yaml"), "{file}: {all}");
    }
}

#[test]
fn no_diagnostic_echoes_more_than_80_characters_of_a_cell() {
    let long = "7".repeat(200);
    let f = csv_portfolio(
        ERP,
        &[(
            "data/erp.csv",
            &format!("acc,q,rev,gm\na,2026-Q3,x{long},1\n"),
        )],
    );
    for format in ["human", "json", "github"] {
        let out = f.kamsite(&["check", "--format", format]).output().unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(all.contains("is not a number"), "{format}: {all}");
        assert!(!all.contains(&"7".repeat(81)), "{format}: {all}");
    }
}

// 4. The same file twice ------------------------------------------------------------------------

#[test]
fn two_paths_to_one_account_file_are_an_error_naming_both() {
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account(
            "a.md",
            "---\nname: A\nid: a\ndesignation: other\nfinancials:\n  - { period: 2026-Q3, revenue: 100 }\n---\n",
        );
    std::fs::create_dir(f.path().join("accounts/emea")).unwrap();
    std::os::unix::fs::symlink("../a.md", f.path().join("accounts/emea/alias.md")).unwrap();
    let d = f.diagnostics();
    let messages: Vec<String> = located(&d);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with("accounts/emea/alias.md:0:0 ")
            && messages[0].contains("accounts/a.md")
            && messages[0].contains("same file"),
        "{messages:?}"
    );
    f.kamsite(&["export", "--format", "json"]).assert().code(1);
}

// 6. export -o never overwrites an input --------------------------------------------------------

#[test]
fn export_never_overwrites_a_file_a_build_reads() {
    let config =
        "  financials:\n    file: erp/q3.csv\n    account: acc\n    columns: { period: q, revenue: rev }\n";
    let f = csv_portfolio(
        config,
        &[
            ("erp/q3.csv", "acc,q,rev\na,2026-Q3,100\n"),
            (".git/config", "[core]\n"),
            (".github/workflows/kamsite.yml", "on: push\n"),
        ],
    );
    for target in [
        "erp/q3.csv",
        ".git/config",
        ".github/workflows/kamsite.yml",
        ".env",
    ] {
        let before = std::fs::read(f.path().join(target)).ok();
        run_in(&f, &["export", ".", "--format", "csv", "-o", target])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("refusing"));
        assert_eq!(
            std::fs::read(f.path().join(target)).ok(),
            before,
            "{target}"
        );
    }
    for out in [".git", ".github", "erp"] {
        run_in(&f, &["build", ".", "-o", out, "-q"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("refusing"));
    }
    assert!(f.path().join("erp/q3.csv").is_file() && f.path().join(".git/config").is_file());
}

// 7. Markdown in linear time ----------------------------------------------------------------------

#[test]
fn thousands_of_equal_headings_build_without_a_hang() {
    let f = Fixture::new().file("kamsite.yaml", NO_COUNT).account(
        "a.md",
        format!(
            "---\nname: A\ndesignation: other\n---\n{}",
            "## Risks\n\nText.\n\n".repeat(40_000)
        ),
    );
    let started = Instant::now();
    run_in(&f, &["build", ".", "-q"]).assert().success();
    // Reported, not asserted: a timing is never a test's verdict.
    eprintln!("built in {:?}", started.elapsed());
    let page = std::fs::read_to_string(f.path().join("public/accounts/a/index.html")).unwrap();
    assert!(page.contains("id=\"plan-risks\"") && page.contains("id=\"plan-risks-40000\""));
}

/// Cleaning raw HTML costs the square of its nesting depth: 50,000 nested tags are refused at
/// once with a clear message; 512 levels build.
#[test]
fn raw_html_nested_beyond_reason_is_refused_at_once() {
    let deep = format!("{}x{}", "<div>".repeat(50_000), "</div>".repeat(50_000));
    let f = Fixture::new().file("kamsite.yaml", NO_COUNT).account(
        "a.md",
        format!("---\nname: A\ndesignation: other\n---\nIntro\n\n{deep}\n"),
    );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        ["accounts/a.md:7:2561 the narrative nests HTML tags more than 512 levels deep"]
    );
    run_in(&f, &["build", ".", "-q"]).assert().code(1);
    let fine = format!("{}x{}", "<div>".repeat(512), "</div>".repeat(512));
    let f = f.account(
        "a.md",
        format!("---\nname: A\ndesignation: other\n---\n{fine}\n"),
    );
    run_in(&f, &["build", ".", "-q"]).assert().success();
}

// 8. and 10. Interrupted builds leave nothing --------------------------------------------------

fn staging_folders(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".kamsite-new-") || n.contains(".kamsite-old-"))
        .collect()
}

#[test]
fn a_later_build_removes_an_unmarked_staging_folder_of_its_own() {
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("a.md", "---\nname: A\ndesignation: other\n---\n");
    // kill -9 after files were written but without a marker.
    let left = f.path().join(".public.kamsite-new-Ab12Cd");
    std::fs::create_dir_all(left.join("accounts/a")).unwrap();
    std::fs::write(left.join("accounts/a/index.html"), "half").unwrap();
    run_in(&f, &["build", ".", "-q"]).assert().success();
    assert_eq!(staging_folders(f.path()), Vec::<String>::new());
}

/// A template override that never ends (templates are code, docs/security.md): the build is
/// stopped by a signal, as a CI timeout or Ctrl-C stops it, and leaves nothing behind. Pages
/// are written as their templates run: a template that writes nothing while it loops must
/// not hold the signal off either.
#[test]
fn sigint_or_sigterm_stops_a_build_and_leaves_no_staging_folder() {
    let endless = |inner: &str| {
        format!("{{% for i in range(end=10000) %}}{{% for j in range(end=10000) %}}{{% for k in range(end=10000) %}}{inner}{{% endfor %}}{{% endfor %}}{{% endfor %}}")
    };
    for (signal, template) in [
        ("-INT", endless(".")),
        ("-TERM", endless(".")),
        ("-INT", endless("")),
        ("-TERM", endless("")),
    ] {
        let f = Fixture::new()
            .file("kamsite.yaml", NO_COUNT)
            .account("a.md", "---\nname: A\ndesignation: other\n---\n")
            .file("templates/account.html", &template);
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kamsite"))
            .current_dir(f.path())
            .args(["build", ".", "-q"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while staging_folders(f.path()).is_empty() && started.elapsed() < NO_HANG {
            std::thread::sleep(Duration::from_millis(20));
        }
        if staging_folders(f.path()).is_empty() {
            let _ = child.kill();
            panic!("the build never started");
        }
        std::thread::sleep(Duration::from_millis(200));
        std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if started.elapsed() >= NO_HANG {
                // Not left running forever on a failure: the template never ends.
                let _ = child.kill();
                panic!("{signal} did not stop the build");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(!status.success(), "{signal}");
        assert_eq!(staging_folders(f.path()), Vec::<String>::new(), "{signal}");
        assert!(!f.path().join("public").exists());
    }
}

// 9. Bounded diagnostics ------------------------------------------------------------------------

#[test]
fn unknown_account_keys_give_one_warning_each_with_their_row_count() {
    let mut rows = String::from("acc,q,rev\n");
    for i in 0..3000 {
        rows.push_str(&format!("x{},2026-Q3,1\n", 900 + i % 3));
    }
    // One row for the portfolio's account: the column is the right one.
    rows.push_str("a,2026-Q3,1\n");
    let f = csv_portfolio(
        "  financials:\n    file: data/erp.csv\n    account: acc\n    columns: { period: q, revenue: rev }\n",
        &[("data/erp.csv", &rows)],
    );
    let d = f.diagnostics();
    assert_eq!(
        located(&d),
        [
            "data/erp.csv:2:1 no account has the id `x900`; its 1000 rows are not used",
            "data/erp.csv:3:1 no account has the id `x901`; its 1000 rows are not used",
            "data/erp.csv:4:1 no account has the id `x902`; its 1000 rows are not used",
        ]
    );
    assert!(d.iter().all(|d| d["severity"] == "warning"));
    // One customer number is never offered as "did you mean" another's.
    assert!(d
        .iter()
        .all(|d| !d["help"].as_str().unwrap_or("").contains("did you mean")));
}

#[test]
fn at_most_50_problems_of_one_kind_per_file_then_a_count() {
    let mut rows = String::from("acc,q,rev\n");
    for _ in 0..120 {
        rows.push_str("a,2026-Q3,lots\n");
    }
    let f = csv_portfolio(
        "  financials:\n    file: data/erp.csv\n    account: acc\n    columns: { period: q, revenue: rev }\n",
        &[("data/erp.csv", &rows)],
    );
    let d = f.diagnostics();
    assert_eq!(d.len(), 51, "{:?}", located(&d));
    assert!(d[..50]
        .iter()
        .all(|d| d["message"] == "`rev` is not a number"));
    // Named by its kind, and placed at the first problem left out.
    assert_eq!(d[50]["message"], "… and 70 more like this (invalid value)");
    assert_eq!(
        (d[50]["line"].as_u64(), d[50]["column"].as_u64()),
        (Some(52), Some(11))
    );
    let (code, err) = stderr(&f, &["check", "."]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("… and 70 more like this (invalid value)"),
        "{err}"
    );
}

// Found by a hostile tester after the first round of fixes ----------------------------------

/// A link under `static/`, `templates/` or `accounts/` that resolves into a hidden file or
/// folder of the portfolio (`.git/config`, `.env`) is refused like a link out of it: its
/// contents are never published or printed.
#[test]
fn links_into_hidden_files_are_refused_everywhere() {
    let secret = "AUTHORIZATION: basic c2VjcmV0LXRva2Vu";
    for (link, target) in [
        ("static/config.txt", "../.git/config"),
        ("static/g", "../.git"),
        ("accounts/leak.md", "../.git/config"),
        ("templates/base.html", "../.env"),
    ] {
        let f = Fixture::new()
            .file("kamsite.yaml", NO_COUNT)
            .account("a.md", "---\nname: A\ndesignation: other\n---\n")
            .file(".git/config", format!("[http]\n\textraheader = {secret}\n"))
            .file(".env", format!("TOKEN={secret}\n"));
        let at = f.path().join(link);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, &at).unwrap();
        for args in [
            &["check", ".", "--format", "github"][..],
            &["build", ".", "-o", "out"],
        ] {
            let out = run_in(&f, args).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{link} {args:?}");
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!all.contains("c2VjcmV0"), "{link} leaked: {all}");
            assert!(all.contains("hidden"), "{link}: {all}");
        }
        assert!(!f.path().join("out").exists(), "{link}");
    }
}

/// The output guard follows links: a source reached through a link is protected where it
/// really is, and an output path that is a link to a source is refused too.
#[test]
fn export_never_writes_through_a_link_onto_a_source() {
    let config =
        "  financials:\n    file: data2/e.csv\n    account: acc\n    columns: { period: q, revenue: rev }\n";
    let f = csv_portfolio(config, &[("exports/erp.csv", "acc,q,rev\na,2026-Q3,100\n")]);
    std::fs::create_dir(f.path().join("data2")).unwrap();
    std::os::unix::fs::symlink("../exports/erp.csv", f.path().join("data2/e.csv")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    let link = outside.path().join("l.csv");
    std::os::unix::fs::symlink(f.path().join("exports/erp.csv"), &link).unwrap();
    for target in ["exports/erp.csv", link.to_str().unwrap()] {
        run_in(&f, &["export", ".", "--format", "json", "-o", target])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("refusing"));
        assert_eq!(
            std::fs::read_to_string(f.path().join("exports/erp.csv")).unwrap(),
            "acc,q,rev\na,2026-Q3,100\n",
            "{target}"
        );
    }
    run_in(&f, &["build", ".", "-o", "exports", "-q"])
        .assert()
        .code(1);
}

/// `<div/>` opens a div in HTML (only void elements close themselves), so it nests like
/// `<div>`; inside SVG, `<path/>` really is closed.
#[test]
fn self_closed_tags_nest_like_open_ones_outside_svg() {
    let f = Fixture::new().file("kamsite.yaml", NO_COUNT).account(
        "a.md",
        format!(
            "---\nname: A\ndesignation: other\n---\n{}\n",
            "<div/>".repeat(600)
        ),
    );
    assert_eq!(
        located(&f.diagnostics()),
        ["accounts/a.md:5:3073 the narrative nests HTML tags more than 512 levels deep"]
    );
    let svg = format!("<svg>{}</svg>\n", "<path d=\"M0 0\"/>".repeat(600));
    let f = f.account(
        "a.md",
        format!("---\nname: A\ndesignation: other\n---\n{svg}"),
    );
    run_in(&f, &["build", ".", "-q"]).assert().success();
}

/// Of two paths to one account file, the link is the one reported, never the real file.
#[test]
fn the_link_is_blamed_not_the_real_file() {
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("a.md", "---\nname: A\ndesignation: other\n---\n");
    std::os::unix::fs::symlink("a.md", f.path().join("accounts/0.md")).unwrap();
    let d = located(&f.diagnostics());
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with("accounts/0.md:0:0 this is the same file as accounts/a.md"),
        "{d:?}"
    );
}

/// A quoted cell holding a line break: the cells after it are on the next line.
#[test]
fn cells_after_a_line_break_in_a_quoted_cell_are_placed_right() {
    let config = "  opportunities:\n    file: data/o.csv\n    account: Cust\n    columns: { name: Name, value: Val, stage: Stage, probability: P }\n";
    let f = csv_portfolio(
        config,
        &[(
            "data/o.csv",
            "Cust,Name,Val,Stage,P\na,\"line1\nline2\",10,proposal,0.5\n",
        )],
    );
    assert_eq!(
        located(&f.diagnostics()),
        ["data/o.csv:3:20 probability 0.5 is a percentage: 0.5 means 0.5 %"]
    );
}

/// Amounts in messages are shown as written, so two different numbers never read the same.
#[test]
fn amounts_in_plausibility_messages_keep_their_decimals() {
    let f = Fixture::new()
        .file("kamsite.yaml", format!("{NO_COUNT}as_of: 2026-10-05\n"))
        .account(
            "a.md",
            "---\nname: A\ndesignation: other\nopportunities:\n  - { name: D, value: 10, stage: proposal, probability: 0.0001 }\nfinancials:\n  - { period: 2026-Q2, revenue: 1000, gross_margin: 1000.004 }\n---\n",
        );
    let d = f.diagnostics();
    let m: Vec<&str> = d.iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert_eq!(
        m,
        [
            "probability 0.0001 is a percentage: 0.0001 means 0.0001 %",
            "gross margin 1,000.004 is greater than revenue 1,000 in 2026-Q2",
        ]
    );
    assert_eq!(d[0]["help"], "write 0.01 for 0.01 %");
}

/// An empty folder whose name only looks like a staging folder is not kamsite's.
#[test]
fn only_exact_staging_names_or_marked_folders_are_removed() {
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("a.md", "---\nname: A\ndesignation: other\n---\n");
    for name in [
        ".public.kamsite-new-X",
        ".public.kamsite-new-BBBBBBB",
        ".public.kamsite-old-bbbbbb.bak",
    ] {
        std::fs::create_dir(f.path().join(name)).unwrap();
    }
    run_in(&f, &["build", ".", "-q"]).assert().success();
    let mut left = staging_folders(f.path());
    left.sort();
    assert_eq!(
        left,
        [
            ".public.kamsite-new-BBBBBBB",
            ".public.kamsite-new-X",
            ".public.kamsite-old-bbbbbb.bak"
        ]
    );
}

/// `file: .` names the portfolio folder, not a file: an error at its line in kamsite.yaml.
#[test]
fn a_source_that_is_a_folder_is_an_error_at_its_line() {
    let f = csv_portfolio(
        "  financials:\n    file: .\n    account: acc\n    columns: { period: q }\n",
        &[],
    );
    let d = located(&f.diagnostics());
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].starts_with("kamsite.yaml:6:11 "), "{d:?}");
}

/// Even with problems, `check` says which review period and date it checked against.
#[test]
fn check_names_the_review_period_also_when_the_portfolio_has_errors() {
    let f = Fixture::new()
        .file("kamsite.yaml", format!("{NO_COUNT}as_of: 2026-10-05\n"))
        .account(
            "a.md",
            "---\nname: A\ndesignation: other\nfinancials:\n  - { period: 2026-Q3, revenue: 10, gross_margin: 20 }\n---\n",
        );
    let (code, err) = stderr(&f, &["check", "."]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("review period 2026-Q3 (latest reported) · as of 2026-10-05 (kamsite.yaml)"),
        "{err}"
    );
}
