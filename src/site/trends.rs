//! The archive's own pages (SPEC §14): `reviews/index.html` and `trends/index.html`, from the
//! typed trend columns of the analysis (`analyse::trends`), so the pages show exactly what
//! `data/trends.json` holds.

use serde::Serialize;

use super::charts::{self, Chart, Table, BLUE, GREEN, ORANGE};
use super::format::{self, Fmt, DASH};
use crate::analyse::trends::{Account as Acc, Column};

/// How the pages name a column: its tag, or `current`.
fn label(c: &Column) -> String {
    c.tag.clone().unwrap_or_else(|| "current".into())
}

/// The review's site, relative to the output's root; `None` for the current state.
fn slug(c: &Column) -> Option<String> {
    c.tag.as_deref().map(crate::slug::slug)
}

/// One row of the reviews index or of the KPI table.
#[derive(Serialize)]
pub struct ReviewRow {
    pub label: String,
    /// Relative to the output's root.
    pub href: String,
    pub period: String,
    pub as_of: String,
    pub accounts: usize,
    pub key_accounts: usize,
    pub revenue: String,
    pub revenue_ttm: String,
    pub key_share: String,
    pub health_mean: String,
}

fn row(r: &Column, fmt: Fmt) -> ReviewRow {
    let p = &r.portfolio;
    ReviewRow {
        label: label(r),
        href: slug(r).map_or_else(
            || "index.html".into(),
            |s| format!("reviews/{s}/index.html"),
        ),
        period: r.period.clone().unwrap_or_else(|| DASH.into()),
        as_of: r.as_of.clone(),
        accounts: p.accounts,
        key_accounts: p.key_accounts,
        revenue: fmt.money(p.revenue),
        revenue_ttm: fmt.money(p.revenue_ttm),
        key_share: format::pct(p.key_revenue_share_pct),
        health_mean: format::score(p.health_mean),
    }
}

/// `reviews/index.html`: the reviews, newest first.
#[derive(Serialize)]
pub struct ReviewsPage {
    pub reviews: Vec<ReviewRow>,
}

pub fn reviews_page(all: &[Column], fmt: Fmt) -> ReviewsPage {
    ReviewsPage {
        reviews: all
            .iter()
            .filter(|r| r.tag.is_some())
            .rev()
            .map(|r| row(r, fmt))
            .collect(),
    }
}

/// `trends/index.html`.
#[derive(Serialize)]
pub struct TrendsPage {
    pub columns: Vec<ReviewRow>,
    pub charts: Vec<Chart>,
    pub accounts: Vec<AccountTrend>,
    pub steps: Vec<Step>,
    pub designation_changes: Vec<DesignationChange>,
    /// Each measured objective's progress at each review (SPEC §16).
    pub objectives: Vec<ObjectiveTrend>,
}

/// One measured objective across the columns.
#[derive(Serialize)]
pub struct ObjectiveTrend {
    pub account: String,
    pub href: Option<String>,
    pub objective: String,
    /// Per column: "25 % · on track", or `—`.
    pub cells: Vec<String>,
}

/// One account across the columns.
#[derive(Serialize)]
pub struct AccountTrend {
    pub id: String,
    pub name: String,
    /// Its page in the current site, when it is still in the portfolio.
    pub href: Option<String>,
    /// Per column: `key · strategic`, or `—` when the account was not in the portfolio.
    pub cells: Vec<String>,
    pub sparks: Vec<Spark>,
}

/// A small line chart of one figure across the columns; its accessible name holds every
/// number (`Health: 60 → 62 → 70`), and the latest one is shown beside it.
#[derive(Serialize)]
pub struct Spark {
    pub svg: String,
    pub last: String,
}

/// Between two consecutive columns: accounts that appeared and accounts that left.
#[derive(Serialize)]
pub struct Step {
    pub from: String,
    pub to: String,
    pub appeared: Vec<String>,
    pub left: Vec<String>,
}

#[derive(Serialize)]
pub struct DesignationChange {
    pub account: String,
    pub from: String,
    pub to: String,
    /// The column where the new designation first shows.
    pub at: String,
}

