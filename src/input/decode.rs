//! Bytes to text: bounded reads, the document size limit, binary/UTF-8/empty checks,
//! the Windows-1252 fallback and gzip error labelling.

use std::io::{self, Read};

use flate2::read::MultiGzDecoder;

/// Why some bytes are not a document: a failure, or a deliberate skip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    Failed(String),
    Skipped(String),
}

/// The reason for a document over the limit; `size` when it is known.
pub(crate) fn too_big(size: Option<u64>, max: u64) -> String {
    match size {
        Some(size) => format!(
            "document of {size} bytes is larger than the limit of {max} bytes (raise it with --max-doc-bytes)"
        ),
        None => format!(
            "document is larger than the limit of {max} bytes (raise it with --max-doc-bytes)"
        ),
    }
}

/// Reads at most `max` bytes; `Ok(None)` when there are more (nothing past `max + 1`
/// bytes is read).
pub(crate) fn read_bounded(reader: &mut dyn Read, max: u64) -> io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    reader.take(max.saturating_add(1)).read_to_end(&mut buf)?;
    Ok((buf.len() as u64 <= max).then_some(buf))
}

/// Control characters that text files do not contain (tab, line feed, form feed and
/// carriage return are text).
fn is_binary_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f
}

/// `Some(reason)` when the bytes look binary: any NUL byte, or more than one byte in ten
/// a control character.
fn binary_reason(bytes: &[u8]) -> Option<String> {
    if bytes.contains(&0) {
        return Some("binary content (NUL bytes)".into());
    }
    let controls = bytes.iter().filter(|&&b| is_binary_control(b)).count();
    (controls * 10 > bytes.len()).then(|| "binary content (mostly control characters)".into())
}

/// A file's bytes as text, or why not: binary content or invalid UTF-8 (with the offset
/// of the first bad byte). A byte-order mark is not part of the text: UTF-8's is dropped
/// (Python: `encoding="utf-8-sig"`), and UTF-16 with a mark, little- or big-endian, is
/// decoded without it (Python: `encoding="utf-16"`).
pub(crate) fn text_from_bytes(mut bytes: Vec<u8>) -> Result<String, Problem> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    } else if let Some(text) = utf16(&bytes) {
        return text;
    }
    if let Some(reason) = binary_reason(&bytes) {
        return Err(Problem::Failed(reason));
    }
    String::from_utf8(bytes).map_err(|e| {
        Problem::Failed(format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Bytes that start with a UTF-16 byte-order mark, decoded; `None` without one.
fn utf16(bytes: &[u8]) -> Option<Result<String, Problem>> {
    let read: fn([u8; 2]) -> u16 = match bytes.get(..2)? {
        b"\xFF\xFE" => u16::from_le_bytes,
        b"\xFE\xFF" => u16::from_be_bytes,
        _ => return None,
    };
    let body = &bytes[2..];
    if !body.len().is_multiple_of(2) {
        return Some(Err(Problem::Failed(
            "not UTF-16 text (an odd number of bytes after its byte-order mark)".into(),
        )));
    }
    let units = body.chunks_exact(2).map(|pair| read([pair[0], pair[1]]));
    let text: Result<String, _> = char::decode_utf16(units).collect();
    Some(text.map_err(|e| {
        Problem::Failed(format!(
            "not UTF-16 text (unpaired surrogate {:#06x})",
            e.unpaired_surrogate()
        ))
    }))
}

/// The last check before a text becomes a document: not binary, not blank.
pub(crate) fn check_text(text: &str) -> Result<(), Problem> {
    if let Some(reason) = binary_reason(text.as_bytes()) {
        return Err(Problem::Failed(reason));
    }
    if text.trim().is_empty() {
        return Err(Problem::Skipped("empty document".into()));
    }
    Ok(())
}

/// Windows-1252's characters for bytes 0x80..=0x9F; the five it leaves undefined map to
/// the Latin-1 control characters of the same value.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// Decodes Windows-1252 (Latin-1 with printable characters in 0x80..=0x9F).
pub(crate) fn windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => CP1252_HIGH[(b - 0x80) as usize],
            _ => b as char,
        })
        .collect()
}

