//! KAM programme effectiveness (SPEC §12): is the programme paying off? The key accounts against
//! all others (candidates and other accounts), over the year to P, measured against the results
//! effective KAM achieves (revenue +5 to +10 %, margin +3 to +5 points, cost to serve −10 to
//! −20 %).
//!
//! Every ratio compares the same accounts in P and P−4 (those with the inputs in both), and
//! says how many accounts it covers.

use serde::Serialize;

use super::metrics::{growth_pct, pct, quarter};
use super::scores::stage_score;
use super::AccountAnalysis;
use crate::model::{Designation, Financials, InitiativeStatus, Quarter, RetentionRisk};

/// The benchmark ranges, as `[low, high]`.
#[derive(Clone, Debug, PartialEq, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Benchmark {
    pub revenue_growth_pct: [f64; 2],
    pub margin_change_pts: [f64; 2],
    pub cost_to_serve_change_pct: [f64; 2],
}

pub const BENCHMARK: Benchmark = Benchmark {
    revenue_growth_pct: [5.0, 10.0],
    margin_change_pts: [3.0, 5.0],
    cost_to_serve_change_pct: [-20.0, -10.0],
};

/// The measures of one group. Field order is the export order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Measures {
    pub accounts: usize,
    pub revenue_growth_pct: Option<f64>,
    pub margin_change_pts: Option<f64>,
    pub cost_to_serve_change_pct: Option<f64>,
    pub share_of_wallet_change_pts: Option<f64>,
    pub satisfaction_mean: Option<f64>,
    pub nps_mean: Option<f64>,
    pub high_retention_risk: usize,
    pub referenceable_pct: Option<f64>,
    pub relationship_mean: Option<f64>,
    pub joint_investment: f64,
    /// How many accounts each figure covers (not exported: the page says it).
    #[serde(skip)]
    pub coverage: Coverage,
}

/// The number of accounts behind each figure of [`Measures`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Coverage {
    pub revenue_growth_pct: usize,
    pub margin_change_pts: usize,
    pub cost_to_serve_change_pct: usize,
    pub share_of_wallet_change_pts: usize,
    pub satisfaction_mean: usize,
    pub nps_mean: usize,
    pub referenceable_pct: usize,
    pub relationship_mean: usize,
}

/// The export's `effectiveness` object.
#[derive(Clone, Debug, PartialEq, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Effectiveness {
    pub key: Measures,
    pub others: Measures,
    pub benchmark: Benchmark,
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Σ a / Σ b in P and in P−4 over the accounts that have both `a` and `b` in both quarters;
/// the sums and how many accounts they cover.
fn paired(
    accounts: &[&AccountAnalysis<'_>],
    p: Quarter,
    a: fn(&Financials) -> Option<f64>,
    b: fn(&Financials) -> Option<f64>,
) -> ([f64; 4], usize) {
    let mut sums = [0.0; 4];
    let mut n = 0;
    for acc in accounts {
        let both = |q: Quarter| {
            let f = quarter(acc.account, q)?;
            Some((a(f)?, b(f)?))
        };
        if let (Some((a_now, b_now)), Some((a_then, b_then))) = (both(p), both(p.minus(4))) {
            sums[0] += a_now;
            sums[1] += b_now;
            sums[2] += a_then;
            sums[3] += b_then;
            n += 1;
        }
    }
    (sums, n)
}

fn revenue(f: &Financials) -> Option<f64> {
    f.revenue
}

/// The measures of `group` for period `p` (None: no review period).
pub fn measures(group: &[&AccountAnalysis<'_>], p: Option<Quarter>) -> Measures {
    let mut m = Measures {
        accounts: group.len(),
        ..Measures::default()
    };
    if let Some(p) = p {
        let (s, n) = paired(group, p, revenue, revenue);
        m.revenue_growth_pct = (n > 0)
            .then(|| growth_pct(Some(s[0]), Some(s[2])))
            .flatten();
        m.coverage.revenue_growth_pct = n;
        let (s, n) = paired(group, p, |f| f.gross_margin, revenue);
        m.margin_change_pts = (n > 0)
            .then(|| Some(pct(Some(s[0]), Some(s[1]))? - pct(Some(s[2]), Some(s[3]))?))
            .flatten();
        m.coverage.margin_change_pts = n;
        let (s, n) = paired(group, p, |f| f.cost_to_serve, revenue);
        let ratio = |c: f64, r: f64| (r != 0.0).then(|| c / r);
        m.cost_to_serve_change_pct = (n > 0)
            .then(|| growth_pct(ratio(s[0], s[1]), ratio(s[2], s[3])))
            .flatten();
        m.coverage.cost_to_serve_change_pct = n;
        let (s, n) = paired(group, p, revenue, |f| f.category_spend);
        m.share_of_wallet_change_pts = (n > 0)
            .then(|| Some(pct(Some(s[0]), Some(s[1]))? - pct(Some(s[2]), Some(s[3]))?))
            .flatten();
        m.coverage.share_of_wallet_change_pts = n;
    }
    let health = |f: fn(&AccountAnalysis<'_>) -> Option<f64>| -> Vec<f64> {
        group.iter().filter_map(|a| f(a)).collect()
    };
    let satisfaction = health(|a| a.account.front.health.satisfaction);
    let nps = health(|a| a.account.front.health.nps);
    let stages = health(|a| a.account.front.relationship.stage.map(stage_score));
    let referenceable: Vec<bool> = group
        .iter()
        .filter_map(|a| a.account.front.health.referenceable)
        .collect();
    m.satisfaction_mean = mean(&satisfaction);
    m.nps_mean = mean(&nps);
    m.relationship_mean = mean(&stages);
    m.referenceable_pct = pct(
        Some(referenceable.iter().filter(|r| **r).count() as f64),
        Some(referenceable.len() as f64),
    );
    m.high_retention_risk = group
        .iter()
        .filter(|a| a.account.front.health.retention_risk == Some(RetentionRisk::High))
        .count();
    m.joint_investment = group
        .iter()
        .flat_map(|a| &a.account.front.joint_initiatives)
        .filter(|j| {
            matches!(
                j.status,
                InitiativeStatus::Active | InitiativeStatus::Completed
            )
        })
        .filter_map(|j| j.investment)
        .fold(0.0, |sum, v| sum + v);
    m.coverage.satisfaction_mean = satisfaction.len();
    m.coverage.nps_mean = nps.len();
    m.coverage.relationship_mean = stages.len();
    m.coverage.referenceable_pct = referenceable.len();
    m
}

/// Key accounts against all others.
pub fn effectiveness(accounts: &[AccountAnalysis<'_>], p: Option<Quarter>) -> Effectiveness {
    let (key, others): (Vec<&AccountAnalysis<'_>>, Vec<&AccountAnalysis<'_>>) = accounts
        .iter()
        .partition(|a| a.account.front.designation == Designation::Key);
    Effectiveness {
        key: measures(&key, p),
        others: measures(&others, p),
        benchmark: BENCHMARK,
    }
}
