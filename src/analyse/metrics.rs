//! Per-account metrics for the review period (SPEC §5).
//!
//! Every metric is `None` (exported as `null`) when an input is missing or a denominator is 0 —
//! never 0, never NaN — so a gap in the data never looks like a real number.

use serde::Serialize;

use crate::model::{Account, ActionStatus, Date, Financials, Quarter};

/// The §5 metrics of one account. Field order is the export order.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub revenue: Option<f64>,
    pub revenue_ttm: Option<f64>,
    pub growth_qoq_pct: Option<f64>,
    pub growth_yoy_pct: Option<f64>,
    pub margin_pct: Option<f64>,
    pub profit: Option<f64>,
    pub profit_pct: Option<f64>,
    pub cost_to_serve_pct: Option<f64>,
    pub share_of_wallet_pct: Option<f64>,
    pub discount_pct: Option<f64>,
    /// Sum over open opportunities; 0 when there are none (an empty pipeline is a fact).
    pub pipeline: f64,
    pub weighted_pipeline: f64,
    pub overdue_actions: u32,
    /// Set once the portfolio total is known (see `with_share`).
    pub revenue_share_pct: Option<f64>,
    pub plan_age_days: Option<i64>,
}

/// The metric keys in export order (CSV header, docs).
pub const KEYS: [&str; 15] = [
    "revenue",
    "revenue_ttm",
    "growth_qoq_pct",
    "growth_yoy_pct",
    "margin_pct",
    "profit",
    "profit_pct",
    "cost_to_serve_pct",
    "share_of_wallet_pct",
    "discount_pct",
    "pipeline",
    "weighted_pipeline",
    "overdue_actions",
    "revenue_share_pct",
    "plan_age_days",
];

/// `100 · (a / b)`, or `None` when either is missing or `b` is 0.
pub fn pct(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b != 0.0 => Some(100.0 * a / b),
        _ => None,
    }
}

/// `100 · (now / before − 1)`, or `None`.
pub fn growth_pct(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    pct(now, before).map(|p| p - 100.0)
}

/// The account's financials entry for `q`.
pub fn quarter(account: &Account, q: Quarter) -> Option<&Financials> {
    account.front.financials.iter().find(|f| f.period == q)
}

fn revenue_in(account: &Account, q: Quarter) -> Option<f64> {
    quarter(account, q).and_then(|f| f.revenue)
}

/// Metrics of `account` for period `period` (None: the portfolio has no financials at all).
pub fn metrics(account: &Account, period: Option<Quarter>, as_of: Date) -> Metrics {
    let open = account
        .front
        .opportunities
        .iter()
        .filter(|o| o.stage.is_open());
    let pipeline = open.clone().map(|o| o.value).sum();
    let weighted_pipeline = open
        .map(|o| o.value * o.effective_probability() / 100.0)
        .sum();
    let overdue_actions = account
        .front
        .actions
        .iter()
        .filter(|a| matches!(a.status, ActionStatus::Open | ActionStatus::Blocked))
        .filter(|a| a.due.is_some_and(|d| d < as_of))
        .count() as u32;
    let plan_age_days = account
        .front
        .plan
        .last_reviewed
        .map(|d| as_of.days_since(d));
    let mut m = Metrics {
        pipeline,
        weighted_pipeline,
        overdue_actions,
        plan_age_days,
        ..Metrics::default()
    };
    let Some(p) = period else { return m };
    let now = quarter(account, p);
    let field = |f: fn(&Financials) -> Option<f64>| now.and_then(f);
    let revenue = field(|f| f.revenue);
    let gross_margin = field(|f| f.gross_margin);
    let cost_to_serve = field(|f| f.cost_to_serve);
    let ttm: Vec<f64> = (0..4)
        .filter_map(|n| revenue_in(account, p.minus(n)))
        .collect();
    m.revenue = revenue;
    m.revenue_ttm = (!ttm.is_empty()).then(|| ttm.iter().sum());
    m.growth_qoq_pct = growth_pct(revenue, revenue_in(account, p.minus(1)));
    m.growth_yoy_pct = growth_pct(revenue, revenue_in(account, p.minus(4)));
    m.margin_pct = pct(gross_margin, revenue);
    m.profit = gross_margin.zip(cost_to_serve).map(|(g, c)| g - c);
    m.profit_pct = pct(m.profit, revenue);
    m.cost_to_serve_pct = pct(cost_to_serve, revenue);
    m.share_of_wallet_pct = pct(revenue, field(|f| f.category_spend));
    m.discount_pct = field(|f| f.discount_pct);
    m
}

impl Metrics {
    /// Fills `revenue_share_pct` against the portfolio's total trailing-twelve-month revenue.
    pub fn with_share(mut self, portfolio_ttm: Option<f64>) -> Metrics {
        self.revenue_share_pct = pct(self.revenue_ttm, portfolio_ttm);
        self
    }
}
