//! Per-account metrics for the review period (SPEC §5).
//!
//! Every metric is `None` (exported as `null`) when an input is missing or a denominator is 0 —
//! never 0, never NaN — so a gap in the data never looks like a real number.

use serde::Serialize;

use crate::model::{Account, Action, ActionStatus, Date, Financials, Opportunity, Quarter};

/// The §5 metrics of one account. Field order is the export order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
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

impl Metrics {
    /// The values in [`KEYS`] order, for the CSV row (a unit test keeps both in the order of
    /// the struct's fields, which is the JSON order).
    pub fn values(&self) -> [Option<f64>; 15] {
        [
            self.revenue,
            self.revenue_ttm,
            self.growth_qoq_pct,
            self.growth_yoy_pct,
            self.margin_pct,
            self.profit,
            self.profit_pct,
            self.cost_to_serve_pct,
            self.share_of_wallet_pct,
            self.discount_pct,
            Some(self.pipeline),
            Some(self.weighted_pipeline),
            Some(f64::from(self.overdue_actions)),
            self.revenue_share_pct,
            self.plan_age_days.map(|d| d as f64),
        ]
    }
}

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

/// An action is overdue when it is still to do (open or blocked) and its due date is before
/// `as_of`. The one definition: the metric, the rule, the account page and the actions page.
pub fn is_overdue(action: &Action, as_of: Date) -> bool {
    is_to_do(action) && action.due.is_some_and(|d| d < as_of)
}

/// An opportunity's value weighted by its probability (given, else the stage's default).
pub fn weighted_value(o: &Opportunity) -> f64 {
    o.value * o.effective_probability() / 100.0
}

/// Still to do: open or blocked (the actions page lists these).
pub fn is_to_do(action: &Action) -> bool {
    matches!(action.status, ActionStatus::Open | ActionStatus::Blocked)
}

/// Metrics of `account` for period `period` (None: the portfolio has no financials at all).
pub fn metrics(account: &Account, period: Option<Quarter>, as_of: Date) -> Metrics {
    let open = account
        .front
        .opportunities
        .iter()
        .filter(|o| o.stage.is_open());
    let pipeline = open.clone().map(|o| o.value).sum();
    let weighted_pipeline = open.map(weighted_value).sum();
    let overdue_actions = account
        .front
        .actions
        .iter()
        .filter(|a| is_overdue(a, as_of))
        .count() as u32;
    // A review dated after as_of has no age yet (SPEC §11 v1.2), never a negative one.
    let plan_age_days = account
        .front
        .plan
        .last_reviewed
        .filter(|d| *d <= as_of)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `KEYS` and `values()` follow the struct's fields, which serde writes in order.
    #[test]
    fn keys_and_values_follow_the_export_order() {
        let m = Metrics {
            revenue: Some(1.0),
            revenue_ttm: Some(2.0),
            growth_qoq_pct: Some(3.0),
            growth_yoy_pct: Some(4.0),
            margin_pct: Some(5.0),
            profit: Some(6.0),
            profit_pct: Some(7.0),
            cost_to_serve_pct: Some(8.0),
            share_of_wallet_pct: Some(9.0),
            discount_pct: Some(10.0),
            pipeline: 11.0,
            weighted_pipeline: 12.0,
            overdue_actions: 13,
            revenue_share_pct: Some(14.0),
            plan_age_days: Some(15),
        };
        let json = serde_json::to_value(&m).expect("serialises");
        let obj = json.as_object().expect("an object");
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        assert_eq!(keys, KEYS);
        let values: Vec<f64> = obj.values().filter_map(serde_json::Value::as_f64).collect();
        assert_eq!(values, m.values().map(|v| v.unwrap_or(f64::NAN)));
    }
}
