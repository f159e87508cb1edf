//! Reading the simple form of YAML into a tree of nodes, or giving up (`None`).

use super::{MAX_DEPTH, MAX_ENTRIES, MAX_KEY};

/// A value of the document. Keys are plain scalars (anything else gives up); a key with no
/// value holds the empty plain scalar, YAML's null.
#[derive(Debug)]
pub(super) enum Node<'y> {
    /// An unquoted scalar, as written (trimmed).
    Plain(&'y str),
    /// A quoted scalar without escapes: its text between the quotes.
    Quoted(&'y str),
    Seq(Vec<Node<'y>>),
    Map(Vec<(Node<'y>, Node<'y>)>),
}

/// Whether every character may appear in YAML (serde-saphyr rejects the others); a carriage
/// return only before a line feed.
pub(super) fn printable(yaml: &str) -> bool {
    let bytes = yaml.as_bytes();
    if bytes.is_ascii() {
        return bytes.iter().enumerate().all(|(i, &b)| match b {
            b'\n' => true,
            b'\r' => bytes.get(i + 1) == Some(&b'\n'),
            _ => (0x20..0x7f).contains(&b),
        });
    }
    let mut chars = yaml.chars().peekable();
    while let Some(c) = chars.next() {
        let ok = match c {
            '\n' => true,
            '\r' => chars.peek() == Some(&'\n'),
            '\u{20}'..='\u{7e}' | '\u{85}' => true,
            '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' => c != '\u{feff}',
            '\u{10000}'..='\u{10ffff}' => true,
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

/// A line with content: its indentation and its text without it (comments and blank lines
/// are dropped before parsing).
#[derive(Clone, Copy)]
struct Line<'y> {
    indent: usize,
    text: &'y str,
}

pub(super) struct Parser<'y> {
    lines: Vec<Line<'y>>,
    pos: usize,
}

impl<'y> Parser<'y> {
    pub(super) fn new(yaml: &'y str) -> Option<Parser<'y>> {
        let mut lines = Vec::with_capacity(yaml.len() / 24);
        for raw in yaml.split('\n') {
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            if raw.contains('\t') {
                return None;
            }
            let text = raw.trim_start_matches(' ');
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let indent = raw.len() - text.len();
            if indent == 0 && (text.starts_with("---") || text.starts_with("...")) {
                return None;
            }
            lines.push(Line {
                indent,
                text: text.trim_end_matches(' '),
            });
        }
        Some(Parser { lines, pos: 0 })
    }

    /// The document: a mapping starting at the first column.
    pub(super) fn document(mut self) -> Option<Node<'y>> {
        let first = *self.lines.first()?;
        if first.indent != 0 || is_item(first.text) {
            return None;
        }
        let node = self.map(0, 0)?;
        (self.pos == self.lines.len()).then_some(node)
    }

    fn block(&mut self, indent: usize, depth: usize) -> Option<Node<'y>> {
        if depth > MAX_DEPTH {
            return None;
        }
        if is_item(self.lines.get(self.pos)?.text) {
            self.seq(indent, depth)
        } else {
            self.map(indent, depth)
        }
    }

    fn map(&mut self, indent: usize, depth: usize) -> Option<Node<'y>> {
        let mut entries: Vec<(Node<'y>, Node<'y>)> = Vec::new();
        while let Some(line) = self.lines.get(self.pos).copied() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || is_item(line.text) {
                return None;
            }
            let (key, rest) = entry(line.text)?;
            if !admits(&entries, key) {
                return None;
            }
            self.pos += 1;
            let value = self.value(indent, rest, depth)?;
            entries.push((Node::Plain(key), value));
        }
        Some(Node::Map(entries))
    }

    /// The value after `key:` on a line at `indent`: on the line, or the block below it.
    fn value(&mut self, indent: usize, rest: &'y str, depth: usize) -> Option<Node<'y>> {
        if rest.is_empty() || rest.starts_with('#') {
            // Nothing on the line: a block below it (a list may start at the key's column),
            // or null, the empty plain scalar.
            return match self.lines.get(self.pos) {
                Some(next) if next.indent > indent => self.block(next.indent, depth + 1),
                Some(next) if next.indent == indent && is_item(next.text) => {
                    self.seq(indent, depth + 1)
                }
                _ => Some(Node::Plain("")),
            };
        }
        let node = inline(rest, depth + 1)?;
        self.no_continuation(indent)?;
        Some(node)
    }

    /// A value on one line must not go on below it (a multi-line scalar or an error).
    fn no_continuation(&self, indent: usize) -> Option<()> {
        match self.lines.get(self.pos) {
            Some(next) if next.indent > indent => None,
            _ => Some(()),
        }
    }

    fn seq(&mut self, indent: usize, depth: usize) -> Option<Node<'y>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut items = Vec::new();
        while let Some(line) = self.lines.get(self.pos).copied() {
            if line.indent < indent || (line.indent == indent && !is_item(line.text)) {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let content = line.text[1..].trim_start_matches(' ');
            if content.is_empty() || content.starts_with('#') {
                self.pos += 1;
                let next = *self.lines.get(self.pos)?;
                if next.indent <= indent {
                    return None;
                }
                items.push(self.block(next.indent, depth + 1)?);
            } else if is_item(content) {
                return None;
            } else if !content.starts_with(['"', '\'', '{', '[']) && has_entry(content) {
                // `- key: value`: a mapping whose keys stand at the column of `key`.
                let column = indent + (line.text.len() - content.len());
                self.lines[self.pos] = Line {
                    indent: column,
                    text: content,
                };
                items.push(self.map(column, depth + 1)?);
            } else {
                self.pos += 1;
                items.push(inline(content, depth + 1)?);
                self.no_continuation(indent)?;
            }
        }
        Some(Node::Seq(items))
    }
}

/// Whether a line is a list item (`- …` or a lone `-`).
fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Whether a plain line holds `key: value` (YAML reads `a: b` in a list item as a mapping).
fn has_entry(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b':', bytes).any(|i| bytes.get(i + 1).is_none_or(|&b| b == b' '))
}

