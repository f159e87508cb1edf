//! One slug function for every name that becomes part of a path or an anchor: account ids made
//! by `kamsite new`, manager pages, heading anchors. One function, so the same name always
//! gives the same slug wherever it appears, and the output is plain ASCII: `Škoda Auto` →
//! `skoda-auto`, `Müller & Söhne` → `mueller-soehne`, `北京` → `bei-jing`.
//!
//! A slug is not unique by construction (`Dana Whitfield` and `dana whitfield` share one);
//! where that matters, validation reports names that collide and the writer refuses two files
//! on one path.

/// A manager's page address, from their name (names whose slugs collide are a validation
/// error, `validate::safety`).
pub fn manager_slug(name: &str) -> String {
    let s = slug(name);
    if s.is_empty() {
        "manager".into()
    } else {
        s
    }
}

/// Lowercase ASCII letters and digits, with `-` between words; empty when `text` has neither.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut push = |s: &str| {
        for c in s.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
    };
    for c in text.chars() {
        // German umlauts as German speakers spell them without (Müller → mueller); the rest
        // by deunicode's transliteration tables.
        match c {
            'ä' | 'Ä' => push("ae"),
            'ö' | 'Ö' => push("oe"),
            'ü' | 'Ü' => push("ue"),
            'ß' => push("ss"),
            c if c.is_ascii() => push(c.encode_utf8(&mut [0; 4])),
            c => push(deunicode::deunicode_char(c).unwrap_or(" ")),
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_ascii_and_readable() {
        assert_eq!(slug("Škoda Auto"), "skoda-auto");
        assert_eq!(
            slug("Müller & Söhne: \"Die\" GmbH"),
            "mueller-soehne-die-gmbh"
        );
        assert_eq!(slug("The customer's business"), "the-customer-s-business");
        assert_eq!(slug("Our strategy (2027)"), "our-strategy-2027");
        assert_eq!(slug("Dana Whitfield"), slug("dana-whitfield"));
        assert_eq!(slug("Ærø Café"), "aero-cafe");
        assert_eq!(slug("—"), "");
        assert_eq!(slug("北京"), "bei-jing");
    }
}
