//! CSV: a header row names the columns; one document per row, columns named by
//! [`ReadOptions`](super::ReadOptions).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::{self, Read};
use std::rc::Rc;

use csv::{ByteRecord, ReaderBuilder};

use super::{decode, Flow, Origin, Outcome, Producer};

/// The bytes a record may take beyond the document limit (other columns, quoting) before
/// its content is dropped.
const RECORD_SLACK: u64 = 64 * 1024;

/// Where the CSV grammar is, as far as record boundaries go (the `csv` crate's rules: a
/// quote opens quoting only at the start of a field, `""` inside quotes is a quote).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the end of quoting, or the first of `""`; whether
    /// that quote was passed on.
    QuoteInQuoted {
        passed: bool,
    },
}

/// Counts the bytes pulled since the last record. Past a limit it keeps only what the
/// parser needs to find the record's end (quotes, delimiters, line ends) and drops the
/// rest, so one endless field cannot fill memory and the next record is read as usual.
struct Guard<R> {
    inner: R,
    used: Rc<Cell<u64>>,
    limit: u64,
    place: Place,
    /// Dropping content until the end of the current record.
    dropping: bool,
    /// Set when a record lost content; the reader clears it.
    cut: Rc<Cell<bool>>,
    /// Kept bytes that did not fit the caller's buffer (at most one held-back quote).
    carry: Vec<u8>,
    /// Set when the stream ended inside a quoted field: the last record's quote was
    /// never closed, and it swallowed every line after it.
    open_at_end: Rc<Cell<bool>>,
}

impl<R> Guard<R> {
    /// Follows one byte passed on whole.
    fn pass(&mut self, b: u8) {
        self.step(b);
        if let Place::QuoteInQuoted { passed } = &mut self.place {
            *passed = true;
        }
    }

    /// Follows one byte through the grammar: the bytes to pass on while dropping, and
    /// whether it ended the record. Line ends inside quotes are kept, so that later
    /// records keep their line numbers.
    fn step(&mut self, b: u8) -> (&'static [u8], bool) {
        let (next, out, record_end): (Place, &'static [u8], bool) = match (self.place, b) {
            (Place::FieldStart, b'"') => (Place::Quoted, b"\"", false),
            (Place::FieldStart | Place::Unquoted, b',') => (Place::FieldStart, b",", false),
            (Place::FieldStart | Place::Unquoted, b'\n') => (Place::FieldStart, b"\n", true),
            (Place::FieldStart | Place::Unquoted, b'\r') => (Place::FieldStart, b"\r", true),
            (Place::FieldStart | Place::Unquoted, _) => (Place::Unquoted, b"", false),
            (Place::Quoted, b'"') => (Place::QuoteInQuoted { passed: false }, b"", false),
            (Place::Quoted, b'\n') => (Place::Quoted, b"\n", false),
            (Place::Quoted, _) => (Place::Quoted, b"", false),
            (Place::QuoteInQuoted { passed }, b'"') => {
                (Place::Quoted, if passed { b"\"" } else { b"" }, false)
            }
            (Place::QuoteInQuoted { passed }, b',') => {
                (Place::FieldStart, if passed { b"," } else { b"\"," }, false)
            }
            (Place::QuoteInQuoted { passed }, b'\n') => (
                Place::FieldStart,
                if passed { b"\n" } else { b"\"\n" },
                true,
            ),
            (Place::QuoteInQuoted { passed }, b'\r') => (
                Place::FieldStart,
                if passed { b"\r" } else { b"\"\r" },
                true,
            ),
            (Place::QuoteInQuoted { passed }, _) => {
                (Place::Unquoted, if passed { b"" } else { b"\"" }, false)
            }
        };
        self.place = next;
        (out, record_end)
    }
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.carry.is_empty() {
            let n = self.carry.len().min(buf.len());
            buf[..n].copy_from_slice(&self.carry[..n]);
            self.carry.drain(..n);
            return Ok(n);
        }
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 && self.place == Place::Quoted {
                self.open_at_end.set(true);
            }
            self.used.set(self.used.get() + n as u64);
            if !self.dropping && self.used.get() > self.limit {
                self.dropping = true;
                self.cut.set(true);
            }
            if !self.dropping {
                for &b in &buf[..n] {
                    self.pass(b);
                }
                return Ok(n);
            }
            let mut kept = Vec::new();
            for &b in &buf[..n] {
                if self.dropping {
                    let (out, record_end) = self.step(b);
                    kept.extend_from_slice(out);
                    if record_end {
                        self.dropping = false;
                        self.used.set(0);
                    }
                } else {
                    kept.push(b);
                    self.pass(b);
                }
            }
            if kept.is_empty() && n > 0 {
                continue; // all dropped: read on rather than signal the end of the stream
            }
            let n = kept.len().min(buf.len());
            buf[..n].copy_from_slice(&kept[..n]);
            self.carry.extend_from_slice(&kept[n..]);
            return Ok(n);
        }
    }
}