/// Splits `key: rest` (rest trimmed), in a block or a flow mapping; `None` unless the key is a
/// simple plain word.
fn entry(text: &str) -> Option<(&str, &str)> {
    let colon = text.find(':')?;
    let after = &text[colon + 1..];
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    let key = text[..colon].trim_end_matches(' ');
    (colon <= MAX_KEY && simple_key(key)).then_some((key, after.trim_start_matches(' ')))
}

/// Whether a mapping holding `entries` may take `key`: not a second time, and not beyond
/// [`MAX_ENTRIES`].
fn admits(entries: &[(Node<'_>, Node<'_>)], key: &str) -> bool {
    entries.len() < MAX_ENTRIES
        && !entries
            .iter()
            .any(|(k, _)| matches!(k, Node::Plain(k) if *k == key))
}

/// A key this reader can take as text: a plain scalar that YAML can only read as a string,
/// without characters that have a meaning somewhere in YAML (flow indicators among them).
/// Its length is bounded by the caller, up to its colon.
fn simple_key(key: &str) -> bool {
    !key.is_empty()
        && key != "<<"
        && !key.bytes().any(indicator)
        && !key.starts_with(['-', '?', ':'])
        && !ambiguous(key)
}

/// Characters that are syntax somewhere in YAML: a plain scalar that starts with one (or a key
/// holding one) is left to serde-saphyr.
/// (All ASCII, so a byte of a longer UTF-8 character is never one; a byte test instead of a
/// search for any of 17 characters, which was 3 % of reading front matter.)
fn indicator(b: u8) -> bool {
    matches!(
        b,
        b'#' | b'\''
            | b'"'
            | b'{'
            | b'}'
            | b'['
            | b']'
            | b','
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'%'
            | b'@'
            | b'`'
            | b'\\'
    )
}

/// Whether YAML could read this plain scalar as something other than a string: null, a
/// boolean (YAML 1.1 spellings included), or, when it starts like one, a number in any of
/// YAML's spellings (`0x1F`, `1_000`, `1e3`, `.inf`, `-.NaN`). `2027-Q1` is text: no
/// number holds a `Q`.
pub(super) fn ambiguous(plain: &str) -> bool {
    let numberish = |c: char| c.is_ascii_hexdigit() || "xXoO+-._iInN:".contains(c);
    nullish(plain)
        || ["true", "false", "yes", "no", "on", "off", "y", "n"]
            .iter()
            .any(|word| plain.eq_ignore_ascii_case(word))
        || (plain.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'))
            && plain.chars().all(numberish))
}

/// Whether YAML could read this plain scalar as an infinite or not-a-number float (`.inf`,
/// `1e999`, 400 digits).
pub(super) fn maybe_not_finite(plain: &str) -> bool {
    ambiguous(plain) && {
        let lower = plain.to_ascii_lowercase();
        plain.len() > 300 || lower.contains('e') || lower.contains("inf") || lower.contains("nan")
    }
}

