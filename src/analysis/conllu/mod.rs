//! Writing CoNLL-U: analysed documents (`extract --format conllu`) and parses of
//! treebank sentences (`eval ud --output`); reading UD treebanks ([`read`]).

use std::fmt::Write as _;

use super::{Doc, ParsedSentence};
pub mod read;

use crate::text::CharOffsets;
pub use read::{parse, read, ConlluError, UdSentence, UdToken, UdWord};

/// Writes `doc`'s sentences as CoNLL-U: `# newdoc id`, then per sentence `# sent_id`
/// (`<doc id>-<n>`) and `# text` (whitespace runs shown as one space, as UD's text
/// reconstruction expects), and per token ID, FORM, LEMMA, UPOS, HEAD and DEPREL;
/// MISC carries `TokenRange=start:end` (character offsets into the document),
/// `SpaceAfter=No` or `SpacesAfter=` (the real whitespace, escaped as UDPipe does),
/// and `Entity=B-PER`/`I-PER` for tokens of NER mentions. A sentence that was not
/// parsed has every word attached to the first as `dep` (it is still valid CoNLL-U,
/// but `newsgraph extract --format conllu` parses every sentence).
pub fn write_doc(doc_id: &str, text: &str, doc: &Doc, out: &mut String) {
    let mut offsets = CharOffsets::new(text);
    let _ = writeln!(out, "# newdoc id = {}", one_line(doc_id));
    let mut number = 0;
    for sentence in &doc.sentences {
        if sentence.tokens.is_empty() {
            continue;
        }
        number += 1;
        let range = sentence.tokens.clone();
        let first = range.start;
        let mut line_text = String::new();
        let mut rows = String::new();
        for t in range.clone() {
            let token = &doc.tokens[t];
            let id = t - first + 1;
            let (head, deprel) = if sentence.parsed {
                match token.head {
                    Some(h) => (h - first + 1, token.deprel.as_str()),
                    None => (0, "root"),
                }
            } else if t == first {
                (0, "root")
            } else {
                (1, "dep")
            };
            let mut misc = Vec::new();
            let start = offsets.get(token.span.start);
            let end = offsets.get(token.span.end);
            if let Some(m) = token.mention {
                let mention = &doc.mentions[m];
                let prefix = if mention.tokens.start == t { "B" } else { "I" };
                misc.push(format!("Entity={prefix}-{}", mention.label));
            }
            line_text.push_str(&token.text);
            if t + 1 < range.end {
                let gap = &text[token.span.end..doc.tokens[t + 1].span.start];
                if gap.is_empty() {
                    misc.push("SpaceAfter=No".into());
                } else {
                    line_text.push(' ');
                    if gap != " " {
                        misc.push(format!("SpacesAfter={}", escape_spaces(gap)));
                    }
                }
            }
            misc.push(format!("TokenRange={start}:{end}"));
            let _ = writeln!(
                rows,
                "{id}\t{}\t{}\t{}\t_\t_\t{head}\t{deprel}\t_\t{}",
                field(&token.text),
                field(&token.lemma),
                token.upos,
                misc.join("|")
            );
        }
        let _ = writeln!(out, "# sent_id = {}-{number}", one_line(doc_id));
        let _ = writeln!(out, "# text = {line_text}");
        out.push_str(&rows);
        out.push('\n');
    }
}

/// Writes a treebank sentence's gold words with a predicted parse (`eval ud --output`):
/// the input of the CoNLL 2018 scorer and of UD's validator.
pub fn write_parsed(gold: &UdSentence, parsed: &ParsedSentence, out: &mut String) {
    if !gold.sent_id.is_empty() {
        let _ = writeln!(out, "# sent_id = {}", one_line(&gold.sent_id));
    }
    if !gold.text.is_empty() {
        let _ = writeln!(out, "# text = {}", one_line(&gold.text));
    }
    for (i, w) in gold.words.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}\t{}\t_\t{}\t_\t_\t{}\t{}\t_\t_",
            i + 1,
            field(&w.form),
            parsed.upos[i],
            parsed.heads[i],
            parsed.deprels[i]
        );
    }
    out.push('\n');
}

/// A FORM or LEMMA field: never empty, never containing a tab or a line break.
fn field(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| {
            if c == '\t' || c == '\n' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .collect();
    if s.is_empty() {
        "_".into()
    } else {
        s
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// UDPipe's escaping of whitespace in `SpacesAfter`.
fn escape_spaces(gap: &str) -> String {
    gap.chars()
        .map(|c| match c {
            ' ' => "\\s".to_string(),
            '\t' => "\\t".to_string(),
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '|' => "\\p".to_string(),
            '\\' => "\\\\".to_string(),
            other => other.to_string(),
        })
        .collect()
}

/// `parses.conllu` of an extract run: analysed documents appended a batch at a time and
/// synced, so a checkpoint can record its length, and `--resume` can cut it back to that
/// length and go on.
pub struct ConlluFile {
    file: std::fs::File,
    len: u64,
}

impl ConlluFile {
    /// Creates (or empties) the file.
    pub fn create(path: &std::path::Path) -> std::io::Result<Self> {
        let file = std::fs::File::create(path)?;
        Ok(Self { file, len: 0 })
    }

    /// Reopens the file of an interrupted run, cut back to `len` bytes (what its
    /// checkpoint holds); a file shorter than that was changed since and is an error.
    pub fn resume(path: &std::path::Path, len: u64) -> std::io::Result<Self> {
        use std::io::{Seek, SeekFrom};
        let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
        if file.metadata()?.len() < len {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{} is shorter than its checkpoint says ({len} bytes); start again without --resume",
                    path.display()
                ),
            ));
        }
        file.set_len(len)?;
        file.seek(SeekFrom::End(0))?;
        Ok(Self { file, len })
    }

    /// Appends `text` and syncs it to disk.
    pub fn append(&mut self, text: &str) -> std::io::Result<()> {
        use std::io::Write;
        self.file.write_all(text.as_bytes())?;
        self.file.sync_data()?;
        self.len += text.len() as u64;
        Ok(())
    }

    /// Bytes written and synced.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_are_escaped_like_udpipe() {
        assert_eq!(escape_spaces("\n  "), "\\n\\s\\s");
        assert_eq!(escape_spaces("\r\n"), "\\r\\n");
    }
}
