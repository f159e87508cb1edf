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
    let (change, unit) = if relative {
        if b == 0.0 {
            return None;
        }
        (100.0 * (n / b - 1.0), "%")
    } else {
        (n - b, "pt")
    };
    // A change that rounds to zero has no sign ("−0.0" reads like a decline).
    if change.abs() < 0.05 {
        Some(format!("±0.0 {unit}"))
    } else {
        Some(format!("{change:+.1} {unit}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas() {
        assert_eq!(
            delta(Some(110.0), Some(100.0), true).as_deref(),
            Some("+10.0 %")
        );
        assert_eq!(
            delta(Some(29.98), Some(30.0), false).as_deref(),
            Some("±0.0 pt")
        );
        assert_eq!(delta(Some(1.0), Some(0.0), true), None);
        assert_eq!(delta(None, Some(1.0), false), None);
    }

    #[test]
    fn incognito_masks_money_only() {
        let f = Fmt { incognito: true };
        assert_eq!(f.money(Some(1_250_000.0)), MASK);
        assert_eq!(f.money(None), DASH);
        assert_eq!(f.money_short(1_250_000.0), "");
        assert_eq!(Fmt { incognito: false }.money_short(1_250_000.0), "1.2M");
        assert_eq!(pct(Some(5.94)), "5.9 %");
    }
}
