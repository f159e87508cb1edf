//! A CSV file as a stream of rows of cells, each cell with the line and column where it starts,
//! so every problem can point at the cell (SPEC §13). The `csv` crate does the RFC 4180
//! reading (quotes, doubled quotes, CRLF); it reports where each record starts, and the cells'
//! columns are found by walking that record's text with the same quoting rules.
//!
//! Rows are read one at a time, never all at once: a whole-company export of 700,000 rows is
//! checked in memory proportional to one row plus what is kept of it.

use super::grid::{Cell, Row, Value};
use crate::diagnostics::Diagnostic;

/// The reader of a CSV file's rows.
pub struct Table<'t> {
    text: &'t str,
    delimiter: u8,
    file: String,
    reader: csv::Reader<&'t [u8]>,
    record: csv::StringRecord,
    done: bool,
    /// The last line of the previous record: blank lines skipped since then are a fully empty
    /// row (the end of a report's data).
    previous_last_line: Option<usize>,
}

impl<'t> Table<'t> {
    /// The rows of `text` (BOM already removed), cells separated by `delimiter`.
    pub fn read(text: &'t str, delimiter: u8, file: &str) -> Table<'t> {
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        Table {
            text,
            delimiter,
            file: file.to_string(),
            reader,
            record: csv::StringRecord::new(),
            done: false,
            previous_last_line: None,
        }
    }

    /// The next row, or the problem that stopped the reader (after which there are no more).
    pub fn next_row(&mut self) -> Option<Result<Row, Diagnostic>> {
        if self.done {
            return None;
        }
        match self.reader.read_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                let (cells, first, start) = self.cells();
                // The record's text, without its line end: its line breaks (inside quotes)
                // give the line it ends on.
                let end = (self.reader.position().byte() as usize).min(self.text.len());
                let content = self
                    .text
                    .get(start..end)
                    .unwrap_or("")
                    .trim_end_matches(['\n', '\r']);
                // A quote never closed makes the rest of the file one cell: say so, at the
                // quote, instead of reporting that cell as a strange value.
                if end >= self.text.len() {
                    if let Some((lines, column)) = unclosed_quote(content) {
                        self.done = true;
                        return Some(Err(Diagnostic::error(
                            &self.file,
                            "this quote `\"` is never closed: the rest of the file would be one cell",
                        )
                        .at(self.text, first + lines, column, 1)
                        .with_label("opened here")
                        .with_help(Some(
                            "close the quote, or remove it; a quote inside a quoted cell is written twice (`\"\"`)".into(),
                        ))
                        .with_kind("invalid CSV")));
                    }
                }
                let last = first + content.matches('\n').count();
                let after_gap = self.previous_last_line.is_some_and(|p| first > p + 1);
                self.previous_last_line = Some(last);
                Some(Ok(Row { cells, after_gap }))
            }
            Err(e) => {
                self.done = true;
                let line = e.position().map_or(1, |p| p.line() as usize);
                Some(Err(Diagnostic::error(
                    &self.file,
                    format!("cannot read the CSV: {e}"),
                )
                .at(self.text, line, 1, 1)
                .with_kind("invalid CSV")))
            }
        }
    }

    /// The current record's cells with their positions, the line it starts on and the byte
    /// where its text starts.
    fn cells(&self) -> (Vec<Cell>, usize, usize) {
        let text = self.text;
        let (mut line, mut byte) = self
            .record
            .position()
            .map_or((1, 0), |p| (p.line() as usize, p.byte() as usize));
        // After a CRLF the reader places the next record at the `\n`, on the line before: move
        // to where the record's text starts.
        while let Some(b) = text.as_bytes().get(byte) {
            match b {
                b'\n' => line += 1,
                b'\r' => {}
                _ => break,
            }
            byte += 1;
        }
        let places = places(text, byte, self.delimiter as char, self.record.len());
        let cells = self
            .record
            .iter()
            .zip(places)
            .map(|(v, (lines, column))| Cell {
                value: v.to_string(),
                typed: if v.trim().is_empty() {
                    Value::Empty
                } else {
                    Value::Text
                },
                line: line + lines,
                column,
            })
            .collect();
        (cells, line, byte)
    }
}

/// Where each of a record's `n` cells starts: (lines after the record's first line, 1-based
/// character column on that line), the record starting at byte `start` of `text` (always at
/// the start of a line). A quoted cell may hold line breaks; the cells after it are on a later
/// line.
fn places(text: &str, start: usize, delimiter: char, n: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(n);
    out.push((0, 1));
    let mut quoted = false;
    let (mut line, mut col) = (0, 0);
    let rest = text.get(start..).unwrap_or("");
    for ch in rest.chars() {
        if out.len() >= n {
            break;
        }
        col += 1;
        match ch {
            '"' => quoted = !quoted,
            '\n' if quoted => {
                line += 1;
                col = 0;
            }
            '\n' | '\r' if !quoted => break,
            c if c == delimiter && !quoted => out.push((line, col + 1)),
            _ => {}
        }
    }
    // A record the walk could not follow (it never happens with text the reader accepted)
    // still gets a place for every cell.
    while out.len() < n {
        out.push((line, 1));
    }
    out
}

