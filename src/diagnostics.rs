//! Problems found in a user's files, and the three ways of printing them.
//!
//! Every stage reports into `Diagnostic`s instead of returning on the first error, so one run
//! shows every problem in every file, sorted by file and line.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::model::Severity;

/// One problem at one place in one file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The path as the user would type it (portfolio folder joined with the relative path).
    pub file: String,
    /// 1-based; 0 when the problem is about the whole file (it cannot be read, say).
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// In a workbook, the sheet and cell (`Financials!C14`) instead of a line and column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    pub message: String,
    /// Shown under the caret: what was expected there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// For findings: the rule id (`stale-plan`), so tools can filter on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// A fix, typically "did you mean `designation`?".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The offending line's text, for the snippet.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// How many characters to underline (at least 1).
    #[serde(skip)]
    pub width: usize,
    /// What kind of problem this is (`unknown key`, `out of range`), the title of a GitHub
    /// annotation, so a pull request reads well at a glance. Findings use their rule id.
    #[serde(skip)]
    pub kind: Option<&'static str>,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            column: 0,
            cell: None,
            message: message.into(),
            label: None,
            rule: None,
            help: None,
            source_line: None,
            width: 1,
            kind: None,
        }
    }

    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Places the diagnostic at `line`:`column` (1-based) without showing the line (a data
    /// file's row whose cells may not be echoed, SPEC §13 v1.2).
    pub fn at_position(mut self, line: usize, column: usize, width: usize) -> Diagnostic {
        self.line = line.max(1);
        self.column = column.max(1);
        self.width = width.max(1);
        self.source_line = None;
        self
    }

    /// Places the diagnostic at a workbook's cell: `sheet`, 1-based `row` and `column`. The row
    /// and column also order it among its file's problems.
    pub fn at_cell(mut self, sheet: &str, row: usize, column: usize) -> Diagnostic {
        self.line = row.max(1);
        self.column = column.max(1);
        self.width = 1;
        self.source_line = None;
        self.cell = Some(cell_name(sheet, row, column));
        self
    }

    /// Places the diagnostic at `line`:`column` (1-based) of `text`, keeping that line to show.
    pub fn at(mut self, text: &str, line: usize, column: usize, width: usize) -> Diagnostic {
        self.line = line.max(1);
        self.column = column.max(1);
        self.width = width.max(1);
        self.source_line = text
            .lines()
            .nth(self.line - 1)
            .map(|l| l.trim_end_matches('\r').to_string());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: Option<String>) -> Diagnostic {
        self.help = help;
        self
    }

    pub fn with_kind(mut self, kind: &'static str) -> Diagnostic {
        self.kind = Some(kind);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `Financials!C14`: a workbook cell as spreadsheets name it (a sheet name with spaces or
/// punctuation is quoted: `'Q3 report'!A1`).
pub fn cell_name(sheet: &str, row: usize, column: usize) -> String {
    let mut letters = String::new();
    let mut n = column.max(1);
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    let plain = sheet.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        format!("{sheet}!{letters}{row}")
    } else {
        format!("'{}'!{letters}{row}", sheet.replace('\'', "''"))
    }
}

/// Sorts by file, line and column, so output order never depends on thread scheduling. A
/// file's "… and N more like this" lines come after its other problems.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &'_ Diagnostic| (d.kind == Some(MORE), d.line, d.column);
        (&a.file, key(a), &a.message).cmp(&(&b.file, key(b), &b.message))
    });
}

/// The most characters of a cell of a data file that any diagnostic shows (SPEC §13 v1.2): a
/// source may hold what must not reach a CI log, and a runaway cell is no help to read.
pub const MAX_ECHO: usize = 80;

/// `text` cut to [`MAX_ECHO`] characters, with `…` when something was left out.
pub fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_ECHO) {
        None => std::borrow::Cow::Borrowed(text),
        Some((end, _)) => std::borrow::Cow::Owned(format!("{}…", &text[..end])),
    }
}

/// At most this many problems of one kind are shown per file (SPEC §13 v1.2); the rest are
/// counted in one line, so a broken export of 700,000 rows reads as one problem, not a flood.
pub const MAX_PER_KIND: usize = 50;

/// The kind of the "… and N more like this" line that stands for the problems left out.
pub const MORE: &str = "more like this";

