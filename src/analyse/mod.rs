//! Stage 3: analysis — metrics, scores, quadrants, findings, aggregates and comparisons, as
//! pure functions of the validated portfolio. Nothing here reads files, prints or builds HTML.
//!
//! The [`Analysis`] owns every domain fact a page or an export shows: the site only formats
//! what is here, so a number can never be computed twice and disagree with itself.
//!
//! Everything is linear in the number of accounts (one pass per account, one sort for the
//! top-20 % share), so 10,000 accounts analyse in milliseconds.

pub mod aggregate;
pub mod baseline;
pub mod changes;
pub mod compare;
pub mod effectiveness;
pub mod findings;
pub mod history;
pub mod metrics;
pub mod moves;
pub mod objectives;
pub mod provenance;
pub mod rules;
pub mod scores;
pub mod series;
pub mod shape;
pub mod trends;

use crate::model::{Account, Config, Date, Portfolio, Quarter};
pub use aggregate::{Aggregates, ManagerLoad};
pub use baseline::Baseline;
pub use changes::Changes;
pub use compare::{Change, Comparison, Earlier, Unit};
pub use findings::Finding;
pub use metrics::Metrics;
use rayon::prelude::*;
pub use rules::RuleSettings;
pub use scores::{Band, Quadrant, Score};
pub use series::QuarterFigures;
pub use shape::{Relationship, Shape};

/// Everything computed about one account.
#[derive(Clone, Debug)]
pub struct AccountAnalysis<'a> {
    pub account: &'a Account,
    pub metrics: Metrics,
    /// The account in P−1 and P−4 (None without a review period).
    pub previous: Option<Earlier>,
    pub year_ago: Option<Earlier>,
    /// Figures in each of [`Analysis::quarters`].
    pub series: Vec<QuarterFigures>,
    /// Parallel to the account's actions: whether each is overdue.
    pub overdue: Vec<bool>,
    pub relationship: Relationship,
    pub attractiveness: Score<'a>,
    pub strength: Score<'a>,
    pub quadrant: Option<Quadrant>,
    pub health: Score<'a>,
    /// The share of the health weights whose component has an input (SPEC §6).
    pub health_coverage_pct: f64,
    pub band: Option<Band>,
    /// Where the quarters shown (P, P−1, P−4) and the opportunities come from.
    pub provenance: Vec<provenance::FiguresFrom>,
    /// The plan's objectives, measured ones with their progress (SPEC §16).
    pub objectives: Vec<objectives::ObjectiveProgress>,
    /// What moved since the comparison point (SPEC §17): the baseline's account when there
    /// is one, else P−1; `None` without either.
    pub moves: Option<moves::Moves<'a>>,
    /// Parallel to the account's contacts: days since the last contact when that is more
    /// than `stale-contact`'s `max_days` before as_of (the relationship map marks them).
    pub stale_contacts: Vec<Option<i64>>,
    /// With git: the commits that touched the account since the comparison point.
    pub history: Option<crate::model::AccountHistory>,
    /// Front-matter values that differ from the baseline's account (SPEC §17).
    pub changed_values: Vec<history::ValueChange>,
}

impl<'a> AccountAnalysis<'a> {
    /// Attractiveness, strength and health as sides of a comparison.
    pub fn sides(&self) -> [moves::Side<'a>; 3] {
        [
            moves::Side::of(&self.attractiveness),
            moves::Side::of(&self.strength),
            moves::Side::of(&self.health),
        ]
    }
}

/// The analysed portfolio. Accounts are sorted by id; findings by (account, rule) with
/// portfolio findings first.
#[derive(Clone, Debug)]
pub struct Analysis<'a> {
    pub config: &'a Config,
    pub period: Option<Quarter>,
    pub as_of: Date,
    /// The eight quarters up to the review period, oldest first (time charts).
    pub quarters: Vec<Quarter>,
    pub accounts: Vec<AccountAnalysis<'a>>,
    pub findings: Vec<Finding>,
    pub portfolio: Aggregates,
    /// Every rule with its effective settings, in registry order.
    pub rules: Vec<RuleSettings>,
    /// The KPIs like-for-like against P−1 and P−4.
    pub vs_previous: Option<Comparison>,
    pub vs_year_ago: Option<Comparison>,
    /// Σ revenue per quarter of [`Analysis::quarters`]: key, candidate, other.
    pub revenue_by_designation: Vec<[Option<f64>; 3]>,
    /// Accounts by share of trailing revenue, largest first (the concentration curve).
    pub concentration: Vec<series::Ranked>,
    /// Key accounts against all others over the year to P (SPEC §12).
    pub effectiveness: effectiveness::Effectiveness,
    /// What moved since the baseline, when there is one.
    pub changes: Option<Changes>,
}

