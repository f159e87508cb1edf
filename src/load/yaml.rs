//! Decoding YAML into the model, and turning problems into diagnostics that speak the user's
//! language ("unknown key", "did you mean", "expected a number").
//!
//! Valid files are decoded by serde in one pass. serde stops at the first problem, so for a
//! file it rejects, the YAML is parsed again into a positioned tree and walked against the
//! schema (`tree.rs`, `schema.rs`, `walk.rs`): every problem of the file is reported at once.

use serde::de::DeserializeOwned;

use super::positions::Position;
use super::schema::Record;
use super::{tree, walk};
use crate::diagnostics::{suggestion, Diagnostic};

/// A file that did not decode: every problem found, and what could be read of the rest (for
/// the range and consistency checks, which then run on it too; the file is rejected anyway).
#[derive(Clone, Debug)]
pub struct Rejected<T> {
    pub diagnostics: Vec<Diagnostic>,
    pub partial: Option<T>,
    /// The top-level keys whose values are wrong: `partial` holds what was read of them,
    /// which may be incomplete (a manager left out), so nothing is checked against them.
    pub damaged: std::collections::BTreeSet<String>,
}

impl<T> From<Diagnostic> for Rejected<T> {
    fn from(d: Diagnostic) -> Self {
        Rejected {
            diagnostics: vec![d],
            partial: None,
            damaged: Default::default(),
        }
    }
}

/// Decodes `yaml` (which starts at file line `first_line`) into `T`, which `record` describes.
/// `text` is the whole file, for showing the offending lines.
pub fn decode<T: DeserializeOwned>(
    yaml: &str,
    first_line: usize,
    file: &str,
    text: &str,
    record: &'static Record,
) -> Result<T, Rejected<T>> {
    // serde-saphyr's default budget caps nesting depth (64), node and alias counts, so a hostile
    // or broken file fails fast instead of hanging or exhausting memory.
    serde_saphyr::from_str(yaml).map_err(|e| {
        every_problem(yaml, first_line, file, text, record).unwrap_or_else(|| {
            // A syntax error first: what serde says about a value after it may be wrong.
            let d = match super::tree::syntax_error(yaml) {
                Some((line, column, info)) => syntax(line, column, &info, first_line, file, text),
                None => translate(&e, first_line, file, text),
            };
            Rejected {
                diagnostics: vec![d],
                partial: None,
                damaged: Default::default(),
            }
        })
    })
}

/// A syntax error of the parser, in the plan author's words.
fn syntax(
    line: usize,
    column: usize,
    info: &str,
    first_line: usize,
    file: &str,
    text: &str,
) -> Diagnostic {
    let line = line + first_line - 1;
    let lower = info.to_lowercase();
    let (message, help) = if lower.contains("flow mapping") || lower.contains("'}'") {
        (
            "a `{` is not closed".to_string(),
            "close the mapping with `}` on the line it starts, or write it as indented `key: value` lines".to_string(),
        )
    } else if lower.contains("flow sequence") || lower.contains("']'") {
        (
            "a `[` is not closed".to_string(),
            "close the list with `]`, or write it as `- item` lines".to_string(),
        )
    } else if lower.contains("recursion limit") {
        (
            "this YAML is nested too deeply: at most 64 levels of lists and mappings".to_string(),
            "a plan needs a few levels; look for a bracket that is opened again and again"
                .to_string(),
        )
    } else {
        (
            format!("the YAML does not parse: {info}"),
            "check the indentation and the quotes on this line and the one before".to_string(),
        )
    };
    // Point at the bracket left open, not at where the parser gave up.
    let open = match message.as_str() {
        "a `{` is not closed" => Some(('{', '}')),
        "a `[` is not closed" => Some(('[', ']')),
        _ => None,
    };
    if let Some((l, c)) = open.and_then(|(o, c)| unclosed(text, first_line, line, o, c)) {
        return Diagnostic::error(file, message)
            .at(text, l, c, 1)
            .with_label("opened here, never closed")
            .with_help(Some(help))
            .with_kind("YAML");
    }
    let source_line = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let width = token_width(source_line, column);
    Diagnostic::error(file, message)
        .at(text, line, column, width)
        .with_help(Some(help))
        .with_kind("YAML")
}

