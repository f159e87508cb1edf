//! The rows of the two kinds of source: each row's cells read into a financials entry or an
//! opportunity, checked, then merged into its account (SPEC §13).
//!
//! One account may be several customer numbers of the ERP (plants, subsidiaries: `ids: { erp:
//! ["100457", "100458"] }`): their rows of one quarter are combined into one entry — money
//! summed, `discount_pct` the revenue-weighted mean — and the entry names every row it holds.

use std::collections::HashMap;

use super::grid::{Cell, Grid};
use super::{front_line, Keyed, Range, Reader};
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

/// A quarter of an account being built from one or more rows.
struct Entry {
    account: usize,
    financials: Financials,
    line: usize,
    cells: Cells,
    /// The other rows combined into it.
    also: Vec<usize>,
    /// The keys (customer numbers) of its rows: a second row of one key is a duplicate.
    keys: Vec<String>,
    /// Σ discount · revenue and Σ revenue over the rows with both, for the weighted mean;
    /// Σ discount and their number for rows without revenue.
    weighted: (f64, f64),
    plain: (f64, usize),
}

/// `a + b` where either may be missing: missing only when both are. Rounded to six decimals,
/// far below any currency's smallest unit, so that binary fractions never show
/// (0.1 + 0.2 is 0.3, not 0.30000000000000004).
fn add(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(tidy(a.unwrap_or(0.0) + b.unwrap_or(0.0))),
    }
}

/// `v` to six decimals (amounts beyond 10⁹ are left as they are: f64 has no finer digits).
fn tidy(v: f64) -> f64 {
    if v.abs() < 1e9 {
        (v * 1e6).round() / 1e6
    } else {
        v
    }
}

impl Entry {
    fn new(account: usize, key: String, f: Financials, line: usize, cells: Cells) -> Entry {
        let mut e = Entry {
            account,
            financials: Financials {
                discount_pct: None,
                ..f.clone()
            },
            line,
            cells,
            also: Vec::new(),
            keys: vec![key],
            weighted: (0.0, 0.0),
            plain: (0.0, 0),
        };
        e.discount(f.discount_pct, f.revenue);
        e.financials.discount_pct = f.discount_pct;
        e
    }

    fn discount(&mut self, d: Option<f64>, revenue: Option<f64>) {
        match (d, revenue) {
            (Some(d), Some(r)) if r > 0.0 => {
                self.weighted.0 += d * r;
                self.weighted.1 += r;
            }
            (Some(d), _) => {
                self.plain.0 += d;
                self.plain.1 += 1;
            }
            _ => {}
        }
    }

    /// Adds the row of another customer number of the same account and quarter.
    fn combine(&mut self, f: &Financials, line: usize) {
        let e = &mut self.financials;
        e.revenue = add(e.revenue, f.revenue);
        e.gross_margin = add(e.gross_margin, f.gross_margin);
        e.cost_to_serve = add(e.cost_to_serve, f.cost_to_serve);
        e.category_spend = add(e.category_spend, f.category_spend);
        self.discount(f.discount_pct, f.revenue);
        // A discount of a row without revenue weighs nothing beside rows with revenue.
        self.financials.discount_pct = if self.weighted.1 > 0.0 {
            Some(tidy(self.weighted.0 / self.weighted.1))
        } else if self.plain.1 > 0 {
            Some(tidy(self.plain.0 / self.plain.1 as f64))
        } else {
            None
        };
        self.also.push(line);
    }
}

impl Reader<'_> {
    pub(super) fn financials(
        &mut self,
        text: &str,
        grid: &mut Grid<'_>,
        src: &Source<FinancialColumns>,
        keys: &HashMap<String, Keyed>,
        accounts: &mut [Account],
    ) {
        let Some(header) = self.header_cells(text, grid) else {
            return;
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
        let (cols, complete) = self.header(text, &header, &wanted);
        // Without the account or the period column no row can be placed.
        let (Some(account_col), Some(period_col)) = (cols[0], cols[1]) else {
            return;
        };
        let h = |i: usize| wanted[i].1;
        // (account, period) → index into `merged`.
        let mut seen: HashMap<(usize, Quarter), usize> = HashMap::new();
        let mut merged: Vec<Entry> = Vec::new();
        while let Some(row) = self.next_row(text, grid, header.len(), account_col, keys) {
            // A row for no account (a customer without a plan, a total row) is not used: its
            // other cells are not checked, so it never blocks the portfolio.
            let Some(account) = self.account(text, &row, account_col, &src.account, keys) else {
                continue;
            };
            let account = Some(account);
            let period_cell = self.cell(text, &row, period_col, &c.period, "a quarter");
            let period = period_cell.and_then(|cell| match self.quarter(cell) {
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
            let f = Financials {
                period,
                revenue,
                gross_margin,
                cost_to_serve,
                category_spend,
                discount_pct,
            };
            let key = row[account_col].value.trim().to_string();
            if let Some(&i) = seen.get(&(a, period)) {
                if !merged[i].keys.contains(&key) {
                    // Another customer number of the same account: one quarter, combined.
                    merged[i].combine(&f, cell.line);
                    merged[i].keys.push(key);
                    continue;
                }
                let (id, file, first) = (accounts[a].id.clone(), self.file.clone(), merged[i].line);
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
            seen.insert((a, period), merged.len());
            merged.push(Entry::new(a, key, f, cell.line, cells_of(&row, &cols[1..])));
        }
        if !complete {
            return; // the file has errors; a column not read must not look like missing data
        }
        for e in merged {
            let account = &mut accounts[e.account];
            std::sync::Arc::make_mut(&mut account.front)
                .financials
                .push(e.financials);
            account.origins.financials.push(Origin::Csv {
                file: self.rel.clone(),
                sheet: self.sheet.clone(),
                line: e.line,
                cells: e.cells,
                also: e.also,
            });
        }
    }

    pub(super) fn opportunities(
        &mut self,
        text: &str,
        grid: &mut Grid<'_>,
        src: &Source<OpportunityColumns>,
        keys: &HashMap<String, Keyed>,
        accounts: &mut [Account],
    ) {
        let Some(header) = self.header_cells(text, grid) else {
            return;
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
        let (cols, complete) = self.header(text, &header, &wanted);
        let (Some(account_col), Some(name_col), Some(value_col), Some(stage_col)) =
            (cols[0], cols[1], cols[3], cols[4])
        else {
            return;
        };
        let mut merged: Vec<(usize, Opportunity, usize, Cells)> = Vec::new();
        while let Some(row) = self.next_row(text, grid, header.len(), account_col, keys) {
            let line = row[0].line;
            // A row for no account (a customer without a plan, a total row) is not used: its
            // other cells are not checked, so it never blocks the portfolio.
            let Some(account) = self.account(text, &row, account_col, &src.account, keys) else {
                continue;
            };
            let account = Some(account);
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
                Some(cell) => self.close(cell).map(Some).map_err(|e| {
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
            std::sync::Arc::make_mut(&mut account.front)
                .opportunities
                .push(o);
            account.origins.opportunities.push(Origin::Csv {
                file: self.rel.clone(),
                sheet: self.sheet.clone(),
                line,
                cells,
                also: Vec::new(),
            });
        }
    }
}
