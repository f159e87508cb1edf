//! The export's shape is the public contract of SPEC §11: validate it against the JSON Schema
//! kept in docs/, for the example portfolio and for an edge-case portfolio full of nulls.
#![allow(clippy::unwrap_used)] // a failing test or benchmark may panic; the library may not

use crate::common;
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

/// Every example account's front matter, as JSON.
fn example_fronts() -> Vec<(String, serde_json::Value)> {
    walkdir::WalkDir::new(example().join("accounts"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.path().extension().is_some_and(|x| x == "md")
                && !e.file_name().to_string_lossy().starts_with('_')
        })
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let yaml = text
                .split("\n---\n")
                .next()
                .unwrap()
                .trim_start_matches("---\n");
            (
                e.path().display().to_string(),
                serde_saphyr::from_str(yaml).unwrap(),
            )
        })
        .collect()
}

fn account_schema() -> (boon::Schemas, boon::SchemaIndex) {
    let schema: serde_json::Value = serde_json::from_slice(
        &Command::cargo_bin("kamsite")
            .unwrap()
            .arg("schema")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("account.schema.json", schema)
        .unwrap();
    let index = compiler
        .compile("account.schema.json", &mut schemas)
        .unwrap();
    (schemas, index)
}

#[test]
fn every_example_account_matches_the_front_matter_schema() {
    let (schemas, index) = account_schema();
    let fronts = example_fronts();
    assert_eq!(fronts.len(), 20);
    for (file, front) in &fronts {
        if let Err(e) = schemas.validate(front, index) {
            panic!("{file} does not match `kamsite schema`:\n{e:#}");
        }
    }
    let mut broken = fronts[0].1.clone();
    broken["designation"] = serde_json::json!("keyy");
    assert!(schemas.validate(&broken, index).is_err());
}

#[test]
fn the_schema_names_exactly_the_model_keys() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../docs/account.schema.json")).unwrap();
    let mut in_schema: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    in_schema.sort();
    // Decoding and re-serialising a file lists every field of the model, present or not.
    let text = std::fs::read_to_string(example().join("accounts/emea/acme-industrial.md")).unwrap();
    let account = kamsite::load::parse_account("a.md", "a.md", text.into_bytes()).unwrap();
    let model = serde_json::to_value(&*account.front).unwrap();
    let mut in_model: Vec<&String> = model.as_object().unwrap().keys().collect();
    in_model.sort();
    assert_eq!(in_schema, in_model);
}

/// The schema walk that reports every problem of a file (`kamsite::load::schema`) and the JSON
/// Schema for editors describe the same front matter: the same keys at every level, the same
/// required keys, the same closed value sets and the same kinds of value.
#[test]
fn the_json_schema_and_the_checked_shape_agree() {
    use kamsite::load::schema::{Presence, Record, Shape, FRONT_MATTER};
    use serde_json::Value;

    fn types(v: &Value) -> Vec<String> {
        match &v["type"] {
            Value::String(t) => vec![t.clone()],
            Value::Array(ts) => ts
                .iter()
                .filter_map(|t| t.as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn record(r: &Record, v: &Value, at: &str) {
        assert_eq!(v["additionalProperties"], false, "{at}");
        let props = v["properties"].as_object().unwrap();
        let mut in_json: Vec<&str> = props.keys().map(String::as_str).collect();
        let mut in_walk: Vec<&str> = r.fields.iter().map(|f| f.name).collect();
        in_json.sort_unstable();
        in_walk.sort_unstable();
        assert_eq!(in_json, in_walk, "keys of {at}");
        let mut req_json: Vec<&str> = v["required"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut req_walk: Vec<&str> = r
            .fields
            .iter()
            .filter(|f| f.presence == Presence::Required)
            .map(|f| f.name)
            .collect();
        req_json.sort_unstable();
        req_walk.sort_unstable();
        assert_eq!(req_json, req_walk, "required keys of {at}");
        for f in r.fields {
            shape(&f.shape, &props[f.name], &format!("{at}.{}", f.name));
        }
    }

    fn shape(s: &Shape, v: &Value, at: &str) {
        let t = types(v);
        let has = |name: &str| t.iter().any(|x| x == name);
        match s {
            Shape::Text => assert!(has("string"), "{at}: {v}"),
            Shape::Number => assert!(has("number"), "{at}: {v}"),
            Shape::Integer => assert!(has("integer"), "{at}: {v}"),
            Shape::Bool => assert!(has("boolean"), "{at}: {v}"),
            Shape::Date => assert_eq!(v["pattern"], "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "{at}"),
            Shape::Quarter => assert_eq!(v["pattern"], "^[0-9]{4}-Q[1-4]$", "{at}"),
            // A quarter or a date (and null, as every optional value may be).
            Shape::Close => {
                let kinds = v["anyOf"]
                    .as_array()
                    .map(|a| a.iter().filter(|k| k["type"] != "null").count());
                assert_eq!(kinds, Some(2), "{at}")
            }
            Shape::OneOf(names) => {
                let list: Vec<&str> = v["enum"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                assert_eq!(&list, names, "{at}");
            }
            Shape::List(item) => {
                assert!(has("array"), "{at}: {v}");
                shape(item, &v["items"], &format!("{at}[]"));
            }
            Shape::Record(r) => {
                assert!(has("object"), "{at}: {v}");
                record(r, v, at);
            }
            Shape::Names(inner) => {
                assert!(has("object"), "{at}: {v}");
                shape(inner, &v["additionalProperties"], &format!("{at}.*"));
            }
            Shape::Any => assert!(t.is_empty(), "{at}: anything goes"),
            // Text, or the inner shape.
            Shape::TextOr(inner) => {
                let options = v["anyOf"].as_array().unwrap();
                assert!(
                    options
                        .iter()
                        .any(|o| types(o).iter().any(|x| x == "string")),
                    "{at}: {v}"
                );
                let other = options
                    .iter()
                    .find(|o| !types(o).iter().any(|x| x == "string"))
                    .unwrap();
                shape(inner, other, &format!("{at}|"));
            }
        }
    }

    let schema: Value =
        serde_json::from_str(include_str!("../../docs/account.schema.json")).unwrap();
    record(&FRONT_MATTER, &schema, "front matter");
}

/// What `check` accepts, the schema accepts: an optional value left empty (`role:` with
/// nothing after it, which YAML reads as null) is "not given", for kamsite and for an editor
/// validating against `kamsite schema` alike.
#[test]
fn the_schema_allows_null_where_check_does() {
    let doc = serde_json::json!({
        "name": "A", "designation": "other",
        "team": [{ "name": "Lee", "role": null }],
        "region": null,
        "opportunities": [{ "name": "x", "value": 1, "stage": "won", "close": null }],
        "contacts": [{ "name": "Jonas", "stance": null }]
    });
    let (schemas, id) = account_schema();
    if let Err(e) = schemas.validate(&doc, id) {
        panic!("the schema rejects what check accepts: {e}");
    }
    let f = Fixture::new().file("kamsite.yaml", "findings:\n  key-account-count: { enabled: false }\n").account(
        "a.md",
        "---\nname: A\ndesignation: other\nteam: [{ name: Lee, role: null }]\nregion: null\nopportunities: [{ name: x, value: 1, stage: won, close: null }]\ncontacts: [{ name: Jonas, stance: null }]\n---\n",
    );
    f.kamsite(&["check"]).assert().success();
}
