//! Reading one CSV cell as the value a kamsite field holds (SPEC §13). ERP and CRM exports write
//! numbers and quarters the way their locale does; these accept the common spellings and say
//! exactly what was expected otherwise.

use crate::diagnostics::clip;
use crate::model::{Close, Date, DateFormat, Quarter};

/// A number written with `decimal` as the decimal separator (`.` or `,`), the other of the two
/// and spaces (also non-breaking ones) grouping thousands. Negative as an ERP writes it: a
/// leading `-`, a trailing `-` (SAP: `12.000,00-`) or parentheses (`(1,200.00)`).
/// `1.234.567,50` with `decimal: ","` is 1234567.5. Groups must be three digits, so
/// `1,5` with `decimal: "."` is an error rather than fifteen.
pub fn number(cell: &str, decimal: char) -> Result<f64, String> {
    let group = if decimal == ',' { '.' } else { ',' };
    let bad = || {
        format!(
            "expected a number like `{}` (decimal separator `{decimal}`), found `{}`",
            if decimal == ',' {
                "1.234,50"
            } else {
                "1,234.50"
            },
            clip(cell)
        )
    };
    let s = cell.trim();
    // Most cells of an export are plain digits with at most a decimal point: read them as
    // they are (a 40,000-row export has 200,000 of them). Same result as below.
    if let Some(v) = plain_number(s, decimal) {
        return Ok(v);
    }
    let (negative, s) = if let Some(rest) = s.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = s.strip_suffix('-') {
        (true, rest.trim_end())
    } else if let Some(rest) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        (true, rest.trim())
    } else {
        (false, s)
    };
    let (int, frac) = match s.split_once(decimal) {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let groups: Vec<&str> = int.split([group, ' ', '\u{a0}', '\u{202f}']).collect();
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let grouped_ok = groups.len() == 1 && digits(groups[0])
        || groups.len() > 1
            && digits(groups[0])
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3 && digits(g));
    if !grouped_ok || frac.is_some_and(|f| !digits(f)) {
        return Err(bad());
    }
    let mut plain: String = groups.concat();
    if let Some(f) = frac {
        plain.push('.');
        plain.push_str(f);
    }
    let v: f64 = plain.parse().map_err(|_| bad())?;
    Ok(if negative { -v } else { v })
}

/// `s` when it is digits, optionally followed by `.` and digits (with `.` the decimal
/// separator): the number it reads as, without the grouping rules `number` applies.
fn plain_number(s: &str, decimal: char) -> Option<f64> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) if decimal == '.' => (i, Some(f)),
        Some(_) => return None,
        None => (s, None),
    };
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    s.parse().ok()
}

/// What a quarter may look like in a CSV cell.
pub const PERIOD_FORMATS: &str = "`2026-Q3`, `2026 Q3`, `Q3 2026` or `Q3/2026`";

/// A quarter written `2026-Q3`, `2026 Q3`, `Q3 2026` or `Q3/2026` (`q` in either case).
pub fn period(cell: &str) -> Result<Quarter, String> {
    let s = cell.trim();
    let bad = || {
        format!(
            "expected a quarter like {PERIOD_FORMATS}, found `{}`",
            clip(cell)
        )
    };
    // `2026-Q3`, as kamsite writes it and most exports do: read without copying.
    if let [y0, y1, y2, y3, b'-', b'Q' | b'q', q] = *s.as_bytes() {
        let digit = |b: u8| b.is_ascii_digit().then(|| i32::from(b - b'0'));
        if let (Some(a), Some(b), Some(c), Some(d), Some(q)) =
            (digit(y0), digit(y1), digit(y2), digit(y3), digit(q))
        {
            if let Some(quarter) = Quarter::new(a * 1000 + b * 100 + c * 10 + d, q as u8) {
                return Ok(quarter);
            }
        }
    }
    let upper = s.to_ascii_uppercase();
    let (year, q) = if let Some((y, q)) = upper.split_once("-Q").or_else(|| upper.split_once(" Q"))
    {
        (y.to_string(), q.to_string())
    } else if let Some(rest) = upper.strip_prefix('Q') {
        let (q, y) = rest
            .split_once(' ')
            .or_else(|| rest.split_once('/'))
            .ok_or_else(bad)?;
        (y.to_string(), q.to_string())
    } else {
        return Err(bad());
    };
    if year.len() != 4 || q.len() != 1 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let year: i32 = year.parse().map_err(|_| bad())?;
    let q: u8 = q.parse().map_err(|_| bad())?;
    Quarter::new(year, q).ok_or_else(|| {
        format!(
            "expected a quarter like {PERIOD_FORMATS}, found `{}`: quarters are Q1 to Q4, years 1000 to 9999",
            clip(cell)
        )
    })
}

