//! One function per page kind: analysis in, template context out. All formatting happens
//! here (through `format`), so templates only lay out.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::charts::{self, Chart, Table, BLUE, GREEN, GREY, ORANGE, SKY, VERMILLION};
use super::format::{self, Fmt};
use super::markdown::Narrative;
use super::view::{self, Common, FindingView, Summary};
use crate::analyse::{metrics, rules::RULES, Aggregates, Analysis, Band, Finding};
use crate::model::{ActionStatus, Config, Designation, Quarter};

/// Everything the page builders share, computed once per build.
pub struct Shared<'a> {
    pub analysis: &'a Analysis<'a>,
    pub config: &'a Config,
    pub fmt: Fmt,
    pub common: Common,
    /// Summaries in account-id order, parallel to `analysis.accounts`.
    pub summaries: Vec<Summary>,
    /// Findings per account index (same order), and the portfolio's own.
    pub by_account: Vec<Vec<&'a Finding>>,
    pub portfolio_findings: Vec<&'a Finding>,
    /// Aggregates at P−1 and P−4 for KPI deltas.
    pub previous: Option<Aggregates>,
    pub year_ago: Option<Aggregates>,
    /// The eight quarters up to P shown in time charts.
    pub quarters: Vec<Quarter>,
    /// Account indices by owner, so each manager page reads only its own accounts.
    pub by_owner: BTreeMap<String, Vec<usize>>,
    pub baseline: Option<&'a crate::baseline::Baseline>,
}

pub fn band_colour(b: Option<Band>) -> charts::RGBColor {
    match b {
        Some(Band::Green) => GREEN,
        Some(Band::Amber) => ORANGE,
        Some(Band::Red) => VERMILLION,
        None => GREY,
    }
}

impl<'a> Shared<'a> {
    pub fn finding_views(&self, findings: &[&Finding]) -> Vec<FindingView> {
        findings
            .iter()
            .map(|f| {
                let name = f
                    .account
                    .as_deref()
                    .and_then(|id| self.index_of(id))
                    .map(|i| self.summaries[i].name.as_str());
                view::finding(f, name)
            })
            .collect()
    }

    fn index_of(&self, id: &str) -> Option<usize> {
        self.analysis
            .accounts
            .binary_search_by(|a| a.account.id.as_str().cmp(id))
            .ok()
    }
}

/// How many findings the dashboard lists before pointing to the findings page.
const DASHBOARD_FINDINGS: usize = 40;
/// How many rows a dashboard chart's table lists before pointing to the accounts table.
const DASHBOARD_TABLE_ROWS: usize = 60;

/// Keeps the first `DASHBOARD_TABLE_ROWS` rows and says where the others are.
fn cap(mut rows: Vec<Vec<String>>, width: usize) -> Vec<Vec<String>> {
    if rows.len() > DASHBOARD_TABLE_ROWS {
        let more = rows.len() - DASHBOARD_TABLE_ROWS;
        rows.truncate(DASHBOARD_TABLE_ROWS);
        let mut note = vec![format!(
            "… and {more} more accounts: see the accounts table"
        )];
        note.resize(width, String::new());
        rows.push(note);
    }
    rows
}

fn kpi(label: &str, value: String, prev: Option<String>, year: Option<String>) -> Value {
    json!({ "label": label, "value": value, "vs_prev": prev, "vs_year": year })
}

