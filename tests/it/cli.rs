//! End-to-end: the real binary, its exit codes and its three output formats.
#![allow(clippy::unwrap_used)] // a failing test or benchmark may panic; the library may not

use crate::common;
use assert_cmd::Command;
use common::{example, Fixture, GOOD, NO_COUNT, QUIET};
use predicates::prelude::*;

const BROKEN: &str = "---\nname: Acme\ndesgnation: key\n---\n";

#[test]
fn example_portfolio_validates_and_its_error_findings_fail_by_default() {
    // The example is valid input; it deliberately has two error-severity findings
    // (unprofitable, retention-risk), which fail `check` under the default `--fail-on error`.
    let summary = "checked 20 account files and 4 other files: 0 errors, 0 warnings, 1 info; findings: 2 errors, 20 warnings, 11 info";
    let run = |fail_on: &str| {
        let mut cmd = Command::cargo_bin("kamsite").unwrap();
        cmd.args(["check", "--fail-on", fail_on])
            .arg(example())
            .env("NO_COLOR", "1");
        cmd.assert().stderr(predicate::str::contains(summary))
    };
    run("error").code(1);
    run("warning").code(1);
    run("never").success();
}

#[test]
fn fail_on_warning_fails_when_only_warnings_are_found() {
    let f = Fixture::new().file("kamsite.yaml", NO_COUNT).account(
        "acme.md",
        "---\nname: Acme\ndesignation: other\nrelationship: { rating: { ours: 5, theirs: 2 } }\n---\n",
    );
    f.kamsite(&["check"]).assert().success();
    f.kamsite(&["check", "--fail-on", "warning"])
        .assert()
        .code(1);
}

#[test]
fn findings_come_as_json_objects_with_their_rule() {
    let f = Fixture::new().account("acme.md", GOOD);
    let lines = f.json_lines();
    let rules: Vec<&str> = lines.iter().filter_map(|l| l["rule"].as_str()).collect();
    // One key account: below hard_min (5) of the key account guideline, and a thin plan.
    assert!(rules.contains(&"key-account-count"), "{rules:?}");
    assert!(rules.contains(&"single-threaded"), "{rules:?}");
    let kac = lines
        .iter()
        .find(|l| l["rule"] == "key-account-count")
        .unwrap();
    assert_eq!(kac["severity"], "error");
    // There is no kamsite.yaml to point at: the finding is in no file.
    assert_eq!(kac["file"], "");
    assert_eq!(kac["line"], 0);
}

#[test]
fn exit_1_with_human_diagnostics_on_stderr() {
    let f = Fixture::new().account("acme.md", BROKEN);
    f.kamsite(&["check"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("error: unknown key `desgnation`"))
        .stderr(
            predicate::str::contains("--> ./accounts/acme.md:3:1")
                .or(predicate::str::contains("--> accounts/acme.md:3:1")),
        )
        .stderr(predicate::str::contains("3 | desgnation: key"))
        .stderr(predicate::str::contains(
            "help: did you mean `designation`?",
        ))
        .stderr(predicate::str::contains("1 error, 0 warnings"));
}

#[test]
fn no_colour_codes_when_not_a_terminal() {
    let f = Fixture::new().account("acme.md", BROKEN);
    let out = f
        .kamsite(&["check"])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\u{1b}'));
}

#[test]
fn json_format_is_one_object_per_line_on_stdout() {
    let f = Fixture::new()
        .account("acme.md", BROKEN)
        .account("b.md", "");
    let out = f.kamsite(&["check", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0],
        serde_json::json!({"severity": "error", "file": "accounts/acme.md", "line": 3, "column": 1,
            "message": "unknown key `desgnation`", "label": "not a key kamsite knows here",
            "help": "did you mean `designation`?"})
    );
}

#[test]
fn github_format_emits_workflow_commands() {
    let f = Fixture::new().account("acme.md", BROKEN);
    f.kamsite(&["check", "--format", "github"])
        .assert()
        .code(1)
        .stdout(
            "::error file=accounts/acme.md,line=3,col=1,title=unknown key::unknown key `desgnation`: not a key kamsite knows here (did you mean `designation`?)\n",
        );
}

#[test]
fn valid_portfolio_exits_0() {
    Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("acme.md", QUIET)
        .kamsite(&["check"])
        .assert()
        .success();
}

#[test]
fn warnings_alone_do_not_fail() {
    Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("acme.md", QUIET)
        .account("notes.txt", "x")
        .kamsite(&["check"])
        .assert()
        .success()
        .stderr(predicate::str::contains("0 errors, 1 warning"));
}

#[test]
fn missing_portfolio_is_invalid_input() {
    Command::cargo_bin("kamsite")
        .unwrap()
        .args(["check", "/nonexistent/portfolio"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("portfolio folder not found"));
}

#[test]
fn usage_errors_exit_2() {
    Command::cargo_bin("kamsite")
        .unwrap()
        .args(["check", "--format", "xml"])
        .assert()
        .code(2);
    Command::cargo_bin("kamsite")
        .unwrap()
        .args(["frobnicate"])
        .assert()
        .code(2);
}

#[test]
fn example_fires_every_rule_and_has_every_quadrant_and_stage() {
    let out = Command::cargo_bin("kamsite")
        .unwrap()
        .args(["export", "--format", "json"])
        .arg(example())
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fired: std::collections::BTreeSet<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    for rule in kamsite::analyse::rules::RULES {
        assert!(
            fired.contains(rule.id),
            "{} never fires on the example",
            rule.id
        );
    }
    for (key, n) in doc["portfolio"]["quadrants"].as_object().unwrap() {
        assert!(n.as_u64() > Some(0), "no {key} account");
    }
    for (key, n) in doc["portfolio"]["stages"].as_object().unwrap() {
        assert!(n.as_u64() > Some(0), "no {key} relationship");
    }
    assert_eq!(doc["schema"], "kamsite/portfolio/v1");
    assert_eq!(doc["accounts"].as_array().unwrap().len(), 20);
}

#[test]
fn exports_are_byte_identical_across_runs() {
    for format in ["json", "csv"] {
        let run = || {
            Command::cargo_bin("kamsite")
                .unwrap()
                .args(["export", "--format", format])
                .arg(example())
                .output()
                .unwrap()
                .stdout
        };
        assert_eq!(run(), run(), "{format}");
    }
}

#[test]
fn csv_has_a_header_and_one_row_per_account() {
    let out = Command::cargo_bin("kamsite")
        .unwrap()
        .args(["export", "--format", "csv"])
        .arg(example())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // A byte order mark first, so Excel reads UTF-8 as UTF-8 (not `KrakÃ³w`).
    let text = text.strip_prefix('\u{feff}').expect("a byte order mark");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 21);
    assert!(lines[0].starts_with("id,name,designation,owner,stage,quadrant,attractiveness,strength,health,revenue,revenue_ttm,"));
    assert!(lines[1].starts_with(
        "acme-industrial,Acme Industrial GmbH,key,Dana Whitfield,cooperative,strategic,"
    ));
}

/// For a spreadsheet in a locale with a decimal comma (German Excel opens a comma-separated
/// file in one column): `--delimiter ';'`, cells holding `;` quoted.
#[test]
fn csv_takes_another_delimiter() {
    let out = Command::cargo_bin("kamsite")
        .unwrap()
        .args(["export", "--format", "csv", "--delimiter", ";"])
        .arg(example())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("\u{feff}id;name;designation;"), "{text}");
    Command::cargo_bin("kamsite")
        .unwrap()
        .args(["export", "--format", "csv", "--delimiter", ";;"])
        .arg(example())
        .assert()
        .code(2);
}

