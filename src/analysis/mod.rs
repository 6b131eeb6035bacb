//! The analysis stage: text and NER mentions to one analysed [`Doc`] (sentences, UD
//! tokens, lemmas, parts of speech, a dependency parse, mentions as token spans).

mod doc;
mod parse;
pub mod conllu;
pub mod parser;
pub mod tree;

pub use doc::{Doc, MentionSpan, Sentence, Token, UPOS};
pub use parse::{ParseError, ParsedSentence, SentenceParser};
pub use parser::ParserModel;
