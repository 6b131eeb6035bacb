//! Reuters-21578 SGML (`.sgm`): one document per `<REUTERS>` element, decoded as UTF-8
//! or, per article, Windows-1252.
//!
//! The document text is the TITLE, a blank line, then the BODY (the title alone when it is
//! missing is not a document: an article without BODY is skipped), so titles are searched
//! too and offsets index this text. Meta: title, dateline, date (ISO 8601), topics, places,
//! people, orgs, exchanges (comma-separated codes), newid, oldid, lewissplit, and
//! "encoding": "latin-1" when the article was not UTF-8.

use std::collections::BTreeMap;
use std::io::BufRead;

use super::lines::{read_line, Line};
use super::{decode, Flow, Origin, Outcome, Producer};

const OPEN: &[u8] = b"<REUTERS";
const CLOSE: &[u8] = b"</REUTERS>";

/// Bytes an article may take beyond the document limit (its SGML around the body).
const ARTICLE_SLACK: u64 = 64 * 1024;

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// An `<REUTERS` that opens an element (followed by a space or '>').
fn find_open(haystack: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = find(&haystack[from..], OPEN) {
        let at = from + i;
        match haystack.get(at + OPEN.len()) {
            Some(b) if b.is_ascii_whitespace() || *b == b'>' => return Some(at),
            None => return Some(at),
            _ => from = at + OPEN.len(),
        }
    }
    None
}

/// Reads every article of an SGML stream; text outside articles (the doctype) is ignored.
pub(crate) fn read(p: &mut Producer, origin: &Origin, reader: &mut dyn BufRead) -> Flow<Outcome> {
    let max = p.options.max_document_bytes;
    let limit = max.saturating_add(ARTICLE_SLACK);
    let mut line = Vec::new();
    let mut number: u64 = 0;
    // The article being read: its first line, its bytes, and whether it outgrew the limit.
    let mut article: Option<(u64, Vec<u8>, bool)> = None;
    loop {
        number += 1;
        let read = match read_line(reader, &mut line, limit) {
            Ok(read) => read,
            Err(e) => {
                let at = article.as_ref().map_or(number, |a| a.0);
                p.fail(
                    origin.line(at).source,
                    format!("line {number}: read error: {e}; the rest of the file was not read"),
                )?;
                return Ok(Outcome::Damaged);
            }
        };
        match read {
            Line::End => break,
            Line::TooLong(n) => {
                // No real article has such a line: the article it is in is too big.
                match &mut article {
                    Some(a) => a.2 = true,
                    None => p.fail(
                        origin.line(number).source,
                        format!("line {number}: a line of {n} bytes outside any article"),
                    )?,
                }
                continue;
            }
            Line::Text => line.push(b'\n'),
        }
        let mut rest: &[u8] = &line;
        while !rest.is_empty() {
            match &mut article {
                None => match find_open(rest) {
                    Some(i) => {
                        article = Some((number, Vec::new(), false));
                        rest = &rest[i..];
                    }
                    None => rest = &[],
                },
                Some((start, bytes, too_big)) => {
                    let (part, done) = match find(rest, CLOSE) {
                        Some(i) => (&rest[..i + CLOSE.len()], true),
                        None => (rest, false),
                    };
                    if !*too_big {
                        if (bytes.len() + part.len()) as u64 > limit {
                            *too_big = true;
                            *bytes = Vec::new();
                        } else {
                            bytes.extend_from_slice(part);
                        }
                    }
                    rest = &rest[part.len()..];
                    if done {
                        let (start, too_big) = (*start, *too_big);
                        let bytes = std::mem::take(bytes);
                        article = None;
                        let here = origin.line(start);
                        if too_big {
                            p.fail(
                                &here.source,
                                format!("article: {}", decode::too_big(None, max)),
                            )?;
                        } else {
                            emit_article(p, origin, start, bytes)?;
                        }
                    }
                }
            }
        }
    }
    if let Some((start, _, _)) = article {
        p.fail(
            origin.line(start).source,
            "article has no </REUTERS> end tag (truncated file?)",
        )?;
    }
    Ok(Outcome::Read)
}

