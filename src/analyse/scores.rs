//! Scores 0–100 (SPEC §6): attractiveness, strength, the key account matrix quadrant and health.
//!
//! Every score keeps its explanation — each input, its weight and its 0–100 component — so the
//! site can show how it was computed and a reader can redo the sum by hand.

use indexmap::IndexMap;
use serde::Serialize;

use super::metrics::Metrics;
use crate::model::{Account, HealthWeights, MatrixSplit, RetentionRisk, Stage, Weights};

/// One term of a weighted mean.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Component<'a> {
    /// Borrowed from the configuration's criteria (no allocation per account).
    pub name: &'a str,
    /// What the file (or a metric) said, before mapping to 0–100.
    pub input: Option<f64>,
    /// For inputs that are words (retention risk, stage).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_text: Option<&'static str>,
    pub weight: f64,
    /// 0–100; `None` when the input is missing (the component is left out).
    pub score: Option<f64>,
    /// The input's unit ("%", "/10", or none).
    #[serde(skip)]
    pub unit: &'static str,
    /// How the input maps to 0–100, in words, so a reader can redo it.
    #[serde(skip)]
    pub mapping: &'static str,
}

/// A score and how it was made.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Score<'a> {
    pub value: Option<f64>,
    pub components: Vec<Component<'a>>,
}

impl<'a> Score<'a> {
    /// Coverage (SPEC §6): the share of the positive weights whose component has an input,
    /// 0–100; 0 when no component has a positive weight.
    pub fn coverage_pct(&self) -> f64 {
        let (present, all) =
            self.components
                .iter()
                .filter(|c| c.weight > 0.0)
                .fold((0.0, 0.0), |(p, a), c| {
                    (
                        p + if c.score.is_some() { c.weight } else { 0.0 },
                        a + c.weight,
                    )
                });
        if all > 0.0 {
            100.0 * present / all
        } else {
            0.0
        }
    }

    /// The components that count (positive weight) but have no input: what makes a score
    /// partial, named wherever a partial score is shown.
    pub fn missing(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.components
            .iter()
            .filter(|c| c.weight > 0.0 && c.score.is_none())
            .map(|c| c.name)
    }

    /// A score computed from fewer than all of its weighted components.
    pub fn is_partial(&self) -> bool {
        self.value.is_some() && self.missing().next().is_some()
    }

    /// The weighted mean of the components that have a score and a positive weight.
    fn from_components(components: Vec<Component<'a>>) -> Score<'a> {
        let (sum, weights) = components
            .iter()
            .filter(|c| c.weight > 0.0)
            .filter_map(|c| c.score.map(|s| (s * c.weight, c.weight)))
            .fold((0.0, 0.0), |(s, w), (cs, cw)| (s + cs, w + cw));
        Score {
            value: (weights > 0.0).then(|| sum / weights),
            components,
        }
    }
}

/// Attractiveness or strength: `100 · Σ wᵢ·(xᵢ − 1)/4 / Σ wᵢ` over the criteria present.
pub fn criteria_score<'a>(values: &IndexMap<String, f64>, weights: &'a Weights) -> Score<'a> {
    let components = weights
        .iter()
        .map(|(name, &weight)| {
            // A linear scan beats hashing for the handful of criteria an account has.
            let input = values.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
            Component {
                name,
                input,
                input_text: None,
                weight,
                score: input.map(|x| 100.0 * (x - 1.0) / 4.0),
                unit: "",
                mapping: "rating 1 → 0, 5 → 100",
            }
        })
        .collect();
    Score::from_components(components)
}

/// The McDonald & Woodburn key account matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// Attractive, and we are strong: invest.
    Strategic,
    /// Attractive, but we are weak: invest selectively to build our position.
    Star,
    /// Less attractive, we are strong: maintain efficiently, protect the revenue.
    Status,
    /// Less attractive, we are weak: manage for cash, cut the cost to serve.
    Streamline,
}

