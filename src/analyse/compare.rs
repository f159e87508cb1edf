//! Like-for-like changes of the portfolio against P−1 and P−4 (SPEC §8 v1.1).
//!
//! Every change compares the same accounts in both periods: those that have the figure's inputs
//! in both. A sum over a different set of accounts is never compared with another sum, and each
//! change says how many accounts it covers and how many were left out.

use serde::Serialize;

use super::metrics::{growth_pct, pct, quarter, Metrics};
use super::AccountAnalysis;
use crate::model::{Designation, Quarter};

/// How a change is expressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Relative change of an amount, in percent.
    Percent,
    /// Difference of two percentages or scores, in points.
    Points,
}

/// One figure now and in the earlier period, over the same accounts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub now: Option<f64>,
    pub before: Option<f64>,
    /// `now` against `before` in `unit`; `None` when either is unknown (or, for a relative
    /// change, when `before` is not positive).
    pub change: Option<f64>,
    pub unit: Unit,
    /// Accounts that have the inputs in both periods.
    pub compared: usize,
    /// Accounts of the portfolio left out of the comparison.
    pub left_out: usize,
}

/// The dashboard's KPIs against one earlier period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub period: Quarter,
    pub revenue: Change,
    pub revenue_ttm: Change,
    pub margin_pct: Change,
    pub profit: Change,
    pub key_revenue_share_pct: Change,
    pub top20_share_pct: Change,
    pub health_mean: Change,
}

/// An account as it stood in an earlier period: its metrics and health then.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Earlier {
    pub metrics: Metrics,
    pub health: Option<f64>,
    /// Health then with its components, for what moved (SPEC §17).
    pub health_side: super::moves::Side<'static>,
}

/// Growth of Σ revenue over the accounts with revenue in both periods, and how many those are.
/// `growth_qoq_pct`, `growth_yoy_pct` and the revenue card share this one definition.
pub fn like_for_like_growth(
    pairs: impl Iterator<Item = (Option<f64>, Option<f64>)>,
) -> (Option<f64>, usize) {
    let (mut now, mut before, mut n) = (0.0, 0.0, 0);
    for (a, b) in pairs {
        if let (Some(a), Some(b)) = (a, b) {
            now += a;
            before += b;
            n += 1;
        }
    }
    (
        (n > 0)
            .then(|| growth_pct(Some(now), Some(before)))
            .flatten(),
        n,
    )
}

pub(super) fn sum_change(
    pairs: &[(f64, f64)],
    total: usize,
    unit: Unit,
    figure: impl Fn(&[f64]) -> Option<f64>,
) -> Change {
    let (now_v, before_v): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
    let (now, before) = if pairs.is_empty() {
        (None, None)
    } else {
        (figure(&now_v), figure(&before_v))
    };
    let change = match (now, before, unit) {
        (Some(n), Some(b), Unit::Points) => Some(n - b),
        (Some(n), Some(b), Unit::Percent) if b > 0.0 => growth_pct(Some(n), Some(b)),
        _ => None,
    };
    Change {
        now,
        before,
        change,
        unit,
        compared: pairs.len(),
        left_out: total - pairs.len(),
    }
}

fn sum(v: &[f64]) -> Option<f64> {
    Some(v.iter().sum())
}

/// The share of the top ⌈0.2·n⌉ values in their total.
pub fn top20_share(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let top_n = (sorted.len() * 2).div_ceil(10);
    pct(
        Some(sorted.iter().take(top_n).sum()),
        Some(sorted.iter().sum()),
    )
}

/// (gross margin, revenue) of one account in one quarter.
type GmRevenue = (f64, f64);

