//! A source as rows of cells, whatever the file: a CSV file read row by row (`table.rs`) or a
//! sheet of an Excel or OpenDocument workbook (read by calamine, the well-kept reader of
//! `.xlsx`, `.xlsm`, `.xls` and `.ods`). Each cell keeps its text as shown and, from a
//! workbook, what it is: a number, a date, an error (`#N/A`); a formula gives its cached value.

use std::io::Cursor;

use calamine::{Data, Reader as _};

use super::table::Table;
use crate::diagnostics::Diagnostic;
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

/// One sheet of a workbook, read into memory, its rows handed out one at a time.
pub struct Sheet {
    pub name: String,
    range: calamine::Range<Data>,
    next: usize,
}

impl Sheet {
    /// The sheet `name` (default: the first) of the workbook in `bytes`. `Err` says why not.
    pub fn open(bytes: Vec<u8>, name: Option<&str>) -> Result<Sheet, String> {
        let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
            .map_err(|e| format!("cannot read the workbook: {e}"))?;
        let names = book.sheet_names();
        let name = match name {
            Some(n) if names.iter().any(|s| s == n) => n.to_string(),
            Some(n) => {
                let listed: Vec<String> = names.iter().map(|s| format!("`{s}`")).collect();
                return Err(format!(
                    "the workbook has no sheet `{n}`; its sheets are {}",
                    listed.join(", ")
                ));
            }
            None => names
                .first()
                .cloned()
                .ok_or_else(|| "the workbook has no sheet".to_string())?,
        };
        let range = book
            .worksheet_range(&name)
            .map_err(|e| format!("cannot read the sheet `{name}`: {e}"))?;
        Ok(Sheet {
            name,
            range,
            next: 0,
        })
    }

    fn next_row(&mut self) -> Option<Row> {
        let (top, left) = self.range.start()?;
        let width = self.range.width();
        let i = self.next;
        if i >= self.range.height() {
            return None;
        }
        self.next += 1;
        let row = (top as usize) + i + 1;
        let cells = (0..width)
            .map(|j| {
                let column = left as usize + j + 1;
                let data = self.range.get((i, j)).cloned().unwrap_or(Data::Empty);
                let (value, typed) = read(&data);
                Cell {
                    value,
                    typed,
                    line: row,
                    column,
                }
            })
            .collect();
        Some(Row {
            cells,
            after_gap: false,
        })
    }
}

/// A number as a cell shows it: `100457`, not `100457.0`.
pub fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        v.to_string()
    }
}

/// A workbook cell's text and what it holds.
fn read(data: &Data) -> (String, Value) {
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