impl Quadrant {
    pub const ALL: [Quadrant; 4] = [
        Quadrant::Strategic,
        Quadrant::Star,
        Quadrant::Status,
        Quadrant::Streamline,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Quadrant::Strategic => "strategic",
            Quadrant::Star => "star",
            Quadrant::Status => "status",
            Quadrant::Streamline => "streamline",
        }
    }

    /// What the key account matrix advises for the quadrant.
    pub fn advice(self) -> &'static str {
        match self {
            Quadrant::Strategic => "invest",
            Quadrant::Star => "invest selectively to build our position",
            Quadrant::Status => "maintain efficiently, protect the revenue",
            Quadrant::Streamline => "manage for cash, cut the cost to serve",
        }
    }

    /// A score equal to the split counts as high.
    pub fn of(a: Option<f64>, s: Option<f64>, split: &MatrixSplit) -> Option<Quadrant> {
        let (a_high, s_high) = (a? >= split.attractiveness, s? >= split.strength);
        Some(match (a_high, s_high) {
            (true, true) => Quadrant::Strategic,
            (true, false) => Quadrant::Star,
            (false, true) => Quadrant::Status,
            (false, false) => Quadrant::Streamline,
        })
    }
}

/// Red / amber / green.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Red,
    Amber,
    Green,
}

impl Band {
    /// red < 50 ≤ amber < 75 ≤ green.
    pub fn of(health: f64) -> Band {
        if health < 50.0 {
            Band::Red
        } else if health < 75.0 {
            Band::Amber
        } else {
            Band::Green
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Band::Red => "red",
            Band::Amber => "amber",
            Band::Green => "green",
        }
    }
}

/// Maps `x` clamped to [lo, hi] linearly onto 0–100.
fn scale(x: f64, lo: f64, hi: f64) -> f64 {
    100.0 * (x.clamp(lo, hi) - lo) / (hi - lo)
}

pub fn stage_score(stage: Stage) -> f64 {
    match stage {
        Stage::Exploratory => 20.0,
        Stage::Basic => 40.0,
        Stage::Cooperative => 60.0,
        Stage::Interdependent => 80.0,
        Stage::Integrated => 100.0,
        Stage::Disintegrating => 0.0,
    }
}

fn risk_score(risk: RetentionRisk) -> f64 {
    match risk {
        RetentionRisk::Low => 100.0,
        RetentionRisk::Medium => 50.0,
        RetentionRisk::High => 0.0,
    }
}

/// Health: weighted mean of the seven components present; `None` when their coverage is below
/// `min_coverage_pct` (SPEC §6 v1.1), so two inputs out of seven never pass for a health score.
pub fn health(
    account: &Account,
    m: &Metrics,
    weights: &HealthWeights,
    min_coverage_pct: f64,
) -> Score<'static> {
    let h = &account.front.health;
    let stage = account.front.relationship.stage;
    let number = |name: &'static str,
                  input: Option<f64>,
                  f: &dyn Fn(f64) -> f64,
                  unit: &'static str,
                  mapping: &'static str| Component {
        name,
        input,
        input_text: None,
        weight: 0.0,
        score: input.map(f),
        unit,
        mapping,
    };
    let mut components = vec![
        number("growth", m.growth_yoy_pct, &|g| scale(g, -20.0, 20.0), "%", "−20 % → 0, +20 % → 100"),
        number("profitability", m.profit_pct, &|p| scale(p, -10.0, 30.0), "%", "−10 % → 0, 30 % → 100"),
        number("share_of_wallet", m.share_of_wallet_pct, &|s| s.clamp(0.0, 100.0), "%", "0 % → 0, 100 % → 100"),
        number("satisfaction", h.satisfaction, &|s| 10.0 * s, "/10", "CSAT × 10"),
        number("nps", h.nps, &|n| (n + 100.0) / 2.0, "", "−100 → 0, +100 → 100"),
        Component {
            name: "retention",
            input: None,
            input_text: h.retention_risk.map(|r| r.as_str()),
            weight: 0.0,
            score: h.retention_risk.map(risk_score),
            unit: "",
            mapping: "low 100, medium 50, high 0",
        },
        Component {
            name: "relationship",
            input: None,
            input_text: stage.map(|s| s.as_str()),
            weight: 0.0,
            score: stage.map(stage_score),
            unit: "",
            mapping: "exploratory 20, basic 40, cooperative 60, interdependent 80, integrated 100, disintegrating 0",
        },
    ];
    for (c, (_, w)) in components.iter_mut().zip(weights.pairs()) {
        c.weight = w;
    }
    let mut score = Score::from_components(components);
    if score.coverage_pct() < min_coverage_pct {
        score.value = None;
    }
    score
}
