//! The contract between the analysis stage and a dependency parser: words in, a tree out.

use crate::text::Span;

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

    /// Parses one sentence given as its text and the byte span of each word in it (a
    /// treebank sentence with its `# text`). The default reads the words alone; a parse
    /// head reads the text as `extract` would.
    fn parse_in_text(&self, text: &str, words: &[Span]) -> Result<ParsedSentence, ParseError> {
        let words: Vec<&str> = words.iter().map(|w| &text[w.start..w.end]).collect();
        let mut parsed = self.parse(&[words])?;
        parsed
            .pop()
            .ok_or_else(|| ParseError::Model("no parse for the sentence".into()))
    }

    /// The width of the shared encoder's states this parser reads
    /// ([`crate::ner::PieceStates`]), or `None` for a parser that reads words alone.
    fn state_width(&self) -> Option<usize> {
        None
    }

    /// Parses each sentence from the shared encoder's states at its words' first pieces
    /// (`words x width` row-major, [`crate::ner::PieceStates::word_rows`]), from the run
    /// that found the entities. Only called when [`SentenceParser::state_width`] is `Some`.
    fn parse_states(&self, sentences: &[Vec<f32>]) -> Result<Vec<ParsedSentence>, ParseError> {
        let _ = sentences;
        Err(ParseError::Model(
            "this parser reads words, not encoder states".into(),
        ))
    }
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
