//! A source as rows of cells, whatever the file: a CSV file read row by row (`table.rs`) or a
//! sheet of an Excel or OpenDocument workbook (read by calamine, the well-kept reader of
//! `.xlsx`, `.xlsm`, `.xls` and `.ods`). Each cell keeps its text as shown and, from a
//! workbook, what it is: a number, a date, an error (`#N/A`); a formula gives its cached value.

use std::io::Cursor;

use calamine::{Data, Reader as _};

use super::table::Table;
use crate::diagnostics::{clip, Diagnostic};
use crate::model::Date;

/// What a cell holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Empty,
    /// Text, read like a CSV cell.
    Text,
    Number(f64),
    Date(Date),
    /// An error value of a workbook (`#N/A`, `#DIV/0!`).
    Error(String),
}

/// One cell: its text as shown, what it holds, and where it starts (line and character column
/// of a CSV file; row and column number of a sheet).
#[derive(Clone, Debug)]
pub struct Cell {
    pub value: String,
    pub typed: Value,
    pub line: usize,
    pub column: usize,
}

impl Cell {
    /// Whether the cell holds nothing (or only spaces).
    pub fn is_empty(&self) -> bool {
        matches!(self.typed, Value::Empty) || self.value.trim().is_empty()
    }
}

/// A row and whether at least one fully empty row came before it (a CSV file's blank lines
/// are skipped by the reader, so the gap is all that shows of them).
pub struct Row {
    pub cells: Vec<Cell>,
    pub after_gap: bool,
}

/// The rows of one source.
pub enum Grid<'t> {
    Csv(Table<'t>),
    Sheet(Sheet),
}

impl Grid<'_> {
    /// The next row, or the problem that stopped the reader (after which there are no more).
    pub fn next_row(&mut self) -> Option<Result<Row, Diagnostic>> {
        match self {
            Grid::Csv(t) => t.next_row(),
            Grid::Sheet(s) => s.next_row().map(Ok),
        }
    }
}

/// The most cells of one sheet kamsite holds (about 100 bytes each): far beyond any export,
/// and a workbook that claims more (a cell at `XFD1048576` in a 5 KB file) is refused instead
/// of exhausting memory.
pub const MAX_SHEET_CELLS: usize = 4_000_000;

/// One sheet of a workbook: its non-empty cells, row by row, handed out one row at a time
/// (missing rows count as the gap that ends the data, as a CSV file's blank lines do).
pub struct Sheet {
    pub name: String,
    rows: std::vec::IntoIter<SheetRow>,
    last_row: usize,
}

impl Sheet {
    /// The sheet `name` (default: the first visible worksheet) of the workbook in `bytes`.
    /// `Err` says why not, naming the sheets there are.
    pub fn open(bytes: Vec<u8>, name: Option<&str>) -> Result<Sheet, String> {
        let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
            .map_err(|e| format!("cannot read the workbook: {e}"))?;
        let meta = book.sheets_metadata().to_vec();
        let visible = |s: &calamine::Sheet| {
            s.visible == calamine::SheetVisible::Visible && s.typ == calamine::SheetType::WorkSheet
        };
        let listed = || {
            let names: Vec<String> = meta
                .iter()
                .filter(|s| visible(s))
                .map(|s| format!("`{}`", clip(&s.name)))
                .collect();
            match names.len() {
                0 => "it has no visible worksheet".to_string(),
                _ => format!("its sheets are {}", names.join(", ")),
            }
        };
        let name = match name {
            Some(n) if meta.iter().any(|s| s.name == n) => n.to_string(),
            Some(n) => {
                // Only the same name in other case or spacing is suggested: sheets are often
                // named by quarter, and `Q3` for `Q4` would read another quarter's figures.
                let near = meta
                    .iter()
                    .find(|s| s.name.trim().eq_ignore_ascii_case(n.trim()))
                    .map(|s| format!(" (did you mean `{}`?)", clip(&s.name)))
                    .unwrap_or_default();
                return Err(format!(
                    "the workbook has no sheet `{}`; {}{near}",
                    clip(n),
                    listed()
                ));
            }
            // Hidden sheets hold lookups and settings, not the report.
            None => meta
                .iter()
                .find(|s| visible(s))
                .map(|s| s.name.clone())
                .ok_or_else(|| {
                    format!(
                        "the workbook has no visible worksheet to read ({})",
                        listed()
                    )
                })?,
        };
        let rows = match &mut book {
            calamine::Sheets::Xlsx(x) => xlsx_rows(x, &name)?,
            calamine::Sheets::Xlsb(x) => {
                let mut cells = x
                    .worksheet_cells_reader(&name)
                    .map_err(|e| format!("cannot read the sheet `{}`: {e}", clip(&name)))?;
                let mut rows = Rows::default();
                while let Some(c) = cells
                    .next_cell()
                    .map_err(|e| format!("cannot read the sheet `{}`: {e}", clip(&name)))?
                {
                    let (r, col) = c.get_position();
                    rows.push(
                        r,
                        col,
                        Held::Value(Data::from(c.get_value().clone()), false),
                    )?;
                }
                rows.done()
            }
            // .xls and .ods: read whole by calamine, which bounds their size itself.
            book => {
                let range = book
                    .worksheet_range(&name)
                    .map_err(|e| format!("cannot read the sheet `{}`: {e}", clip(&name)))?;
                let mut rows = Rows::default();
                for (r, col, data) in range.used_cells() {
                    rows.push(r as u32, col as u32, Held::Value(data.clone(), false))?;
                }
                rows.done()
            }
        };
        Ok(Sheet {
            name,
            rows: rows.into_iter(),
            last_row: 0,
        })
    }

