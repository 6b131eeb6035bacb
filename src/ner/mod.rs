//! Named-entity recognition: tokenise, chunk, batch, run the encoder, decode mentions.

pub mod case;
pub mod decode;
pub mod encoder;
pub mod label;
pub mod model;
pub mod onnx;
pub mod states;
/// ONNX Runtime discovery lives in the shared [`crate::onnx`] module.
pub use crate::onnx::runtime;
#[cfg(feature = "rust-bert")]
pub mod rust_bert;

use rayon::prelude::*;
use serde::Serialize;

use crate::text::{self, ChunkPlan, Span};
pub use decode::{Aggregation, LabelSet, LabelSetError, TokenSpan};
pub use encoder::{Backend, Encoder, EncoderBatch};
pub use encoder::{LoadOptions, SessionLayout};
pub use label::Label;
pub use model::Model;
pub use states::PieceStates;

#[derive(Debug, thiserror::Error)]
pub enum NerError {
    #[error("{0}")]
    Runtime(String),
    #[error("{0}")]
    Model(String),
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    #[error("ONNX Runtime: {0}")]
    Ort(#[from] ort::Error),
    /// A stage after NER failed on one document.
    #[error("{0}")]
    Document(String),
}

impl From<crate::onnx::RuntimeError> for NerError {
    fn from(e: crate::onnx::RuntimeError) -> Self {
        NerError::Runtime(e.0)
    }
}

/// An entity mention the model found: byte span into the document, type, confidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mention {
    pub span: Span,
    pub label: Label,
    pub score: f32,
}

/// Opening quotes and brackets, split off the word they open.
// '<' opens Reuters' company markup ("<Sedio N.V.>").
/// The longest text the tokenizer encodes at once. A sentence is encoded whole up to
/// this; a longer one (a "sentence" of a megabyte of dots) is encoded in parts, since the
/// tokenizer's own record of a text costs some 300 bytes per piece while it lives.
const SEGMENT_BYTES: usize = 32 << 10;

/// `sentence` in parts of about [`SEGMENT_BYTES`] for the tokenizer, each cut where no
/// piece can cross: before whitespace, else after a punctuation mark (each its own
/// pre-token for WordPiece); a part with neither goes on to the next such place.
fn segments(text: &str, sentence: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = sentence.start;
    while sentence.end - start > SEGMENT_BYTES {
        let window = &text[start..sentence.end];
        let mut limit = SEGMENT_BYTES;
        while !window.is_char_boundary(limit) {
            limit -= 1;
        }
        let cut = window[..limit]
            .rfind(char::is_whitespace)
            .filter(|&i| i > 0)
            .or_else(|| {
                window[..limit]
                    .char_indices()
                    .rev()
                    .find(|(_, c)| c.is_ascii_punctuation())
                    .map(|(i, c)| i + c.len_utf8())
            })
            .or_else(|| {
                window
                    .char_indices()
                    .find(|(i, c)| *i > 0 && (c.is_whitespace() || c.is_ascii_punctuation()))
                    .map(|(i, _)| i)
            });
        match cut {
            Some(cut) if cut > 0 => {
                out.push(Span::new(start, start + cut));
                start += cut;
            }
            _ => break,
        }
    }
    out.push(Span::new(start, sentence.end));
    out
}

const OPENERS: &[char] = &['"', '“', '‘', '«', '‹', '(', '[', '{', '<'];

/// The most pieces of one document whose parse states a run keeps (some 3 MB): a longer
/// document's parse reads each sentence's own encoder run instead, so that a batch of
/// long documents does not hold gigabytes of states. A choice made per document, so that
/// a document's parse never depends on its batch.
pub const MAX_STATE_PIECES: usize = 2048;

/// The smallest model window `--max-tokens` accepts, special tokens included: below it a
/// chunk holds a few words without the context the model needs to label them.
pub const MIN_WINDOW_TOKENS: usize = 16;

