//! Calendar dates (`YYYY-MM-DD`) and the `close` field that takes a quarter or a date.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Quarter;

/// An ISO calendar date. A thin wrapper so that error messages say what users typed wrong and
/// so that only the strict `YYYY-MM-DD` form is accepted (no times, no week dates).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(jiff::civil::Date);

impl Date {
    pub fn new(year: i16, month: i8, day: i8) -> Option<Date> {
        jiff::civil::Date::new(year, month, day).ok().map(Date)
    }

    /// Whole days from `earlier` to `self` (negative when `earlier` is later).
    pub fn days_since(self, earlier: Date) -> i64 {
        // Both are valid civil dates, so the span is always representable in days.
        earlier
            .0
            .until(self.0)
            .map(|span| i64::from(span.get_days()))
            .unwrap_or(0)
    }

    /// The UTC date of a Unix timestamp in seconds (for `SOURCE_DATE_EPOCH` and "today").
    pub fn from_unix_seconds(secs: i64) -> Option<Date> {
        let ts = jiff::Timestamp::from_second(secs).ok()?;
        Some(Date(jiff::tz::Offset::UTC.to_datetime(ts).date()))
    }

    pub fn year(self) -> i16 {
        self.0.year()
    }

    pub fn month(self) -> i8 {
        self.0.month()
    }

    pub fn day(self) -> i8 {
        self.0.day()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            self.0.month(),
            self.0.day()
        )
    }
}

impl FromStr for Date {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("expected a date like `2026-09-30` (YYYY-MM-DD), found `{s}`");
        let b = s.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| s[r].parse::<i16>().map_err(|_| bad());
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        // m and d are two ASCII digits, so they fit in i8.
        Date::new(y, m as i8, d as i8).ok_or_else(|| format!("`{s}` is not a real calendar date"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// When an opportunity is expected to close: a quarter (`2027-Q1`) or a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Close {
    Quarter(Quarter),
    Date(Date),
}

impl fmt::Display for Close {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Close::Quarter(q) => q.fmt(f),
            Close::Date(d) => d.fmt(f),
        }
    }
}

impl Serialize for Close {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Close {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if let Ok(q) = s.parse() {
            return Ok(Close::Quarter(q));
        }
        s.parse().map(Close::Date).map_err(|_| {
            serde::de::Error::custom(format!(
                "expected a quarter (`2027-Q1`) or a date (`2027-02-15`), found `{s}`"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_iso_dates() {
        assert_eq!(
            "2026-09-30".parse::<Date>().unwrap().to_string(),
            "2026-09-30"
        );
        for bad in [
            "2026-9-30",
            "2026-02-30",
            "30.09.2026",
            "2026-09-30T10:00",
            "",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
    }

    #[test]
    fn day_differences_cross_leap_years() {
        let a: Date = "2024-02-28".parse().unwrap();
        let b: Date = "2024-03-01".parse().unwrap();
        assert_eq!(b.days_since(a), 2);
        assert_eq!(a.days_since(b), -2);
    }

    #[test]
    fn epoch_seconds_to_utc_date() {
        assert_eq!(
            Date::from_unix_seconds(0).unwrap().to_string(),
            "1970-01-01"
        );
        assert_eq!(
            Date::from_unix_seconds(1_790_000_000).unwrap().to_string(),
            "2026-09-21"
        );
    }
}
