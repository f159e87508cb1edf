//! Portfolio aggregates for the review period (SPEC §8).

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::compare;
use super::findings::Finding;
use super::metrics::{pct, quarter};
use super::scores::Quadrant;
use super::AccountAnalysis;
use crate::model::{Config, Designation, Quarter, Severity, Stage};

/// One key account manager's load.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManagerLoad {
    pub name: String,
    pub key_accounts: usize,
    pub accounts: usize,
    pub capacity: i64,
    pub revenue_ttm: Option<f64>,
    pub overdue_actions: u32,
    /// Indices (into the analysis' accounts) of the accounts this manager owns.
    #[serde(skip)]
    pub account_indices: Vec<usize>,
}

impl Aggregates {
    /// How many findings have `severity`.
    pub fn findings(&self, severity: Severity) -> usize {
        self.severities.get(severity.as_str()).copied().unwrap_or(0)
    }
}

impl ManagerLoad {
    /// More key accounts than capacity (what `manager-over-capacity` reports).
    pub fn over_capacity(&self) -> bool {
        self.key_accounts as i64 > self.capacity
    }

    /// Key accounts as a percentage of capacity, capped at 100 for the load bar; 100 when the
    /// capacity is 0.
    pub fn load_pct(&self) -> i64 {
        if self.capacity > 0 {
            (100 * self.key_accounts as i64 / self.capacity).min(100)
        } else {
            100
        }
    }
}

/// The §8 aggregates. Field order is the export order. Read back from an export (a baseline),
/// keys an older export lacks are their defaults.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Aggregates {
    pub accounts: usize,
    pub key_accounts: usize,
    pub candidates: usize,
    /// Accounts with no revenue for the review period (SPEC §8 v1.1).
    pub accounts_without_period_data: usize,
    pub revenue: Option<f64>,
    pub revenue_ttm: Option<f64>,
    /// Like-for-like: over the accounts with revenue in both P and P−1.
    pub growth_qoq_pct: Option<f64>,
    /// Like-for-like: over the accounts with revenue in both P and P−4.
    pub growth_yoy_pct: Option<f64>,
    pub key_revenue_share_pct: Option<f64>,
    pub top20_share_pct: Option<f64>,
    pub hhi: Option<f64>,
    pub profit: Option<f64>,
    pub margin_pct: Option<f64>,
    pub health_mean: Option<f64>,
    pub quadrants: IndexMap<String, usize>,
    pub stages: IndexMap<String, usize>,
    pub severities: IndexMap<String, usize>,
    pub managers: Vec<ManagerLoad>,
    /// Measured objectives of all accounts by status (SPEC §16).
    pub objectives: super::objectives::StatusCounts,
}

/// Sum of the values present; `None` when none is.
fn sum(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    values
        .flatten()
        .fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
}

