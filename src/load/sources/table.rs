//! A CSV file as a header and a stream of rows of cells, each cell with the line and column
//! where it starts, so every problem can point at the cell (SPEC §13). The `csv` crate does the
//! RFC 4180 reading (quotes, doubled quotes, CRLF); it reports where each record starts, and
//! the cells' columns are found by walking that record's text with the same quoting rules.
//!
//! Rows are read one at a time, never all at once: a whole-company export of 700,000 rows is
//! checked in memory proportional to one row plus what is kept of it.

use crate::diagnostics::Diagnostic;

/// One cell: its value (quotes removed) and where it starts.
#[derive(Debug)]
pub struct Cell {
    pub value: String,
    pub line: usize,
    /// 1-based character position of the cell's first character (its opening quote, if any).
    pub column: usize,
}

/// The header and the reader of the rows after it.
pub struct Table<'t> {
    pub header: Vec<Cell>,
    text: &'t str,
    delimiter: u8,
    file: String,
    reader: csv::Reader<&'t [u8]>,
    record: csv::StringRecord,
    done: bool,
}

impl<'t> Table<'t> {
    /// Reads the header of `text` (BOM already removed) with `delimiter`. `Err` only if the CSV
    /// reader itself gives up; the diagnostic names where.
    pub fn read(text: &'t str, delimiter: u8, file: &str) -> Result<Table<'t>, Diagnostic> {
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut table = Table {
            header: Vec::new(),
            text,
            delimiter,
            file: file.to_string(),
            reader,
            record: csv::StringRecord::new(),
            done: false,
        };
        if let Some(first) = table.next_row() {
            table.header = first?;
        }
        Ok(table)
    }

    /// The next row, or the problem that stopped the reader (after which there are no more).
    pub fn next_row(&mut self) -> Option<Result<Vec<Cell>, Diagnostic>> {
        if self.done {
            return None;
        }
        match self.reader.read_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => Some(Ok(self.cells())),
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

    /// The current record's cells with their positions.
    fn cells(&self) -> Vec<Cell> {
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
        self.record
            .iter()
            .zip(places)
            .map(|(v, (lines, column))| Cell {
                value: v.to_string(),
                line: line + lines,
                column,
            })
            .collect()
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
        std::iter::from_fn(|| t.next_row().map(Result::unwrap)).collect()
    }

    #[test]
    fn cells_know_their_line_and_column_after_crlf() {
        let text = "a;b;c\r\n1;\"x;y\";3\r\n\"q\"\"uote\";;ü\n";
        let mut t = Table::read(text, b';', "f.csv").unwrap();
        let h: Vec<_> = t
            .header
            .iter()
            .map(|c| (&c.value[..], c.line, c.column))
            .collect();
        assert_eq!(h, [("a", 1, 1), ("b", 1, 3), ("c", 1, 5)]);
        let rows = rows(&mut t);
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
        let mut t = Table::read(text, b',', "f.csv").unwrap();
        let rows = rows(&mut t);
        let r: Vec<_> = rows[0].iter().map(|c| (c.line, c.column)).collect();
        assert_eq!(r, [(2, 1), (2, 3), (3, 6)]);
    }

    #[test]
    fn long_cells_are_not_echoed() {
        assert!(may_echo("a,b,\"c,d\"", b','));
        assert!(!may_echo(&format!("a,{}", "x".repeat(81)), b','));
        assert!(may_echo(&format!("a,{}", "x".repeat(80)), b','));
    }
}