/// Settings of the inference path.
#[derive(Clone, Debug)]
pub struct NerOptions {
    pub aggregation: Aggregation,
    /// Chunks per encoder run.
    pub batch_size: usize,
    /// Window in tokens, special tokens included (defaults to the model's).
    pub max_tokens: Option<usize>,
    /// Tokens shared by neighbouring windows of a sentence longer than the window.
    pub overlap: usize,
}

impl Default for NerOptions {
    fn default() -> Self {
        Self {
            aggregation: Aggregation::First,
            batch_size: 1,
            max_tokens: None,
            overlap: 32,
        }
    }
}

/// A document cut into model tokens and chunks.
struct Prepared {
    tokens: Vec<TokenSpan>,
    ids: Vec<i64>,
    case: Vec<i64>,
    chunks: Vec<ChunkPlan>,
}

/// Counters from one `recognise` call, for throughput reports.
#[derive(Clone, Copy, Debug, Default)]
pub struct NerStats {
    pub documents: usize,
    pub chunks: usize,
    /// Tokens fed to the model, special tokens included, padding excluded.
    pub tokens: usize,
}

/// The NER stage: a model plus the chunking and decoding settings. Cloning shares the
/// model (a shared encoder's parse head runs it for text it parses alone).
#[derive(Clone)]
pub struct Ner {
    pub model: std::sync::Arc<Model>,
    pub options: NerOptions,
}

/// What [`Ner::recognise_with_states`] gives: mentions and parse states per text.
type Recognised = (Vec<Vec<Mention>>, Vec<Option<PieceStates>>, NerStats);

impl Ner {
    pub fn new(model: Model, options: NerOptions) -> Self {
        Self {
            model: std::sync::Arc::new(model),
            options,
        }
    }

    fn max_tokens(&self) -> usize {
        self.options.max_tokens.unwrap_or(self.model.max_tokens)
    }

    /// Mentions of each text, in text order. Deterministic whatever the
    /// thread count: batches are formed before any parallel work.
    pub fn recognise(&self, texts: &[&str]) -> Result<(Vec<Vec<Mention>>, NerStats), NerError> {
        let sentences: Vec<Vec<Span>> = texts.par_iter().map(|t| text::sentences(t)).collect();
        self.recognise_in(texts, &sentences)
    }

    /// [`Ner::recognise`] with each text's sentences (`text::sentences`) already split, so
    /// that the pipeline splits a document once for NER and the analysis.
    pub fn recognise_in(
        &self,
        texts: &[&str],
        sentences: &[Vec<Span>],
    ) -> Result<(Vec<Vec<Mention>>, NerStats), NerError> {
        let (mentions, _, stats) = self.recognise_keeping(texts, sentences, None)?;
        Ok((mentions, stats))
    }

    /// [`Ner::recognise_in`], with the parse states of each text of at most `max_pieces`
    /// pieces from the same encoder runs (`None` for the others, and for every text when
    /// the model is not a shared encoder). The pipeline keeps [`MAX_STATE_PIECES`].
    pub fn recognise_with_states(
        &self,
        texts: &[&str],
        sentences: &[Vec<Span>],
        max_pieces: usize,
    ) -> Result<Recognised, NerError> {
        self.recognise_keeping(texts, sentences, Some(max_pieces))
    }