/// A date written as an ISO date, or as `format` says (`31.03.2027`, `31/03/2027`,
/// `3/31/2027`; day and month may have one digit).
pub fn date(cell: &str, format: DateFormat) -> Result<Date, String> {
    let s = cell.trim();
    if let Ok(d) = s.parse::<Date>() {
        return Ok(d);
    }
    let bad = || {
        format!(
            "expected a date like `{}`, found `{}`",
            example(format),
            clip(cell)
        )
    };
    let (sep, order) = match format {
        DateFormat::Iso => return Err(bad()),
        DateFormat::DayMonthDot => ('.', [0, 1]),
        DateFormat::DayMonthSlash => ('/', [0, 1]),
        DateFormat::MonthDaySlash => ('/', [1, 0]),
    };
    let parts: Vec<&str> = s.split(sep).collect();
    let [a, b, y] = parts[..] else {
        return Err(bad());
    };
    let num = |t: &str, max: usize| -> Result<i16, String> {
        if t.is_empty() || t.len() > max || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        t.parse().map_err(|_| bad())
    };
    let (first, second, year) = (num(a, 2)?, num(b, 2)?, num(y, 4)?);
    if y.len() != 4 {
        return Err(bad());
    }
    let (day, month) = if order == [0, 1] {
        (first, second)
    } else {
        (second, first)
    };
    Date::new(year, month as i8, day as i8)
        .ok_or_else(|| format!("`{}` is not a real calendar date", clip(cell)))
}

/// How a date of `format` looks.
pub fn example(format: DateFormat) -> &'static str {
    match format {
        DateFormat::Iso => "2027-03-31",
        DateFormat::DayMonthDot => "31.03.2027",
        DateFormat::DayMonthSlash => "31/03/2027",
        DateFormat::MonthDaySlash => "3/31/2027",
    }
}

/// `close`: a quarter in any of the period spellings, or a date (ISO, or as `format` says).
pub fn close(cell: &str, format: DateFormat) -> Result<Close, String> {
    if let Ok(q) = period(cell) {
        return Ok(Close::Quarter(q));
    }
    date(cell, format).map(Close::Date).map_err(|_| {
        format!(
            "expected a quarter like `2027-Q1` or a date like `{}`, found `{}`",
            example(format),
            clip(cell)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_both_conventions() {
        assert_eq!(number("1.234.567,50", ','), Ok(1_234_567.5));
        assert_eq!(number("1 234 567,5", ','), Ok(1_234_567.5));
        assert_eq!(number("-390000", ','), Ok(-390_000.0));
        assert_eq!(number("1,234,567.50", '.'), Ok(1_234_567.5));
        assert_eq!(number("4.5", '.'), Ok(4.5));
        assert_eq!(number(" 12 ", '.'), Ok(12.0));
        for bad in [
            "1,5", "1.2.3", "abc", "", "-", "1,23,456", "12,", "1e5", "--1", "1.5,0",
        ] {
            assert!(number(bad, '.').is_err(), "{bad}");
        }
        assert!(number("1.5", ',').is_err());
    }

    #[test]
    fn periods_in_four_spellings() {
        for s in [
            "2026-Q3", "2026 Q3", "Q3 2026", "Q3/2026", "q3/2026", "2026-q3",
        ] {
            assert_eq!(
                period(s).map(|q| q.to_string()),
                Ok("2026-Q3".into()),
                "{s}"
            );
        }
        for bad in [
            "2026-Q5", "Q0 2026", "2026/Q3", "26-Q3", "Q3-2026", "", "Q32026",
        ] {
            assert!(period(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn close_is_a_quarter_or_a_date() {
        let iso = DateFormat::Iso;
        assert_eq!(
            close("Q1 2027", iso).map(|c| c.to_string()),
            Ok("2027-Q1".into())
        );
        assert_eq!(
            close("2027-03-31", iso).map(|c| c.to_string()),
            Ok("2027-03-31".into())
        );
        assert!(close("31.03.2027", iso).is_err());
    }

    #[test]
    fn dates_as_erps_write_them() {
        let d = |s: &str, f| date(s, f).map(|d| d.to_string());
        assert_eq!(
            d("31.03.2027", DateFormat::DayMonthDot),
            Ok("2027-03-31".into())
        );
        assert_eq!(
            d("3/31/2027", DateFormat::MonthDaySlash),
            Ok("2027-03-31".into())
        );
        assert_eq!(
            d("31/3/2027", DateFormat::DayMonthSlash),
            Ok("2027-03-31".into())
        );
        assert_eq!(
            d("2027-03-31", DateFormat::MonthDaySlash),
            Ok("2027-03-31".into())
        );
        assert!(d("31/03/2027", DateFormat::MonthDaySlash).is_err());
        assert!(d("3/31/27", DateFormat::MonthDaySlash).is_err());
        assert!(d("30.02.2027", DateFormat::DayMonthDot).is_err());
    }

    #[test]
    fn negative_numbers_as_erps_write_them() {
        assert_eq!(number("12.000,00-", ','), Ok(-12_000.0));
        assert_eq!(number("(1,200.00)", '.'), Ok(-1_200.0));
        assert!(number("(1,200.00", '.').is_err());
        assert!(number("-12-", '.').is_err());
    }
}
