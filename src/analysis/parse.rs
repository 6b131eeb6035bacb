//! The contract between the analysis stage and a dependency parser: words in, a tree out.

/// One sentence's parse, in UD's 1-based convention.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedSentence {
    /// Universal POS tag per word (one of [`super::UPOS`]).
    pub upos: Vec<&'static str>,
    /// Head per word: 0 is the root, otherwise the 1-based index of the head word.
    /// Always a well-formed tree with exactly one word attached to the root.
    pub heads: Vec<usize>,
    /// UD relation per word ("root" for the word attached to the root).
    pub deprels: Vec<String>,
}

/// Something that parses sentences given as words (UD-style tokens).
///
/// Implemented by the ONNX parser model (`analysis::parser::ParserModel`); tests may
/// implement it with fixed trees. `parse` must be deterministic: the same words give the
/// same tree whatever else is parsed alongside.
pub trait SentenceParser: Send + Sync {
    /// Parses each sentence (a list of words) independently.
    fn parse(&self, sentences: &[Vec<&str>]) -> Result<Vec<ParsedSentence>, ParseError>;
}

/// An analysis failure: the parser could not run or gave a parse that does not fit the
/// words, or an NER mention cannot be placed on the text.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("parser model: {0}")]
    Model(String),
    /// `index` is the mention's position in the NER output given to `analysis::analyse`.
    #[error("mention {index}: {reason}")]
    Mention { index: usize, reason: String },
}
