//! A fast reader for the YAML that plans are usually written in, in front of serde-saphyr.
//!
//! Front matter is simple YAML: `key: value` lines, nested by indentation, `- item` lists and
//! one-line `{ … }` / `[ … ]` collections of plain or quoted words and numbers. serde-saphyr
//! reads everything YAML allows, with budgets against hostile files, at about 15 MB/s here:
//! a fifth of a 10,000-account build went to it. This reader handles only that simple form,
//! about ten times faster, and gives up (`None`) on anything else: anchors, aliases, tags,
//! block scalars, escapes, multi-line values, duplicate keys, merge keys, tabs,
//! control characters, deep nesting, a value whose meaning could depend on YAML's rules
//! (`yes`, `~`, `0x1F` where any type is accepted), and every type or schema error. The
//! caller then reads the file with serde-saphyr, which decides and words every problem.
//!
//! So a file read here gives the very value serde-saphyr would give, or is not read here:
//! `tests` compare the two on the example portfolio, on generated portfolios and on
//! thousands of generated documents full of YAML's corner cases.

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

/// Larger documents go to serde-saphyr, whose budgets (250,000 nodes, 64 levels) they could
/// reach; an account's front matter is a few kilobytes.
const MAX_BYTES: usize = 128 * 1024;
/// Deeper nesting goes to serde-saphyr (a plan nests four levels).
const MAX_DEPTH: usize = 16;
/// YAML's limit on an implicit key's length is 1,024 characters up to its `:`, spaces
/// included; longer ones go to serde-saphyr.
const MAX_KEY: usize = 1000;
/// Keys are checked against each other's spelling one by one (a mapping has a few); one with
/// more goes to serde-saphyr, so that the check stays linear in the file's length.
const MAX_ENTRIES: usize = 256;

/// Decodes `yaml` when it is in the simple form; `None` when serde-saphyr must read it.
pub fn from_str<T: DeserializeOwned>(yaml: &str) -> Option<T> {
    if yaml.len() > MAX_BYTES || !printable(yaml) {
        return None;
    }
    let node = Parser::new(yaml)?.document()?;
    T::deserialize(De(&node)).ok()
}