    fn next_row(&mut self) -> Option<Row> {
        let (row, cells) = self.rows.next()?;
        let after_gap = self.last_row > 0 && row > self.last_row + 1;
        self.last_row = row;
        let mut out = Vec::with_capacity(cells.last().map_or(0, |c| c.0));
        for (column, held) in cells {
            while out.len() + 1 < column {
                out.push(Cell {
                    value: String::new(),
                    typed: Value::Empty,
                    line: row,
                    column: out.len() + 1,
                });
            }
            let (value, typed) = read(&held);
            out.push(Cell {
                value,
                typed,
                line: row,
                column,
            });
        }
        Some(Row {
            cells: out,
            after_gap,
        })
    }
}

/// A row number and its non-empty cells (column number and what it holds), 1-based.
type SheetRow = (usize, Vec<(usize, Held)>);

/// A non-empty cell as read: its value and whether it is formatted as a percentage, or a
/// formula whose result was never saved (a workbook written by a program, not by Excel).
enum Held {
    Value(Data, bool),
    Unsaved(String),
}

/// Non-empty cells gathered row by row (cells come in row order), bounded.
#[derive(Default)]
struct Rows {
    rows: Vec<SheetRow>,
    cells: usize,
}

impl Rows {
    fn push(&mut self, row: u32, column: u32, held: Held) -> Result<(), String> {
        if matches!(held, Held::Value(Data::Empty, _)) {
            return Ok(());
        }
        self.cells += 1;
        if self.cells > MAX_SHEET_CELLS {
            return Err(format!(
                "the sheet has more than {MAX_SHEET_CELLS} cells; kamsite reads exports up to that size"
            ));
        }
        let (row, column) = (row as usize + 1, column as usize + 1);
        match self.rows.last_mut() {
            Some((r, cells)) if *r == row => cells.push((column, held)),
            _ => self.rows.push((row, vec![(column, held)])),
        }
        Ok(())
    }

    /// The rows in order (a workbook may write them out of order), each row's cells too.
    fn done(mut self) -> Vec<SheetRow> {
        self.rows.sort_by_key(|(r, _)| *r);
        // Rows written twice, merged.
        let mut out: Vec<SheetRow> = Vec::with_capacity(self.rows.len());
        for (r, cells) in self.rows {
            match out.last_mut() {
                Some((last, existing)) if *last == r => existing.extend(cells),
                _ => out.push((r, cells)),
            }
        }
        for (_, cells) in &mut out {
            cells.sort_by_key(|c| c.0);
            cells.dedup_by_key(|c| c.0);
        }
        out
    }
}