/// Where a quote that is never closed opens in a record's text (lines after its first line,
/// 1-based column), if one does.
fn unclosed_quote(content: &str) -> Option<(usize, usize)> {
    let (mut line, mut col) = (0, 0);
    let mut open: Option<(usize, usize)> = None;
    for ch in content.chars() {
        col += 1;
        match ch {
            '"' => {
                open = if open.is_some() {
                    None
                } else {
                    Some((line, col))
                }
            }
            '\n' => {
                line += 1;
                col = 0;
            }
            _ => {}
        }
    }
    open
}

/// Whether a line of a CSV file may be shown in a diagnostic: only when none of its cells is
/// longer than [`crate::diagnostics::MAX_ECHO`] characters (SPEC §13 v1.2), so a pasted
/// token or a runaway cell is never printed into a CI log in full.
pub fn may_echo(line: &str, delimiter: u8) -> bool {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(_) => record
            .iter()
            .all(|c| c.chars().count() <= crate::diagnostics::MAX_ECHO),
        Err(_) => line.chars().count() <= crate::diagnostics::MAX_ECHO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(t: &mut Table<'_>) -> Vec<Vec<Cell>> {
        std::iter::from_fn(|| t.next_row().map(|r| r.unwrap().cells)).collect()
    }

    #[test]
    fn cells_know_their_line_and_column_after_crlf() {
        let text = "a;b;c\r\n1;\"x;y\";3\r\n\"q\"\"uote\";;ü\n";
        let mut t = Table::read(text, b';', "f.csv");
        let mut rows = rows(&mut t);
        let header = rows.remove(0);
        let h: Vec<_> = header
            .iter()
            .map(|c| (&c.value[..], c.line, c.column))
            .collect();
        assert_eq!(h, [("a", 1, 1), ("b", 1, 3), ("c", 1, 5)]);
        let r: Vec<_> = rows[0]
            .iter()
            .map(|c| (&c.value[..], c.line, c.column))
            .collect();
        assert_eq!(r, [("1", 2, 1), ("x;y", 2, 3), ("3", 2, 9)]);
        let r: Vec<_> = rows[1]
            .iter()
            .map(|c| (&c.value[..], c.line, c.column))
            .collect();
        assert_eq!(r, [("q\"uote", 3, 1), ("", 3, 11), ("ü", 3, 12)]);
    }

    #[test]
    fn cells_after_a_line_break_in_quotes_are_on_the_next_line() {
        let text = "a,b,c\nx,\"one\ntwo\",z\n";
        let mut t = Table::read(text, b',', "f.csv");
        let rows = rows(&mut t);
        let r: Vec<_> = rows[1].iter().map(|c| (c.line, c.column)).collect();
        assert_eq!(r, [(2, 1), (2, 3), (3, 6)]);
    }

    #[test]
    fn blank_lines_before_a_row_are_a_gap() {
        for (text, gaps) in [
            ("a,b\n1,2\n\nTotal,3\n", [false, false, true]),
            ("a,b\r\n1,2\r\n\r\nTotal,3\r\n", [false, false, true]),
            ("a,b\r\n1,2\r\nTotal,3\r\n", [false, false, false]),
            ("a,b\n\"1\n\n2\",2\nTotal,3", [false, false, false]),
        ] {
            let mut t = Table::read(text, b',', "f.csv");
            let seen: Vec<bool> =
                std::iter::from_fn(|| t.next_row().map(|r| r.unwrap().after_gap)).collect();
            assert_eq!(seen, gaps, "{text:?}");
        }
    }

    #[test]
    fn a_quote_never_closed_is_named_where_it_opens() {
        let text = "K,Q,R\n1,2026-Q3,\"lots\n2,2026-Q3,5\n";
        let mut t = Table::read(text, b',', "f.csv");
        assert!(t.next_row().is_some_and(|r| r.is_ok()));
        let d = t.next_row().and_then(Result::err).unwrap();
        assert_eq!((d.line, d.column), (2, 11));
        assert!(d.message.contains("never closed"));
        assert!(t.next_row().is_none());
        // Closed, even across lines: no problem.
        let mut t = Table::read("a\n\"x\ny\"\n", b',', "f.csv");
        assert!(std::iter::from_fn(|| t.next_row()).all(|r| r.is_ok()));
    }

    #[test]
    fn long_cells_are_not_echoed() {
        assert!(may_echo("a,b,\"c,d\"", b','));
        assert!(!may_echo(&format!("a,{}", "x".repeat(81)), b','));
        assert!(may_echo(&format!("a,{}", "x".repeat(80)), b','));
    }
}
