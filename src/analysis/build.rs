//! Building the [`Doc`]: sentences, UD tokens, mentions as token ranges, lemmas, the parse.

use super::doc::{Doc, MentionSpan, Sentence, Token};
use super::lemma;
use super::parse::{ParseError, SentenceParser};
use super::tokenize::tokenize;
use crate::ner::{Mention, PieceStates};
use crate::text::{self, Span};

/// Analyses one document: its text and its NER mentions (non-overlapping, in any order).
///
/// - Sentences come from [`text::sentences`]. A mention never crosses a sentence
///   boundary: where one does (the splitter cut inside a name, at an abbreviation it did
///   not know), the sentences it spans become one, and the removed boundary's byte
///   offset is recorded in [`Doc::joined_boundaries`].
/// - Tokens come from the UD tokenizer per sentence; a token a mention starts or ends
///   inside is split there ("pro-Russian" with the mention "Russian" gives "pro-"
///   "Russian"), so every mention is a whole range of tokens.
/// - With a parser, all sentences are parsed in one call; heads become document token
///   indices, lemmas follow the parser's UPOS. Without one, UPOS stays "X" and lemmas
///   come from the lower-case form alone.
///
/// Errors: a mention outside the text, off a character boundary, empty of text, or
/// overlapping another ([`ParseError::Mention`]); a parser failure or a parse that does not
/// fit the words ([`ParseError::Model`]).
pub fn analyse(
    text: &str,
    mentions: &[Mention],
    parser: Option<&dyn SentenceParser>,
) -> Result<Doc, ParseError> {
    analyse_with(text, mentions, parser, ParseScope::All)
}

/// Which sentences the parser reads.
#[derive(Clone, Copy)]
pub enum ParseScope<'a> {
    /// Every sentence.
    All,
    /// Only the sentences the function accepts (given the document with its tokens and
    /// mentions, before any parse); the others keep `parsed: false`.
    Only(&'a (dyn Fn(&Doc, &Sentence) -> bool + Sync)),
}

/// [`analyse`], parsing only the sentences `scope` selects.
pub fn analyse_with(
    text: &str,
    mentions: &[Mention],
    parser: Option<&dyn SentenceParser>,
    scope: ParseScope,
) -> Result<Doc, ParseError> {
    analyse_in(text, text::sentences(text), mentions, parser, scope, None)
}

/// [`analyse_with`] on the text's sentences as `text::sentences` split them (the pipeline
/// splits each document once, for NER and for this), with the shared encoder's states of
/// the text from the NER run, which a parser that reads states parses from (without them,
/// it runs the encoder on each sentence's words itself).
pub fn analyse_in(
    text: &str,
    sentences: Vec<Span>,
    mentions: &[Mention],
    parser: Option<&dyn SentenceParser>,
    scope: ParseScope,
    states: Option<&PieceStates>,
) -> Result<Doc, ParseError> {
    for (index, m) in mentions.iter().enumerate() {
        check_mention(text, index, m.span)?;
    }
    let (sentence_spans, joined_boundaries) = join_crossed_sentences(sentences, mentions);

    // Every mention boundary, for splitting the tokens a boundary falls inside.
    let mut cuts: Vec<usize> = mentions
        .iter()
        .flat_map(|m| [m.span.start, m.span.end])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();

    let mut doc = Doc {
        joined_boundaries,
        ..Doc::default()
    };
    for (s, span) in sentence_spans.iter().enumerate() {
        let first = doc.tokens.len();
        for word in tokenize(text, *span) {
            let inside = cuts.partition_point(|&c| c <= word.start);
            let mut start = word.start;
            for &cut in cuts[inside..].iter().take_while(|&&c| c < word.end) {
                doc.tokens.push(token(text, Span::new(start, cut), s));
                start = cut;
            }
            doc.tokens.push(token(text, Span::new(start, word.end), s));
        }
        doc.sentences.push(Sentence {
            span: *span,
            tokens: first..doc.tokens.len(),
            parsed: false,
        });
    }

    let mut order: Vec<usize> = (0..mentions.len()).collect();
    order.sort_by_key(|&i| (mentions[i].span, i));
    for index in order {
        let m = &mentions[index];
        let first = doc.tokens.partition_point(|t| t.span.end <= m.span.start);
        let last = doc.tokens.partition_point(|t| t.span.start < m.span.end);
        if let Some(taken) = doc.tokens[first..last].iter().find_map(|t| t.mention) {
            return Err(ParseError::Mention {
                index,
                reason: format!("overlaps mention {}", doc.mentions[taken].index),
            });
        }
        let at = doc.mentions.len();
        for t in &mut doc.tokens[first..last] {
            t.mention = Some(at);
        }
        doc.mentions.push(MentionSpan {
            index,
            tokens: first..last,
            span: m.span,
            label: m.label.clone(),
        });
    }

    if let Some(parser) = parser {
        let selected: Vec<bool> = match scope {
            ParseScope::All => vec![true; doc.sentences.len()],
            ParseScope::Only(accept) => doc.sentences.iter().map(|s| accept(&doc, s)).collect(),
        };
        parse_into(text, &mut doc, parser, &selected, states)?;
    }
    Ok(doc)
}

