//! The analysis stage: text and NER mentions to one analysed [`Doc`] (sentences, UD
//! tokens, lemmas, parts of speech, a dependency parse, mentions as token spans).

mod build;
mod doc;
pub mod lemma;
mod parse;
pub mod conllu;
pub mod parser;
pub mod tree;
pub mod tokenize;

pub use build::analyse;
pub use doc::{Doc, MentionSpan, Sentence, Token, UPOS};
pub use lemma::lemma;
pub use parse::{ParseError, ParsedSentence, SentenceParser};
pub use parser::ParserModel;
pub use tokenize::tokenize;
