//! A CSV file as a header and rows of cells, each cell with the line and column where it
//! starts, so every problem can point at the cell (SPEC §13). The `csv` crate does the RFC 4180
//! reading (quotes, doubled quotes, CRLF); it reports where each record starts, and the cells'
//! columns are found by walking that record's text with the same quoting rules.

use crate::diagnostics::Diagnostic;

/// One cell: its value (quotes removed) and where it starts.
#[derive(Debug)]
pub struct Cell {
    pub value: String,
    pub line: usize,
    /// 1-based character position of the cell's first character (its opening quote, if any).
    pub column: usize,
}

#[derive(Debug)]
pub struct Table {
    pub header: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// Reads `text` (BOM already removed) with `delimiter`. `Err` only if the CSV reader itself
    /// gives up; the diagnostic names where.
    pub fn read(text: &str, delimiter: u8, file: &str) -> Result<Table, Diagnostic> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let (mut line, mut byte) = record
                        .position()
                        .map_or((1, 0), |p| (p.line() as usize, p.byte() as usize));
                    // After a CRLF the reader places the next record at the `\n`, on the line
                    // before: move to where the record's text starts.
                    while let Some(b) = text.as_bytes().get(byte) {
                        match b {
                            b'\n' => line += 1,
                            b'\r' => {}
                            _ => break,
                        }
                        byte += 1;
                    }
                    let columns = columns(text, byte, delimiter as char, record.len());
                    let cells = record
                        .iter()
                        .zip(columns)
                        .map(|(v, column)| Cell {
                            value: v.to_string(),
                            line,
                            column,
                        })
                        .collect();
                    records.push(cells);
                }
                Err(e) => {
                    let line = e.position().map_or(1, |p| p.line() as usize);
                    return Err(Diagnostic::error(file, format!("cannot read the CSV: {e}"))
                        .at(text, line, 1, 1)
                        .with_kind("invalid CSV"));
                }
            }
        }
        let mut records = records.into_iter();
        let header = records.next().unwrap_or_default();
        Ok(Table {
            header,
            rows: records.collect(),
        })
    }
}

/// The 1-based character column where each of a record's `n` cells starts, the record starting
/// at byte `start` of `text` (always at the start of a line).
fn columns(text: &str, start: usize, delimiter: char, n: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(n);
    out.push(1);
    let mut quoted = false;
    let rest = text.get(start..).unwrap_or("");
    for (col, ch) in (1..).zip(rest.chars()) {
        if out.len() >= n {
            break;
        }
        match ch {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            c if c == delimiter && !quoted => out.push(col + 1),
            _ => {}
        }
    }
    // A record the walk could not follow (it never happens with text the reader accepted)
    // still gets a column for every cell.
    while out.len() < n {
        out.push(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_know_their_line_and_column_after_crlf() {
        let text = "a;b;c\r\n1;\"x;y\";3\r\n\"q\"\"uote\";;ü\n";
        let t = Table::read(text, b';', "f.csv").unwrap();
        let h: Vec<_> = t
            .header
            .iter()
            .map(|c| (&c.value[..], c.line, c.column))
            .collect();
        assert_eq!(h, [("a", 1, 1), ("b", 1, 3), ("c", 1, 5)]);
        let r: Vec<_> = t.rows[0]
            .iter()
            .map(|c| (&c.value[..], c.line, c.column))
            .collect();
        assert_eq!(r, [("1", 2, 1), ("x;y", 2, 3), ("3", 2, 9)]);
        let r: Vec<_> = t.rows[1]
            .iter()
            .map(|c| (&c.value[..], c.line, c.column))
            .collect();
        assert_eq!(r, [("q\"uote", 3, 1), ("", 3, 11), ("ü", 3, 12)]);
    }
}
