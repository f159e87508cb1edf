//! Issue 8: no path, link, file or cell may make kamsite lose data, leak a file, hang or run
//! code. One test (at least) per class; each failed on the code before its fix.
#![allow(clippy::unwrap_used)] // a failing test may panic; the library may not

use crate::common;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use assert_cmd::Command;
use common::{Fixture, GOOD, NO_COUNT};
use predicates::prelude::*;

/// Long enough for any run here; only there so that a regression hangs no CI job forever.
const NO_HANG: Duration = Duration::from_secs(60);

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path)
        .map(|m| m.file_type().is_fifo())
        .unwrap_or(false)
}

fn portfolio() -> Fixture {
    Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("acme.md", GOOD)
}

/// `kamsite <args…>` from the fixture's folder (no portfolio argument appended).
fn run_in(f: &Fixture, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("kamsite").unwrap();
    cmd.current_dir(f.path())
        .args(args)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1790000000")
        .timeout(NO_HANG);
    cmd
}

// Class 1 ---------------------------------------------------------------------------------------

#[test]
fn an_output_path_through_a_missing_folder_cannot_reach_the_sources() {
    let f = portfolio();
    for out in ["nothing/../accounts", "a/b/../../accounts/x/..", "x/../."] {
        run_in(&f, &["build", ".", "-o", out, "-q"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("portfolio's sources"));
        assert!(f.path().join("accounts/acme.md").is_file(), "-o {out}");
        assert!(!f.path().join("nothing").exists() && !f.path().join("a").exists());
    }
    // The portfolio's parent holds the portfolio: `p/x/../..` is refused too.
    let parent = f.path().join("p");
    std::fs::create_dir(&parent).unwrap();
    run_in(&f, &["build", ".", "-o", "p/x/../.."])
        .assert()
        .code(1);
    assert!(f.path().join("kamsite.yaml").is_file());
}

#[test]
fn export_never_writes_onto_a_source_file() {
    let f = portfolio()
        .file("templates/base.html", "x")
        .file("data/erp.csv", "a,b\n");
    for out in [
        "kamsite.yaml",
        "overview.md",
        "accounts/acme.md",
        "accounts/new.json",
        "templates/base.html",
        "data/erp.csv",
        "nothing/../kamsite.yaml",
    ] {
        let before = std::fs::read(f.path().join("kamsite.yaml")).unwrap();
        run_in(&f, &["export", ".", "--format", "json", "-o", out])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("source"));
        assert_eq!(
            std::fs::read(f.path().join("kamsite.yaml")).unwrap(),
            before
        );
        assert_eq!(
            std::fs::read_to_string(f.path().join("accounts/acme.md")).unwrap(),
            GOOD
        );
    }
    assert!(!f.path().join("accounts/new.json").exists());
    run_in(
        &f,
        &["export", ".", "--format", "json", "-o", "portfolio.json"],
    )
    .assert()
    .success();
}

// Class 2 ---------------------------------------------------------------------------------------

