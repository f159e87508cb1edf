//! The machine-readable views of an analysis (SPEC §11): `portfolio.json` and `accounts.csv`.
//!
//! Both are deterministic: accounts sorted by id, findings by (account, rule), keys in a fixed
//! order, integral numbers written without a fractional part.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::analyse::effectiveness::Effectiveness;
use crate::analyse::{metrics, Aggregates, Analysis, Finding, Metrics};

/// The schema id written into every export; bump it when a key changes meaning.
pub const SCHEMA: &str = "kamsite/portfolio/v1";

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    period: Option<String>,
    as_of: String,
    currency: &'a str,
    portfolio: &'a Aggregates,
    accounts: Vec<AccountRow<'a>>,
    findings: &'a [Finding],
    /// SPEC §12 v1.1.
    effectiveness: &'a Effectiveness,
}

#[derive(Serialize)]
struct AccountRow<'a> {
    id: &'a str,
    name: &'a str,
    designation: &'static str,
    owner: Option<&'a str>,
    stage: Option<&'static str>,
    quadrant: Option<&'static str>,
    scores: Scores,
    metrics: &'a Metrics,
    findings: Vec<&'static str>,
}

#[derive(Serialize)]
struct Scores {
    attractiveness: Option<f64>,
    strength: Option<f64>,
    health: Option<f64>,
    /// SPEC §6 v1.1: the share of the health weights that had inputs.
    health_coverage_pct: f64,
}

/// The account rows of the document, each with its rule ids.
fn rows<'a>(analysis: &'a Analysis<'_>) -> Vec<AccountRow<'a>> {
    // Findings are sorted by account, so each account's rule ids are one contiguous run; a
    // single pass over both sorted lists keeps this linear.
    let mut findings = analysis
        .findings
        .iter()
        .filter(|f| f.account.is_some())
        .peekable();
    analysis
        .accounts
        .iter()
        .map(|a| {
            let mut rules = Vec::new();
            while let Some(f) =
                findings.next_if(|f| f.account.as_deref() <= Some(a.account.id.as_str()))
            {
                if f.account.as_deref() == Some(a.account.id.as_str()) {
                    rules.push(f.rule);
                }
            }
            AccountRow {
                id: &a.account.id,
                name: &a.account.front.name,
                designation: a.account.front.designation.as_str(),
                owner: a.account.front.owner.as_deref(),
                stage: a.account.front.relationship.stage.map(|s| s.as_str()),
                quadrant: a.quadrant.map(|q| q.as_str()),
                scores: Scores {
                    attractiveness: a.attractiveness.value,
                    strength: a.strength.value,
                    health: a.health.value,
                    health_coverage_pct: a.health_coverage_pct,
                },
                metrics: &a.metrics,
                findings: rules,
            }
        })
        .collect()
}

/// The §11 JSON document as a value (numbers normalised).
pub fn json_value(analysis: &Analysis<'_>) -> Value {
    let doc = Document {
        schema: SCHEMA,
        period: analysis.period.map(|p| p.to_string()),
        as_of: analysis.as_of.to_string(),
        currency: &analysis.config.currency,
        portfolio: &analysis.portfolio,
        accounts: rows(analysis),
        findings: &analysis.findings,
        effectiveness: &analysis.effectiveness,
    };
    normalise(serde_json::to_value(doc).unwrap_or(Value::Null))
}

/// Pretty-printed JSON with a final newline.
pub fn json(analysis: &Analysis<'_>) -> String {
    let mut out = serde_json::to_string_pretty(&json_value(analysis)).unwrap_or_default();
    out.push('\n');
    out
}

/// Integral floats as integers (`1250000`, not `1250000.0`), as JSON numbers are written.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        (f as i64).to_string()
    } else {
        serde_json::Number::from_f64(f).map_or_else(String::new, |n| n.to_string())
    }
}

/// Writes integral floats as integers, recursively.
fn normalise(v: Value) -> Value {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(a) => Value::Array(a.into_iter().map(normalise).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v)| (k, normalise(v)))
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

/// The CSV columns before the metrics.
const CSV_HEAD: [&str; 9] = [
    "id",
    "name",
    "designation",
    "owner",
    "stage",
    "quadrant",
    "attractiveness",
    "strength",
    "health",
];

/// One row per account: id, name, designation, owner, stage, quadrant, the three scores, then
/// every §5 metric, with a header row. Empty cells for null.
pub fn csv(analysis: &Analysis<'_>) -> String {
    let mut out = String::new();
    let header: Vec<&str> = CSV_HEAD.into_iter().chain(metrics::KEYS).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in rows(analysis) {
        let text = [
            Some(row.id),
            Some(row.name),
            Some(row.designation),
            row.owner,
            row.stage,
            row.quadrant,
        ]
        .map(|t| text_cell(t.unwrap_or("")));
        let numbers = [
            row.scores.attractiveness,
            row.scores.strength,
            row.scores.health,
        ]
        .into_iter()
        .chain(row.metrics.values())
        .map(|v| v.map_or_else(String::new, number));
        let line: Vec<String> = text.into_iter().chain(numbers).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled.
fn text_cell(text: &str) -> String {
    let text = csv_text(text);
    if text.contains([',', '"', '\n', '\r']) {
        let mut q = String::with_capacity(text.len() + 2);
        let _ = write!(q, "\"{}\"", text.replace('"', "\"\""));
        q
    } else {
        text.into_owned()
    }
}

/// A text cell as a spreadsheet may see it: a cell starting with `=`, `+`, `-`, `@`, tab or CR
/// is a formula to Excel and LibreOffice (a customer named `=HYPERLINK(…)` would run), so it
/// gets a leading `'` (the OWASP rule for CSV injection); NUL becomes U+FFFD, as CommonMark
/// does in narratives. Numbers are not text cells and stay numbers.
fn csv_text(s: &str) -> std::borrow::Cow<'_, str> {
    let s = if s.contains('\0') {
        std::borrow::Cow::Owned(s.replace('\0', "\u{fffd}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    };
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        s
    }
}

#[cfg(test)]
mod csv_tests {
    use super::*;

    #[test]
    fn formulas_stay_text_and_numbers_stay_numbers() {
        assert_eq!(text_cell("=1+2"), "'=1+2");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("\tx"), "'\tx");
        assert_eq!(text_cell("-x,y"), "\"'-x,y\"");
        assert_eq!(text_cell("a\0b"), "a\u{fffd}b");
        assert_eq!(number(-5.5), "-5.5");
        assert_eq!(text_cell("Acme"), "Acme");
    }
}
