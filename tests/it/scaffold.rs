//! `kamsite init` and `kamsite new` produce portfolios that check and build, and never
//! overwrite a user's files.
#![allow(clippy::unwrap_used)] // a failing test may panic; the library may not

use assert_cmd::Command;
use predicates::prelude::*;

fn kamsite(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("kamsite")
        .unwrap()
        .args(args)
        .env("NO_COLOR", "1")
        .assert()
}

#[test]
fn init_then_new_then_check_and_build() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("portfolio");
    let ps = p.to_str().unwrap();
    kamsite(&["init", ps]).success();
    for f in [
        "kamsite.yaml",
        "overview.md",
        "accounts/example-customer.md",
        ".gitignore",
    ] {
        assert!(p.join(f).is_file(), "{f} missing");
    }
    kamsite(&["new", "Müller & Söhne: \"Die\" GmbH", "--portfolio", ps])
        .success()
        .stdout(predicate::str::contains(
            "accounts/mueller-soehne-die-gmbh.md",
        ));
    let text = std::fs::read_to_string(p.join("accounts/mueller-soehne-die-gmbh.md")).unwrap();
    assert!(
        text.contains(r#"name: "Müller & Söhne: \"Die\" GmbH""#),
        "{text}"
    );
    kamsite(&["check", ps])
        .success()
        .stderr(predicate::str::contains(
            "checked 2 account files and 2 other files: 0 errors",
        ));
    kamsite(&["build", "-q", ps]).success();
    assert!(p
        .join("public/accounts/mueller-soehne-die-gmbh/index.html")
        .is_file());
}

#[test]
fn nothing_is_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let ps = dir.path().to_str().unwrap();
    kamsite(&["init", ps]).success();
    std::fs::write(dir.path().join("kamsite.yaml"), "title: mine\n").unwrap();
    kamsite(&["init", ps])
        .code(1)
        .stderr(predicate::str::contains("already holds a portfolio"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("kamsite.yaml")).unwrap(),
        "title: mine\n"
    );
    // An existing portfolio without CI gets the workflow, and only that.
    let workflow = dir.path().join(".github/workflows/kamsite.yml");
    std::fs::remove_file(&workflow).unwrap();
    kamsite(&["init", ps])
        .success()
        .stderr(predicate::str::contains("added only the CI workflow"));
    assert!(workflow.is_file());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("kamsite.yaml")).unwrap(),
        "title: mine\n"
    );
    kamsite(&["new", "Acme", "--portfolio", ps]).success();
    std::fs::write(dir.path().join("accounts/acme.md"), "mine").unwrap();
    kamsite(&["new", "Acme", "--portfolio", ps])
        .code(1)
        .stderr(predicate::str::contains("never overwrites"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("accounts/acme.md")).unwrap(),
        "mine"
    );
}
