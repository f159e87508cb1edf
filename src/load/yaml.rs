//! Decoding YAML into the model, and turning the YAML library's errors into diagnostics that
//! speak the user's language ("unknown key", "did you mean", "expected a number").

use serde::de::DeserializeOwned;

use crate::diagnostics::{suggestion, Diagnostic};

/// Decodes `yaml` (which starts at file line `first_line`) into `T`, or one diagnostic at the
/// first problem. `text` is the whole file, for showing the offending line.
pub fn decode<T: DeserializeOwned>(
    yaml: &str,
    first_line: usize,
    file: &str,
    text: &str,
) -> Result<T, Diagnostic> {
    // serde-saphyr's default budget caps nesting depth (64), node and alias counts, so a hostile
    // or broken file fails fast instead of hanging or exhausting memory.
    serde_saphyr::from_str(yaml).map_err(|e| translate(&e, first_line, file, text))
}

fn translate(e: &serde_saphyr::Error, first_line: usize, file: &str, text: &str) -> Diagnostic {
    let raw = e.without_snippet().to_string();
    let raw = match raw.rfind(" at line ") {
        Some(i) => &raw[..i],
        None => raw.as_str(),
    };
    let (line, column) = e
        .location()
        .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
    let line = line + first_line - 1;
    let source_line = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let width = token_width(source_line, column);
    let explained = explain(raw);
    Diagnostic::error(file, explained.message)
        .at(text, line, column, explained.width.unwrap_or(width))
        .with_help(explained.help)
        .map_label(explained.label)
}

impl Diagnostic {
    fn map_label(self, label: Option<String>) -> Diagnostic {
        match label {
            Some(l) => self.with_label(l),
            None => self,
        }
    }
}

/// Width of the YAML token starting at 1-based `column`, for the underline.
fn token_width(line: &str, column: usize) -> usize {
    line.chars()
        .skip(column.saturating_sub(1))
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '}' | ']'))
        .count()
        .max(1)
}

struct Explained {
    message: String,
    label: Option<String>,
    help: Option<String>,
    width: Option<usize>,
}

/// Rewrites serde's and the parser's messages into what a plan author needs to read.
fn explain(raw: &str) -> Explained {
    let plain = |message: String, label: Option<&str>| Explained {
        message,
        label: label.map(str::to_string),
        help: None,
        width: None,
    };
    if let Some(rest) = raw.strip_prefix("unknown field ") {
        let (name, expected) = name_and_expected(rest);
        let help = suggestion(&name, expected.iter().map(String::as_str))
            .or_else(|| Some(format!("valid keys here: {}", expected.join(", "))));
        return Explained {
            message: format!("unknown key `{name}`"),
            label: Some("not a key kamsite knows here".into()),
            help,
            width: Some(name.chars().count()),
        };
    }
    if let Some(rest) = raw.strip_prefix("unknown variant ") {
        let (name, expected) = name_and_expected(rest);
        return Explained {
            message: format!("`{name}` is not a valid value here"),
            label: Some(format!("expected one of: {}", expected.join(", "))),
            help: suggestion(&name, expected.iter().map(String::as_str)),
            width: Some(name.chars().count().max(1)),
        };
    }
    if let Some(rest) = raw.strip_prefix("missing field ") {
        return plain(
            format!("missing required key {rest}"),
            Some("in this mapping"),
        );
    }
    if let Some(rest) = raw.strip_prefix("duplicate mapping key: ") {
        let name = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        return plain(
            format!("duplicate key `{name}`"),
            Some("this key was already set above; keep one"),
        );
    }
    match raw {
        "invalid floating point" | "invalid integer" => {
            plain("expected a number".into(), Some("not a number"))
        }
        "expected string scalar" => plain(
            "expected a single value, found a list or a mapping".into(),
            None,
        ),
        "expected sequence start" => {
            plain("expected a list (`- item` lines, or `[a, b]`)".into(), None)
        }
        "expected mapping start" => plain("expected a mapping of `key: value` lines".into(), None),
        "unexpected end of input" => plain(
            "the front matter is empty: an account needs at least `name` and `designation`".into(),
            None,
        ),
        _ => plain(raw.to_string(), None),
    }
}

/// Splits "`x`, expected one of a, b" / "`x`, expected `a` or `b`" into the name and the list.
fn name_and_expected(rest: &str) -> (String, Vec<String>) {
    let (name, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let name = name.trim_matches('`').to_string();
    let expected = expected.strip_prefix("one of ").unwrap_or(expected);
    let list = expected
        .split(", ")
        .flat_map(|s| s.split(" or "))
        .map(|s| s.trim().trim_matches('`').to_string())
        .filter(|s| !s.is_empty())
        .collect();
    (name, list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_expected_lists_in_both_serde_spellings() {
        let (n, l) = name_and_expected("`rol`, expected one of name, role");
        assert_eq!(
            (n.as_str(), l),
            ("rol", vec!["name".to_string(), "role".into()])
        );
        let (n, l) = name_and_expected("`rol`, expected `name` or `role`");
        assert_eq!(
            (n.as_str(), l),
            ("rol", vec!["name".to_string(), "role".into()])
        );
    }
}
