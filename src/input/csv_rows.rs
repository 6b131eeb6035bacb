//! CSV: a header row names the columns; one document per row, columns named by
//! [`ReadOptions`](super::ReadOptions).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Read};
use std::rc::Rc;

use csv::{ByteRecord, ReaderBuilder};

use super::{decode, Flow, Origin, Outcome, Producer};

/// The bytes a record may take beyond the document limit (other columns, quoting) before
/// the rest of the file is given up.
const RECORD_SLACK: u64 = 64 * 1024;

/// Counts the bytes pulled since the last record and refuses to go past a limit, so one
/// endless quoted field cannot fill memory.
struct Guard<R> {
    inner: R,
    used: Rc<Cell<u64>>,
    limit: u64,
}

#[derive(Debug)]
struct RecordTooLong;

impl fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("record too long")
    }
}

impl std::error::Error for RecordTooLong {}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.used.set(self.used.get() + n as u64);
        if self.used.get() > self.limit {
            return Err(io::Error::other(RecordTooLong));
        }
        Ok(n)
    }
}

fn is_too_long(e: &csv::Error) -> bool {
    match e.kind() {
        csv::ErrorKind::Io(io) => io
            .get_ref()
            .is_some_and(|inner| inner.is::<RecordTooLong>()),
        _ => false,
    }
}

/// Reads every row of a CSV stream.
pub(crate) fn read(p: &mut Producer, origin: &Origin, reader: &mut dyn Read) -> Flow<Outcome> {
    let max = p.options.max_document_bytes;
    let used = Rc::new(Cell::new(0));
    let guard = Guard {
        inner: reader,
        used: used.clone(),
        limit: max.saturating_add(RECORD_SLACK),
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
            let reason = if is_too_long(&e) {
                format!("header row: {}", decode::too_big(None, max))
            } else {
                format!("cannot read the header row: {e}")
            };
            p.fail(&origin.source, reason)?;
            return Ok(Outcome::Damaged);
        }
    };
    if header.iter().all(String::is_empty) {
        p.skip(&origin.source, "empty document (no header row)")?;
        return Ok(Outcome::Read);
    }
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
            Ok(false) => return Ok(Outcome::Read),
            Ok(true) => {}
            Err(e) => {
                let here = origin.line(line);
                let reason = if is_too_long(&e) {
                    format!(
                        "line {line}: {}; the rest of the file was not read",
                        decode::too_big(None, max)
                    )
                } else {
                    format!("line {line}: {e}; the rest of the file was not read")
                };
                p.fail(&here.source, reason)?;
                return Ok(Outcome::Damaged);
            }
        }
        used.set(0);
        let line = record.position().map_or(line, |pos| pos.line());
        let here = origin.line(line);
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
    fn an_endless_field_stops_the_file_with_bounded_memory() {
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
