//! Plausibility (SPEC §15): values that each lie in their range but that cannot be true
//! together — a margin above the revenue, actuals of a quarter that has not begun, a share of
//! wallet over 100 %, a revenue jump that is a unit slip. A review tool loses its readers at
//! the first impossible figure, so the errors reject the portfolio like any other error; the
//! warnings are printed and the portfolio stays usable.
//!
//! These checks need the review date (`as_of`), which is settled after loading, so they run
//! as a second step of validation. Each problem points at the value that triggers it: in the
//! account file, or in the CSV cell the value came from.

use super::{position, Locus, Problem};
use crate::diagnostics::Diagnostic;
use crate::load::positions::{Target, YamlPath};
use crate::load::{Loaded, Root, CONFIG_FILE};
use crate::model::{
    financial_field as ff, opportunity_field as of, Account, Config, Date, Origin, Quarter,
    Severity,
};
use crate::numfmt::{exact, short};
use rayon::prelude::*;

/// `v` when it is an amount in range: a value out of range is reported as such, and a
/// plausibility problem on top of it would only repeat it in other words.
fn money(v: Option<f64>, signed: bool) -> Option<f64> {
    v.filter(|v| crate::model::limits::check_money(*v, signed).is_ok())
}

/// A quarter's revenue this many times the previous one (or this fraction of it) is most
/// likely a unit slip or a dropped thousands group, not business.
const JUMP: f64 = 50.0;

/// Every plausibility problem of the loaded portfolio (valid and rejected account files) as of
/// `as_of`, positioned and unsorted. `config` is the configuration as far as it was read.
pub fn check(
    root: &Root,
    loaded: &Loaded,
    config: &Config,
    as_of: Date,
    cache: Option<&super::Cache>,
) -> Vec<Diagnostic> {
    let current = Quarter::of_date(as_of, config.fiscal_year_start);
    let mut problems = Vec::new();
    if let (Some(p), Some(c)) = (config.period, current) {
        if p > c {
            problems.push(Problem {
                file: CONFIG_FILE.into(),
                severity: Severity::Error,
                locus: Locus::Yaml(YamlPath::root().key("period"), Target::Value),
                message: format!(
                    "the review period {p} is after {c}, the quarter of as_of ({as_of})"
                ),
                label: Some("a review period cannot lie in the future".into()),
                help: Some(
                    "set `period` to a quarter that has begun, or `as_of` to the date of the review"
                        .into(),
                ),
                kind: "future period",
            });
        }
    }
    let accounts: Vec<&Account> = loaded
        .portfolio
        .accounts
        .iter()
        .chain(&loaded.rejected_accounts)
        .collect();
    // Each account on its own, in parallel; problems in account order.
    let per_account: Vec<Vec<Problem>> = accounts
        .par_iter()
        .map(|a| {
            let check = || {
                let mut own = Vec::new();
                let mut c = Checks {
                    account: a,
                    as_of,
                    problems: &mut own,
                };
                c.financials(current);
                c.probabilities();
                c.dates();
                own
            };
            match cache {
                Some(m) => m.plausible.get_or(a, (as_of, current), check),
                None => check(),
            }
        })
        .collect();
    problems.extend(per_account.into_iter().flatten());
    position(root, config, problems)
}

struct Checks<'a> {
    account: &'a Account,
    as_of: Date,
    problems: &'a mut Vec<Problem>,
}

