//! The v1.2 parts of an account's row (SPEC §11): its scores' components, its objectives
//! (§16) and what moved (§17) — written by `export`, read back by `--baseline FILE`.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::Scores;
use crate::analyse::moves::{Against, Moves, ScoreMove, Side};
use crate::analyse::objectives::ObjectiveProgress;
use crate::analyse::AccountAnalysis;

/// A component's 0–100 score and weight.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ComponentScore {
    pub score: f64,
    pub weight: f64,
}

/// Each score's present components, by name.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Components {
    pub attractiveness: IndexMap<String, ComponentScore>,
    pub strength: IndexMap<String, ComponentScore>,
    pub health: IndexMap<String, ComponentScore>,
}

fn map(side: &Side<'_>) -> IndexMap<String, ComponentScore> {
    side.components
        .iter()
        .map(|(n, s, w)| {
            (
                n.to_string(),
                ComponentScore {
                    score: *s,
                    weight: *w,
                },
            )
        })
        .collect()
}

fn side(value: Option<f64>, m: &IndexMap<String, ComponentScore>) -> Side<'static> {
    Side {
        value,
        components: m
            .iter()
            .map(|(n, c)| (std::borrow::Cow::Owned(n.clone()), c.score, c.weight))
            .collect(),
    }
}

impl Components {
    pub fn of(a: &AccountAnalysis<'_>) -> Components {
        let [att, st, h] = a.sides();
        Components {
            attractiveness: map(&att),
            strength: map(&st),
            health: map(&h),
        }
    }

    /// The scores as sides of a comparison (a `--baseline FILE`).
    pub fn sides(&self, scores: &Scores) -> [Side<'static>; 3] {
        [
            side(scores.attractiveness, &self.attractiveness),
            side(scores.strength, &self.strength),
            side(scores.health, &self.health),
        ]
    }
}

/// An objective: `{ "name" }` for text, every §16 key for a measured one.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ObjectiveRow {
    Measured(MeasuredRow),
    Text { name: String },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MeasuredRow {
    pub name: String,
    pub measure: String,
    pub from: String,
    pub by: String,
    pub target: f64,
    pub start: Option<f64>,
    pub actual: Option<f64>,
    pub progress_pct: Option<f64>,
    pub elapsed_pct: f64,
    pub status: String,
}

impl ObjectiveRow {
    pub fn of(o: &ObjectiveProgress) -> ObjectiveRow {
        match &o.measured {
            None => ObjectiveRow::Text {
                name: o.name.clone(),
            },
            Some(p) => ObjectiveRow::Measured(MeasuredRow {
                name: o.name.clone(),
                measure: p.measure.as_str().to_string(),
                from: p.from.to_string(),
                by: p.by.to_string(),
                target: p.target,
                start: p.start,
                actual: p.actual,
                progress_pct: p.progress_pct,
                elapsed_pct: p.elapsed_pct,
                status: p.status.as_str().to_string(),
            }),
        }
    }
}

/// A component's move.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ComponentMoveRow {
    pub then: Option<f64>,
    pub now: Option<f64>,
    pub contribution: f64,
}

/// A score's move.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ScoreMoveRow {
    pub then: Option<f64>,
    pub now: Option<f64>,
    pub components: IndexMap<String, ComponentMoveRow>,
}

/// `{ "against": "2026-Q2" | "baseline", "scores": { "health": {…}, … } }`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MovesRow {
    pub against: String,
    pub scores: IndexMap<String, ScoreMoveRow>,
}

fn score_row(m: &ScoreMove<'_>) -> ScoreMoveRow {
    ScoreMoveRow {
        then: m.then,
        now: m.now,
        components: m
            .components
            .iter()
            .map(|c| {
                (
                    c.name.to_string(),
                    ComponentMoveRow {
                        then: c.then,
                        now: c.now,
                        contribution: c.contribution,
                    },
                )
            })
            .collect(),
    }
}

impl MovesRow {
    pub fn of(m: &Moves<'_>) -> MovesRow {
        MovesRow {
            against: match &m.against {
                Against::Previous(q) => q.clone(),
                Against::Baseline => "baseline".into(),
            },
            scores: m
                .scores()
                .into_iter()
                .map(|(n, s)| (n.to_string(), score_row(s)))
                .collect(),
        }
    }
}
