//! Sentence boundaries and model-sized chunks of a document, with byte spans.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// A byte range into a document's text.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Self { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// The entries of a word-list data file: trimmed lines, without blanks and `#` comments.
pub(crate) fn word_list(text: &'static str) -> HashSet<&'static str> {
    crate::lists::data_lines(text)
        .map(|(_, l)| l.trim())
        .collect()
}

pub(crate) fn abbreviations() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| word_list(include_str!("../data/abbreviations.txt")))
}

fn bullets() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| word_list(include_str!("../data/sentences/bullets.txt")))
}

fn lowercase_words() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| word_list(include_str!("../data/sentences/lowercase_words.txt")))
}

/// How much shorter than the block's widest line a line must be, in characters, before
/// its break counts as intended: wrappers leave ragged right edges (Reuters-21578 bodies
/// leave up to 3 columns unused where the next word would have fitted).
const RAGGED_MARGIN: usize = 4;

/// Sentence spans of `text`, whitespace trimmed. A sentence may span line breaks.
///
/// A line break ends a sentence only when the text says so (see [`break_ends_sentence`]):
/// a blank line, a list item or a more indented line after it, a headline or dateline
/// before it, a line much shorter than its neighbours (a break the writer made, not the
/// wrapper). Any other break is wrapping and reads as a space. Then, within the lines so
/// joined, a sentence ends at `.`, `!`, `?` or `…` (and closing quotes) before whitespace
/// and a capital, digit or opening quote, unless the period ends an abbreviation or an
/// initial. LF, CRLF and CR line ends all work.
pub fn sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let all = lines(text);
    for block in all.split(|l| l.blank) {
        let Some(last) = block.last() else { continue };
        // The wrap width, as far as the lines show it: the last line of a paragraph is
        // short whatever the width, so it does not count.
        let width = block[..block.len() - 1]
            .iter()
            .map(|l| l.width)
            .max()
            .unwrap_or(0);
        let mut run_start = block[0].span.start;
        let mut starts_sentence = true;
        for (i, pair) in block.windows(2).enumerate() {
            let (line, next) = (&pair[0], &pair[1]);
            if break_ends_sentence(text, line, next, width, starts_sentence, i == 0) {
                split_run(text, run_start, line.span.end, &mut out);
                run_start = next.span.start;
                starts_sentence = true;
            } else {
                starts_sentence = ends_with_final_punctuation(line.content(text));
            }
        }
        split_run(text, run_start, last.span.end, &mut out);
    }
    out
}

/// One line of a text, without its line end.
#[derive(Clone, Copy, Debug)]
struct Line {
    span: Span,
    /// Leading whitespace, in characters.
    indent: usize,
    /// Characters up to the last non-whitespace one, indentation included.
    width: usize,
    blank: bool,
}

impl Line {
    fn content<'a>(&self, text: &'a str) -> &'a str {
        text[self.span.start..self.span.end].trim()
    }
}

fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i <= bytes.len() {
        let at_end = i == bytes.len();
        if at_end || bytes[i] == b'\n' || bytes[i] == b'\r' {
            let raw = &text[start..i];
            let trimmed_end = raw.trim_end();
            out.push(Line {
                span: Span::new(start, i),
                indent: raw.chars().take_while(|c| c.is_whitespace()).count(),
                width: trimmed_end.chars().count(),
                blank: trimmed_end.trim_start().is_empty(),
            });
            if at_end {
                break;
            }
            // CRLF is one line end.
            i += if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            start = i;
        } else {
            i += 1;
        }
    }
    out
}

/// Whether the break between two non-blank lines of a block ends a sentence.
/// `width` is the block's wrap width; `line_starts_sentence` whether `line` begins one;
/// `first_line` whether it is the block's first.
fn break_ends_sentence(
    text: &str,
    line: &Line,
    next: &Line,
    width: usize,
    line_starts_sentence: bool,
    first_line: bool,
) -> bool {
    let (content, next_content) = (line.content(text), next.content(text));
    if is_list_item(next_content) || next.indent > line.indent {
        return true; // a list item, or an indented paragraph start (Reuters indents them)
    }
    let Some(next_first) = next_content.chars().next() else {
        return false;
    };
    if !can_start_sentence(next_first) {
        return false;
    }
    if ends_with_final_punctuation(content) {
        return true;
    }
    let last_word = content.rsplit(char::is_whitespace).next().unwrap_or("");
    if content.ends_with([',', ';', '(', '&', '/'])
        || lowercase_words().contains(last_word.to_lowercase().as_str())
    {
        return false; // the sentence goes on
    }
    if line_starts_sentence && is_heading(content) {
        return true;
    }
    // A paragraph's first line may be short for reasons of its own: a dateline or a
    // label cut off before it (Reuters-21578 bodies start after their DATELINE), so the
    // width test below reads only later lines.
    if first_line {
        return false;
    }
    // A line the next word would have fitted on was broken on purpose. Table rows
    // (lines indented alike) break exactly; prose gets the ragged-edge margin.
    let margin = if line.indent > 0 && next.indent == line.indent {
        0
    } else {
        RAGGED_MARGIN
    };
    let next_word = next_content.split_whitespace().next().unwrap_or("");
    line.width + 1 + next_word.chars().count() + margin <= width
}