fn check_mention(text: &str, index: usize, span: Span) -> Result<(), ParseError> {
    let reason = if span.start > span.end || span.end > text.len() {
        "outside the text"
    } else if !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
        "not on character boundaries"
    } else if text[span.start..span.end].trim().is_empty() {
        "holds no text"
    } else {
        return Ok(());
    };
    Err(ParseError::Mention {
        index,
        reason: format!("{reason} ({}..{})", span.start, span.end),
    })
}

/// Joins the sentences each mention spans into one; returns the sentences and the
/// offsets of the boundaries removed (the end of each sentence joined to the next).
fn join_crossed_sentences(sentences: Vec<Span>, mentions: &[Mention]) -> (Vec<Span>, Vec<usize>) {
    // joins_next[i]: sentence i and i + 1 are one.
    let mut joins_next = vec![false; sentences.len()];
    for m in mentions {
        let first = sentences.partition_point(|s| s.end <= m.span.start);
        let last = sentences.partition_point(|s| s.start < m.span.end);
        for j in joins_next
            .iter_mut()
            .take(last.saturating_sub(1))
            .skip(first)
        {
            *j = true;
        }
    }
    let mut out: Vec<Span> = Vec::with_capacity(sentences.len());
    let mut joined = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        match out.last_mut() {
            Some(prev) if i > 0 && joins_next[i - 1] => {
                joined.push(prev.end);
                prev.end = s.end;
            }
            _ => out.push(*s),
        }
    }
    (out, joined)
}

fn token(text: &str, span: Span, sentence: usize) -> Token {
    let written = &text[span.start..span.end];
    let lower = lemma::lower(written);
    Token {
        span,
        text: written.to_string(),
        lemma: lemma::lemma(&lower, "X"),
        lower,
        upos: "X",
        head: None,
        deprel: String::new(),
        sentence,
        mention: None,
    }
}

