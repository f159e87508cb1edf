//! CSV sources (SPEC §13): rows of an ERP's financials export and a CRM's opportunity report,
//! merged into the accounts exactly as if they stood in the front matter.
//!
//! Every cell is read and checked here, with its position in the CSV file, and only rows
//! without problems are merged; `validate` then checks the front matter's own entries. Range
//! rules are `validate`'s (`check_money`, `check_range`), so a number is accepted or refused
//! the same wherever it is written.

pub mod cells;
mod rows;
mod table;

use std::collections::HashMap;

use crate::diagnostics::{suggestion, Diagnostic};
use crate::load::positions::{locate, Target, YamlPath};
use crate::load::{read_text, split, Root, CONFIG_FILE};
use crate::model::{Account, Config, OpportunityStage, Source};
use crate::validate::{check_money, check_range, PCT};
use table::{Cell, Table};

/// Problems with a source's `file`, `match`, `delimiter` and `decimal` settings, as (key,
/// message, label). A source with any is not read; validation reports them at kamsite.yaml.
pub fn setting_problems<C>(s: &Source<C>) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    // Only files inside the portfolio: a clone of the repository holds them, and an export
    // must never read (and print cells of) /etc/passwd or a sibling project.
    let inside = !s.file.trim().is_empty()
        && !s.file.starts_with('/')
        && s.file.split('/').all(|c| c != ".." && !c.contains('\\'));
    if !inside {
        out.push((
            "file",
            format!("`file: {}` is not a file inside the portfolio", s.file),
            "expected a path relative to the portfolio folder, like `data/erp-financials.csv`"
                .into(),
        ));
    }
    let name_ok = s
        .matches
        .strip_prefix("ids.")
        .is_some_and(|n| !n.trim().is_empty());
    if s.matches != "id" && !name_ok {
        out.push((
            "match",
            format!("`match: {}` is not a way to match accounts", s.matches),
            "expected `id` or `ids.NAME` (a system name under `ids:` in the account files)".into(),
        ));
    }
    let d = s.delimiter.as_bytes();
    if d.len() != 1 || matches!(d[0], b'"' | b'\n' | b'\r') {
        out.push((
            "delimiter",
            format!("`delimiter: {:?}` is not a CSV delimiter", s.delimiter),
            "expected one character such as `,`, `;` or `|`".into(),
        ));
    }
    if s.decimal != "." && s.decimal != "," {
        out.push((
            "decimal",
            format!("`decimal: {:?}` is not a decimal separator", s.decimal),
            "expected `.` or `,`".into(),
        ));
    }
    out
}

/// The source files kamsite.yaml in `dir` names (relative, `/`-separated), for the preview's
/// watcher: a save of one of them rebuilds. Empty when kamsite.yaml cannot be read.
pub fn configured_files(dir: &std::path::Path) -> Vec<String> {
    match read_text(&Root::new(dir), CONFIG_FILE) {
        Some(Ok(text)) => files_named_in(&text),
        _ => Vec::new(),
    }
}

/// The source files a kamsite.yaml text names; none when it does not decode (loading reports
/// why). Also how a git baseline knows which files of a revision to read.
pub fn files_named_in(text: &str) -> Vec<String> {
    serde_saphyr::from_str::<Option<Config>>(text)
        .ok()
        .flatten()
        .map_or(Vec::new(), |c| {
            c.sources.files().into_iter().map(normal).collect()
        })
}

