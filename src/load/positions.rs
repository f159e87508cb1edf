//! Finding where a value sits in the YAML, after the fact.
//!
//! The model carries no spans (analysis reads plain numbers), so validation names the value by
//! its path (`financials[2].revenue`) and this module replays the parser's events to find it.
//! It runs only for files that have a problem, so valid files are parsed once.

use std::collections::HashMap;

use crate::diagnostics::Diagnostic;
use crate::model::{Config, Severity};

use super::{Root, CONFIG_FILE};

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span};

/// A problem found by a check, before it is given a position.
#[derive(Clone, Debug)]
pub struct Problem {
    /// Relative path of the file (kamsite.yaml, an account file or a CSV source).
    pub file: String,
    pub severity: Severity,
    pub locus: Locus,
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
    /// The GitHub annotation's title (see `Diagnostic::kind`).
    pub kind: &'static str,
}

/// Where in its file a problem is: a value of a YAML file, named by its path (its line and
/// column are looked up only for files with problems), or a cell of a CSV source.
#[derive(Clone, Debug)]
pub enum Locus {
    Yaml(YamlPath, Target),
    Cell {
        line: usize,
        column: usize,
        width: usize,
    },
    /// A cell of a workbook's sheet.
    Sheet {
        sheet: String,
        row: usize,
        column: usize,
    },
    /// A place in a text file that is the user's own writing (a narrative), always shown.
    Line {
        line: usize,
        column: usize,
        width: usize,
    },
}

/// Gives each problem a position, in order, reading each affected file once. `config` names
/// the CSV sources, whose delimiter decides whether a row may be shown.
pub fn position(root: &Root, config: &Config, problems: Vec<Problem>) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // By file, each read and parsed once (in parallel: `check` positions every finding),
    // then back in the problems' order.
    let mut by_file: HashMap<String, Vec<(usize, Problem)>> = HashMap::new();
    for (i, p) in problems.into_iter().enumerate() {
        by_file.entry(p.file.clone()).or_default().push((i, p));
    }
    let mut out: Vec<(usize, Diagnostic)> = by_file
        .into_par_iter()
        .flat_map_iter(|(file, problems)| {
            let text = read(root, &file);
            let yaml = if file == CONFIG_FILE {
                text.as_str()
            } else {
                super::split(&text).map_or("", |s| s.yaml)
            };
            let paths: Vec<(&YamlPath, Target)> = problems
                .iter()
                .filter_map(|(_, p)| match &p.locus {
                    Locus::Yaml(path, target) if !path.0.is_empty() => Some((path, *target)),
                    _ => None,
                })
                .collect();
            let mut found = locate_all(yaml, &paths).into_iter();
            let placed: Vec<(usize, Diagnostic)> = problems
                .into_iter()
                .map(|(i, p)| {
                    let at = match &p.locus {
                        Locus::Yaml(path, _) if !path.0.is_empty() => found.next(),
                        _ => None,
                    };
                    (i, one(root, config, &text, p, at))
                })
                .collect();
            placed
        })
        .collect();
    out.sort_unstable_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, d)| d).collect()
}

fn read(root: &Root, rel: &str) -> String {
    super::read_text(root, rel)
        .and_then(Result::ok)
        .unwrap_or_default()
}

