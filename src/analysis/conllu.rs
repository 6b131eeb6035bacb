//! CoNLL-U: reading treebanks (gold words and trees, for `eval ud`) and writing
//! analysed documents (`extract --format conllu`).

use std::fmt::Write as _;

use super::{Doc, ParsedSentence};
use crate::text::CharOffsets;

/// One word of a treebank sentence (multiword-token ranges and empty nodes are skipped,
/// as the CoNLL 2018 shared task scores syntactic words).
#[derive(Clone, Debug, PartialEq)]
pub struct GoldWord {
    pub form: String,
    pub upos: String,
    /// 0 = root, else the 1-based index of the head word.
    pub head: usize,
    pub deprel: String,
}

/// A treebank sentence.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GoldSentence {
    pub sent_id: String,
    pub text: String,
    pub words: Vec<GoldWord>,
}

/// A malformed CoNLL-U line, with its 1-based number.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ConlluError {
    pub line: usize,
    pub message: String,
}

/// Reads the sentences of a CoNLL-U file's text.
pub fn read(text: &str) -> Result<Vec<GoldSentence>, ConlluError> {
    let mut out = Vec::new();
    let mut cur = GoldSentence::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let err = |message: String| ConlluError {
            line: i + 1,
            message,
        };
        if line.is_empty() {
            if !cur.words.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            cur = GoldSentence::default();
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if let Some((key, value)) = comment.split_once('=') {
                match key.trim() {
                    "sent_id" => cur.sent_id = value.trim().to_string(),
                    "text" => cur.text = value.trim().to_string(),
                    _ => {}
                }
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 {
            return Err(err(format!("expected 10 tab-separated columns, found {}", cols.len())));
        }
        if cols[0].contains('-') || cols[0].contains('.') {
            continue;
        }
        let id: usize = cols[0]
            .parse()
            .map_err(|_| err(format!("ID {:?} is not a number", cols[0])))?;
        if id != cur.words.len() + 1 {
            return Err(err(format!("ID {id} out of order (expected {})", cur.words.len() + 1)));
        }
        let head: usize = cols[6]
            .parse()
            .map_err(|_| err(format!("HEAD {:?} is not a number", cols[6])))?;
        cur.words.push(GoldWord {
            form: cols[1].to_string(),
            upos: cols[3].to_string(),
            head,
            deprel: cols[7].to_string(),
        });
    }
    if !cur.words.is_empty() {
        out.push(cur);
    }
    for s in &out {
        let n = s.words.len();
        if let Some(w) = s.words.iter().find(|w| w.head > n) {
            return Err(ConlluError {
                line: 0,
                message: format!("sentence {:?}: head {} beyond its {n} words", s.sent_id, w.head),
            });
        }
    }
    Ok(out)
}

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
pub fn write_parsed(gold: &GoldSentence, parsed: &ParsedSentence, out: &mut String) {
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
        .map(|c| if c == '\t' || c == '\n' || c == '\r' { ' ' } else { c })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_words_and_skips_multiword_ranges() {
        let text = "# sent_id = s1\n# text = I don't.\n1\tI\tI\tPRON\t_\t_\t3\tnsubj\t_\t_\n2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n2\tdo\tdo\tAUX\t_\t_\t3\taux\t_\t_\n3\tn't\tnot\tPART\t_\t_\t0\troot\t_\t_\n4\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\t_\n\n";
        let s = read(text).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].sent_id, "s1");
        assert_eq!(s[0].text, "I don't.");
        let forms: Vec<&str> = s[0].words.iter().map(|w| w.form.as_str()).collect();
        assert_eq!(forms, ["I", "do", "n't", "."]);
        assert_eq!(s[0].words[2].head, 0);
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = read("1\tI\tI\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.contains("10 tab-separated columns"));
        let err = read("2\tI\tI\tPRON\t_\t_\t0\troot\t_\t_\n").unwrap_err();
        assert!(err.message.contains("out of order"));
    }

    #[test]
    fn spaces_are_escaped_like_udpipe() {
        assert_eq!(escape_spaces("\n  "), "\\n\\s\\s");
        assert_eq!(escape_spaces("\r\n"), "\\r\\n");
    }
}