/// The latest quarter any account reports revenue for that is not after `current` (the
/// quarter of as_of, SPEC §4): the review period when none is set.
pub fn latest_period(portfolio: &Portfolio, current: Option<Quarter>) -> Option<Quarter> {
    portfolio
        .accounts
        .iter()
        .flat_map(|a| a.front.financials.iter())
        .filter(|f| f.revenue.is_some() && current.is_none_or(|c| f.period <= c))
        .map(|f| f.period)
        .max()
}

/// The account as it stood in `q`: metrics and health then.
fn earlier(account: &Account, q: Quarter, as_of: Date, config: &Config) -> Earlier {
    let metrics = metrics::metrics(account, Some(q), as_of);
    let scoring = &config.scoring;
    let health = scores::health(
        account,
        &metrics,
        &scoring.health,
        scoring.health_min_coverage_pct,
    );
    Earlier {
        metrics,
        health: health.value,
        health_side: moves::Side::of(&health),
    }
}

/// Analyses `portfolio` for `period` (None: no account has financials) as of `as_of`.
pub fn analyse(portfolio: &Portfolio, period: Option<Quarter>, as_of: Date) -> Analysis<'_> {
    let config = &portfolio.config;
    let scoring = &config.scoring;
    let rules = RuleSettings::resolve(&config.findings);
    let single_threaded = rules::settings(&rules, "single-threaded").unwrap_or(&rules[0]);
    let stale_after =
        rules::settings(&rules, "stale-contact").map_or(90.0, |s| s.threshold("max_days"));
    let (min_contacts, min_our_contacts) = (
        single_threaded.threshold("min_contacts"),
        single_threaded.threshold("min_our_contacts"),
    );
    let quarters = series::quarters(period);
    // In id order: the accounts are sorted as references (stable, so two files with one id
    // keep their path order), not as analyses, which are large to move.
    let mut by_id: Vec<&Account> = portfolio.accounts.iter().collect();
    by_id.sort_by(|a, b| a.id.cmp(&b.id));
    // Each account on its own, in parallel (at 10,000 accounts this is most of an analysis);
    // the portfolio's figures below sum them in account order, so they do not depend on it.
    let mut accounts: Vec<AccountAnalysis<'_>> = by_id
        .into_par_iter()
        .map(|account| {
            let metrics = metrics::metrics(account, period, as_of);
            let attractiveness =
                scores::criteria_score(&account.front.attractiveness, &scoring.attractiveness);
            let strength = scores::criteria_score(&account.front.strength, &scoring.strength);
            AccountAnalysis {
                account,
                quadrant: Quadrant::of(attractiveness.value, strength.value, &scoring.matrix_split),
                previous: period.map(|p| earlier(account, p.minus(1), as_of, config)),
                year_ago: period.map(|p| earlier(account, p.minus(4), as_of, config)),
                series: series::account_series(account, &quarters),
                overdue: account
                    .front
                    .actions
                    .iter()
                    .map(|x| metrics::is_overdue(x, as_of))
                    .collect(),
                relationship: shape::relationship(
                    &account.front.contacts,
                    min_contacts,
                    min_our_contacts,
                ),
                metrics,
                attractiveness,
                strength,
                health: Score {
                    value: None,
                    components: Vec::new(),
                },
                health_coverage_pct: 0.0,
                band: None,
                moves: None,
                history: None,
                changed_values: Vec::new(),
                stale_contacts: account
                    .front
                    .contacts
                    .iter()
                    .map(|c| {
                        let days = as_of.days_since(c.last_contact?);
                        (days as f64 > stale_after).then_some(days)
                    })
                    .collect(),
                objectives: objectives::objectives(
                    account,
                    period,
                    as_of,
                    config.objectives.tolerance_pts,
                ),
                provenance: provenance::provenance(
                    account,
                    &period.map_or(Vec::new(), |p| vec![p, p.minus(1), p.minus(4)]),
                ),
            }
        })
        .collect();

    let total_ttm = accounts
        .iter()
        .filter_map(|a| a.metrics.revenue_ttm)
        .fold(None, |acc: Option<f64>, v| Some(acc.unwrap_or(0.0) + v));
    accounts.par_iter_mut().for_each(|a| {
        a.metrics = std::mem::take(&mut a.metrics).with_share(total_ttm);
        a.health = scores::health(
            a.account,
            &a.metrics,
            &scoring.health,
            scoring.health_min_coverage_pct,
        );
        a.health_coverage_pct = a.health.coverage_pct();
        a.band = a.health.value.map(Band::of);
        // Criteria are the same in P−1 (one file); health moves with the figures.
        if let (Some(p), Some(prev)) = (period, &a.previous) {
            let now = a.sides();
            let then = [&now[0], &now[1], &prev.health_side];
            let mut m = moves::moves(
                moves::Against::Previous(p.minus(1).to_string()),
                then,
                [&now[0], &now[1], &now[2]],
            );
            m.revenue_then = prev.metrics.revenue;
            m.revenue_change_pct = metrics::growth_pct(a.metrics.revenue, m.revenue_then);
            a.moves = Some(m);
        }
    });
    let ctx = rules::Context {
        config,
        period,
        as_of,
        accounts: accounts.len(),
    };
    // The portfolio's figures: each is one pass over the accounts, independent of the others,
    // so they run side by side (each sums in account order, as it would alone).
    let all = &accounts;
    let (mut findings, mut portfolio) = (Vec::new(), Aggregates::default());
    let (mut vs_previous, mut vs_year_ago) = (None, None);
    let (mut revenue_by_designation, mut concentration) = (Vec::new(), Vec::new());
    let mut effectiveness = effectiveness::Effectiveness::default();
    rayon::scope(|s| {
        s.spawn(|_| {
            findings = findings::findings(&ctx, &rules, all);
            portfolio = aggregate::aggregate(config, all, &findings, period, total_ttm);
        });
        s.spawn(|_| {
            vs_previous =
                period.map(|p| compare::compare(all, |a| a.previous.as_ref(), p, p.minus(1)));
        });
        s.spawn(|_| {
            vs_year_ago =
                period.map(|p| compare::compare(all, |a| a.year_ago.as_ref(), p, p.minus(4)));
        });
        s.spawn(|_| revenue_by_designation = series::revenue_by_designation(all, &quarters));
        s.spawn(|_| concentration = series::concentration(all));
        s.spawn(|_| effectiveness = effectiveness::effectiveness(all, period));
    });
    Analysis {
        config,
        period,
        as_of,
        quarters,
        accounts,
        findings,
        portfolio,
        rules,
        vs_previous,
        vs_year_ago,
        revenue_by_designation,
        concentration,
        effectiveness,
        changes: None,
    }
}

