//! Reading a stream one line at a time without ever holding more than a limit of bytes.

use std::io::{self, BufRead};

/// One line read by [`read_line`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Line {
    /// End of the stream: no more lines.
    End,
    /// A line, now in the buffer without its `\n` / `\r\n`.
    Text,
    /// A line longer than the limit, consumed and not kept; its length in bytes.
    TooLong(u64),
}

/// Reads the next line into `buf` (cleared first). A line longer than `limit` bytes is
/// read through and dropped, so memory stays bounded whatever the input.
pub(crate) fn read_line(
    reader: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    limit: u64,
) -> io::Result<Line> {
    buf.clear();
    let mut total: u64 = 0;
    let mut any = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (part, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (&chunk[..i], true),
            None => (chunk, false),
        };
        let keep = limit.saturating_sub(total).min(part.len() as u64) as usize;
        if total + part.len() as u64 <= limit {
            buf.extend_from_slice(part);
        } else if keep > 0 {
            buf.extend_from_slice(&part[..keep]);
        }
        total += part.len() as u64;
        let used = part.len() + usize::from(done);
        reader.consume(used);
        if done {
            break;
        }
    }
    if !any {
        return Ok(Line::End);
    }
    if buf.ends_with(b"\r") && total <= limit {
        buf.pop();
    }
    if total > limit {
        buf.clear();
        return Ok(Line::TooLong(total));
    }
    Ok(Line::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(data: &[u8], limit: u64) -> Vec<Result<String, u64>> {
        let mut reader = io::BufReader::with_capacity(4, data);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            match read_line(&mut reader, &mut buf, limit).unwrap() {
                Line::End => return out,
                Line::Text => out.push(Ok(String::from_utf8(buf.clone()).unwrap())),
                Line::TooLong(n) => out.push(Err(n)),
            }
        }
    }

    #[test]
    fn lines_split_on_newlines_with_crlf_dropped() {
        assert_eq!(
            lines(b"one\r\ntwo\n\nthree", 100),
            vec![
                Ok("one".into()),
                Ok("two".into()),
                Ok("".into()),
                Ok("three".into())
            ]
        );
        assert_eq!(lines(b"", 100), vec![]);
        assert_eq!(lines(b"x\n", 100), vec![Ok("x".into())]);
    }

    #[test]
    fn long_lines_are_read_through_and_dropped() {
        assert_eq!(
            lines(b"short\nthis one is long\nok", 8),
            vec![Ok("short".into()), Err(16), Ok("ok".into())]
        );
    }
}
