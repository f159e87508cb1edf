//! What moved, and why (SPEC §17): each score's change against the comparison point,
//! decomposed exactly into its components.
//!
//! A score T is the weighted mean of the components present, T = Σ wᵢ·sᵢ / W over the present
//! components I (W = Σ wᵢ over I). Component i's contribution is (wᵢ·sᵢ/W)_now − (wᵢ·sᵢ/W)_then,
//! a side where i is absent counting 0 — each side with its own weights and coverage — so the
//! contributions sum to T_now − T_then exactly, even when a component appears or disappears.

use std::borrow::Cow;

use serde::Serialize;

use super::scores::Score;

/// A score on one side of a comparison: its value and its present components (name, 0–100
/// score, weight), in the configuration's order.
/// Names are borrowed from the configuration (or are the health components' own), so a
/// portfolio's thousands of sides allocate no strings; a baseline read back owns its names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Side<'a> {
    pub value: Option<f64>,
    pub components: Vec<(Cow<'a, str>, f64, f64)>,
}

impl<'a> Side<'a> {
    /// The side of a computed score: components with a score and a positive weight.
    pub fn of(score: &Score<'a>) -> Side<'a> {
        Side {
            value: score.value,
            components: score
                .components
                .iter()
                .filter(|c| c.weight > 0.0)
                .filter_map(|c| c.score.map(|s| (Cow::Borrowed(c.name), s, c.weight)))
                .collect(),
        }
    }

    /// The same side owning its names (to outlive the configuration it came from).
    pub fn owned(&self) -> Side<'static> {
        Side {
            value: self.value,
            components: self
                .components
                .iter()
                .map(|(n, s, w)| (Cow::Owned(n.to_string()), *s, *w))
                .collect(),
        }
    }

    /// wᵢ·sᵢ / W of `name` (0 when absent).
    fn share(&self, name: &str) -> f64 {
        let total: f64 = self.components.iter().map(|c| c.2).sum();
        match self.components.iter().find(|c| c.0 == name) {
            Some((_, s, w)) if total > 0.0 => w * s / total,
            _ => 0.0,
        }
    }

    fn score(&self, name: &str) -> Option<f64> {
        self.components.iter().find(|c| c.0 == name).map(|c| c.1)
    }
}

/// One component's move.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComponentMove<'a> {
    pub name: Cow<'a, str>,
    pub then: Option<f64>,
    pub now: Option<f64>,
    /// Its share of T_now − T_then.
    pub contribution: f64,
}

/// A score's move: its value on each side, and its components' contributions (none when
/// either side has no score).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ScoreMove<'a> {
    pub then: Option<f64>,
    pub now: Option<f64>,
    pub components: Vec<ComponentMove<'a>>,
    /// Components present on one side only: the score's inputs changed (a missing quarter, a
    /// survey answered), which moves every other component's share too.
    #[serde(skip)]
    pub appeared: Vec<Cow<'a, str>>,
    #[serde(skip)]
    pub dropped: Vec<Cow<'a, str>>,
}

impl<'a> ScoreMove<'a> {
    /// T_now − T_then, when both are known.
    pub fn change(&self) -> Option<f64> {
        Some(self.now? - self.then?)
    }

    /// The components by the size of their contribution, largest first — those pulling in
    /// the direction of the move before those against it, so the first is a reason for the
    /// move, never one against it (ties by name, so the order depends on nothing else).
    pub fn largest(&self) -> Vec<&ComponentMove<'a>> {
        let direction = self.change().unwrap_or(0.0).signum();
        let mut c: Vec<&ComponentMove<'a>> = self.components.iter().collect();
        c.sort_by(|a, b| {
            let with = |x: &ComponentMove<'_>| x.contribution * direction > 0.0;
            with(b)
                .cmp(&with(a))
                .then(b.contribution.abs().total_cmp(&a.contribution.abs()))
                .then_with(|| a.name.cmp(&b.name))
        });
        c
    }

    /// Whether the score's inputs differ between the sides.
    pub fn inputs_changed(&self) -> bool {
        !self.appeared.is_empty() || !self.dropped.is_empty()
    }
}

/// The exact decomposition of `now` − `then`.
pub fn decompose<'a>(then: &Side<'_>, now: &Side<'a>) -> ScoreMove<'a> {
    if then.value.is_none() || now.value.is_none() {
        return ScoreMove {
            then: then.value,
            now: now.value,
            ..ScoreMove::default()
        };
    }
    let mut names: Vec<Cow<'a, str>> = now.components.iter().map(|c| c.0.clone()).collect();
    for c in &then.components {
        if !names.contains(&c.0) {
            names.push(Cow::Owned(c.0.to_string()));
        }
    }
    let appeared = now
        .components
        .iter()
        .filter(|c| then.score(&c.0).is_none())
        .map(|c| c.0.clone())
        .collect();
    let dropped = then
        .components
        .iter()
        .filter(|c| now.score(&c.0).is_none())
        .map(|c| Cow::Owned(c.0.to_string()))
        .collect();
    let components = names
        .into_iter()
        .map(|name| ComponentMove {
            then: then.score(&name),
            now: now.score(&name),
            contribution: now.share(&name) - then.share(&name),
            name,
        })
        .collect();
    ScoreMove {
        then: then.value,
        now: now.value,
        components,
        appeared,
        dropped,
    }
}

