//! The review pack (SPEC §18): the review as one document for the meeting — on paper, as an
//! attachment, as a PDF. One self-contained HTML file: the stylesheet and every chart inline,
//! no script, nothing fetched, every link a `#fragment` inside the file. Seven parts, in order:
//! cover; overview and headline figures; matrix and concentration; what moved and the
//! objectives off track; the findings that need a decision; a page per key account; every
//! account in one table.

use serde::Serialize;

use super::charts::Chart;
use super::format::{self, DASH};
use super::markdown::Narrative;
use super::pages::{self, Kpi, Shared};
use super::view::Summary;
use crate::analyse::metrics::is_to_do;
use crate::model::{Designation, Severity};

/// The stylesheet of the site, inlined.
const STYLE: &str = include_str!("../../assets/style.css");

#[derive(Serialize)]
pub struct Pack<'a> {
    css: &'static str,
    /// The running header of every printed page: title and period (a CSS string).
    running: String,
    cover: Cover,
    overview: Option<&'a Narrative>,
    kpis: Vec<Kpi>,
    matrix: Chart,
    concentration: Chart,
    moved: Vec<MovedLine>,
    moved_since: Option<String>,
    objectives: Option<super::objectives::PortfolioObjectives>,
    decisions: Vec<RuleGroup>,
    /// The key accounts in the contents.
    contents: Vec<Contents<'a>>,
    /// Each key account's page, rendered (in parallel: at 10,000 accounts they are 2,000).
    key_accounts: Vec<String>,
    appendix: Vec<AppendixRow<'a>>,
}

/// An account's row of the appendix: only what the table shows. At 10,000 accounts the
/// whole [`Summary`] of each, copied into the template's values, was the pack's largest part.
#[derive(Serialize)]
struct AppendixRow<'a> {
    id: &'a str,
    name: &'a str,
    designation: &'static str,
    owner: &'a str,
    quadrant: &'static str,
    attractiveness: &'a str,
    strength: &'a str,
    health: &'a str,
    revenue_ttm: &'a str,
    growth: &'a str,
    findings: usize,
}

impl<'a> From<&'a Summary> for AppendixRow<'a> {
    fn from(s: &'a Summary) -> Self {
        AppendixRow {
            id: &s.id,
            name: &s.name,
            designation: s.designation,
            owner: &s.owner,
            quadrant: s.quadrant,
            attractiveness: &s.attractiveness,
            strength: &s.strength,
            health: &s.health,
            revenue_ttm: &s.revenue_ttm,
            growth: &s.growth,
            findings: s.findings,
        }
    }
}

#[derive(Serialize)]
struct Cover {
    title: String,
    company: Option<String>,
    period: String,
    as_of: String,
    /// "the previous quarter, 2026-Q2" or the baseline's name.
    comparison: String,
    accounts: usize,
    key_accounts: usize,
    currency: String,
}

#[derive(Serialize)]
struct MovedLine {
    account: String,
    href: String,
    head: String,
    why: String,
}

/// The findings of one rule that need a decision.
#[derive(Serialize)]
struct RuleGroup {
    rule: &'static str,
    severity: &'static str,
    why: &'static str,
    findings: Vec<DecisionLine>,
}

#[derive(Serialize)]
struct DecisionLine {
    /// The account's name, or "portfolio".
    subject: String,
    href: Option<String>,
    message: String,
    /// The file the finding is about.
    source: String,
}

#[derive(Serialize)]
struct Contents<'a> {
    id: &'a str,
    name: &'a str,
}

/// A key account's page of the pack.
#[derive(Serialize)]
pub struct KeyPage<'a> {
    id: &'a str,
    page: super::account_page::AccountPage<'a>,
    /// Open and blocked actions, overdue first.
    actions: Vec<ActionLine>,
}

#[derive(Serialize)]
struct ActionLine {
    action: String,
    owner: String,
    due: String,
    overdue: bool,
}

/// Where account `i` is in the pack: its page when it is a key account, else its row of the
/// appendix.
fn anchor(s: &Shared<'_>, i: usize) -> String {
    let a = &s.analysis.accounts[i];
    if a.account.front.designation == Designation::Key {
        format!("#account-{}", a.account.id)
    } else {
        format!("#row-{}", a.account.id)
    }
}

/// The pack's largest score moves shown (the changes page has them all).
const MOVES_SHOWN: usize = 12;

/// The key accounts, in the order of their pages in the pack.
pub fn key_accounts(s: &Shared<'_>) -> Vec<usize> {
    let an = s.analysis;
    (0..an.accounts.len())
        .filter(|&i| an.accounts[i].account.front.designation == Designation::Key)
        .collect()
}

/// Key account `i`'s page of the pack: its account page without the charts and narrative
/// the pack does not show, and its open actions, overdue first.
pub fn key_page<'a>(s: &'a Shared<'a>, i: usize) -> KeyPage<'a> {
    let a = &s.analysis.accounts[i];
    let mut actions: Vec<ActionLine> = a
        .account
        .front
        .actions
        .iter()
        .zip(&a.overdue)
        .filter(|(x, _)| is_to_do(x))
        .map(|(x, overdue)| ActionLine {
            action: x.action.clone(),
            owner: x.owner.clone().unwrap_or_else(|| DASH.into()),
            due: x.due.map_or_else(|| DASH.into(), |d| d.to_string()),
            overdue: *overdue,
        })
        .collect();
    actions.sort_by_key(|x| !x.overdue);
    KeyPage {
        id: &a.account.id,
        page: super::account_page::account_in_pack(s, i),
        actions,
    }
}