/// Reads every row of a CSV stream.
pub(crate) fn read(p: &mut Producer, origin: &Origin, reader: &mut dyn Read) -> Flow<Outcome> {
    let max = p.options.max_document_bytes;
    let used = Rc::new(Cell::new(0));
    let cut = Rc::new(Cell::new(false));
    let open_at_end = Rc::new(Cell::new(false));
    let guard = Guard {
        inner: reader,
        used: used.clone(),
        limit: max.saturating_add(RECORD_SLACK),
        place: Place::FieldStart,
        dropping: false,
        cut: cut.clone(),
        carry: Vec::new(),
        open_at_end: open_at_end.clone(),
    };
    let mut rows = ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(guard);
    let header: Vec<String> = match rows.byte_headers() {
        Ok(h) => h
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let name = if i == 0 {
                    name.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(name)
                } else {
                    name
                };
                String::from_utf8_lossy(name).trim().to_string()
            })
            .collect(),
        Err(e) => {
            p.fail(&origin.source, format!("cannot read the header row: {e}"))?;
            return Ok(Outcome::Damaged);
        }
    };
    if cut.get() {
        p.fail(
            &origin.source,
            format!(
                "header row: {}; the file was not read",
                decode::too_big(None, max)
            ),
        )?;
        return Ok(Outcome::Read);
    }
    if header.iter().all(String::is_empty) {
        p.skip(&origin.source, "empty document (no header row)")?;
        return Ok(Outcome::Read);
    }
    let mut any_row = false;
    let options = p.options.clone();
    let column = |name: &str| header.iter().position(|h| h == name);
    let Some(text_col) = column(&options.text_field) else {
        p.fail(
            &origin.source,
            format!(
                "no column \"{}\" in the header row (columns: {})",
                options.text_field,
                header.join(", ")
            ),
        )?;
        return Ok(Outcome::Read);
    };
    let id_col = column(&options.id_field);
    used.set(0);
    let mut record = ByteRecord::new();
    loop {
        let line = rows.position().line();
        match rows.read_byte_record(&mut record) {
            Ok(false) => {
                if !any_row {
                    p.skip(&origin.source, "empty document (a header row and no rows)")?;
                }
                return Ok(Outcome::Read);
            }
            Ok(true) => {}
            Err(e) => {
                let here = origin.line(line);
                let reason = format!("line {line}: {e}; the rest of the file was not read");
                p.fail(&here.source, reason)?;
                return Ok(Outcome::Damaged);
            }
        }
        used.set(0);
        let line = record.position().map_or(line, |pos| pos.line());
        let here = origin.line(line);
        any_row = true;
        if cut.replace(false) {
            // Its content was dropped while reading: too long, whatever is left of it.
            p.fail(
                &here.source,
                format!("line {line}: {}", decode::too_big(None, max)),
            )?;
            continue;
        }
        if open_at_end.get() {
            // The stream ended inside this record's quotes (the record is complete only
            // at the end of the stream, so it is the last): a quote opened in this row
            // was never closed and the row took every line after it. A strict reader
            // stops here with "unexpected end of data"; so does this one, with a reason.
            let last = rows.position().line();
            p.fail(
                &here.source,
                format!(
                    "line {line}: a quote opened in this row is never closed (unexpected end \
                     of data); lines {line} to {last} were not read"
                ),
            )?;
            return Ok(Outcome::Damaged);
        }
        if header.len() > 1 && record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace) {
            continue; // a blank line
        }
        if record.len() != header.len() {
            p.fail(
                &here.source,
                format!(
                    "line {line}: row has {} fields, the header row has {}",
                    record.len(),
                    header.len()
                ),
            )?;
            continue;
        }
        if record.as_slice().len() as u64 > max {
            p.fail(
                &here.source,
                format!(
                    "line {line}: {}",
                    decode::too_big(Some(record.as_slice().len() as u64), max)
                ),
            )?;
            continue;
        }
        let mut fields = Vec::with_capacity(record.len());
        let mut bad = None;
        for (i, field) in record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(s) => fields.push(s),
                Err(e) => {
                    bad = Some(format!(
                        "line {line}: column \"{}\" is not UTF-8 (invalid byte at offset {})",
                        header[i],
                        e.valid_up_to()
                    ));
                    break;
                }
            }
        }
        if let Some(reason) = bad {
            p.fail(&here.source, reason)?;
            continue;
        }
        let mut meta = BTreeMap::new();
        for (i, value) in fields.iter().enumerate() {
            if i == text_col || Some(i) == id_col || value.is_empty() {
                continue;
            }
            let key = &header[i];
            let key = if *key == options.date_field {
                "date"
            } else if *key == options.title_field {
                "title"
            } else if key == "source" {
                "record_source"
            } else {
                key.as_str()
            };
            meta.entry(key.to_string())
                .or_insert_with(|| value.to_string());
        }
        let id = id_col
            .map(|i| fields[i].trim())
            .filter(|s| !s.is_empty())
            .map_or_else(|| here.id.clone(), str::to_string);
        let text = fields[text_col].to_string();
        match decode::check_text(&text) {
            Ok(()) => p.document(&here, id, text, meta)?,
            Err(decode::Problem::Failed(r)) => p.fail(&here.source, format!("line {line}: {r}"))?,
            Err(decode::Problem::Skipped(r)) => {
                p.skip(&here.source, format!("line {line}: {r}"))?
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{read as read_inputs, Item, ReadOptions};

    fn items(content: &[u8], options: &ReadOptions) -> Vec<Item> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wire.csv");
        std::fs::write(&path, content).unwrap();
        read_inputs(&[path], options).collect()
    }

    fn reason(item: &Item) -> String {
        match item {
            Item::Failed(f) | Item::Skipped(f) => f.reason.clone(),
            Item::Document(d) => panic!("expected a failure, got document {}", d.id),
        }
    }

    #[test]
    fn rows_become_documents() {
        let data = b"id,date,title,text,desk\nr1,2024-01-01,Hello,\"Biden met Scholz, again.\",world\n,,,\"Line one\nline two\",\n";
        let out = items(data, &ReadOptions::default());
        assert_eq!(out.len(), 2, "{out:?}");
        let Item::Document(a) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(a.id, "r1");
        assert_eq!(a.text, "Biden met Scholz, again.");
        assert_eq!(a.meta["date"], "2024-01-01");
        assert_eq!(a.meta["title"], "Hello");
        assert_eq!(a.meta["desk"], "world");
        assert!(a.meta["source"].ends_with("wire.csv:2"));
        let Item::Document(b) = &out[1] else { panic!() };
        assert_eq!(b.id, "wire:3");
        assert_eq!(b.text, "Line one\nline two");
    }

    #[test]
    fn rows_with_missing_columns_fail_alone() {
        let data = b"id,text,extra\na,first,x\nb,second\nc,third,y\nd,fourth,y,z\n";
        let out = items(data, &ReadOptions::default());
        assert_eq!(out.len(), 4, "{out:?}");
        assert!(matches!(&out[0], Item::Document(d) if d.id == "a"));
        assert_eq!(
            reason(&out[1]),
            "line 3: row has 2 fields, the header row has 3"
        );
        assert!(matches!(&out[2], Item::Document(d) if d.id == "c"));
        assert_eq!(
            reason(&out[3]),
            "line 5: row has 4 fields, the header row has 3"
        );
    }

    #[test]
    fn a_missing_text_column_fails_the_file() {
        let out = items(b"id,body\n1,x\n", &ReadOptions::default());
        assert_eq!(out.len(), 1);
        assert!(reason(&out[0]).contains("no column \"text\""));
    }

    #[test]
    fn empty_rows_and_bad_bytes() {
        let out = items(b"text\n\"  \"\n\xff\xfe\nfine\n", &ReadOptions::default());
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(matches!(&out[0], Item::Skipped(f) if f.reason == "line 2: empty document"));
        assert!(reason(&out[1]).contains("not UTF-8"));
        assert!(matches!(&out[2], Item::Document(_)));
        let out = items(b"", &ReadOptions::default());
        assert!(matches!(&out[0], Item::Skipped(_)));
    }

    #[test]
    fn a_row_over_the_limit_fails_alone() {
        let options = ReadOptions {
            max_document_bytes: 16,
            ..ReadOptions::default()
        };
        let huge = "y".repeat(300_000);
        let data = format!(
            "id,text\na,first\nb,\"{huge}\"\"{huge}\nstill, inside\"\nc,third\nd,{huge}\ne,\"fifth\"\n"
        );
        let out = items(data.as_bytes(), &options);
        let summary: Vec<String> = out
            .iter()
            .map(|i| match i {
                Item::Document(d) => format!("D {} {}", d.id, d.text),
                Item::Failed(f) | Item::Skipped(f) => {
                    format!("F {}", f.reason.split(':').next().unwrap())
                }
            })
            .collect();
        assert_eq!(
            summary,
            [
                "D a first",
                "F line 3",
                "D c third",
                "F line 6",
                "D e fifth"
            ]
        );
    }

    #[test]
    fn a_header_without_rows_is_an_empty_document() {
        let out = items(b"id,text\n", &ReadOptions::default());
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            matches!(&out[0], Item::Skipped(f) if f.reason == "empty document (a header row and no rows)")
        );
    }

    #[test]
    fn an_endless_field_fails_alone_with_bounded_memory() {
        let options = ReadOptions {
            max_document_bytes: 16,
            ..ReadOptions::default()
        };
        let mut data = b"text\nshort\n\"".to_vec();
        data.extend(std::iter::repeat_n(b'x', 200_000));
        let out = items(&data, &options);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(matches!(&out[0], Item::Document(_)));
        assert!(reason(&out[1]).contains("--max-doc-bytes"));
    }
}
