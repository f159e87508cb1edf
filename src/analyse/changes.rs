//! What moved since a baseline (`build --baseline`): accounts whose designation, quadrant or
//! scores changed, accounts that arrived or left, findings that appeared or were resolved, and
//! each account's earlier position in the matrix.

use std::collections::BTreeSet;

use serde::Serialize;

use super::Analysis;
use crate::baseline::Baseline;

/// A score moving by less than this is rounding noise, not a change.
pub const MIN_SCORE_MOVE: f64 = 0.5;

/// A figure then and now.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Delta {
    pub before: Option<f64>,
    pub now: Option<f64>,
    /// `now − before` when both are known.
    pub change: Option<f64>,
}

impl Delta {
    fn new(before: Option<f64>, now: Option<f64>) -> Delta {
        Delta {
            before,
            now,
            change: now.zip(before).map(|(n, b)| n - b),
        }
    }

    fn moved(&self) -> bool {
        self.change.is_some_and(|c| c.abs() >= MIN_SCORE_MOVE)
    }
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
    /// Parallel to the accounts: the baseline's (attractiveness, strength) where the account
    /// moved in the matrix, for the arrows.
    pub matrix_from: Vec<Option<(f64, f64)>>,
}

pub fn changes(analysis: &Analysis<'_>, b: &Baseline) -> Changes {
    let mut moved = Vec::new();
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
            attractiveness: Delta::new(before.scores.attractiveness, a.attractiveness.value),
            strength: Delta::new(before.scores.strength, a.strength.value),
            health: Delta::new(before.scores.health, a.health.value),
            revenue_ttm: Delta::new(before.metrics.revenue_ttm, a.metrics.revenue_ttm),
        };
        if m.attractiveness.moved() || m.strength.moved() {
            matrix_from[i] = before.scores.attractiveness.zip(before.scores.strength);
        }
        if m.designation_changed
            || m.quadrant_changed
            || m.attractiveness.moved()
            || m.strength.moved()
            || m.health.moved()
        {
            moved.push(m);
        }
    }
    let current: BTreeSet<&str> = analysis
        .accounts
        .iter()
        .map(|a| a.account.id.as_str())
        .collect();
    let removed = b
        .accounts
        .iter()
        .filter(|(id, _)| !current.contains(id.as_str()))
        .map(|(id, a)| (id.clone(), a.name.clone()))
        .collect();
    let was: BTreeSet<(&str, &str)> = b
        .findings
        .iter()
        .map(|(a, r)| (a.as_str(), r.as_str()))
        .collect();
    fn key(f: &super::Finding) -> (&str, &str) {
        (f.account.as_deref().unwrap_or(""), f.rule)
    }
    let now: BTreeSet<(&str, &str)> = analysis.findings.iter().map(key).collect();
    let new_findings = (0..analysis.findings.len())
        .filter(|&k| !was.contains(&key(&analysis.findings[k])))
        .collect();
    let resolved = b
        .findings
        .iter()
        .filter(|(a, r)| !now.contains(&(a.as_str(), r.as_str())))
        .map(|(a, r)| Resolved {
            account: (!a.is_empty()).then(|| a.clone()),
            account_name: b.accounts.get(a).map(|x| x.name.clone()),
            rule: r.clone(),
        })
        .collect();
    Changes {
        label: b.label.clone(),
        period_before: b.period.clone(),
        moved,
        added,
        removed,
        new_findings,
        resolved,
        matrix_from,
    }
}
