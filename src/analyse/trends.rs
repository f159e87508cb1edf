//! Trends across quarterly reviews (SPEC §14): the portfolio's figures and each account's
//! designation, quadrant, scores and twelve months' revenue at every review and now. Each
//! column is taken from the analysis of that revision, so it holds exactly the numbers
//! `kamsite export` gives on it; the trends page and `data/trends.json` both read these.

use super::{Aggregates, Analysis};

/// The portfolio at one review (a tag), or now (`tag: None`).
#[derive(Clone, Debug)]
pub struct Column {
    /// The review's tag, `None` for the current state.
    pub tag: Option<String>,
    /// The tag's commit.
    pub commit: Option<String>,
    pub period: Option<String>,
    pub as_of: String,
    pub portfolio: Aggregates,
    /// Sorted by id.
    pub accounts: Vec<Account>,
}

/// One account at one review.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub designation: &'static str,
    pub quadrant: Option<&'static str>,
    pub attractiveness: Option<f64>,
    pub strength: Option<f64>,
    pub health: Option<f64>,
    pub health_coverage_pct: f64,
    pub revenue_ttm: Option<f64>,
    /// Measured objectives: (name, progress %, status), SPEC §16.
    pub objectives: Vec<(String, Option<f64>, super::objectives::Status)>,
}

impl Column {
    /// The column of `analysis`, at the review `tag` (name, commit) or now.
    pub fn of(analysis: &Analysis<'_>, tag: Option<(&str, &str)>) -> Column {
        Column {
            tag: tag.map(|(name, _)| name.to_string()),
            commit: tag.map(|(_, commit)| commit.to_string()),
            period: analysis.period.map(|p| p.to_string()),
            as_of: analysis.as_of.to_string(),
            portfolio: analysis.portfolio.clone(),
            accounts: analysis
                .accounts
                .iter()
                .map(|a| Account {
                    id: a.account.id.clone(),
                    name: a.account.front.name.clone(),
                    designation: a.account.front.designation.as_str(),
                    quadrant: a.quadrant.map(|q| q.as_str()),
                    attractiveness: a.attractiveness.value,
                    strength: a.strength.value,
                    health: a.health.value,
                    health_coverage_pct: a.health_coverage_pct,
                    revenue_ttm: a.metrics.revenue_ttm,
                    objectives: a
                        .objectives
                        .iter()
                        .filter_map(|o| {
                            let m = o.measured.as_ref()?;
                            Some((o.name.clone(), m.progress_pct, m.status))
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// The account `id`, if it was in the portfolio then.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts
            .binary_search_by(|a| a.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.accounts[i])
    }
}
