//! Checking a whole YAML tree against a `schema::Record`, collecting every problem.
//!
//! Runs only for a file serde rejected, so valid files pay nothing. Besides the problems, the
//! walk returns what it could read as JSON, with the broken values left out (and a harmless
//! stand-in for a broken required value), so that `validate/mod.rs` can still check ranges and
//! names against kamsite.yaml for the rest of the file: all of a file's problems in one run.

use std::collections::{BTreeSet, HashSet};

use serde_json::{Map, Value};

use super::positions::Position;
use super::schema::{Presence, Record, Shape};
use super::tree::{Kind, Node};
use crate::diagnostics::{did_you_mean, suggestion};
use crate::model::{Date, Quarter};

/// One problem, in YAML coordinates (line 1 is the first line of the YAML text).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub pos: Position,
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
    /// Short name of the kind of problem (the title of a GitHub annotation).
    pub kind: &'static str,
}

/// The result of a walk: every problem, and the readable rest of the document (`None` when a
/// part could not be stood in for, so the rest would be misleading to check).
pub struct Walked {
    pub problems: Vec<Problem>,
    pub value: Option<Value>,
    /// The top-level keys under which something is wrong (`managers`, `scoring`): what is
    /// read of them may be incomplete, so nothing is checked against them.
    pub damaged: BTreeSet<String>,
}

/// Walks `root` as `record`. `opening` is where a missing top-level key is reported (the
/// front matter's `---`): the start of the first key would suggest that key is wrong.
pub fn walk(root: &Node, record: &'static Record, opening: Position) -> Walked {
    let mut w = Walker {
        problems: Vec::new(),
        usable: true,
        placeholder_quarters: 0,
        at_root: true,
        damaged: BTreeSet::new(),
    };
    let value = w.record(root, record, opening);
    Walked {
        problems: w.problems,
        value: value.filter(|_| w.usable),
        damaged: w.damaged,
    }
}

struct Walker {
    problems: Vec<Problem>,
    /// False once a value was dropped whose absence would shift list positions or break the
    /// typed decode; then no partial document is returned.
    usable: bool,
    /// Stand-in quarters are all different, so they never look like duplicate periods.
    placeholder_quarters: i32,
    /// True until the document's own mapping is entered.
    at_root: bool,
    damaged: BTreeSet<String>,
}

impl Walker {
    fn problem(
        &mut self,
        kind: &'static str,
        pos: Position,
        message: String,
        label: Option<String>,
    ) {
        self.problems.push(Problem {
            pos,
            message,
            label,
            help: None,
            kind,
        });
    }

    fn problem_with_help(
        &mut self,
        kind: &'static str,
        pos: Position,
        message: String,
        label: &str,
        help: String,
    ) {
        self.problems.push(Problem {
            pos,
            message,
            label: Some(label.to_string()),
            help: Some(help),
            kind,
        });
    }

    fn record(
        &mut self,
        node: &Node,
        record: &'static Record,
        missing_at: Position,
    ) -> Option<Value> {
        let Kind::Map(pairs) = &node.kind else {
            self.wrong_type(node, "a mapping of `key: value` lines");
            return None;
        };
        let mut out = Map::new();
        let mut seen = HashSet::new();
        // Required keys an unknown key was taken for (`desgnation`): its "did you mean" already
        // says what to fix, so the key is not reported missing as well.
        let mut meant = HashSet::new();
        let root = std::mem::replace(&mut self.at_root, false);
        for (key, value) in pairs {
            let before = self.problems.len();
            let Some(name) = self.key(key, &mut seen) else {
                continue;
            };
            if let Some(field) = record.field(name) {
                let parsed = if value.is_null() {
                    if field.presence == Presence::Required {
                        self.problem(
                            "missing value",
                            key.pos,
                            format!("`{name}` needs a value"),
                            Some(format!("expected {}", expected(&field.shape))),
                        );
                    }
                    None
                } else {
                    self.value(value, &field.shape)
                };
                match parsed {
                    Some(v) => {
                        out.insert(name.to_string(), v);
                    }
                    None if field.presence == Presence::Required => {
                        let stand_in = self.placeholder(&field.shape);
                        out.insert(name.to_string(), stand_in);
                    }
                    None => {}
                }
            } else if let Some(rest) = record.rest {
                if let Some(v) = self.value(value, rest) {
                    out.insert(name.to_string(), v);
                }
            } else {
                let names: Vec<&str> = record.names().collect();
                if let Some(m) = did_you_mean(name, names.iter().copied()) {
                    meant.insert(m);
                }
                let help = suggestion(name, names.iter().copied())
                    .unwrap_or_else(|| format!("valid keys here: {}", names.join(", ")));
                self.problem_with_help(
                    "unknown key",
                    key.pos,
                    format!("unknown key `{name}`"),
                    "not a key kamsite knows here",
                    help,
                );
            }
            if root && self.problems.len() > before {
                self.damaged.insert(name.to_string());
            }
        }
        for field in record.fields {
            if field.presence == Presence::Required && !seen.contains(field.name) {
                let stand_in = self.placeholder(&field.shape);
                out.insert(field.name.to_string(), stand_in);
                if meant.contains(field.name) {
                    continue;
                }
                self.problem_with_help(
                    "missing key",
                    missing_at,
                    format!("missing required key `{}`", field.name),
                    &if missing_at.line == 0 {
                        format!("this front matter needs `{}`", field.name)
                    } else {
                        format!("this mapping needs `{}`", field.name)
                    },
                    format!("add `{}: <{}>`", field.name, expected(&field.shape)),
                );
            }
        }
        Some(Value::Object(out))
    }

