//! Number formatting shared by messages, the terminal table and (later) the site.

/// `1234567.4` → `1,234,567` (rounded to a whole number, thousands separated).
pub fn thousands(x: f64) -> String {
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// As written, to a millionth, thousands separated: `1000.004` → `1,000.004`, `0.02` →
/// `0.02`, `60.00000000000001` → `60`. For messages that compare two values, which must never
/// read the same when they differ.
pub fn exact(x: f64) -> String {
    let fixed = format!("{:.6}", x.abs());
    let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let frac = frac.trim_end_matches('0');
    let mut out = String::with_capacity(fixed.len() + int.len() / 3 + 1);
    if x < 0.0 && (int != "0" || !frac.is_empty()) {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// At most one decimal, no trailing `.0`: `7.46` → `7.5`, `12.0` → `12`.
pub fn short(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// A whole percentage as prose shows it: `64 %`, `−9 %` (a minus sign, not a hyphen), and
/// `0 %` for anything that rounds to zero — never `-0 %`.
pub fn whole_pct(x: f64) -> String {
    let r = x.round();
    if r == 0.0 {
        "0 %".into()
    } else if r < 0.0 {
        format!("−{} %", -r)
    } else {
        format!("{r} %")
    }
}

/// `1 error`, `2 errors`: a count and its noun, in the number it needs.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(1_234_567.4), "1,234,567");
        assert_eq!(thousands(-38_000.0), "-38,000");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(short(7.46), "7.5");
        assert_eq!(short(12.0), "12");
        assert_eq!(short(-17.94), "-17.9");
        assert_eq!(exact(1000.004), "1,000.004");
        assert_eq!(exact(0.02), "0.02");
        assert_eq!(exact(0.6 * 100.0), "60");
        assert_eq!(exact(-1_234_567.5), "-1,234,567.5");
    }
}