fn one(root: &Root, config: &Config, text: &str, p: Problem, at: Option<Position>) -> Diagnostic {
    let rel = p.file.as_str();
    let d = Diagnostic::error(root.display(rel), p.message).with_help(p.help);
    let d = Diagnostic {
        severity: p.severity,
        ..d
    }
    .with_kind(p.kind);
    let d = match p.locus {
        Locus::Yaml(path, _) if path.0.is_empty() => d.at(text, 1, 1, 3),
        Locus::Yaml(path, target) => {
            let (yaml, first_line) = if rel == CONFIG_FILE {
                (text, 1)
            } else {
                (super::split(text).map_or("", |s| s.yaml), 2)
            };
            let pos = at.unwrap_or_else(|| locate(yaml, &path, target));
            d.at(text, pos.line + first_line - 1, pos.column, pos.width)
        }
        Locus::Line {
            line,
            column,
            width,
        } => d.at(text, line, column, width),
        Locus::Sheet { sheet, row, column } => d.at_cell(&sheet, row, column),
        Locus::Cell {
            line,
            column,
            width,
        } => {
            let delimiter = super::sources::delimiter_of(config, rel);
            let shown = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
            // 0: as wide as the cell (a check made after merging knows only where the
            // cell starts).
            let width = if width == 0 {
                shown
                    .chars()
                    .skip(column.saturating_sub(1))
                    .take_while(|c| *c != char::from(delimiter) && *c != '\r')
                    .count()
                    .clamp(1, crate::diagnostics::MAX_ECHO)
            } else {
                width
            };
            if super::sources::may_echo(shown, delimiter) {
                d.at(text, line, column, width)
            } else {
                d.at_position(line, column, width)
            }
        }
    };
    match p.label {
        Some(l) => d.with_label(l),
        None => d,
    }
}

pub use crate::model::{Seg, Target, YamlPath};

/// 1-based line and column (characters) in the YAML text, and how many characters to mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub width: usize,
}

/// The span as a 1-based position. For a quoted scalar on one line, the quotes are left out,
/// so the caret marks the name itself (`"desgnation"` marks `desgnation`).
pub(crate) fn span_position(span: &Span, quoted: bool) -> Position {
    let (start, end) = (span.start, span.end);
    let len = end.index().saturating_sub(start.index());
    let one_line = start.line() == end.line();
    if quoted && one_line && len >= 2 {
        Position {
            line: start.line(),
            column: start.col() + 2,
            width: (len - 2).max(1),
        }
    } else {
        Position {
            line: start.line(),
            column: start.col() + 1,
            width: if one_line { len.max(1) } else { 1 },
        }
    }
}

enum Frame {
    Map {
        awaiting_key: bool,
        key: Option<(String, Position)>,
    },
    Seq {
        next: usize,
    },
}

/// Where `path` is in `yaml`. When the path does not exist (a missing key), the deepest
/// existing ancestor is returned, so the caret still lands near the problem.
pub fn locate(yaml: &str, path: &YamlPath, target: Target) -> Position {
    locate_all(yaml, &[(path, target)])[0]
}

