//! The machine-readable views of an analysis (SPEC §11): `portfolio.json` and `accounts.csv`.
//!
//! Both are deterministic: accounts sorted by id, findings by (account, rule), keys in a fixed
//! order, integral numbers written without a fractional part.

mod rows;
pub mod trends;
mod xlsx;

pub use xlsx::xlsx;

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::analyse::effectiveness::Effectiveness;
use crate::analyse::{metrics, Aggregates, Analysis, Baseline, Metrics};
use crate::model::Severity;

/// The schema id written into every export; bump it when a key changes meaning.
pub const SCHEMA: &str = "kamsite/portfolio/v1";

/// The §11 document: what `kamsite export --format json` and `data/portfolio.json` write, and
/// what `--baseline FILE` reads back — one type for both, so they cannot drift apart. Read
/// back, keys an older export lacks take their defaults.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Document {
    pub schema: String,
    pub period: Option<String>,
    pub as_of: String,
    pub currency: String,
    pub portfolio: Aggregates,
    pub accounts: Vec<AccountRow>,
    pub findings: Vec<FindingRow>,
    /// SPEC §12 v1.1.
    #[serde(default)]
    pub effectiveness: Effectiveness,
}

/// One account of the document.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountRow {
    pub id: String,
    pub name: String,
    pub designation: String,
    pub owner: Option<String>,
    pub stage: Option<String>,
    pub quadrant: Option<String>,
    pub scores: Scores,
    pub metrics: Metrics,
    /// The rule ids of the account's findings.
    pub findings: Vec<String>,
    /// SPEC §16 v1.2.
    pub objectives: Vec<rows::ObjectiveRow>,
    /// SPEC §17 v1.2: `null` without a comparison point.
    pub moves: Option<rows::MovesRow>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Scores {
    pub attractiveness: Option<f64>,
    pub strength: Option<f64>,
    pub health: Option<f64>,
    /// SPEC §6 v1.1: the share of the health weights that had inputs.
    pub health_coverage_pct: f64,
    /// SPEC §11 v1.2: each score's present components, with their 0–100 score and weight.
    pub components: rows::Components,
}

/// One finding of the document.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FindingRow {
    pub rule: String,
    pub severity: Severity,
    /// `None` for portfolio-level findings.
    pub account: Option<String>,
    /// Set on `manager-over-capacity` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    pub message: String,
}

impl Document {
    /// The document of an analysis: accounts by id, findings by (account, rule).
    pub fn of(analysis: &Analysis<'_>) -> Document {
        Document {
            schema: SCHEMA.to_string(),
            period: analysis.period.map(|p| p.to_string()),
            as_of: analysis.as_of.to_string(),
            currency: analysis.config.currency.clone(),
            portfolio: analysis.portfolio.clone(),
            accounts: rows(analysis).collect(),
            findings: finding_rows(analysis).collect(),
            effectiveness: analysis.effectiveness.clone(),
        }
    }

    /// Reads a document written by `kamsite export`; `label` names it in messages.
    pub fn read(text: &str, label: &str) -> Result<Document, String> {
        let doc: Document = serde_json::from_str(text)
            .map_err(|e| format!("{label} is not a kamsite portfolio.json: {e}"))?;
        if doc.schema != SCHEMA {
            return Err(format!(
                "{label} has schema `{}`, expected `{SCHEMA}`",
                doc.schema
            ));
        }
        Ok(doc)
    }

    /// What a comparison needs of the document (`--baseline FILE`), named `label`.
    pub fn baseline(self, label: &str) -> Baseline {
        Baseline {
            label: label.to_string(),
            commit: None,
            period: self.period,
            accounts: self
                .accounts
                .into_iter()
                .map(|a| {
                    let before = crate::analyse::baseline::Before {
                        name: a.name,
                        designation: a.designation,
                        quadrant: a.quadrant,
                        attractiveness: a.scores.attractiveness,
                        strength: a.scores.strength,
                        health: a.scores.health,
                        revenue: a.metrics.revenue,
                        revenue_ttm: a.metrics.revenue_ttm,
                        sides: a.scores.components.sides(&a.scores),
                        front: None,
                    };
                    (a.id, before)
                })
                .collect(),
            findings: self
                .findings
                .into_iter()
                .map(|f| {
                    let key = crate::analyse::baseline::FindingKey {
                        account: f.account.unwrap_or_default(),
                        rule: f.rule,
                        manager: f.manager,
                    };
                    (key, f.severity)
                })
                .collect(),
        }
    }

