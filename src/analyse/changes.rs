//! What moved since a baseline (`build --baseline`): accounts whose designation, quadrant or
//! scores changed, accounts that arrived or left, findings that appeared or were resolved, and
//! each account's earlier position in the matrix.

use std::collections::BTreeSet;

use serde::Serialize;

use super::baseline::{Baseline, FindingKey};
use super::Analysis;

/// A score then and now.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Delta {
    pub before: Option<f64>,
    pub now: Option<f64>,
    /// `now − before` when both are known.
    pub change: Option<f64>,
    /// The change between the whole numbers a page shows, so "62 → 70" reads "+8", never
    /// "63 → 63 (+1)".
    pub shown_change: Option<f64>,
}

impl Delta {
    fn new(before: Option<f64>, now: Option<f64>) -> Delta {
        Delta {
            before,
            now,
            change: now.zip(before).map(|(n, b)| n - b),
            shown_change: now.zip(before).map(|(n, b)| n.round() - b.round()),
        }
    }

    /// Moved by at least `min` points (`changes.min_score_delta`): less is noise.
    fn moved(&self, min: f64) -> bool {
        self.change
            .is_some_and(|c| c.abs() >= min.max(f64::MIN_POSITIVE))
    }
}

/// The portfolio then and now: counts, and revenue compared like-for-like (the accounts in
/// both with the figure in both).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PortfolioChange {
    pub accounts: (usize, usize),
    pub key_accounts: (usize, usize),
    /// Σ revenue in the review period, before and now, over the accounts that have it in both.
    pub revenue: super::Change,
    /// The same for the twelve months' revenue.
    pub revenue_ttm: super::Change,
}

/// An account present in both, with something that changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Moved {
    /// Index into [`Analysis::accounts`].
    pub index: usize,
    pub designation_before: String,
    pub designation_changed: bool,
    pub quadrant_before: Option<String>,
    pub quadrant_changed: bool,
    pub attractiveness: Delta,
    pub strength: Delta,
    pub health: Delta,
    /// Revenue in the review period (the quarter) and over twelve months.
    pub revenue: Delta,
    pub revenue_ttm: Delta,
}

/// A finding of the baseline that no longer fires.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Resolved {
    /// `None` for a portfolio finding.
    pub account: Option<String>,
    pub account_name: Option<String>,
    pub rule: String,
}

/// The comparison with a baseline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Changes {
    pub label: String,
    pub period_before: Option<String>,
    pub moved: Vec<Moved>,
    /// Indices of accounts the baseline did not have.
    pub added: Vec<usize>,
    /// (id, name) of the baseline's accounts that are gone.
    pub removed: Vec<(String, String)>,
    /// Indices into [`Analysis::findings`] of findings the baseline did not have.
    pub new_findings: Vec<usize>,
    pub resolved: Vec<Resolved>,
    pub portfolio: PortfolioChange,
    /// The noise threshold applied (`changes.min_score_delta`).
    pub min_score_delta: f64,
    /// Parallel to the accounts: the baseline's (attractiveness, strength) where the account
    /// moved in the matrix, for the arrows.
    pub matrix_from: Vec<Option<(f64, f64)>>,
}

pub fn changes(analysis: &Analysis<'_>, b: &Baseline) -> Changes {
    let min = analysis.config.changes.min_score_delta;
    let mut moved = Vec::new();
    let mut revenue = Vec::new();
    let mut revenue_ttm = Vec::new();
    let mut added = Vec::new();
    let mut matrix_from = vec![None; analysis.accounts.len()];
    for (i, a) in analysis.accounts.iter().enumerate() {
        let Some(before) = b.accounts.get(&a.account.id) else {
            added.push(i);
            continue;
        };
        let quadrant = a.quadrant.map(|q| q.as_str());
        let designation = a.account.front.designation.as_str();
        let m = Moved {
            index: i,
            designation_before: before.designation.clone(),
            designation_changed: before.designation != designation,
            quadrant_before: before.quadrant.clone(),
            quadrant_changed: before.quadrant.as_deref() != quadrant,
            attractiveness: Delta::new(before.attractiveness, a.attractiveness.value),
            strength: Delta::new(before.strength, a.strength.value),
            health: Delta::new(before.health, a.health.value),
            revenue: Delta::new(before.revenue, a.metrics.revenue),
            revenue_ttm: Delta::new(before.revenue_ttm, a.metrics.revenue_ttm),
        };
        if let (Some(x), Some(y)) = (before.revenue, a.metrics.revenue) {
            revenue.push((y, x));
        }
        if let (Some(x), Some(y)) = (before.revenue_ttm, a.metrics.revenue_ttm) {
            revenue_ttm.push((y, x));
        }
        if m.attractiveness.moved(min) || m.strength.moved(min) {
            matrix_from[i] = before.attractiveness.zip(before.strength);
        }
        if m.designation_changed
            || m.quadrant_changed
            || m.attractiveness.moved(min)
            || m.strength.moved(min)
            || m.health.moved(min)
        {
            moved.push(m);
        }
    }
    let current: BTreeSet<&str> = analysis
        .accounts
        .iter()
        .map(|a| a.account.id.as_str())
        .collect();
    let removed: Vec<(String, String)> = b
        .accounts
        .iter()
        .filter(|(id, _)| !current.contains(id.as_str()))
        .map(|(id, a)| (id.clone(), a.name.clone()))
        .collect();
    let now: BTreeSet<FindingKey> = analysis.findings.iter().map(FindingKey::of).collect();
    let new_findings = (0..analysis.findings.len())
        .filter(|&k| !b.has(&analysis.findings[k]))
        .collect();
    let resolved = b
        .findings
        .keys()
        .filter(|k| !now.contains(k))
        .map(|k| Resolved {
            account: (!k.account.is_empty()).then(|| k.account.clone()),
            account_name: b.accounts.get(&k.account).map(|x| x.name.clone()),
            rule: k.rule.clone(),
        })
        .collect();
    let key_before = b
        .accounts
        .values()
        .filter(|a| a.designation == "key")
        .count();
    // Accounts in either: those that arrived or left are left out of the comparison too.
    let total = analysis.accounts.len() + removed.len();
    let portfolio = PortfolioChange {
        accounts: (b.accounts.len(), analysis.accounts.len()),
        key_accounts: (key_before, analysis.portfolio.key_accounts),
        revenue: super::compare::sum_change(&revenue, total, super::Unit::Percent, sum),
        revenue_ttm: super::compare::sum_change(&revenue_ttm, total, super::Unit::Percent, sum),
    };
    Changes {
        label: b.label.clone(),
        portfolio,
        min_score_delta: min,
        period_before: b.period.clone(),
        moved,
        added,
        removed,
        new_findings,
        resolved,
        matrix_from,
    }
}

fn sum(v: &[f64]) -> Option<f64> {
    Some(v.iter().sum())
}
