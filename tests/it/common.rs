//! A tiny builder for throwaway portfolios, and helpers to run the real binary on them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

/// A valid key account body, to which tests add or replace lines.
pub const GOOD: &str = "---\nname: Acme\ndesignation: key\nowner: Dana\n---\nBody\n";

/// A kamsite.yaml for tiny test portfolios: with fewer than 5 key accounts the
/// `key-account-count` rule would always report an error.
pub const NO_COUNT: &str = "findings:\n  key-account-count: { enabled: false }\n";

/// A valid account that fires no error-severity finding on its own.
pub const QUIET: &str = "---\nname: Quiet Ltd\ndesignation: other\n---\nBody\n";

impl Fixture {
    /// An empty portfolio with an `accounts/` folder.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("accounts")).expect("accounts dir");
        Fixture { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(self, rel: &str, content: impl AsRef<[u8]>) -> Fixture {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, content).expect("write");
        self
    }

    pub fn account(self, name: &str, content: impl AsRef<[u8]>) -> Fixture {
        self.file(&format!("accounts/{name}"), content)
    }

    /// `kamsite <args…> <portfolio>` run from inside the portfolio's parent, so paths in
    /// messages start with the portfolio folder's name.
    pub fn kamsite(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("kamsite").expect("binary");
        cmd.current_dir(self.path()).args(args).arg(".");
        cmd.env("NO_COLOR", "1");
        cmd
    }

    /// Everything `kamsite check --format json` prints, as JSON values.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        let out = self
            .kamsite(&["check", "--format", "json"])
            .output()
            .expect("run");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect()
    }

    /// Validation diagnostics only (findings carry a `rule` and are left out).
    pub fn diagnostics(&self) -> Vec<serde_json::Value> {
        self.json_lines()
            .into_iter()
            .filter(|d| d.get("rule").is_none())
            .collect()
    }
}

/// `file:line:col message` of each diagnostic, for compact assertions.
pub fn located(diags: &[serde_json::Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {}",
                d["file"].as_str().unwrap_or(""),
                d["line"],
                d["column"],
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

pub fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("example-portfolio")
}

/// A copy of the folder `from` (files and folders only) at `to`, for tests that edit it.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
