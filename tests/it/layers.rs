//! The structure stays true: every module imports only from the layers below it (README, "How
//! it is built"). A test reads the sources, as Zola's crates make the compiler do: the
//! pipeline load → validate → analyse → render (export, site) → write (output), the
//! use-cases (`app`) above it, the command line on top.

use std::collections::BTreeMap;
use std::path::Path;

/// For each top-level module, the modules it may name as `crate::…` (its own is always fine).
const ALLOWED: &[(&str, &[&str])] = &[
    // Foundations: the domain types and small helpers, importing nothing.
    ("model", &[]),
    ("slug", &[]),
    ("numfmt", &[]),
    ("timings", &[]),
    ("diagnostics", &["model"]),
    // The pipeline, each stage looking only down.
    ("load", &["model", "diagnostics", "slug", "timings"]),
    (
        "validate",
        &["model", "diagnostics", "load", "slug", "numfmt", "timings"],
    ),
    ("analyse", &["model", "numfmt"]),
    ("export", &["model", "analyse", "numfmt"]),
    ("site", &["model", "analyse", "export", "numfmt", "slug"]),
    ("output", &["model", "load"]),
    // The use-cases: everything of the pipeline, nothing of the command line.
    (
        "app",
        &[
            "model",
            "diagnostics",
            "slug",
            "numfmt",
            "timings",
            "load",
            "validate",
            "analyse",
            "export",
            "site",
            "output",
        ],
    ),
    (
        "cli",
        &[
            "model",
            "diagnostics",
            "slug",
            "numfmt",
            "timings",
            "load",
            "validate",
            "analyse",
            "export",
            "site",
            "output",
            "app",
        ],
    ),
    ("lib", &[]),
    ("main", &[]),
];

/// The `crate::x` names in `text`, outside comments.
fn crate_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
            rest = after;
        }
    }
    out
}

#[test]
fn every_module_imports_only_from_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        seen += 1;
        let rel = path.strip_prefix(&src).unwrap();
        let module = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let Some(may) = allowed.get(module.as_str()) else {
            wrong.push(format!(
                "{}: module `{module}` has no place in the layers (add it to ALLOWED)",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(path).unwrap();
        for name in crate_names(&text) {
            if name != module && !may.contains(&name.as_str()) {
                wrong.push(format!(
                    "{}: `{module}` imports `crate::{name}`, which is not below it",
                    rel.display()
                ));
            }
        }
    }
    assert!(seen > 50, "read only {seen} files under {}", src.display());
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "imports that run up:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_layer_check_sees_an_import_that_runs_up() {
    let names = crate_names(
        "use crate::site::Site; // crate::cli in a comment\nlet x = crate::app::Built::open;",
    );
    assert_eq!(names, ["site", "app"]);
}
