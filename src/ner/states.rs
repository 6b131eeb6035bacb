//! The shared encoder's states of a document's pieces, and each word's row of them.

use crate::text::Span;

/// One document's parse states: a row of `width` floats per model piece, in text order,
/// from the same encoder run as the NER labels (each piece from the chunk that owns it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PieceStates {
    /// Byte span of each piece in the document.
    pub spans: Vec<Span>,
    pub width: usize,
    /// `pieces x width`, row-major.
    pub values: Vec<f32>,
}

impl PieceStates {
    /// The row of each word's first piece, `words x width` row-major: the first piece that
    /// ends after the word's start (the last piece if none; zeros in a text without
    /// pieces). `training/encoder_states.py::first_pieces` maps words the same way.
    pub fn word_rows(&self, words: &[Span]) -> Vec<f32> {
        let mut out = Vec::with_capacity(words.len() * self.width);
        for word in words {
            let at = self.spans.partition_point(|p| p.end <= word.start);
            match self.spans.len() {
                0 => out.extend(std::iter::repeat_n(0.0, self.width)),
                n => {
                    let row = at.min(n - 1) * self.width;
                    out.extend_from_slice(&self.values[row..row + self.width]);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_reads_the_piece_that_holds_or_follows_its_start() {
        // Pieces "don" "'" "t" "go" over "don't go"; words "do" "n't" "go".
        let states = PieceStates {
            spans: vec![
                Span::new(0, 3),
                Span::new(3, 4),
                Span::new(4, 5),
                Span::new(6, 8),
            ],
            width: 2,
            values: vec![0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5],
        };
        let words = [Span::new(0, 2), Span::new(2, 5), Span::new(6, 8)];
        assert_eq!(
            states.word_rows(&words),
            [0.0, 0.5, 0.0, 0.5, 3.0, 3.5],
            "n't starts inside the piece don"
        );
        assert_eq!(states.word_rows(&[Span::new(9, 10)]), [3.0, 3.5]);
        assert_eq!(
            PieceStates {
                width: 2,
                ..Default::default()
            }
            .word_rows(&words[..1]),
            [0.0, 0.0]
        );
    }
}
