//! "What moved since …" (SPEC §17), in words: each score's change with its largest
//! contributions, revenue, designation and quadrant — and, with git, who changed what. The
//! analysis decomposed every move; here it is only said.

use serde::Serialize;

use super::format::DASH;
use super::pages::Shared;
use crate::analyse::moves::{Against, ComponentMove, Moves, ScoreMove};
use crate::analyse::AccountAnalysis;
use crate::numfmt::short;

/// What moved for one account.
#[derive(Clone, Debug, Serialize)]
pub struct MovedView {
    /// "2026-Q2", or the baseline's name.
    pub since: String,
    pub lines: Vec<String>,
    /// With git: "0123456789 · Dana Whitfield · 2026-08-10 · Service slipped".
    pub commits: Vec<String>,
    pub uncommitted: bool,
    /// "strength.service: 4 → 2".
    pub values: Vec<String>,
    /// "3 values changed".
    pub values_summary: String,
}

/// Keys whose values are money (masked with `--incognito`).
const MONEY: [&str; 7] = [
    "revenue",
    "gross_margin",
    "cost_to_serve",
    "category_spend",
    "value",
    "investment",
    "target",
];

/// A change with its sign: `+3.5`, `−25`, `±0`.
pub fn signed(v: f64) -> String {
    if v.abs() < 0.05 {
        "±0".into()
    } else if v < 0.0 {
        format!("−{}", short(v.abs()))
    } else {
        format!("+{}", short(v))
    }
}

fn score(v: Option<f64>) -> String {
    v.map_or_else(|| DASH.into(), |v| crate::numfmt::fixed(v, 0))
}

/// "Health 90 → 65 (−25): profitability 100 → 50 −25; satisfaction …": the two largest
/// contributions. `None` when the score did not move.
pub fn score_line(name: &str, m: &ScoreMove<'_>) -> Option<String> {
    match m.change() {
        None if m.then.is_none() && m.now.is_none() => None,
        None => Some(format!(
            "{name} {} → {} (scored on one side only)",
            score(m.then),
            score(m.now)
        )),
        Some(c) if c.abs() < 0.05 => None,
        Some(c) => {
            let reasons: Vec<String> = m
                .largest()
                .into_iter()
                .filter(|x| x.contribution.abs() >= 0.05)
                .take(2)
                .map(component_line)
                .collect();
            Some(format!(
                "{name} {} → {} ({}){}: {}",
                score(m.then),
                score(m.now),
                signed(c),
                inputs_note(m),
                reasons.join("; ")
            ))
        }
    }
}

/// "profitability 100 → 50 −25": a component, its change and its share of the score's move.
fn component_line(x: &ComponentMove<'_>) -> String {
    format!(
        "{} {} → {} {}",
        x.name.replace('_', " "),
        score(x.then),
        score(x.now),
        signed(x.contribution)
    )
}

/// An account's largest score move and its main reason, for the changes page.
#[derive(Clone, Debug, Serialize)]
pub struct Reason {
    /// "Health −25".
    pub head: String,
    /// "profitability 100 → 50 −25".
    pub why: String,
}

/// ", its inputs changed (without profitability now; nps new)": a move that is partly the
/// score's inputs changing, not its components moving.
fn inputs_note(m: &ScoreMove<'_>) -> String {
    if !m.inputs_changed() {
        return String::new();
    }
    let names = |v: &[std::borrow::Cow<'_, str>]| {
        v.iter()
            .map(|n| n.replace('_', " "))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if !m.dropped.is_empty() {
        parts.push(format!("without {} now", names(&m.dropped)));
    }
    if !m.appeared.is_empty() {
        parts.push(format!("{} new", names(&m.appeared)));
    }
    format!(", its inputs changed ({})", parts.join("; "))
}

/// The largest score move of an account in a few words.
pub fn main_reason(m: &Moves<'_>) -> Option<Reason> {
    let (name, s, c) = m.largest()?;
    let reason = s
        .largest()
        .first()
        .map(|x| component_line(x))
        .unwrap_or_default();
    let head = format!("{} {}", capitalised(name), signed(c));
    Some(Reason {
        head: if s.inputs_changed() {
            format!("{head} (inputs changed)")
        } else {
            head
        },
        why: reason,
    })
}

fn capitalised(name: &str) -> String {
    let mut c = name.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// What moved for account `a`, when it has a comparison point.
pub fn view(s: &Shared<'_>, a: &AccountAnalysis<'_>) -> Option<MovedView> {
    let m = a.moves.as_ref()?;
    let since = match &m.against {
        Against::Previous(q) => q.clone(),
        Against::Baseline => s
            .analysis
            .changes
            .as_ref()
            .map_or_else(|| "the baseline".into(), |c| c.label.clone()),
    };
    let mut lines: Vec<String> = m
        .scores()
        .into_iter()
        .filter_map(|(n, sm)| score_line(&capitalised(n), sm))
        .collect();
    let (then, now) = (m.revenue_then, a.metrics.revenue);
    if then != now {
        let growth = m
            .revenue_change_pct
            .map(|g| format!(" ({} %)", signed(g)))
            .unwrap_or_default();
        lines.push(format!(
            "Revenue {} → {}{growth}",
            s.fmt.money(then),
            s.fmt.money(now)
        ));
    }
    let designation = a.account.front.designation.as_str();
    if let Some(d) = m.designation_then.as_deref().filter(|d| *d != designation) {
        lines.push(format!("Designation {d} → {designation}"));
    }
    let quadrant = a.quadrant.map(|q| q.as_str().to_string());
    if let Some(q) = m.quadrant_then.as_ref().filter(|q| **q != quadrant) {
        lines.push(format!(
            "Quadrant {} → {}",
            q.as_deref().unwrap_or(DASH),
            quadrant.as_deref().unwrap_or(DASH)
        ));
    }
    let (commits, uncommitted) = a.history.as_ref().map_or((Vec::new(), false), |h| {
        (
            h.commits
                .iter()
                .map(|c| format!("{} · {} · {} · {}", c.short, c.author, c.date, c.subject))
                .collect(),
            h.uncommitted,
        )
    });
    let values: Vec<String> = a
        .changed_values
        .iter()
        .map(|v| {
            let money = MONEY.iter().any(|k| v.path.ends_with(k));
            let shown = |x: &str| {
                if money && s.fmt.incognito && x != DASH {
                    super::format::MASK.to_string()
                } else {
                    x.to_string()
                }
            };
            format!("{}: {} → {}", v.path, shown(&v.then), shown(&v.now))
        })
        .collect();
    let values_summary = crate::numfmt::count(values.len(), "value") + " changed";
    Some(MovedView {
        since,
        lines,
        commits,
        uncommitted,
        values,
        values_summary,
    })
}
