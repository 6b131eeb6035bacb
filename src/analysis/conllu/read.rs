//! A CoNLL-U reader for scoring: each sentence's `# text`, document and paragraph marks, words.

use std::path::{Path, PathBuf};

use crate::text::Span;

/// A CoNLL-U file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConlluError {
    // The I/O error in the message and not as a source, so that a chain says it once.
    #[error("{}: {error}", path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("line {line}: {reason}")]
    Malformed { line: usize, reason: String },
}

/// One word line (an integer id) of a sentence.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UdWord {
    pub form: String,
    pub lemma: String,
    pub upos: String,
    /// 0 for the root, else the 1-based index of the head word.
    pub head: usize,
    pub deprel: String,
}

/// A surface token: one word, or a multiword token ("don't" = "do" + "n't").
#[derive(Clone, Debug, PartialEq)]
pub struct UdToken {
    pub form: String,
    /// The words it holds, as indices into [`UdSentence::words`].
    pub words: std::ops::Range<usize>,
}

/// One sentence with the comments that place it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UdSentence {
    /// `# sent_id = ...` (empty when absent).
    pub sent_id: String,
    /// `# text = ...`.
    pub text: String,
    /// `Some(id)` when `# newdoc` precedes it (the id may be empty).
    pub newdoc: Option<String>,
    /// Whether `# newpar` precedes it (so does every `# newdoc`).
    pub newpar: bool,
    pub words: Vec<UdWord>,
    pub tokens: Vec<UdToken>,
}

impl UdSentence {
    /// Byte spans of the words in `text`, found token by token from left to right. A
    /// multiword token's words split its span when their forms spell it ("don't" = "do"
    /// "n't"); otherwise each of them gets the whole token's span. `None` when a token's
    /// form is not where the text says.
    pub fn word_spans(&self) -> Option<Vec<Span>> {
        let mut spans = vec![Span::default(); self.words.len()];
        let mut at = 0;
        for token in &self.tokens {
            at += self.text[at..].len() - self.text[at..].trim_start().len();
            if !self.text[at..].starts_with(token.form.as_str()) {
                return None;
            }
            let words = &self.words[token.words.clone()];
            let spelled: String = words.iter().map(|w| w.form.as_str()).collect();
            let mut start = at;
            for (i, word) in token.words.clone().zip(words) {
                spans[i] = if spelled == token.form {
                    start += word.form.len();
                    Span::new(start - word.form.len(), start)
                } else {
                    Span::new(at, at + token.form.len())
                };
            }
            at += token.form.len();
        }
        Some(spans)
    }
}

/// Reads a CoNLL-U file.
pub fn read(path: &Path) -> Result<Vec<UdSentence>, ConlluError> {
    let text = std::fs::read_to_string(path).map_err(|error| ConlluError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    parse(&text)
}

/// Parses CoNLL-U text. Empty nodes (`8.1`) are skipped.
pub fn parse(text: &str) -> Result<Vec<UdSentence>, ConlluError> {
    let mut out = Vec::new();
    let mut current = UdSentence::default();
    // A multiword token's form and last word id, until its words are read.
    let mut open_token: Option<(String, usize, usize)> = None;
    let mut started = false;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            if started {
                out.push(std::mem::take(&mut current));
                started = false;
            }
            continue;
        }
        started = true;
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim_start();
            if let Some(rest) = comment.strip_prefix("sent_id") {
                if let Some(value) = rest.trim_start().strip_prefix('=') {
                    current.sent_id = value.trim().to_string();
                }
            } else if let Some(rest) = comment.strip_prefix("text") {
                if let Some(value) = rest.trim_start().strip_prefix('=') {
                    current.text = value.trim().to_string();
                }
            } else if let Some(rest) = comment.strip_prefix("newdoc") {
                if rest.is_empty() || rest.starts_with([' ', '=']) {
                    let id = rest.trim().trim_start_matches("id").trim();
                    current.newdoc = Some(id.trim_start_matches('=').trim().to_string());
                    current.newpar = true;
                }
            } else if let Some(rest) = comment.strip_prefix("newpar") {
                if rest.is_empty() || rest.starts_with([' ', '=']) {
                    current.newpar = true;
                }
            }
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 10 {
            return Err(ConlluError::Malformed {
                line: n + 1,
                reason: format!("{} fields, not 10", fields.len()),
            });
        }
        let id = fields[0];
        if id.contains('.') {
            continue;
        }
        if let Some((first, last)) = id.split_once('-') {
            let bad = || ConlluError::Malformed {
                line: n + 1,
                reason: format!("bad range {id}"),
            };
            let first: usize = first.parse().map_err(|_| bad())?;
            let last: usize = last.parse().map_err(|_| bad())?;
            open_token = Some((fields[1].to_string(), first, last));
            continue;
        }
        let index: usize = id.parse().map_err(|_| ConlluError::Malformed {
            line: n + 1,
            reason: format!("bad id {id}"),
        })?;
        let head = fields[6].parse().unwrap_or(0);
        current.words.push(UdWord {
            form: fields[1].to_string(),
            lemma: fields[2].to_string(),
            upos: fields[3].to_string(),
            head,
            deprel: fields[7].to_string(),
        });
        let word = current.words.len() - 1;
        match &open_token {
            Some((form, first, last)) if (*first..=*last).contains(&index) => {
                if index == *first {
                    current.tokens.push(UdToken {
                        form: form.clone(),
                        words: word..word + 1,
                    });
                } else if let Some(token) = current.tokens.last_mut() {
                    token.words.end = word + 1;
                }
                if index == *last {
                    open_token = None;
                }
            }
            _ => current.tokens.push(UdToken {
                form: fields[1].to_string(),
                words: word..word + 1,
            }),
        }
    }
    if started {
        out.push(current);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_texts_marks_and_multiword_tokens() {
        let text = "# newdoc id = d1\n# newpar_block = head\n# text = don't.\n\
                    1-2\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n\
                    1\tdo\tdo\tAUX\t_\t_\t0\troot\t_\t_\n\
                    2\tn't\tnot\tPART\t_\t_\t1\tadvmod\t_\t_\n\
                    3\t.\t.\tPUNCT\t_\t_\t1\tpunct\t_\t_\n\n\
                    # newpar_block = x\n# text = Ok\n1\tOk\tok\tINTJ\t_\t_\t0\troot\t_\t_\n";
        let sentences = parse(text).unwrap();
        assert_eq!(sentences.len(), 2);
        assert_eq!(sentences[0].newdoc.as_deref(), Some("d1"));
        assert!(sentences[0].newpar);
        assert!(!sentences[1].newpar, "newpar_block is not newpar");
        assert_eq!(sentences[0].text, "don't.");
        assert_eq!(sentences[0].tokens.len(), 2);
        assert_eq!(sentences[0].tokens[0].words, 0..2);
        assert_eq!(sentences[0].words[1].lemma, "not");
        assert_eq!(
            sentences[0].word_spans().unwrap(),
            vec![Span::new(0, 2), Span::new(2, 5), Span::new(5, 6)]
        );
        assert!(parse("1\ta\n").is_err());
    }
}