fn can_start_sentence(c: char) -> bool {
    c.is_uppercase() || c.is_numeric() || matches!(c, '"' | '“' | '‘' | '\'' | '(' | '[')
}

/// Whether a line ends a sentence: `.`, `!`, `?` or `…`, perhaps inside closing quotes
/// or brackets, and not the period of an abbreviation or initial.
fn ends_with_final_punctuation(content: &str) -> bool {
    let core = content.trim_end_matches(['"', '\'', '”', '’', ')', ']']);
    match core.chars().last() {
        Some('!' | '?' | '…') => true,
        Some('.') => !ends_abbreviation(&core[..core.len() - 1]),
        _ => false,
    }
}

/// A bullet ("- ", "• ") or a numbered item ("1. ", "2) ", "(a) ", "b) ").
fn is_list_item(content: &str) -> bool {
    let Some(marker) = content.split_whitespace().next() else {
        return false;
    };
    if marker.len() == content.len() {
        return false; // nothing follows the mark
    }
    if bullets().contains(marker) {
        return true;
    }
    let inner = marker
        .strip_prefix('(')
        .and_then(|m| m.strip_suffix(')'))
        .or_else(|| marker.strip_suffix(['.', ')']));
    inner.is_some_and(|m| {
        (1..=2).contains(&m.len()) && m.chars().all(|c| c.is_ascii_digit())
            || (m.len() == 1 && m.chars().all(|c| c.is_ascii_lowercase()))
    })
}

/// A headline or dateline: all capitals ("BRAZIL COCOA REVIEW", "MOSCOW, Feb 25" counts
/// by its words), or two or more words each capitalised, a number, or a short function word.
fn is_heading(content: &str) -> bool {
    let words: Vec<&str> = content
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    let Some(first) = words.first() else {
        return false;
    };
    let letters = || content.chars().filter(|c| c.is_alphabetic());
    if letters().count() >= 2 && letters().all(char::is_uppercase) {
        return true;
    }
    words.len() >= 2
        && first.starts_with(char::is_uppercase)
        && words.iter().all(|w| {
            w.starts_with(char::is_uppercase)
                || w.starts_with(char::is_numeric)
                || lowercase_words().contains(w)
        })
}

/// Splits a run of lines (joined by wrapping) at sentence-final punctuation.
fn split_run(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let line = &text[start..end];
    let mut sentence_start = 0;
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if matches!(c, '.' | '!' | '?' | '…') {
            // Closing quotes and brackets belong to the sentence they close.
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '\'' | '”' | '’' | ')' | ']') {
                j += 1;
            }
            let boundary = chars.get(j).map_or(line.len(), |&(p, _)| p);
            let next_word = chars[j..]
                .iter()
                .skip_while(|(_, ch)| ch.is_whitespace())
                .map(|&(_, ch)| ch)
                .next();
            let spaced = chars.get(j).is_some_and(|&(_, ch)| ch.is_whitespace());
            if spaced
                && next_word.is_some_and(can_start_sentence)
                && !(c == '.'
                    && ends_abbreviation(&line[..pos])
                    && !ends_name_then_starts_sentence(&line[..pos], &line[boundary..]))
            {
                push_trimmed(text, start + sentence_start, start + boundary, out);
                sentence_start = boundary;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    push_trimmed(text, start + sentence_start, end, out);
}

/// Whether an abbreviation that ends a name ("Co.", "Inc.") is followed by a word that
/// starts a sentence and cannot continue a name ("... Birr, Wilson and Co. He noted"): the
/// period ends the sentence too. Lists: `data/sentences/name_final_abbreviations.txt` and
/// `sentence_starters.txt`.
fn ends_name_then_starts_sentence(before: &str, after: &str) -> bool {
    static FINAL: OnceLock<HashSet<&'static str>> = OnceLock::new();
    static STARTERS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let finals = FINAL.get_or_init(|| {
        word_list(include_str!(
            "../data/sentences/name_final_abbreviations.txt"
        ))
    });
    let starters =
        STARTERS.get_or_init(|| word_list(include_str!("../data/sentences/sentence_starters.txt")));
    let word = last_word(before);
    let next = after
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'))
        .find(|w| !w.is_empty())
        .unwrap_or("");
    finals.contains(word) && starters.contains(next)
}

/// Whether the word before a period is an abbreviation, an initial ("J."),
/// or a dotted abbreviation ("U.S", "U.N").
fn ends_abbreviation(before: &str) -> bool {
    let word = last_word(before);
    if word.is_empty() {
        return false;
    }
    let mut chars = word.chars();
    let single_initial = chars.next().is_some_and(char::is_uppercase) && chars.next().is_none();
    single_initial || word.contains('.') || abbreviations().contains(word)
}

/// The word a period follows: after the last space or opening bracket or quote.
fn last_word(before: &str) -> &str {
    before
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“'))
        .next()
        .unwrap_or("")
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let piece = &text[start..end];
    let trimmed_start = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        let s = start + trimmed_start;
        out.push(Span::new(s, s + trimmed.len()));
    }
}

