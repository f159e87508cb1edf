//! A CSV source's bytes as text, in the encoding its `encoding:` declares (SPEC §13 v1.2): an
//! SAP export is often Windows-1252, Excel's "Unicode text" is UTF-16. A UTF-16 byte order mark
//! is always recognised. A file in another encoding than declared is an error that names the
//! line and the encoding to declare — never mojibake (`KrakÃ³w`) in a review.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::diagnostics::Diagnostic;
use crate::model::Encoding;

/// The 1-based line holding byte `at` of `bytes`.
fn line_of(bytes: &[u8], at: usize) -> usize {
    bytes[..at.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn problem(file: &str, line: usize, message: String, help: String) -> Diagnostic {
    Diagnostic::error(file, message)
        .at_position(line, 1, 1)
        .with_help(Some(help))
        .with_kind("encoding")
}

/// The text of `bytes`, read as `declared`.
pub fn decode(bytes: &[u8], declared: Encoding, file: &str) -> Result<String, Diagnostic> {
    // A byte order mark says what the file is, whatever was declared.
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true, file);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false, file);
    }
    let utf8 = std::str::from_utf8(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes));
    let looks_utf16 = utf16_without_bom(bytes);
    if looks_utf16.is_some() && declared != Encoding::Utf16 {
        return Err(problem(
            file,
            1,
            "the file looks like UTF-16 (every other byte is zero) without a byte order mark".into(),
            "declare `encoding: utf-16` for this source in kamsite.yaml (Excel's \"Unicode text\" is UTF-16)".into(),
        ));
    }
    match declared {
        Encoding::Utf8 => utf8.map(str::to_string).map_err(|e| {
            let line = line_of(bytes, e.valid_up_to());
            problem(
                file,
                line,
                format!("the file is not UTF-8: line {line} holds a byte that UTF-8 does not have"),
                "exports from SAP and older Excel are often Windows-1252: declare `encoding: windows-1252` for this source in kamsite.yaml".into(),
            )
        }),
        Encoding::Windows1252 | Encoding::Iso88591 => {
            // Valid UTF-8 with letters beyond ASCII is UTF-8, read as Windows-1252 it would
            // turn `Kraków` into `KrakÃ³w`.
            if let Ok(text) = utf8 {
                if let Some(at) = text.find(|c: char| !c.is_ascii()) {
                    let line = text[..at].matches('\n').count() + 1;
                    return Err(problem(
                        file,
                        line,
                        format!(
                            "the file is UTF-8 (line {line}), not {}",
                            declared.as_str()
                        ),
                        "declare `encoding: utf-8` for this source in kamsite.yaml (or leave `encoding` out)".into(),
                    ));
                }
                return Ok(text.to_string());
            }
            let (text, _, _) = WINDOWS_1252.decode(bytes);
            Ok(text.into_owned())
        }
        Encoding::Utf16 => {
            if utf8.is_ok() && !bytes.contains(&0) {
                return Err(problem(
                    file,
                    1,
                    "the file is not UTF-16: it reads as UTF-8".into(),
                    "declare `encoding: utf-8` for this source in kamsite.yaml (or leave `encoding` out)".into(),
                ));
            }
            // Without a byte order mark: the side of the zero bytes says which (ASCII text
            // in little-endian has them second); little-endian is what Windows writes.
            utf16(bytes, looks_utf16.unwrap_or(true), file)
        }
    }
}

/// Whether `bytes` look like UTF-16 without a byte order mark — many zero bytes, nearly all on
/// one side of each pair — and then whether little-endian (`Some(true)`).
fn utf16_without_bom(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096)];
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, b) in sample.iter().enumerate() {
        if *b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    let pairs = sample.len() / 2;
    if pairs == 0 || (even + odd) * 4 < pairs {
        return None;
    }
    if odd > even * 4 {
        Some(true)
    } else if even > odd * 4 {
        Some(false)
    } else {
        None
    }
}

fn utf16(bytes: &[u8], little: bool, file: &str) -> Result<String, Diagnostic> {
    let encoding = if little { UTF_16LE } else { UTF_16BE };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        // The first replacement character shows where the text broke.
        let line = text
            .find('\u{fffd}')
            .map_or(1, |at| text[..at].matches('\n').count() + 1);
        return Err(problem(
            file,
            line,
            format!("the file is not valid UTF-16 (line {line})"),
            "save the export again as UTF-8, or declare the encoding it has".into(),
        ));
    }
    Ok(text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_is_read_when_declared() {
        let bytes = b"Kunde;Ort\n1;Krak\xf3w\n";
        assert_eq!(
            decode(bytes, Encoding::Windows1252, "f.csv").unwrap(),
            "Kunde;Ort\n1;Kraków\n"
        );
        let e = decode(bytes, Encoding::Utf8, "f.csv").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.help.unwrap().contains("encoding: windows-1252"));
    }

    #[test]
    fn utf8_declared_as_windows_1252_is_an_error_not_mojibake() {
        let e = decode("a\nKraków\n".as_bytes(), Encoding::Windows1252, "f.csv").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.help.unwrap().contains("encoding: utf-8"));
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_recognised_by_its_zero_bytes() {
        let text = "Kunde;Ort\n1;Kraków\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let e = decode(&le, Encoding::Utf8, "f.csv").unwrap_err();
        assert!(e.help.unwrap().contains("encoding: utf-16"));
        assert_eq!(decode(&le, Encoding::Utf16, "f.csv").unwrap(), text);
        assert_eq!(decode(&be, Encoding::Utf16, "f.csv").unwrap(), text);
    }

    #[test]
    fn a_utf16_byte_order_mark_is_always_recognised() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "a;b\nKraków\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        assert_eq!(
            decode(&bytes, Encoding::Utf8, "f.csv").unwrap(),
            "a;b\nKraków\n"
        );
    }
}
