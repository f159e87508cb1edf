//! Lists every file under `templates/` for `site::render::TEMPLATES`, each embedded with
//! `include_str!`, so the binary carries its templates and a new template needs no code.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    collect(&dir, &dir, &mut files);
    files.sort();
    let mut out = String::from("&[\n");
    for (name, path) in files {
        println!("cargo::rerun-if-changed={path}");
        let _ = writeln!(out, "    ({name:?}, include_str!({path:?})),");
    }
    out.push(']');
    let target = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("templates.rs");
    std::fs::write(target, out).expect("write templates.rs");
}

/// Every file under `dir`, as (name relative to `top` with `/`, absolute path).
fn collect(top: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(top, &path, out);
        } else if let Ok(rel) = path.strip_prefix(top) {
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((name, path.to_string_lossy().into_owned()));
        }
    }
}
