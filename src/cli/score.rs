//! `kamsite score`: an aligned terminal table of accounts and their scores.

use std::cmp::Ordering;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};

use super::ScoreArgs;
use crate::analyse::{AccountAnalysis, Band};
use crate::diagnostics::suggestion;
use crate::numfmt::thousands;

const COLUMNS: [&str; 10] = [
    "id",
    "designation",
    "owner",
    "quadrant",
    "attractiveness",
    "strength",
    "health",
    "revenue",
    "growth",
    "findings",
];

/// A cell: its text, and its number when the column is numeric (for sorting).
struct Cell {
    text: String,
    number: Option<f64>,
    style: Style,
}

/// A text cell; what comes from the user's files is escaped for the terminal.
fn text(s: &str) -> Cell {
    Cell {
        text: super::terminal_text(s).into_owned(),
        number: None,
        style: Style::new(),
    }
}

fn number(v: Option<f64>, fmt: impl Fn(f64) -> String) -> Cell {
    Cell {
        text: v.map_or_else(|| "—".to_string(), fmt),
        number: v,
        style: Style::new(),
    }
}

fn row(a: &AccountAnalysis<'_>, findings: usize) -> Vec<Cell> {
    let f = &a.account.front;
    // A partial score is marked, as the site marks it: some of its inputs are missing.
    let partial = if a.health.is_partial() { "*" } else { "" };
    let mut health = number(a.health.value, |h| format!("{h:.0}{partial}"));
    health.style = match a.band {
        Some(Band::Red) => AnsiColor::Red.on_default(),
        Some(Band::Amber) => AnsiColor::Yellow.on_default(),
        Some(Band::Green) => AnsiColor::Green.on_default(),
        None => Style::new(),
    };
    vec![
        text(&a.account.id),
        text(f.designation.as_str()),
        text(f.owner.as_deref().unwrap_or("—")),
        text(a.quadrant.map_or("—", |q| q.as_str())),
        number(a.attractiveness.value, |v| format!("{v:.0}")),
        number(a.strength.value, |v| format!("{v:.0}")),
        health,
        number(a.metrics.revenue, thousands),
        number(a.metrics.growth_yoy_pct, |g| format!("{g:+.1}%")),
        number(Some(findings as f64), |n| format!("{n:.0}")),
    ]
}

pub fn run(args: &ScoreArgs) -> Result<ExitCode, crate::app::Error> {
    let sort = args.sort.as_deref().unwrap_or("id");
    let Some(sort_col) = COLUMNS.iter().position(|c| *c == sort) else {
        let hint = suggestion(sort, COLUMNS)
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        return Err(crate::app::Error::Usage(format!(
            "cannot sort by `{sort}`{hint}; columns: {}",
            COLUMNS.join(", ")
        )));
    };
    let project = super::open(&args.portfolio, &args.when)?;
    let analysis = project.analyse(None);
    let mut counts = std::collections::HashMap::new();
    for f in &analysis.findings {
        if let Some(id) = &f.account {
            *counts.entry(id.as_str()).or_insert(0usize) += 1;
        }
    }
    let mut rows: Vec<Vec<Cell>> = analysis
        .accounts
        .iter()
        .map(|a| row(a, counts.get(a.account.id.as_str()).copied().unwrap_or(0)))
        .collect();
    // Numbers descending with unknowns last; text ascending. Ties keep id order (stable sort).
    rows.sort_by(|x, y| match (x[sort_col].number, y[sort_col].number) {
        (Some(a), Some(b)) => b.total_cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => x[sort_col].text.cmp(&y[sort_col].text),
    });
    // anstream drops the colours when stdout is not a terminal or NO_COLOR is set.
    let table = table(&rows, project.period.map(|q| q.to_string()));
    let mut out = anstream::stdout();
    Ok(super::stdout_result(
        std::io::Write::write_all(&mut out, table.as_bytes())
            .and_then(|()| std::io::Write::flush(&mut out)),
    ))
}

fn table(rows: &[Vec<Cell>], period: Option<String>) -> String {
    let header = [
        "id",
        "designation",
        "owner",
        "quadrant",
        "A",
        "S",
        "health",
        "revenue",
        "growth yoy",
        "findings",
    ];
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].text.chars().count())
            .chain([header[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let numeric = |i: usize| i >= 4;
    let pad = |s: &str, i: usize| {
        let fill = " ".repeat(widths[i] - s.chars().count());
        if numeric(i) {
            format!("{fill}{s}")
        } else {
            format!("{s}{fill}")
        }
    };
    let mut out = String::new();
    if let Some(p) = period {
        out.push_str(&format!("Review period {p}\n"));
    }
    let bold = Style::new().bold();
    let head: Vec<String> = header.iter().enumerate().map(|(i, h)| pad(h, i)).collect();
    out.push_str(&format!("{bold}{}{bold:#}\n", head.join("  ").trim_end()));
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{}{}{:#}", c.style, pad(&c.text, i), c.style))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    if rows.iter().any(|r| r[6].text.ends_with('*')) {
        out.push_str("* partial: health scored from some of its inputs (the site names which)\n");
    }
    out
}
