//! The ranges of numbers (docs/format.md, "Value ranges"): every number kamsite accepts has an
//! upper bound, so sums, ratios and weighted means in the analysis stay finite and exact enough
//! to show. One copy, used by validation of account files and kamsite.yaml and by the readers
//! of CSV sources, so a value is accepted or refused the same wherever it is written.

pub const MONEY: &str = "an amount";
pub const PCT: &str = "a percentage";

/// A number that must lie in `lo..=hi` (and be finite). Every number has an upper bound
/// (docs/format.md, "Value ranges"), so sums, ratios and weighted means in the analysis stay
/// finite and exact enough to show. `Err((the value as shown, what was expected))`; shared by
/// account files and CSV sources, so a value is accepted or refused the same wherever it stands.
pub fn check_range(v: f64, lo: f64, hi: f64, what: &str) -> Result<(), (String, String)> {
    if v.is_finite() && v >= lo && v <= hi {
        return Ok(());
    }
    let shown = if v.abs() >= 1e15 {
        format!("{v:e}")
    } else {
        v.to_string()
    };
    Err((
        shown,
        format!("expected {what} from {} to {}", show(lo), show(hi)),
    ))
}

/// An amount of money: within ±`MAX_MONEY` (≥ 0 unless `signed`), and 0 or at least a
/// hundredth. A smaller amount (`5e-324`) is no real amount, and as a denominator it would
/// turn growth and shares into infinities.
pub fn check_money(v: f64, signed: bool) -> Result<(), (String, String)> {
    if v != 0.0 && v.abs() < MIN_MONEY {
        // As written (`0.001`), unless too small to write out.
        let shown = if v.abs() >= 1e-6 {
            v.to_string()
        } else {
            format!("{v:e}")
        };
        return Err((
            shown,
            format!("expected 0 or an amount of at least {MIN_MONEY}"),
        ));
    }
    let lo = if signed { -MAX_MONEY } else { 0.0 };
    check_range(v, lo, MAX_MONEY, MONEY)
}

/// The largest amount of money kamsite accepts (±10¹⁵ in the portfolio currency): far above
/// any account's quarter in any currency, and small enough that totals and ratios stay finite
/// and print as the amounts they are.
pub const MAX_MONEY: f64 = 1e15;
/// The smallest non-zero amount (a cent, or a hundredth of any currency unit).
pub const MIN_MONEY: f64 = 0.01;
/// The largest scoring weight: enough for any ratio between criteria, and weighted sums stay
/// far from overflow.
pub const MAX_WEIGHT: f64 = 1e6;
/// The largest count kamsite accepts for capacities and key-account guidelines.
pub const MAX_COUNT: i64 = 1_000_000;
/// The largest finding threshold (thresholds may be amounts of money).
pub const MAX_THRESHOLD: f64 = MAX_MONEY;

/// A limit as people write it: `1000000000000000` as 10^15, 100 as 100.
fn show(v: f64) -> String {
    if v.abs() >= 1e6 {
        format!(
            "{}10^{}",
            if v < 0.0 { "-" } else { "" },
            v.abs().log10().round()
        )
    } else {
        v.to_string()
    }
}
