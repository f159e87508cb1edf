//! The portfolio's list pages — accounts, managers, findings, actions, whitespace, changes — as
//! typed views. Lists get light summaries shared by reference, never whole accounts.

use std::collections::BTreeSet;

use serde::Serialize;

use super::format::{self, DASH};
use super::pages::Shared;
use super::view::{self, FindingView, Summary};
use crate::analyse::changes::Delta;
use crate::analyse::{metrics, ManagerLoad};
use crate::model::Severity;

#[derive(Serialize)]
pub struct Accounts<'a> {
    rows: &'a [Summary],
    filters: Vec<Filter>,
}

#[derive(Serialize)]
struct Filter {
    key: &'static str,
    label: &'static str,
    options: Vec<String>,
}

pub fn accounts<'a>(s: &'a Shared<'a>) -> Accounts<'a> {
    let filter = |key, label, values: &dyn Fn(&Summary) -> Vec<String>| Filter {
        key,
        label,
        options: s
            .summaries
            .iter()
            .flat_map(values)
            .filter(|v| !v.is_empty() && v != DASH)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    Accounts {
        rows: &s.summaries,
        filters: vec![
            filter("designation", "Designation", &|r| {
                vec![r.designation.to_string()]
            }),
            filter("owner", "Owner", &|r| vec![r.owner.clone()]),
            filter("quadrant", "Quadrant", &|r| vec![r.quadrant.to_string()]),
            filter("stage", "Stage", &|r| vec![r.stage.to_string()]),
            filter("region", "Region", &|r| vec![r.region.clone()]),
            filter("tag", "Tag", &|r| r.tags.clone()),
            filter("band", "Health", &|r| vec![r.band.to_string()]),
        ],
    }
}

#[derive(Serialize)]
pub struct Managers {
    managers: Vec<ManagerRow>,
}

#[derive(Serialize)]
struct ManagerRow {
    name: String,
    href: String,
    key_accounts: usize,
    accounts: usize,
    capacity: i64,
    over: bool,
    load_pct: i64,
    revenue_ttm: String,
    overdue: u32,
}

pub fn managers(s: &Shared<'_>) -> Managers {
    Managers {
        managers: s
            .analysis
            .portfolio
            .managers
            .iter()
            .map(|m| ManagerRow {
                name: m.name.clone(),
                href: format!("managers/{}/index.html", view::manager_slug(&m.name)),
                key_accounts: m.key_accounts,
                accounts: m.accounts,
                capacity: m.capacity,
                over: m.over_capacity(),
                load_pct: m.load_pct(),
                revenue_ttm: s.fmt.money(m.revenue_ttm),
                overdue: m.overdue_actions,
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub struct Manager<'a> {
    name: &'a str,
    key_accounts: usize,
    capacity: i64,
    over: bool,
    revenue_ttm: String,
    accounts: Vec<&'a Summary>,
    overdue: Vec<ActionRow<'a>>,
}

/// An action in a list (manager pages, the actions page).
#[derive(Serialize)]
struct ActionRow<'a> {
    action: &'a str,
    owner: &'a str,
    due: String,
    status: &'static str,
    overdue: bool,
    account: &'a str,
    href: &'a str,
}

/// Every action of the accounts at `indices` that passes `keep`, with its overdue flag.
fn action_rows<'a>(
    s: &'a Shared<'a>,
    indices: impl Iterator<Item = usize>,
    keep: impl Fn(&crate::model::Action, bool) -> bool,
) -> Vec<ActionRow<'a>> {
    let mut rows = Vec::new();
    for i in indices {
        let a = &s.analysis.accounts[i];
        for (x, &overdue) in a.account.front.actions.iter().zip(&a.overdue) {
            if keep(x, overdue) {
                rows.push(ActionRow {
                    action: &x.action,
                    owner: x.owner.as_deref().unwrap_or(""),
                    due: x.due.map(|d| d.to_string()).unwrap_or_default(),
                    status: x.status.as_str(),
                    overdue,
                    account: &s.summaries[i].name,
                    href: &s.summaries[i].href,
                });
            }
        }
    }
    rows
}

pub fn manager<'a>(s: &'a Shared<'a>, m: &'a ManagerLoad) -> Manager<'a> {
    Manager {
        name: &m.name,
        key_accounts: m.key_accounts,
        capacity: m.capacity,
        over: m.over_capacity(),
        revenue_ttm: s.fmt.money(m.revenue_ttm),
        accounts: m.account_indices.iter().map(|&i| &s.summaries[i]).collect(),
        overdue: action_rows(s, m.account_indices.iter().copied(), |_, overdue| overdue),
    }
}