/// A run of tokens that fits the model window. `owned` is the part of
/// `tokens` whose predictions this chunk supplies; the rest is context that
/// a neighbouring chunk owns (only sentences longer than the window overlap).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkPlan {
    pub tokens: Range<usize>,
    pub owned: Range<usize>,
}

/// Packs whole sentences (given as ranges of a document's token indices)
/// greedily into chunks of at most `budget` tokens. A sentence longer than
/// `budget` is cut into windows that overlap by `overlap` tokens, each window
/// owning the middle of its overlaps, so every token is owned exactly once.
pub fn pack(sentences: &[Range<usize>], budget: usize, overlap: usize) -> Vec<ChunkPlan> {
    assert!(
        budget > 0 && overlap < budget,
        "chunk budget must exceed the overlap"
    );
    let mut out = Vec::new();
    let mut current: Option<Range<usize>> = None;
    for sentence in sentences.iter().filter(|s| !s.is_empty()) {
        if sentence.len() > budget {
            if let Some(c) = current.take() {
                out.push(ChunkPlan {
                    tokens: c.clone(),
                    owned: c,
                });
            }
            split_long(sentence.clone(), budget, overlap, &mut out);
            continue;
        }
        match current.as_mut() {
            Some(c) if sentence.end - c.start <= budget && c.end == sentence.start => {
                c.end = sentence.end
            }
            Some(_) => {
                let c = current.replace(sentence.clone()).expect("checked above");
                out.push(ChunkPlan {
                    tokens: c.clone(),
                    owned: c,
                });
            }
            None => current = Some(sentence.clone()),
        }
    }
    if let Some(c) = current {
        out.push(ChunkPlan {
            tokens: c.clone(),
            owned: c,
        });
    }
    out
}

fn split_long(sentence: Range<usize>, budget: usize, overlap: usize, out: &mut Vec<ChunkPlan>) {
    let step = budget - overlap;
    let mut start = sentence.start;
    loop {
        let end = (start + budget).min(sentence.end);
        let owned_start = if start == sentence.start {
            start
        } else {
            start + overlap / 2
        };
        let owned_end = if end == sentence.end {
            end
        } else {
            end - (overlap - overlap / 2)
        };
        out.push(ChunkPlan {
            tokens: start..end,
            owned: owned_start..owned_end,
        });
        if end == sentence.end {
            break;
        }
        start += step;
    }
}

/// Converts byte offsets of `text` to character offsets: sorted offsets in one pass;
/// offsets out of order (a document's relations, sorted by name, point back and forth)
/// through a table of the character count at every [`CHAR_BLOCK`] bytes, made at the
/// first step back, so that each costs at most a block rather than the text between.
pub struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
    /// Characters before byte `k * CHAR_BLOCK`, once an offset came out of order.
    blocks: Option<Vec<usize>>,
    /// Bytes counted so far (what the time grows with).
    scanned: usize,
}

/// The bytes between two entries of [`CharOffsets`]' table.
pub const CHAR_BLOCK: usize = 256;

