//! The analysed document: sentences, UD-style tokens with lemma, part of speech and a
//! dependency parse, and the entity mentions as token spans. Built once per document
//! after NER; every later stage reads it and none re-tokenises the text.

use std::ops::Range;

use serde::Serialize;

use crate::text::Span;

mod query;

/// Universal part-of-speech tags (UD v2), in the parser model's output order.
pub const UPOS: [&str; 17] = [
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
    "PUNCT", "SCONJ", "SYM", "VERB", "X",
];

/// One UD word: "Russia's" is two tokens ("Russia", "'s"), "can't" two ("ca", "n't"),
/// and every punctuation mark its own.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Token {
    /// Byte span into the document's text (the original text, never a copy).
    pub span: Span,
    /// The token's text as written.
    pub text: String,
    /// Lower case, curly apostrophes and quotes folded to straight ones.
    pub lower: String,
    /// Dictionary form (lower case), from rules and `data/analysis/lemmas.tsv`.
    pub lemma: String,
    /// Universal POS tag (one of [`UPOS`]); "X" until the parser ran.
    pub upos: &'static str,
    /// Index of the head token in the document, `None` for the sentence root
    /// (and for every token of a sentence that was not parsed).
    pub head: Option<usize>,
    /// UD relation to the head ("nsubj", "obl", "nmod:poss", "root", ...); empty when not parsed.
    pub deprel: String,
    /// Index of the sentence this token belongs to.
    pub sentence: usize,
    /// Index into `Doc::mentions` of the mention covering this token, if any.
    pub mention: Option<usize>,
}

/// A sentence: its byte span and its tokens.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sentence {
    pub span: Span,
    /// Token indices into `Doc::tokens`.
    pub tokens: Range<usize>,
    /// Whether the parser ran on this sentence (heads and relations are set).
    pub parsed: bool,
}

/// An NER mention aligned to tokens.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MentionSpan {
    /// Index of the mention in the NER stage's output for this document.
    pub index: usize,
    /// Token indices; the tokens' spans cover the mention's span.
    pub tokens: Range<usize>,
    /// The mention's byte span as NER gave it.
    pub span: Span,
    pub label: crate::ner::Label,
}

/// One analysed document.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Doc {
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    pub mentions: Vec<MentionSpan>,
    /// Byte offsets where the sentence splitter put a boundary that an NER mention
    /// crossed; the sentences on both sides were joined into one.
    pub joined_boundaries: Vec<usize>,
}
