//! The dashboard: analysis in, typed template context out. Everything here is formatting and
//! layout; every number comes from the [`Analysis`].

use serde::Serialize;

use super::charts::{self, Chart, Table, BLUE, GREEN, GREY, ORANGE, SKY, VERMILLION};
use super::format::{self, Fmt};
use super::markdown::Narrative;
use super::view::{self, Common, FindingView, Summary};
use crate::analyse::{
    AccountAnalysis, Analysis, Band, Change, Comparison, Finding, Quadrant, Unit,
};
use crate::model::{Designation, Quarter, Severity};

/// Everything the page builders share, computed once per build.
pub struct Shared<'a> {
    pub analysis: &'a Analysis<'a>,
    pub fmt: Fmt,
    pub common: Common,
    /// Summaries in account-id order, parallel to `analysis.accounts`.
    pub summaries: Vec<Summary>,
    /// Findings per account index (same order), and the portfolio's own.
    pub by_account: Vec<Vec<&'a Finding>>,
    pub portfolio_findings: Vec<&'a Finding>,
}

pub fn band_colour(b: Option<Band>) -> charts::RGBColor {
    match b {
        Some(Band::Green) => GREEN,
        Some(Band::Amber) => ORANGE,
        Some(Band::Red) => VERMILLION,
        None => GREY,
    }
}

impl Shared<'_> {
    pub fn finding_views<'f>(
        &self,
        findings: impl IntoIterator<Item = &'f Finding>,
    ) -> Vec<FindingView> {
        findings
            .into_iter()
            .map(|f| {
                let name = f
                    .account
                    .as_deref()
                    .and_then(|id| self.analysis.index_of(id))
                    .map(|i| self.summaries[i].name.as_str());
                view::finding(f, name, self.fmt.incognito)
            })
            .collect()
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

#[derive(Serialize)]
pub struct Dashboard<'a> {
    kpis: Vec<Kpi>,
    matrix: Chart,
    concentration: Chart,
    revenue_by_quarter: Chart,
    severities: Vec<super::view::SeverityCount>,
    quadrants: Vec<QuadrantCount>,
    findings: Vec<FindingView>,
    more_findings: usize,
    overview: Option<&'a Narrative>,
    accounts: usize,
    incognito: bool,
    /// How many accounts have a partial health score (the matrix legend says so).
    partial_health: usize,
    /// Accounts the matrix cannot place, named beside it with the reason.
    unplaced: Vec<Unplaced<'a>>,
    /// Measured objectives by status, and the off-track ones (SPEC §16); `None` when no plan
    /// has a measured objective.
    objectives: Option<super::objectives::PortfolioObjectives>,
}

#[derive(Serialize)]
struct Unplaced<'a> {
    name: &'a str,
    href: &'a str,
    why: &'static str,
}

#[derive(Serialize)]
pub(super) struct Kpi {
    label: &'static str,
    value: String,
    vs_prev: Option<KpiChange>,
    vs_year: Option<KpiChange>,
}

/// One like-for-like change on a KPI card.
#[derive(Serialize)]
struct KpiChange {
    /// `+2.2 %`, `−1.0 pt`.
    text: String,
    /// "19 of 20 accounts" when some accounts lacked the inputs in one of the periods.
    coverage: Option<String>,
}

#[derive(Serialize)]
struct QuadrantCount {
    name: &'static str,
    count: usize,
    advice: &'static str,
}

/// A change as a card shows it; relative changes of money are hidden when amounts are masked.
fn kpi_change(c: Option<&Change>, fmt: Fmt) -> Option<KpiChange> {
    let c = c?;
    if fmt.incognito && c.unit == Unit::Percent {
        return None;
    }
    Some(KpiChange {
        text: format::change(c.change, c.unit)?,
        coverage: (c.left_out > 0)
            .then(|| format!("{} of {} accounts", c.compared, c.compared + c.left_out)),
    })
}

