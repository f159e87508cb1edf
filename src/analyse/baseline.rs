//! What a comparison needs of an earlier state of the portfolio (SPEC §10 `--baseline`, §14
//! reviews): each account's designation, quadrant, scores and revenue, and which findings
//! fired. Built from an analysis (a git revision, a previous review) or read from an export
//! document (`export::Document::baseline`); the comparison itself is [`super::changes`].

use rayon::prelude::*;
use std::collections::BTreeMap;

use crate::model::Severity;

use super::Analysis;

/// An earlier state of the portfolio, reduced to what the changes page and the matrix arrows
/// compare.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    /// How to name it on the site: the revision, or the file name.
    pub label: String,
    pub period: Option<String>,
    pub accounts: BTreeMap<String, Before>,
    /// The commit of a git baseline or review: who changed what since is read from git.
    pub commit: Option<String>,
    /// Every finding, as what makes it the same finding again, and its severity then.
    pub findings: BTreeMap<FindingKey, Severity>,
}

/// What makes two findings the same (SPEC §19): rule, account ("" for the portfolio) and
/// manager. A pull request's new findings are those whose key the baseline lacks; the
/// message (its numbers) may change without the finding being new.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FindingKey {
    pub account: String,
    pub rule: String,
    pub manager: Option<String>,
}

impl FindingKey {
    pub fn of(f: &super::Finding) -> FindingKey {
        FindingKey {
            account: f.account.clone().unwrap_or_default(),
            rule: f.rule.to_string(),
            manager: f.manager.clone(),
        }
    }
}

/// One account as it was.
#[derive(Clone, Debug, Default)]
pub struct Before {
    pub name: String,
    pub designation: String,
    pub quadrant: Option<String>,
    pub attractiveness: Option<f64>,
    pub strength: Option<f64>,
    pub health: Option<f64>,
    pub revenue: Option<f64>,
    pub revenue_ttm: Option<f64>,
    /// Attractiveness, strength and health with their components (SPEC §17).
    pub sides: [super::moves::Side<'static>; 3],
    /// The front matter as it was (from a git revision or a review; not in an export), for
    /// the values that changed. Shared, not copied: between two reviews most files are the
    /// same bytes, parsed once into the same front matter, which needs no comparing.
    pub front: Option<std::sync::Arc<crate::model::FrontMatter>>,
}

impl Baseline {
    /// What a comparison needs of an analysis.
    pub fn from_analysis(analysis: &Analysis<'_>, label: &str) -> Baseline {
        Baseline {
            label: label.to_string(),
            commit: None,
            period: analysis.period.map(|p| p.to_string()),
            accounts: analysis
                .accounts
                .par_iter()
                .map(|a| {
                    let before = Before {
                        name: a.account.front.name.clone(),
                        designation: a.account.front.designation.as_str().to_string(),
                        quadrant: a.quadrant.map(|q| q.as_str().to_string()),
                        attractiveness: a.attractiveness.value,
                        strength: a.strength.value,
                        health: a.health.value,
                        revenue: a.metrics.revenue,
                        revenue_ttm: a.metrics.revenue_ttm,
                        sides: a.sides().map(|s| s.owned()),
                        front: Some(std::sync::Arc::clone(&a.account.front)),
                    };
                    (a.account.id.clone(), before)
                })
                .collect(),
            findings: analysis
                .findings
                .iter()
                .map(|f| (FindingKey::of(f), f.severity))
                .collect(),
        }
    }

    /// Whether the baseline has this finding (at any severity).
    pub fn has(&self, f: &super::Finding) -> bool {
        self.findings.contains_key(&FindingKey::of(f))
    }

    /// Whether `f` is new against the baseline (SPEC §19): the baseline lacks it, or had it
    /// at a lesser severity (a warning that became an error is a new error). `account` is
    /// the id the account had in the baseline (a renamed file keeps its findings).
    pub fn is_new(&self, f: &super::Finding, account: Option<&str>) -> bool {
        let key = FindingKey {
            account: account
                .or(f.account.as_deref())
                .unwrap_or_default()
                .to_string(),
            ..FindingKey::of(f)
        };
        // Severities are declared most serious first.
        self.findings.get(&key).is_none_or(|was| f.severity < *was)
    }
}
