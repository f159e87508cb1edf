//! The account page's view: typed and mostly borrowed, serialised straight into the template
//! context. This is the page rendered once per account, so it avoids building an intermediate
//! `serde_json::Value` tree (that tree, its conversion and its drop were a fifth of a build).

use serde::Serialize;

use super::charts::{self, Chart, NumbersAt, Table, BLUE, GREEN, PURPLE, VERMILLION};
use super::format::{self, DASH};
use super::markdown::Narrative;
use super::pages::{band_colour, Shared};
use super::view::{FindingView, Summary};
use crate::analyse::{metrics, AccountAnalysis, Band, QuarterFigures, Score};
use crate::model::{Quarter, TeamMember};
use crate::numfmt::{fixed, short};

#[derive(Serialize)]
pub struct AccountPage<'a> {
    a: &'a Summary,
    /// The printed pack's running header: account and period (a CSS string).
    print_header: String,
    front: Front<'a>,
    scorecard: Vec<ScorecardRow>,
    /// Where the scorecard's quarters and the opportunities come from (SPEC §13).
    figure_sources: Vec<String>,
    period: Option<[String; 3]>,
    scores: [ScoreView; 3],
    /// What moved since the comparison point (SPEC §17).
    moved: Option<super::moved::MovedView>,
    pipeline: String,
    weighted_pipeline: String,
    charts: Vec<Chart>,
    /// The drawn map, when there are contacts.
    relationship_map: Option<Chart>,
    contact_count: usize,
    our_people: usize,
    shape: &'static str,
    /// "4 contacts at the customer, held by 2 people on our side: a diamond relationship".
    relationship_text: String,
    opportunities: Vec<OpportunityView<'a>>,
    whitespace: Vec<CoverageView<'a>>,
    initiatives: Vec<InitiativeView<'a>>,
    actions: Vec<ActionView<'a>>,
    findings: Vec<FindingView>,
    narrative: &'a Narrative,
    source: &'a str,
    edit: Option<String>,
}

#[derive(Serialize)]
struct Front<'a> {
    sponsor: &'a Option<String>,
    /// The sponsor, or "none" when there is none (also when written empty).
    sponsor_name: String,
    team: &'a [TeamMember],
    industry: &'a Option<String>,
    country: &'a Option<String>,
    customer_since: Option<String>,
    target: Option<&'static str>,
    rating: Option<RatingView>,
    horizon: Option<i64>,
    last_reviewed: Option<String>,
    next_review: Option<String>,
    objectives: Vec<super::objectives::ObjectiveView>,
    extra: &'a Option<serde_json::Value>,
}

#[derive(Serialize)]
struct RatingView {
    ours: i64,
    theirs: i64,
}

#[derive(Serialize)]
struct ScorecardRow {
    label: &'static str,
    values: [String; 3],
}

#[derive(Serialize)]
struct ScoreView {
    name: &'static str,
    value: String,
    /// "partial: no nps, retention" when some weighted components have no input.
    partial: Option<String>,
    components: Vec<ComponentView>,
    kind: &'static str,
    /// The three components that weigh most in it ("offer fit 75, service 50"), for the pack.
    largest: String,
}

#[derive(Serialize)]
struct ComponentView {
    name: String,
    /// The input with its unit ("23.7 %").
    input: String,
    mapping: &'static str,
    weight: String,
    score: String,
}

#[derive(Serialize)]
struct OpportunityView<'a> {
    name: &'a str,
    offering: &'a Option<String>,
    value: String,
    stage: &'static str,
    probability: String,
    weighted: String,
    close: Option<String>,
    open: bool,
}

#[derive(Serialize)]
struct CoverageView<'a> {
    offering: &'a str,
    coverage: &'static str,
}

#[derive(Serialize)]
struct InitiativeView<'a> {
    name: &'a str,
    status: &'static str,
    investment: String,
    started: Option<String>,
}

#[derive(Serialize)]
struct ActionView<'a> {
    action: &'a str,
    owner: &'a Option<String>,
    due: Option<String>,
    status: &'static str,
    overdue: bool,
}

/// Each component of a score with its input, weight and 0–100 value, ready to show.
fn explain(score: &Score<'_>) -> Vec<ComponentView> {
    score
        .components
        .iter()
        .map(|c| ComponentView {
            name: c.name.replace('_', " "),
            input: c.input_text.map_or_else(
                || {
                    c.input.map_or(DASH.into(), |v| match c.unit {
                        "" => short(v),
                        "%" => format!("{} %", short(v)),
                        unit => format!("{}{unit}", short(v)),
                    })
                },
                str::to_string,
            ),
            mapping: c.mapping,
            weight: short(c.weight),
            score: format::score(c.score),
        })
        .collect()
}