/// The headline figures, each with its like-for-like changes.
pub(super) fn kpis(s: &Shared<'_>) -> Vec<Kpi> {
    let an = s.analysis;
    let g = &an.portfolio;
    let (p, y) = (an.vs_previous.as_ref(), an.vs_year_ago.as_ref());
    let card = |label, value, pick: fn(&Comparison) -> &Change| Kpi {
        label,
        value,
        vs_prev: kpi_change(p.map(pick), s.fmt),
        vs_year: kpi_change(y.map(pick), s.fmt),
    };
    let plain = |label, value| Kpi {
        label,
        value,
        vs_prev: None,
        vs_year: None,
    };
    let kpis = vec![
        card("Revenue", s.fmt.money(g.revenue), |c| &c.revenue),
        card("Revenue, last 12 months", s.fmt.money(g.revenue_ttm), |c| {
            &c.revenue_ttm
        }),
        plain(
            "Growth vs previous quarter",
            format::signed_pct(g.growth_qoq_pct),
        ),
        plain("Growth vs a year ago", format::signed_pct(g.growth_yoy_pct)),
        card("Gross margin", format::pct(g.margin_pct), |c| &c.margin_pct),
        card("Profit after cost to serve", s.fmt.money(g.profit), |c| {
            &c.profit
        }),
        plain("Key accounts", g.key_accounts.to_string()),
        card(
            "Key accounts' revenue share",
            format::pct(g.key_revenue_share_pct),
            |c| &c.key_revenue_share_pct,
        ),
        card(
            "Top 20 % of accounts hold",
            format::pct(g.top20_share_pct),
            |c| &c.top20_share_pct,
        ),
        card("Mean health", format::score(g.health_mean), |c| {
            &c.health_mean
        }),
    ];
    kpis
}

pub fn dashboard<'a>(s: &'a Shared<'a>, overview: Option<&'a Narrative>) -> Dashboard<'a> {
    let an = s.analysis;
    let g = &an.portfolio;
    let kpis = kpis(s);
    // Errors first, then warnings; a large portfolio shows the first ones and links to the rest.
    let mut important: Vec<&Finding> = an
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    important.sort_by_key(|f| f.severity != Severity::Error);
    let more_findings = important.len().saturating_sub(DASHBOARD_FINDINGS);
    important.truncate(DASHBOARD_FINDINGS);
    Dashboard {
        kpis,
        matrix: matrix_chart(s, &|i| s.summaries[i].href.clone()),
        concentration: pareto_chart(s),
        revenue_by_quarter: revenue_chart(s),
        severities: super::view::severity_counts(&g.severities),
        quadrants: Quadrant::ALL
            .iter()
            .map(|q| QuadrantCount {
                name: q.as_str(),
                count: g.quadrants[q.as_str()],
                advice: q.advice(),
            })
            .collect(),
        findings: s.finding_views(important),
        more_findings,
        overview,
        accounts: g.accounts,
        incognito: s.fmt.incognito,
        partial_health: an.accounts.iter().filter(|a| a.health.is_partial()).count(),
        unplaced: an
            .accounts
            .iter()
            .zip(&s.summaries)
            .filter_map(|(a, summary)| {
                let why = match (a.attractiveness.value, a.strength.value) {
                    (Some(_), Some(_)) => return None,
                    (None, None) => "no attractiveness or strength criteria",
                    (None, _) => "no attractiveness criteria",
                    (_, None) => "no strength criteria",
                };
                Some(Unplaced {
                    name: &summary.name,
                    href: &summary.href,
                    why,
                })
            })
            .collect(),
        objectives: super::objectives::portfolio(s),
    }
}

/// The largest accounts, by trailing revenue, whose names the matrix always shows.
const ALWAYS_LABELLED: usize = 5;

/// The matrix draws at most this many bubbles; beyond it a chart is a wall of circles.
const MATRIX_POINTS: usize = 500;