impl<'a> Analysis<'a> {
    /// Adds the comparison with a baseline (the changes page and the matrix arrows).
    pub fn with_baseline(mut self, baseline: &baseline::Baseline) -> Analysis<'a> {
        self.changes = Some(changes::changes(&self, baseline));
        // Against the baseline's account, where it has one (SPEC §17); accounts in parallel.
        self.accounts.par_iter_mut().for_each(|a| {
            if let Some(before) = baseline.accounts.get(&a.account.id) {
                let now = a.sides();
                let then = &before.sides;
                let mut m = moves::moves(
                    moves::Against::Baseline,
                    [&then[0], &then[1], &then[2]],
                    [&now[0], &now[1], &now[2]],
                );
                m.revenue_then = before.revenue;
                m.revenue_change_pct = metrics::growth_pct(a.metrics.revenue, m.revenue_then);
                m.designation_then = Some(before.designation.clone());
                m.quadrant_then = Some(before.quadrant.clone());
                a.moves = Some(m);
                // Most accounts did not change between two reviews: the very same front
                // matter, or the same values.
                if let Some(then) = before
                    .front
                    .as_ref()
                    .filter(|then| !std::sync::Arc::ptr_eq(then, &a.account.front))
                {
                    let then = serde_json::to_value(&**then).unwrap_or_default();
                    let now = serde_json::to_value(&*a.account.front).unwrap_or_default();
                    if then != now {
                        a.changed_values = history::differences(&then, &now);
                    }
                }
            }
        });
        self
    }

    /// Who changed each account since the comparison point (account id → its history).
    pub fn with_history(
        mut self,
        mut by_account: std::collections::HashMap<String, crate::model::AccountHistory>,
    ) -> Analysis<'a> {
        for a in &mut self.accounts {
            a.history = by_account.remove(&a.account.id).map(|mut h| {
                // A workbook's change counts for an account only if its figures changed.
                let figures = a.changed_values.iter().any(|v| {
                    v.path.starts_with("financials") || v.path.starts_with("opportunities")
                });
                if !figures {
                    let keep: Vec<bool> = h.by_workbook.iter().map(|w| !w).collect();
                    let mut k = keep.iter();
                    h.commits.retain(|_| *k.next().unwrap_or(&true));
                    h.by_workbook.retain(|w| !w);
                    if h.uncommitted_by_workbook {
                        h.uncommitted = false;
                    }
                }
                h
            });
        }
        self
    }

    /// The index of account `id` (accounts are sorted by id).
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.accounts
            .binary_search_by(|a| a.account.id.as_str().cmp(id))
            .ok()
    }
}