    /// The key's name, once per mapping; a repeated or non-text key is reported.
    fn key<'n>(&mut self, key: &'n Node, seen: &mut HashSet<&'n str>) -> Option<&'n str> {
        let Kind::Scalar { text, .. } = &key.kind else {
            self.problem(
                "wrong type",
                key.pos,
                "a key must be a name".into(),
                Some("expected `name: value`".into()),
            );
            self.usable = false;
            return None;
        };
        if text == "<<" {
            // A merge key: serde-saphyr merges it; nothing to check by name here.
            self.usable = false;
            return None;
        }
        if !seen.insert(text.as_str()) {
            self.problem(
                "duplicate key",
                key.pos,
                format!("duplicate key `{text}`"),
                Some("this key was already set above; keep one".into()),
            );
            return None;
        }
        Some(text)
    }

    fn value(&mut self, node: &Node, shape: &'static Shape) -> Option<Value> {
        if matches!(node.kind, Kind::Alias) {
            // Resolved by serde-saphyr; its value is not checked twice here.
            self.usable = false;
            return None;
        }
        if node.is_null() && !matches!(shape, Shape::Any) {
            // Allowed only where a key may be left empty, which `record` handles.
            self.problem(
                "missing value",
                node.pos,
                format!("expected {}, found nothing", expected(shape)),
                Some("empty".into()),
            );
            return None;
        }
        match shape {
            Shape::Any => Some(any(node)),
            Shape::TextOr(inner) => match &node.kind {
                Kind::Scalar { text, .. } => Some(Value::String(text.to_string())),
                _ => self.value(node, inner),
            },
            Shape::Record(record) => self.record(node, record, node.pos),
            Shape::List(item) => {
                let Kind::Seq(items) = &node.kind else {
                    self.wrong_type(node, "a list (`- item` lines, or `[a, b]`)");
                    return None;
                };
                let mut out = Vec::with_capacity(items.len());
                for it in items {
                    match self.value(it, item) {
                        Some(v) => out.push(v),
                        // Leaving the item out would renumber the ones after it: a stand-in
                        // keeps the rest of the file checkable (SPEC §19).
                        None => {
                            let stand_in = self.placeholder(item);
                            out.push(stand_in);
                        }
                    }
                }
                Some(Value::Array(out))
            }
            Shape::Names(inner) => {
                let Kind::Map(pairs) = &node.kind else {
                    self.wrong_type(node, "a mapping of `name: value` lines");
                    return None;
                };
                let mut out = Map::new();
                let mut seen = HashSet::new();
                for (key, value) in pairs {
                    let Some(name) = self.key(key, &mut seen) else {
                        continue;
                    };
                    if value.is_null() && !matches!(inner, Shape::Record(_)) {
                        self.problem(
                            "missing value",
                            key.pos,
                            format!("`{name}` needs a value"),
                            Some(format!("expected {}", expected(inner))),
                        );
                        continue;
                    }
                    let value = if value.is_null() {
                        Some(Value::Object(Map::new()))
                    } else {
                        self.value(value, inner)
                    };
                    if let Some(v) = value {
                        out.insert(name.to_string(), v);
                    }
                }
                Some(Value::Object(out))
            }
            _ => self.scalar(node, shape),
        }
    }

