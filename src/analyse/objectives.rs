//! Measured objectives (SPEC §16): is the plan working? Each measured objective's start (its
//! measure at `from`), actual (at the review period P), progress towards the target, the share
//! of its time elapsed, and its status.

use serde::Serialize;

use super::metrics;
use crate::model::{Account, Date, Measure, Objective, Quarter};

/// Where a measured objective stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Achieved,
    OnTrack,
    Behind,
    Missed,
    Unmeasured,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Achieved,
        Status::OnTrack,
        Status::Behind,
        Status::Missed,
        Status::Unmeasured,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Achieved => "achieved",
            Status::OnTrack => "on_track",
            Status::Behind => "behind",
            Status::Missed => "missed",
            Status::Unmeasured => "unmeasured",
        }
    }

    /// Behind or missed: what the review must talk about.
    pub fn is_off_track(self) -> bool {
        matches!(self, Status::Behind | Status::Missed)
    }
}

/// A measured objective, evaluated for the review period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Progress {
    pub measure: Measure,
    pub from: Quarter,
    pub by: Quarter,
    pub target: f64,
    /// The measure at `from`.
    pub start: Option<f64>,
    /// The measure at P.
    pub actual: Option<f64>,
    /// 100 · (actual − start) / (target − start): lower is better when target < start.
    pub progress_pct: Option<f64>,
    /// 100 · q(from, P) / q(from, by), clamped to [0, 100].
    pub elapsed_pct: f64,
    pub status: Status,
}

/// One objective of a plan: its name, and its progress when it is measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectiveProgress {
    pub name: String,
    pub measured: Option<Progress>,
}

/// The value of `measure` for `account` in quarter `q` (SPEC §5 at P = q).
pub fn measure_at(account: &Account, measure: Measure, q: Quarter, as_of: Date) -> Option<f64> {
    if measure == Measure::GrossMargin {
        return metrics::quarter(account, q).and_then(|f| f.gross_margin);
    }
    let m = metrics::metrics(account, Some(q), as_of);
    match measure {
        Measure::Revenue => m.revenue,
        Measure::RevenueTtm => m.revenue_ttm,
        Measure::MarginPct => m.margin_pct,
        Measure::Profit => m.profit,
        Measure::ProfitPct => m.profit_pct,
        Measure::CostToServePct => m.cost_to_serve_pct,
        Measure::ShareOfWalletPct => m.share_of_wallet_pct,
        Measure::DiscountPct => m.discount_pct,
        Measure::GrossMargin => None,
    }
}

/// Every objective of the account's plan, evaluated for `period` (None: no review period, so
/// nothing is measured) with `tolerance_pts`.
pub fn objectives(
    account: &Account,
    period: Option<Quarter>,
    as_of: Date,
    tolerance_pts: f64,
) -> Vec<ObjectiveProgress> {
    account
        .front
        .plan
        .objectives
        .iter()
        .map(|o| ObjectiveProgress {
            name: o.name.clone(),
            measured: progress(account, o, period, as_of, tolerance_pts),
        })
        .collect()
}

fn progress(
    account: &Account,
    o: &Objective,
    period: Option<Quarter>,
    as_of: Date,
    tolerance_pts: f64,
) -> Option<Progress> {
    let (measure, from, target, by) = (o.measure?, o.from?, o.target?, o.by?);
    let start = measure_at(account, measure, from, as_of);
    let actual = period.and_then(|p| measure_at(account, measure, p, as_of));
    // To nine decimals: 100 · (4.9 − 5) / (4 − 5) is 10, not 9.999999999999964, and a status
    // must never turn on binary noise.
    let tidy = |v: f64| (v * 1e9).round() / 1e9;
    let progress_pct = match (start, actual) {
        (Some(s), Some(a)) if target != s => Some(tidy(100.0 * (a - s) / (target - s))),
        _ => None,
    };
    let span = from.until(by);
    let elapsed_pct = match period {
        Some(p) if span > 0 => {
            tidy((100.0 * f64::from(from.until(p)) / f64::from(span)).clamp(0.0, 100.0))
        }
        _ => 0.0,
    };
    let status = match progress_pct {
        None => Status::Unmeasured,
        Some(p) if p >= 100.0 => Status::Achieved,
        Some(_) if period.is_some_and(|q| q >= by) => Status::Missed,
        Some(p) if p >= tidy(elapsed_pct - tolerance_pts) => Status::OnTrack,
        Some(_) => Status::Behind,
    };
    Some(Progress {
        measure,
        from,
        by,
        target,
        start,
        actual,
        progress_pct,
        elapsed_pct,
        status,
    })
}

/// How many measured objectives have each status, in [`Status::ALL`] order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct StatusCounts {
    pub achieved: usize,
    pub on_track: usize,
    pub behind: usize,
    pub missed: usize,
    pub unmeasured: usize,
}

impl StatusCounts {
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Achieved => self.achieved += 1,
            Status::OnTrack => self.on_track += 1,
            Status::Behind => self.behind += 1,
            Status::Missed => self.missed += 1,
            Status::Unmeasured => self.unmeasured += 1,
        }
    }

    pub fn of(&self, s: Status) -> usize {
        match s {
            Status::Achieved => self.achieved,
            Status::OnTrack => self.on_track,
            Status::Behind => self.behind,
            Status::Missed => self.missed,
            Status::Unmeasured => self.unmeasured,
        }
    }
}