fn emit_article(p: &mut Producer, origin: &Origin, start: u64, bytes: Vec<u8>) -> Flow {
    let here = origin.line(start);
    let (sgml, latin1) = decode::utf8_or_latin1(bytes);
    let article = parse(&sgml);
    let id = match &article.newid {
        Some(n) => format!("reuters-{n}"),
        None => here.id.clone(),
    };
    let mut meta = article.meta;
    if latin1 {
        meta.insert("encoding".into(), "latin-1".into());
    }
    let Some(body) = article.body else {
        return p.skip(&here.source, format!("{id}: no BODY"));
    };
    if body.len() as u64 > p.options.max_document_bytes {
        return p.fail(
            &here.source,
            format!(
                "{id}: {}",
                decode::too_big(Some(body.len() as u64), p.options.max_document_bytes)
            ),
        );
    }
    let text = match meta.get("title") {
        Some(title) => format!("{title}\n\n{body}"),
        None => body,
    };
    match decode::check_text(&text) {
        Ok(()) => p.document(&here, id, text, meta),
        Err(decode::Problem::Failed(r)) => p.fail(&here.source, format!("{id}: {r}")),
        Err(decode::Problem::Skipped(r)) => p.skip(&here.source, format!("{id}: {r}")),
    }
}

/// What one article holds.
#[derive(Debug, Default)]
struct Article {
    newid: Option<String>,
    body: Option<String>,
    meta: BTreeMap<String, String>,
}

/// The content of the first `<NAME>` / `<NAME attrs>` element, up to `</NAME>`.
fn element<'a>(s: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut from = 0;
    while let Some(i) = s[from..].find(&open) {
        let at = from + i + open.len();
        let after = &s[at..];
        if after.starts_with('>') || after.starts_with(|c: char| c.is_ascii_whitespace()) {
            let content_start = at + after.find('>')? + 1;
            let end = s[content_start..]
                .find(&close)
                .map_or(s.len(), |j| content_start + j);
            return Some(&s[content_start..end]);
        }
        from = at;
    }
    None
}

/// The attributes of the `<REUTERS ...>` start tag.
fn attributes(s: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(start) = s.find("<REUTERS") else {
        return out;
    };
    let tag = &s[start + "<REUTERS".len()..];
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let mut rest = tag;
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq].trim().to_ascii_lowercase();
        let value_start = eq + 2;
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        out.insert(name, rest[value_start..value_start + len].to_string());
        rest = &rest[value_start + len + 1..];
    }
    out
}

/// SGML character references: `&lt;` `&gt;` `&amp;` `&quot;` and numeric ones; control
/// characters (Reuters' `&#2;`, `&#3;`, ...) are dropped, raw ones too.
fn decode_refs(s: &str) -> String {
    super::html::decode_entities(s)
        .chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .collect()
}

/// `26-FEB-1987 15:01:01.79` as `1987-02-26T15:01:01`.
fn iso_date(raw: &str) -> Option<String> {
    let mut parts = raw.split_whitespace();
    let date = parts.next()?;
    let time = parts.next()?;
    let mut dmy = date.split('-');
    let day: u32 = dmy.next()?.parse().ok()?;
    let month = match dmy.next()?.to_ascii_uppercase().as_str() {
        "JAN" => 1,
        "FEB" => 2,
        "MAR" => 3,
        "APR" => 4,
        "MAY" => 5,
        "JUN" => 6,
        "JUL" => 7,
        "AUG" => 8,
        "SEP" => 9,
        "OCT" => 10,
        "NOV" => 11,
        "DEC" => 12,
        _ => return None,
    };
    let year: u32 = dmy.next()?.parse().ok()?;
    let hms = time.get(..8)?;
    let b = hms.as_bytes();
    let digits = [0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit());
    if !digits || b[2] != b':' || b[5] != b':' || !(1..=31).contains(&day) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}T{hms}"))
}

fn parse(sgml: &str) -> Article {
    let mut article = Article::default();
    let attrs = attributes(sgml);
    article.newid = attrs.get("newid").cloned();
    for (key, name) in [
        ("newid", "newid"),
        ("oldid", "oldid"),
        ("lewissplit", "lewissplit"),
    ] {
        if let Some(v) = attrs.get(key) {
            article.meta.insert(name.into(), v.clone());
        }
    }
    if let Some(date) = element(sgml, "DATE") {
        let date = decode_refs(date);
        match iso_date(&date) {
            Some(iso) => article.meta.insert("date".into(), iso),
            None => article
                .meta
                .insert("date_raw".into(), date.trim().to_string()),
        };
    }
    for (tag, key) in [
        ("TOPICS", "topics"),
        ("PLACES", "places"),
        ("PEOPLE", "people"),
        ("ORGS", "orgs"),
        ("EXCHANGES", "exchanges"),
    ] {
        if let Some(list) = element(sgml, tag) {
            let codes: Vec<String> = list
                .split("<D>")
                .filter_map(|d| d.split("</D>").next())
                .map(|d| decode_refs(d).trim().to_string())
                .filter(|d| !d.is_empty())
                .collect();
            if !codes.is_empty() {
                article.meta.insert(key.into(), codes.join(","));
            }
        }
    }
    let text = element(sgml, "TEXT").unwrap_or("");
    if let Some(title) = element(text, "TITLE") {
        let title = collapse(&decode_refs(title));
        if !title.is_empty() {
            article.meta.insert("title".into(), title);
        }
    }
    if let Some(dateline) = element(text, "DATELINE") {
        let dateline = collapse(&decode_refs(dateline));
        let dateline = dateline.trim_end_matches(['-', ' ']).to_string();
        if !dateline.is_empty() {
            article.meta.insert("dateline".into(), dateline);
        }
    }
    if let Some(body) = element(text, "BODY") {
        article.body = Some(decode_refs(body).trim().to_string());
    }
    article
}