    fn scalar(&mut self, node: &Node, shape: &'static Shape) -> Option<Value> {
        let Kind::Scalar { text, .. } = &node.kind else {
            self.wrong_type(node, &expected(shape));
            return None;
        };
        let text = text.as_str();
        match shape {
            Shape::Text => Some(Value::String(text.to_string())),
            Shape::Number | Shape::Integer => self.number(node, text, shape),
            // As serde-saphyr reads it (it also takes `yes` and `no`).
            Shape::Bool => match serde_saphyr::from_str::<bool>(text) {
                Ok(b) => Some(Value::Bool(b)),
                Err(_) => {
                    self.problem(
                        "wrong type",
                        node.pos,
                        format!("expected `true` or `false`, found {}", node.describe()),
                        Some("not true or false".into()),
                    );
                    None
                }
            },
            Shape::Date => match text.parse::<Date>() {
                Ok(_) => Some(Value::String(text.to_string())),
                Err(e) => {
                    self.problem(
                        "invalid date",
                        node.pos,
                        e,
                        Some("expected YYYY-MM-DD".into()),
                    );
                    None
                }
            },
            Shape::Quarter => match text.parse::<Quarter>() {
                Ok(_) => Some(Value::String(text.to_string())),
                Err(e) => {
                    self.problem(
                        "invalid quarter",
                        node.pos,
                        e,
                        Some("expected YYYY-Qn".into()),
                    );
                    None
                }
            },
            Shape::Close => {
                if text.parse::<Quarter>().is_ok() || text.parse::<Date>().is_ok() {
                    Some(Value::String(text.to_string()))
                } else {
                    let why = if text.contains("-Q") {
                        text.parse::<Quarter>().err()
                    } else {
                        text.parse::<Date>().err()
                    };
                    self.problem(
                        "invalid date",
                        node.pos,
                        why.unwrap_or_else(|| format!("`{text}` is not a quarter or a date")),
                        Some("expected a quarter (`2027-Q1`) or a date (`2027-02-15`)".into()),
                    );
                    None
                }
            }
            Shape::OneOf(names) => {
                if names.contains(&text) {
                    return Some(Value::String(text.to_string()));
                }
                let help = suggestion(text, names.iter().copied());
                self.problems.push(Problem {
                    pos: node.pos,
                    message: format!("`{text}` is not a valid value here"),
                    label: Some(format!("expected one of: {}", names.join(", "))),
                    help,
                    kind: "invalid value",
                });
                None
            }
            _ => None,
        }
    }

    /// Numbers are read by serde-saphyr itself, so the walk accepts exactly what the typed
    /// decode accepts (`1_000`, `0x1F`, and numbers in quotes too).
    fn number(&mut self, node: &Node, text: &str, shape: &Shape) -> Option<Value> {
        let whole = matches!(shape, Shape::Integer);
        if whole {
            if let Ok(i) = serde_saphyr::from_str::<i64>(text) {
                return Some(Value::from(i));
            }
        }
        match serde_saphyr::from_str::<f64>(text) {
            Ok(f) if !f.is_finite() => {
                self.problem(
                    "out of range",
                    node.pos,
                    format!("`{text}` is not a finite number"),
                    Some("expected an ordinary number".into()),
                );
                None
            }
            Ok(_) if whole => {
                self.problem(
                    "wrong type",
                    node.pos,
                    format!("expected a whole number, found `{text}`"),
                    Some("not a whole number".into()),
                );
                None
            }
            Ok(f) => serde_json::Number::from_f64(f).map(Value::Number),
            Err(_) => {
                let what = if whole { "a whole number" } else { "a number" };
                self.problem(
                    "wrong type",
                    node.pos,
                    format!("expected {what}, found {}", node.describe()),
                    Some(format!("not {what}")),
                );
                None
            }
        }
    }

    fn wrong_type(&mut self, node: &Node, what: &str) {
        self.problem(
            "wrong type",
            node.pos,
            format!("expected {what}, found {}", node.describe()),
            None,
        );
    }

