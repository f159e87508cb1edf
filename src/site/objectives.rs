//! Measured objectives as pages show them (SPEC §16): each objective's progress against the
//! time elapsed, and the portfolio's counts by status. The analysis computed every number;
//! here they are only worded and formatted.

use serde::Serialize;

use super::format::{Fmt, DASH};
use crate::analyse::objectives::{ObjectiveProgress, Progress, Status, StatusCounts};
use crate::model::Measure;
use crate::numfmt::short;

/// One objective of a plan.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectiveView {
    pub name: String,
    pub measured: Option<MeasuredView>,
}

/// A measured objective, worded.
#[derive(Clone, Debug, Serialize)]
pub struct MeasuredView {
    pub measure: &'static str,
    pub from: String,
    pub by: String,
    pub start: String,
    pub actual: String,
    pub target: String,
    /// "64 %" of the way from start to target, or "—".
    pub progress: String,
    pub elapsed: String,
    /// Bar widths, 0–100.
    pub progress_bar: i64,
    pub elapsed_bar: i64,
    pub status: &'static str,
    pub status_label: &'static str,
    /// What the bar shows, in words (its accessible name).
    pub aria: String,
}

/// The status in words.
pub fn label(s: Status) -> &'static str {
    match s {
        Status::Achieved => "achieved",
        Status::OnTrack => "on track",
        Status::Behind => "behind",
        Status::Missed => "missed",
        Status::Unmeasured => "not measurable",
    }
}

/// What a measure is called on a page.
pub fn measure_label(m: Measure) -> &'static str {
    match m {
        Measure::Revenue => "revenue in the quarter",
        Measure::RevenueTtm => "revenue over twelve months",
        Measure::GrossMargin => "gross margin in the quarter",
        Measure::MarginPct => "gross margin %",
        Measure::Profit => "profit in the quarter",
        Measure::ProfitPct => "profit %",
        Measure::CostToServePct => "cost to serve % of revenue",
        Measure::ShareOfWalletPct => "share of wallet %",
        Measure::DiscountPct => "discount %",
    }
}

fn is_money(m: Measure) -> bool {
    matches!(
        m,
        Measure::Revenue | Measure::RevenueTtm | Measure::GrossMargin | Measure::Profit
    )
}

/// A value of `measure`: money (masked in incognito) or a percentage.
fn value(fmt: &Fmt, m: Measure, v: Option<f64>) -> String {
    if is_money(m) {
        fmt.money(v)
    } else {
        v.map_or_else(|| DASH.into(), |v| format!("{} %", short(v)))
    }
}

fn measured(fmt: &Fmt, p: &Progress) -> MeasuredView {
    let bar = |v: f64| v.clamp(0.0, 100.0).round() as i64;
    MeasuredView {
        measure: measure_label(p.measure),
        from: p.from.to_string(),
        by: p.by.to_string(),
        start: value(fmt, p.measure, p.start),
        actual: value(fmt, p.measure, p.actual),
        target: value(fmt, p.measure, Some(p.target)),
        progress: p
            .progress_pct
            .map_or_else(|| DASH.into(), crate::numfmt::whole_pct),
        elapsed: crate::numfmt::whole_pct(p.elapsed_pct),
        progress_bar: p.progress_pct.map_or(0, bar),
        elapsed_bar: bar(p.elapsed_pct),
        status: p.status.as_str(),
        status_label: label(p.status),
        aria: match (p.progress_pct, p.start, p.actual) {
            (Some(v), ..) => format!(
                "{} of the way to the target, {} of the time gone",
                crate::numfmt::whole_pct(v),
                crate::numfmt::whole_pct(p.elapsed_pct)
            ),
            (None, Some(s), Some(_)) if s == p.target => {
                "not measurable: the target is the starting value".into()
            }
            (None, None, _) => format!("not measurable: no value in {}", p.from),
            (None, ..) => "not measurable: no value in the review period".into(),
        },
    }
}

/// The objectives of an account, as its page lists them.
pub fn views(fmt: &Fmt, objectives: &[ObjectiveProgress]) -> Vec<ObjectiveView> {
    objectives
        .iter()
        .map(|o| ObjectiveView {
            name: o.name.clone(),
            measured: o.measured.as_ref().map(|p| measured(fmt, p)),
        })
        .collect()
}

/// One status and how many measured objectives have it.
#[derive(Clone, Debug, Serialize)]
pub struct StatusCount {
    pub status: &'static str,
    pub label: &'static str,
    pub count: usize,
}

/// The portfolio's measured objectives by status, in the order of [`Status::ALL`].
pub fn counts(c: &StatusCounts) -> Vec<StatusCount> {
    Status::ALL
        .iter()
        .map(|s| StatusCount {
            status: s.as_str(),
            label: label(*s),
            count: c.of(*s),
        })
        .collect()
}

/// An objective that is behind or missed, with its account.
#[derive(Clone, Debug, Serialize)]
pub struct OffTrack {
    pub account: String,
    pub href: String,
    pub objective: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub progress: String,
    pub elapsed: String,
}

/// The dashboard's answer to "is the plan working?".
#[derive(Clone, Debug, Serialize)]
pub struct PortfolioObjectives {
    pub counts: Vec<StatusCount>,
    pub off_track: Vec<OffTrack>,
}

/// The portfolio's measured objectives, when any plan has one.
pub fn portfolio(s: &super::pages::Shared<'_>) -> Option<PortfolioObjectives> {
    let c = &s.analysis.portfolio.objectives;
    if Status::ALL.iter().all(|st| c.of(*st) == 0) {
        return None;
    }
    let off_track = s
        .analysis
        .accounts
        .iter()
        .zip(&s.summaries)
        .flat_map(|(a, summary)| {
            a.objectives.iter().filter_map(move |o| {
                let p = o.measured.as_ref()?;
                p.status.is_off_track().then(|| OffTrack {
                    account: summary.name.clone(),
                    href: summary.href.clone(),
                    objective: o.name.clone(),
                    status: p.status.as_str(),
                    status_label: label(p.status),
                    progress: p
                        .progress_pct
                        .map_or_else(|| DASH.into(), crate::numfmt::whole_pct),
                    elapsed: crate::numfmt::whole_pct(p.elapsed_pct),
                })
            })
        })
        .collect();
    Some(PortfolioObjectives {
        counts: counts(c),
        off_track,
    })
}