/// The line that stands for `n` problems of `kind` left out of `file`, placed at the first of
/// them (`at`: line and column).
pub fn more_like_this(
    file: &str,
    severity: Severity,
    kind: Option<&str>,
    n: usize,
    at: Option<(usize, usize)>,
) -> Diagnostic {
    let message = match kind {
        Some(k) => format!("… and {n} more like this ({k})"),
        None => format!("… and {n} more like this"),
    };
    let d = Diagnostic {
        severity,
        ..Diagnostic::error(file, message)
    }
    .with_kind(MORE);
    match at {
        Some((line, column)) if line > 0 => d.at_position(line, column, 1),
        _ => d,
    }
}

/// Keeps at most [`MAX_PER_KIND`] problems of each (file, kind, severity) and adds one line
/// for each group's rest. Problems without a kind count as one kind. Order is kept; the added
/// lines are sorted by [`sort`] to the end of their file.
pub fn bound(diagnostics: &mut Vec<Diagnostic>) {
    type Group = (String, Option<&'static str>, Severity);
    let mut seen: std::collections::HashMap<Group, usize> = std::collections::HashMap::new();
    // Per group: how many were left out, and where the first of them was.
    let mut left_out: std::collections::BTreeMap<Group, (usize, (usize, usize))> =
        Default::default();
    diagnostics.retain(|d| {
        if d.kind == Some(MORE) {
            return true;
        }
        let group = (d.file.clone(), d.kind, d.severity);
        let n = seen.entry(group.clone()).or_default();
        *n += 1;
        if *n > MAX_PER_KIND {
            left_out.entry(group).or_insert((0, (d.line, d.column))).0 += 1;
            return false;
        }
        true
    });
    for ((file, kind, severity), (n, at)) in left_out {
        diagnostics.push(more_like_this(&file, severity, kind, n, Some(at)));
    }
}

/// The closest of `candidates` to a misspelt `word`, if one is close enough to be a typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "did you mean `x`?" for a misspelt name, else `None`.
pub fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// How diagnostics are printed (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Snippets with carets, like cargo's errors.
    Human,
    /// One JSON object per line.
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
}

/// Renders one diagnostic in `format`. `styled` adds ANSI colours (human format only).
pub fn render(d: &Diagnostic, format: Format, styled: bool) -> String {
    match format {
        Format::Human => render_human(d, styled),
        Format::Json if d.cell.is_some() => {
            // A workbook has no lines: the cell says where.
            let d = Diagnostic {
                line: 0,
                column: 0,
                ..d.clone()
            };
            serde_json::to_string(&d).unwrap_or_default() + "\n"
        }
        Format::Json => serde_json::to_string(d).unwrap_or_default() + "\n",
        Format::Github => render_github(d),
    }
}

fn render_human(d: &Diagnostic, styled: bool) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    };
    let title = level.primary_title(d.message.as_str());
    let at_cell = d.cell.as_ref().map(|c| format!("{} at {c}", d.file));
    // Without a quoted line there is no caret to hang the label on: it becomes a note.
    let mut label_as_note = true;
    let group = match &d.source_line {
        _ if at_cell.is_some() => title.element(annotate_snippets::Origin::path(
            at_cell.as_deref().unwrap_or(""),
        )),
        Some(line) if d.line > 0 => {
            let start = byte_offset(line, d.column - 1);
            let end = byte_offset(line, d.column - 1 + d.width).max(start);
            let mut annotation = AnnotationKind::Primary.span(start..end);
            if let Some(label) = &d.label {
                annotation = annotation.label(label.as_str());
                label_as_note = false;
            }
            title.element(
                Snippet::source(line.as_str())
                    .line_start(d.line)
                    .path(d.file.as_str())
                    .annotation(annotation),
            )
        }
        _ if d.line > 0 => title.element(
            annotate_snippets::Origin::path(d.file.as_str())
                .line(d.line)
                .char_column(d.column),
        ),
        _ => title.element(annotate_snippets::Origin::path(d.file.as_str())),
    };
    let mut report = vec![group];
    if let (Some(label), true) = (&d.label, label_as_note) {
        report.push(Group::with_title(
            Level::NOTE.secondary_title(label.as_str()),
        ));
    }
    if let Some(help) = &d.help {
        report.push(Group::with_title(
            Level::HELP.secondary_title(help.as_str()),
        ));
    }
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = renderer.render(&report);
    out.push_str("\n\n");
    out
}

/// Byte index of the `chars`-th character of `line` (clamped to its end).
fn byte_offset(line: &str, chars: usize) -> usize {
    line.char_indices()
        .nth(chars)
        .map_or(line.len(), |(i, _)| i)
}