/// Parses the selected sentences in one call and writes the trees into the tokens.
fn parse_into(
    text: &str,
    doc: &mut Doc,
    parser: &dyn SentenceParser,
    selected: &[bool],
    states: Option<&PieceStates>,
) -> Result<(), ParseError> {
    let chosen: Vec<&Sentence> = doc
        .sentences
        .iter()
        .zip(selected)
        .filter(|(_, &take)| take)
        .map(|(s, _)| s)
        .collect();
    // A sentence's word spans, shifted to start at `origin` (0: the document's offsets).
    let word_spans = |s: &Sentence, origin: usize| -> Vec<Span> {
        doc.tokens[s.tokens.clone()]
            .iter()
            .map(|t| Span::new(t.span.start - origin, t.span.end - origin))
            .collect()
    };
    let parses = match (parser.state_width(), states) {
        (Some(width), Some(states)) if states.width == width || states.spans.is_empty() => {
            let rows: Vec<Vec<f32>> = chosen
                .iter()
                .map(|s| {
                    let spans = word_spans(s, 0);
                    let mut rows = states.word_rows(&spans);
                    // A text without pieces has no rows to give: zeros of the head's width.
                    rows.resize(spans.len() * width, 0.0);
                    rows
                })
                .collect();
            parser.parse_states(&rows)?
        }
        (Some(width), Some(states)) => {
            return Err(ParseError::Model(format!(
                "the encoder's states are {} wide, the parser reads {width}",
                states.width
            )))
        }
        // A parser that reads states, without them (a document too long to keep them
        // for): each sentence's own text through its encoder.
        (Some(_), None) => chosen
            .iter()
            .map(|s| {
                parser.parse_in_text(
                    &text[s.span.start..s.span.end],
                    &word_spans(s, s.span.start),
                )
            })
            .collect::<Result<Vec<_>, _>>()?,
        (None, _) => {
            let words: Vec<Vec<&str>> = chosen
                .iter()
                .map(|s| {
                    doc.tokens[s.tokens.clone()]
                        .iter()
                        .map(|t| t.text.as_str())
                        .collect()
                })
                .collect();
            parser.parse(&words)?
        }
    };
    if parses.len() != chosen.len() {
        return Err(ParseError::Model(format!(
            "{} parses for {} sentences",
            parses.len(),
            chosen.len()
        )));
    }
    let mut tokens = std::mem::take(&mut doc.tokens);
    let chosen = doc
        .sentences
        .iter_mut()
        .zip(selected)
        .filter(|(_, &take)| take)
        .map(|(s, _)| s);
    for (sentence, parse) in chosen.zip(parses) {
        let n = sentence.tokens.len();
        if parse.upos.len() != n || parse.heads.len() != n || parse.deprels.len() != n {
            return Err(ParseError::Model(format!(
                "a parse of {} tags, {} heads and {} relations for {n} words",
                parse.upos.len(),
                parse.heads.len(),
                parse.deprels.len()
            )));
        }
        if let Some(&bad) = parse.heads.iter().find(|&&h| h > n) {
            return Err(ParseError::Model(format!(
                "head {bad} in a sentence of {n} words"
            )));
        }
        let base = sentence.tokens.start;
        let words = &mut tokens[sentence.tokens.clone()];
        for (((token, upos), head), deprel) in words
            .iter_mut()
            .zip(parse.upos)
            .zip(parse.heads)
            .zip(parse.deprels)
        {
            token.upos = upos;
            token.head = (head > 0).then(|| base + head - 1);
            token.deprel = deprel;
            token.lemma = lemma::lemma(&token.lower, upos);
        }
        sentence.parsed = true;
    }
    doc.tokens = tokens;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::ParsedSentence;

    fn mention(text: &str, name: &str, label: &str) -> Mention {
        let start = text.find(name).expect("name in text");
        Mention {
            span: Span::new(start, start + name.len()),
            label: label.into(),
            score: 1.0,
        }
    }

    fn mention_words(doc: &Doc) -> Vec<Vec<&str>> {
        doc.mentions
            .iter()
            .map(|m| {
                doc.tokens[m.tokens.clone()]
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect()
            })
            .collect()
    }

    fn words(doc: &Doc) -> Vec<&str> {
        doc.tokens.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn mentions_align_across_curly_quotes_possessives_and_hyphens() {
        let text =
            "“Russia’s President Vladimir Putin,” said Jean-Claude Juncker of pro-Russian groups.";
        let mentions = [
            mention(text, "Russia", "LOC"),
            mention(text, "Vladimir Putin", "PER"),
            mention(text, "Jean-Claude Juncker", "PER"),
            mention(text, "Russian", "MISC"),
        ];
        let doc = analyse(text, &mentions, None).unwrap();
        assert_eq!(
            mention_words(&doc),
            vec![
                vec!["Russia"],
                vec!["Vladimir", "Putin"],
                vec!["Jean", "-", "Claude", "Juncker"],
                vec!["Russian"],
            ]
        );
        assert_eq!(
            words(&doc),
            vec![
                "“",
                "Russia",
                "’s",
                "President",
                "Vladimir",
                "Putin",
                ",",
                "”",
                "said",
                "Jean",
                "-",
                "Claude",
                "Juncker",
                "of",
                "pro-",
                "Russian",
                "groups",
                "."
            ]
        );
        for t in &doc.tokens {
            assert_eq!(&text[t.span.start..t.span.end], t.text);
        }
        assert_eq!(doc.tokens[2].lower, "'s");
        assert_eq!(doc.tokens[1].mention, Some(0));
        assert_eq!(doc.tokens[2].mention, None);
        assert_eq!(doc.tokens[15].mention, Some(3));
        assert_eq!(doc.mentions[3].index, 3);
    }

    #[test]
    fn crlf_emoji_and_a_mention_at_the_very_end() {
        let text = "🇺🇦 Olaf Scholz met\r\nJoe Biden 👍 in Berlin.\r\n\r\nTalks with Scholz";
        let mentions = [
            mention(text, "Olaf Scholz", "PER"),
            mention(text, "Joe Biden", "PER"),
            mention(text, "Berlin", "LOC"),
            Mention {
                span: Span::new(text.len() - "Scholz".len(), text.len()),
                label: "PER".into(),
                score: 1.0,
            },
        ];
        let doc = analyse(text, &mentions, None).unwrap();
        assert_eq!(
            doc.sentences.len(),
            2,
            "the wrapped line stays one sentence"
        );
        assert_eq!(
            mention_words(&doc),
            vec![
                vec!["Olaf", "Scholz"],
                vec!["Joe", "Biden"],
                vec!["Berlin"],
                vec!["Scholz"]
            ]
        );
        assert_eq!(words(&doc)[..2], ["🇺🇦", "Olaf"]);
        assert!(words(&doc).contains(&"👍"));
        assert!(doc.tokens.iter().all(|t| !t.text.contains(['\r', '\n'])));
        assert_eq!(doc.tokens.last().unwrap().span.end, text.len());
        assert_eq!(doc.tokens.last().unwrap().sentence, 1);
        assert!(doc.tokens.iter().all(|t| t.upos == "X" && t.head.is_none()));
        assert!(doc.joined_boundaries.is_empty());
    }

    #[test]
    fn a_mention_across_a_sentence_boundary_joins_the_sentences() {
        let text = "She works for Acme Pty. Ltd. in Sydney. It grew.";
        let doc = analyse(text, &[mention(text, "Acme Pty. Ltd.", "ORG")], None).unwrap();
        let sentences: Vec<&str> = doc
            .sentences
            .iter()
            .map(|s| &text[s.span.start..s.span.end])
            .collect();
        assert_eq!(
            sentences,
            vec!["She works for Acme Pty. Ltd. in Sydney.", "It grew."]
        );
        assert_eq!(doc.joined_boundaries, vec![text.find("Pty.").unwrap() + 4]);
        assert_eq!(mention_words(&doc), vec![vec!["Acme", "Pty", ".", "Ltd."]]);
    }

    #[test]
    fn bad_mentions_are_errors() {
        let text = "Joe Biden spoke.";
        let overlapping = [
            mention(text, "Joe Biden", "PER"),
            mention(text, "Biden", "PER"),
        ];
        assert!(matches!(
            analyse(text, &overlapping, None),
            Err(ParseError::Mention { index: 1, .. })
        ));
        let outside = Mention {
            span: Span::new(10, 99),
            label: "PER".into(),
            score: 1.0,
        };
        assert!(matches!(
            analyse(text, &[outside], None),
            Err(ParseError::Mention { index: 0, .. })
        ));
    }

    /// Attaches each word to the word before it; the first is the root.
    struct ChainParser;

    impl SentenceParser for ChainParser {
        fn parse(&self, sentences: &[Vec<&str>]) -> Result<Vec<ParsedSentence>, ParseError> {
            Ok(sentences
                .iter()
                .map(|words| ParsedSentence {
                    upos: words
                        .iter()
                        .map(|w| match *w {
                            "met" => "VERB",
                            "." => "PUNCT",
                            w if w.starts_with(char::is_uppercase) => "PROPN",
                            _ => "NOUN",
                        })
                        .collect(),
                    heads: (0..words.len()).collect(),
                    deprels: (0..words.len())
                        .map(|i| if i == 0 { "root" } else { "dep" }.to_string())
                        .collect(),
                })
                .collect())
        }
    }

    #[test]
    fn a_parse_scope_parses_only_the_sentences_it_selects() {
        let text = "Scholz met Biden.\n\nTroops met sanctions today.";
        let only_second = |_: &Doc, s: &Sentence| s.span.start > 0;
        let doc = analyse_with(
            text,
            &[],
            Some(&ChainParser),
            ParseScope::Only(&only_second),
        )
        .unwrap();
        assert!(!doc.sentences[0].parsed);
        assert!(doc.sentences[1].parsed);
        assert!(doc.tokens[..4]
            .iter()
            .all(|t| t.head.is_none() && t.deprel.is_empty()));
        let second = doc.sentences[1].tokens.clone();
        assert_eq!(doc.tokens[second.start + 1].head, Some(second.start));
        assert_eq!(doc.tokens[second.start + 1].upos, "VERB");
    }

    #[test]
    fn parser_heads_become_document_token_indices() {
        let text = "Scholz met Biden.\n\nTroops met sanctions today.";
        let doc = analyse(text, &[], Some(&ChainParser)).unwrap();
        assert!(doc.sentences.iter().all(|s| s.parsed));
        let second = doc.sentences[1].tokens.clone();
        assert_eq!(second.start, 4);
        assert_eq!(doc.tokens[second.start].head, None);
        assert_eq!(doc.tokens[second.start].deprel, "root");
        for i in second.start + 1..second.end {
            assert_eq!(doc.tokens[i].head, Some(i - 1));
            assert_eq!(doc.tokens[i].deprel, "dep");
        }
        assert_eq!(doc.tokens[1].head, Some(0));
        assert_eq!(doc.tokens[5].upos, "VERB");
        assert_eq!(doc.tokens[5].lemma, "meet");
        assert_eq!(doc.tokens[6].lemma, "sanction");
        assert_eq!(doc.tokens[4].lemma, "troop");
    }

    struct ShortParser;

    impl SentenceParser for ShortParser {
        fn parse(&self, sentences: &[Vec<&str>]) -> Result<Vec<ParsedSentence>, ParseError> {
            Ok(sentences
                .iter()
                .map(|_| ParsedSentence {
                    upos: vec!["X"],
                    heads: vec![0],
                    deprels: vec!["root".to_string()],
                })
                .collect())
        }
    }

    #[test]
    fn a_parse_that_does_not_fit_the_words_is_an_error() {
        assert!(matches!(
            analyse("Two words", &[], Some(&ShortParser)),
            Err(ParseError::Model(_))
        ));
    }
}