fn score_view(name: &'static str, score: &Score<'_>, kind: &'static str) -> ScoreView {
    ScoreView {
        name,
        value: format::score(score.value),
        partial: super::view::partial_note(score),
        components: explain(score),
        kind,
        largest: {
            let mut present: Vec<(&str, f64, f64)> = score
                .components
                .iter()
                .filter(|c| c.weight > 0.0)
                .filter_map(|c| c.score.map(|s| (c.name, s, c.weight)))
                .collect();
            present.sort_by(|a, b| (b.1 * b.2).total_cmp(&(a.1 * a.2)));
            present
                .iter()
                .take(3)
                .map(|(n, s, _)| n.replace('_', " ") + " " + &fixed(*s, 0))
                .collect::<Vec<_>>()
                .join(", ")
        },
    }
}

/// The full account page in review-pack order.
pub fn account<'a>(s: &'a Shared<'a>, i: usize, narrative: &'a Narrative) -> AccountPage<'a> {
    page(s, i, narrative, false)
}

/// An account's page as the review pack shows it: no narrative, and of the charts only the
/// relationship map — drawing the other five was most of the pack's time at 10,000 accounts.
pub fn account_in_pack<'a>(s: &'a Shared<'a>, i: usize) -> AccountPage<'a> {
    static NO_NARRATIVE: Narrative = Narrative {
        html: String::new(),
        toc: Vec::new(),
    };
    page(s, i, &NO_NARRATIVE, true)
}