    /// A stand-in for a required value that is missing or broken. The file is rejected anyway;
    /// the stand-in only lets the other checks run, so it must not trigger any of them.
    fn placeholder(&mut self, shape: &Shape) -> Value {
        match shape {
            Shape::Text => Value::String("?".into()),
            Shape::Number => Value::from(0),
            Shape::Integer => Value::from(1),
            // The last value of each closed set is the inert one (`other`, `lost`, `stopped`).
            Shape::OneOf(names) => Value::String(names.last().copied().unwrap_or("").into()),
            Shape::Quarter => {
                self.placeholder_quarters += 1;
                let q = Quarter::new(1000, 1).map(|q| q.minus(-self.placeholder_quarters));
                Value::String(q.map(|q| q.to_string()).unwrap_or_default())
            }
            Shape::Bool => Value::Bool(false),
            Shape::TextOr(_) => Value::String("?".into()),
            Shape::List(_) => Value::Array(Vec::new()),
            Shape::Names(_) => Value::Object(Map::new()),
            // A record with its required values stood in for (a list item of the wrong shape).
            Shape::Record(record) => {
                let mut out = Map::new();
                for field in record.fields {
                    if field.presence == Presence::Required {
                        let stand_in = self.placeholder(&field.shape);
                        out.insert(field.name.to_string(), stand_in);
                    }
                }
                Value::Object(out)
            }
            _ => {
                self.usable = false;
                Value::Null
            }
        }
    }
}

/// What a shape expects, in a plan author's words.
pub fn expected(shape: &Shape) -> String {
    match shape {
        Shape::Text => "text".into(),
        Shape::Number => "a number".into(),
        Shape::Integer => "a whole number".into(),
        Shape::Bool => "`true` or `false`".into(),
        Shape::Date => "a date like `2026-09-30`".into(),
        Shape::Quarter => "a quarter like `2026-Q3`".into(),
        Shape::Close => "a quarter or a date".into(),
        Shape::OneOf(names) => format!("one of: {}", names.join(", ")),
        Shape::List(_) => "a list".into(),
        Shape::Record(_) | Shape::Names(_) => "a mapping".into(),
        Shape::Any => "a value".into(),
        Shape::TextOr(inner) => format!("text or {}", expected(inner)),
    }
}

enum Num {
    Int(i64),
    Float(f64),
}

/// A plain scalar as a YAML 1.2 core-schema number (what serde-saphyr accepts).
fn parse_number(text: &str) -> Option<Num> {
    let t = text.trim();
    match t {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Some(Num::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => return Some(Num::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Some(Num::Float(f64::NAN)),
        _ => {}
    }
    if let Ok(i) = t.parse::<i64>() {
        return Some(Num::Int(i));
    }
    let (sign, digits) = match t.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    if let Some(hex) = digits.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16)
            .ok()
            .map(|i| Num::Int(sign * i));
    }
    if let Some(oct) = digits.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok().map(|i| Num::Int(sign * i));
    }
    let looks_numeric = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if looks_numeric {
        t.parse::<f64>().ok().map(Num::Float)
    } else {
        None
    }
}