/// The line and column of the last `open` that is not closed by `close` in lines
/// `first_line..=upto` of `text` (quotes and comments skipped).
fn unclosed(
    text: &str,
    first_line: usize,
    upto: usize,
    open: char,
    close: char,
) -> Option<(usize, usize)> {
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for (i, l) in text
        .lines()
        .enumerate()
        .skip(first_line - 1)
        .take(upto + 1 - first_line)
    {
        let mut quote: Option<char> = None;
        for (col, ch) in l.chars().enumerate() {
            match (quote, ch) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(ch),
                (None, '#') => break,
                (None, c) if c == open => stack.push((i + 1, col + 1)),
                (None, c) if c == close => {
                    stack.pop();
                }
                _ => {}
            }
        }
    }
    stack.pop()
}

/// Walks the whole file for its problems. `None` when the tree cannot be built (a syntax
/// error, a second document) or the walk finds nothing serde objected to: serde's own (single)
/// message is then the one to show.
fn every_problem<T: DeserializeOwned>(
    yaml: &str,
    first_line: usize,
    file: &str,
    text: &str,
    record: &'static Record,
) -> Option<Rejected<T>> {
    let root = tree::parse(yaml)?;
    if root.is_null() {
        return None;
    }
    // Line 0 of the YAML is the line before it: an account file's opening `---`.
    let opening = Position {
        line: 0,
        column: 1,
        width: 3,
    };
    let walked = walk::walk(&root, record, opening);
    if walked.problems.is_empty() {
        return None;
    }
    let diagnostics = walked
        .problems
        .into_iter()
        .map(|p| {
            let line = (p.pos.line + first_line).saturating_sub(1).max(1);
            Diagnostic::error(file, p.message)
                .at(text, line, p.pos.column, p.pos.width)
                .with_help(p.help)
                .map_label(p.label)
                .with_kind(p.kind)
        })
        .collect();
    let partial = walked
        .value
        .and_then(|v| serde_json::from_value::<T>(v).ok());
    Some(Rejected {
        diagnostics,
        partial,
        damaged: walked.damaged,
    })
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
        .with_kind("YAML")
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
    if raw.starts_with("multiple YAML documents detected") {
        return Explained {
            message: "a second YAML document: kamsite reads one per file".into(),
            label: Some("a second document starts here".into()),
            help: Some("remove this `---` (or `...`) line and keep one block of keys".into()),
            width: Some(3),
        };
    }
    if raw.starts_with("cannot deserialize null into") {
        return plain("a value is missing here".into(), Some("empty"));
    }
    if let Some(breach) = raw.strip_prefix("budget breached: ") {
        return plain(budget_message(breach), None);
    }
    if raw.starts_with("recursion limit exceeded") {
        return plain(
            "this YAML is nested too deeply: at most 64 levels of lists and mappings".into(),
            None,
        );
    }
    match raw {
        "externally tagged enum expected scalar or mapping"
        | "expected string key for externally tagged enum"
        | "unexpected value for unit enum variant" => plain(
            "expected one word here, found a list or a mapping".into(),
            Some("expected a single value"),
        ),
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

/// serde-saphyr's resource limits (`Depth { depth: 65 }`), as what is wrong with the file.
fn budget_message(breach: &str) -> String {
    let kind = breach.split([' ', '{']).next().unwrap_or(breach);
    let what = match kind {
        "Depth" => "is nested too deeply: at most 64 levels of lists and mappings",
        "Nodes" | "Events" => "has too many values: at most 250,000 values in one file",
        "Aliases" | "AliasAnchorRatio" => "has too many aliases (`*name`): at most 50,000",
        "Anchors" => "has too many anchors (`&name`): at most 50,000",
        "ScalarBytes" | "InputBytes" => "has too much text: at most 64 MiB of values",
        "Documents" => "has too many YAML documents",
        "MergeKeys" => "has too many merge keys (`<<`)",
        _ => "is too large or too complex to read",
    };
    format!("this YAML {what}")
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