/// A value of the document. Keys are plain scalars (anything else gives up); a key with no
/// value holds the empty plain scalar, YAML's null.
#[derive(Debug)]
enum Node<'y> {
    /// An unquoted scalar, as written (trimmed).
    Plain(&'y str),
    /// A quoted scalar without escapes: its text between the quotes.
    Quoted(&'y str),
    Seq(Vec<Node<'y>>),
    Map(Vec<(Node<'y>, Node<'y>)>),
}

/// Whether every character may appear in YAML (serde-saphyr rejects the others); a carriage
/// return only before a line feed.
fn printable(yaml: &str) -> bool {
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

struct Parser<'y> {
    lines: Vec<Line<'y>>,
    pos: usize,
}

impl<'y> Parser<'y> {
    fn new(yaml: &'y str) -> Option<Parser<'y>> {
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
    fn document(mut self) -> Option<Node<'y>> {
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
            if entries.len() == MAX_ENTRIES
                || entries
                    .iter()
                    .any(|(k, _)| matches!(k, Node::Plain(k) if *k == key))
            {
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
    text.contains(": ") || text.ends_with(':')
}

/// Splits `key: rest` (rest trimmed); `None` unless the key is a simple plain word.
fn entry(text: &str) -> Option<(&str, &str)> {
    let colon = text.find(':')?;
    let after = &text[colon + 1..];
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    let key = text[..colon].trim_end_matches(' ');
    (colon <= MAX_KEY && simple_key(key)).then_some((key, after.trim_start_matches(' ')))
}

/// A key this reader can take as text: a plain scalar that YAML can only read as a string,
/// without characters that have a meaning somewhere in YAML.
fn simple_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_KEY
        && key != "<<"
        && !key.contains(INDICATORS)
        && !key.starts_with(['-', '?', ':'])
        && !ambiguous(key)
}

/// Characters that are syntax somewhere in YAML: a plain scalar that starts with one (or a key
/// holding one) is left to serde-saphyr.
const INDICATORS: &[char] = &[
    '#', '\'', '"', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '%', '@', '`', '\\',
];

/// Whether YAML could read this plain scalar as something other than a string: null, a
/// boolean (YAML 1.1 spellings included), or, when it starts like one, a number in any of
/// YAML's spellings (`0x1F`, `1_000`, `1e3`, `.inf`, `-.NaN`). `2027-Q1` is text: no
/// number holds a `Q`.
fn ambiguous(plain: &str) -> bool {
    let numberish = |c: char| c.is_ascii_hexdigit() || "xXoO+-._iInN:".contains(c);
    nullish(plain)
        || matches!(
            plain.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
        || (plain.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'))
            && plain.chars().all(numberish))
}

/// Whether YAML could read this plain scalar as an infinite or not-a-number float (`.inf`,
/// `1e999`, 400 digits).
fn maybe_not_finite(plain: &str) -> bool {
    ambiguous(plain)
        && (plain.len() > 300
            || plain.contains(['e', 'E'])
            || plain.to_ascii_lowercase().contains("inf")
            || plain.to_ascii_lowercase().contains("nan"))
}

fn nullish(plain: &str) -> bool {
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
        Some(_) => !plain.starts_with(INDICATORS) && !plain.starts_with(['?', ':']),
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
        let open = self.rest().as_bytes()[0];
        let close = if open == b'{' { '}' } else { ']' };
        self.at += 1;
        let mut entries: Vec<(Node<'y>, Node<'y>)> = Vec::new();
        let mut items = Vec::new();
        self.skip_spaces();
        if self.rest().starts_with(close) {
            self.at += 1;
        } else {
            loop {
                if open == b'{' {
                    let rest = self.rest();
                    let colon = rest.find(':')?;
                    let key = rest[..colon].trim_end_matches(' ');
                    if !rest[colon + 1..].starts_with(' ')
                        || colon > MAX_KEY
                        || !simple_key(key)
                        || key.contains(['{', '}', '[', ']', ','])
                        || entries.len() == MAX_ENTRIES
                        || entries
                            .iter()
                            .any(|(k, _)| matches!(k, Node::Plain(k) if *k == key))
                    {
                        return None;
                    }
                    self.at += colon + 1;
                    self.skip_spaces();
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
        Some(if open == b'{' {
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

/// Any problem, or anything this reader does not decide: serde-saphyr reads the file again.
#[derive(Debug)]
struct Unsure;

impl std::fmt::Display for Unsure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("left to serde-saphyr")
    }
}

impl std::error::Error for Unsure {}

impl de::Error for Unsure {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Unsure
    }
}

/// Deserializes one node, asking serde-saphyr's questions the way it answers them.
struct De<'n, 'y>(&'n Node<'y>);

impl<'n, 'y: 'n> De<'n, 'y> {
    /// The text of a plain scalar in the simple decimal form `-?(0|[1-9][0-9]*)(\.[0-9]+)?`
    /// (with `fraction`), which serde-saphyr and Rust read alike; anything else is unsure.
    fn decimal(&self, fraction: bool) -> Result<&'y str, Unsure> {
        let Node::Plain(text) = self.0 else {
            return Err(Unsure);
        };
        let digits = text.strip_prefix('-').unwrap_or(text);
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) if fraction => (i, Some(f)),
            Some(_) => return Err(Unsure),
            None => (digits, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let ok =
            all_digits(int) && (int == "0" || !int.starts_with('0')) && frac.is_none_or(all_digits);
        if ok {
            Ok(text)
        } else {
            Err(Unsure)
        }
    }

    /// A decimal as a float: serde-saphyr rejects one too large to be finite (310 digits),
    /// which Rust reads as infinity.
    fn finite<T: std::str::FromStr + Into<f64> + Copy>(&self) -> Result<T, Unsure> {
        let value: T = self.decimal(true)?.parse().map_err(|_| Unsure)?;
        if value.into().is_finite() {
            Ok(value)
        } else {
            Err(Unsure)
        }
    }

    fn int<T: std::str::FromStr>(&self) -> Result<T, Unsure> {
        self.decimal(false)?.parse().map_err(|_| Unsure)
    }
}

macro_rules! ints {
    ($($method:ident $visit:ident $ty:ty),*) => {$(
        fn $method<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
            visitor.$visit(self.int::<$ty>()?)
        }
    )*};
}

macro_rules! unsure {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'n>>(self, _: V) -> Result<V::Value, Unsure> {
            Err(Unsure)
        }
    )*};
}

impl<'n, 'y: 'n> de::Deserializer<'n> for De<'n, 'y> {
    type Error = Unsure;

    /// Without a type to go by (an objective, `extra:`), as serde-saphyr: a decimal integer
    /// is `i64` when negative, else `u64`; a decimal fraction `f64`; text that YAML can read
    /// as nothing else a string. Every other plain scalar is left to serde-saphyr.
    fn deserialize_any<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Plain(text) if !ambiguous(text) => visitor.visit_borrowed_str(text),
            Node::Plain(text) if self.decimal(false).is_ok() => match text.starts_with('-') {
                true => visitor.visit_i64(self.int()?),
                false => visitor.visit_u64(self.int()?),
            },
            Node::Plain(_) => match self.decimal(true) {
                Ok(_) => self.deserialize_f64(visitor),
                Err(_) => Err(Unsure),
            },
            Node::Quoted(text) => visitor.visit_borrowed_str(text),
            Node::Seq(_) => self.deserialize_seq(visitor),
            Node::Map(_) => self.deserialize_map(visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Plain("true") => visitor.visit_bool(true),
            Node::Plain("false") => visitor.visit_bool(false),
            _ => Err(Unsure),
        }
    }

    ints!(deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32, deserialize_i64 visit_i64 i64,
        deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32, deserialize_u64 visit_u64 u64);

    fn deserialize_f32<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        visitor.visit_f32(self.finite()?)
    }

    fn deserialize_f64<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        visitor.visit_f64(self.finite()?)
    }

    /// Text as written: serde-saphyr gives `2026-05-16` or `42` to a string as it stands.
    fn deserialize_str<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Plain(text) if !nullish(text) => visitor.visit_borrowed_str(text),
            Node::Quoted(text) => visitor.visit_borrowed_str(text),
            _ => Err(Unsure),
        }
    }

    fn deserialize_string<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        self.deserialize_str(visitor)
    }

    /// A plain null (`~`, `null`, nothing) is `None` (`contacts:` left empty while drafting);
    /// any other value is `Some`. Everywhere else a null is left to serde-saphyr.
    fn deserialize_option<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Plain(text) if nullish(text) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// serde-saphyr's `Spanned`, which an account's `ids` use to recover a key's spelling
    /// (`erp: 0000100457` is read as the number 100457), asks for a newtype of its own. Given
    /// a plain value's text as written, it takes it without a position: the spelling the
    /// loader would take from the position. Any other marked newtype is left to serde-saphyr.
    fn deserialize_newtype_struct<V: Visitor<'n>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Unsure> {
        match name {
            "__yaml_spanned" => visitor.visit_newtype_struct(AsWritten(self.0)),
            _ if name.starts_with("__") => Err(Unsure),
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_seq<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Seq(items) => {
                let mut access = Items(items.iter());
                let value = visitor.visit_seq(&mut access)?;
                match access.0.next() {
                    None => Ok(value),
                    Some(_) => Err(Unsure),
                }
            }
            _ => Err(Unsure),
        }
    }

    fn deserialize_map<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Map(entries) => {
                let mut access = Entries {
                    entries: entries.iter(),
                    value: None,
                };
                let value = visitor.visit_map(&mut access)?;
                match access.entries.next() {
                    None => Ok(value),
                    Some(_) => Err(Unsure),
                }
            }
            _ => Err(Unsure),
        }
    }

    fn deserialize_struct<V: Visitor<'n>>(
        self,
        name: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unsure> {
        if name.starts_with("__") {
            return Err(Unsure);
        }
        self.deserialize_map(visitor)
    }

    /// Unit variants written as a plain word (`stage: won`); other forms are left.
    fn deserialize_enum<V: Visitor<'n>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Plain(text) if !nullish(text) => {
                visitor.visit_enum(IntoDeserializer::<Unsure>::into_deserializer(*text))
            }
            _ => Err(Unsure),
        }
    }

    unsure!(
        deserialize_char,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_unit,
        deserialize_ignored_any
    );

    fn deserialize_unit_struct<V: Visitor<'n>>(
        self,
        _: &'static str,
        _: V,
    ) -> Result<V::Value, Unsure> {
        Err(Unsure)
    }

    fn deserialize_tuple<V: Visitor<'n>>(self, _: usize, _: V) -> Result<V::Value, Unsure> {
        Err(Unsure)
    }

    fn deserialize_tuple_struct<V: Visitor<'n>>(
        self,
        _: &'static str,
        _: usize,
        _: V,
    ) -> Result<V::Value, Unsure> {
        Err(Unsure)
    }
}