impl Checks<'_> {
    /// Where field `field` (YAML key `key`) of financials entry `i` is: its account file, or
    /// the CSV cell it came from.
    fn financial_at(&self, i: usize, field: usize, key: &str) -> (String, Locus) {
        self.entry_at(
            self.account.origins.financials.get(i),
            "financials",
            i,
            field,
            key,
        )
    }

    fn entry_at(
        &self,
        origin: Option<&Origin>,
        list: &str,
        i: usize,
        field: usize,
        key: &str,
    ) -> (String, Locus) {
        match origin.and_then(|o| o.cell(field)) {
            Some(cell) => {
                let locus = match cell.sheet {
                    Some(sheet) => Locus::Sheet {
                        sheet: sheet.to_string(),
                        row: cell.line,
                        column: cell.column,
                    },
                    None => Locus::Cell {
                        line: cell.line,
                        column: cell.column,
                        width: 0,
                    },
                };
                (cell.file.to_string(), locus)
            }
            // Entries of the front matter come first, so `i` is their index in the YAML.
            None => (
                self.account.source.clone(),
                Locus::Yaml(YamlPath::root().key(list).index(i).key(key), Target::Value),
            ),
        }
    }

    fn report(
        &mut self,
        (file, locus): (String, Locus),
        severity: Severity,
        kind: &'static str,
        message: String,
        label: &str,
        help: &str,
    ) {
        self.problems.push(Problem {
            file,
            severity,
            locus,
            message,
            label: Some(label.into()),
            help: Some(help.into()),
            kind,
        });
    }

    fn financials(&mut self, current: Option<Quarter>) {
        let a = self.account;
        for (i, f) in a.front.financials.iter().enumerate() {
            if let Some(c) = current.filter(|c| f.period > *c) {
                let at = self.financial_at(i, ff::PERIOD, "period");
                self.report(
                    at,
                    Severity::Error,
                    "future actuals",
                    format!(
                        "{} is after {c}, the quarter of as_of ({}): actuals cannot be in the future",
                        f.period, self.as_of
                    ),
                    "a quarter that has not begun on the review date",
                    "a typo for an earlier quarter? When the review date is later, set `as_of` in kamsite.yaml or pass --as-of",
                );
            }
            if let (Some(gm), Some(rev)) = (money(f.gross_margin, true), money(f.revenue, false)) {
                if gm > rev {
                    let at = self.financial_at(i, ff::GROSS_MARGIN, "gross_margin");
                    self.report(
                        at,
                        Severity::Error,
                        "implausible value",
                        format!(
                            "gross margin {} is greater than revenue {} in {}",
                            exact(gm),
                            exact(rev),
                            f.period
                        ),
                        "a margin above 100 % cannot be true",
                        "gross margin is revenue minus the cost of what was sold, so it is never more than the revenue: check the units and the column",
                    );
                }
            }
            if let (Some(rev), Some(spend)) =
                (money(f.revenue, false), money(f.category_spend, false))
            {
                if rev > spend {
                    let at = self.financial_at(i, ff::REVENUE, "revenue");
                    self.report(
                        at,
                        Severity::Warning,
                        "implausible value",
                        format!(
                            "revenue {} is greater than the category spend {} in {}",
                            exact(rev),
                            exact(spend),
                            f.period
                        ),
                        "a share of wallet above 100 %",
                        "category_spend is the customer's whole spend on what we could supply, our revenue included",
                    );
                }
            }
        }
        self.revenue_jumps(current);
    }

    /// A quarter's revenue ≥ 50 × or ≤ 1/50 × the previous reported quarter's, both > 0.
    /// Quarters after `current` are errors already and left out, so a typo is one problem.
    fn revenue_jumps(&mut self, current: Option<Quarter>) {
        let a = self.account;
        let mut reported: Vec<(Quarter, f64, usize)> = a
            .front
            .financials
            .iter()
            .enumerate()
            .filter(|(_, f)| current.is_none_or(|c| f.period <= c))
            .filter_map(|(i, f)| money(f.revenue, false).map(|r| (f.period, r, i)))
            .collect();
        reported.sort_by_key(|(q, _, _)| *q);
        for pair in reported.windows(2) {
            let ((q0, r0, _), (q1, r1, i)) = (pair[0], pair[1]);
            if r0 <= 0.0 || r1 <= 0.0 {
                continue;
            }
            let ratio = r1 / r0;
            let how = if ratio >= JUMP {
                format!("{} × that of", short(ratio))
            } else if ratio <= 1.0 / JUMP {
                format!("1/{} of that of", short(1.0 / ratio))
            } else {
                continue;
            };
            let at = self.financial_at(i, ff::REVENUE, "revenue");
            self.report(
                at,
                Severity::Warning,
                "implausible value",
                format!(
                    "revenue of {q1} is {how} {q0} ({} against {})",
                    exact(r1),
                    exact(r0)
                ),
                "a unit slip or a dropped thousands group?",
                "check the figure against the export: thousands and millions are easy to mix up",
            );
        }
    }

    /// `probability: 0.6` reads as a share, but probabilities are percentages.
    fn probabilities(&mut self) {
        let a = self.account;
        for (i, o) in a.front.opportunities.iter().enumerate() {
            let Some(p) = o.probability.filter(|p| *p > 0.0 && *p < 1.0) else {
                continue;
            };
            let at = self.entry_at(
                a.origins.opportunities.get(i),
                "opportunities",
                i,
                of::PROBABILITY,
                "probability",
            );
            self.report(
                at,
                Severity::Warning,
                "implausible value",
                format!("probability {p} is a percentage: {p} means {p} %"),
                "probabilities are percentages from 0 to 100",
                &format!("write {} for {} %", exact(p * 100.0), exact(p * 100.0)),
            );
        }
    }

    /// Dates that say something already happened cannot be after the review date.
    fn dates(&mut self) {
        let a = self.account;
        let f = &a.front;
        let root = YamlPath::root();
        let mut dated: Vec<(YamlPath, String, Date)> = Vec::new();
        if let Some(d) = f.customer_since {
            dated.push((root.key("customer_since"), "customer_since".into(), d));
        }
        if let Some(d) = f.plan.last_reviewed {
            dated.push((
                root.key("plan").key("last_reviewed"),
                "plan.last_reviewed".into(),
                d,
            ));
        }
        if let Some(d) = f.health.surveyed {
            dated.push((
                root.key("health").key("surveyed"),
                "health.surveyed".into(),
                d,
            ));
        }
        for (i, c) in f.contacts.iter().enumerate() {
            if let Some(d) = c.last_contact {
                dated.push((
                    root.key("contacts").index(i).key("last_contact"),
                    format!("contacts[{i}].last_contact"),
                    d,
                ));
            }
        }
        for (path, name, d) in dated {
            if d > self.as_of {
                let at = (a.source.clone(), Locus::Yaml(path, Target::Value));
                self.report(
                    at,
                    Severity::Warning,
                    "future date",
                    format!("`{name}` {d} is after as_of ({})", self.as_of),
                    "a date after the review date",
                    "a typo? When the review date is later, set `as_of` in kamsite.yaml or pass --as-of",
                );
            }
        }
    }
}
