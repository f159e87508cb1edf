//! `kamsite.yaml` (SPEC §2). Every key has a default, so a portfolio without the file works.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{Date, Quarter, Severity};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub title: String,
    pub company: Option<String>,
    pub currency: String,
    pub period: Option<Quarter>,
    pub as_of: Option<Date>,
    pub base_url: String,
    pub allow_raw_html: bool,
    pub repo_url: Option<String>,
    pub fiscal_year_start: i64,
    pub managers: Vec<Manager>,
    pub offerings: Vec<String>,
    pub scoring: Scoring,
    pub guidelines: Guidelines,
    /// Rule id → overrides. Rule ids and threshold names are checked against the rule registry.
    pub findings: BTreeMap<String, RuleOverride>,
    /// CSV exports merged into the accounts (SPEC §13).
    pub sources: super::Sources,
    /// What the changes page counts as a change.
    pub changes: ChangesConfig,
    /// How measured objectives are judged (SPEC §16).
    pub objectives: ObjectivesConfig,
}

/// `objectives:` — how far behind the time elapsed an objective may be and still be on track.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ObjectivesConfig {
    /// Points of progress an objective may trail the share of its time elapsed.
    pub tolerance_pts: f64,
}

impl Default for ObjectivesConfig {
    fn default() -> Self {
        ObjectivesConfig {
            tolerance_pts: 10.0,
        }
    }
}

/// `changes:` — the changes page's noise threshold.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChangesConfig {
    /// A score moving by less than this (points, 0–100) is noise, not a change.
    pub min_score_delta: f64,
}

impl Default for ChangesConfig {
    fn default() -> Self {
        ChangesConfig {
            min_score_delta: 5.0,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Key Account Review".into(),
            company: None,
            currency: "EUR".into(),
            period: None,
            as_of: None,
            base_url: String::new(),
            allow_raw_html: false,
            repo_url: None,
            fiscal_year_start: 1,
            managers: Vec::new(),
            offerings: Vec::new(),
            scoring: Scoring::default(),
            guidelines: Guidelines::default(),
            findings: BTreeMap::new(),
            changes: ChangesConfig::default(),
            objectives: ObjectivesConfig::default(),
            sources: super::Sources::default(),
        }
    }
}

impl Config {
    /// How many key accounts `manager` can carry: their own capacity, else the guideline.
    pub fn capacity_of(&self, manager: &str) -> i64 {
        self.managers
            .iter()
            .find(|m| m.name == manager)
            .and_then(|m| m.capacity)
            .unwrap_or(self.guidelines.manager_capacity)
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manager {
    pub name: String,
    pub capacity: Option<i64>,
}

/// Criterion weights, in the order written (the order criteria are shown in).
pub type Weights = IndexMap<String, f64>;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scoring {
    /// Setting this map replaces the whole default set of criteria.
    pub attractiveness: Weights,
    /// Setting this map replaces the whole default set of criteria.
    pub strength: Weights,
    /// Overrides only the components it names.
    pub health: HealthWeights,
    pub matrix_split: MatrixSplit,
    /// Below this share (0–100) of the health weights having inputs, health is not scored.
    pub health_min_coverage_pct: f64,
}

fn weights(pairs: &[(&str, f64)]) -> Weights {
    pairs.iter().map(|(k, w)| (k.to_string(), *w)).collect()
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            attractiveness: weights(&[
                ("profitability", 2.0),
                ("revenue_potential", 3.0),
                ("strategic_value", 2.0),
                ("geographic_fit", 1.0),
                ("size", 1.0),
                ("growth", 2.0),
                ("willingness_to_pay", 1.0),
                ("relationship_investment", 1.0),
                ("category_spend", 1.0),
            ]),
            strength: weights(&[
                ("offer_fit", 2.0),
                ("service", 1.0),
                ("price", 1.0),
                ("relationship", 2.0),
                ("reliability", 1.0),
                ("innovation", 1.0),
            ]),
            health: HealthWeights::default(),
            matrix_split: MatrixSplit::default(),
            health_min_coverage_pct: 50.0,
        }
    }
}

/// Weights of the seven health components; each defaults to 1.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct HealthWeights {
    pub growth: f64,
    pub profitability: f64,
    pub share_of_wallet: f64,
    pub satisfaction: f64,
    pub nps: f64,
    pub retention: f64,
    pub relationship: f64,
}

impl Default for HealthWeights {
    fn default() -> Self {
        HealthWeights {
            growth: 1.0,
            profitability: 1.0,
            share_of_wallet: 1.0,
            satisfaction: 1.0,
            nps: 1.0,
            retention: 1.0,
            relationship: 1.0,
        }
    }
}

impl HealthWeights {
    /// (component name, weight) in display order.
    pub fn pairs(&self) -> [(&'static str, f64); 7] {
        [
            ("growth", self.growth),
            ("profitability", self.profitability),
            ("share_of_wallet", self.share_of_wallet),
            ("satisfaction", self.satisfaction),
            ("nps", self.nps),
            ("retention", self.retention),
            ("relationship", self.relationship),
        ]
    }
}

/// Scores at or above the split count as high in the key account matrix.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct MatrixSplit {
    pub attractiveness: f64,
    pub strength: f64,
}

impl Default for MatrixSplit {
    fn default() -> Self {
        MatrixSplit {
            attractiveness: 50.0,
            strength: 50.0,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Guidelines {
    pub key_accounts: KeyAccountGuideline,
    pub manager_capacity: i64,
}

impl Default for Guidelines {
    fn default() -> Self {
        Guidelines {
            key_accounts: KeyAccountGuideline::default(),
            manager_capacity: 5,
        }
    }
}

/// How many key accounts a portfolio should have (seed 001: 15–35, outer limits 5–50).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeyAccountGuideline {
    pub min: i64,
    pub max: i64,
    pub hard_min: i64,
    pub hard_max: i64,
}

impl Default for KeyAccountGuideline {
    fn default() -> Self {
        KeyAccountGuideline {
            min: 15,
            max: 35,
            hard_min: 5,
            hard_max: 50,
        }
    }
}

/// A finding rule as kamsite.yaml may name it under `findings:`: its id and its thresholds
/// (name, default). The rules themselves belong to the analysis; validation is handed this
/// catalogue, so it checks rule ids and threshold names without knowing what the rules do.
#[derive(Clone, Copy, Debug)]
pub struct RuleName {
    pub id: &'static str,
    pub thresholds: &'static [(&'static str, f64)],
}

/// Per-rule settings under `findings:`. Thresholds are rule-specific numbers, checked against
/// the rule registry by validation (so a misspelt threshold is an error, not ignored).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct RuleOverride {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
    #[serde(flatten)]
    pub thresholds: BTreeMap<String, f64>,
}