/// A node as JSON, by the YAML core schema (for `extra:`, which is handed on untouched).
fn any(node: &Node) -> Value {
    match &node.kind {
        Kind::Scalar { .. } if node.is_null() => Value::Null,
        Kind::Scalar { text, plain } => {
            if *plain {
                match text.as_str() {
                    "true" => return Value::Bool(true),
                    "false" => return Value::Bool(false),
                    _ => {}
                }
                match parse_number(text) {
                    Some(Num::Int(i)) => return Value::from(i),
                    Some(Num::Float(f)) => {
                        if let Some(n) = serde_json::Number::from_f64(f) {
                            return Value::Number(n);
                        }
                    }
                    None => {}
                }
            }
            Value::String(text.clone())
        }
        Kind::Seq(items) => Value::Array(items.iter().map(any).collect()),
        Kind::Map(pairs) => Value::Object(
            pairs
                .iter()
                .filter_map(|(k, v)| match &k.kind {
                    Kind::Scalar { text, .. } => Some((text.clone(), any(v))),
                    _ => None,
                })
                .collect(),
        ),
        Kind::Alias => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::schema::{CONFIG, FRONT_MATTER};
    use crate::load::tree;
    use crate::model::{Config, FrontMatter};

    const OPENING: Position = Position {
        line: 0,
        column: 1,
        width: 3,
    };

    fn example_files() -> Vec<std::path::PathBuf> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-portfolio");
        let mut files = vec![dir.join("kamsite.yaml")];
        files.extend(
            walkdir::WalkDir::new(dir.join("accounts"))
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .map(|e| e.into_path())
                .filter(|p| {
                    p.extension().is_some_and(|x| x == "md") && !p.to_string_lossy().contains("/_")
                }),
        );
        files
    }

    /// The walk and serde agree on every valid file: no problem, and what the walk reads
    /// decodes to exactly what serde decodes. This keeps `schema.rs` equal to the model.
    #[test]
    fn valid_files_walk_clean_and_read_the_same() {
        let files = example_files();
        assert!(files.len() > 20);
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let is_config = path.ends_with("kamsite.yaml");
            let yaml = if is_config {
                text.as_str()
            } else {
                crate::load::split(&text).unwrap().yaml
            };
            let record = if is_config { &CONFIG } else { &FRONT_MATTER };
            let walked = walk(&tree::parse(yaml).unwrap(), record, OPENING);
            assert_eq!(walked.problems, [], "{}", path.display());
            let value = walked.value.unwrap();
            let (by_walk, by_serde) = if is_config {
                (
                    serde_json::to_value(serde_json::from_value::<Config>(value).unwrap()),
                    serde_json::to_value(serde_saphyr::from_str::<Config>(yaml).unwrap()),
                )
            } else {
                (
                    serde_json::to_value(serde_json::from_value::<FrontMatter>(value).unwrap()),
                    serde_json::to_value(serde_saphyr::from_str::<FrontMatter>(yaml).unwrap()),
                )
            };
            assert_eq!(by_walk.unwrap(), by_serde.unwrap(), "{}", path.display());
        }
    }

    fn problems(yaml: &str) -> Vec<(usize, usize, String)> {
        walk(&tree::parse(yaml).unwrap(), &FRONT_MATTER, OPENING)
            .problems
            .into_iter()
            .map(|p| (p.pos.line, p.pos.column, p.message))
            .collect()
    }

    #[test]
    fn types_nulls_and_quotes() {
        assert_eq!(
            problems("name:\ndesignation: other\nhealth: { nps: \"3x\", referenceable: maybe }\nplan: { horizon_months: 1.5 }\ntags: x\n"),
            [
                (1, 1, "`name` needs a value".to_string()),
                (3, 17, "expected a number, found `3x`".into()),
                (3, 37, "expected `true` or `false`, found `maybe`".into()),
                (4, 25, "expected a whole number, found `1.5`".into()),
                (5, 7, "expected a list (`- item` lines, or `[a, b]`), found `x`".into()),
            ]
        );
    }

    #[test]
    fn a_broken_list_item_is_stood_in_for_and_keeps_its_place() {
        // Leaving out item 0 would make item 1 look like item 0 to the range checks; a
        // stand-in keeps item 1 at index 1, so the rest of the file is still checked.
        let root =
            tree::parse("name: a\ndesignation: other\nfinancials: [x, { period: 2026-Q1 }]\n");
        let walked = walk(&root.unwrap(), &FRONT_MATTER, OPENING);
        assert_eq!(walked.problems.len(), 1);
        let front: FrontMatter = serde_json::from_value(walked.value.unwrap()).unwrap();
        assert_eq!(front.financials.len(), 2);
        assert_eq!(front.financials[1].period.to_string(), "2026-Q1");
    }

    #[test]
    fn stand_ins_for_broken_required_values_are_inert() {
        let root = tree::parse("financials: [{ period: 2026-Q9 }, { period: x }]\n");
        let walked = walk(&root.unwrap(), &FRONT_MATTER, OPENING);
        let front: FrontMatter = serde_json::from_value(walked.value.unwrap()).unwrap();
        assert_eq!(front.designation, crate::model::Designation::Other);
        assert_ne!(front.financials[0].period, front.financials[1].period);
    }

    #[test]
    fn yaml_numbers() {
        for (text, ok) in [
            ("12", true),
            ("-1.5e3", true),
            ("0x1F", true),
            (".inf", true),
            ("1,5", false),
            ("lots", false),
            ("1e", false),
        ] {
            assert_eq!(parse_number(text).is_some(), ok, "{text}");
        }
    }
}
