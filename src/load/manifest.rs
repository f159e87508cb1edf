//! The one list of what a build reads of a portfolio folder, by relative path: kamsite.yaml,
//! overview.md, `accounts/`, `templates/`, `static/` and the sources kamsite.yaml names.
//!
//! Four places need to know it and ask here: the preview's watcher (a change to one of these
//! rebuilds, nothing else does), the output guard of `build -o` and `export -o` (none of these,
//! nor `.git/` or any hidden file, is ever written), a git revision (only these are read from
//! its tree), and loading itself.

use crate::model::Config;

/// What a build reads, given the configuration's sources.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// The configured source files, relative and `/`-separated (`data/erp.csv`).
    sources: Vec<String>,
}

impl Manifest {
    /// The manifest of a portfolio configured by `config`.
    pub fn new(config: &Config) -> Manifest {
        Manifest {
            sources: config
                .sources
                .files()
                .into_iter()
                .map(super::sources::normal)
                .collect(),
        }
    }

    /// The manifest of the portfolio whose kamsite.yaml text is `config` (none: no sources);
    /// a text that does not decode names no sources (loading reports why).
    pub fn from_config_text(config: Option<&str>) -> Manifest {
        Manifest {
            sources: config
                .map(super::sources::files_named_in)
                .unwrap_or_default(),
        }
    }

    /// The manifest of the portfolio at `dir`, read from its kamsite.yaml now (the preview
    /// asks again after each change, since kamsite.yaml may name other sources).
    pub fn of_dir(dir: &std::path::Path) -> Manifest {
        let root = super::Root::new(dir);
        let text = super::read_text(&root, super::CONFIG_FILE).and_then(Result::ok);
        Manifest::from_config_text(text.as_deref())
    }

    /// The configured source files.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// Whether a build reads the file (or folder) at `rel`: the configuration, the overview,
    /// accounts (not drafts), template overrides, static files and the configured sources —
    /// never a hidden file or folder, an editor's swap or backup file, or the output.
    pub fn reads(&self, rel: &str) -> bool {
        let name = rel.rsplit('/').next().unwrap_or("");
        let editor_file = name.starts_with('#')
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name.ends_with(".tmp")
            // JetBrains IDEs' "safe write"
            || name.ends_with("___jb_tmp___")
            || name.ends_with("___jb_old___")
            || name == "4913"; // vim's probe file
        if editor_file || hidden(rel) {
            return false;
        }
        if self.sources.iter().any(|s| s == rel) {
            return true;
        }
        let first = rel.split('/').next().unwrap_or("");
        match first {
            super::CONFIG_FILE | super::OVERVIEW_FILE => !rel.contains('/'),
            // A folder event (created, removed, renamed) counts too: it may carry accounts.
            "accounts" => !rel.split('/').any(|c| c.starts_with('_')),
            "templates" | "static" => true,
            _ => false,
        }
    }

    /// Where the inputs of the portfolio at `dir` (resolved) really are when a link leads
    /// elsewhere inside it — a source `data/e.csv -> ../exports/erp.csv`, a linked account
    /// file — so the output guard protects them where they are. Only links are resolved.
    pub fn linked_inputs(&self, dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        let fixed = [super::CONFIG_FILE, super::OVERVIEW_FILE];
        for rel in fixed
            .iter()
            .copied()
            .chain(self.sources.iter().map(String::as_str))
        {
            let path = dir.join(rel);
            if let Ok(real) = path.canonicalize() {
                if real != path {
                    out.push(real);
                }
            }
        }
        for sub in ["accounts", "templates", "static"] {
            for entry in walkdir::WalkDir::new(dir.join(sub))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.path_is_symlink())
            {
                if let Ok(real) = entry.path().canonicalize() {
                    out.push(real);
                }
            }
        }
        out
    }

    /// Whether `rel` (relative to the portfolio, `/`-separated) must never be written or
    /// replaced: anything a build reads or could read (every account, drafts included, and
    /// `data/`, where exports for sources are kept), and anything hidden (`.git/`, `.github/`,
    /// `.env`). A folder is protected when it holds a protected path.
    pub fn protects(&self, rel: &str) -> bool {
        if rel.is_empty() || hidden(rel) {
            return true;
        }
        let under = |top: &str| rel == top || rel.starts_with(&format!("{top}/"));
        let holds = |inner: &str| inner.starts_with(&format!("{rel}/"));
        const FIXED: [&str; 6] = [
            super::CONFIG_FILE,
            super::OVERVIEW_FILE,
            "accounts",
            "templates",
            "static",
            "data",
        ];
        FIXED.iter().any(|f| under(f) || holds(f))
            || self.sources.iter().any(|s| under(s) || holds(s))
    }
}

/// Whether any part of `rel` is hidden (starts with `.`, not `.` itself).
pub fn hidden(rel: &str) -> bool {
    hidden_part(rel).is_some()
}

/// The first hidden part of `rel`: `.git` of `.git/config`.
pub fn hidden_part(rel: &str) -> Option<&str> {
    rel.split('/')
        .find(|c| c.starts_with('.') && *c != "." && *c != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest::from_config_text(Some(
            "sources:\n  financials: { file: ./erp/q3.csv, account: No, columns: { period: Q } }\n",
        ))
    }

    #[test]
    fn a_build_reads_these_and_nothing_else() {
        let m = manifest();
        for yes in [
            "kamsite.yaml",
            "overview.md",
            "accounts/acme.md",
            "accounts/emea/nordlys.md",
            "accounts/emea",
            "templates/account.html",
            "static/logo.svg",
            "erp/q3.csv",
        ] {
            assert!(m.reads(yes), "{yes}");
        }
        for no in [
            "public/index.html",
            "accounts/_draft.md",
            "accounts/_drafts/x.md",
            "accounts/.acme.md.swp",
            "accounts/acme.md~",
            "accounts/#acme.md#",
            "accounts/4913",
            "accounts/acme.md___jb_tmp___",
            ".git/index",
            "notes.txt",
            "emea/kamsite.yaml",
            "erp/q2.csv",
        ] {
            assert!(!m.reads(no), "{no}");
        }
    }

    #[test]
    fn inputs_and_hidden_paths_are_never_written() {
        let m = manifest();
        for yes in [
            "",
            "kamsite.yaml",
            "accounts",
            "accounts/_draft.md",
            "erp",
            "erp/q3.csv",
            "data/x.csv",
            ".git",
            ".git/config",
            ".github/workflows/kamsite.yml",
            ".env",
            "public/.hidden",
        ] {
            assert!(m.protects(yes), "{yes}");
        }
        for no in ["public", "site/out", "out.json", "erp2", "erp/q2.csv"] {
            assert!(!m.protects(no), "{no}");
        }
    }
}