/// One line, single spaces.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::{read as read_inputs, Item, ReadOptions};
    use super::*;

    const SAMPLE: &[u8] = b"<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n\
<REUTERS TOPICS=\"YES\" LEWISSPLIT=\"TRAIN\" CGISPLIT=\"TRAINING-SET\" OLDID=\"5544\" NEWID=\"1\">\n\
<DATE>26-FEB-1987 15:01:01.79</DATE>\n\
<TOPICS><D>cocoa</D></TOPICS>\n\
<PLACES><D>el-salvador</D><D>usa</D></PLACES>\n\
<PEOPLE></PEOPLE>\n\
<UNKNOWN> \n&#5;&#5;&#5;C T\n</UNKNOWN>\n\
<TEXT>&#2;\n\
<TITLE>BAHIA COCOA &lt;REVIEW&gt;</TITLE>\n\
<DATELINE>    SALVADOR, Feb 26 - </DATELINE><BODY>Showers continued &amp; more\n\
in the Bahia cocoa zone.\n Reuter\n&#3;</BODY></TEXT>\n\
</REUTERS>\n\
<REUTERS TOPICS=\"NO\" NEWID=\"2\">\n<DATE>27-MAR-1987 00:02:59.13&#5;&#5;&#5;RM</DATE>\n\
<TEXT TYPE=\"BRIEF\">&#2;\n<TITLE>SHORT ONE</TITLE>\n&#3;</TEXT>\n</REUTERS>\n\
<REUTERS NEWID=\"3\"><TEXT><TITLE>M\xdcNCHEN</TITLE><BODY>Gr\xfc\xdfe.</BODY></TEXT></REUTERS>\n";

    fn items(content: &[u8]) -> Vec<Item> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reut2-000.sgm");
        std::fs::write(&path, content).unwrap();
        read_inputs(&[path], &ReadOptions::default()).collect()
    }

    #[test]
    fn articles_become_documents() {
        let out = items(SAMPLE);
        assert_eq!(out.len(), 3, "{out:?}");
        let Item::Document(d) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(d.id, "reuters-1");
        assert_eq!(
            d.text,
            "BAHIA COCOA <REVIEW>\n\nShowers continued & more\nin the Bahia cocoa zone.\n Reuter"
        );
        assert_eq!(d.meta["title"], "BAHIA COCOA <REVIEW>");
        assert_eq!(d.meta["dateline"], "SALVADOR, Feb 26");
        assert_eq!(d.meta["date"], "1987-02-26T15:01:01");
        assert_eq!(d.meta["topics"], "cocoa");
        assert_eq!(d.meta["places"], "el-salvador,usa");
        assert!(!d.meta.contains_key("people"));
        assert_eq!(d.meta["newid"], "1");
        assert_eq!(d.meta["oldid"], "5544");
        assert!(d.meta["source"].ends_with("reut2-000.sgm:2"));
        assert!(!d.meta.contains_key("encoding"));
        let Item::Skipped(s) = &out[1] else {
            panic!("{out:?}")
        };
        assert_eq!(s.reason, "reuters-2: no BODY");
        assert!(s.source.ends_with("reut2-000.sgm:17"));
        let Item::Document(d) = &out[2] else {
            panic!("{out:?}")
        };
        assert_eq!(d.id, "reuters-3");
        assert_eq!(d.text, "MÜNCHEN\n\nGrüße.");
        assert_eq!(d.meta["encoding"], "latin-1");
    }

    #[test]
    fn dates_with_trailing_junk_still_parse() {
        assert_eq!(
            iso_date("27-MAR-1987 00:02:59.13RM").as_deref(),
            Some("1987-03-27T00:02:59")
        );
        assert_eq!(
            iso_date(" 3-MAR-1987  09:15:05.40").as_deref(),
            Some("1987-03-03T09:15:05")
        );
        assert_eq!(iso_date("garbage"), None);
    }

    #[test]
    fn a_truncated_article_fails() {
        let out = items(b"<REUTERS NEWID=\"9\"><TEXT><BODY>cut off");
        assert_eq!(out.len(), 1);
        assert!(matches!(&out[0], Item::Failed(f) if f.reason.contains("truncated")));
    }
}
