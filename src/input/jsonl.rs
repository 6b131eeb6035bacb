//! JSONL / NDJSON: one document per line, fields named by [`ReadOptions`](super::ReadOptions).

use std::collections::BTreeMap;
use std::io::{self, BufRead};

use serde_json::{Map, Value};

use super::lines::{read_line, Line};
use super::{decode, Flow, Origin, Outcome, Producer, ReadOptions};

/// Reads every line of a JSONL stream. Blank lines carry nothing and are passed over
/// without a copy or a parse; a stream with no other line is one empty document.
pub(crate) fn read(p: &mut Producer, origin: &Origin, reader: &mut dyn BufRead) -> Flow<Outcome> {
    let max = p.options.max_document_bytes;
    let mut buf = Vec::new();
    let mut number: u64 = 0;
    let mut any_line = false;
    let mut start = skip_byte_order_mark(reader);
    loop {
        let next = start.and_then(|()| skip_blank_lines(reader));
        start = Ok(());
        let line = next.and_then(|blank| {
            number += blank + 1;
            read_line(reader, &mut buf, max)
        });
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                p.fail(
                    origin.line(number).source,
                    format!("line {number}: read error: {e}; the rest of the file was not read"),
                )?;
                return Ok(Outcome::Damaged);
            }
        };
        if line == Line::End {
            if !any_line {
                p.skip(&origin.source, "empty document (no JSON lines)")?;
            }
            return Ok(Outcome::Read);
        }
        any_line = true;
        let here = origin.line(number);
        if let Line::TooLong(n) = line {
            p.fail(
                &here.source,
                format!("line {number}: {}", decode::too_big(Some(n), max)),
            )?;
            continue;
        }
        match record(&buf, number, p.options) {
            Ok((id, text, meta)) => {
                let id = id.unwrap_or_else(|| here.id.clone());
                match decode::check_text(&text) {
                    Ok(()) => p.document(&here, id, text, meta)?,
                    Err(problem) => p.problem(&here.source, prefix(problem, number))?,
                }
            }
            Err(reason) => p.fail(&here.source, reason)?,
        }
    }
}

/// Drops a UTF-8 byte-order mark at the start of the stream (JSON has none).
fn skip_byte_order_mark(reader: &mut dyn BufRead) -> io::Result<()> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if reader.fill_buf()?.starts_with(BOM) {
        reader.consume(BOM.len());
    }
    Ok(())
}

/// Consumes whitespace up to the next line with anything else on it (or the end),
/// straight from the reader's buffer, and returns the number of whole lines passed.
/// The whitespace that starts the next line goes too: JSON ignores it.
fn skip_blank_lines(reader: &mut dyn BufRead) -> io::Result<u64> {
    let mut lines = 0;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(lines);
        }
        let blank = chunk
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(chunk.len());
        lines += chunk[..blank].iter().filter(|&&b| b == b'\n').count() as u64;
        let done = blank < chunk.len();
        reader.consume(blank);
        if done {
            return Ok(lines);
        }
    }
}

fn prefix(problem: decode::Problem, number: u64) -> decode::Problem {
    match problem {
        decode::Problem::Failed(r) => decode::Problem::Failed(format!("line {number}: {r}")),
        decode::Problem::Skipped(r) => decode::Problem::Skipped(format!("line {number}: {r}")),
    }
}

type Record = (Option<String>, String, BTreeMap<String, String>);

/// One line's id (when it has one), text and meta, or the reason it is not a document.
fn record(line: &[u8], number: u64, options: &ReadOptions) -> Result<Record, String> {
    let line = std::str::from_utf8(line).map_err(|e| {
        format!(
            "line {number}: not UTF-8 (invalid byte at offset {} of the line)",
            e.valid_up_to()
        )
    })?;
    let value: Value =
        serde_json::from_str(line).map_err(|e| format!("line {number}: malformed JSON: {e}"))?;
    let Value::Object(fields) = value else {
        return Err(format!("line {number}: not a JSON object"));
    };
    fields_to_record(fields, number, options)
}

