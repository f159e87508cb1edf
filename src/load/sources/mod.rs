//! Sources (SPEC §13): rows of an ERP's financials export and a CRM's opportunity report —
//! CSV files or workbooks, as those systems write them — merged into the accounts exactly as if
//! they stood in the front matter.
//!
//! Every cell is read and checked here, with its position in the file (line and column, or
//! sheet and cell), and only rows without problems are merged; `validate` then checks the
//! front matter's own entries. Range rules are the model's (`limits::check_money`,
//! `check_range`), so a number is accepted or refused the same wherever it is written.
//!
//! Exports as they come (SPEC §13 v1.2): a report's title block above `header_row`, totals
//! (`skip_rows_starting_with`), a footer after the first empty row, negative amounts as
//! `12.000,00-` or `(1,200.00)`, dates as `31.03.2027` or `3/31/2027`, Windows-1252 text, one
//! account with several customer numbers, and customers without a plan, once each.

pub mod cells;
mod decode;
mod grid;
pub mod memo;
mod rows;
mod table;

use std::collections::HashMap;

use crate::diagnostics::{clip, more_like_this, suggestion, Diagnostic, MAX_PER_KIND};
use crate::load::positions::{locate, position, Locus, Problem, Target, YamlPath};
use crate::load::{read_bytes, read_text, split, Root, CONFIG_FILE};
use crate::model::limits::{check_money, check_range, PCT};
use crate::model::{Account, Config, DateFormat, OpportunityStage, Source, UnknownAccounts};
use grid::{Cell, Grid, Sheet, Value};
pub use table::may_echo;
use table::Table;

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
    if s.sheet.is_some() && !s.is_workbook() {
        out.push((
            "sheet",
            format!(
                "`sheet:` is for workbooks; `{}` is a CSV file",
                clip(&s.file)
            ),
            "a workbook's file ends in .xlsx, .xlsm, .xls or .ods".into(),
        ));
    }
    if !(1..=1_000_000).contains(&s.header_row) {
        out.push((
            "header_row",
            format!("`header_row: {}` is not a row", s.header_row),
            "expected the 1-based row number of the header, from 1".into(),
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

/// The source files a kamsite.yaml text names. A kamsite.yaml with a mistake elsewhere still
/// names its sources, as loading still reads them (so the preview watches them and a git
/// baseline reads them); none when `sources:` itself does not decode (loading reports why).
pub fn files_named_in(text: &str) -> Vec<String> {
    /// kamsite.yaml's `sources:`, whatever the rest says.
    #[derive(serde::Deserialize)]
    struct OnlySources {
        #[serde(default)]
        sources: crate::model::Sources,
    }
    let sources = match serde_saphyr::from_str::<Option<Config>>(text) {
        Ok(c) => c.map(|c| c.sources),
        Err(_) => serde_saphyr::from_str::<Option<OnlySources>>(text)
            .ok()
            .flatten()
            .map(|o| o.sources),
    };
    sources.map_or(Vec::new(), |s| s.files().into_iter().map(normal).collect())
}

/// `./data/x.csv` as the watcher and a git revision name it: `data/x.csv`.
pub fn normal(rel: &str) -> String {
    rel.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
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
    let fiscal = config.fiscal_year_start;
    if let Some(src) = &config.sources.financials {
        if let Some(Opened {
            text,
            sheet,
            mut reader,
        }) = open(root, src, "financials", fiscal, &mut diagnostics)
        {
            files += 1;
            let mut grid = grid(&text, sheet, &reader);
            let keys = keys(&src.matches, accounts, rejected);
            match no_such_system(root, "financials", &src.matches, &keys, accounts, rejected) {
                Some(d) => diagnostics.push(d),
                None => {
                    reader.financials(&text, &mut grid, src, &keys, accounts);
                    diagnostics.extend(reader.finish(&text));
                }
            }
        }
    }
    if let Some(src) = &config.sources.opportunities {
        if let Some(Opened {
            text,
            sheet,
            mut reader,
        }) = open(root, src, "opportunities", fiscal, &mut diagnostics)
        {
            files += 1;
            let mut grid = grid(&text, sheet, &reader);
            let keys = keys(&src.matches, accounts, rejected);
            match no_such_system(
                root,
                "opportunities",
                &src.matches,
                &keys,
                accounts,
                rejected,
            ) {
                Some(d) => diagnostics.push(d),
                None => {
                    reader.opportunities(&text, &mut grid, src, &keys, accounts);
                    diagnostics.extend(reader.finish(&text));
                }
            }
        }
    }
    (diagnostics, files)
}

/// A source opened for reading: its text (a CSV file) or sheet (a workbook), and its reader.
struct Opened<'r> {
    text: String,
    sheet: Option<Sheet>,
    reader: Reader<'r>,
}

/// The rows of an opened source.
fn grid<'t>(text: &'t str, sheet: Option<Sheet>, reader: &Reader<'_>) -> Grid<'t> {
    match sheet {
        Some(sheet) => Grid::Sheet(sheet),
        None => Grid::Csv(Table::read(text, reader.delimiter, &reader.file)),
    }
}

/// The file of `src` opened for reading, or why it cannot be (at its `file:` in kamsite.yaml).
fn open<'r, C>(
    root: &'r Root,
    src: &Source<C>,
    kind: &str,
    fiscal_year_start: i64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Opened<'r>> {
    if !setting_problems(src).is_empty() {
        return None;
    }
    let at_file = || YamlPath::root().key("sources").key(kind).key("file");
    if let Some(through) = hidden_target(root, &normal(&src.file)) {
        diagnostics.push(config_problem(
            root,
            at_file(),
            format!(
                "the {kind} source `{}` is a link to `{through}`, which kamsite never reads",
                clip(&src.file)
            ),
            "a source is a file of the portfolio outside every folder or file whose name starts with `.`",
        ));
        return None;
    }
    let rel = normal(&src.file);
    let file = root.display(&rel);
    let bytes = match read_bytes(root, &rel) {
        Some(Ok(b)) => b,
        Some(Err(d)) => {
            // Where it is configured is where it is fixed.
            let mut problem = config_problem(
                root,
                at_file(),
                format!("the {kind} source `{}` cannot be read", clip(&src.file)),
                "expected a CSV file or a workbook, relative to the portfolio folder",
            );
            problem.help = Some(d.message);
            diagnostics.push(problem);
            return None;
        }
        None => {
            diagnostics.push(config_problem(
                root,
                at_file(),
                format!("the {kind} source `{}` does not exist", clip(&src.file)),
                "expected a CSV file or a workbook, relative to the portfolio folder",
            ));
            return None;
        }
    };
    let (text, sheet) = if src.is_workbook() {
        match Sheet::open(bytes, src.sheet.as_deref()) {
            Ok(sheet) => (String::new(), Some(sheet)),
            Err(why) => {
                let about_sheet = src.sheet.is_some() && why.contains("no sheet");
                let (at, label) = if about_sheet {
                    (
                        YamlPath::root().key("sources").key(kind).key("sheet"),
                        "expected the name of a sheet of the workbook, as its tab shows it",
                    )
                } else {
                    (
                        at_file(),
                        "expected an .xlsx, .xlsm, .xlsb, .xls or .ods workbook",
                    )
                };
                diagnostics.push(config_problem(
                    root,
                    at,
                    format!(
                        "the {kind} source `{}` cannot be read: {why}",
                        clip(&src.file)
                    ),
                    label,
                ));
                return None;
            }
        }
    } else {
        match decode::decode(&bytes, src.encoding, &file) {
            Ok(text) => (text, None),
            Err(d) => {
                diagnostics.push(d);
                return None;
            }
        }
    };
    let mut reader = Reader::empty(root);
    reader.rel = rel;
    reader.file = file;
    reader.decimal = if src.decimal == "," { ',' } else { '.' };
    reader.delimiter = src.delimiter.as_bytes().first().copied().unwrap_or(b',');
    reader.unknown_policy = src.unknown_accounts;
    reader.matches = src.matches.clone();
    reader.header_row = src.header_row;
    reader.skip = src
        .skip_rows_starting_with
        .iter()
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    reader.date_format = src.date_format;
    reader.fiscal_year_start = fiscal_year_start;
    reader.sheet = sheet.as_ref().map(|s| s.name.clone());
    Some(Opened {
        text,
        sheet,
        reader,
    })
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
    crate::load::manifest::hidden(&inside).then_some(inside)
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

/// `match: ids.erpp` when no account has an `erpp` id: an error at `match:` naming the
/// systems the accounts do have, instead of one "no account has…" per row.
fn no_such_system(
    root: &Root,
    kind: &str,
    matches: &str,
    keys: &HashMap<String, Keyed>,
    accounts: &[Account],
    rejected: &[Account],
) -> Option<Diagnostic> {
    let system = matches.strip_prefix("ids.")?;
    if !keys.is_empty() || accounts.is_empty() && rejected.is_empty() {
        return None;
    }
    let mut systems: Vec<&str> = accounts
        .iter()
        .chain(rejected)
        .flat_map(|a| a.front.ids.keys().map(String::as_str))
        .collect();
    systems.sort_unstable();
    systems.dedup();
    let mut d = config_problem(
        root,
        YamlPath::root().key("sources").key(kind).key("match"),
        format!(
            "no account has an `ids.{}`: no row of the {kind} source could be matched",
            clip(system)
        ),
        "expected `ids.NAME` with a NAME used under `ids:` in the account files",
    );
    let named: Vec<String> = systems.iter().map(|s| format!("ids.{s}")).collect();
    d.help =
        crate::diagnostics::suggestion(matches, named.iter().map(String::as_str)).or_else(|| {
            (!named.is_empty()).then(|| format!("the account files use {}", named.join(", ")))
        });
    Some(d.with_kind("unknown system"))
}

/// Key in the source's system → account. An account may have several keys in one system (a
/// customer hierarchy, `ids: { erp: ["100457", "100458"] }`).
fn keys(matches: &str, accounts: &[Account], rejected: &[Account]) -> HashMap<String, Keyed> {
    let keys_of = |a: &Account| -> Vec<String> {
        match matches.strip_prefix("ids.") {
            Some(system) => a
                .front
                .ids
                .get(system)
                .map(|k| k.keys.clone())
                .unwrap_or_default(),
            None => vec![a.id.clone()],
        }
    };
    let mut out = HashMap::with_capacity(accounts.len());
    for a in rejected {
        for k in keys_of(a) {
            out.insert(k, Keyed::Rejected);
        }
    }
    for (i, a) in accounts.iter().enumerate() {
        for k in keys_of(a) {
            // Two accounts with one key is a validation error naming both files; the first
            // in path order takes the rows meanwhile.
            out.entry(k).or_insert(Keyed::Account(i));
        }
    }
    out
}

/// A line and a column.
type Place = (usize, usize);

/// Reads one source file, collecting every problem of it.
struct Reader<'r> {
    root: &'r Root,
    rel: String,
    file: String,
    /// The workbook's sheet; `None` for a CSV file.
    sheet: Option<String>,
    decimal: char,
    delimiter: u8,
    header_row: usize,
    /// `skip_rows_starting_with`, lowercase.
    skip: Vec<String>,
    date_format: DateFormat,
    fiscal_year_start: i64,
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
    /// Data rows read so far (the footer starts only after one).
    data_rows: usize,
    /// The line (or row) of the last data row.
    last_data_line: usize,
}

/// An account key that matches no account: where it was first seen, and in how many rows.
struct Unknown {
    key: String,
    line: usize,
    column: usize,
    rows: usize,
}

/// An account a key can name.
#[derive(Clone, Copy)]
enum Keyed {
    /// Index into the portfolio's accounts.
    Account(usize),
    /// A rejected account file: its rows are skipped without a word, the file has its errors.
    Rejected,
}

/// Where each field's column is in the header (`None`: not read).
type Columns = Vec<Option<usize>>;

#[derive(Clone, Copy)]
enum Range {
    Money { signed: bool },
    Percent,
}

impl<'r> Reader<'r> {
    fn empty(root: &'r Root) -> Reader<'r> {
        Reader {
            root,
            rel: String::new(),
            file: String::new(),
            sheet: None,
            decimal: '.',
            delimiter: b',',
            header_row: 1,
            skip: Vec::new(),
            date_format: DateFormat::Iso,
            fiscal_year_start: 1,
            diagnostics: Vec::new(),
            line_starts: std::cell::OnceCell::new(),
            counts: HashMap::new(),
            echo: true,
            unknown: Vec::new(),
            unknown_index: HashMap::new(),
            unknown_policy: UnknownAccounts::Warn,
            matches: "id".into(),
            data_rows: 0,
            last_data_line: 0,
        }
    }

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

    /// `d` placed at `line`:`column` — in a workbook, at that cell of the sheet — showing the
    /// CSV line only when the row may be echoed.
    fn place(
        &self,
        d: Diagnostic,
        text: &str,
        line: usize,
        column: usize,
        width: usize,
    ) -> Diagnostic {
        if let Some(sheet) = &self.sheet {
            return d.at_cell(sheet, line, column);
        }
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
        // Not one row for any account: the source is mapped wrongly (`match:`, `account:`),
        // never a file to pass over quietly, whatever `unknown_accounts` says.
        let unmatched: usize = unknown.iter().map(|u| u.rows).sum();
        if self.data_rows > 0 && unmatched == self.data_rows {
            let first = unknown.iter().min_by_key(|u| (u.line, u.column));
            let (line, column) = first.map_or((1, 1), |u| (u.line, u.column));
            let what = match self.matches.strip_prefix("ids.") {
                Some(system) => format!("`ids.{system}`"),
                None => "account id".into(),
            };
            let d = Diagnostic::error(
                &self.file,
                format!(
                    "none of the {} rows matches an account by {what}: its figures would all be left out",
                    self.data_rows
                ),
            )
            .with_label("the first key, matching no account")
            .with_help(Some(
                "check `account:` and `match:` of this source in kamsite.yaml against the keys under `ids:` in the account files".into(),
            ))
            .with_kind("unknown account");
            let d = self.place(
                d,
                text,
                line,
                column,
                first.map_or(1, |u| u.key.chars().count().max(1)),
            );
            self.diagnostics.push(d);
        }
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
                let mut more =
                    more_like_this(&self.file, severity, Some(kind), n - MAX_PER_KIND, at);
                if let (Some(sheet), Some((row, column))) = (&self.sheet, at) {
                    more = more.at_cell(sheet, row, column);
                }
                out.push(more);
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
        let width = u.key.chars().count().clamp(1, crate::diagnostics::MAX_ECHO);
        let d = match &self.sheet {
            Some(sheet) => d.at_cell(sheet, u.line, u.column),
            // The first row's line is shown again only if it may be echoed.
            None if table::may_echo(self.line(text, u.line), self.delimiter) => {
                let mut d = d.at(self.line(text, u.line), 1, u.column, width);
                d.line = u.line;
                d
            }
            None => d.at_position(u.line, u.column, width),
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
        let trailing = row.len() == header + 1 && row.last().is_some_and(Cell::is_empty);
        let help = if trailing {
            format!("the row ends with a `{}`, the header does not: remove it from the rows, or end the header with one too", char::from(self.delimiter))
        } else if row.len() > header && self.delimiter == b',' {
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

    /// The header: the first row at or after line (or row) `header_row`; the rows above it —
    /// a report's title block, its filters — are not read.
    fn header_cells(&mut self, text: &str, grid: &mut Grid<'_>) -> Option<Vec<Cell>> {
        loop {
            let row = match grid.next_row() {
                Some(Ok(row)) => row,
                Some(Err(d)) => {
                    self.diagnostics.push(d);
                    return None;
                }
                None => break,
            };
            let line = row.cells.first().map_or(0, |c| c.line);
            if line >= self.header_row && !row.cells.iter().all(Cell::is_empty) {
                return Some(row.cells);
            }
        }
        let message = if self.header_row > 1 {
            format!("no header row at or after line {}", self.header_row)
        } else {
            "the file is empty".to_string()
        };
        let d = Diagnostic::error(&self.file, message)
            .with_label("expected a header row naming the columns")
            .with_help(
                (self.header_row > 1)
                    .then(|| "check `header_row` for this source in kamsite.yaml".into()),
            )
            .with_kind("missing column");
        self.diagnostics.push(match &self.sheet {
            Some(sheet) => d.at_cell(sheet, self.header_row, 1),
            None => d.at(text, self.header_row, 1, 1),
        });
        None
    }

    /// The header's columns for `wanted` (kamsite field, header name); a header that is not
    /// there is an error at the header line, answered with the headers the file has (SPEC §13
    /// v1.2: finance renamed a column, and the file itself knows what it is called now).
    fn header(
        &mut self,
        text: &str,
        header: &[Cell],
        wanted: &[(&str, Option<&str>)],
    ) -> (Columns, bool) {
        self.start_row(header);
        let names: Vec<&str> = header.iter().map(|c| c.value.trim()).collect();
        let mut columns = Vec::with_capacity(wanted.len());
        let mut ok = true;
        for (field, name) in wanted {
            let Some(name) = name else {
                columns.push(None);
                continue;
            };
            match names.iter().position(|n| n == name) {
                Some(i) => {
                    columns.push(Some(i));
                    // Two columns of one name: which one holds the figures cannot be known.
                    if let Some(j) = names.iter().skip(i + 1).position(|n| n == name) {
                        ok = false;
                        let second = &header[i + 1 + j];
                        let d = Diagnostic::error(
                            &self.file,
                            format!("two columns are named `{}`", clip(name)),
                        )
                        .with_label(format!("also column {}", i + 1))
                        .with_help(Some(format!(
                            "rename one in the export, or map `{field}` to the other name under `columns:` in kamsite.yaml"
                        )))
                        .with_kind("duplicate column");
                        let width = second
                            .value
                            .chars()
                            .count()
                            .clamp(1, crate::diagnostics::MAX_ECHO);
                        let d = self.place(d, text, second.line, second.column, width);
                        self.diagnostics.push(d);
                    }
                }
                None => {
                    ok = false;
                    columns.push(None);
                    let help = suggestion(name, names.iter().copied()).unwrap_or_else(|| {
                        let listed: Vec<String> = names
                            .iter()
                            .filter(|n| !n.is_empty())
                            .map(|n| format!("`{}`", clip(n)))
                            .collect();
                        format!("the file's columns are {}", listed.join(", "))
                    });
                    let line = header[0].line;
                    let width = self.line(text, line).trim_end().chars().count().max(1);
                    let d = Diagnostic::error(
                        &self.file,
                        format!("the header has no column `{}`", clip(name)),
                    )
                    .with_label(format!("expected a column `{}` (for `{field}`, set under `columns:` in kamsite.yaml)", clip(name)))
                    .with_help(Some(help))
                    .with_kind("missing column");
                    let column = header[0].column;
                    let d = self.place(d, text, line, column, width);
                    self.diagnostics.push(d);
                }
            }
        }
        (columns, ok)
    }

    /// The next data row. Empty rows before the first data row are skipped; the first fully
    /// empty row after one ends the data (a report's footer follows: it is counted in one
    /// line, a warning if its rows look like data of known accounts). Rows that are totals
    /// (`skip_rows_starting_with`) are skipped; a row of another shape than the header is
    /// reported and left out.
    fn next_row(
        &mut self,
        text: &str,
        grid: &mut Grid<'_>,
        header: usize,
        account_col: usize,
        keys: &HashMap<String, Keyed>,
    ) -> Option<Vec<Cell>> {
        loop {
            let row = match grid.next_row()? {
                Ok(row) => row,
                Err(d) => {
                    self.diagnostics.push(d);
                    return None;
                }
            };
            let mut row = row;
            if self.sheet.is_some() {
                // A sheet's row holds its cells up to the last one written: as wide as the
                // header, like the sheet looks (cells right of the header belong to no column).
                let line = row.cells.first().map_or(0, |c| c.line);
                while row.cells.len() < header {
                    row.cells.push(Cell {
                        value: String::new(),
                        typed: Value::Empty,
                        line,
                        column: row.cells.len() + 1,
                    });
                }
                row.cells.truncate(header);
            }
            let empty = row.cells.iter().all(Cell::is_empty);
            if self.data_rows > 0 && (empty || row.after_gap) {
                let first = if empty { None } else { Some(row.cells) };
                self.footer(grid, first, header, account_col, keys);
                return None;
            }
            if empty {
                continue;
            }
            if self.is_total(&row.cells) {
                continue;
            }
            self.start_row(&row.cells);
            if self.row_shape(text, &row.cells, header) {
                self.data_rows += 1;
                self.last_data_line = row.cells.first().map_or(0, |c| c.line);
                return Some(row.cells);
            }
        }
    }

    /// Whether the row's first non-empty cell starts with a word of `skip_rows_starting_with`.
    fn is_total(&self, cells: &[Cell]) -> bool {
        let Some(first) = cells.iter().find(|c| !c.is_empty()) else {
            return false;
        };
        let lower = first.value.trim().to_lowercase();
        self.skip.iter().any(|w| lower.starts_with(w.as_str()))
    }

    /// The rows after the data (`first`, then the rest of `grid`): counted in one line. A
    /// footer that holds rows of known accounts is more likely data cut off by an empty row:
    /// then a warning.
    fn footer(
        &mut self,
        grid: &mut Grid<'_>,
        first: Option<Vec<Cell>>,
        header: usize,
        account_col: usize,
        keys: &HashMap<String, Keyed>,
    ) {
        let mut rows = 0;
        let mut known = 0;
        let mut start: Option<(usize, usize)> = None;
        let mut count = |cells: &[Cell], start: &mut Option<(usize, usize)>| {
            if cells.iter().all(Cell::is_empty) {
                return;
            }
            rows += 1;
            if start.is_none() {
                *start = cells.first().map(|c| (c.line, c.column));
            }
            let key = cells.get(account_col).map(|c| c.value.trim().to_string());
            if cells.len() == header && key.is_some_and(|k| keys.contains_key(&k)) {
                known += 1;
            }
        };
        if let Some(cells) = &first {
            count(cells, &mut start);
        }
        while let Some(Ok(row)) = grid.next_row() {
            count(&row.cells, &mut start);
        }
        let Some((line, column)) = start else {
            return;
        };
        let last = match self.sheet {
            Some(_) => format!("row {}", self.last_data_line),
            None => format!("line {}", self.last_data_line),
        };
        let (severity, message, help) = if known > 0 {
            (
                crate::model::Severity::Warning,
                format!(
                    "the data ends at an empty row after {last}, but {known} of the {} after it {} of known accounts; {} not read",
                    if rows == 1 { "1 row".to_string() } else { format!("{rows} rows") },
                    if known == 1 { "is" } else { "are" },
                    if known == 1 { "it is" } else { "they are" }
                ),
                "if they are data, remove the empty row; a report's footer comes after an empty row".to_string(),
            )
        } else {
            (
                crate::model::Severity::Info,
                format!("the data ends at an empty row after {last}; the {rows} row{} after it (a report's footer) {} not read", if rows == 1 { "" } else { "s" }, if rows == 1 { "is" } else { "are" }),
                "rows after the first empty row are a report's totals and notes, not data".to_string(),
            )
        };
        let d = Diagnostic {
            severity,
            ..Diagnostic::error(&self.file, message)
        }
        .with_help(Some(help))
        .with_kind("footer");
        let d = match &self.sheet {
            Some(sheet) => d.at_cell(sheet, line, column),
            None => d.at_position(line, column, 1),
        };
        self.diagnostics.push(d);
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
        let Some(cell) = self.cell(text, row, col, header, "the account key") else {
            // A total row of a report: the first cell is text, the key empty.
            let total = row
                .iter()
                .find(|c| !c.is_empty())
                .filter(|c| {
                    matches!(c.typed, Value::Text) && cells::number(&c.value, self.decimal).is_err()
                })
                .and_then(|c| c.value.split_whitespace().next().map(str::to_string))
                // A row with a missing key and a quarter or a date first is a data row with a
                // gap, not a total: skipping all rows of a quarter would drop data.
                .filter(|w| {
                    cells::period(w).is_err()
                        && w.parse::<crate::model::Date>().is_err()
                        && w.chars().any(char::is_alphabetic)
                });
            if let (Some(word), Some(d)) = (total, self.diagnostics.last_mut()) {
                d.help = Some(format!(
                    "a total or note row? add `skip_rows_starting_with: [{}]` to this source in kamsite.yaml",
                    clip(&word)
                ));
            }
            return None;
        };
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
            Some(c) if !c.is_empty() => {
                if let Value::Error(e) = &c.typed {
                    self.error(
                        text,
                        c,
                        "invalid value",
                        format!("`{}` holds an error value ({})", clip(header), clip(e)),
                        format!("expected {what}"),
                    );
                    return None;
                }
                Some(c)
            }
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

    /// An optional cell: empty means missing.
    fn text_cell(row: &[Cell], col: Option<usize>) -> Option<&Cell> {
        col.and_then(|c| row.get(c)).filter(|c| !c.is_empty())
    }

    /// An optional number cell: a number in a workbook, or text written with the source's
    /// decimal separator. `Err(())`: a problem was reported.
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
        let parsed = match &cell.typed {
            Value::Number(v) => Ok(*v),
            Value::Date(d) => Err(format!("expected a number, found the date {d}")),
            Value::Error(e) => Err(format!("the cell holds an error value ({})", clip(e))),
            _ => cells::number(&cell.value, self.decimal),
        };
        let v = match parsed {
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

    /// A quarter: `2026-Q3` and its spellings, or a date (a date cell of a workbook, or text
    /// as `date_format` says), which gives its fiscal quarter.
    fn quarter(&self, cell: &Cell) -> Result<crate::model::Quarter, String> {
        let from_date = |d: crate::model::Date| {
            crate::model::Quarter::of_date(d, self.fiscal_year_start)
                .ok_or_else(|| format!("the date {d} is outside the quarters kamsite counts"))
        };
        match &cell.typed {
            Value::Date(d) => from_date(*d),
            Value::Number(_) => Err(format!(
                "expected a quarter like {}, found the number `{}`",
                cells::PERIOD_FORMATS,
                clip(&cell.value)
            )),
            _ => cells::period(&cell.value).or_else(|e| {
                cells::date(&cell.value, self.date_format)
                    .map_err(|_| e)
                    .and_then(from_date)
            }),
        }
    }

    /// A quarter or a date (`close`).
    fn close(&self, cell: &Cell) -> Result<crate::model::Close, String> {
        match &cell.typed {
            Value::Date(d) => Ok(crate::model::Close::Date(*d)),
            _ => cells::close(&cell.value, self.date_format),
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

/// The line of `path` in the front matter of the account file `rel` (for "also in" labels).
fn front_line(root: &Root, rel: &str, path: YamlPath) -> usize {
    let text = read_text(root, rel)
        .and_then(Result::ok)
        .unwrap_or_default();
    let yaml = split(&text).map_or("", |s| s.yaml);
    locate(yaml, &path, Target::Value).line + 1
}