pub fn aggregate(
    config: &Config,
    accounts: &[AccountAnalysis<'_>],
    findings: &[Finding],
    period: Option<Quarter>,
    total_ttm: Option<f64>,
) -> Aggregates {
    let designated = |d: Designation| {
        accounts
            .iter()
            .filter(move |a| a.account.front.designation == d)
    };
    let revenue_at = |a: &AccountAnalysis<'_>, q: Option<Quarter>| {
        q.and_then(|q| quarter(a.account, q))
            .and_then(|f| f.revenue)
    };

    // Growth over the accounts that have revenue in both periods (one definition for both).
    let growth = |back: i32| {
        compare::like_for_like_growth(accounts.iter().map(|a| {
            (
                revenue_at(a, period),
                revenue_at(a, period.map(|p| p.minus(back))),
            )
        }))
        .0
    };

    // Top ⌈0.2·n⌉ accounts by trailing revenue (accounts without revenue count as 0).
    let mut ttm: Vec<f64> = accounts
        .iter()
        .map(|a| a.metrics.revenue_ttm.unwrap_or(0.0))
        .collect();
    ttm.sort_by(|a, b| b.total_cmp(a));
    let top_n = (accounts.len() * 2).div_ceil(10);
    let top20 = pct(Some(ttm.iter().take(top_n).sum()), total_ttm);

    // Margin over the accounts that report both gross margin and revenue for P.
    let reporting: Vec<(f64, f64)> = accounts
        .iter()
        .filter_map(|a| {
            let f = quarter(a.account, period?)?;
            Some((f.gross_margin?, f.revenue?))
        })
        .collect();
    let margin_pct = pct(
        (!reporting.is_empty()).then(|| reporting.iter().map(|r| r.0).sum()),
        Some(reporting.iter().map(|r| r.1).sum()),
    );

    let healths: Vec<f64> = accounts.iter().filter_map(|a| a.health.value).collect();
    let shares = accounts.iter().filter_map(|a| a.metrics.revenue_share_pct);

    let mut quadrants: IndexMap<String, usize> = Quadrant::ALL
        .iter()
        .map(|q| (q.as_str().to_string(), 0))
        .collect();
    let mut stages: IndexMap<String, usize> = Stage::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), 0))
        .collect();
    for a in accounts {
        if let Some(q) = a.quadrant {
            quadrants[q.as_str()] += 1;
        }
        if let Some(s) = a.account.front.relationship.stage {
            stages[s.as_str()] += 1;
        }
    }
    let mut severities: IndexMap<String, usize> = Severity::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), 0))
        .collect();
    for f in findings {
        severities[f.severity.as_str()] += 1;
    }

    Aggregates {
        accounts: accounts.len(),
        key_accounts: designated(Designation::Key).count(),
        candidates: designated(Designation::Candidate).count(),
        accounts_without_period_data: accounts
            .iter()
            .filter(|a| a.metrics.revenue.is_none())
            .count(),
        revenue: sum(accounts.iter().map(|a| a.metrics.revenue)),
        revenue_ttm: total_ttm,
        growth_qoq_pct: growth(1),
        growth_yoy_pct: growth(4),
        key_revenue_share_pct: pct(
            sum(designated(Designation::Key).map(|a| a.metrics.revenue_ttm)).or(Some(0.0)),
            total_ttm,
        ),
        top20_share_pct: top20,
        hhi: shares.clone().next().map(|_| shares.map(|s| s * s).sum()),
        profit: sum(accounts.iter().map(|a| a.metrics.profit)),
        margin_pct,
        health_mean: (!healths.is_empty())
            .then(|| healths.iter().sum::<f64>() / healths.len() as f64),
        quadrants,
        stages,
        severities,
        managers: managers(config, accounts),
        objectives: {
            let mut counts = super::objectives::StatusCounts::default();
            for o in accounts.iter().flat_map(|a| &a.objectives) {
                if let Some(m) = &o.measured {
                    counts.add(m.status);
                }
            }
            counts
        },
    }
}

/// Every manager in kamsite.yaml and every account owner, by name.
fn managers(config: &Config, accounts: &[AccountAnalysis<'_>]) -> Vec<ManagerLoad> {
    let mut by_name: BTreeMap<&str, Vec<(usize, &AccountAnalysis<'_>)>> = config
        .managers
        .iter()
        .map(|m| (m.name.as_str(), Vec::new()))
        .collect();
    for (i, a) in accounts.iter().enumerate() {
        if let Some(owner) = a.account.front.owner.as_deref() {
            by_name.entry(owner).or_default().push((i, a));
        }
    }
    by_name
        .into_iter()
        .map(|(name, owned)| ManagerLoad {
            name: name.to_string(),
            key_accounts: owned
                .iter()
                .filter(|(_, a)| a.account.front.designation == Designation::Key)
                .count(),
            accounts: owned.len(),
            capacity: config.capacity_of(name),
            revenue_ttm: sum(owned.iter().map(|(_, a)| a.metrics.revenue_ttm)),
            overdue_actions: owned.iter().map(|(_, a)| a.metrics.overdue_actions).sum(),
            account_indices: owned.iter().map(|(i, _)| *i).collect(),
        })
        .collect()
}
