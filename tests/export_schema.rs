//! The export's shape is the public contract of SPEC §11: validate it against the JSON Schema
//! kept in docs/, for the example portfolio and for an edge-case portfolio full of nulls.
#![allow(clippy::unwrap_used)] // a failing test or benchmark may panic; the library may not

mod common;
use assert_cmd::Command;
use common::{example, Fixture};

fn validate(doc: &serde_json::Value) {
    let schema_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/portfolio.schema.json");
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(schema_path).expect("schema")).expect("schema JSON");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("portfolio.schema.json", schema)
        .expect("add schema");
    let index = compiler
        .compile("portfolio.schema.json", &mut schemas)
        .expect("compile schema");
    if let Err(e) = schemas.validate(doc, index) {
        panic!("export does not match docs/portfolio.schema.json:\n{e:#}");
    }
}

fn export(dir: &std::path::Path) -> serde_json::Value {
    let out = Command::cargo_bin("kamsite")
        .unwrap()
        .args(["export", "--format", "json"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn example_export_matches_the_schema() {
    validate(&export(&example()));
}

#[test]
fn sparse_portfolio_export_matches_the_schema() {
    let f = Fixture::new()
        .account("a.md", "---\nname: A\ndesignation: key\nowner: X\n---\n")
        .account("b.md", "---\nname: B\ndesignation: other\nfinancials: [{ period: 2026-Q3, revenue: 0 }]\n---\n");
    let doc = export(f.path());
    validate(&doc);
    assert_eq!(
        doc["accounts"][0]["metrics"]["revenue"],
        serde_json::Value::Null
    );
    assert_eq!(
        doc["accounts"][1]["metrics"]["growth_yoy_pct"],
        serde_json::Value::Null
    );
}

#[test]
fn schema_rejects_a_wrong_shape() {
    let mut doc = export(&example());
    doc["accounts"][0]["scores"]["attractiveness"] = serde_json::json!(130);
    let result = std::panic::catch_unwind(|| validate(&doc));
    assert!(result.is_err(), "a score of 130 must not validate");
}
