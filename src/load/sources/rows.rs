//! The rows of the two kinds of source: each row's cells read into a financials entry or an
//! opportunity, checked, then merged into its account (SPEC §13).

use std::collections::HashMap;

use super::table::{Cell, Table};
use super::{cells, front_line, Keyed, Range, Reader};
use crate::load::positions::YamlPath;
use crate::model::{
    Account, Cells, FinancialColumns, Financials, Opportunity, OpportunityColumns, Origin, Quarter,
    Source,
};

/// Where each field's cell starts in `row`, given each field's column (SPEC §15 checks point
/// at these after merging).
fn cells_of(row: &[Cell], columns: &[Option<usize>]) -> Cells {
    let number = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let mut out = [(0u32, 0u32); 6];
    for (slot, col) in out.iter_mut().zip(columns) {
        *slot = col
            .and_then(|c| row.get(c))
            .map_or((0, 0), |c| (number(c.line), number(c.column)));
    }
    Cells(out)
}

impl Reader<'_> {
    /// The next row of `table` that has cells and the header's shape. A row of another shape
    /// is reported and left out; a problem of the CSV reader itself ends the file.
    fn next_row(&mut self, text: &str, table: &mut Table<'_>) -> Option<Vec<Cell>> {
        let header = table.header.len();
        loop {
            let row = match table.next_row()? {
                Ok(row) => row,
                Err(d) => {
                    self.diagnostics.push(d);
                    return None;
                }
            };
            if row.iter().all(|c| c.value.trim().is_empty()) {
                continue;
            }
            self.start_row(&row);
            if self.row_shape(text, &row, header) {
                return Some(row);
            }
        }
    }

    pub(super) fn financials(
        &mut self,
        text: &str,
        src: &Source<FinancialColumns>,
        keys: &HashMap<String, Keyed>,
        accounts: &mut [Account],
    ) {
        let mut table = match Table::read(text, self.delimiter, &self.file) {
            Ok(t) => t,
            Err(d) => return self.diagnostics.push(d),
        };
        let c = &src.columns;
        let wanted = [
            ("account", Some(src.account.as_str())),
            ("period", Some(c.period.as_str())),
            ("revenue", c.revenue.as_deref()),
            ("gross_margin", c.gross_margin.as_deref()),
            ("cost_to_serve", c.cost_to_serve.as_deref()),
            ("category_spend", c.category_spend.as_deref()),
            ("discount_pct", c.discount_pct.as_deref()),
        ];
        let Some((cols, complete)) = self.header(text, &table, &wanted) else {
            return;
        };
        // Without the account or the period column no row can be placed.
        let (Some(account_col), Some(period_col)) = (cols[0], cols[1]) else {
            return;
        };
        let h = |i: usize| wanted[i].1;
        // (account, period) → line of the first CSV row with it.
        let mut seen: HashMap<(usize, Quarter), usize> = HashMap::new();
        let mut merged: Vec<(usize, Financials, usize, Cells)> = Vec::new();
        while let Some(row) = self.next_row(text, &mut table) {
            let account = self.account(text, &row, account_col, &src.account, keys);
            let period_cell = self.cell(text, &row, period_col, &c.period, "a quarter");
            let period = period_cell.and_then(|cell| match cells::period(&cell.value) {
                Ok(q) => Some(q),
                Err(e) => {
                    self.error(
                        text,
                        cell,
                        "invalid value",
                        format!("`{}` is not a quarter", c.period),
                        e,
                    );
                    None
                }
            });
            let revenue = self.number(text, &row, cols[2], h(2), Range::Money { signed: false });
            let gross_margin =
                self.number(text, &row, cols[3], h(3), Range::Money { signed: true });
            let cost_to_serve =
                self.number(text, &row, cols[4], h(4), Range::Money { signed: false });
            let category_spend =
                self.number(text, &row, cols[5], h(5), Range::Money { signed: false });
            let discount_pct = self.number(text, &row, cols[6], h(6), Range::Percent);
            let (Some(Keyed::Account(a)), Some(period), Some(cell)) =
                (account, period, period_cell)
            else {
                continue;
            };
            let (
                Ok(revenue),
                Ok(gross_margin),
                Ok(cost_to_serve),
                Ok(category_spend),
                Ok(discount_pct),
            ) = (
                revenue,
                gross_margin,
                cost_to_serve,
                category_spend,
                discount_pct,
            )
            else {
                continue;
            };
            if let Some(first) = seen.insert((a, period), cell.line) {
                let id = accounts[a].id.clone();
                let file = self.file.clone();
                if let Some(d) = self.error(
                    text,
                    cell,
                    "duplicate",
                    format!("{period} of account `{id}` is given twice"),
                    format!("also in {file}:{first}"),
                ) {
                    d.help = Some("keep one row per account and quarter".into());
                }
                continue;
            }
            let front = &accounts[a];
            if let Some(i) = front
                .front
                .financials
                .iter()
                .zip(&front.origins.financials)
                .position(|(f, o)| f.period == period && o.is_account())
            {
                let at = front_line(
                    self.root,
                    &front.source,
                    YamlPath::root().key("financials").index(i).key("period"),
                );
                let (id, source) = (front.id.clone(), self.root.display(&front.source));
                if let Some(d) = self.error(
                    text,
                    cell,
                    "duplicate",
                    format!("{period} of account `{id}` is given twice"),
                    format!("also in the front matter of {source}:{at}"),
                ) {
                    d.help = Some("keep each quarter in one place: delete the entry from the account file or this row".into());
                }
                continue;
            }
            merged.push((
                a,
                Financials {
                    period,
                    revenue,
                    gross_margin,
                    cost_to_serve,
                    category_spend,
                    discount_pct,
                },
                cell.line,
                cells_of(&row, &cols[1..]),
            ));
        }
        if !complete {
            return; // the file has errors; a column not read must not look like missing data
        }
        for (a, f, line, cells) in merged {
            let account = &mut accounts[a];
            account.front.financials.push(f);
            account.origins.financials.push(Origin::Csv {
                file: self.rel.clone(),
                line,
                cells,
            });
        }
    }

    pub(super) fn opportunities(
        &mut self,
        text: &str,
        src: &Source<OpportunityColumns>,
        keys: &HashMap<String, Keyed>,
        accounts: &mut [Account],
    ) {
        let mut table = match Table::read(text, self.delimiter, &self.file) {
            Ok(t) => t,
            Err(d) => return self.diagnostics.push(d),
        };
        let c = &src.columns;
        let wanted = [
            ("account", Some(src.account.as_str())),
            ("name", Some(c.name.as_str())),
            ("offering", c.offering.as_deref()),
            ("value", Some(c.value.as_str())),
            ("stage", Some(c.stage.as_str())),
            ("probability", c.probability.as_deref()),
            ("close", c.close.as_deref()),
        ];
        let Some((cols, complete)) = self.header(text, &table, &wanted) else {
            return;
        };
        let (Some(account_col), Some(name_col), Some(value_col), Some(stage_col)) =
            (cols[0], cols[1], cols[3], cols[4])
        else {
            return;
        };
        let mut merged: Vec<(usize, Opportunity, usize, Cells)> = Vec::new();
        while let Some(row) = self.next_row(text, &mut table) {
            let line = row[0].line;
            let account = self.account(text, &row, account_col, &src.account, keys);
            let name = self
                .cell(text, &row, name_col, &c.name, "the opportunity's name")
                .map(|c| c.value.trim().to_string());
            let value = match self.cell(text, &row, value_col, &c.value, "an amount") {
                Some(_) => self
                    .number(
                        text,
                        &row,
                        Some(value_col),
                        Some(&c.value),
                        Range::Money { signed: false },
                    )
                    .ok()
                    .flatten(),
                None => None,
            };
            let stage = self
                .cell(text, &row, stage_col, &c.stage, "a stage")
                .and_then(|cell| self.stage(text, cell, src));
            let probability = self.number(
                text,
                &row,
                cols[5],
                c.probability.as_deref(),
                Range::Percent,
            );
            let close = match Self::text_cell(&row, cols[6]) {
                None => Ok(None),
                Some(cell) => cells::close(&cell.value).map(Some).map_err(|e| {
                    let header = c.close.as_deref().unwrap_or_default();
                    self.error(
                        text,
                        cell,
                        "invalid value",
                        format!("`{header}` is not a quarter or a date"),
                        e,
                    );
                }),
            };
            let offering = Self::text_cell(&row, cols[2]).map(|c| c.value.trim().to_string());
            let (
                Some(Keyed::Account(a)),
                Some(name),
                Some(value),
                Some(stage),
                Ok(probability),
                Ok(close),
            ) = (account, name, value, stage, probability, close)
            else {
                continue;
            };
            merged.push((
                a,
                Opportunity {
                    name,
                    offering,
                    value,
                    stage,
                    probability,
                    close,
                },
                line,
                cells_of(&row, &cols[1..]),
            ));
        }
        if !complete {
            return;
        }
        for (a, o, line, cells) in merged {
            let account = &mut accounts[a];
            account.front.opportunities.push(o);
            account.origins.opportunities.push(Origin::Csv {
                file: self.rel.clone(),
                line,
                cells,
            });
        }
    }
}