/// `./data/x.csv` as the watcher and a git revision name it: `data/x.csv`.
pub fn normal(rel: &str) -> String {
    rel.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// An account a CSV key can name.
#[derive(Clone, Copy)]
enum Keyed {
    /// Index into the portfolio's accounts.
    Account(usize),
    /// A rejected account file: its rows are skipped without a word, the file has its errors.
    Rejected,
}

/// Reads the configured sources and merges their rows into `accounts`. Returns the problems
/// and how many files were read.
pub fn merge(
    root: &Root,
    config: &Config,
    accounts: &mut [Account],
    rejected: &[Account],
) -> (Vec<Diagnostic>, usize) {
    let mut diagnostics = Vec::new();
    let mut files = 0;
    if let Some(src) = &config.sources.financials {
        if let Some((text, mut reader)) = open(root, src, "financials", &mut diagnostics) {
            files += 1;
            let keys = keys(&src.matches, accounts, rejected);
            reader.financials(&text, src, &keys, accounts);
            diagnostics.extend(reader.diagnostics);
        }
    }
    if let Some(src) = &config.sources.opportunities {
        if let Some((text, mut reader)) = open(root, src, "opportunities", &mut diagnostics) {
            files += 1;
            let keys = keys(&src.matches, accounts, rejected);
            reader.opportunities(&text, src, &keys, accounts);
            diagnostics.extend(reader.diagnostics);
        }
    }
    (diagnostics, files)
}

/// The CSV text of `src`, or why it cannot be read (at its `file:` in kamsite.yaml when it
/// does not exist).
fn open<'r, C>(
    root: &'r Root,
    src: &Source<C>,
    kind: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(String, Reader<'r>)> {
    if !setting_problems(src).is_empty() {
        return None;
    }
    match read_text(root, &normal(&src.file)) {
        Some(Ok(text)) => Some((
            text,
            Reader {
                root,
                rel: normal(&src.file),
                file: root.display(&normal(&src.file)),
                decimal: if src.decimal == "," { ',' } else { '.' },
                delimiter: src.delimiter.as_bytes().first().copied().unwrap_or(b','),
                diagnostics: Vec::new(),
                line_starts: std::cell::OnceCell::new(),
            },
        )),
        Some(Err(d)) => {
            diagnostics.push(d);
            None
        }
        None => {
            diagnostics.push(config_problem(
                root,
                YamlPath::root().key("sources").key(kind).key("file"),
                format!("the {kind} source `{}` does not exist", src.file),
                "expected a CSV file, relative to the portfolio folder",
            ));
            None
        }
    }
}

/// A diagnostic at `path` in kamsite.yaml.
fn config_problem(root: &Root, path: YamlPath, message: String, label: &str) -> Diagnostic {
    let text = read_text(root, CONFIG_FILE)
        .and_then(Result::ok)
        .unwrap_or_default();
    let at = locate(&text, &path, Target::Value);
    Diagnostic::error(root.display(CONFIG_FILE), message)
        .at(&text, at.line, at.column, at.width)
        .with_label(label)
        .with_kind("missing file")
}

/// Key in the source's system → account.
fn keys(matches: &str, accounts: &[Account], rejected: &[Account]) -> HashMap<String, Keyed> {
    let key = |a: &Account| match matches.strip_prefix("ids.") {
        Some(system) => a.front.ids.get(system).cloned(),
        None => Some(a.id.clone()),
    };
    let mut out = HashMap::with_capacity(accounts.len());
    for a in rejected {
        if let Some(k) = key(a) {
            out.insert(k, Keyed::Rejected);
        }
    }
    for (i, a) in accounts.iter().enumerate() {
        if let Some(k) = key(a) {
            // Two accounts with one key is a validation error naming both files; the first
            // in path order takes the rows meanwhile.
            out.entry(k).or_insert(Keyed::Account(i));
        }
    }
    out
}

/// Reads one source file, collecting every problem of it.
struct Reader<'r> {
    root: &'r Root,
    rel: String,
    file: String,
    decimal: char,
    delimiter: u8,
    diagnostics: Vec<Diagnostic>,
    /// Byte offset of each line's start, built on the first problem: a file with a problem in
    /// every one of 80,000 rows must not scan the text from the top for each.
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl Reader<'_> {
    /// The text of 1-based `line`, found through the line index.
    fn line<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let start = starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(text.len());
        let end = starts.get(line).copied().unwrap_or(text.len());
        text.get(start..end).unwrap_or("")
    }
}

/// Where each field's column is in the header (`None`: not read).
type Columns = Vec<Option<usize>>;

