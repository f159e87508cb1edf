//! Stage 3: analysis — metrics, scores, quadrants, findings and aggregates, as pure functions
//! of the validated portfolio. Nothing here reads files, prints or builds HTML.
//!
//! Everything is linear in the number of accounts (one pass per account, one sort for the
//! top-20 % share), so 10,000 accounts analyse in milliseconds.

pub mod aggregate;
pub mod findings;
pub mod metrics;
pub mod rules;
pub mod scores;

use crate::model::{Account, Date, Portfolio, Quarter};
pub use aggregate::{Aggregates, ManagerLoad};
pub use findings::Finding;
pub use metrics::Metrics;
pub use scores::{Band, Quadrant, Score};

/// Everything computed about one account.
#[derive(Clone, Debug)]
pub struct AccountAnalysis<'a> {
    pub account: &'a Account,
    pub metrics: Metrics,
    pub attractiveness: Score<'a>,
    pub strength: Score<'a>,
    pub quadrant: Option<Quadrant>,
    pub health: Score<'a>,
    pub band: Option<Band>,
}

/// The analysed portfolio. Accounts are sorted by id; findings by (account, rule) with
/// portfolio findings first.
#[derive(Clone, Debug)]
pub struct Analysis<'a> {
    pub period: Option<Quarter>,
    pub as_of: Date,
    pub accounts: Vec<AccountAnalysis<'a>>,
    pub findings: Vec<Finding>,
    pub portfolio: Aggregates,
}

/// The latest quarter in any account's financials.
pub fn latest_period(portfolio: &Portfolio) -> Option<Quarter> {
    portfolio
        .accounts
        .iter()
        .flat_map(|a| a.front.financials.iter().map(|f| f.period))
        .max()
}

/// Analyses `portfolio` for `period` (None: no account has financials) as of `as_of`.
pub fn analyse(portfolio: &Portfolio, period: Option<Quarter>, as_of: Date) -> Analysis<'_> {
    let config = &portfolio.config;
    let scoring = &config.scoring;
    let mut accounts: Vec<AccountAnalysis<'_>> = portfolio
        .accounts
        .iter()
        .map(|account| {
            let metrics = metrics::metrics(account, period, as_of);
            let attractiveness =
                scores::criteria_score(&account.front.attractiveness, &scoring.attractiveness);
            let strength = scores::criteria_score(&account.front.strength, &scoring.strength);
            AccountAnalysis {
                account,
                quadrant: Quadrant::of(attractiveness.value, strength.value, &scoring.matrix_split),
                metrics,
                attractiveness,
                strength,
                health: Score {
                    value: None,
                    components: Vec::new(),
                },
                band: None,
            }
        })
        .collect();
    accounts.sort_by(|a, b| a.account.id.cmp(&b.account.id));

    let total_ttm = accounts
        .iter()
        .filter_map(|a| a.metrics.revenue_ttm)
        .fold(None, |acc: Option<f64>, v| Some(acc.unwrap_or(0.0) + v));
    for a in &mut accounts {
        a.metrics = std::mem::take(&mut a.metrics).with_share(total_ttm);
        a.health = scores::health(a.account, &a.metrics, &scoring.health);
        a.band = a.health.value.map(Band::of);
    }
    let findings = findings::findings(config, &accounts, period);
    let portfolio = aggregate::aggregate(config, &accounts, &findings, period, total_ttm);
    Analysis {
        period,
        as_of,
        accounts,
        findings,
        portfolio,
    }
}