#[test]
fn only_a_missing_path_or_a_folder_is_an_output() {
    let f = portfolio();
    let fifo = f.path().join("pipe");
    mkfifo(&fifo);
    run_in(&f, &["build", ".", "-o", "pipe", "-q"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a folder"));
    assert!(is_fifo(&fifo));
    // The default output, `public`, as a link to a FIFO.
    std::os::unix::fs::symlink(&fifo, f.path().join("public")).unwrap();
    run_in(&f, &["build", ".", "-q"]).assert().code(1);
    assert!(is_fifo(&fifo));
    // A device, and exports onto one.
    run_in(&f, &["build", ".", "-o", "/dev/null", "-q"])
        .assert()
        .code(1);
    run_in(&f, &["export", ".", "--format", "csv", "-o", "pipe"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a regular file"));
    run_in(&f, &["export", ".", "--format", "csv", "-o", "/dev/null"])
        .assert()
        .code(1);
    assert!(is_fifo(&fifo));
}

// Class 4 ---------------------------------------------------------------------------------------

#[test]
fn a_fifo_or_an_oversized_file_is_an_error_naming_it_not_a_hang() {
    let f = portfolio();
    mkfifo(&f.path().join("accounts/pipe.md"));
    run_in(&f, &["check", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("accounts/pipe.md"))
        .stderr(predicate::str::contains("not a regular file"));

    let f = portfolio();
    mkfifo(&f.path().join("overview.md"));
    run_in(&f, &["build", ".", "-q"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("overview.md"));

    let f = Fixture::new().account("acme.md", GOOD);
    mkfifo(&f.path().join("kamsite.yaml"));
    run_in(&f, &["check", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("kamsite.yaml"));

    let f = portfolio();
    let big = std::fs::File::create(f.path().join("accounts/big.md")).unwrap();
    big.set_len(17 * 1024 * 1024).unwrap();
    run_in(&f, &["check", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("accounts/big.md"))
        .stderr(predicate::str::contains("16 MB"));

    // /dev/zero through a link would grow memory without bound.
    let f = portfolio();
    std::os::unix::fs::symlink("/dev/zero", f.path().join("static-zero")).unwrap();
    std::fs::create_dir(f.path().join("static")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", f.path().join("static/zero.bin")).unwrap();
    run_in(&f, &["build", ".", "-q"]).assert().code(1);
    assert!(!f.path().join("public").exists());
}

// Class 5 ---------------------------------------------------------------------------------------

#[test]
fn links_out_of_the_portfolio_are_errors_and_never_shown() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, "---\nSECRET=hunter2\n---\n").unwrap();

    let f = portfolio();
    std::os::unix::fs::symlink(&secret, f.path().join("accounts/leak.md")).unwrap();
    run_in(&f, &["check", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("accounts/leak.md"))
        .stderr(predicate::str::contains("outside the portfolio"))
        .stderr(predicate::str::contains("hunter2").not())
        .stdout(predicate::str::contains("hunter2").not());

    // A folder of accounts linked to a system folder.
    let f = Fixture::new().file("kamsite.yaml", NO_COUNT);
    std::fs::remove_dir(f.path().join("accounts")).unwrap();
    std::os::unix::fs::symlink(outside.path(), f.path().join("accounts")).unwrap();
    run_in(&f, &["check", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("outside the portfolio"))
        .stderr(predicate::str::contains("hunter2").not());

    // static/ publishing a file from outside.
    let f = portfolio();
    std::fs::create_dir(f.path().join("static")).unwrap();
    std::os::unix::fs::symlink(&secret, f.path().join("static/env.txt")).unwrap();
    run_in(&f, &["build", ".", "-q"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("static/env.txt"));
    assert!(!f.path().join("public").exists());

    // A link that stays inside is fine.
    let f = portfolio().file("shared/logo.txt", "logo");
    std::fs::create_dir(f.path().join("static")).unwrap();
    std::os::unix::fs::symlink("../shared/logo.txt", f.path().join("static/logo.txt")).unwrap();
    run_in(&f, &["build", ".", "-q"]).assert().success();
    assert_eq!(
        std::fs::read_to_string(f.path().join("public/logo.txt")).unwrap(),
        "logo"
    );
}

#[test]
fn a_dangling_config_link_is_an_error_not_the_defaults() {
    let f = Fixture::new().account("acme.md", GOOD);
    std::os::unix::fs::symlink("gone.yaml", f.path().join("kamsite.yaml")).unwrap();
    run_in(&f, &["check", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("kamsite.yaml"))
        .stderr(predicate::str::contains("does not exist"));
}

// Class 10 --------------------------------------------------------------------------------------

#[test]
fn the_next_build_removes_leftovers_of_an_interrupted_one() {
    let f = portfolio();
    // What kill -9 leaves: a staging folder (with kamsite's marker), and a half-done swap
    // (the old site moved aside, the new one not yet in place).
    for name in [".public.kamsite-new-AbC123", ".public.kamsite-old-XyZ789"] {
        let d = f.path().join(name);
        std::fs::create_dir_all(d.join("accounts/acme")).unwrap();
        std::fs::write(d.join(".kamsite-output"), "").unwrap();
        std::fs::write(d.join("accounts/acme/index.html"), "old").unwrap();
    }
    // Not ours (no marker): left alone.
    std::fs::create_dir(f.path().join(".public.kamsite-new-mine")).unwrap();
    std::fs::write(f.path().join(".public.kamsite-new-mine/keep"), "x").unwrap();
    run_in(&f, &["build", ".", "-q"]).assert().success();
    let left: Vec<String> = std::fs::read_dir(f.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kamsite-"))
        .collect();
    assert_eq!(left, [".public.kamsite-new-mine"]);
    assert!(f.path().join("public/accounts/acme/index.html").is_file());
}

// Class 11 --------------------------------------------------------------------------------------

#[test]
fn a_failed_write_to_stdout_is_an_error() {
    let f = portfolio();
    for format in ["json", "csv"] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("kamsite"))
            .current_dir(f.path())
            .args(["export", ".", "--format", format])
            .stdout(Stdio::from(full))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("standard output"), "{err}");
    }
}

// Class 6 ---------------------------------------------------------------------------------------

#[test]
fn spreadsheet_formulas_stay_text() {
    let f = Fixture::new().file("kamsite.yaml", NO_COUNT).account(
        "acme.md",
        "---\nname: '=HYPERLINK(\"http://x\",\"click\")'\ndesignation: key\nowner: \"+cmd|' /C calc'!A0\"\n---\n",
    );
    run_in(&f, &["build", ".", "-q"]).assert().success();
    let site = std::fs::read_to_string(f.path().join("public/data/accounts.csv")).unwrap();
    let out = run_in(&f, &["export", ".", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let export = String::from_utf8(out).unwrap();
    for csv in [&site, &export] {
        let row = csv.lines().nth(1).unwrap();
        assert!(row.starts_with("acme,\"'=HYPERLINK("), "{row}");
        assert!(row.contains(",'+cmd|' /C calc'!A0,"), "{row}");
        assert!(!row.contains(",=") && !row.contains(",+") && !row.contains(",@"));
    }
}

// Class 7 ---------------------------------------------------------------------------------------

#[test]
fn config_urls_must_be_web_urls() {
    for (line, bad) in [
        ("repo_url", "javascript:alert(1)//"),
        ("repo_url", "data:text/html,x"),
        ("base_url", "javascript:alert(1)"),
        ("base_url", "//evil.example"),
    ] {
        let f = Fixture::new()
            .file("kamsite.yaml", format!("{NO_COUNT}{line}: \"{bad}\"\n"))
            .account("acme.md", GOOD);
        run_in(&f, &["check", "."])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("kamsite.yaml:3:"))
            .stderr(predicate::str::contains(line));
    }
    let f = Fixture::new()
        .file(
            "kamsite.yaml",
            format!("{NO_COUNT}repo_url: https://git.example.com/p/blob/main\nbase_url: https://kam.example.com/\n"),
        )
        .account("acme.md", GOOD);
    run_in(&f, &["check", "."]).assert().success();
}

// Class 12 --------------------------------------------------------------------------------------

/// `text` without kamsite's own colour codes (SGR: ESC [ digits and `;` m).
fn without_colours(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("\u{1b}[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after.find(|c: char| !(c.is_ascii_digit() || c == ';'));
        match end {
            Some(e) if after[e..].starts_with('m') => rest = &after[e + 1..],
            _ => {
                out.push_str("\u{1b}[");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn terminals_get_text_not_commands() {
    let esc = "\u{1b}]52;c;aGVsbG8=\u{7}\u{1b}[2J";
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account(
            &format!("{esc}x.md"),
            GOOD.replace("name: Acme", "id: escx\nname: Escx"),
        )
        .account(
            "acme.md",
            "---\nname: \"A\\e[2J\"\ndesignation: key\nowner: \"Dana\\e]52;c;x\\a\"\n---\n",
        );
    // As on a terminal: colours on, so nothing strips escape sequences on the way out.
    for args in [&["check", "."][..], &["score", "."][..]] {
        let out = run_in(&f, args)
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1")
            .output()
            .unwrap();
        for stream in [&out.stdout, &out.stderr] {
            let text = without_colours(&String::from_utf8_lossy(stream));
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{7}'),
                "{args:?}: {text:?}"
            );
        }
    }
    let f = portfolio();
    let out = run_in(&f, &["score", "."]).output().unwrap();
    assert!(out.status.success());
}

#[test]
fn nul_characters_become_replacement_characters() {
    let f = Fixture::new().file("kamsite.yaml", NO_COUNT).account(
        "acme.md",
        "---\nname: \"Ac\\0me\"\ndesignation: key\nowner: Dana\n---\nBody \0 text\n",
    );
    run_in(&f, &["build", ".", "-q"]).assert().success();
    let page = std::fs::read(f.path().join("public/accounts/acme/index.html")).unwrap();
    assert!(!page.contains(&0), "NUL in the HTML");
    assert!(String::from_utf8(page).unwrap().contains("Ac\u{fffd}me"));
    let csv = std::fs::read(f.path().join("public/data/accounts.csv")).unwrap();
    assert!(!csv.contains(&0), "NUL in the CSV");
}

#[test]
fn new_refuses_control_characters_in_the_name() {
    let f = Fixture::new().file("kamsite.yaml", NO_COUNT);
    run_in(&f, &["new", "Evil\u{1b}[2J Corp", "--portfolio", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("control character"));
    assert_eq!(
        std::fs::read_dir(f.path().join("accounts"))
            .unwrap()
            .count(),
        0
    );
}

// Class 8 ---------------------------------------------------------------------------------------

#[test]
fn one_slug_function_and_no_two_pages_on_one_path() {
    let f = Fixture::new().file("kamsite.yaml", NO_COUNT);
    run_in(&f, &["new", "Škoda Auto", "--portfolio", "."])
        .assert()
        .success()
        .stdout(predicate::str::contains("accounts/skoda-auto.md"));

    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("a.md", GOOD.replace("Dana", "Dana Whitfield"))
        .account("b.md", GOOD.replace("Dana", "dana whitfield"))
        .account("c.md", GOOD.replace("Dana", "Dana-Whitfield"));
    run_in(&f, &["check", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("managers/dana-whitfield/"));
    run_in(&f, &["build", ".", "-q"]).assert().code(1);
    assert!(!f.path().join("public").exists());
}

// Class 13 --------------------------------------------------------------------------------------

#[test]
fn check_parses_the_portfolios_templates() {
    let f = portfolio().file("templates/account.html", "{% if %}broken");
    run_in(&f, &["check", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("templates/account.html"));
}

// Class 3 ---------------------------------------------------------------------------------------

fn git(dir: &Path, args: &[&str], input: Option<&[u8]>) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = input {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn a_git_baseline_never_writes_paths_from_the_tree() {
    let f = portfolio();
    let p = f.path();
    let outside = tempfile::tempdir().unwrap();
    let tmp = outside.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    git(p, &["init", "-q"], None);
    git(p, &["add", "."], None);
    git(p, &["commit", "-qm", "one"], None);
    // A hand-made tree: accounts/../../evil.md. A checkout file by file into a temporary
    // folder would write evil.md beside that folder.
    let blob = git(p, &["hash-object", "-w", "--stdin"], Some(b"PWNED"));
    let mut tree = git(
        p,
        &["mktree"],
        Some(format!("100644 blob {blob}\tevil.md\n").as_bytes()),
    );
    for _ in 0..2 {
        tree = git(
            p,
            &["mktree"],
            Some(format!("040000 tree {tree}\t..\n").as_bytes()),
        );
    }
    let good = git(p, &["hash-object", "-w", "accounts/acme.md"], None);
    let accounts = git(
        p,
        &["mktree"],
        Some(format!("040000 tree {tree}\t..\n100644 blob {good}\tacme.md\n").as_bytes()),
    );
    let config = git(p, &["hash-object", "-w", "kamsite.yaml"], None);
    let top = git(
        p,
        &["mktree"],
        Some(
            format!("040000 tree {accounts}\taccounts\n100644 blob {config}\tkamsite.yaml\n")
                .as_bytes(),
        ),
    );
    let commit = git(p, &["commit-tree", &top, "-m", "evil"], None);
    let _ = run_in(&f, &["build", ".", "-q", "--baseline", &commit])
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    assert!(!outside.path().join("evil.md").exists());
    assert!(!tmp.join("evil.md").exists());
    assert!(!p.join("evil.md").exists());

    // A revision that looks like an option is a revision, not an option.
    let trap = outside.path().join("rev-as-option");
    let arg = format!("--baseline=--output={}", trap.display());
    run_in(&f, &["build", ".", "-q", &arg]).assert().code(1);
    assert!(!trap.exists());
}