fn page<'a>(
    s: &'a Shared<'a>,
    i: usize,
    narrative: &'a Narrative,
    in_pack: bool,
) -> AccountPage<'a> {
    let a: &AccountAnalysis<'_> = &s.analysis.accounts[i];
    let f = &a.account.front;
    let period = s.analysis.period;
    let m = &a.metrics;
    let prev = a.previous.as_ref().map(|e| &e.metrics);
    let year = a.year_ago.as_ref().map(|e| &e.metrics);
    let three = |v: fn(&metrics::Metrics) -> Option<f64>, show: &dyn Fn(Option<f64>) -> String| {
        [show(v(m)), show(prev.and_then(v)), show(year.and_then(v))]
    };
    let money = |v: Option<f64>| s.fmt.money(v);
    let row = |label, values| ScorecardRow { label, values };
    let scorecard = vec![
        row("Revenue", three(|m| m.revenue, &money)),
        row("Gross margin", three(|m| m.margin_pct, &format::pct)),
        row("Profit after cost to serve", three(|m| m.profit, &money)),
        row("Profit margin", three(|m| m.profit_pct, &format::pct)),
        row(
            "Cost to serve",
            three(|m| m.cost_to_serve_pct, &format::pct),
        ),
        row(
            "Share of wallet",
            three(|m| m.share_of_wallet_pct, &format::pct),
        ),
        row("Discount", three(|m| m.discount_pct, &format::pct)),
        row(
            "Growth vs previous quarter",
            three(|m| m.growth_qoq_pct, &format::signed_pct),
        ),
        row(
            "Growth vs a year ago",
            three(|m| m.growth_yoy_pct, &format::signed_pct),
        ),
    ];

    AccountPage {
        a: &s.summaries[i],
        print_header: format::css_string(&format!(
            "{} · {} · review period {}",
            f.name, s.common.title, s.common.period
        )),
        front: Front {
            sponsor: &f.sponsor,
            sponsor_name: f
                .sponsor
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .unwrap_or("none")
                .to_string(),
            team: &f.team,
            industry: &f.industry,
            country: &f.country,
            customer_since: f.customer_since.map(|d| d.to_string()),
            target: f.relationship.target.map(|t| t.as_str()),
            rating: f.relationship.rating.map(|r| RatingView {
                ours: r.ours,
                theirs: r.theirs,
            }),
            horizon: f.plan.horizon_months,
            last_reviewed: f.plan.last_reviewed.map(|d| d.to_string()),
            next_review: f.plan.next_review.map(|d| d.to_string()),
            objectives: super::objectives::views(&s.fmt, &a.objectives),
            extra: &f.extra,
        },
        scorecard,
        figure_sources: figure_sources(&a.provenance),
        period: period.map(|p| {
            [
                p.to_string(),
                p.minus(1).to_string(),
                p.minus(4).to_string(),
            ]
        }),
        scores: [
            score_view("Attractiveness", &a.attractiveness, "criteria"),
            score_view("Strength", &a.strength, "criteria"),
            score_view("Health", &a.health, "health"),
        ],
        moved: super::moved::view(s, a),
        pipeline: s.fmt.money(Some(m.pipeline)),
        weighted_pipeline: s.fmt.money(Some(m.weighted_pipeline)),
        charts: if in_pack {
            Vec::new()
        } else {
            account_charts(a, s)
        },
        relationship_map: (!f.contacts.is_empty()).then(|| {
            let rows = f
                .contacts
                .iter()
                .zip(&a.stale_contacts)
                .map(|(c, stale)| {
                    vec![
                        c.name.clone(),
                        c.title.clone().unwrap_or_default(),
                        c.role.map_or(DASH, |r| r.as_str()).replace('_', " "),
                        c.stance.map_or(DASH, |s| s.as_str()).to_string(),
                        c.our_contact.clone().unwrap_or_else(|| DASH.into()),
                        match (c.last_contact, stale) {
                            (Some(d), Some(days)) => format!("{d} (not met for {days} days)"),
                            (Some(d), None) => d.to_string(),
                            _ => DASH.into(),
                        },
                    ]
                })
                .collect();
            super::relationship_map::map(
                // Ids are unique on the page: the pack holds many accounts' maps, a page one.
                &if in_pack {
                    format!("{}-rel", a.account.id)
                } else {
                    "rel".to_string()
                },
                &f.contacts,
                &a.stale_contacts,
                &a.relationship,
                Table {
                    headers: [
                        "Contact",
                        "Title",
                        "Role",
                        "Stance",
                        "Held by",
                        "Last contact",
                    ]
                    .map(String::from)
                    .to_vec(),
                    rows,
                },
            )
        }),
        contact_count: a.relationship.contacts,
        our_people: a.relationship.our_people,
        shape: a.relationship.shape.as_str(),
        relationship_text: match (a.relationship.contacts, a.relationship.our_people) {
            (0, _) => {
                "No contacts at the customer are listed: there is no relationship map to draw."
                    .into()
            }
            (c, o) => format!(
                "{} at the customer, held by {} on our side: a {} relationship.",
                crate::numfmt::count(c, "contact"),
                if o == 1 {
                    "1 person".to_string()
                } else {
                    format!("{o} people")
                },
                a.relationship.shape.as_str()
            ),
        },
        opportunities: f
            .opportunities
            .iter()
            .map(|o| OpportunityView {
                name: &o.name,
                offering: &o.offering,
                value: s.fmt.money(Some(o.value)),
                stage: o.stage.as_str(),
                probability: fixed(o.effective_probability(), 0) + " %",
                weighted: s.fmt.money(Some(metrics::weighted_value(o))),
                close: o.close.map(|c| c.to_string()),
                open: o.stage.is_open(),
            })
            .collect(),
        whitespace: s
            .analysis
            .config
            .offerings
            .iter()
            .map(|o| CoverageView {
                offering: o,
                coverage: f.whitespace.get(o).map_or("unknown", |c| c.as_str()),
            })
            .collect(),
        initiatives: f
            .joint_initiatives
            .iter()
            .map(|j| InitiativeView {
                name: &j.name,
                status: j.status.as_str(),
                investment: s.fmt.money(j.investment),
                started: j.started.map(|d| d.to_string()),
            })
            .collect(),
        actions: f
            .actions
            .iter()
            .zip(&a.overdue)
            .map(|(x, &overdue)| ActionView {
                action: &x.action,
                owner: &x.owner,
                due: x.due.map(|d| d.to_string()),
                status: x.status.as_str(),
                overdue,
            })
            .collect(),
        findings: s.finding_views(s.by_account[i].iter().copied()),
        narrative,
        source: &a.account.source,
        edit: s
            .analysis
            .config
            .repo_url
            .as_deref()
            .map(|u| format!("{}/{}", u.trim_end_matches('/'), a.account.source)),
    }
}