/// The like-for-like comparison of `accounts` in `now_period` with each account as it stood in
/// `period`, which `earlier` reads from the account in place (nothing is copied).
pub fn compare(
    accounts: &[AccountAnalysis<'_>],
    earlier: for<'b> fn(&'b AccountAnalysis<'_>) -> Option<&'b Earlier>,
    now_period: Quarter,
    period: Quarter,
) -> Comparison {
    let total = accounts.len();
    let pairs = |f: &dyn Fn(&Metrics, Option<f64>) -> Option<f64>| -> Vec<(f64, f64)> {
        accounts
            .iter()
            .filter_map(|a| Some((a, earlier(a)?)))
            .filter_map(|(a, e)| Some((f(&a.metrics, a.health.value)?, f(&e.metrics, e.health)?)))
            .collect()
    };
    let revenue = pairs(&|m, _| m.revenue);
    // Twelve months' revenue compares only accounts with all four quarters in both windows:
    // a quarter missing from one window would make its sum look like a decline.
    let complete = |a: &AccountAnalysis<'_>| {
        [now_period, period].iter().all(|&q| {
            (0..4).all(|n| {
                quarter(a.account, q.minus(n))
                    .and_then(|f| f.revenue)
                    .is_some()
            })
        })
    };
    let ttm: Vec<(f64, f64)> = accounts
        .iter()
        .filter_map(|a| Some((a, earlier(a)?)))
        .filter(|(a, _)| complete(a))
        .filter_map(|(a, e)| Some((a.metrics.revenue_ttm?, e.metrics.revenue_ttm?)))
        .collect();
    let profit = pairs(&|m, _| m.profit);
    let health = pairs(&|_, h| h);
    // Margin needs gross margin and revenue of both periods, read from the financials.
    let gm = |a: &AccountAnalysis<'_>, q: Quarter| {
        let f = quarter(a.account, q)?;
        Some((f.gross_margin?, f.revenue?))
    };
    let margin: Vec<(GmRevenue, GmRevenue)> = accounts
        .iter()
        .filter_map(|a| Some((gm(a, now_period)?, gm(a, period)?)))
        .collect();
    let margin_side = |side: fn(&(GmRevenue, GmRevenue)) -> GmRevenue| {
        let (g, r) = margin
            .iter()
            .map(side)
            .fold((0.0, 0.0), |(g, r), (a, b)| (g + a, r + b));
        pct(Some(g), Some(r))
    };
    let (m_now, m_before) = if margin.is_empty() {
        (None, None)
    } else {
        (margin_side(|x| x.0), margin_side(|x| x.1))
    };
    // Key accounts' share of the trailing revenue, over accounts with a trailing revenue in both.
    let keyed: Vec<(f64, f64, bool)> = accounts
        .iter()
        .filter_map(|a| Some((a, earlier(a)?)))
        .filter(|(a, _)| complete(a))
        .filter_map(|(a, e)| {
            Some((
                a.metrics.revenue_ttm?,
                e.metrics.revenue_ttm?,
                a.account.front.designation == Designation::Key,
            ))
        })
        .collect();
    let key_share = |pick: fn(&(f64, f64, bool)) -> f64| {
        let all: f64 = keyed.iter().map(pick).sum();
        let key: f64 = keyed.iter().filter(|k| k.2).map(pick).sum();
        pct(Some(key), Some(all))
    };
    let points = |now: Option<f64>, before: Option<f64>, compared: usize| Change {
        now,
        before,
        change: now.zip(before).map(|(n, b)| n - b),
        unit: Unit::Points,
        compared,
        left_out: total - compared,
    };
    let nonempty = |n: usize, v: Option<f64>| if n > 0 { v } else { None };
    Comparison {
        period,
        revenue: sum_change(&revenue, total, Unit::Percent, sum),
        revenue_ttm: sum_change(&ttm, total, Unit::Percent, sum),
        margin_pct: points(m_now, m_before, margin.len()),
        profit: sum_change(&profit, total, Unit::Percent, sum),
        key_revenue_share_pct: points(
            nonempty(keyed.len(), key_share(|k| k.0)),
            nonempty(keyed.len(), key_share(|k| k.1)),
            keyed.len(),
        ),
        top20_share_pct: sum_change(&ttm, total, Unit::Points, top20_share),
        health_mean: sum_change(&health, total, Unit::Points, |v| {
            Some(v.iter().sum::<f64>() / v.len() as f64)
        }),
    }
}