/// A value for serde-saphyr's `Spanned`: a scalar as its text as written, a list of such
/// values. serde-saphyr reads a number there as a number, keeping its position, and rejects
/// null and numbers that are not finite: those are left to it.
struct AsWritten<'n, 'y>(&'n Node<'y>);

impl<'de, 'y: 'de> de::Deserializer<'de> for AsWritten<'de, 'y> {
    type Error = Unsure;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Plain(text) if !nullish(text) && !maybe_not_finite(text) => {
                visitor.visit_borrowed_str(text)
            }
            Node::Quoted(text) => visitor.visit_borrowed_str(text),
            Node::Seq(_) => De(self.0).deserialize_seq(visitor),
            _ => Err(Unsure),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

struct Items<'n, 'y>(std::slice::Iter<'n, Node<'y>>);

impl<'n, 'y: 'n> de::SeqAccess<'n> for Items<'n, 'y> {
    type Error = Unsure;

    fn next_element_seed<T: DeserializeSeed<'n>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Unsure> {
        self.0.next().map(|n| seed.deserialize(De(n))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'n, 'y> {
    entries: std::slice::Iter<'n, (Node<'y>, Node<'y>)>,
    value: Option<&'n Node<'y>>,
}

impl<'n, 'y: 'n> de::MapAccess<'n> for Entries<'n, 'y> {
    type Error = Unsure;

    fn next_key_seed<K: DeserializeSeed<'n>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Unsure> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(De(key)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'n>>(&mut self, seed: V) -> Result<V::Value, Unsure> {
        seed.deserialize(De(self.value.take().ok_or(Unsure)?))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    //! The reader is right only if every document it reads gives serde-saphyr's value: these
    //! tests compare the two on real files and on generated documents full of corner cases.

    use crate::model::FrontMatter;

    /// Both readers' values for `yaml`, after the loader's own step (`spell_keys`); `None` for
    /// a document this reader leaves.
    fn both(yaml: &str) -> Option<(String, String)> {
        let mut fast: FrontMatter = super::from_str(yaml)?;
        fast.spell_keys(yaml);
        let slow = match serde_saphyr::from_str::<FrontMatter>(yaml) {
            Ok(mut slow) => {
                slow.spell_keys(yaml);
                format!("{slow:?}")
            }
            Err(e) => format!("serde-saphyr rejects it: {e}"),
        };
        Some((format!("{fast:?}"), slow))
    }

    fn same_as_serde_saphyr(yaml: &str) -> bool {
        match both(yaml) {
            Some((fast, slow)) => {
                assert_eq!(fast, slow, "read differently:\n{yaml}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn reads_the_example_portfolio_as_serde_saphyr_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut files, mut read) = (0, 0);
        for dir in ["example-portfolio", "tests"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
                let path = entry.path();
                if path.extension().is_none_or(|e| e != "md") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(path) else {
                    continue;
                };
                let Ok(split) = crate::load::split(&text) else {
                    continue;
                };
                files += 1;
                read += same_as_serde_saphyr(split.yaml) as usize;
            }
        }
        // The point is speed: most real plans must be read here, not handed on.
        assert!(
            files >= 20 && read * 10 >= files * 8,
            "{read} of {files} read"
        );
    }

    #[test]
    fn reads_each_form_of_a_plan() {
        let plan = "name: Acme\r\nids: { erp: 0000100457, crm: [\"A-1\", 007] }   # keys\r\n\
            designation: key\r\nsponsor: Maria Lopez (COO)  \r\n\r\n# a comment\r\n\
            team:\r\n- name: Lee Park\r\n  role: Finance, EMEA\r\n-   name: 'Ana'\r\n\
            tags: [a, 'b c', \"d\"]\r\nplan:\r\n   objectives:\r\n     - \"Grow: no, text\"\r\n\
            \x20    - { name: Revenue, measure: revenue_ttm, from: 2025-Q4, target: 4800000, by: 2027-Q4 }\r\n\
            health:\r\n  nps: -7\r\n  satisfaction: 0.5\r\n  referenceable: true\r\n\
            contacts:\r\nopportunities: []\r\nextra: { a: [1, -2, 3.5, x, 2027-Q1] }\r\n";
        assert!(same_as_serde_saphyr(plan));
        // A few that are left: each has a meaning this reader does not decide.
        for left in [
            "name: Acme\ndesignation: key\nowner: ~x\nhealth: { referenceable: yes }",
            "name: &a Acme\ndesignation: key",
            "name: Acme\ndesignation: key\nowner: |\n  Dana",
            "name: \"Ac\\u006De\"\ndesignation: key",
            "name: Acme\ndesignation: key\nname: Other",
            "name: Acme\n\tdesignation: key",
            "name: Acme\ndesignation: key\nowner: Dana\n  Whitfield",
            "name: Acme\ndesignation: key\ntags: [a, b,]",
            // Found by a hostile tester: serde-saphyr rejects each, or is slow to check it.
            "name: A\ndesignation: key\ntags: [a[b]",
            "name: A\ndesignation: key\nextra: {a: b{c}",
        ] {
            assert!(super::from_str::<FrontMatter>(left).is_none(), "{left}");
        }
        let too_large = format!(
            "name: A\ndesignation: key\nhealth: {{ nps: 1{} }}\n",
            "0".repeat(309)
        );
        let long_key = format!("name{}: A\ndesignation: key\n", " ".repeat(1021));
        let many_keys = format!(
            "name: A\ndesignation: key\nextra:\n{}",
            (0..300).map(|i| format!("  k{i}: v\n")).collect::<String>()
        );
        for left in [too_large, long_key, many_keys] {
            assert!(
                super::from_str::<FrontMatter>(&left).is_none(),
                "{left:.80}"
            );
        }
    }

    /// A small deterministic generator (xorshift), so that a failure can be replayed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    /// Scalars where YAML's rules bite: nulls, YAML 1.1 booleans, numbers in every spelling,
    /// indicators, quotes and escapes, comments, colons, non-ASCII, limits of the integers.
    const TRICKY: &[&str] = &[
        "Acme",
        "Acme GmbH",
        "R&D, EMEA",
        "yes",
        "No",
        "on",
        "OFF",
        "y",
        "~",
        "null",
        "NULL",
        "Null",
        "",
        "007",
        "0",
        "-0",
        "0x1F",
        "0o17",
        "0b11",
        "1e3",
        "1E-2",
        "1_000",
        ".inf",
        "-.inf",
        ".NaN",
        "+5",
        "-5",
        "5",
        "74",
        "3.14",
        "4.",
        ".5",
        "5.0",
        "-7.25",
        "1.5.3",
        "2026-05-16",
        "2027-Q1",
        "12:30",
        "a: b",
        "a #b",
        "a#b",
        "#c",
        "'q'",
        "\"dq\"",
        "\"a\\\"b\"",
        "'it''s'",
        "\"x\" y",
        "'x' # c",
        "[a, b]",
        "{a: 1}",
        "[]",
        "{}",
        "- x",
        "&a x",
        "*a",
        "!tag x",
        "|",
        ">",
        "%x",
        "@x",
        "`x`",
        "?x",
        ":x",
        "a:",
        "Ünïcödé",
        "true",
        "False",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999.5",
        "+Infinity",
        "infinity",
        "nan",
        "1,5",
        "key: value: x",
        "\u{85}x",
        "x\u{feff}",
        "owned",
        "won",
        "qualified",
        "key",
        "other",
        "low",
        "Spare parts",
    ];

    fn scalar(rng: &mut Rng, typed: &[&str]) -> String {
        if rng.below(6) == 0 {
            rng.pick(TRICKY).to_string()
        } else {
            rng.pick(typed).to_string()
        }
    }

    /// One optional part of a generated document: its lines, `{indent}` standing for one level.
    type Part<'a> = Box<dyn Fn(&mut Rng) -> Vec<String> + 'a>;

    /// A document shaped like front matter, with tricky scalars and layouts mixed in.
    fn document(rng: &mut Rng) -> String {
        let indent = " ".repeat(1 + rng.below(4));
        let nl = if rng.below(8) == 0 { "\r\n" } else { "\n" };
        let mut lines: Vec<String> = Vec::new();
        let words = [
            "Acme",
            "Dana Whitfield",
            "Lee Park",
            "Field service",
            "2026-09-04",
        ];
        let numbers = ["3", "4", "5", "4.9", "-7", "74", "0", "8550", "0.5", "100"];
        lines.push(format!("name: {}", scalar(rng, &words)));
        lines.push(format!(
            "designation: {}",
            scalar(rng, &["key", "other", "candidate"])
        ));
        let optional: Vec<Part<'_>> = vec![
            Box::new(|r| vec![format!("owner: {}", scalar(r, &words))]),
            Box::new(|r| vec![format!("customer_since: {}", scalar(r, &["2005-07-01"]))]),
            Box::new(|r| {
                vec![format!(
                    "tags: [{}, {}]",
                    scalar(r, &words),
                    scalar(r, &words)
                )]
            }),
            Box::new(|r| {
                vec![format!(
                    "ids: {{ erp: {} }}",
                    scalar(r, &["0000100457", "A-1"])
                )]
            }),
            Box::new(|r| match r.below(3) {
                0 => vec![
                    "relationship:".into(),
                    format!("{{indent}}stage: {}", scalar(r, &["basic", "cooperative"])),
                    format!(
                        "{{indent}}rating: {{ ours: {}, theirs: {} }}",
                        scalar(r, &numbers),
                        scalar(r, &numbers)
                    ),
                ],
                1 => vec!["relationship:".into()],
                _ => vec![format!(
                    "relationship: {{ stage: {} }}",
                    scalar(r, &["basic"])
                )],
            }),
            Box::new(|r| {
                vec![
                    "attractiveness:".into(),
                    format!(
                        "{{indent}}{}: {}",
                        scalar(r, &["size", "growth", "Spare parts", "profitability"]),
                        scalar(r, &numbers)
                    ),
                    format!("{{indent}}profitability: {}", scalar(r, &numbers)),
                ]
            }),
            Box::new(|r| {
                vec![
                    "health:".into(),
                    format!("{{indent}}satisfaction: {}", scalar(r, &numbers)),
                    format!("{{indent}}nps: {}", scalar(r, &numbers)),
                    format!("{{indent}}referenceable: {}", scalar(r, &["true", "false"])),
                    format!("{{indent}}retention_risk: {}", scalar(r, &["low", "high"])),
                ]
            }),
            Box::new(|r| {
                let dash = if r.below(2) == 0 { "{indent}- " } else { "- " };
                vec![
                    "contacts:".into(),
                    format!(
                        "{dash}{{ name: {}, role: {}, last_contact: {} }}",
                        scalar(r, &words),
                        scalar(r, &["buyer", "user"]),
                        scalar(r, &["2026-09-04"])
                    ),
                    format!("{dash}name: {}", scalar(r, &words)),
                    format!(
                        "{}  title: {}",
                        if dash.starts_with('{') {
                            "{indent}"
                        } else {
                            ""
                        },
                        scalar(r, &words)
                    ),
                ]
            }),
            Box::new(|r| {
                vec![
                    "opportunities:".into(),
                    format!(
                        "{{indent}}- {{ name: {}, value: {}, stage: {}, close: {} }}",
                        scalar(r, &words),
                        scalar(r, &numbers),
                        scalar(r, &["won", "qualified"]),
                        scalar(r, &["2027-Q1", "2027-02-15"])
                    ),
                ]
            }),
            Box::new(|r| {
                vec!["plan:".into(), "{indent}objectives:".into(),
                format!("{{indent}}{{indent}}- {}", scalar(r, &words)),
                format!("{{indent}}{{indent}}- {{ name: {}, measure: revenue_ttm, target: {}, by: {} }}", scalar(r, &words), scalar(r, &numbers), scalar(r, &["2027-Q4"]))]
            }),
            Box::new(|r| {
                vec![
                    "whitespace:".into(),
                    format!(
                        "{{indent}}Spare parts: {}",
                        scalar(r, &["owned", "partial"])
                    ),
                ]
            }),
            Box::new(|r| {
                vec![format!(
                    "extra: {{ a: {}, b: [{}, {}] }}",
                    scalar(r, &words),
                    scalar(r, &numbers),
                    scalar(r, &words)
                )]
            }),
            Box::new(|r| vec![format!("# {}", scalar(r, &words)), String::new()]),
        ];
        for _ in 0..rng.below(10) {
            let i = rng.below(optional.len());
            lines.extend(optional[i](rng));
        }
        let mut text = String::new();
        for line in lines {
            let mut line = line.replace("{indent}", &indent);
            match rng.below(20) {
                0 => line.push_str("   "),
                1 => line.push_str(" # note"),
                2 => line.insert(0, ' '),
                _ => {}
            }
            text.push_str(&line);
            text.push_str(nl);
        }
        text
    }

    #[test]
    fn reads_generated_documents_as_serde_saphyr_does() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut read, total) = (0, 20_000);
        for _ in 0..total {
            read += same_as_serde_saphyr(&document(&mut rng)) as usize;
        }
        // Both sides of the comparison must be exercised: many read, many left.
        assert!(
            read > total / 10 && read < total * 9 / 10,
            "{read} of {total} read"
        );
    }
}