    /// The document as a JSON value, numbers normalised.
    pub fn to_value(&self) -> Value {
        normalise(serde_json::to_value(self).unwrap_or(Value::Null))
    }
}

/// The account rows of the document, each with its rule ids.
fn rows<'a>(analysis: &'a Analysis<'_>) -> impl Iterator<Item = AccountRow> + 'a {
    // Findings are sorted by account, so each account's rule ids are one contiguous run; a
    // single pass over both sorted lists keeps this linear.
    let mut findings = analysis
        .findings
        .iter()
        .filter(|f| f.account.is_some())
        .peekable();
    analysis.accounts.iter().map(move |a| {
        let mut rules = Vec::new();
        while let Some(f) =
            findings.next_if(|f| f.account.as_deref() <= Some(a.account.id.as_str()))
        {
            if f.account.as_deref() == Some(a.account.id.as_str()) {
                rules.push(f.rule.to_string());
            }
        }
        AccountRow {
            id: a.account.id.clone(),
            name: a.account.front.name.clone(),
            designation: a.account.front.designation.as_str().to_string(),
            owner: a.account.front.owner.clone(),
            stage: a
                .account
                .front
                .relationship
                .stage
                .map(|s| s.as_str().to_string()),
            quadrant: a.quadrant.map(|q| q.as_str().to_string()),
            scores: Scores {
                attractiveness: a.attractiveness.value,
                strength: a.strength.value,
                health: a.health.value,
                health_coverage_pct: a.health_coverage_pct,
                components: rows::Components::of(a),
            },
            metrics: a.metrics.clone(),
            findings: rules,
            objectives: a.objectives.iter().map(rows::ObjectiveRow::of).collect(),
            moves: a.moves.as_ref().map(rows::MovesRow::of),
        }
    })
}

/// The findings of the document, in the analysis' order.
fn finding_rows<'a>(analysis: &'a Analysis<'_>) -> impl Iterator<Item = FindingRow> + 'a {
    analysis.findings.iter().map(|f| FindingRow {
        rule: f.rule.to_string(),
        severity: f.severity,
        account: f.account.clone(),
        manager: f.manager.clone(),
        message: f.message.clone(),
    })
}

/// [`Document::of`] as it serialises, field for field, with each account's and finding's
/// row made as it is written: at 10,000 accounts the whole document was a third of a
/// build's memory.
struct Streamed<'a, 'b>(&'a Analysis<'b>);

impl Serialize for Streamed<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        /// A sequence serialised from an iterator made on demand.
        struct Seq<F>(F);
        impl<F: Fn() -> I, I: Iterator<Item = T>, T: Serialize> Serialize for Seq<F> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq((self.0)())
            }
        }
        let a = self.0;
        let mut d = s.serialize_struct("Document", 8)?;
        d.serialize_field("schema", SCHEMA)?;
        d.serialize_field("period", &a.period.map(|p| p.to_string()))?;
        d.serialize_field("as_of", &a.as_of.to_string())?;
        d.serialize_field("currency", &a.config.currency)?;
        d.serialize_field("portfolio", &a.portfolio)?;
        d.serialize_field("accounts", &Seq(|| rows(a)))?;
        d.serialize_field("findings", &Seq(|| finding_rows(a)))?;
        d.serialize_field("effectiveness", &a.effectiveness)?;
        d.end()
    }
}