/// The five charts of an account page; their ids are short, as each is unique on its page.
fn account_charts(a: &AccountAnalysis<'_>, s: &Shared<'_>) -> Vec<Chart> {
    let quarters: Vec<String> = s.analysis.quarters.iter().map(Quarter::to_string).collect();
    let per_quarter = |g: fn(&QuarterFigures) -> Option<f64>| -> Vec<Option<f64>> {
        a.series.iter().map(g).collect()
    };
    let revenue = per_quarter(|f| f.revenue);
    let profit = per_quarter(|f| f.profit);
    let cts = per_quarter(|f| f.cost_to_serve);
    let sow = per_quarter(|f| f.share_of_wallet_pct);
    let fin_rows = quarters
        .iter()
        .enumerate()
        .map(|(k, q)| {
            vec![
                q.clone(),
                s.fmt.money(revenue[k]),
                s.fmt.money(profit[k]),
                s.fmt.money(cts[k]),
                format::pct(sow[k]),
            ]
        })
        .collect();
    let fmt = s.fmt;
    let headers = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut out = vec![
        charts::lines(
            "fin",
            "Revenue, profit and cost to serve",
            "Revenue, profit after cost to serve and cost to serve per quarter.",
            &quarters,
            &[
                ("Revenue".into(), BLUE, revenue),
                ("Profit".into(), GREEN, profit),
                ("Cost to serve".into(), VERMILLION, cts),
            ],
            move |v| fmt.money_short(v),
            Table {
                headers: headers(&[
                    "Quarter",
                    "Revenue",
                    "Profit",
                    "Cost to serve",
                    "Share of wallet",
                ]),
                rows: fin_rows,
            },
        ),
        charts::lines(
            "sow",
            "Share of wallet",
            "Our revenue as a share of the customer's addressable spend, per quarter.",
            &quarters,
            &[("Share of wallet".into(), PURPLE, sow)],
            |v| fixed(v, 0) + " %",
            // One table holds every quarter's figures: the first chart's.
            Table::default(),
        ),
    ];
    out[1].numbers_at = Some(NumbersAt {
        id: "fin-n".into(),
        place: "with revenue, per quarter",
    });
    // The bars' numbers are the scores' computations in the scorecard: linked, not repeated.
    let shown_in = |mut chart: Chart, score: &str| {
        chart.numbers_at = Some(NumbersAt {
            id: format!("score-{score}"),
            place: "in the scorecard",
        });
        chart
    };
    for (key, title, score, name) in [
        (
            "att",
            "Attractiveness criteria",
            &a.attractiveness,
            "attractiveness",
        ),
        ("str", "Strength criteria", &a.strength, "strength"),
    ] {
        // A criterion weighted 0 is left out of the score, so out of its chart too (its row
        // in the score's table says so).
        let items: Vec<_> = score
            .components
            .iter()
            .filter(|c| c.weight > 0.0)
            .map(|c| (c.name.replace('_', " "), c.score, BLUE))
            .collect();
        let chart = charts::bars(
            key,
            title,
            &format!(
                "Each criterion's rating mapped to 0–100; the score is their weighted mean, {}.",
                format::score(score.value)
            ),
            &items,
            Table::default(),
        );
        out.push(shown_in(chart, name));
    }
    let items: Vec<_> = a
        .health
        .components
        .iter()
        .map(|c| {
            (
                c.name.replace('_', " "),
                c.score,
                band_colour(c.score.map(Band::of)),
            )
        })
        .collect();
    let chart = charts::bars(
        "health",
        "Health components",
        &format!(
            "Each health component on 0–100; health is their weighted mean, {}.",
            format::score(a.health.value)
        ),
        &items,
        Table::default(),
    );
    out.push(shown_in(chart, "health"));
    out
}

/// Where each quarter's figures and the opportunities come from; quarters read whole from one
/// file (an account file's own financials) are named together: "2026-Q3, 2026-Q2, 2025-Q3:
/// accounts/acme.md".
fn figure_sources(from: &[crate::analyse::provenance::FiguresFrom]) -> Vec<String> {
    use crate::analyse::provenance::Figures;
    // The quarter of an entry that is a quarter read whole from its file.
    let whole_quarter = |f: &crate::analyse::provenance::FiguresFrom| match &f.figures {
        Figures::Quarter(q) if f.lines.is_empty() && f.sheet.is_none() => Some(q.to_string()),
        _ => None,
    };
    from.chunk_by(|a, b| {
        a.file == b.file && whole_quarter(a).is_some() && whole_quarter(b).is_some()
    })
    .map(|run| match run {
        [one] => figures_from(one),
        _ => format!(
            "{}: {}",
            run.iter()
                .filter_map(whole_quarter)
                .collect::<Vec<_>>()
                .join(", "),
            run[0].file
        ),
    })
    .collect()
}

/// "2026-Q3: data/erp-financials.csv, line 14", "2 opportunities: accounts/acme.md".
fn figures_from(f: &crate::analyse::provenance::FiguresFrom) -> String {
    use crate::analyse::provenance::Figures;
    let what = match &f.figures {
        Figures::Quarter(q) => q.to_string(),
        Figures::Opportunities(1) => "1 opportunity".into(),
        Figures::Opportunities(n) => format!("{n} opportunities"),
    };
    let lines: Vec<String> = f.lines.iter().map(usize::to_string).collect();
    // A CSV file's lines, or a workbook sheet's rows.
    let (one, many) = match &f.sheet {
        Some(sheet) => (
            format!("sheet {sheet}, row"),
            format!("sheet {sheet}, rows"),
        ),
        None => ("line".to_string(), "lines".to_string()),
    };
    match lines.len() {
        0 => format!("{what}: {}", f.file),
        1 => format!("{what}: {}, {one} {}", f.file, lines[0]),
        _ => format!("{what}: {}, {many} {}", f.file, lines.join(", ")),
    }
}