    fn recognise_keeping(
        &self,
        texts: &[&str],
        sentences: &[Vec<Span>],
        max_state_pieces: Option<usize>,
    ) -> Result<Recognised, NerError> {
        let max_state_pieces = max_state_pieces.filter(|_| self.model.has_states());
        let keep_states = max_state_pieces.is_some();
        assert_eq!(texts.len(), sentences.len(), "one sentence list per text");
        let prepared: Vec<Prepared> = texts
            .par_iter()
            .zip(sentences.par_iter())
            .map(|(t, s)| self.prepare(t, s))
            .collect::<Result<_, _>>()?;
        let mut work: Vec<(usize, usize)> = prepared
            .iter()
            .enumerate()
            .flat_map(|(d, p)| (0..p.chunks.len()).map(move |c| (d, c)))
            .collect();
        work.sort_by_key(|&(d, c)| (prepared[d].chunks[c].tokens.len(), d, c));
        let frame = self.model.prefix_ids.len() + self.model.suffix_ids.len();
        let stats = NerStats {
            documents: texts.len(),
            chunks: work.len(),
            tokens: work
                .iter()
                .map(|&(d, c)| prepared[d].chunks[c].tokens.len() + frame)
                .sum(),
        };
        let batches: Vec<&[(usize, usize)]> = work.chunks(self.options.batch_size.max(1)).collect();
        let results: Vec<Vec<model::ChunkOutput>> = batches
            .par_iter()
            .map(|batch| {
                let rows: Vec<(&[i64], &[i64])> = batch
                    .iter()
                    .map(|&(d, c)| {
                        let p = &prepared[d];
                        let r = p.chunks[c].tokens.clone();
                        (&p.ids[r.clone()], &p.case[r])
                    })
                    .collect();
                self.model.run_chunks(&rows, keep_states)
            })
            .collect::<Result<_, _>>()?;

        let n = self.model.labels.len();
        let mut probs: Vec<Vec<f32>> = prepared
            .iter()
            .map(|p| vec![0.0; p.tokens.len() * n])
            .collect();
        let keeps: Vec<bool> = prepared
            .iter()
            .map(|p| max_state_pieces.is_some_and(|m| p.tokens.len() <= m))
            .collect();
        let mut states: Vec<Option<PieceStates>> = vec![None; prepared.len()];
        for (batch, result) in batches.iter().zip(results) {
            for (&(d, c), chunk) in batch.iter().zip(result) {
                let plan = &prepared[d].chunks[c];
                let from = (plan.owned.start - plan.tokens.start) * n;
                let to = (plan.owned.end - plan.tokens.start) * n;
                probs[d][plan.owned.start * n..plan.owned.end * n]
                    .copy_from_slice(&chunk.probs[from..to]);
                if let Some(values) = chunk.states.filter(|_| keeps[d]) {
                    let tokens = &prepared[d].tokens;
                    let width = values.len() / plan.tokens.len().max(1);
                    let doc = states[d].get_or_insert_with(|| PieceStates {
                        spans: tokens.iter().map(|t| t.span).collect(),
                        width,
                        values: vec![0.0; tokens.len() * width],
                    });
                    let from = (plan.owned.start - plan.tokens.start) * width;
                    let to = (plan.owned.end - plan.tokens.start) * width;
                    doc.values[plan.owned.start * width..plan.owned.end * width]
                        .copy_from_slice(&values[from..to]);
                }
            }
        }
        // A text without pieces has no chunk: it still gets its (empty) states.
        for (s, _) in states.iter_mut().zip(&keeps).filter(|(_, &k)| k) {
            s.get_or_insert_with(PieceStates::default);
        }
        let mentions = texts
            .par_iter()
            .zip(prepared.par_iter())
            .zip(probs.par_iter())
            .map(|((text, p), probs)| {
                decode::decode(
                    text,
                    &p.tokens,
                    probs,
                    &self.model.labels,
                    self.options.aggregation,
                )
                .into_iter()
                .map(|m| Mention {
                    span: m.span,
                    label: m.label,
                    score: m.score,
                })
                .collect()
            })
            .collect();
        Ok((mentions, states, stats))
    }

