//! Figures: number phrases read as claims (not dates, ages or names), and the attributions
//! ("X said") that a sentence's figures are credited to.

use crate::analysis::Token;
use crate::text::Span;

use super::{Ctx, Found, FoundTarget};
use crate::relations::numbers::{self, Reading, Vocabulary};
use crate::relations::rules::Rule;
use crate::relations::{Figure, Modality};

/// An attribution ("X said") that figures of its sentence are credited to.
#[derive(Clone, Debug)]
pub(in crate::relations) struct Attribution<'r> {
    pub(in crate::relations) rule: &'r Rule,
    pub(in crate::relations) start: usize,
    pub(in crate::relations) end: usize,
    pub(in crate::relations) sources: Vec<usize>,
    pub(in crate::relations) pronoun_at: Option<usize>,
    pub(in crate::relations) modality: Option<Modality>,
}

impl Ctx<'_> {
    /// A number phrase at `pos` that can be a figure (not a date, time, age, ordinal or name).
    pub(in crate::relations) fn reading(&self, pos: usize) -> Option<Reading> {
        let tokens = &self.doc.tokens;
        let n = &self.rules.numbers;
        let r = numbers::read(tokens, pos, self.sent.end, self)?;
        if (r.number_start..r.number_end).any(|p| self.in_mention(p)) || self.is_age(r.start) {
            return None;
        }
        let ends_before = |index: Option<usize>, at: usize| {
            self.lexicon(index)
                .is_some_and(|l| l.ends_at(tokens, self.sent.start, at))
        };
        if (ends_before(n.anaphoric, r.start) && r.value <= n.anaphoric_max)
            || ends_before(n.exclude_before, r.start)
            || ends_before(n.exclude_before, r.number_start)
        {
            return None;
        }
        if self.lex_len(n.exclude_after, r.number_end).is_some()
            || self.lower(r.number_end) == "-"
            || self.lex_len(n.name_after, r.end).is_some()
        {
            return None;
        }
        // A range is a duration or a time when its second number is: "four to five years".
        if matches!(self.lower(r.number_end), "to" | "or" | "and")
            && numbers::read(tokens, r.number_end + 1, self.sent.end, self)
                .is_some_and(|second| self.lex_len(n.exclude_after, second.number_end).is_some())
        {
            return None;
        }
        if self.in_name(&r) || self.second_of_range(r.number_start) {
            return None;
        }
        let first = &tokens[r.number_start];
        let digits = first.lower.chars().all(|c| c.is_ascii_digit());
        // Years: "1986 meltdown", "in 2014", "fiscal 1988 earnings" (counts this size are
        // written with a comma: "2,000 troops").
        if digits
            && first.lower.len() == 4
            && (1800.0..=2100.0).contains(&r.value)
            && r.unit.is_none()
            && r.number_end == r.number_start + 1
        {
            return None;
        }
        // A capitalised number word inside a sentence is part of a name ("Fourteen Days"), and
        // so is a number right after a capitalised word ("Series 50", "Boeing 747").
        let sentence_initial = tokens[self.sent.start..r.start]
            .iter()
            .all(|t| !t.is_word());
        if first.is_capitalised() && !sentence_initial {
            return None;
        }
        if r.start == r.number_start && r.start > self.sent.start {
            let before = &tokens[r.start - 1];
            let initial = tokens[self.sent.start..r.start - 1]
                .iter()
                .all(|t| !t.is_word());
            if before.is_word()
                && before.is_capitalised()
                && !initial
                && !self.in_mention(r.start - 1)
            {
                return None;
            }
        }
        Some(r)
    }

    /// Whether the number at `start` is the second half of a range ("10 to 20 units",
    /// "between 5 and 6 mln dlrs", "2.0 or 2.5 pct"): ANNOTATION-NOTES gives a range its
    /// first number, which `numbers::read` reads with the scale and unit written at the
    /// end. A change ("from 10 to 20") is no range: both of its numbers stay figures.
    /// Cents write their unit twice: "15 cts to 20 cts a share" is 0.15 dlrs.
    fn second_of_range(&self, start: usize) -> bool {
        let tokens = &self.doc.tokens;
        if start < self.sent.start + 2 {
            return false;
        }
        let word = tokens[start - 1].lower.as_str();
        if !matches!(word, "to" | "or" | "-" | "and") {
            return false;
        }
        // The first half: a number with no unit of its own that ends right before the word.
        (self.sent.start.max(start.saturating_sub(4))..start - 1).any(|q| {
            numbers::read(tokens, q, self.sent.end, self).is_some_and(|first| {
                let before =
                    |w: &str| first.number_start > 0 && tokens[first.number_start - 1].lower == w;
                // ... or one in hundredths, written with its unit: "15 cts to 20 cts".
                let hundredths = first.scale < 1.0 && first.end == start - 1;
                (first.number_end == start - 1 || hundredths)
                    && (word != "and" || before("between"))
                    && !before("from")
            })
        })
    }

    /// Whether the number of `r` is written as part of a name or a ratio:
    /// glued by a hyphen or a slash to a word before it ("B-1B", "W-4", "M-3", "System/2"),
    /// glued to a slash after it ("15/64ths", "50/50"), or digits with a capital letter
    /// glued on and no unit ("256K" chips: a scale is written "256,000" or "$256k").
    fn in_name(&self, r: &Reading) -> bool {
        let (start, end) = (r.number_start, r.number_end);
        let tokens = self.doc.tokens;
        let glued = |a: usize, b: usize| tokens[a].span.end == tokens[b].span.start;
        let joined_before = start >= self.sent.start + 2
            && matches!(tokens[start - 1].lower.as_str(), "-" | "/")
            && glued(start - 1, start)
            && glued(start - 2, start - 1)
            && tokens[start - 2].is_word();
        let slash_after = end < self.sent.end && tokens[end].lower == "/" && glued(end - 1, end);
        let text = &tokens[start].text;
        let capital_suffix = end == start + 1
            && r.unit.is_none()
            && text.starts_with(|c: char| c.is_ascii_digit())
            && text.ends_with(|c: char| c.is_ascii_uppercase());
        joined_before || slash_after || capital_suffix
    }

    pub(in crate::relations) fn figure(&self, r: &Reading) -> Figure {
        let span = self.doc.span(r.start..r.end);
        Figure {
            span,
            number: self.doc.span(r.number_start..r.number_end),
            // A figure may run over a line break ("two\ncts"); its label is one line.
            text: self.doc.text[span.start..span.end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            value: r.value,
            unit: r.unit.clone(),
            qualifier: r.qualifier.clone(),
            about: r.about.clone(),
        }
    }

    /// Credits each number of the sentence to the nearest attribution: the closest one
    /// before it, else the first one after it.
    pub(in crate::relations) fn claims(
        &self,
        attributions: &[Attribution],
        sentence: Span,
        out: &mut Vec<Found>,
    ) {
        if attributions.is_empty() {
            return;
        }
        let inside = |p: usize| attributions.iter().any(|a| (a.start..a.end).contains(&p));
        let mut p = self.sent.start;
        while p < self.sent.end {
            if inside(p) || self.in_mention(p) {
                p += 1;
                continue;
            }
            let Some(r) = self.reading(p) else {
                p += 1;
                continue;
            };
            let chosen = attributions
                .iter()
                .filter(|a| a.end <= r.start)
                .max_by_key(|a| a.end)
                .or_else(|| {
                    attributions
                        .iter()
                        .filter(|a| a.start >= r.end)
                        .min_by_key(|a| a.start)
                });
            if let Some(a) = chosen {
                if let Some(modality) = a.modality {
                    let figure = self.figure(&r);
                    let span = self.doc.span(a.start.min(r.start)..a.end.max(r.end));
                    for &s in &a.sources {
                        out.push(Found {
                            relation: a.rule.relation.clone(),
                            rule: a.rule.id.clone(),
                            source: s,
                            target: FoundTarget::Figure(figure.clone()),
                            modality,
                            span,
                            sentence,
                            matched: None,
                        });
                    }
                }
            }
            p = r.end.max(p + 1);
        }
    }
}

impl Vocabulary for Ctx<'_> {
    fn qualifier(&self, tokens: &[Token], p: usize, end: usize) -> Option<usize> {
        self.lexicon(self.rules.numbers.qualifiers)?
            .longest_at(tokens, p, end)
    }

    fn unit(
        &self,
        tokens: &[Token],
        p: usize,
        end: usize,
        before_number: bool,
    ) -> Option<(String, usize)> {
        let mut best: Option<(String, usize)> = None;
        for (name, lexicon) in &self.rules.numbers.units {
            let longest = lexicon
                .lengths_at(tokens, p, end)
                .into_iter()
                .find(|&n| !before_number || !tokens[p + n - 1].is_word());
            if let Some(n) = longest.filter(|&n| best.as_ref().is_none_or(|b| n > b.1)) {
                best = Some((name.clone(), n));
            }
        }
        best
    }

    fn hundredths(&self, tokens: &[Token], p: usize, end: usize) -> Option<(String, usize)> {
        self.rules
            .numbers
            .hundredths
            .iter()
            .filter_map(|(name, lexicon)| Some((name.clone(), lexicon.longest_at(tokens, p, end)?)))
            .max_by_key(|(_, n)| *n)
    }
}
