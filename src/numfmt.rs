//! Number formatting shared by messages, the terminal table and (later) the site.

/// `1234567.4` → `1,234,567` (rounded to a whole number, thousands separated).
pub fn thousands(x: f64) -> String {
    let n = x.round() as i64;
    let mut buffer = itoa::Buffer::new();
    let digits = buffer.format(n.unsigned_abs());
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
        fixed(r, 0)
    } else {
        fixed(r, 1)
    }
}

/// `format!("{x:.N}")` for `decimals` N, byte for byte (above 4 it is `format!`). The
/// standard library rounds a float to a fixed number of decimals with an exact algorithm that
/// falls back to big-number arithmetic (Dragon4) for many inputs; a 10,000-account site
/// formats a few million scores, percentages and sort keys, and that fallback was 4 % of its
/// build. Here the last decimal is found from the float's exact value directly: its product
/// with 10^N is `p + e` exactly (`e` from a fused multiply-add), and that is rounded half to
/// even, as the standard library does.
pub fn fixed(x: f64, decimals: usize) -> String {
    let mut out = String::with_capacity(8);
    push_fixed(&mut out, x, decimals, false);
    out
}

/// As [`fixed`] with a sign always: `format!("{x:+.N}")`.
pub fn fixed_signed(x: f64, decimals: usize) -> String {
    let mut out = String::with_capacity(8);
    push_fixed(&mut out, x, decimals, true);
    out
}

fn push_fixed(out: &mut String, x: f64, decimals: usize, plus: bool) {
    use std::fmt::Write as _;
    const SCALES: [f64; 5] = [1.0, 10.0, 100.0, 1000.0, 10000.0];
    let a = x.abs();
    let p = SCALES.get(decimals).map(|scale| (a * scale, *scale));
    // Below 2^51 every step of the last decimal and its halves are apart by more than a
    // float's spacing; NaN, infinities, anything larger and more decimals take the standard
    // way.
    let Some((p, scale)) = p.filter(|(p, _)| *p < 2.0e15) else {
        let _ = if plus {
            write!(out, "{x:+.decimals$}")
        } else {
            write!(out, "{x:.decimals$}")
        };
        return;
    };
    let e = a.mul_add(scale, -p);
    let floor = p.floor();
    // A multiple of p's spacing, so no smaller than it when not zero, while |e| is at most
    // half of it: its sign decides, and e's only on a tie.
    let over_half = (p - floor) - 0.5;
    let up = over_half > 0.0 || (over_half == 0.0 && (e > 0.0 || (e == 0.0 && floor % 2.0 == 1.0)));
    let q = floor as u64 + u64::from(up);
    if x.is_sign_negative() {
        out.push('-');
    } else if plus {
        out.push('+');
    }
    let mut digits = itoa::Buffer::new();
    let unit = 10u64.pow(decimals as u32);
    out.push_str(digits.format(q / unit));
    if decimals > 0 {
        out.push('.');
        let fraction = digits.format(q % unit);
        for _ in fraction.len()..decimals {
            out.push('0');
        }
        out.push_str(fraction);
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

    /// `fixed` must be the standard library's rounding, byte for byte: on ties (0.25, 2.5),
    /// on floats just either side of a tie (0.35 is 0.34999…), on negative zero and values
    /// that round to it, at the range's edge, and on 300,000 values from a fixed-seed
    /// generator, both bit patterns and decimals near a tie.
    #[test]
    fn fixed_is_the_standard_rounding() {
        let check = |x: f64| {
            for d in 0..6 {
                assert_eq!(fixed(x, d), format!("{x:.d$}"), "{x:e} to {d} decimals");
                assert_eq!(
                    fixed_signed(x, d),
                    format!("{x:+.d$}"),
                    "{x:e} to {d} decimals"
                );
            }
        };
        for x in [
            0.0,
            -0.0,
            0.25,
            0.35,
            0.45,
            2.5,
            3.5,
            -2.5,
            -0.04,
            -0.05,
            -0.5,
            0.05,
            0.15,
            1e-300,
            -1e-300,
            4.999_999_999_999_999e14,
            5.0e14,
            5.000_000_000_000_001e14,
            1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            99.95,
            62.5,
            1234567.45,
            0.999_999_999_999_999_9,
        ] {
            check(x);
        }
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for i in 0..100_000 {
            let r = next();
            if i % 10 == 0 {
                check(f64::from_bits(r));
            }
            // A decimal near a tie of tenths or units, nudged by a few of its spacings.
            let tie = (r % 2_000_000) as f64 / 20.0 - 50_000.0;
            let nudge = (next() % 7) as i64 - 3;
            let x = f64::from_bits((tie.to_bits() as i64 + nudge) as u64);
            check(x);
            check(x / 1000.0);
        }
    }
}
