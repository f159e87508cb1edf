//! The YAML of a file as a tree of positioned nodes, for reporting every problem of a file.
//!
//! serde stops at the first problem, so when a file does not decode, the loader rebuilds it as
//! this tree (one more pass of the parser, only for broken files) and walks it against the schema
//! (`schema.rs`, `walk.rs`), collecting every problem with its own position.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

use super::positions::{span_position as position, Position};

/// Deeper than this, the file is not a plausible account file; serde-saphyr's own budget
/// (nesting 64) already rejected it, and we fall back to its message.
const MAX_DEPTH: usize = 64;
/// Node cap for the same reason (a hostile file must not cost memory a second time).
const MAX_NODES: usize = 200_000;

/// One YAML node and where it is written.
#[derive(Debug, Clone)]
pub struct Node {
    pub kind: Kind,
    /// Line and column of the node's first character (of the text inside the quotes for a
    /// quoted scalar), and how many characters to mark.
    pub pos: Position,
}

#[derive(Debug, Clone)]
pub enum Kind {
    /// A scalar's text after escape processing; `plain` when it was written without quotes
    /// or block indicators (only plain scalars can be numbers, booleans or null).
    Scalar {
        text: String,
        plain: bool,
    },
    /// Key/value pairs in the order written (duplicates kept, so they can be reported).
    Map(Vec<(Node, Node)>),
    Seq(Vec<Node>),
    /// `*name`: resolved by serde-saphyr; the walk accepts it as it is.
    Alias,
}

impl Node {
    /// Plain `null`, `~` or nothing at all.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// What the node is, in a plan author's words ("a list", "text `abc`").
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Scalar { .. } if self.is_null() => "nothing".into(),
            Kind::Scalar { text, .. } => format!("`{}`", shorten(text)),
            Kind::Map(_) => "a mapping".into(),
            Kind::Seq(_) => "a list".into(),
            Kind::Alias => "an alias".into(),
        }
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        text.chars().take(37).collect::<String>() + "…"
    } else {
        text.to_string()
    }
}

/// The first (and only) document of `yaml` as a tree, or `None` when the YAML cannot be parsed
/// (a syntax error, a second document, too deep): serde-saphyr's error then says why.
/// The first syntax error of `yaml`, as the parser sees it before any value is read: its line
/// (1-based), column (1-based) and the parser's words. A syntax error comes before any problem
/// with a value: an unclosed `{` makes the lines after it part of one value, and that value's
/// complaint (`cooperative plan` is not a stage) would send the reader to the wrong place.
pub fn syntax_error(yaml: &str) -> Option<(usize, usize, String)> {
    let mut parser = Parser::new_from_str(yaml);
    while let Some(next) = parser.next_event() {
        if let Err(e) = next {
            let m = e.marker();
            return Some((m.line(), m.col() + 1, e.info()));
        }
    }
    None
}

pub fn parse(yaml: &str) -> Option<Node> {
    let mut parser = Parser::new_from_str(yaml);
    // Open collections: (node under construction, pending key of a mapping).
    let mut stack: Vec<(Node, Option<Node>)> = Vec::new();
    let mut root = None;
    let mut nodes = 0usize;
    let mut documents = 0;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.ok()?;
        let node = match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Scalar(text, style, ..) => {
                let plain = style == ScalarStyle::Plain;
                let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
                Node {
                    pos: position(&span, quoted),
                    kind: Kind::Scalar {
                        text: text.into_owned(),
                        plain,
                    },
                }
            }
            Event::Alias(_) => Node {
                pos: position(&span, false),
                kind: Kind::Alias,
            },
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                let kind = if matches!(event, Event::MappingStart(..)) {
                    Kind::Map(Vec::new())
                } else {
                    Kind::Seq(Vec::new())
                };
                stack.push((
                    Node {
                        kind,
                        pos: position(&span, false),
                    },
                    None,
                ));
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => stack.pop()?.0,
            _ => continue,
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return None;
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some((parent, pending)) => match &mut parent.kind {
                Kind::Seq(items) => items.push(node),
                Kind::Map(pairs) => match pending.take() {
                    None => *pending = Some(node),
                    Some(key) => pairs.push((key, node)),
                },
                _ => return None,
            },
        }
    }
    Some(root.unwrap_or(Node {
        kind: Kind::Scalar {
            text: String::new(),
            plain: true,
        },
        pos: Position {
            line: 1,
            column: 1,
            width: 1,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(node: &Node) -> Vec<(String, usize, usize, usize)> {
        match &node.kind {
            Kind::Map(pairs) => pairs
                .iter()
                .map(|(k, _)| match &k.kind {
                    Kind::Scalar { text, .. } => {
                        (text.clone(), k.pos.line, k.pos.column, k.pos.width)
                    }
                    _ => (String::new(), 0, 0, 0),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn keys_are_positioned_without_their_quotes() {
        let t = parse("name: a\n\"desgnation\": key\n'x y': 1\n").unwrap();
        assert_eq!(
            keys(&t),
            [
                ("name".to_string(), 1, 1, 4),
                ("desgnation".into(), 2, 2, 10),
                ("x y".into(), 3, 2, 3)
            ]
        );
    }

    #[test]
    fn crlf_keeps_columns() {
        let t = parse("name: a\r\nteam:\r\n  - { name: b, rol: c }\r\n").unwrap();
        let Kind::Map(pairs) = &t.kind else { panic!() };
        let Kind::Seq(items) = &pairs[1].1.kind else {
            panic!()
        };
        assert_eq!(keys(&items[0])[1], ("rol".to_string(), 3, 16, 3));
    }

    #[test]
    fn second_documents_and_syntax_errors_give_no_tree() {
        assert!(parse("a: 1\n---\nb: 2\n").is_none());
        assert!(parse("a: 'x\n").is_none());
        assert!(parse("").is_some_and(|n| n.is_null()));
    }
}