pub(super) fn nullish(plain: &str) -> bool {
    matches!(plain, "" | "~" | "null" | "Null" | "NULL")
}

/// A value written on one line: a quoted or plain scalar, or a flow collection, then at most
/// a comment.
fn inline(text: &str, depth: usize) -> Option<Node<'_>> {
    if text.starts_with(['{', '[']) {
        let mut flow = Flow { text, at: 0 };
        let node = flow.collection(depth)?;
        return comment_only(&text[flow.at..]).then_some(node);
    }
    if text.starts_with(['"', '\'']) {
        let (node, len) = quoted(text)?;
        return comment_only(&text[len..]).then_some(node);
    }
    let plain = match text.find(" #") {
        Some(at) => text[..at].trim_end_matches(' '),
        None => text,
    };
    plain_ok(plain).then_some(Node::Plain(plain))
}

/// What may follow a value on its line: nothing, or spaces and a comment.
fn comment_only(rest: &str) -> bool {
    rest.is_empty() || (rest.starts_with(' ') && rest.trim_start_matches(' ').starts_with('#'))
}

/// A plain scalar this reader takes: no indicator first (a negative number's `-` aside), no
/// `: ` inside (YAML would read a mapping there, or fail).
fn plain_ok(plain: &str) -> bool {
    let first_ok = match plain.as_bytes().first() {
        None => false,
        Some(b'-') => plain[1..].starts_with(|c: char| c.is_ascii_digit()),
        Some(&b) => !indicator(b) && b != b'?' && b != b':',
    };
    first_ok && !has_entry(plain)
}

/// A quoted scalar at the start of `text` without escapes (a `\` in double quotes, `''` in
/// single ones), closed on its line: the node and the bytes it takes.
fn quoted(text: &str) -> Option<(Node<'_>, usize)> {
    let quote = text.as_bytes()[0] as char;
    let end = 1 + text[1..].find(quote)?;
    let inner = &text[1..end];
    if (quote == '"' && inner.contains('\\')) || text[end + 1..].starts_with(quote) {
        return None;
    }
    Some((Node::Quoted(inner), end + 1))
}

/// A one-line flow collection (`{ a: 1, b: x }`, `[a, b]`), read from `text[at..]`.
struct Flow<'y> {
    text: &'y str,
    at: usize,
}

impl<'y> Flow<'y> {
    fn rest(&self) -> &'y str {
        &self.text[self.at..]
    }

    fn skip_spaces(&mut self) {
        self.at = self.text.len() - self.rest().trim_start_matches(' ').len();
    }

    fn collection(&mut self, depth: usize) -> Option<Node<'y>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mapping = self.rest().starts_with('{');
        let close = if mapping { '}' } else { ']' };
        self.at += 1;
        let mut entries: Vec<(Node<'y>, Node<'y>)> = Vec::new();
        let mut items = Vec::new();
        self.skip_spaces();
        if self.rest().starts_with(close) {
            self.at += 1;
        } else {
            loop {
                if mapping {
                    let (key, rest) = entry(self.rest())?;
                    if !admits(&entries, key) {
                        return None;
                    }
                    self.at = self.text.len() - rest.len();
                    let value = self.value(depth)?;
                    entries.push((Node::Plain(key), value));
                } else {
                    let item = self.value(depth)?;
                    items.push(item);
                }
                self.skip_spaces();
                match self.rest().chars().next()? {
                    ',' => {
                        self.at += 1;
                        self.skip_spaces();
                        // A trailing comma, or a comma before a comma: left to serde-saphyr.
                        if self.rest().starts_with([',', '}', ']']) {
                            return None;
                        }
                    }
                    c if c == close => {
                        self.at += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        Some(if mapping {
            Node::Map(entries)
        } else {
            Node::Seq(items)
        })
    }

    fn value(&mut self, depth: usize) -> Option<Node<'y>> {
        let rest = self.rest();
        if rest.starts_with(['{', '[']) {
            return self.collection(depth + 1);
        }
        if rest.starts_with(['"', '\'']) {
            let (node, len) = quoted(rest)?;
            self.at += len;
            return Some(node);
        }
        let end = rest.find([',', '}', ']']).unwrap_or(rest.len());
        let plain = rest[..end].trim_end_matches(' ');
        // In a flow collection `:`, `#`, `[` and `{` have meanings of their own: left to
        // serde-saphyr.
        if !plain_ok(plain) || plain.contains([':', '#', '[', '{']) {
            return None;
        }
        self.at += end;
        Some(Node::Plain(plain))
    }
}