#[derive(Serialize)]
pub struct Findings {
    rules: Vec<RuleView>,
    severities: Vec<super::view::SeverityCount>,
}

#[derive(Serialize)]
struct RuleView {
    id: &'static str,
    /// HTML: the trigger's words, escaped, with `names` as code.
    trigger: String,
    why: &'static str,
    severity: &'static str,
    enabled: bool,
    thresholds: Vec<Threshold>,
    findings: Vec<FindingView>,
}

#[derive(Serialize)]
struct Threshold {
    name: &'static str,
    value: String,
}

pub fn findings(s: &Shared<'_>) -> Findings {
    let an = s.analysis;
    let mut rules: Vec<(usize, RuleView)> = an
        .rules
        .iter()
        .map(|r| {
            let found: Vec<&crate::analyse::Finding> =
                an.findings.iter().filter(|f| f.rule == r.rule.id).collect();
            // Rules with errors first, then warnings, then info, then the quiet ones.
            let worst = found
                .iter()
                .map(|f| match f.severity {
                    Severity::Error => 0,
                    Severity::Warning => 1,
                    Severity::Info => 2,
                })
                .min()
                .unwrap_or(3);
            let view = RuleView {
                id: r.rule.id,
                trigger: view::code_html(r.rule.trigger),
                why: r.rule.why,
                severity: r.severity_label(),
                enabled: r.enabled,
                thresholds: r
                    .thresholds
                    .iter()
                    .map(|&(name, v)| Threshold {
                        name,
                        value: crate::numfmt::short(v),
                    })
                    .collect(),
                findings: s.finding_views(found),
            };
            (worst, view)
        })
        .collect();
    // Stable: within a severity, rules keep the registry's order.
    rules.sort_by_key(|(worst, _)| *worst);
    Findings {
        rules: rules.into_iter().map(|(_, v)| v).collect(),
        severities: super::view::severity_counts(&an.portfolio.severities),
    }
}

#[derive(Serialize)]
pub struct Actions<'a> {
    actions: Vec<ActionRow<'a>>,
}

pub fn actions<'a>(s: &'a Shared<'a>) -> Actions<'a> {
    let mut rows = action_rows(s, 0..s.analysis.accounts.len(), |x, _| metrics::is_to_do(x));
    // By due date (undated last), then owner; the sort is stable, so account order breaks ties.
    rows.sort_by(|x, y| {
        (x.due.is_empty(), &x.due, x.owner).cmp(&(y.due.is_empty(), &y.due, y.owner))
    });
    Actions { actions: rows }
}

#[derive(Serialize)]
pub struct Whitespace<'a> {
    offerings: &'a [String],
    rows: Vec<WhitespaceRow<'a>>,
}

#[derive(Serialize)]
struct WhitespaceRow<'a> {
    a: &'a Summary,
    cells: Vec<&'static str>,
}

