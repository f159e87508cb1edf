//! Numbers as the site shows them. Templates receive these strings and never compute; in
//! incognito mode every money amount is masked here, in one place.

use crate::numfmt::thousands;

/// Formatting rules for one build.
#[derive(Clone, Copy, Debug)]
pub struct Fmt {
    pub incognito: bool,
}

pub const DASH: &str = "—";
pub const MASK: &str = "•••";

impl Fmt {
    pub fn money(&self, v: Option<f64>) -> String {
        match v {
            None => DASH.into(),
            Some(_) if self.incognito => MASK.into(),
            Some(v) => thousands(v),
        }
    }

    /// Axis labels: `1.2M`, `350k`.
    pub fn money_short(&self, v: f64) -> String {
        if self.incognito {
            return String::new();
        }
        let a = v.abs();
        if a >= 1e6 {
            format!("{:.1}M", v / 1e6)
        } else if a >= 1e3 {
            format!("{:.0}k", v / 1e3)
        } else {
            format!("{v:.0}")
        }
    }
}

pub fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| DASH.into(), |v| format!("{v:.1} %"))
}

pub fn signed_pct(v: Option<f64>) -> String {
    v.map_or_else(|| DASH.into(), |v| format!("{v:+.1} %"))
}

pub fn score(v: Option<f64>) -> String {
    v.map_or_else(|| DASH.into(), |v| format!("{v:.0}"))
}

/// A sort key for the accounts table (`data-sort`): the raw number, empty when unknown.
pub fn key(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| format!("{v:.4}"))
}

/// Change between two values in points or percent, for KPI deltas: `+2.3 %`, `−1.0 pt`.
pub fn delta(now: Option<f64>, before: Option<f64>, relative: bool) -> Option<String> {
    let (n, b) = (now?, before?);
    if relative {
        if b == 0.0 {
            return None;
        }
        Some(format!("{:+.1} %", 100.0 * (n / b - 1.0)))
    } else {
        Some(format!("{:+.1} pt", n - b))
    }
}
