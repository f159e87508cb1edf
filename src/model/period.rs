//! Review periods: fiscal quarters written `YYYY-Qn`.
//!
//! Quarters are stored as a single ordinal so that "P−1" and "P−4" are plain subtraction and
//! year boundaries (2026-Q1 − 1 = 2025-Q4) need no special case.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A fiscal quarter such as `2026-Q3`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    /// `year * 4 + (quarter - 1)`; ordering and arithmetic follow from it.
    ordinal: i32,
}

impl Quarter {
    /// The quarter `q` (1–4) of fiscal `year`; `None` outside 1–4 or years 1000–9999.
    pub fn new(year: i32, q: u8) -> Option<Quarter> {
        ((1..=4).contains(&q) && (1000..=9999).contains(&year)).then(|| Quarter {
            ordinal: year * 4 + i32::from(q) - 1,
        })
    }

    /// The fiscal year the quarter belongs to.
    pub fn year(self) -> i32 {
        self.ordinal.div_euclid(4)
    }

    /// 1–4.
    pub fn number(self) -> u8 {
        // rem_euclid(4) is 0..=3, so the cast cannot truncate.
        self.ordinal.rem_euclid(4) as u8 + 1
    }

    /// The quarter `n` quarters before this one (`minus(1)` is P−1, `minus(4)` is P−4).
    pub fn minus(self, n: i32) -> Quarter {
        Quarter {
            ordinal: self.ordinal - n,
        }
    }

    /// Quarters from `self` to `later` (`2026-Q1` to `2026-Q3` is 2; negative when `later`
    /// is earlier).
    pub fn until(self, later: Quarter) -> i32 {
        later.ordinal - self.ordinal
    }

    /// The fiscal quarter holding `date`, for a fiscal year starting in month
    /// `fiscal_year_start` (1–12; anything else is read as January). A fiscal year is named by
    /// the calendar year it starts in (SPEC §2), so with April as the start, 2027-02-10 is in
    /// 2026-Q4. `None` only for dates outside the years quarters can name.
    pub fn of_date(date: super::Date, fiscal_year_start: i64) -> Option<Quarter> {
        let start = if (1..=12).contains(&fiscal_year_start) {
            fiscal_year_start as i32
        } else {
            1
        };
        let (year, month) = (i32::from(date.year()), i32::from(date.month()));
        let fiscal_year = if month >= start { year } else { year - 1 };
        let q = (month - start).rem_euclid(12) / 3 + 1;
        // q is 1..=4 by construction.
        Quarter::new(fiscal_year, q as u8)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year(), self.number())
    }
}

impl FromStr for Quarter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad =
            || format!("expected a quarter like `2026-Q3` (YYYY-Qn, n from 1 to 4), found `{s}`");
        let (year, q) = s.split_once("-Q").ok_or_else(bad)?;
        if year.len() != 4 || q.len() != 1 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let q: u8 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&q) {
            return Err(format!(
                "expected a quarter like `2026-Q3`, found `{s}`: a year has quarters Q1 to Q4"
            ));
        }
        // Four digits, so only years before 1000 are left: written with a leading zero.
        Quarter::new(year, q).ok_or_else(|| {
            format!("expected a quarter like `2026-Q3`, found `{s}`: years go from 1000 to 9999")
        })
    }
}

impl Serialize for Quarter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quarter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let q: Quarter = "2026-Q3".parse().unwrap();
        assert_eq!((q.year(), q.number()), (2026, 3));
        assert_eq!(q.to_string(), "2026-Q3");
    }

    #[test]
    fn arithmetic_crosses_year_boundaries() {
        let q: Quarter = "2026-Q1".parse().unwrap();
        assert_eq!(q.minus(1).to_string(), "2025-Q4");
        assert_eq!(q.minus(4).to_string(), "2025-Q1");
        assert_eq!(q.minus(5).to_string(), "2024-Q4");
    }

    #[test]
    fn the_quarter_of_a_date_follows_the_fiscal_year() {
        let q = |d: &str, start| {
            Quarter::of_date(d.parse().unwrap(), start)
                .unwrap()
                .to_string()
        };
        assert_eq!(q("2026-10-05", 1), "2026-Q4");
        assert_eq!(q("2026-01-01", 1), "2026-Q1");
        assert_eq!(q("2026-10-05", 4), "2026-Q3");
        assert_eq!(q("2027-02-10", 4), "2026-Q4");
        assert_eq!(q("2026-03-31", 4), "2025-Q4");
        assert_eq!(q("2026-07-01", 7), "2026-Q1");
        assert_eq!(q("2026-06-30", 7), "2025-Q4");
        let a: Quarter = "2026-Q1".parse().unwrap();
        assert_eq!(a.until("2026-Q3".parse().unwrap()), 2);
        assert_eq!(a.until("2025-Q4".parse().unwrap()), -1);
    }

    #[test]
    fn rejects_malformed_quarters() {
        for bad in [
            "2026-Q5", "2026-Q0", "2026Q3", "26-Q3", "2026-q3", "2026-Q33", "",
        ] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad} should be rejected");
        }
    }
}