/// What an account's moves are measured against.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Against {
    /// P−1 within the same portfolio, named by its quarter.
    Previous(String),
    /// The baseline (`--baseline`, or the previous review).
    Baseline,
}

/// An account's three score moves.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Moves<'a> {
    pub against: Against,
    /// Revenue of the quarter at the comparison point (its own P there).
    #[serde(skip)]
    pub revenue_then: Option<f64>,
    /// 100 · (revenue now / revenue then − 1).
    #[serde(skip)]
    pub revenue_change_pct: Option<f64>,
    /// Designation and quadrant in the baseline (P−1 has the account's own).
    #[serde(skip)]
    pub designation_then: Option<String>,
    #[serde(skip)]
    pub quadrant_then: Option<Option<String>>,
    /// Attractiveness, strength, health.
    pub attractiveness: ScoreMove<'a>,
    pub strength: ScoreMove<'a>,
    pub health: ScoreMove<'a>,
}

impl<'a> Moves<'a> {
    pub fn scores(&self) -> [(&'static str, &ScoreMove<'a>); 3] {
        [
            ("attractiveness", &self.attractiveness),
            ("strength", &self.strength),
            ("health", &self.health),
        ]
    }

    /// The score that moved most (by the size of its change), if any moved.
    pub fn largest(&self) -> Option<(&'static str, &ScoreMove<'a>, f64)> {
        self.scores()
            .into_iter()
            .filter_map(|(n, m)| m.change().map(|c| (n, m, c)))
            .filter(|(_, _, c)| *c != 0.0)
            .max_by(|a, b| a.2.abs().total_cmp(&b.2.abs()))
    }
}

/// The moves between two sets of sides (attractiveness, strength, health).
pub fn moves<'a>(against: Against, then: [&Side<'_>; 3], now: [&Side<'a>; 3]) -> Moves<'a> {
    Moves {
        against,
        revenue_then: None,
        revenue_change_pct: None,
        designation_then: None,
        quadrant_then: None,
        attractiveness: decompose(then[0], now[0]),
        strength: decompose(then[1], now[1]),
        health: decompose(then[2], now[2]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(value: Option<f64>, c: &[(&'static str, f64, f64)]) -> Side<'static> {
        Side {
            value,
            components: c
                .iter()
                .map(|(n, s, w)| (Cow::Borrowed(*n), *s, *w))
                .collect(),
        }
    }

    /// Health then: growth 50 (w 1), satisfaction 80 (w 1): T = 65. Now: growth 30 (w 1),
    /// satisfaction 80 (w 1), nps 60 (w 2): W = 4, T = (30 + 80 + 120) / 4 = 57.5.
    /// growth: 30/4 − 50/2 = 7.5 − 25 = −17.5; satisfaction: 80/4 − 80/2 = 20 − 40 = −20;
    /// nps: 120/4 − 0 = 30. Sum −7.5 = 57.5 − 65.
    #[test]
    fn contributions_sum_exactly_to_the_change_when_coverage_changes() {
        let then = side(
            Some(65.0),
            &[("growth", 50.0, 1.0), ("satisfaction", 80.0, 1.0)],
        );
        let now = side(
            Some(57.5),
            &[
                ("growth", 30.0, 1.0),
                ("satisfaction", 80.0, 1.0),
                ("nps", 60.0, 2.0),
            ],
        );
        let m = decompose(&then, &now);
        let by_name = |n: &str| {
            m.components
                .iter()
                .find(|c| c.name == n)
                .unwrap()
                .contribution
        };
        assert_eq!(by_name("growth"), -17.5);
        assert_eq!(by_name("satisfaction"), -20.0);
        assert_eq!(by_name("nps"), 30.0);
        let sum: f64 = m.components.iter().map(|c| c.contribution).sum();
        assert_eq!(sum, -7.5);
        assert_eq!(m.change(), Some(-7.5));
        // The health fell: the first reason given pulls down, though nps's +30 is larger.
        assert_eq!(m.largest()[0].name, "satisfaction");
        assert_eq!(m.appeared, ["nps"]);
        assert!(m.dropped.is_empty());
    }

    #[test]
    fn a_score_missing_on_one_side_has_no_components() {
        let m = decompose(
            &side(None, &[]),
            &side(Some(40.0), &[("growth", 40.0, 1.0)]),
        );
        assert_eq!((m.then, m.now), (None, Some(40.0)));
        assert!(m.components.is_empty());
        assert_eq!(m.change(), None);
    }
}