impl Reader<'_> {
    fn error(
        &mut self,
        text: &str,
        cell: &Cell,
        kind: &'static str,
        message: String,
        label: String,
    ) -> &mut Diagnostic {
        let width = cell.value.chars().count().max(1);
        let mut d = Diagnostic::error(&self.file, message)
            .at(self.line(text, cell.line), 1, cell.column, width)
            .with_label(label)
            .with_kind(kind);
        d.line = cell.line; // `at` was given the row's line alone
        self.diagnostics.push(d);
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    /// The header's columns for `wanted` (kamsite field, header name); a header that is not
    /// there is an error at the header line with the nearest header as hint.
    fn header(
        &mut self,
        text: &str,
        table: &Table,
        wanted: &[(&str, Option<&str>)],
    ) -> Option<(Columns, bool)> {
        if table.header.is_empty() {
            self.diagnostics.push(
                Diagnostic::error(&self.file, "the CSV file is empty")
                    .at(text, 1, 1, 1)
                    .with_label("expected a header row naming the columns")
                    .with_kind("missing column"),
            );
            return None;
        }
        let names: Vec<&str> = table.header.iter().map(|c| c.value.trim()).collect();
        let mut columns = Vec::with_capacity(wanted.len());
        let mut ok = true;
        for (field, header) in wanted {
            let Some(header) = header else {
                columns.push(None);
                continue;
            };
            match names.iter().position(|n| n == header) {
                Some(i) => columns.push(Some(i)),
                None => {
                    ok = false;
                    columns.push(None);
                    let nearest = nearest(header, names.iter().copied());
                    let line = table.header[0].line;
                    let width = text.lines().nth(line - 1).map_or(1, |l| l.chars().count());
                    self.diagnostics.push(
                        Diagnostic::error(
                            &self.file,
                            format!("the header has no column `{header}`"),
                        )
                        .at(text, line, 1, width)
                        .with_label(format!("expected a column `{header}` (for `{field}`, set under `columns:` in kamsite.yaml)"))
                        .with_help(nearest.map(|n| format!("did you mean `{n}`?")))
                        .with_kind("missing column"),
                    );
                }
            }
        }
        Some((columns, ok))
    }

    /// The account a row is for; a key that names no account is a warning (the row is not
    /// used), a missing key an error.
    fn account(
        &mut self,
        text: &str,
        row: &[Cell],
        col: usize,
        header: &str,
        keys: &HashMap<String, Keyed>,
        matches: &str,
    ) -> Option<Keyed> {
        let cell = self.cell(text, row, col, header, "the account key")?;
        let key = cell.value.trim();
        if let Some(t) = keys.get(key) {
            return Some(*t);
        }
        // A key that is all digits (an ERP customer number) is never "nearly" another: the
        // nearest number is some other customer. Others are offered in sorted order, so the
        // hint is the same on every run.
        let numeric = !key.is_empty() && key.chars().all(|c| c.is_ascii_digit());
        let mut known: Vec<&str> = keys.keys().map(String::as_str).collect();
        known.sort_unstable();
        let hint = if numeric {
            None
        } else {
            suggestion(key, known)
        };
        let help = hint.unwrap_or_else(|| match matches.strip_prefix("ids.") {
            Some(system) => {
                format!("add `ids: {{ {system}: \"{key}\" }}` to the account's file")
            }
            None => "the column must hold account ids (the file stem or `id:`)".into(),
        });
        let what = match matches.strip_prefix("ids.") {
            Some(system) => format!("`ids.{system}`"),
            None => "id".into(),
        };
        let d = Diagnostic::warning(
            &self.file,
            format!("no account has the {what} `{key}`; this row is not used"),
        )
        .at(
            self.line(text, cell.line),
            1,
            cell.column,
            key.chars().count().max(1),
        )
        .with_label("matches no account")
        .with_help(Some(help))
        .with_kind("unknown account");
        let d = Diagnostic {
            line: cell.line, // `at` was given the row's line alone
            ..d
        };
        self.diagnostics.push(d);
        None
    }

    /// A required cell: missing or empty is an error at the row.
    fn cell<'c>(
        &mut self,
        text: &str,
        row: &'c [Cell],
        col: usize,
        header: &str,
        what: &str,
    ) -> Option<&'c Cell> {
        match row.get(col) {
            Some(c) if !c.value.trim().is_empty() => Some(c),
            found => {
                let at = found.unwrap_or(&row[row.len() - 1]);
                self.error(
                    text,
                    at,
                    "missing value",
                    format!("`{header}` is empty"),
                    format!("expected {what}"),
                );
                None
            }
        }
    }

    /// An optional cell as text: empty means missing.
    fn text_cell(row: &[Cell], col: Option<usize>) -> Option<&Cell> {
        col.and_then(|c| row.get(c))
            .filter(|c| !c.value.trim().is_empty())
    }

    /// An optional number cell. `Err(())`: a problem was reported.
    fn number(
        &mut self,
        text: &str,
        row: &[Cell],
        col: Option<usize>,
        header: Option<&str>,
        range: Range,
    ) -> Result<Option<f64>, ()> {
        let Some(cell) = Self::text_cell(row, col) else {
            return Ok(None);
        };
        let header = header.unwrap_or_default();
        let v = match cells::number(&cell.value, self.decimal) {
            Ok(v) => v,
            Err(e) => {
                self.error(
                    text,
                    cell,
                    "invalid value",
                    format!("`{header}` is not a number"),
                    e,
                );
                return Err(());
            }
        };
        let checked = match range {
            Range::Money { signed } => check_money(v, signed),
            Range::Percent => check_range(v, 0.0, 100.0, PCT),
        };
        match checked {
            Ok(()) => Ok(Some(v)),
            Err((shown, label)) => {
                self.error(
                    text,
                    cell,
                    "out of range",
                    format!("`{header}` is out of range: {shown}"),
                    label,
                );
                Err(())
            }
        }
    }

    /// A stage through `stages` when the source has them, else a §3 stage name.
    fn stage(
        &mut self,
        text: &str,
        cell: &Cell,
        src: &Source<crate::model::OpportunityColumns>,
    ) -> Option<OpportunityStage> {
        let v = cell.value.trim();
        if src.stages.is_empty() {
            if let Some(s) = OpportunityStage::ALL.iter().find(|s| s.as_str() == v) {
                return Some(*s);
            }
            let help =
                suggestion(v, OpportunityStage::NAMES.iter().copied()).unwrap_or_else(|| {
                    "map the CRM's stage names to kamsite's under `stages:` in kamsite.yaml".into()
                });
            self.error(
                text,
                cell,
                "unknown name",
                format!("unknown stage `{v}`"),
                format!("expected one of {}", OpportunityStage::NAMES.join(", ")),
            )
            .help = Some(help);
            return None;
        }
        if let Some(s) = src.stages.get(v) {
            return Some(*s);
        }
        let help = suggestion(v, src.stages.keys().map(String::as_str)).unwrap_or_else(|| {
            format!("add `{v}` to `stages:` of the opportunities source in kamsite.yaml")
        });
        let listed: Vec<&str> = src.stages.keys().map(String::as_str).collect();
        self.error(
            text,
            cell,
            "unknown name",
            format!("unknown stage `{v}`"),
            format!(
                "expected a stage listed under `stages:` ({})",
                listed.join(", ")
            ),
        )
        .help = Some(help);
        None
    }
}

#[derive(Clone, Copy)]
enum Range {
    Money { signed: bool },
    Percent,
}

/// The line of `path` in the front matter of the account file `rel` (for "also in" labels).
fn front_line(root: &Root, rel: &str, path: YamlPath) -> usize {
    let text = read_text(root, rel)
        .and_then(Result::ok)
        .unwrap_or_default();
    let yaml = split(&text).map_or("", |s| s.yaml);
    locate(yaml, &path, Target::Value).line + 1
}

/// The header closest to `name`, however far: a hint even for a renamed column.
fn nearest<'a>(name: &str, headers: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    headers
        .filter(|h| !h.is_empty())
        .min_by_key(|h| strsim::damerau_levenshtein(&lower, &h.to_lowercase()))
}
