//! Overlap lookups among a document's candidate spans, in time that grows with what a
//! lookup finds rather than with the spans kept, so that resolving a long, name-dense
//! document takes time in proportion to its length.

use std::collections::BTreeMap;

use crate::text::Span;

/// Pairwise disjoint spans, each with a value: the spans one kept after overlaps are
/// resolved. Sorted by (start, end), disjoint spans also have their ends in order, so the
/// spans overlapping a given one are found by walking back from its end.
#[derive(Debug)]
pub struct DisjointSpans<T> {
    spans: BTreeMap<(usize, usize), T>,
}

impl<T> Default for DisjointSpans<T> {
    fn default() -> Self {
        Self {
            spans: BTreeMap::new(),
        }
    }
}

impl<T> DisjointSpans<T> {
    /// The values of the kept spans that overlap `span` (`a.start < b.end && b.start <
    /// a.end`), nearest its end first.
    pub fn overlapping(&self, span: Span) -> impl Iterator<Item = &T> {
        self.spans
            .range(..(span.end, 0))
            .rev()
            .inspect(|_| count_work(1))
            .take_while(move |((_, end), _)| *end > span.start)
            .map(|(_, value)| value)
    }

    /// Keeps `span`, which must overlap none kept (checked in debug builds).
    pub fn insert(&mut self, span: Span, value: T) {
        debug_assert!(self.overlapping(span).next().is_none(), "{span:?} overlaps");
        self.spans.insert((span.start, span.end), value);
    }
}

/// The bytes of a text that kept spans cover, for spans that may overlap one another:
/// whether a non-empty span overlaps one kept costs its own length.
#[derive(Debug)]
pub struct CoveredBytes {
    words: Vec<u64>,
}

impl CoveredBytes {
    pub fn new(text_len: usize) -> Self {
        Self {
            words: vec![0; text_len.div_ceil(64)],
        }
    }

    /// Whether non-empty `span` shares a byte with a kept span.
    pub fn overlaps(&self, span: Span) -> bool {
        count_work(span.len().div_ceil(64));
        (span.start..span.end).any(|b| self.words[b / 64] & (1 << (b % 64)) != 0)
    }

    pub fn insert(&mut self, span: Span) {
        for b in span.start..span.end {
            self.words[b / 64] |= 1 << (b % 64);
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Steps resolve and relations took on this thread: lookups, candidates and tokens visited
    /// by the steps whose work could grow faster than the document.
    static WORK: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts `n` steps of work (tests only: what the linear-time tests compare).
#[inline]
pub fn count_work(n: usize) {
    #[cfg(test)]
    WORK.with(|w| w.set(w.get() + n));
    #[cfg(not(test))]
    let _ = n;
}

/// The steps counted on this thread so far.
#[cfg(test)]
pub fn work_done() -> usize {
    WORK.with(|w| w.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_finds_every_overlapping_span_and_no_other() {
        let mut kept = DisjointSpans::default();
        for (i, (s, e)) in [(0, 5), (5, 8), (10, 12), (20, 30)].into_iter().enumerate() {
            kept.insert(Span::new(s, e), i);
        }
        let found = |s, e| {
            let mut v: Vec<usize> = kept.overlapping(Span::new(s, e)).copied().collect();
            v.sort();
            v
        };
        assert_eq!(found(4, 11), [0, 1, 2]);
        assert_eq!(found(8, 10), Vec::<usize>::new());
        assert_eq!(found(12, 21), [3]);
        assert_eq!(found(31, 40), Vec::<usize>::new());
        let mut covered = CoveredBytes::new(40);
        covered.insert(Span::new(3, 6));
        covered.insert(Span::new(5, 9));
        assert!(covered.overlaps(Span::new(8, 12)));
        assert!(!covered.overlaps(Span::new(9, 12)));
        assert!(!covered.overlaps(Span::new(0, 3)));
    }
}
