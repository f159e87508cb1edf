//! The effectiveness page (SPEC §12): key accounts against all others, beside the results
//! effective KAM achieves, with how many accounts each figure covers.

use serde::Serialize;

use super::benchmark_chart::{self, Row};
use super::charts::{Chart, Table};
use super::format::DASH;
use super::pages::Shared;
use crate::analyse::effectiveness::Measures;

#[derive(Serialize)]
pub struct Effectiveness {
    chart: Chart,
    rows: Vec<MeasureRow>,
    key_accounts: usize,
    others: usize,
    period: String,
    year_ago: String,
}

#[derive(Serialize)]
struct MeasureRow {
    label: &'static str,
    key: String,
    key_covers: String,
    others: String,
    others_covers: String,
    benchmark: String,
}

fn signed(v: Option<f64>, unit: &str) -> String {
    v.map_or_else(|| DASH.into(), |v| super::format::signed(v, unit))
}

fn plain(v: Option<f64>, unit: &str) -> String {
    v.map_or_else(|| DASH.into(), |v| format!("{v:.1}{unit}"))
}

/// A benchmark range of the analysis as the page shows it: `[5, 10]` → `+5 to +10 %`,
/// `[-20, -10]` → `−20 to −10 %`.
fn range(r: [f64; 2], unit: &str) -> String {
    let one = |v: f64| {
        let sign = if v < 0.0 { "−" } else { "+" };
        format!("{sign}{}", crate::numfmt::short(v.abs()))
    };
    format!("{} to {} {unit}", one(r[0]), one(r[1]))
}

fn covers(n: usize, of: usize) -> String {
    format!("{n} of {of}")
}

pub fn effectiveness(s: &Shared<'_>) -> Effectiveness {
    let e = &s.analysis.effectiveness;
    let (k, o) = (&e.key, &e.others);
    let b = &e.benchmark;
    type Pick = fn(&Measures) -> (Option<f64>, usize);
    let row = |label, pick: Pick, show: &dyn Fn(Option<f64>) -> String, benchmark| {
        let (kv, kn) = pick(k);
        let (ov, on) = pick(o);
        MeasureRow {
            label,
            key: show(kv),
            key_covers: covers(kn, k.accounts),
            others: show(ov),
            others_covers: covers(on, o.accounts),
            benchmark,
        }
    };
    let money = |v: f64| s.fmt.money(Some(v));
    let rows = vec![
        row(
            "Revenue growth",
            |m| (m.revenue_growth_pct, m.coverage.revenue_growth_pct),
            &|v| signed(v, "%"),
            range(b.revenue_growth_pct, "%"),
        ),
        row(
            "Gross margin change",
            |m| (m.margin_change_pts, m.coverage.margin_change_pts),
            &|v| signed(v, "pt"),
            range(b.margin_change_pts, "pt"),
        ),
        row(
            "Cost to serve change (share of revenue)",
            |m| {
                (
                    m.cost_to_serve_change_pct,
                    m.coverage.cost_to_serve_change_pct,
                )
            },
            &|v| signed(v, "%"),
            range(b.cost_to_serve_change_pct, "%"),
        ),
        row(
            "Share of wallet change",
            |m| {
                (
                    m.share_of_wallet_change_pts,
                    m.coverage.share_of_wallet_change_pts,
                )
            },
            &|v| signed(v, "pt"),
            String::new(),
        ),
        row(
            "Satisfaction (CSAT 0–10), mean",
            |m| (m.satisfaction_mean, m.coverage.satisfaction_mean),
            &|v| plain(v, ""),
            String::new(),
        ),
        row(
            "NPS, mean",
            |m| (m.nps_mean, m.coverage.nps_mean),
            &|v| plain(v, ""),
            String::new(),
        ),
        row(
            "Relationship stage (0–100), mean",
            |m| (m.relationship_mean, m.coverage.relationship_mean),
            &|v| plain(v, ""),
            String::new(),
        ),
        row(
            "Referenceable",
            |m| (m.referenceable_pct, m.coverage.referenceable_pct),
            &|v| plain(v, " %"),
            String::new(),
        ),
        MeasureRow {
            label: "High retention risk",
            key: k.high_retention_risk.to_string(),
            key_covers: covers(k.accounts, k.accounts),
            others: o.high_retention_risk.to_string(),
            others_covers: covers(o.accounts, o.accounts),
            benchmark: String::new(),
        },
        MeasureRow {
            label: "Joint investment (active or completed initiatives)",
            key: money(k.joint_investment),
            key_covers: covers(k.accounts, k.accounts),
            others: money(o.joint_investment),
            others_covers: covers(o.accounts, o.accounts),
            benchmark: String::new(),
        },
    ];
    let chart_rows = vec![
        Row {
            label: "Revenue growth, %".into(),
            range: b.revenue_growth_pct,
            key: k.revenue_growth_pct,
            others: o.revenue_growth_pct,
        },
        Row {
            label: "Gross margin, points".into(),
            range: b.margin_change_pts,
            key: k.margin_change_pts,
            others: o.margin_change_pts,
        },
        Row {
            label: "Cost to serve, %".into(),
            range: b.cost_to_serve_change_pct,
            key: k.cost_to_serve_change_pct,
            others: o.cost_to_serve_change_pct,
        },
    ];
    let table = Table {
        headers: ["Measure", "Key accounts", "All others", "Effective KAM"]
            .map(String::from)
            .to_vec(),
        rows: rows
            .iter()
            .take(3)
            .map(|r| {
                vec![
                    r.label.to_string(),
                    r.key.clone(),
                    r.others.clone(),
                    r.benchmark.to_string(),
                ]
            })
            .collect(),
    };
    let period = s.analysis.period;
    Effectiveness {
        chart: benchmark_chart::benchmark(
            "effectiveness",
            "Key accounts against all others, over the year to the review period",
            "Change from the same quarter a year before in revenue, gross margin and cost to serve, for key accounts and for all other accounts; the green band is the range effective key account management achieves.",
            &chart_rows,
            table,
        ),
        rows,
        key_accounts: k.accounts,
        others: o.accounts,
        period: period.map_or_else(|| DASH.into(), |p| p.to_string()),
        year_ago: period.map_or_else(|| DASH.into(), |p| p.minus(4).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_changes_and_missing_values() {
        assert_eq!(signed(Some(3.333), "pt"), "+3.3 pt");
        // Never "-0.0 pt": a change that rounds to nothing has no sign.
        assert_eq!(signed(Some(-0.04), "pt"), "±0.0 pt");
        assert_eq!(signed(Some(-16.666), "%"), "-16.7 %");
        assert_eq!(signed(None, "%"), DASH);
        assert_eq!(plain(Some(7.0), ""), "7.0");
    }
}
