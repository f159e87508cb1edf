//! `sources:` in kamsite.yaml (SPEC §13): exports of the ERP and the CRM — CSV files and Excel
//! or OpenDocument workbooks, as those systems write them — whose rows are merged into the
//! accounts, and where each merged figure came from.
//!
//! The column maps are structs, not open maps, so a misspelt kamsite field name is an unknown
//! key with a "did you mean" like any other, instead of a column silently not read.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{DateFormat, Encoding, OpportunityStage, UnknownAccounts};

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Sources {
    pub financials: Option<Source<FinancialColumns>>,
    pub opportunities: Option<Source<OpportunityColumns>>,
}

impl Sources {
    /// The configured files (relative to the portfolio), for the watcher and git baselines.
    pub fn files(&self) -> Vec<&str> {
        let f = self.financials.as_ref().map(|s| s.file.as_str());
        let o = self.opportunities.as_ref().map(|s| s.file.as_str());
        f.into_iter().chain(o).collect()
    }
}

/// One export and how to read it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source<C> {
    /// Relative to the portfolio folder; `.xlsx`, `.xlsm`, `.xls` and `.ods` are workbooks.
    pub file: String,
    /// The workbook's sheet (default: the first); not for CSV files.
    pub sheet: Option<String>,
    /// The 1-based row holding the header; rows above it (a report's title block) are not read.
    #[serde(default = "default_header_row")]
    pub header_row: usize,
    /// Data rows whose first non-empty cell starts with one of these words (case-insensitive)
    /// are totals, not customers, and are not read.
    #[serde(default)]
    pub skip_rows_starting_with: Vec<String>,
    /// How date cells are written (ISO dates are always accepted).
    #[serde(default)]
    pub date_format: DateFormat,
    /// The text encoding of a CSV file (a UTF-16 byte order mark is always recognised).
    #[serde(default)]
    pub encoding: Encoding,
    /// The header of the column that identifies the account.
    pub account: String,
    /// What that column matches: `id` (default) or `ids.NAME`.
    #[serde(rename = "match", default = "default_match")]
    pub matches: String,
    #[serde(default = "default_delimiter")]
    pub delimiter: String,
    #[serde(default = "default_decimal")]
    pub decimal: String,
    pub columns: C,
    /// What a row whose key matches no account gives.
    #[serde(default)]
    pub unknown_accounts: UnknownAccounts,
    /// CRM stage name → kamsite stage (opportunities only; ignored for financials).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub stages: IndexMap<String, OpportunityStage>,
}

fn default_header_row() -> usize {
    1
}

impl<C> Source<C> {
    /// Whether the file is a workbook, by its extension.
    pub fn is_workbook(&self) -> bool {
        let lower = self.file.to_ascii_lowercase();
        [".xlsx", ".xlsm", ".xls", ".ods"]
            .iter()
            .any(|x| lower.ends_with(x))
    }
}

fn default_match() -> String {
    "id".into()
}

fn default_delimiter() -> String {
    ",".into()
}

fn default_decimal() -> String {
    ".".into()
}

/// kamsite financials field → CSV header. Fields left out are not read.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FinancialColumns {
    pub period: String,
    pub revenue: Option<String>,
    pub gross_margin: Option<String>,
    pub cost_to_serve: Option<String>,
    pub category_spend: Option<String>,
    pub discount_pct: Option<String>,
}

/// kamsite opportunity field → CSV header. Fields left out are not read.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpportunityColumns {
    pub name: String,
    pub offering: Option<String>,
    pub value: String,
    pub stage: String,
    pub probability: Option<String>,
    pub close: Option<String>,
}

/// Where one financials entry or opportunity of an account came from, so a reviewer can trace
/// a number on the site back to the file (and row) that holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Origin {
    /// The account file's front matter.
    Account,
    /// A row of a source: the file (relative to the portfolio), the workbook's sheet, and the
    /// row's line (CSV) or row number (sheet).
    Csv {
        file: String,
        #[serde(skip)]
        sheet: Option<String>,
        line: usize,
        /// Where each field's cell starts in the row, so a check made after merging (SPEC §15)
        /// still points at the cell.
        #[serde(skip)]
        cells: Cells,
        /// Further rows combined into this entry: the other customer numbers of one account
        /// (a customer hierarchy, SPEC §13 v1.2).
        #[serde(skip)]
        also: Vec<usize>,
    },
}

impl Origin {
    /// Whether the entry was written in the account file itself.
    pub fn is_account(&self) -> bool {
        *self == Origin::Account
    }

    /// Where field `field` (see [`financial_field`], [`opportunity_field`]) of a source's row
    /// is — the row's first cell when the field was not read; `None` for an entry of the
    /// account file. Checks and findings made after merging point there.
    pub fn cell(&self, field: usize) -> Option<SourceCell<'_>> {
        match self {
            Origin::Account => None,
            Origin::Csv {
                file,
                sheet,
                line,
                cells,
                ..
            } => {
                let (line, column) = cells.place(field).unwrap_or((*line, 1));
                Some(SourceCell {
                    file,
                    sheet: sheet.as_deref(),
                    line,
                    column,
                })
            }
        }
    }
}

/// A cell of a source: a CSV file's line and column, or a workbook sheet's row and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceCell<'a> {
    pub file: &'a str,
    pub sheet: Option<&'a str>,
    pub line: usize,
    pub column: usize,
}

/// Where each field of a source row starts — (line, 1-based column); a quoted cell may hold a
/// line break, so a row's cells need not be on one line — in the order of the source's fields
/// (financials: period, revenue, gross_margin, cost_to_serve, category_spend, discount_pct;
/// opportunities: name, offering, value, stage, probability, close); (0, 0) for a field not
/// read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cells(pub [(u32, u32); 6]);

impl Cells {
    /// The line and column of field `i`, if it was read.
    pub fn place(&self, i: usize) -> Option<(usize, usize)> {
        self.0
            .get(i)
            .copied()
            .filter(|(_, c)| *c > 0)
            .map(|(l, c)| (l as usize, c as usize))
    }
}

/// Field indices into [`Cells`] for financials rows.
pub mod financial_field {
    pub const PERIOD: usize = 0;
    pub const REVENUE: usize = 1;
    pub const GROSS_MARGIN: usize = 2;
    pub const COST_TO_SERVE: usize = 3;
    pub const CATEGORY_SPEND: usize = 4;
    pub const DISCOUNT_PCT: usize = 5;
    /// Each field's key in the front matter, by index.
    pub const KEYS: [&str; 6] = [
        "period",
        "revenue",
        "gross_margin",
        "cost_to_serve",
        "category_spend",
        "discount_pct",
    ];
}

/// Field indices into [`Cells`] for opportunity rows.
pub mod opportunity_field {
    pub const NAME: usize = 0;
    pub const OFFERING: usize = 1;
    pub const VALUE: usize = 2;
    pub const STAGE: usize = 3;
    pub const PROBABILITY: usize = 4;
    pub const CLOSE: usize = 5;
}

/// The origin of each entry of `financials` and `opportunities`, index for index. Entries of
/// the front matter come first; rows merged from CSV sources are appended after them.
#[derive(Clone, Debug, Default)]
pub struct Origins {
    pub financials: Vec<Origin>,
    pub opportunities: Vec<Origin>,
}