/// `value` as pretty-printed JSON with a final newline, integral numbers written as integers:
/// how every JSON file kamsite writes looks.
pub fn to_json_text(value: &impl Serialize) -> String {
    let mut out = Vec::with_capacity(1 << 16);
    if write_json(value, &mut out).is_err() {
        return "null\n".into();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// [`to_json_text`] written to `w`. Straight from the value (no `serde_json::Value` tree in
/// between: a 10,000-account document would hold every number twice), pretty, with integral
/// floats as integers, and a final newline.
fn write_json(value: &impl Serialize, mut w: impl std::io::Write) -> std::io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut w, Integral::default());
    value.serialize(&mut ser).map_err(std::io::Error::other)?;
    w.write_all(b"\n")
}

/// serde_json's pretty formatter, writing integral floats as integers (`1250000`, not
/// `1250000.0`), as [`normalise`] does for a value.
#[derive(Default)]
struct Integral(serde_json::ser::PrettyFormatter<'static>);

impl serde_json::ser::Formatter for Integral {
    fn write_f64<W: ?Sized + std::io::Write>(&mut self, w: &mut W, v: f64) -> std::io::Result<()> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            self.write_i64(w, v as i64)
        } else {
            serde_json::ser::CompactFormatter.write_f64(w, v)
        }
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// The §11 document of `analysis` as pretty-printed JSON with a final newline.
pub fn json(analysis: &Analysis<'_>) -> String {
    to_json_text(&Streamed(analysis))
}

/// [`json`], written to `w` as it is serialised: at 10,000 accounts the document is 65 MB,
/// which a build need not hold as one string.
pub fn json_to(analysis: &Analysis<'_>, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    write_json(&Streamed(analysis), &mut w)?;
    w.flush()
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
    csv_with(analysis, ',', '.')
}

/// [`csv`] with another `delimiter` and `decimal` separator (`;` and `,` for spreadsheets in
/// locales whose decimal separator is a comma: Excel there reads `4.4` as text or a date).
/// Starts with a byte order mark: without it Excel reads UTF-8 as its locale's code page and
/// shows `KrakÃ³w`.
pub fn csv_with(analysis: &Analysis<'_>, delimiter: char, decimal: char) -> String {
    let mut out = String::from("\u{feff}");
    let header: Vec<&str> = CSV_HEAD.into_iter().chain(metrics::KEYS).collect();
    out.push_str(&header.join(&delimiter.to_string()));
    out.push_str("\r\n");
    for row in rows(analysis) {
        let text = [
            Some(row.id.as_str()),
            Some(row.name.as_str()),
            Some(row.designation.as_str()),
            row.owner.as_deref(),
            row.stage.as_deref(),
            row.quadrant.as_deref(),
        ]
        .map(|t| text_cell(t.unwrap_or(""), delimiter));
        let numbers = [
            row.scores.attractiveness,
            row.scores.strength,
            row.scores.health,
        ]
        .into_iter()
        .chain(row.metrics.values())
        .map(|v| {
            v.map_or_else(String::new, |v| {
                let n = number(v);
                if decimal == '.' {
                    n
                } else {
                    n.replace('.', &decimal.to_string())
                }
            })
        });
        let line: Vec<String> = text.into_iter().chain(numbers).collect();
        out.push_str(&line.join(&delimiter.to_string()));
        out.push_str("\r\n");
    }
    out
}

/// RFC 4180 quoting: fields with the delimiter, a quote or a line break are quoted, quotes
/// doubled.
fn text_cell(text: &str, delimiter: char) -> String {
    let text = csv_text(text);
    if text.contains([delimiter, '"', '\n', '\r']) {
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
        assert_eq!(text_cell("=1+2", ','), "'=1+2");
        assert_eq!(text_cell("@SUM(A1)", ','), "'@SUM(A1)");
        assert_eq!(text_cell("\tx", ','), "'\tx");
        assert_eq!(text_cell("-x,y", ','), "\"'-x,y\"");
        assert_eq!(text_cell("a;b", ';'), "\"a;b\"");
        assert_eq!(text_cell("a\0b", ','), "a\u{fffd}b");
        assert_eq!(number(-5.5), "-5.5");
        assert_eq!(text_cell("Acme", ','), "Acme");
    }
}
