//! Figures by quarter for the time charts: per account, and revenue by designation for the
//! portfolio, over the eight quarters up to the review period.

use serde::Serialize;

use super::metrics::{pct, quarter};
use super::AccountAnalysis;
use crate::model::{Account, Designation, Quarter};

/// How many quarters the time charts show, ending with the review period.
pub const QUARTERS: i32 = 8;

/// The quarters shown in time charts, oldest first.
pub fn quarters(period: Option<Quarter>) -> Vec<Quarter> {
    period.map_or_else(Vec::new, |p| {
        (0..QUARTERS).rev().map(|n| p.minus(n)).collect()
    })
}

/// One account in one quarter.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QuarterFigures {
    pub revenue: Option<f64>,
    /// Gross margin − cost to serve.
    pub profit: Option<f64>,
    pub cost_to_serve: Option<f64>,
    pub share_of_wallet_pct: Option<f64>,
}

/// `account`'s figures in each of `quarters`.
pub fn account_series(account: &Account, quarters: &[Quarter]) -> Vec<QuarterFigures> {
    quarters
        .iter()
        .map(|&q| match quarter(account, q) {
            None => QuarterFigures::default(),
            Some(f) => QuarterFigures {
                revenue: f.revenue,
                profit: f.gross_margin.zip(f.cost_to_serve).map(|(g, c)| g - c),
                cost_to_serve: f.cost_to_serve,
                share_of_wallet_pct: pct(f.revenue, f.category_spend),
            },
        })
        .collect()
}

/// Σ revenue per quarter for key accounts, candidates and others (in that order); `None` where
/// no account of the group reported revenue.
pub fn revenue_by_designation(
    accounts: &[AccountAnalysis<'_>],
    quarters: &[Quarter],
) -> Vec<[Option<f64>; 3]> {
    let group = |d: Designation| match d {
        Designation::Key => 0,
        Designation::Candidate => 1,
        Designation::Other => 2,
    };
    let mut out = vec![[None; 3]; quarters.len()];
    for a in accounts {
        let g = group(a.account.front.designation);
        for (k, figures) in a.series.iter().enumerate() {
            if let Some(r) = figures.revenue {
                out[k][g] = Some(out[k][g].unwrap_or(0.0) + r);
            }
        }
    }
    out
}

/// One account on the concentration (Pareto) curve.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ranked {
    /// Index into the analysis' accounts.
    pub index: usize,
    /// Share of the portfolio's trailing revenue (0 when the account has none).
    pub share_pct: f64,
    /// Running total of the shares down to this account.
    pub cumulative_pct: f64,
}

/// Accounts by share of trailing revenue, largest first (ties by name), with the running total.
pub fn concentration(accounts: &[AccountAnalysis<'_>]) -> Vec<Ranked> {
    let mut ranked: Vec<(usize, f64)> = accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (i, a.metrics.revenue_share_pct.unwrap_or(0.0)))
        .collect();
    ranked.sort_by(|a, b| {
        b.1.total_cmp(&a.1).then(
            accounts[a.0]
                .account
                .front
                .name
                .cmp(&accounts[b.0].account.front.name),
        )
    });
    let mut cumulative = 0.0;
    ranked
        .into_iter()
        .map(|(index, share_pct)| {
            cumulative += share_pct;
            Ranked {
                index,
                share_pct,
                cumulative_pct: cumulative,
            }
        })
        .collect()
}
