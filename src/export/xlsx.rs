//! `kamsite export --format xlsx` (SPEC §11 v1.2): the export as an Excel workbook a finance
//! team opens without an import dialog — in any locale, with numbers as numbers. Sheet
//! **Accounts** (the CSV's columns, money without decimals, percentages and scores with one,
//! a frozen header and a filter), **Findings** (severity, rule, account, message) and
//! **Portfolio** (the §8 figures, one a row). Written by rust_xlsxwriter, the well-kept writer;
//! the same input gives the same bytes (the creation date is `as_of`, never the clock).

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::{rows, Document, CSV_HEAD};
use crate::analyse::{metrics, Analysis};

/// How a column's numbers are shown.
#[derive(Clone, Copy)]
enum Kind {
    Money,
    /// Percentages, percentage points and 0–100 scores: one decimal.
    OneDecimal,
    Count,
}

/// The number format of a §5 metric (or score) by its key.
fn kind(key: &str) -> Kind {
    match key {
        "revenue" | "revenue_ttm" | "profit" | "pipeline" | "weighted_pipeline" => Kind::Money,
        "overdue_actions"
        | "plan_age_days"
        | "accounts"
        | "key_accounts"
        | "candidates"
        | "accounts_without_period_data" => Kind::Count,
        _ => Kind::OneDecimal,
    }
}

/// The workbook of `analysis`.
pub fn xlsx(analysis: &Analysis<'_>) -> Result<Vec<u8>, String> {
    workbook(analysis).map_err(|e| format!("cannot write the workbook: {e}"))
}

fn workbook(analysis: &Analysis<'_>) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let (y, m, d) = (
        analysis.as_of.year(),
        analysis.as_of.month(),
        analysis.as_of.day(),
    );
    let created = ExcelDateTime::from_ymd(y as u16, m as u8, d as u8)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(&analysis.config.title)
            .set_creation_datetime(&created),
    );
    let header = Format::new().set_bold();
    let formats = [
        Format::new().set_num_format("#,##0"),
        Format::new().set_num_format("0.0"),
        Format::new().set_num_format("0"),
    ];
    let format = |k: Kind| match k {
        Kind::Money => &formats[0],
        Kind::OneDecimal => &formats[1],
        Kind::Count => &formats[2],
    };

    // Accounts: the CSV's columns, numbers typed.
    let sheet = book.add_worksheet();
    sheet.set_name("Accounts")?;
    let columns: Vec<&str> = CSV_HEAD.into_iter().chain(metrics::KEYS).collect();
    for (c, name) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &header)?;
    }
    let accounts: Vec<_> = rows(analysis).collect();
    for (r, row) in accounts.iter().enumerate() {
        let r = r as u32 + 1;
        let text = [
            Some(row.id.as_str()),
            Some(row.name.as_str()),
            Some(row.designation.as_str()),
            row.owner.as_deref(),
            row.stage.as_deref(),
            row.quadrant.as_deref(),
        ];
        for (c, t) in text.iter().enumerate() {
            if let Some(t) = t {
                sheet.write_string(r, c as u16, *t)?;
            }
        }
        let numbers = [
            row.scores.attractiveness,
            row.scores.strength,
            row.scores.health,
        ]
        .into_iter()
        .chain(row.metrics.values());
        for (i, (v, key)) in numbers.zip(&columns[text.len()..]).enumerate() {
            if let Some(v) = v {
                let c = (text.len() + i) as u16;
                sheet.write_number_with_format(r, c, v, format(kind(key)))?;
            }
        }
    }
    finish(
        sheet,
        accounts.len() as u32,
        columns.len() as u16,
        &[12, 28],
    )?;

    // Findings.
    let sheet = book.add_worksheet();
    sheet.set_name("Findings")?;
    for (c, name) in ["severity", "rule", "account", "message"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(0, c as u16, *name, &header)?;
    }
    let doc = Document::of(analysis);
    for (r, f) in doc.findings.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, f.severity.as_str())?;
        sheet.write_string(r, 1, &f.rule)?;
        if let Some(a) = &f.account {
            sheet.write_string(r, 2, a)?;
        }
        sheet.write_string(r, 3, &f.message)?;
    }
    finish(sheet, doc.findings.len() as u32, 4, &[10, 28, 22, 90])?;

    // Portfolio: the §8 figures, one a row.
    let sheet = book.add_worksheet();
    sheet.set_name("Portfolio")?;
    sheet.write_string_with_format(0, 0, "key", &header)?;
    sheet.write_string_with_format(0, 1, "value", &header)?;
    let p = &analysis.portfolio;
    let mut figures: Vec<(String, Option<f64>)> = vec![
        ("accounts".into(), Some(p.accounts as f64)),
        ("key_accounts".into(), Some(p.key_accounts as f64)),
        ("candidates".into(), Some(p.candidates as f64)),
        (
            "accounts_without_period_data".into(),
            Some(p.accounts_without_period_data as f64),
        ),
        ("revenue".into(), p.revenue),
        ("revenue_ttm".into(), p.revenue_ttm),
        ("growth_qoq_pct".into(), p.growth_qoq_pct),
        ("growth_yoy_pct".into(), p.growth_yoy_pct),
        ("key_revenue_share_pct".into(), p.key_revenue_share_pct),
        ("top20_share_pct".into(), p.top20_share_pct),
        ("hhi".into(), p.hhi),
        ("profit".into(), p.profit),
        ("margin_pct".into(), p.margin_pct),
        ("health_mean".into(), p.health_mean),
    ];
    for (group, counts) in [
        ("quadrants", &p.quadrants),
        ("stages", &p.stages),
        ("severities", &p.severities),
    ] {
        for (name, n) in counts {
            figures.push((format!("{group}.{name}"), Some(*n as f64)));
        }
    }
    for (r, (key, v)) in figures.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, key)?;
        let k = if key.contains('.') {
            Kind::Count
        } else {
            kind(key)
        };
        if let Some(v) = v {
            sheet.write_number_with_format(r, 1, *v, format(k))?;
        }
    }
    finish(sheet, figures.len() as u32, 2, &[30, 16])?;
    book.save_to_buffer()
}

/// A frozen header row, a filter over the table, and the first columns' widths.
fn finish(sheet: &mut Worksheet, rows: u32, columns: u16, widths: &[u16]) -> Result<(), XlsxError> {
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows, columns.saturating_sub(1))?;
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    Ok(())
}