#[test]
fn score_sorts_by_a_column_and_rejects_unknown_ones() {
    let out = Command::cargo_bin("kamsite")
        .unwrap()
        .args(["score", "--sort", "revenue"])
        .arg(example())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let first_row = text.lines().nth(2).unwrap();
    assert!(first_row.starts_with("nordlys-energi"), "{text}");
    Command::cargo_bin("kamsite")
        .unwrap()
        .args(["score", "--sort", "helth"])
        .arg(example())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `health`?"));
}

/// `--period`, `--as-of` and `SOURCE_DATE_EPOCH` settle the review period and date in this
/// order (SPEC §5), through the one façade every command uses.
#[test]
fn period_and_date_come_from_flags_then_config_then_environment() {
    let f = Fixture::new().file("kamsite.yaml", NO_COUNT).account(
        "a.md",
        "---\nname: A\ndesignation: other\nfinancials:\n  - { period: 2026-Q2, revenue: 10 }\n  - { period: 2026-Q3, revenue: 20 }\nactions: [{ action: x, due: 2026-08-01 }]\n---\n",
    );
    let export = |args: &[&str], epoch: Option<&str>| -> serde_json::Value {
        let mut cmd = Command::cargo_bin("kamsite").unwrap();
        cmd.arg("export")
            .arg(f.path())
            .args(["--format", "json"])
            .args(args);
        cmd.env_remove("SOURCE_DATE_EPOCH");
        if let Some(e) = epoch {
            cmd.env("SOURCE_DATE_EPOCH", e);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // 1790000000 s = 2026-09-21 (UTC). Latest quarter: 2026-Q3.
    let doc = export(&[], Some("1790000000"));
    assert_eq!(doc["period"], "2026-Q3");
    assert_eq!(doc["as_of"], "2026-09-21");
    assert_eq!(doc["accounts"][0]["metrics"]["revenue"], 20);
    assert_eq!(
        doc["accounts"][0]["metrics"]["plan_age_days"],
        serde_json::Value::Null
    );
    // The flags win over the environment (an as_of in 2026-Q3, since the file reports it).
    let doc = export(
        &["--period", "2026-Q2", "--as-of", "2026-07-01"],
        Some("1790000000"),
    );
    assert_eq!(doc["period"], "2026-Q2");
    assert_eq!(doc["as_of"], "2026-07-01");
    assert_eq!(doc["accounts"][0]["metrics"]["revenue"], 10);
    assert_eq!(doc["accounts"][0]["metrics"]["overdue_actions"], 0);
    // kamsite.yaml's as_of wins over the environment, not over the flag.
    std::fs::write(
        f.path().join("kamsite.yaml"),
        format!("{NO_COUNT}as_of: 2026-07-01\n"),
    )
    .unwrap();
    assert_eq!(export(&[], Some("1790000000"))["as_of"], "2026-07-01");
    assert_eq!(
        export(&["--as-of", "2026-08-01"], None)["as_of"],
        "2026-08-01"
    );
    // A malformed flag is a usage error naming the flag, before anything is read.
    Command::cargo_bin("kamsite")
        .unwrap()
        .args(["export", "--format", "json", "--period", "2026-Q5"])
        .arg(f.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--period"));
}