/// UTF-8 if the bytes are valid UTF-8, else Windows-1252; the flag says which.
pub(crate) fn utf8_or_latin1(bytes: Vec<u8>) -> (String, bool) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, false),
        Err(e) => (windows_1252(e.as_bytes()), true),
    }
}

/// A gzip stream (several members allowed) whose read errors say they come from gzip.
pub(crate) struct GzipReader<'a> {
    inner: MultiGzDecoder<&'a mut dyn Read>,
}

impl<'a> GzipReader<'a> {
    pub fn new(reader: &'a mut dyn Read) -> Self {
        Self {
            inner: MultiGzDecoder::new(reader),
        }
    }
}

impl Read for GzipReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            let kind = match e.kind() {
                io::ErrorKind::UnexpectedEof => io::ErrorKind::UnexpectedEof,
                _ => io::ErrorKind::InvalidData,
            };
            io::Error::new(kind, format!("corrupt or truncated gzip data: {e}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_reads_stop_one_byte_past_the_limit() {
        let data = [b'a'; 100];
        assert_eq!(
            read_bounded(&mut &data[..], 100).unwrap().unwrap().len(),
            100
        );
        assert!(read_bounded(&mut &data[..], 99).unwrap().is_none());
        let mut counting = CountingReader(&data[..], 0);
        assert!(read_bounded(&mut counting, 10).unwrap().is_none());
        assert_eq!(counting.1, 11);
    }

    struct CountingReader<'a>(&'a [u8], usize);
    impl Read for CountingReader<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1 += n;
            Ok(n)
        }
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let err = text_from_bytes(b"Putin \xff\xfe said".to_vec()).unwrap_err();
        assert_eq!(
            err,
            Problem::Failed("not UTF-8 text (invalid byte at offset 6)".into())
        );
    }

    #[test]
    fn binary_content_is_a_failure() {
        let err = text_from_bytes(b"GIF89a\x00\x01\x02".to_vec()).unwrap_err();
        assert!(matches!(err, Problem::Failed(r) if r.contains("binary content")));
        let err = text_from_bytes(b"\x01\x02\x03\x04ab".to_vec()).unwrap_err();
        assert!(matches!(err, Problem::Failed(r) if r.contains("control characters")));
        // A stray control character in a long text is not binary.
        let mut text = "word ".repeat(100).into_bytes();
        text.push(0x1b);
        assert!(text_from_bytes(text).is_ok());
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(text_from_bytes(b"\xEF\xBB\xBFhi".to_vec()).unwrap(), "hi");
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_decoded() {
        let text = "Olaf Scholz met Zełenski in Kyiv 🇺🇦.";
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut le = b"\xFF\xFE".to_vec();
        let mut be = b"\xFE\xFF".to_vec();
        for u in &units {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        assert_eq!(text_from_bytes(le.clone()).unwrap(), text);
        assert_eq!(text_from_bytes(be).unwrap(), text);
        le.push(b'x');
        assert!(matches!(text_from_bytes(le), Err(Problem::Failed(r)) if r.contains("odd")));
        let lone = b"\xFF\xFE\x00\xD8a\x00".to_vec();
        assert!(
            matches!(text_from_bytes(lone), Err(Problem::Failed(r)) if r.contains("surrogate"))
        );
    }

    #[test]
    fn blank_text_is_skipped() {
        assert_eq!(
            check_text(" \n\t\r\n"),
            Err(Problem::Skipped("empty document".into()))
        );
        assert_eq!(
            check_text(""),
            Err(Problem::Skipped("empty document".into()))
        );
        assert!(check_text("x").is_ok());
    }

    #[test]
    fn windows_1252_fallback() {
        assert_eq!(
            utf8_or_latin1(b"caf\xc3\xa9".to_vec()),
            ("café".into(), false)
        );
        assert_eq!(
            utf8_or_latin1(b"caf\xe9 \x93q\x94 \x80".to_vec()),
            ("café “q” €".into(), true)
        );
    }

    #[test]
    fn size_messages_name_the_flag() {
        assert!(too_big(Some(9), 8).contains("--max-doc-bytes"));
        assert!(too_big(None, 8).contains("8 bytes"));
    }
}