/// [`locate`] for several paths of one document, in one pass over it (a file with many
/// findings is parsed once, not once per finding).
pub fn locate_all(yaml: &str, paths: &[(&YamlPath, Target)]) -> Vec<Position> {
    let start = Position {
        line: 1,
        column: 1,
        width: 1,
    };
    let mut best = vec![start; paths.len()];
    let mut best_depth = vec![0usize; paths.len()];
    let mut done = vec![false; paths.len()];
    let mut open = paths.len();
    let mut stack: Vec<Frame> = Vec::new();
    let mut current: Vec<Seg> = Vec::new();
    let mut parser = Parser::new_from_str(yaml);
    while let Some(Ok((event, span))) = parser.next_event() {
        if open == 0 {
            break;
        }
        // The same rule as the tree's: a quoted name is marked without its quotes.
        let quoted = matches!(
            event,
            Event::Scalar(_, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted, ..)
        );
        let pos = span_position(&span, quoted);
        let is_node = matches!(
            event,
            Event::Scalar(..)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
                | Event::Alias(_)
        );
        if matches!(event, Event::MappingEnd | Event::SequenceEnd) {
            stack.pop();
            current.pop();
            continue;
        }
        if !is_node {
            continue;
        }
        // A scalar in key position names the next value.
        if let Some(Frame::Map { awaiting_key, key }) = stack.last_mut() {
            if *awaiting_key {
                *awaiting_key = false;
                *key = match &event {
                    Event::Scalar(text, ..) => Some((text.to_string(), pos)),
                    _ => None,
                };
                if !matches!(event, Event::Scalar(..)) {
                    // A complex key: skip over it as an anonymous collection.
                    stack.push(Frame::Seq { next: 0 });
                    current.push(Seg::Index(usize::MAX));
                }
                continue;
            }
        }
        let (seg, key_pos) = match stack.last_mut() {
            Some(Frame::Map { awaiting_key, key }) => {
                *awaiting_key = true;
                match key.take() {
                    Some((k, kp)) => (Some(Seg::Key(k)), Some(kp)),
                    None => (Some(Seg::Key(String::new())), None),
                }
            }
            Some(Frame::Seq { next }) => {
                *next += 1;
                (Some(Seg::Index(*next - 1)), None)
            }
            None => (None, None),
        };
        if let Some(seg) = seg {
            current.push(seg);
        }
        for (i, (path, target)) in paths.iter().enumerate() {
            if done[i] {
                continue;
            }
            let depth = common_prefix(&current, &path.0);
            if depth == current.len() && depth > best_depth[i]
                || current.is_empty() && best_depth[i] == 0
            {
                best_depth[i] = depth;
                best[i] = match (target, key_pos) {
                    (Target::Key, Some(kp)) if depth == path.0.len() => kp,
                    _ if depth < path.0.len() => key_pos.unwrap_or(pos),
                    _ => pos,
                };
                if depth == path.0.len() && !path.0.is_empty() {
                    done[i] = true;
                    open -= 1;
                }
            }
        }
        match event {
            Event::MappingStart(..) => stack.push(Frame::Map {
                awaiting_key: true,
                key: None,
            }),
            Event::SequenceStart(..) => stack.push(Frame::Seq { next: 0 }),
            _ => {
                current.pop();
            }
        }
    }
    best
}

fn common_prefix(a: &[Seg], b: &[Seg]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name: Acme\nfinancials:\n  - { period: 2026-Q2, revenue: 10 }\n  - period: 2026-Q3\n    revenue: -5\nattractiveness:\n  profitabilty: 4\n";

    fn at(p: Position) -> (usize, usize) {
        (p.line, p.column)
    }

    #[test]
    fn finds_values_in_flow_and_block_style() {
        let p = YamlPath::root().key("financials").index(0).key("revenue");
        assert_eq!(at(locate(DOC, &p, Target::Value)), (3, 33));
        let p = YamlPath::root().key("financials").index(1).key("revenue");
        assert_eq!(at(locate(DOC, &p, Target::Value)), (5, 14));
    }

    #[test]
    fn finds_keys() {
        let p = YamlPath::root().key("attractiveness").key("profitabilty");
        let pos = locate(DOC, &p, Target::Key);
        assert_eq!((pos.line, pos.column, pos.width), (7, 3, 12));
    }

    #[test]
    fn quoted_keys_are_marked_without_their_quotes() {
        let doc = "whitespace:\n  \"Spare part\": owned\n  'Training': owned\n";
        let p = YamlPath::root().key("whitespace").key("Spare part");
        let pos = locate(doc, &p, Target::Key);
        assert_eq!((pos.line, pos.column, pos.width), (2, 4, 10));
        let p = YamlPath::root().key("whitespace").key("Training");
        let pos = locate(doc, &p, Target::Key);
        assert_eq!((pos.line, pos.column, pos.width), (3, 4, 8));
    }

    #[test]
    fn missing_paths_fall_back_to_the_nearest_ancestor() {
        let p = YamlPath::root()
            .key("financials")
            .index(1)
            .key("cost_to_serve");
        assert_eq!(at(locate(DOC, &p, Target::Value)), (4, 5));
    }

    #[test]
    fn path_display() {
        let p = YamlPath::root().key("financials").index(2).key("revenue");
        assert_eq!(p.to_string(), "financials[2].revenue");
    }
}
