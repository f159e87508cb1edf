//! Splitting an account file into YAML front matter and Markdown body.

/// The two parts of an account file. `yaml` starts on line 2 of the file (after the `---`).
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub body: &'a str,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

/// Why a file has no usable front matter.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The first line is not `---`.
    Missing,
    /// No closing `---` line after the opening one.
    Unclosed,
}

/// Splits `text` (already without a BOM) at its `---` fences. Accepts CRLF line endings and
/// trailing spaces after the fences, which editors on Windows leave behind.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let mut lines = line_spans(text);
    match lines.next() {
        Some((_, end, line)) if is_fence(line) => {
            let yaml_start = end;
            for (n, (start, end, line)) in lines.enumerate() {
                if is_fence(line) || line.trim_end() == "..." {
                    return Ok(Split {
                        yaml: &text[yaml_start..start],
                        body: &text[end..],
                        // the opening fence is line 1, the first YAML line is 2
                        body_line: n + 3,
                    });
                }
            }
            Err(SplitError::Unclosed)
        }
        _ => Err(SplitError::Missing),
    }
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// (start, end including the newline, line without newline) for each line.
fn line_spans(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        pos = end;
        Some((start, end, text[start..end].trim_end_matches(['\n', '\r'])))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lf_and_crlf() {
        let s = split("---\nname: a\n---\nbody\n").unwrap();
        assert_eq!((s.yaml, s.body, s.body_line), ("name: a\n", "body\n", 4));
        let s = split("---\r\nname: a\r\n---\r\n# Hi\r\n").unwrap();
        assert_eq!(
            (s.yaml, s.body, s.body_line),
            ("name: a\r\n", "# Hi\r\n", 4)
        );
    }

    #[test]
    fn empty_front_matter_and_empty_body() {
        let s = split("---\n---").unwrap();
        assert_eq!((s.yaml, s.body), ("", ""));
    }

    #[test]
    fn missing_and_unclosed() {
        assert_eq!(split("# just markdown\n"), Err(SplitError::Missing));
        assert_eq!(split("---\nname: a\n"), Err(SplitError::Unclosed));
        assert_eq!(split(""), Err(SplitError::Missing));
    }
}