/// The pack of the review, with `key_pages`: the HTML of each key account's page, in the
/// order of [`key_accounts`] (or, when the pack is written as it renders, a marker for each).
pub fn pack<'a>(
    s: &'a Shared<'a>,
    overview: Option<&'a Narrative>,
    key_pages: Vec<String>,
) -> Pack<'a> {
    let an = s.analysis;
    let g = &an.portfolio;
    let comparison = match &an.changes {
        Some(c) => c.label.clone(),
        None => an.period.map_or_else(
            || "none (no review period)".to_string(),
            |p| format!("the previous quarter, {}", p.minus(1)),
        ),
    };
    let mut moved: Vec<(f64, MovedLine)> = an
        .accounts
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let m = a.moves.as_ref()?;
            let (_, _, change) = m.largest()?;
            let reason = super::moved::main_reason(m)?;
            Some((
                change.abs(),
                MovedLine {
                    account: a.account.front.name.clone(),
                    href: anchor(s, i),
                    head: reason.head,
                    why: reason.why,
                },
            ))
        })
        .collect();
    moved.sort_by(|x, y| y.0.total_cmp(&x.0));
    moved.truncate(MOVES_SHOWN);
    let moved_since = an.accounts.iter().find_map(|a| {
        a.moves.as_ref().map(|m| match &m.against {
            crate::analyse::moves::Against::Previous(q) => q.clone(),
            crate::analyse::moves::Against::Baseline => an
                .changes
                .as_ref()
                .map_or_else(|| "the baseline".into(), |c| c.label.clone()),
        })
    });
    let mut objectives = super::objectives::portfolio(s);
    if let Some(o) = &mut objectives {
        for (line, i) in o.off_track.iter_mut().zip(off_track_accounts(s)) {
            line.href = anchor(s, i);
        }
    }
    let contents = key_accounts(s)
        .into_iter()
        .map(|i| Contents {
            id: &an.accounts[i].account.id,
            name: &an.accounts[i].account.front.name,
        })
        .collect();
    Pack {
        css: STYLE,
        running: format::css_string(&format!(
            "{} · review period {}",
            s.common.title, s.common.period
        )),
        cover: Cover {
            title: s.common.title.clone(),
            company: s.common.company.clone(),
            period: s.common.period.clone(),
            as_of: s.common.as_of.clone(),
            comparison,
            accounts: g.accounts,
            key_accounts: g.key_accounts,
            currency: s.common.currency.clone(),
        },
        overview,
        kpis: pages::kpis(s),
        matrix: pages::matrix_chart(s, &|i| anchor(s, i)),
        concentration: pages::pareto_chart(s),
        moved: moved.into_iter().map(|(_, m)| m).collect(),
        moved_since,
        objectives,
        decisions: decisions(s),
        contents,
        key_accounts: key_pages,
        appendix: s.summaries.iter().map(AppendixRow::from).collect(),
    }
}

/// The account index of each off-track objective, in the order the dashboard lists them.
fn off_track_accounts(s: &Shared<'_>) -> Vec<usize> {
    s.analysis
        .accounts
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            a.objectives
                .iter()
                .filter(|o| o.measured.as_ref().is_some_and(|m| m.status.is_off_track()))
                .map(move |_| i)
        })
        .collect()
}

/// Errors, then warnings, grouped by rule in registry order.
fn decisions(s: &Shared<'_>) -> Vec<RuleGroup> {
    let an = s.analysis;
    let mut out = Vec::new();
    for severity in [Severity::Error, Severity::Warning] {
        for settings in &an.rules {
            let findings: Vec<DecisionLine> = an
                .findings
                .iter()
                .filter(|f| f.rule == settings.rule.id && f.severity == severity)
                .map(|f| {
                    let index = f.account.as_deref().and_then(|id| an.index_of(id));
                    let message = match (&f.masked, s.fmt.incognito) {
                        (Some(masked), true) => masked.clone(),
                        _ => f.message.clone(),
                    };
                    // The rule's reason is said once, above its findings.
                    let why = format!(" — {}", settings.rule.why);
                    let message = message
                        .strip_suffix(why.as_str())
                        .map_or(message.clone(), str::to_string);
                    DecisionLine {
                        subject: index.map_or_else(
                            || "portfolio".to_string(),
                            |i| an.accounts[i].account.front.name.clone(),
                        ),
                        href: index.map(|i| anchor(s, i)),
                        message,
                        source: index.map_or_else(
                            || "kamsite.yaml".to_string(),
                            |i| an.accounts[i].account.source.clone(),
                        ),
                    }
                })
                .collect();
            if !findings.is_empty() {
                out.push(RuleGroup {
                    rule: settings.rule.id,
                    severity: severity.as_str(),
                    why: settings.rule.why,
                    findings,
                });
            }
        }
    }
    out
}
