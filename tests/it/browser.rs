//! The built example site in a real browser (Debian's Chromium, driven by playwright-core) and
//! through the W3C Nu HTML checker. Both need tools outside cargo: `.ci/run` installs them.
//! When one is missing the test says so loudly; under `CI=true` it fails instead of skipping.
#![allow(clippy::unwrap_used)] // a failing test may panic; the library may not

use crate::common;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Returns the tool, or None after shouting (and panics under CI=true).
pub(crate) fn require(what: &str, found: Option<PathBuf>, how: &str) -> Option<PathBuf> {
    if found.is_some() {
        return found;
    }
    let msg = format!("\n*** {what} NOT FOUND: this test cannot run. Install it with: {how} ***\n");
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("{msg}*** SKIPPED (it would fail under CI=true) ***");
    None
}

pub(crate) fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

fn chromium() -> Option<PathBuf> {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
                .iter()
                .map(PathBuf::from)
                .find(|p| p.is_file())
        })
        .or_else(|| on_path("chromium"))
}

/// Builds the example portfolio into a temporary folder with the real binary, against a
/// baseline (its own export), so that every kind of page exists, the changes page included.
fn build_example() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let baseline = out.path().join("baseline.json");
    let export = assert_cmd::Command::cargo_bin("kamsite")
        .unwrap()
        .args(["export", "--format", "json", "-o"])
        .arg(&baseline)
        .arg(common::example())
        .output()
        .unwrap();
    assert!(export.status.success());
    let status = assert_cmd::Command::cargo_bin("kamsite")
        .unwrap()
        .args(["build", "-q", "--baseline"])
        .arg(&baseline)
        .arg("-o")
        .arg(&site)
        .arg(common::example())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    out
}

#[test]
fn example_site_works_in_a_real_browser() {
    let install = "apt-get install chromium nodejs npm && npm ci --prefix tests/browser";
    let Some(chromium) = require("Chromium", chromium(), install) else {
        return;
    };
    let Some(node) = require("node", on_path("node"), install) else {
        return;
    };
    let module = browser_dir().join("node_modules/playwright-core");
    let Some(_) = require(
        "playwright-core",
        module.is_dir().then_some(module),
        install,
    ) else {
        return;
    };
    let out = build_example();
    run_checks(
        &node,
        "e2e.mjs",
        &out.path().join("site"),
        &chromium,
        "browser",
    );
}

/// Runs the browser script `script` of tests/browser on `target` with `chromium`; its report
/// (a line per check) is printed, and any failed check fails the test.
pub(crate) fn run_checks(node: &Path, script: &str, target: &Path, chromium: &Path, what: &str) {
    let result = Command::new(node)
        .arg(browser_dir().join(script))
        .arg(target)
        .env("CHROMIUM", chromium)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&result.stdout);
    println!("{stdout}");
    assert!(
        result.status.success(),
        "{what} checks failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

#[test]
fn every_page_of_the_example_site_is_valid_html() {
    let install = "apt-get install default-jre-headless && npm ci --prefix tests/browser";
    let Some(java) = require("java", on_path("java"), install) else {
        return;
    };
    let jar = browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let Some(jar) = require(
        "vnu.jar (npm package vnu-jar)",
        jar.is_file().then_some(jar),
        install,
    ) else {
        return;
    };
    let out = build_example();
    let result = Command::new(java)
        .args(["-jar"])
        .arg(jar)
        .args(["--errors-only", "--skip-non-html"])
        .arg(out.path().join("site"))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&result.stderr);
    assert!(
        result.status.success() && report.trim().is_empty(),
        "the W3C Nu checker found errors:\n{report}"
    );
}
