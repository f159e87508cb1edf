//! Where an account's figures come from (SPEC §13): the account file, or a row of a CSV source.
//! The account page shows it, so a reviewer can trace a number to the file and line that holds
//! it before questioning it.

use crate::model::{Account, Origin, Quarter};

/// What a group of figures is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Figures {
    /// The financials of one quarter shown on the page (P, P−1, P−4).
    Quarter(Quarter),
    /// This many opportunities.
    Opportunities(usize),
}

/// Figures and the file they come from (relative to the portfolio), with the rows' lines (a
/// CSV file) or row numbers (a workbook's `sheet`); empty for the account file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FiguresFrom {
    pub figures: Figures,
    pub file: String,
    pub sheet: Option<String>,
    pub lines: Vec<usize>,
}

/// The sources of the quarters `shown` that the account has, then of its opportunities grouped
/// by file (the account file first, then each CSV file in the order its rows were merged).
pub fn provenance(account: &Account, shown: &[Quarter]) -> Vec<FiguresFrom> {
    // The file, its sheet, and the rows: one, or several combined (a customer hierarchy).
    let place = |o: &Origin| match o {
        Origin::Account => (account.source.clone(), None, Vec::new()),
        Origin::Csv {
            file,
            sheet,
            line,
            also,
            ..
        } => (
            file.clone(),
            sheet.clone(),
            std::iter::once(*line).chain(also.iter().copied()).collect(),
        ),
    };
    let mut out = Vec::new();
    for &q in shown {
        let found = account
            .front
            .financials
            .iter()
            .zip(&account.origins.financials);
        if let Some((_, o)) = found.into_iter().find(|(f, _)| f.period == q) {
            let (file, sheet, lines) = place(o);
            out.push(FiguresFrom {
                figures: Figures::Quarter(q),
                file,
                sheet,
                lines,
            });
        }
    }
    let mut groups: Vec<FiguresFrom> = Vec::new();
    for o in &account.origins.opportunities {
        let (file, sheet, lines) = place(o);
        match groups.iter_mut().find(|g| g.file == file) {
            Some(g) => {
                if let Figures::Opportunities(n) = &mut g.figures {
                    *n += 1;
                }
                g.lines.extend(lines);
            }
            None => groups.push(FiguresFrom {
                figures: Figures::Opportunities(1),
                file,
                sheet,
                lines,
            }),
        }
    }
    out.extend(groups);
    out
}