/// Splits an object's fields into id, text and meta (`date` and `title` under those names,
/// other fields under their own; strings as they are, other values as JSON, nulls left out).
fn fields_to_record(
    fields: Map<String, Value>,
    number: u64,
    options: &ReadOptions,
) -> Result<Record, String> {
    let mut id = None;
    let mut text = None;
    let mut meta = BTreeMap::new();
    for (key, value) in fields {
        if key == options.text_field {
            text = Some(value);
            continue;
        }
        let value = match value {
            Value::Null => continue,
            Value::String(s) => s,
            other => other.to_string(),
        };
        if key == options.id_field {
            let trimmed = value.trim();
            if !trimmed.is_empty() {
                id = Some(trimmed.to_string());
            }
        } else if key == options.date_field {
            meta.insert("date".into(), value);
        } else if key == options.title_field {
            meta.insert("title".into(), value);
        } else if key == "source" {
            // "source" is the reader's (where the record came from); keep the record's too.
            meta.insert("record_source".into(), value);
        } else {
            meta.entry(key).or_insert(value);
        }
    }
    match text {
        Some(Value::String(text)) => Ok((id, text, meta)),
        _ => Err(format!(
            "line {number}: no string field \"{}\"",
            options.text_field
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{read as read_inputs, Item, ReadOptions};

    fn items(content: &[u8], options: &ReadOptions) -> Vec<Item> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("news.jsonl");
        std::fs::write(&path, content).unwrap();
        read_inputs(&[path], options).collect()
    }

    fn reason(item: &Item) -> &str {
        match item {
            Item::Failed(f) | Item::Skipped(f) => &f.reason,
            Item::Document(d) => panic!("expected a failure, got document {}", d.id),
        }
    }

    #[test]
    fn lines_become_documents_with_ids_and_meta() {
        let data = b"{\"id\": \"a1\", \"text\": \"Biden spoke.\", \"date\": \"2024-01-02\", \"title\": \"T\", \"lang\": \"en\", \"n\": 3, \"x\": null}\n\n{\"text\": \"No id here.\"}\r\n";
        let out = items(data, &ReadOptions::default());
        assert_eq!(out.len(), 2);
        let Item::Document(a) = &out[0] else { panic!() };
        assert_eq!(a.id, "a1");
        assert_eq!(a.text, "Biden spoke.");
        assert_eq!(a.meta["date"], "2024-01-02");
        assert_eq!(a.meta["title"], "T");
        assert_eq!(a.meta["lang"], "en");
        assert_eq!(a.meta["n"], "3");
        assert!(!a.meta.contains_key("x"));
        assert!(a.meta["source"].ends_with("news.jsonl:1"));
        let Item::Document(b) = &out[1] else { panic!() };
        assert_eq!(b.id, "news:3");
        assert!(b.meta["source"].ends_with("news.jsonl:3"));
    }

    #[test]
    fn bad_lines_fail_alone() {
        let data = b"{\"text\": \"one\"}\n{\"text\": \"two\"\n{\"body\": \"x\"}\n{\"text\": 5}\n[1,2]\n{\"text\": \"  \"}\n\xff\xfe\n{\"text\": \"last\"}";
        let out = items(data, &ReadOptions::default());
        assert_eq!(out.len(), 8, "{out:?}");
        assert!(matches!(&out[0], Item::Document(d) if d.text == "one"));
        assert!(matches!(&out[1], Item::Failed(_)));
        assert!(
            reason(&out[1]).starts_with("line 2: malformed JSON: "),
            "{}",
            reason(&out[1])
        );
        assert_eq!(reason(&out[2]), "line 3: no string field \"text\"");
        assert_eq!(reason(&out[3]), "line 4: no string field \"text\"");
        assert_eq!(reason(&out[4]), "line 5: not a JSON object");
        assert!(matches!(&out[5], Item::Skipped(f) if f.reason == "line 6: empty document"));
        assert!(reason(&out[6]).starts_with("line 7: not UTF-8"));
        assert!(matches!(&out[7], Item::Document(d) if d.text == "last"));
    }

    #[test]
    fn field_names_follow_the_options() {
        let options = ReadOptions {
            id_field: "uid".into(),
            text_field: "body".into(),
            date_field: "published".into(),
            title_field: "headline".into(),
            ..ReadOptions::default()
        };
        let out = items(
            b"{\"uid\": 7, \"body\": \"Text.\", \"published\": \"d\", \"headline\": \"h\"}\n",
            &options,
        );
        let Item::Document(d) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(d.id, "7");
        assert_eq!(d.meta["date"], "d");
        assert_eq!(d.meta["title"], "h");
    }

    #[test]
    fn a_line_over_the_limit_fails_without_stopping_the_file() {
        let options = ReadOptions {
            max_document_bytes: 64,
            ..ReadOptions::default()
        };
        let long = format!(
            "{{\"text\": \"{}\"}}\n{{\"text\": \"ok\"}}\n",
            "x".repeat(500)
        );
        let out = items(long.as_bytes(), &options);
        assert_eq!(out.len(), 2);
        assert!(reason(&out[0]).contains("--max-doc-bytes"));
        assert!(matches!(&out[1], Item::Document(_)));
    }

    #[test]
    fn a_file_of_no_lines_or_blank_lines_is_one_empty_document() {
        for data in [&b""[..], b"\n\n  \r\n\t\n", b"\xEF\xBB\xBF\n"] {
            let out = items(data, &ReadOptions::default());
            assert_eq!(out.len(), 1, "{out:?}");
            assert!(
                matches!(&out[0], Item::Skipped(f) if f.reason == "empty document (no JSON lines)"),
                "{out:?}"
            );
        }
    }

    #[test]
    fn blank_lines_keep_the_line_numbers_and_a_byte_order_mark_is_dropped() {
        let data = b"\xEF\xBB\xBF{\"text\": \"one\"}\n\n \n\t{\"text\": \"four\"}\n\n";
        let out = items(data, &ReadOptions::default());
        let ids: Vec<_> = out
            .iter()
            .map(|i| match i {
                Item::Document(d) => d.id.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(ids, ["news:1", "news:4"]);
    }

    #[test]
    fn repeated_ids_get_suffixes() {
        let out = items(
            b"{\"id\": \"a\", \"text\": \"1\"}\n{\"id\": \"a\", \"text\": \"2\"}\n",
            &ReadOptions::default(),
        );
        let ids: Vec<_> = out
            .iter()
            .map(|i| match i {
                Item::Document(d) => d.id.clone(),
                _ => panic!(),
            })
            .collect();
        assert_eq!(ids, ["a", "a#2"]);
    }
}