/// An .xlsx sheet, streamed cell by cell (its declared size is never allocated). A number
/// formatted as a percentage (`4.5 %`, stored 0.045) is read as shown; a formula whose result
/// was never saved (written by a program, not by Excel) is an error value, never a blank.
fn xlsx_rows(
    book: &mut calamine::Xlsx<Cursor<Vec<u8>>>,
    name: &str,
) -> Result<Vec<SheetRow>, String> {
    let cannot = |e: calamine::XlsxError| format!("cannot read the sheet `{}`: {e}", clip(name));
    let mut rows = Rows::default();
    let mut blanks = false;
    {
        let mut cells = book.worksheet_cells_reader(name).map_err(cannot)?;
        let percent: Vec<bool> = cells.styles().iter().map(is_percent).collect();
        while let Some((c, style)) = cells.next_cell_with_style_id().map_err(cannot)? {
            let (r, col) = c.get_position();
            let data = Data::from(c.get_value().clone());
            blanks |= matches!(data, Data::Empty);
            let pct = percent.get(style).copied().unwrap_or(false);
            rows.push(r, col, Held::Value(data, pct))?;
        }
    }
    // Only a sheet with blank cells can hold a formula without a result: look for them then.
    if blanks {
        let mut formulas = book.worksheet_cells_reader(name).map_err(cannot)?;
        let mut unsaved = Vec::new();
        while let Some(f) = formulas.next_cell_with_formula().map_err(cannot)? {
            if f.formula.is_some() && matches!(f.value, calamine::DataRef::Empty) {
                unsaved.push((f.pos, f.formula.unwrap_or_default()));
            }
        }
        for ((r, col), formula) in unsaved {
            rows.push(r, col, Held::Unsaved(formula))?;
        }
    }
    Ok(rows.done())
}

/// Whether a cell style shows numbers as percentages (`0%`, `0.00%`, built-in formats 9
/// and 10): the cell's value is then a fraction.
fn is_percent(style: &calamine::Style) -> bool {
    style.number_format.as_ref().is_some_and(|f| {
        matches!(f.format_id, Some(9 | 10)) || {
            // A `%` outside quotes and escapes.
            let mut quoted = false;
            let mut chars = f.format_code.chars();
            let mut found = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' => quoted = !quoted,
                    '\\' => {
                        chars.next();
                    }
                    '%' if !quoted => found = true,
                    _ => {}
                }
            }
            found
        }
    })
}

/// A fraction formatted as a percentage, as shown: 0.045 → 4.5 (to nine decimals, so that
/// binary fractions do not show as 4.499999999999999).
fn percentage(f: f64) -> (String, Value) {
    let v = (f * 100.0 * 1e9).round() / 1e9;
    (format!("{}%", number_text(v)), Value::Number(v))
}

/// A number as a cell shows it: `100457`, not `100457.0`.
pub fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        v.to_string()
    }
}

/// A workbook cell's text and what it holds; a percentage as shown (0.045 → 4.5).
fn read(held: &Held) -> (String, Value) {
    let data = match held {
        Held::Unsaved(formula) => {
            let shown = format!("={}", formula.trim_start_matches('='));
            let why = format!(
                "{} has no saved result (save the workbook in Excel; kamsite never calculates)",
                clip(&shown)
            );
            return (shown, Value::Error(why));
        }
        Held::Value(Data::Float(f), true) => return percentage(*f),
        Held::Value(Data::Int(i), true) => return percentage(*i as f64),
        Held::Value(data, _) => data,
    };
    match data {
        Data::Empty => (String::new(), Value::Empty),
        Data::String(s) => (s.clone(), Value::Text),
        Data::Float(f) => (number_text(*f), Value::Number(*f)),
        Data::Int(i) => (i.to_string(), Value::Number(*i as f64)),
        Data::Bool(b) => (if *b { "TRUE" } else { "FALSE" }.into(), Value::Text),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match Date::new(y as i16, m as i8, d as i8) {
                Some(date) => (date.to_string(), Value::Date(date)),
                None => (number_text(dt.as_f64()), Value::Number(dt.as_f64())),
            }
        }
        Data::DateTime(dt) => (number_text(dt.as_f64()), Value::Number(dt.as_f64())),
        Data::DateTimeIso(s) => match s.get(..10).and_then(|d| d.parse::<Date>().ok()) {
            Some(date) => (date.to_string(), Value::Date(date)),
            None => (s.clone(), Value::Text),
        },
        Data::DurationIso(s) => (s.clone(), Value::Text),
        Data::Error(e) => {
            let shown = format!("{e}");
            (shown.clone(), Value::Error(shown))
        }
    }
}