/// A UTF-8 byte that starts a character: the characters of a slice are its bytes that
/// are no continuation byte.
fn starts_char(b: u8) -> bool {
    (b as i8) >= -0x40
}

impl<'a> CharOffsets<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            byte: 0,
            chars: 0,
            blocks: None,
            scanned: 0,
        }
    }

    /// Character offset of byte offset `at` (a character boundary); cheapest when called
    /// with non-decreasing offsets, correct in any order.
    pub fn get(&mut self, at: usize) -> usize {
        // Once offsets came out of order, a jump forward may be as long as one back.
        if at < self.byte || self.blocks.is_some() {
            let bytes = self.text.as_bytes();
            let scanned = &mut self.scanned;
            let blocks = self.blocks.get_or_insert_with(|| {
                *scanned += bytes.len();
                let mut chars = 0;
                let mut blocks = Vec::with_capacity(bytes.len() / CHAR_BLOCK + 1);
                for block in bytes.chunks(CHAR_BLOCK) {
                    blocks.push(chars);
                    chars += block.iter().filter(|&&b| starts_char(b)).count();
                }
                blocks
            });
            let from = at / CHAR_BLOCK * CHAR_BLOCK;
            self.chars = blocks[at / CHAR_BLOCK]
                + bytes[from..at].iter().filter(|&&b| starts_char(b)).count();
            self.scanned += at - from;
        } else {
            self.chars += self.text[self.byte..at].chars().count();
            self.scanned += at - self.byte;
        }
        self.byte = at;
        self.chars
    }

    /// The bytes counted so far.
    pub fn bytes_scanned(&self) -> usize {
        self.scanned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(text: &'a str, spans: &[Span]) -> Vec<&'a str> {
        spans.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn sentences_split_on_punctuation_and_lines() {
        let text = "Putin met Mr. Biden. The U.S. said no! \"Really?\" he asked.\r\nNew line here\nJ. R. Smith left.";
        assert_eq!(
            texts(text, &sentences(text)),
            vec![
                "Putin met Mr. Biden.",
                "The U.S. said no!",
                "\"Really?\" he asked.",
                "New line here",
                "J. R. Smith left."
            ]
        );
    }

    #[test]
    fn sentences_keep_byte_spans_with_non_ascii_and_curly_quotes() {
        let text = "  Zelenskyy said “137 people” died. Łukasz Kowalski agreed.  ";
        let spans = sentences(text);
        assert_eq!(
            texts(text, &spans),
            vec![
                "Zelenskyy said “137 people” died.",
                "Łukasz Kowalski agreed."
            ]
        );
        assert_eq!(spans[0].start, 2);
    }

    #[test]
    fn wrapped_lines_join_into_one_sentence() {
        let text = "Joe Biden met\nOlaf Scholz in Berlin on Monday.\n";
        assert_eq!(
            texts(text, &sentences(text)),
            vec!["Joe Biden met\nOlaf Scholz in Berlin on Monday."]
        );
        let crlf = "Joe Biden met\r\nOlaf Scholz in\r\nBerlin. He left\r\non Tuesday.\r\n";
        assert_eq!(
            texts(crlf, &sentences(crlf)),
            vec![
                "Joe Biden met\r\nOlaf Scholz in\r\nBerlin.",
                "He left\r\non Tuesday."
            ]
        );
    }

    #[test]
    fn plural_titles_do_not_end_a_sentence() {
        // "Sens." cut the list of senators Clark met off its verb (reuters-4008).
        let text = "Clark met Democratic Sens. Patrick Moynihan and Christopher Dodd. \
                    Reps. Tom Foley and Jim Wright left.";
        assert_eq!(
            texts(text, &sentences(text)),
            vec![
                "Clark met Democratic Sens. Patrick Moynihan and Christopher Dodd.",
                "Reps. Tom Foley and Jim Wright left."
            ]
        );
    }

    #[test]
    fn reuters_paragraphs_and_tables_break_where_the_text_says() {
        let text = "    The dry period means the temporao will be late this year.\n    \
                    Arrivals for the week ended February 22 were 155,221 bags\n\
                    of 60 kilos making a cumulative total for the season of 5.93\n\
                    mln against 5.81 at the same stage last year. Again it seems\n\
                    that cocoa was included in the\n\
                    arrivals figures.\n    \
                    Destinations were the U.S., Covertible currency areas,\n\
                    Uruguay and open ports\n    \
                    Shr 30 cts vs 25 cts\n    \
                    Net 1,000 vs 800\n";
        assert_eq!(
            texts(text, &sentences(text)),
            vec![
                "The dry period means the temporao will be late this year.",
                "Arrivals for the week ended February 22 were 155,221 bags\nof 60 kilos making \
                 a cumulative total for the season of 5.93\nmln against 5.81 at the same stage \
                 last year.",
                "Again it seems\nthat cocoa was included in the\narrivals figures.",
                "Destinations were the U.S., Covertible currency areas,\nUruguay and open ports",
                "Shr 30 cts vs 25 cts",
                "Net 1,000 vs 800",
            ]
        );
    }

    #[test]
    fn headlines_datelines_bullets_and_paragraphs_end_sentences() {
        let text = "Putin Meets Scholz in Berlin\nMOSCOW, Feb 25\nThe two leaders met on Monday\n\
                    and agreed on three points:\n- gas supplies\n2. troops\n(a) talks\n\n\
                    A new paragraph without a stop\n\nThe end";
        assert_eq!(
            texts(text, &sentences(text)),
            vec![
                "Putin Meets Scholz in Berlin",
                "MOSCOW, Feb 25",
                "The two leaders met on Monday\nand agreed on three points:",
                "- gas supplies",
                "2. troops",
                "(a) talks",
                "A new paragraph without a stop",
                "The end",
            ]
        );
    }

    #[test]
    fn a_title_case_line_inside_a_sentence_does_not_end_it() {
        let text = "Talks between President Joe Biden and Chancellor Olaf Scholz of Germany\n\
                    ended on Monday in Washington, officials said after the meeting there.";
        assert_eq!(sentences(text).len(), 1);
    }

    #[test]
    fn empty_and_blank_text_has_no_sentences() {
        assert!(sentences("").is_empty());
        assert!(sentences(" \r\n\n\t ").is_empty());
    }

    #[test]
    fn pack_fills_chunks_with_whole_sentences() {
        let plan = pack(&[0..3, 3..8, 8..10, 10..12], 8, 2);
        assert_eq!(
            plan,
            vec![
                ChunkPlan {
                    tokens: 0..8,
                    owned: 0..8
                },
                ChunkPlan {
                    tokens: 8..12,
                    owned: 8..12
                },
            ]
        );
    }

    #[test]
    fn long_sentences_overlap_and_every_token_is_owned_once() {
        let plan = pack(&[0..2, 2..25, 25..27], 10, 4);
        let mut owned = vec![0; 27];
        for chunk in &plan {
            assert!(chunk.tokens.len() <= 10);
            assert!(chunk.tokens.start <= chunk.owned.start && chunk.owned.end <= chunk.tokens.end);
            for t in chunk.owned.clone() {
                owned[t] += 1;
            }
        }
        assert!(owned.iter().all(|&n| n == 1), "{owned:?}");
        assert_eq!(plan[0].tokens, 0..2);
        assert_eq!(plan[1].tokens, 2..12);
        assert_eq!(plan[2].tokens, 8..18);
    }

    #[test]
    fn char_offsets_count_characters_not_bytes() {
        let text = "Łódź – “Kyiv”";
        let mut conv = CharOffsets::new(text);
        let kyiv = text.find("Kyiv").unwrap();
        assert_eq!(conv.get(0), 0);
        assert_eq!(conv.get(kyiv), 8);
        assert_eq!(conv.get(text.len()), 13);
        assert_eq!(conv.get(2), 1);
        assert_eq!(conv.get(kyiv), 8);
    }

    #[test]
    fn char_offsets_out_of_order_cost_a_block_each_not_the_text_before() {
        let text = "Łódź – “Kyiv” said. ".repeat(10_000);
        let mut conv = CharOffsets::new(&text);
        let ends: Vec<usize> = text.match_indices('.').map(|(at, _)| at).collect();
        let chars: Vec<usize> = text
            .char_indices()
            .enumerate()
            .filter(|(_, (_, c))| *c == '.')
            .map(|(n, _)| n)
            .collect();
        // Back and forth: every offset after the first is out of order.
        let order = (0..ends.len() / 2).flat_map(|k| [ends.len() - 1 - k, k]);
        for k in order {
            assert_eq!(conv.get(ends[k]), chars[k]);
        }
        let bound = text.len() * 2 + ends.len() * CHAR_BLOCK;
        assert!(
            conv.bytes_scanned() <= bound,
            "{} bytes scanned for {} offsets of {} bytes",
            conv.bytes_scanned(),
            ends.len(),
            text.len()
        );
    }
}