/// The key account matrix; `href` is where account `i`'s bubble links (its page on the site,
/// its page of the pack).
pub(super) fn matrix_chart(s: &Shared<'_>, href: &dyn Fn(usize) -> String) -> Chart {
    let an = s.analysis;
    // Only scored accounts can be placed. Beyond `MATRIX_POINTS`, key accounts come first,
    // then candidates, then the rest, each by revenue: a large portfolio shows what the review
    // is about; every account stays in the accounts table.
    let mut placed: Vec<(usize, &AccountAnalysis<'_>, f64, f64)> = an
        .accounts
        .iter()
        .enumerate()
        .filter_map(|(i, a)| Some((i, a, a.attractiveness.value?, a.strength.value?)))
        .collect();
    let scored = placed.len();
    if scored > MATRIX_POINTS {
        let rank = |d: Designation| match d {
            Designation::Key => 0,
            Designation::Candidate => 1,
            Designation::Other => 2,
        };
        placed.sort_by(|(_, x, ..), (_, y, ..)| {
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
    for (i, a, att, st) in placed {
        let revenue_ttm = a.metrics.revenue_ttm.unwrap_or(0.0);
        let summary = &s.summaries[i];
        let health = match &summary.health_note {
            Some(note) => format!("health {} ({}, {note})", summary.health, summary.band),
            None if summary.band == "none" => "no health score".to_string(),
            None => format!("health {} ({})", summary.health, summary.band),
        };
        points.push(charts::MatrixPoint {
            label: a.account.front.name.clone(),
            href: href(i),
            title: format!(
                "{} — attractiveness {}, strength {}, {health}, revenue (12 months) {}",
                a.account.front.name,
                summary.attractiveness,
                summary.strength,
                s.fmt.money(a.metrics.revenue_ttm)
            ),
            attractiveness: att,
            strength: st,
            revenue_ttm,
            colour: band_colour(a.band),
            partial: a.health.is_partial(),
            from: an.changes.as_ref().and_then(|c| c.matrix_from[i]),
        });
        let health = match &summary.health_note {
            Some(note) => format!("{} ({note})", summary.band),
            None => summary.band.replace("none", format::DASH),
        };
        let row = vec![
            a.account.front.name.clone(),
            format::score(Some(att)),
            format::score(Some(st)),
            summary.quadrant.to_string(),
            s.fmt.money(a.metrics.revenue_ttm),
            health,
        ];
        rows.push((revenue_ttm, row));
    }
    // Largest accounts first (stable, so ties keep account order): a capped table keeps the
    // ones that matter most.
    rows.sort_by(|x, y| y.0.total_cmp(&x.0));
    let sorted_rows: Vec<Vec<String>> = rows.into_iter().map(|(_, row)| row).collect();
    let split = &an.config.scoring.matrix_split;
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
        (24, ALWAYS_LABELLED),
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

pub(super) fn pareto_chart(s: &Shared<'_>) -> Chart {
    let ranked = &s.analysis.concentration;
    let shares: Vec<f64> = ranked.iter().map(|r| r.share_pct).collect();
    let rows = ranked
        .iter()
        .enumerate()
        .map(|(k, r)| {
            vec![
                (k + 1).to_string(),
                s.summaries[r.index].name.clone(),
                format::pct(Some(r.share_pct)),
                format::pct(Some(r.cumulative_pct)),
            ]
        })
        .collect();
    let table = Table {
        headers: ["Rank", "Account", "Share of revenue", "Cumulative"]
            .map(String::from)
            .to_vec(),
        rows: cap(rows, 4),
    };
    charts::pareto(
        "pareto",
        &shares,
        s.analysis.portfolio.top20_share_pct,
        table,
    )
}

fn revenue_chart(s: &Shared<'_>) -> Chart {
    let an = s.analysis;
    let labels: Vec<String> = an.quarters.iter().map(Quarter::to_string).collect();
    let series: Vec<(String, charts::RGBColor, Vec<Option<f64>>)> =
        [Designation::Key, Designation::Candidate, Designation::Other]
            .into_iter()
            .zip([BLUE, ORANGE, SKY])
            .enumerate()
            .map(|(g, (d, colour))| {
                (
                    d.as_str().to_string(),
                    colour,
                    an.revenue_by_designation.iter().map(|q| q[g]).collect(),
                )
            })
            .collect();
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
    // A sum over fewer accounts is not a decline: say so when some lack the review period.
    let missing = an.portfolio.accounts_without_period_data;
    let description = format!(
        "Revenue per quarter summed over key accounts, candidates and other accounts, for the eight quarters up to the review period; each quarter sums the accounts that reported it.{}",
        match (missing, an.period) {
            (0, _) | (_, None) => String::new(),
            (1, Some(p)) => format!(" One account has no figures for {p}, so {p}'s sums leave it out."),
            (n, Some(p)) => format!(" {n} accounts have no figures for {p}, so {p}'s sums leave them out."),
        }
    );
    charts::lines(
        "revenue",
        "Revenue by quarter and designation",
        &description,
        &labels,
        &series,
        move |v| fmt.money_short(v),
        table,
    )
}