fn render_github(d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut message = d.message.clone();
    if let Some(label) = &d.label {
        let _ = write!(message, ": {label}");
    }
    if let Some(help) = &d.help {
        let _ = write!(message, " ({help})");
    }
    if let Some(cell) = &d.cell {
        message = format!("{cell}: {message}");
    }
    // A problem of no file (a portfolio finding without kamsite.yaml) is a plain annotation.
    let mut properties = Vec::new();
    if !d.file.is_empty() {
        properties.push(format!("file={}", escape_property(&d.file)));
        if d.line > 0 && d.cell.is_none() {
            properties.push(format!("line={},col={}", d.line, d.column));
        }
    }
    let title = d.rule.as_deref().or(d.kind).unwrap_or("kamsite");
    properties.push(format!("title={}", escape_property(title)));
    let mut out = format!("::{command} {}", properties.join(","));
    let _ = writeln!(out, "::{}", escape_data(&message));
    out
}

/// Workflow-command escaping (the runner decodes these).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let keys = ["name", "designation", "owner", "sponsor"];
        assert_eq!(did_you_mean("desgnation", keys), Some("designation"));
        assert_eq!(did_you_mean("Owner", keys), Some("owner"));
        assert_eq!(did_you_mean("budget", keys), None);
    }

    #[test]
    fn at_most_fifty_of_a_kind_per_file_then_a_count() {
        let mut all: Vec<Diagnostic> = (1..=60)
            .map(|i| {
                Diagnostic::error("a.csv", "bad")
                    .at("x\n", i, 1, 1)
                    .with_kind("invalid value")
            })
            .chain((1..=3).map(|i| Diagnostic::error("b.md", "other").at("x\n", i, 1, 1)))
            .collect();
        bound(&mut all);
        sort(&mut all);
        assert_eq!(all.len(), 54);
        assert_eq!(all[50].message, "… and 10 more like this (invalid value)");
        assert_eq!((all[50].line, all[50].column), (51, 1));
        assert_eq!(all[50].file, "a.csv");
        assert_eq!(all[53].file, "b.md");
        assert_eq!(clip(&"x".repeat(100)).chars().count(), 81);
        assert_eq!(clip("short"), "short");
    }

    #[test]
    fn workbook_cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(cell_name("Financials", 14, 3), "Financials!C14");
        assert_eq!(cell_name("Q3 report", 1, 27), "'Q3 report'!AA1");
        assert_eq!(cell_name("Sheet1", 2, 702), "Sheet1!ZZ2");
        let d = Diagnostic::error("data/erp.xlsx", "bad").at_cell("Financials", 14, 3);
        assert!(render(&d, Format::Human, false).contains("--> data/erp.xlsx at Financials!C14"));
        assert_eq!(
            render(&d, Format::Github, false),
            "::error file=data/erp.xlsx,title=kamsite::Financials!C14: bad\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&render(&d, Format::Json, false)).unwrap();
        assert_eq!(
            (json["line"].as_u64(), json["cell"].as_str()),
            (Some(0), Some("Financials!C14"))
        );
    }

    #[test]
    fn github_format_escapes_properties_and_data() {
        let d = Diagnostic::error("a,b:c.md", "50% bad\nvalue").at("x: 1\n", 1, 4, 1);
        assert_eq!(
            render(&d, Format::Github, false),
            "::error file=a%2Cb%3Ac.md,line=1,col=4,title=kamsite::50%25 bad%0Avalue\n"
        );
        let d = d.with_kind("unknown key");
        assert!(render(&d, Format::Github, false).contains(",title=unknown key::"));
        let mut finding = Diagnostic::warning("a.md", "plan is stale");
        finding.rule = Some("stale-plan".into());
        assert_eq!(
            render(&finding, Format::Github, false),
            "::warning file=a.md,title=stale-plan::plan is stale\n"
        );
    }

    #[test]
    fn human_format_shows_line_and_caret() {
        let d = Diagnostic::error("p/a.md", "unknown key `desgnation`")
            .at("name: x\ndesgnation: key\n", 2, 1, 10)
            .with_help(Some("did you mean `designation`?".into()));
        let out = render(&d, Format::Human, false);
        assert!(out.contains("--> p/a.md:2:1"), "{out}");
        assert!(out.contains("2 | desgnation: key"), "{out}");
        assert!(out.contains("^^^^^^^^^^"), "{out}");
        assert!(out.contains("help: did you mean `designation`?"), "{out}");
    }
}