    fn prepare(&self, text: &str, sentences: &[Span]) -> Result<Prepared, NerError> {
        let mut tokens = Vec::new();
        let mut ids = Vec::new();
        let mut case = Vec::new();
        let mut sentence_ranges = Vec::new();
        for &sentence in sentences {
            let first = tokens.len();
            let mut prev_end: Option<usize> = None;
            // The current word's text so far, while it holds only opening punctuation.
            let mut opener: Option<Span> = None;
            for segment in segments(text, sentence) {
                let encoding = self
                    .model
                    .tokenizer
                    .encode(&text[segment.start..segment.end], false)
                    .map_err(|e| NerError::Tokenizer(e.to_string()))?;
                for (&id, &(s, e)) in encoding.get_ids().iter().zip(encoding.get_offsets()) {
                    let span = Span::new(segment.start + s, segment.start + e);
                    let piece = &text[span.start..span.end];
                    // A token after whitespace starts a word (byte-level BPE may fold the
                    // space into the token itself); so does the first token after an
                    // opening quote or bracket ("“European", "(LCBO)"), since the model
                    // was trained on words split that way. An apostrophe opens a quote
                    // only before a capital: "'s" stays one word, as in CoNLL.
                    let after_opener = opener.is_some_and(|o| {
                        let open = &text[o.start..o.end];
                        open.chars().all(|c| OPENERS.contains(&c))
                            || (open == "'" && piece.starts_with(char::is_uppercase))
                    });
                    let word_start = match prev_end {
                        None => true,
                        Some(p) => {
                            (p < span.start && text[p..span.start].contains(char::is_whitespace))
                                || (p <= span.start && piece.starts_with(char::is_whitespace))
                                || after_opener
                        }
                    };
                    let is_punct = !piece.chars().any(char::is_alphanumeric);
                    opener = match (word_start, opener) {
                        (true, _) if is_punct => Some(span),
                        (false, Some(o)) if is_punct => Some(Span::new(o.start, span.end)),
                        _ => None,
                    };
                    prev_end = Some(span.end);
                    tokens.push(TokenSpan { span, word_start });
                    ids.push(id as i64);
                    case.push(if self.model.takes_case_ids() {
                        case::case_class(text[span.start..span.end].trim())
                    } else {
                        0
                    });
                }
            }
            sentence_ranges.push(first..tokens.len());
        }
        let budget = self.model.chunk_budget(self.max_tokens()).max(1);
        let overlap = self.options.overlap.min(budget / 2);
        let chunks = text::pack(&sentence_ranges, budget, overlap);
        Ok(Prepared {
            tokens,
            ids,
            case,
            chunks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sentence over [`SEGMENT_BYTES`] is encoded in parts that give the same pieces,
    /// with the same offsets, as one encoding of the whole: cut before whitespace or after
    /// punctuation, never inside a word; and the parts are bounded, dots or not.
    #[test]
    fn long_sentences_are_encoded_in_parts_with_the_same_pieces() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("models/newsgraph-minilm/tokenizer.json");
        let Ok(mut tokenizer) = tokenizers::Tokenizer::from_file(&path) else {
            eprintln!("skipped: no tokenizer at {}", path.display());
            return;
        };
        tokenizer.with_truncation(None).unwrap();
        tokenizer.with_padding(None);
        let pieces = |text: &str, parts: &[Span]| -> Vec<(u32, usize, usize)> {
            parts
                .iter()
                .flat_map(|p| {
                    let e = tokenizer.encode(&text[p.start..p.end], false).unwrap();
                    let ids = e.get_ids().to_vec();
                    let offsets = e.get_offsets().to_vec();
                    ids.into_iter()
                        .zip(offsets)
                        .map(|(id, (s, e))| (id, p.start + s, p.start + e))
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        let words = "Angela Merkel's talks in Zürich (with Jean-Claude Juncker), \
                     worth $4.5bn... ended.\u{a0}Então?";
        for text in [
            words.repeat(1_500),
            ".".repeat(100_000),
            format!("{}{}", "a".repeat(40_000), ". b".repeat(20_000)),
        ] {
            let whole = Span::new(0, text.len());
            let parts = segments(&text, whole);
            assert!(parts.len() > 1, "{}", text.len());
            assert_eq!(parts.first().unwrap().start, 0);
            assert_eq!(parts.last().unwrap().end, text.len());
            for w in parts.windows(2) {
                assert_eq!(w[0].end, w[1].start);
            }
            assert!(parts.iter().all(|p| p.len() <= SEGMENT_BYTES + 40_000));
            let (parted, at_once) = (pieces(&text, &parts), pieces(&text, &[whole]));
            assert_eq!(parted.len(), at_once.len());
            assert!(parted == at_once, "the pieces differ");
        }
        let short = Span::new(3, 40);
        assert_eq!(segments(&words.repeat(2), short), [short]);
    }
}