pub fn trends_page(all: &[Column], fmt: Fmt) -> TrendsPage {
    let rows: Vec<ReviewRow> = all.iter().map(|r| row(r, fmt)).collect();
    let labels: Vec<String> = all.iter().map(label).collect();
    let charts = kpi_charts(all, &rows, &labels, fmt);

    // Every account that was ever in the portfolio, by id; per column its row, if any.
    let mut ids: Vec<&str> = all
        .iter()
        .flat_map(|r| r.accounts.iter().map(|a| a.id.as_str()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let at: Vec<Vec<Option<&Acc>>> = ids
        .iter()
        .map(|id| all.iter().map(|r| r.account(id)).collect())
        .collect();
    let current = all.len().saturating_sub(1);
    let name = |row: &[Option<&Acc>]| {
        row.iter()
            .rev()
            .flatten()
            .next()
            .map_or_else(String::new, |a| a.name.clone())
    };
    let accounts = ids
        .iter()
        .zip(&at)
        .map(|(id, row)| AccountTrend {
            id: id.to_string(),
            name: name(row),
            href: row[current].map(|_| format!("accounts/{id}/index.html")),
            cells: row
                .iter()
                .map(|a| {
                    a.map_or_else(
                        || DASH.to_string(),
                        |a| format!("{} · {}", a.designation, a.quadrant.unwrap_or(DASH)),
                    )
                })
                .collect(),
            sparks: vec![
                spark(
                    "Attractiveness",
                    row,
                    |a| a.attractiveness,
                    Some(100.0),
                    format::score,
                ),
                spark("Strength", row, |a| a.strength, Some(100.0), format::score),
                spark("Health", row, |a| a.health, Some(100.0), format::score),
                spark(
                    "Revenue, 12 months",
                    row,
                    |a| a.revenue_ttm,
                    None,
                    |v| fmt.money(v),
                ),
            ],
        })
        .collect();

    let objectives = ids
        .iter()
        .zip(&at)
        .flat_map(|(id, row)| {
            let mut names: Vec<&str> = Vec::new();
            for a in row.iter().rev().flatten() {
                for (n, _, _) in &a.objectives {
                    if !names.contains(&n.as_str()) {
                        names.push(n);
                    }
                }
            }
            let account = name(row);
            let href = row[current].map(|_| format!("accounts/{id}/index.html"));
            names
                .into_iter()
                .map(|objective| ObjectiveTrend {
                    account: account.clone(),
                    href: href.clone(),
                    objective: objective.to_string(),
                    cells: row
                        .iter()
                        .map(|a| {
                            a.and_then(|a| a.objectives.iter().find(|o| o.0 == objective))
                                .map_or_else(
                                    || DASH.to_string(),
                                    |(_, p, st)| {
                                        format!(
                                            "{} · {}",
                                            p.map_or_else(
                                                || DASH.to_string(),
                                                |p| format!("{p:.0} %")
                                            ),
                                            super::objectives::label(*st)
                                        )
                                    },
                                )
                        })
                        .collect(),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let steps = all
        .windows(2)
        .map(|w| {
            let names = |from: &Column, to: &Column| -> Vec<String> {
                from.accounts
                    .iter()
                    .filter(|a| to.account(&a.id).is_none())
                    .map(|a| format!("{} ({})", a.name, a.id))
                    .collect()
            };
            Step {
                from: label(&w[0]),
                to: label(&w[1]),
                appeared: names(&w[1], &w[0]),
                left: names(&w[0], &w[1]),
            }
        })
        .collect();

    let mut designation_changes = Vec::new();
    for row in &at {
        for (k, pair) in row.windows(2).enumerate() {
            if let [Some(a), Some(b)] = pair {
                if a.designation != b.designation {
                    designation_changes.push(DesignationChange {
                        account: format!("{} ({})", b.name, b.id),
                        from: a.designation.to_string(),
                        to: b.designation.to_string(),
                        at: labels[k + 1].clone(),
                    });
                }
            }
        }
    }
    TrendsPage {
        columns: rows,
        charts,
        accounts,
        steps,
        designation_changes,
        objectives,
    }
}

/// Revenue (12 months) and the health mean across the columns, each with its table.
fn kpi_charts(all: &[Column], rows: &[ReviewRow], labels: &[String], fmt: Fmt) -> Vec<Chart> {
    let revenue: Vec<Option<f64>> = all.iter().map(|r| r.portfolio.revenue_ttm).collect();
    let health: Vec<Option<f64>> = all.iter().map(|r| r.portfolio.health_mean).collect();
    let key_share: Vec<Option<f64>> = all
        .iter()
        .map(|r| r.portfolio.key_revenue_share_pct)
        .collect();
    let table = |cols: &[&str], cells: &dyn Fn(&ReviewRow) -> Vec<String>| Table {
        headers: cols.iter().map(|s| s.to_string()).collect(),
        rows: rows.iter().map(cells).collect(),
    };
    vec![
        charts::lines(
            "trend-revenue",
            "Revenue over the reviews",
            "The portfolio's revenue over the twelve months to each review's period, at each review and now.",
            labels,
            &[("Revenue, 12 months".into(), BLUE, revenue)],
            move |v| fmt.money_short(v),
            table(&["Review", "Revenue, 12 months"], &|r| {
                vec![r.label.clone(), r.revenue_ttm.clone()]
            }),
        ),
        charts::lines(
            "trend-health",
            "Health and key account share over the reviews",
            "The mean health score (0–100) and the key accounts' share of 12-month revenue (%) at each review and now.",
            labels,
            &[
                ("Health mean".into(), GREEN, health),
                ("Key account share %".into(), ORANGE, key_share),
            ],
            |v| format!("{v:.0}"),
            table(&["Review", "Health mean", "Key account share"], &|r| {
                vec![r.label.clone(), r.health_mean.clone(), r.key_share.clone()]
            }),
        ),
    ]
}

const SPARK_W: f64 = 96.0;
const SPARK_H: f64 = 24.0;

/// A sparkline of `value` across the columns: 0 to `top` (scores: 100), else 0 to the largest
/// value, so a line's height means the same in every row. Gaps (not in the portfolio, or no
/// value) break the line.
fn spark(
    what: &str,
    row: &[Option<&Acc>],
    value: impl Fn(&Acc) -> Option<f64>,
    top: Option<f64>,
    show: impl Fn(Option<f64>) -> String,
) -> Spark {
    let values: Vec<Option<f64>> = row.iter().map(|a| a.and_then(&value)).collect();
    let max = values.iter().flatten().fold(0.0f64, |m, v| m.max(*v));
    let min = values.iter().flatten().fold(0.0f64, |m, v| m.min(*v));
    let top = top.unwrap_or(max);
    let span = if top - min > 0.0 { top - min } else { 1.0 };
    let step = if values.len() > 1 {
        (SPARK_W - 6.0) / (values.len() - 1) as f64
    } else {
        0.0
    };
    let point = |i: usize, v: f64| {
        (
            3.0 + step * i as f64,
            SPARK_H - 3.0 - (v - min) / span * (SPARK_H - 6.0),
        )
    };
    let text = values
        .iter()
        .map(|v| show(*v))
        .collect::<Vec<_>>()
        .join(" → ");
    let mut svg = format!(
        "<svg class=\"spark\" viewBox=\"0 0 {SPARK_W} {SPARK_H}\" width=\"{SPARK_W}\" height=\"{SPARK_H}\" role=\"img\" aria-label=\"{}\">",
        format::escape(&format!("{what}: {text}"))
    );
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, svg: &mut String| {
        if run.len() > 1 {
            svg.push_str(&format!(
                "<polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\"{}\"/>",
                run.join(" ")
            ));
        }
        run.clear();
    };
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let (x, y) = point(i, *v);
                run.push(format!("{x:.1},{y:.1}"));
                svg.push_str(&format!(
                    "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"1.8\" fill=\"currentColor\"/>"
                ));
            }
            None => flush(&mut run, &mut svg),
        }
    }
    flush(&mut run, &mut svg);
    svg.push_str("</svg>");
    let last = show(values.last().copied().flatten());
    Spark { svg, last }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acc(a: Option<f64>) -> Acc {
        Acc {
            id: "x".into(),
            name: "X".into(),
            designation: "key",
            quadrant: None,
            attractiveness: a,
            strength: None,
            health: None,
            health_coverage_pct: 0.0,
            revenue_ttm: None,
            objectives: Vec::new(),
        }
    }

    #[test]
    fn a_sparkline_breaks_at_gaps_and_scales_scores_to_100() {
        let (a, b, c) = (acc(Some(0.0)), acc(Some(100.0)), acc(Some(50.0)));
        let row = [Some(&a), Some(&b), None, Some(&c)];
        let s = spark("A", &row, |a| a.attractiveness, Some(100.0), format::score);
        assert!(
            s.svg.contains("aria-label=\"A: 0 → 100 → — → 50\""),
            "{}",
            s.svg
        );
        assert_eq!(s.last, "50");
        // x: 3 + 30·i; y: 21 at 0, 3 at 100, 12 at 50.
        assert!(s.svg.contains("points=\"3.0,21.0 33.0,3.0\""), "{}", s.svg);
        assert!(
            s.svg.contains("<circle cx=\"93.0\" cy=\"12.0\""),
            "{}",
            s.svg
        );
        assert_eq!(s.svg.matches("<polyline").count(), 1);
    }
}
