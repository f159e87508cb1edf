//! CSV sources (SPEC §13): rows of an ERP's financials export and a CRM's opportunity report,
//! merged into the accounts exactly as if they stood in the front matter.
//!
//! Every cell is read and checked here, with its position in the CSV file, and only rows
//! without problems are merged; `validate` then checks the front matter's own entries. Range
//! rules are the model's (`limits::check_money`, `check_range`), so a number is accepted or refused
//! the same wherever it is written.

pub mod cells;
mod rows;
mod table;

use std::collections::HashMap;

use crate::diagnostics::{clip, more_like_this, suggestion, Diagnostic, MAX_PER_KIND};
use crate::load::positions::{locate, position, Locus, Problem, Target, YamlPath};
use crate::load::{read_text, split, Root, CONFIG_FILE};
use crate::model::limits::{check_money, check_range, PCT};
use crate::model::{Account, Config, OpportunityStage, Source, UnknownAccounts};
pub use table::may_echo;
use table::{Cell, Table};

/// Problems with a source's `file`, `match`, `delimiter` and `decimal` settings, as (key,
/// message, label). A source with any is not read; validation reports them at kamsite.yaml.
pub fn setting_problems<C>(s: &Source<C>) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    // Only files inside the portfolio: a clone of the repository holds them, and an export
    // must never read (and print cells of) /etc/passwd or a sibling project.
    let inside = !normal(&s.file).is_empty()
        && !s.file.starts_with('/')
        && s.file.split('/').all(|c| c != ".." && !c.contains('\\'));
    if !inside {
        out.push((
            "file",
            format!(
                "`file: {}` is not a file inside the portfolio",
                clip(&s.file)
            ),
            "expected a path relative to the portfolio folder, like `data/erp-financials.csv`"
                .into(),
        ));
    } else if let Some(hidden) = crate::load::manifest::hidden_part(&s.file) {
        // `.git/config` holds the token actions/checkout stores, `.env` the secrets of a
        // developer machine: a source there would print them into CI logs (SPEC §13 v1.2).
        out.push((
            "file",
            format!(
                "`file: {}` is inside `{hidden}`, which kamsite never reads",
                clip(&s.file)
            ),
            "a source is a file of the portfolio outside every folder or file whose name starts with `.`"
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

/// The delimiter of the source read from `rel` (`,` for any other file), so a diagnostic made
/// after merging knows how to read the row it shows.
pub fn delimiter_of(config: &Config, rel: &str) -> u8 {
    let s = &config.sources;
    let delimiter = match (&s.financials, &s.opportunities) {
        (Some(f), _) if normal(&f.file) == rel => Some(&f.delimiter),
        (_, Some(o)) if normal(&o.file) == rel => Some(&o.delimiter),
        _ => None,
    };
    delimiter
        .and_then(|d| d.as_bytes().first().copied())
        .unwrap_or(b',')
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
            diagnostics.extend(reader.finish(&text));
        }
    }
    if let Some(src) = &config.sources.opportunities {
        if let Some((text, mut reader)) = open(root, src, "opportunities", &mut diagnostics) {
            files += 1;
            let keys = keys(&src.matches, accounts, rejected);
            reader.opportunities(&text, src, &keys, accounts);
            diagnostics.extend(reader.finish(&text));
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
    if let Some(through) = hidden_target(root, &normal(&src.file)) {
        diagnostics.push(config_problem(
            root,
            YamlPath::root().key("sources").key(kind).key("file"),
            format!(
                "the {kind} source `{}` is a link to `{through}`, which kamsite never reads",
                clip(&src.file)
            ),
            "a source is a file of the portfolio outside every folder or file whose name starts with `.`",
        ));
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
                counts: HashMap::new(),
                echo: true,
                unknown: Vec::new(),
                unknown_index: HashMap::new(),
                unknown_policy: src.unknown_accounts,
                matches: src.matches.clone(),
            },
        )),
        Some(Err(d)) => {
            // Where it is configured is where it is fixed.
            let mut problem = config_problem(
                root,
                YamlPath::root().key("sources").key(kind).key("file"),
                format!("the {kind} source `{}` cannot be read", clip(&src.file)),
                "expected a CSV file, relative to the portfolio folder",
            );
            problem.help = Some(d.message);
            diagnostics.push(problem);
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

/// Where `rel` really is, when a link takes it into a hidden folder or file of the portfolio
/// (`data/x.csv -> ../.git/config`): that part's name. Links out of the portfolio are refused
/// by reading itself.
fn hidden_target(root: &Root, rel: &str) -> Option<String> {
    if root.memory.is_some() {
        return None; // a revision's links are never followed
    }
    let top = root.dir.canonicalize().ok()?;
    let real = root.dir.join(rel).canonicalize().ok()?;
    let inside = real.strip_prefix(&top).ok()?;
    let inside = crate::load::slash_path(inside);
    crate::load::manifest::hidden_part(&inside)
        .is_some()
        .then_some(inside)
}

/// A diagnostic at `path` in kamsite.yaml.
fn config_problem(root: &Root, path: YamlPath, message: String, label: &str) -> Diagnostic {
    let problem = Problem {
        file: CONFIG_FILE.into(),
        severity: crate::model::Severity::Error,
        locus: Locus::Yaml(path, Target::Value),
        message,
        label: Some(label.into()),
        help: None,
        kind: "missing file",
    };
    position(root, &Config::default(), vec![problem])
        .pop()
        .unwrap_or_else(|| Diagnostic::error(root.display(CONFIG_FILE), "a source cannot be read"))
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
    /// Problems of each kind so far, and where the first one past [`MAX_PER_KIND`] was: past
    /// it they are only counted.
    counts: HashMap<&'static str, (usize, Option<Place>)>,
    /// Whether the current row may be shown in a diagnostic (no cell over `MAX_ECHO`).
    echo: bool,
    /// Keys that match no account, in the order first seen, each once (SPEC §13 v1.2).
    unknown: Vec<Unknown>,
    unknown_index: HashMap<String, usize>,
    unknown_policy: UnknownAccounts,
    /// What the account column matches: `id` or `ids.NAME`.
    matches: String,
}

/// A line and a column.
type Place = (usize, usize);

/// An account key that matches no account: where it was first seen, and in how many rows.
struct Unknown {
    key: String,
    line: usize,
    column: usize,
    rows: usize,
}

impl Reader<'_> {
    /// Whether another problem of `kind`, at `line`:`column`, is still shown; counts it
    /// either way.
    fn room(&mut self, kind: &'static str, line: usize, column: usize) -> bool {
        let (n, first_left_out) = self.counts.entry(kind).or_default();
        *n += 1;
        if *n == MAX_PER_KIND + 1 {
            *first_left_out = Some((line, column));
        }
        *n <= MAX_PER_KIND
    }

    /// Starts a row: its cells decide whether the row's line may be shown.
    fn start_row(&mut self, row: &[Cell]) {
        self.echo = row
            .iter()
            .all(|c| c.value.chars().count() <= crate::diagnostics::MAX_ECHO);
    }

    /// `d` placed at `line`:`column`, showing the line only when the row may be echoed.
    fn place(
        &self,
        d: Diagnostic,
        text: &str,
        line: usize,
        column: usize,
        width: usize,
    ) -> Diagnostic {
        if self.echo {
            let mut d = d.at(self.line(text, line), 1, column, width);
            d.line = line; // `at` was given the row's line alone
            d
        } else {
            d.at_position(line, column, width)
        }
    }

    /// Every problem of the file: the unknown keys once each, and a count of what was left
    /// out of each kind.
    fn finish(mut self, text: &str) -> Vec<Diagnostic> {
        let unknown = std::mem::take(&mut self.unknown);
        for u in unknown {
            self.unknown_key(text, &u);
        }
        let mut out = self.diagnostics;
        let mut kinds: Vec<_> = self.counts.into_iter().collect();
        kinds.sort_unstable();
        for (kind, (n, at)) in kinds {
            if n > MAX_PER_KIND {
                let severity = out
                    .iter()
                    .find(|d| d.kind == Some(kind))
                    .map_or(crate::model::Severity::Error, |d| d.severity);
                out.push(more_like_this(
                    &self.file,
                    severity,
                    Some(kind),
                    n - MAX_PER_KIND,
                    at,
                ));
            }
        }
        out
    }

    /// The one warning (or error) for a key that matches no account.
    fn unknown_key(&mut self, text: &str, u: &Unknown) {
        let severity = match self.unknown_policy {
            UnknownAccounts::Ignore => return,
            UnknownAccounts::Warn => crate::model::Severity::Warning,
            UnknownAccounts::Error => crate::model::Severity::Error,
        };
        if !self.room("unknown account", u.line, u.column) {
            return;
        }
        let what = match self.matches.strip_prefix("ids.") {
            Some(system) => format!("`ids.{system}`"),
            None => "id".into(),
        };
        let key = clip(&u.key);
        let rows = if u.rows == 1 {
            "this row is not used".to_string()
        } else {
            format!("its {} rows are not used", u.rows)
        };
        // Never "did you mean" another key: following it would book this customer's figures
        // on another account (SPEC §13 v1.2).
        let help = match self.matches.strip_prefix("ids.") {
            Some(system) => format!(
                "if this customer has a plan, add `ids: {{ {system}: \"{key}\" }}` to its account file; for an export that holds customers without a plan, set `unknown_accounts: ignore` for this source in kamsite.yaml"
            ),
            None => "the column must hold account ids (the file stem or `id:`); for an export that holds customers without a plan, set `unknown_accounts: ignore` for this source in kamsite.yaml".into(),
        };
        let d = Diagnostic {
            severity,
            ..Diagnostic::error(
                &self.file,
                format!("no account has the {what} `{key}`; {rows}"),
            )
        }
        .with_label("matches no account")
        .with_help(Some(help))
        .with_kind("unknown account");
        // The first row's line is shown again only if it may be echoed.
        let echo = table::may_echo(self.line(text, u.line), self.delimiter);
        let width = u.key.chars().count().clamp(1, crate::diagnostics::MAX_ECHO);
        let d = if echo {
            let mut d = d.at(self.line(text, u.line), 1, u.column, width);
            d.line = u.line;
            d
        } else {
            d.at_position(u.line, u.column, width)
        };
        self.diagnostics.push(d);
    }

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
    /// Reports a problem at `cell`; `None` when it is only counted (past [`MAX_PER_KIND`]),
    /// so a caller adding a hint skips the work.
    fn error(
        &mut self,
        text: &str,
        cell: &Cell,
        kind: &'static str,
        message: String,
        label: String,
    ) -> Option<&mut Diagnostic> {
        if !self.room(kind, cell.line, cell.column) {
            return None;
        }
        let width = cell
            .value
            .chars()
            .count()
            .clamp(1, crate::diagnostics::MAX_ECHO);
        let d = Diagnostic::error(&self.file, message)
            .with_label(label)
            .with_kind(kind);
        let d = self.place(d, text, cell.line, cell.column, width);
        self.diagnostics.push(d);
        self.diagnostics.last_mut()
    }

    /// A row with more or fewer cells than the header: never read, since its cells could only
    /// be guessed at (SPEC §13 v1.2). In a comma-separated file, more cells is most often an
    /// amount written with an unquoted thousands separator.
    fn row_shape(&mut self, text: &str, row: &[Cell], header: usize) -> bool {
        if row.len() == header {
            return true;
        }
        let line = row.first().map_or(1, |c| c.line);
        if !self.room("row shape", line, 1) {
            return false;
        }
        let help = if row.len() > header && self.delimiter == b',' {
            "a number with a thousands separator (`1,234,567`) splits into several cells in a comma-separated file: quote it (`\"1,234,567\"`), write it without separators, or export with `;` as the delimiter".to_string()
        } else {
            "every row needs one cell per column of the header; a cell holding the delimiter must be quoted".to_string()
        };
        let d = Diagnostic::error(
            &self.file,
            format!("this row has {} cells, the header has {header}", row.len()),
        )
        .with_label(format!("expected {header} cells"))
        .with_help(Some(help))
        .with_kind("row shape");
        let width = self.line(text, line).trim_end().chars().count().max(1);
        let d = self.place(d, text, line, 1, width);
        self.diagnostics.push(d);
        false
    }

    /// The header's columns for `wanted` (kamsite field, header name); a header that is not
    /// there is an error at the header line, answered with the headers the file has (SPEC §13
    /// v1.2: finance renamed a column, and the file itself knows what it is called now).
    fn header(
        &mut self,
        text: &str,
        table: &Table<'_>,
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
        self.start_row(&table.header);
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
                    let help = suggestion(header, names.iter().copied()).unwrap_or_else(|| {
                        let listed: Vec<String> = names
                            .iter()
                            .filter(|n| !n.is_empty())
                            .map(|n| format!("`{}`", clip(n)))
                            .collect();
                        format!("the file's columns are {}", listed.join(", "))
                    });
                    let line = table.header[0].line;
                    let width = self.line(text, line).trim_end().chars().count().max(1);
                    let d = Diagnostic::error(
                        &self.file,
                        format!("the header has no column `{}`", clip(header)),
                    )
                    .with_label(format!("expected a column `{}` (for `{field}`, set under `columns:` in kamsite.yaml)", clip(header)))
                    .with_help(Some(help))
                    .with_kind("missing column");
                    let d = self.place(d, text, line, 1, width);
                    self.diagnostics.push(d);
                }
            }
        }
        Some((columns, ok))
    }

    /// The account a row is for. A key that names no account is remembered, and reported once
    /// per key when the file is read (the row is not used); a missing key is an error.
    fn account(
        &mut self,
        text: &str,
        row: &[Cell],
        col: usize,
        header: &str,
        keys: &HashMap<String, Keyed>,
    ) -> Option<Keyed> {
        let cell = self.cell(text, row, col, header, "the account key")?;
        let key = cell.value.trim();
        if let Some(t) = keys.get(key) {
            return Some(*t);
        }
        match self.unknown_index.get(key) {
            Some(&i) => self.unknown[i].rows += 1,
            None => {
                self.unknown_index
                    .insert(key.to_string(), self.unknown.len());
                self.unknown.push(Unknown {
                    key: key.to_string(),
                    line: cell.line,
                    column: cell.column,
                    rows: 1,
                });
            }
        }
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
                    format!("`{}` is empty", clip(header)),
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
                    format!("`{}` is not a number", clip(header)),
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
                    format!("`{}` is out of range: {shown}", clip(header)),
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
            if let Some(d) = self.error(
                text,
                cell,
                "unknown name",
                format!("unknown stage `{}`", clip(v)),
                format!("expected one of {}", OpportunityStage::NAMES.join(", ")),
            ) {
                d.help = Some(help);
            }
            return None;
        }
        if let Some(s) = src.stages.get(v) {
            return Some(*s);
        }
        let help = suggestion(v, src.stages.keys().map(String::as_str)).unwrap_or_else(|| {
            format!(
                "add `{}` to `stages:` of the opportunities source in kamsite.yaml",
                clip(v)
            )
        });
        let listed: Vec<&str> = src.stages.keys().map(String::as_str).collect();
        if let Some(d) = self.error(
            text,
            cell,
            "unknown name",
            format!("unknown stage `{}`", clip(v)),
            format!(
                "expected a stage listed under `stages:` ({})",
                listed.join(", ")
            ),
        ) {
            d.help = Some(help);
        }
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