pub fn dashboard(s: &Shared<'_>, overview: Option<&Narrative>) -> Value {
    let g = &s.analysis.portfolio;
    let (p, y) = (s.previous.as_ref(), s.year_ago.as_ref());
    let money_delta = |f: fn(&Aggregates) -> Option<f64>, other: Option<&Aggregates>| {
        if s.fmt.incognito {
            None
        } else {
            format::delta(f(g), other.and_then(f), true)
        }
    };
    let pt = |f: fn(&Aggregates) -> Option<f64>, other: Option<&Aggregates>| {
        format::delta(f(g), other.and_then(f), false)
    };
    // Money changes are relative (%), rates and scores absolute (points).
    let money = |label: &str, f: fn(&Aggregates) -> Option<f64>| {
        kpi(
            label,
            s.fmt.money(f(g)),
            money_delta(f, p),
            money_delta(f, y),
        )
    };
    let points = |label: &str, shown: String, f: fn(&Aggregates) -> Option<f64>| {
        kpi(label, shown, pt(f, p), pt(f, y))
    };
    let kpis = vec![
        money("Revenue", |a| a.revenue),
        money("Revenue, last 12 months", |a| a.revenue_ttm),
        points(
            "Growth vs a year ago",
            format::signed_pct(g.growth_yoy_pct),
            |a| a.growth_yoy_pct,
        ),
        points("Gross margin", format::pct(g.margin_pct), |a| a.margin_pct),
        money("Profit after cost to serve", |a| a.profit),
        kpi("Key accounts", g.key_accounts.to_string(), None, None),
        points(
            "Key accounts' revenue share",
            format::pct(g.key_revenue_share_pct),
            |a| a.key_revenue_share_pct,
        ),
        points(
            "Top 20 % of accounts hold",
            format::pct(g.top20_share_pct),
            |a| a.top20_share_pct,
        ),
        points("Mean health", format::score(g.health_mean), |a| {
            a.health_mean
        }),
    ];
    // Errors first, then warnings; a large portfolio shows the first ones and links to the rest.
    let mut important: Vec<&Finding> = s
        .analysis
        .findings
        .iter()
        .filter(|f| f.severity != crate::model::Severity::Info)
        .collect();
    important.sort_by_key(|f| f.severity != crate::model::Severity::Error);
    let more = important.len().saturating_sub(DASHBOARD_FINDINGS);
    important.truncate(DASHBOARD_FINDINGS);
    json!({
        "kpis": kpis,
        "charts": [matrix_chart(s), pareto_chart(s), revenue_chart(s)],
        "severities": g.severities,
        "quadrants": quadrant_counts(g),
        "findings": s.finding_views(&important),
        "more_findings": more,
        "more_findings": more,
        "overview": overview,
        "accounts": g.accounts,
        "incognito": s.fmt.incognito,
    })
}

fn quadrant_counts(g: &Aggregates) -> Vec<Value> {
    let advice = |q: &str| match q {
        "strategic" => "invest",
        "star" => "invest selectively to build our position",
        "status" => "maintain efficiently, protect the revenue",
        _ => "manage for cash, cut the cost to serve",
    };
    g.quadrants
        .iter()
        .map(|(q, n)| json!({ "name": q, "count": n, "advice": advice(q) }))
        .collect()
}

/// The matrix draws at most this many bubbles; beyond it a chart is a wall of circles.
const MATRIX_POINTS: usize = 500;

