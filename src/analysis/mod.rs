//! The analysis stage: text and NER mentions to one analysed [`Doc`] (sentences, UD
//! tokens, lemmas, parts of speech, a dependency parse, mentions as token spans).

mod build;
pub mod conllu;
mod doc;
pub mod head;
pub mod lemma;
mod parse;
pub mod parser;
pub mod relevant;
pub mod scores;
pub mod tokenize;
pub mod tree;

pub use build::{analyse, analyse_in, analyse_with, ParseScope};
pub use doc::{Doc, MentionSpan, Sentence, Token, UPOS};
pub use head::ParseHead;
pub use lemma::lemma;
pub use parse::{ParseError, ParsedSentence, SentenceParser};
pub use parser::ParserModel;
pub use tokenize::tokenize;
