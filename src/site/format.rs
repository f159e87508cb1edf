//! Numbers as the site shows them. Templates receive these strings and never compute; in
//! incognito mode every money amount is masked here, in one place.

use crate::analyse::Unit;
use crate::numfmt::{fixed, fixed_signed, thousands};

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
        // An axis of yen or won reaches billions and trillions: "2000000.0M" was unreadable.
        if a >= 1e12 {
            fixed(v / 1e12, 1) + "T"
        } else if a >= 1e9 {
            fixed(v / 1e9, 1) + "B"
        } else if a >= 1e6 {
            fixed(v / 1e6, 1) + "M"
        } else if a >= 1e3 {
            fixed(v / 1e3, 0) + "k"
        } else {
            fixed(v, 0)
        }
    }
}

pub fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| DASH.into(), |v| fixed(v, 1) + " %")
}

pub fn signed_pct(v: Option<f64>) -> String {
    v.map_or_else(|| DASH.into(), |v| fixed_signed(v, 1) + " %")
}

pub fn score(v: Option<f64>) -> String {
    v.map_or_else(|| DASH.into(), |v| fixed(v, 0))
}

/// A sort key for the accounts table (`data-sort`): the raw number, empty when unknown.
pub fn key(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| fixed(v, 4))
}

/// A change as computed by the analysis, for KPI cards: `+2.3 %`, `−1.0 pt`.
pub fn change(change: Option<f64>, unit: Unit) -> Option<String> {
    let c = change?;
    let unit = match unit {
        Unit::Percent => "%",
        Unit::Points => "pt",
    };
    Some(signed(c, unit))
}

/// A change with its sign and one decimal: `+2.3 %`. One that rounds to zero has no sign
/// (`−0.0` reads like a decline).
pub fn signed(c: f64, unit: &str) -> String {
    if c.abs() < 0.05 {
        format!("±0.0 {unit}")
    } else {
        fixed_signed(c, 1) + " " + unit
    }
}

/// `s` escaped for HTML or SVG text and double-quoted attributes (`&`, `<`, `>`, `"`).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// Appends `s` escaped as [`escape`] does, in one pass: the runs between the four characters
/// are copied whole (four `replace`s over every chart label were a twentieth of a build).
pub fn push_escaped(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// `s` as a quoted CSS string, safe inside a `<style>` element: quotes and backslashes are
/// escaped, and `<` too, so no text can close the element.
pub fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\3C "),
            '>' => out.push_str("\\3E "),
            '&' => out.push_str("\\26 "),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A label, a name or a rule's text can hold anything a plan says: it must not end the
    /// text or the attribute it stands in, and text around the characters is kept whole.
    #[test]
    fn text_is_escaped_in_one_pass() {
        assert_eq!(escape(""), "");
        assert_eq!(escape("Müller & Söhne"), "Müller &amp; Söhne");
        assert_eq!(
            escape("<b>\"x\" & 'y'</b>"),
            "&lt;b&gt;&quot;x&quot; &amp; 'y'&lt;/b&gt;"
        );
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn css_strings_cannot_leave_their_quotes_or_the_style_element() {
        assert_eq!(css_string("Acme"), "\"Acme\"");
        assert_eq!(
            css_string("a\"b\\c</style>"),
            "\"a\\\"b\\\\c\\3C /style\\3E \""
        );
    }

    #[test]
    fn changes() {
        assert_eq!(
            change(Some(10.0), Unit::Percent).as_deref(),
            Some("+10.0 %")
        );
        assert_eq!(
            change(Some(-0.02), Unit::Points).as_deref(),
            Some("±0.0 pt")
        );
        assert_eq!(
            change(Some(-1.04), Unit::Points).as_deref(),
            Some("-1.0 pt")
        );
        assert_eq!(change(None, Unit::Points), None);
    }

    #[test]
    fn incognito_masks_money_only() {
        let f = Fmt { incognito: true };
        assert_eq!(f.money(Some(1_250_000.0)), MASK);
        assert_eq!(f.money(None), DASH);
        assert_eq!(f.money_short(1_250_000.0), "");
        assert_eq!(Fmt { incognito: false }.money_short(1_250_000.0), "1.2M");
        assert_eq!(Fmt { incognito: false }.money_short(2.0e12), "2.0T");
        assert_eq!(Fmt { incognito: false }.money_short(-1.2e9), "-1.2B");
        assert_eq!(pct(Some(5.94)), "5.9 %");
    }
}