fn matrix_chart(s: &Shared<'_>) -> Chart {
    // Only scored accounts can be placed. Beyond `MATRIX_POINTS`, key accounts come first,
    // then candidates, then the rest, each by revenue: a large portfolio shows what the review
    // is about; every account stays in the accounts table.
    let mut placed: Vec<(&crate::analyse::AccountAnalysis<'_>, f64, f64)> = s
        .analysis
        .accounts
        .iter()
        .filter_map(|a| Some((a, a.attractiveness.value?, a.strength.value?)))
        .collect();
    let scored = placed.len();
    if scored > MATRIX_POINTS {
        let rank = |d: crate::model::Designation| match d {
            crate::model::Designation::Key => 0,
            crate::model::Designation::Candidate => 1,
            crate::model::Designation::Other => 2,
        };
        placed.sort_by(|(x, ..), (y, ..)| {
            rank(x.account.front.designation)
                .cmp(&rank(y.account.front.designation))
                .then(
                    y.metrics
                        .revenue_ttm
                        .unwrap_or(0.0)
                        .total_cmp(&x.metrics.revenue_ttm.unwrap_or(0.0)),
                )
                .then(x.account.id.cmp(&y.account.id))
        });
        placed.truncate(MATRIX_POINTS);
    }
    let mut points = Vec::with_capacity(placed.len());
    let mut rows = Vec::with_capacity(placed.len());
    for (a, att, st) in placed {
        let revenue_ttm = a.metrics.revenue_ttm.unwrap_or(0.0);
        points.push(charts::MatrixPoint {
            label: a.account.front.name.chars().take(22).collect(),
            attractiveness: att,
            strength: st,
            revenue_ttm,
            colour: band_colour(a.band),
            from: s
                .baseline
                .and_then(|b| b.accounts.get(&a.account.id))
                .and_then(|b| Some((b.scores.attractiveness?, b.scores.strength?)))
                .filter(|&(a0, s0)| (a0 - att).abs() >= 0.5 || (s0 - st).abs() >= 0.5),
        });
        let row = vec![
            a.account.front.name.clone(),
            format::score(Some(att)),
            format::score(Some(st)),
            a.quadrant.map_or("", |q| q.as_str()).to_string(),
            s.fmt.money(a.metrics.revenue_ttm),
            a.band.map_or(format::DASH, |b| b.as_str()).to_string(),
        ];
        rows.push((revenue_ttm, row));
    }
    // Largest accounts first (stable, so ties keep account order): a capped table keeps the
    // ones that matter most.
    rows.sort_by(|x, y| y.0.total_cmp(&x.0));
    let sorted_rows: Vec<Vec<String>> = rows.into_iter().map(|(_, row)| row).collect();
    let split = &s.config.scoring.matrix_split;
    let table = Table {
        headers: [
            "Account",
            "Attractiveness",
            "Strength",
            "Quadrant",
            "Revenue, 12 months",
            "Health band",
        ]
        .map(String::from)
        .to_vec(),
        rows: cap(sorted_rows, 6),
    };
    let mut chart = charts::matrix(
        "matrix",
        &points,
        (split.attractiveness, split.strength),
        24,
        table,
    );
    if scored > points.len() {
        chart.description.push_str(&format!(
            " Of {scored} scored accounts, the {} shown are the key accounts, then candidates, then the largest others; the accounts table lists all.",
            points.len()
        ));
    }
    chart
}

fn pareto_chart(s: &Shared<'_>) -> Chart {
    let mut ranked: Vec<(&str, f64)> = s
        .analysis
        .accounts
        .iter()
        .map(|a| {
            (
                a.account.front.name.as_str(),
                a.metrics.revenue_share_pct.unwrap_or(0.0),
            )
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let shares: Vec<f64> = ranked.iter().map(|r| r.1).collect();
    let mut cum = 0.0;
    let rows = ranked
        .iter()
        .enumerate()
        .map(|(i, (name, share))| {
            cum += share;
            vec![
                (i + 1).to_string(),
                name.to_string(),
                format::pct(Some(*share)),
                format::pct(Some(cum)),
            ]
        })
        .collect();
    let table = Table {
        headers: ["Rank", "Account", "Share of revenue", "Cumulative"]
            .map(String::from)
            .to_vec(),
        rows: cap(rows, 4),
    };
    charts::pareto("pareto", &shares, table)
}

fn revenue_chart(s: &Shared<'_>) -> Chart {
    let labels: Vec<String> = s.quarters.iter().map(Quarter::to_string).collect();
    let mut series = Vec::new();
    for (d, colour) in [
        (Designation::Key, BLUE),
        (Designation::Candidate, ORANGE),
        (Designation::Other, SKY),
    ] {
        let values: Vec<Option<f64>> = s
            .quarters
            .iter()
            .map(|&q| {
                let sum: Vec<f64> = s
                    .analysis
                    .accounts
                    .iter()
                    .filter(|a| a.account.front.designation == d)
                    .filter_map(|a| metrics::quarter(a.account, q).and_then(|f| f.revenue))
                    .collect();
                (!sum.is_empty()).then(|| sum.iter().sum())
            })
            .collect();
        series.push((d.as_str().to_string(), colour, values));
    }
    let rows = labels
        .iter()
        .enumerate()
        .map(|(i, q)| {
            std::iter::once(q.clone())
                .chain(series.iter().map(|s2| s.fmt.money(s2.2[i])))
                .collect()
        })
        .collect();
    let table = Table {
        headers: ["Quarter", "Key", "Candidate", "Other"]
            .map(String::from)
            .to_vec(),
        rows,
    };
    let fmt = s.fmt;
    charts::lines("revenue", "Revenue by quarter and designation", "Revenue per quarter summed over key accounts, candidates and other accounts, for the eight quarters up to the review period.", &labels, &series, move |v| fmt.money_short(v), table)
}

pub fn accounts(s: &Shared<'_>) -> Value {
    let options = |f: &dyn Fn(&Summary) -> Vec<String>| -> Vec<String> {
        s.summaries
            .iter()
            .flat_map(f)
            .filter(|v| !v.is_empty() && v != format::DASH)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    json!({
        "rows": s.summaries,
        "filters": [
            { "key": "designation", "label": "Designation", "options": options(&|r| vec![r.designation.to_string()]) },
            { "key": "owner", "label": "Owner", "options": options(&|r| vec![r.owner.clone()]) },
            { "key": "quadrant", "label": "Quadrant", "options": options(&|r| vec![r.quadrant.to_string()]) },
            { "key": "stage", "label": "Stage", "options": options(&|r| vec![r.stage.to_string()]) },
            { "key": "region", "label": "Region", "options": options(&|r| vec![r.region.clone()]) },
            { "key": "tag", "label": "Tag", "options": options(&|r| r.tags.clone()) },
            { "key": "band", "label": "Health", "options": options(&|r| vec![r.band.to_string()]) },
        ],
    })
}

pub fn managers(s: &Shared<'_>) -> Value {
    let rows: Vec<Value> = s.analysis.portfolio.managers.iter().map(|m| json!({
        "name": m.name, "href": format!("managers/{}/index.html", view::manager_slug(&m.name)),
        "key_accounts": m.key_accounts, "accounts": m.accounts, "capacity": m.capacity,
        "over": m.key_accounts as i64 > m.capacity, "load_pct": if m.capacity > 0 { (100 * m.key_accounts as i64 / m.capacity).min(100) } else { 100 },
        "revenue_ttm": s.fmt.money(m.revenue_ttm), "overdue": m.overdue_actions,
    })).collect();
    json!({ "managers": rows })
}

pub fn manager(s: &Shared<'_>, name: &str) -> Value {
    let load = s
        .analysis
        .portfolio
        .managers
        .iter()
        .find(|m| m.name == name);
    let indices: &[usize] = s.by_owner.get(name).map_or(&[], Vec::as_slice);
    let owned: Vec<&Summary> = indices.iter().map(|&i| &s.summaries[i]).collect();
    let overdue: Vec<Value> = indices.iter().map(|&i| &s.analysis.accounts[i])
        .flat_map(|a| a.account.front.actions.iter().filter(|x| matches!(x.status, ActionStatus::Open | ActionStatus::Blocked) && x.due.is_some_and(|d| d < s.analysis.as_of))
            .map(move |x| json!({ "action": x.action, "due": x.due.map(|d| d.to_string()), "account": a.account.front.name, "href": format!("accounts/{}/index.html", a.account.id) })))
        .collect();
    json!({
        "name": name,
        "key_accounts": load.map_or(0, |l| l.key_accounts), "capacity": load.map_or(0, |l| l.capacity),
        "over": load.is_some_and(|l| l.key_accounts as i64 > l.capacity),
        "revenue_ttm": s.fmt.money(load.and_then(|l| l.revenue_ttm)),
        "accounts": owned, "overdue": overdue,
    })
}

pub fn findings(s: &Shared<'_>) -> Value {
    let rules: Vec<Value> = RULES.iter().map(|r| {
        let list: Vec<&Finding> = s.analysis.findings.iter().filter(|f| f.rule == r.id).collect();
        let over = s.config.findings.get(r.id);
        json!({
            "id": r.id, "trigger": r.trigger, "why": r.why,
            "severity": over.and_then(|o| o.severity).map_or(if r.id == "key-account-count" { "warning / error" } else { r.severity.as_str() }, |sv| sv.as_str()),
            "enabled": over.and_then(|o| o.enabled).unwrap_or(true),
            "thresholds": r.thresholds.iter().map(|(k, v)| json!({ "name": k, "value": crate::numfmt::short(over.and_then(|o| o.thresholds.get(*k).copied()).unwrap_or(*v)) })).collect::<Vec<_>>(),
            "findings": s.finding_views(&list),
        })
    }).collect();
    json!({ "rules": rules, "severities": s.analysis.portfolio.severities })
}

pub fn actions(s: &Shared<'_>) -> Value {
    let mut rows: Vec<(String, String, Value)> = Vec::new();
    for a in &s.analysis.accounts {
        for x in a
            .account
            .front
            .actions
            .iter()
            .filter(|x| matches!(x.status, ActionStatus::Open | ActionStatus::Blocked))
        {
            let due = x.due.map(|d| d.to_string()).unwrap_or_default();
            let owner = x.owner.clone().unwrap_or_default();
            rows.push((due.clone(), owner.clone(), json!({
                "action": x.action, "owner": owner, "due": due, "status": x.status.as_str(),
                "overdue": x.due.is_some_and(|d| d < s.analysis.as_of), "account": a.account.front.name, "href": format!("accounts/{}/index.html", a.account.id),
            })));
        }
    }
    // By due date (undated last), then owner; the sort is stable, so account order breaks ties.
    rows.sort_by(|x, y| (x.0.is_empty(), &x.0, &x.1).cmp(&(y.0.is_empty(), &y.0, &y.1)));
    json!({ "actions": rows.into_iter().map(|r| r.2).collect::<Vec<_>>() })
}

pub fn whitespace(s: &Shared<'_>) -> Value {
    let rows: Vec<Value> = s.analysis.accounts.iter().enumerate().map(|(i, a)| json!({
        "a": s.summaries[i],
        "cells": s.config.offerings.iter().map(|o| a.account.front.whitespace.get(o).map_or("unknown", |c| c.as_str())).collect::<Vec<_>>(),
    })).collect();
    json!({ "offerings": s.config.offerings, "rows": rows })
}

/// `62 → 70 (+8)`, or `—` when either side is unknown.
fn moved(before: Option<f64>, now: Option<f64>, show: impl Fn(Option<f64>) -> String) -> String {
    match (before, now) {
        (Some(b), Some(n)) => format!("{} → {} ({:+.0})", show(Some(b)), show(Some(n)), n - b),
        _ => format!("{} → {}", show(before), show(now)),
    }
}

/// What changed since the baseline: accounts that moved, arrived or left, findings that
/// appeared or were resolved.
pub fn changes(s: &Shared<'_>) -> Value {
    let Some(b) = s.baseline else {
        return Value::Null;
    };
    let mut moved_rows = Vec::new();
    let mut added = Vec::new();
    for (i, a) in s.analysis.accounts.iter().enumerate() {
        let Some(before) = b.accounts.get(&a.account.id) else {
            added.push(&s.summaries[i]);
            continue;
        };
        let quadrant = a.quadrant.map(|q| q.as_str().to_string());
        let delta = |x: Option<f64>, y: Option<f64>| x.zip(y).map_or(0.0, |(x, y)| (x - y).abs());
        let changed = quadrant != before.quadrant
            || before.designation != a.account.front.designation.as_str()
            || delta(before.scores.attractiveness, a.attractiveness.value) >= 0.5
            || delta(before.scores.strength, a.strength.value) >= 0.5
            || delta(before.scores.health, a.health.value) >= 0.5;
        if changed {
            moved_rows.push(json!({
                "a": s.summaries[i],
                "designation": format!("{} → {}", before.designation, a.account.front.designation),
                "quadrant": format!("{} → {}", before.quadrant.as_deref().unwrap_or(format::DASH), quadrant.as_deref().unwrap_or(format::DASH)),
                "quadrant_changed": quadrant != before.quadrant,
                "attractiveness": moved(before.scores.attractiveness, a.attractiveness.value, format::score),
                "strength": moved(before.scores.strength, a.strength.value, format::score),
                "health": moved(before.scores.health, a.health.value, format::score),
                "revenue_ttm": format!("{} → {}", s.fmt.money(before.metrics.revenue_ttm), s.fmt.money(a.metrics.revenue_ttm)),
            }));
        }
    }
    let current: BTreeSet<&str> = s
        .analysis
        .accounts
        .iter()
        .map(|a| a.account.id.as_str())
        .collect();
    let removed: Vec<Value> = b
        .accounts
        .iter()
        .filter(|(id, _)| !current.contains(id.as_str()))
        .map(|(id, a)| json!({ "id": id, "name": a.name }))
        .collect();
    let was: BTreeSet<(&str, &str)> = b
        .findings
        .iter()
        .map(|(a, r)| (a.as_str(), r.as_str()))
        .collect();
    fn key(f: &Finding) -> (&str, &'static str) {
        (f.account.as_deref().unwrap_or(""), f.rule)
    }
    let now: BTreeSet<(&str, &str)> = s.analysis.findings.iter().map(key).collect();
    let new_findings: Vec<&Finding> = s
        .analysis
        .findings
        .iter()
        .filter(|f| !was.contains(&key(f)))
        .collect();
    let resolved: Vec<Value> = b
        .findings
        .iter()
        .filter(|(a, r)| !now.contains(&(a.as_str(), r.as_str())))
        .map(|(a, r)| {
            let name = b.accounts.get(a).map_or("portfolio", |x| x.name.as_str());
            json!({ "account": name, "rule": r, "rule_href": format!("findings/index.html#rule-{r}") })
        })
        .collect();
    json!({
        "label": b.label,
        "period_before": b.period.as_deref().unwrap_or(format::DASH),
        "moved": moved_rows,
        "added": added,
        "removed": removed,
        "new_findings": s.finding_views(&new_findings),
        "resolved": resolved,
    })
}