pub fn whitespace<'a>(s: &'a Shared<'a>) -> Whitespace<'a> {
    let offerings = &s.analysis.config.offerings;
    Whitespace {
        offerings,
        rows: s
            .analysis
            .accounts
            .iter()
            .zip(&s.summaries)
            .map(|(a, summary)| WhitespaceRow {
                a: summary,
                cells: offerings
                    .iter()
                    .map(|o| {
                        a.account
                            .front
                            .whitespace
                            .get(o)
                            .map_or("unknown", |c| c.as_str())
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub struct ChangesPage<'a> {
    label: &'a str,
    period_before: &'a str,
    /// "5 points": what counts as a change.
    threshold: String,
    portfolio: Vec<PortfolioRow>,
    moved: Vec<MovedRow<'a>>,
    added: Vec<&'a Summary>,
    removed: Vec<Removed<'a>>,
    new_findings: Vec<FindingView>,
    resolved: Vec<ResolvedRow<'a>>,
}

#[derive(Serialize)]
struct MovedRow<'a> {
    a: &'a Summary,
    designation: String,
    designation_changed: bool,
    quadrant: String,
    quadrant_changed: bool,
    attractiveness: String,
    strength: String,
    health: String,
    revenue: String,
    revenue_ttm: String,
    /// The largest score move and its main reason ("Health −25", "profitability 100 → 50
    /// −25"), SPEC §17.
    largest: Option<super::moved::Reason>,
    #[serde(skip)]
    size: f64,
}

/// One portfolio figure then and now.
#[derive(Serialize)]
struct PortfolioRow {
    label: &'static str,
    before: String,
    now: String,
    change: String,
    note: Option<String>,
}

#[derive(Serialize)]
struct Removed<'a> {
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct ResolvedRow<'a> {
    account: &'a str,
    rule: &'a str,
    rule_href: String,
}

/// `62 → 70 (+8)`, or `— → 70` when a side is unknown.
fn moved(d: &Delta) -> String {
    match d.shown_change {
        Some(c) => format!(
            "{} → {} ({c:+.0})",
            format::score(d.before),
            format::score(d.now)
        ),
        None => format!("{} → {}", format::score(d.before), format::score(d.now)),
    }
}

/// What changed since the baseline; `None` without one.
pub fn changes<'a>(s: &'a Shared<'a>) -> Option<ChangesPage<'a>> {
    let c = s.analysis.changes.as_ref()?;
    let p = &c.portfolio;
    let count = |label, (before, now): (usize, usize)| PortfolioRow {
        label,
        before: before.to_string(),
        now: now.to_string(),
        change: format!("{:+}", now as i64 - before as i64),
        note: None,
    };
    let money = |label, ch: &crate::analyse::Change| PortfolioRow {
        label,
        before: s.fmt.money(ch.before),
        now: s.fmt.money(ch.now),
        change: if s.fmt.incognito {
            DASH.into()
        } else {
            format::change(ch.change, ch.unit).unwrap_or_else(|| DASH.into())
        },
        note: Some(format!(
            "like-for-like over the {} accounts with it in both{}",
            ch.compared,
            if ch.left_out > 0 {
                format!("; {} left out", ch.left_out)
            } else {
                String::new()
            }
        )),
    };
    Some(ChangesPage {
        label: &c.label,
        period_before: c.period_before.as_deref().unwrap_or(DASH),
        threshold: format!("{} points", crate::numfmt::short(c.min_score_delta)),
        portfolio: vec![
            count("Accounts", p.accounts),
            count("Key accounts", p.key_accounts),
            money("Revenue in the review period", &p.revenue),
            money("Revenue, last 12 months", &p.revenue_ttm),
        ],
        moved: {
            let mut rows: Vec<MovedRow<'_>> = c
                .moved
                .iter()
                .map(|m| {
                    let a = &s.summaries[m.index];
                    let moves = s.analysis.accounts[m.index].moves.as_ref();
                    MovedRow {
                        largest: moves.and_then(super::moved::main_reason),
                        size: moves
                            .and_then(|x| x.largest())
                            .map_or(0.0, |(_, _, change)| change.abs()),
                        a,
                        designation: format!("{} → {}", m.designation_before, a.designation),
                        designation_changed: m.designation_changed,
                        quadrant: format!(
                            "{} → {}",
                            m.quadrant_before.as_deref().unwrap_or(DASH),
                            a.quadrant
                        ),
                        quadrant_changed: m.quadrant_changed,
                        attractiveness: moved(&m.attractiveness),
                        strength: moved(&m.strength),
                        health: moved(&m.health),
                        revenue: format!(
                            "{} → {}",
                            s.fmt.money(m.revenue.before),
                            s.fmt.money(m.revenue.now)
                        ),
                        revenue_ttm: format!(
                            "{} → {}",
                            s.fmt.money(m.revenue_ttm.before),
                            s.fmt.money(m.revenue_ttm.now)
                        ),
                    }
                })
                .collect();
            // Ranked by the size of the largest score move (SPEC §17); ties keep id order.
            rows.sort_by(|x, y| y.size.total_cmp(&x.size));
            rows
        },
        added: c.added.iter().map(|&i| &s.summaries[i]).collect(),
        removed: c
            .removed
            .iter()
            .map(|(id, name)| Removed { id, name })
            .collect(),
        new_findings: s.finding_views(c.new_findings.iter().map(|&k| &s.analysis.findings[k])),
        resolved: c
            .resolved
            .iter()
            .map(|r| ResolvedRow {
                account: r.account_name.as_deref().unwrap_or("portfolio"),
                rule: &r.rule,
                rule_href: format!("findings/index.html#rule-{}", r.rule),
            })
            .collect(),
    })
}
