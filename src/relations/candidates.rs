//! Relation candidates for the learned model: entity pairs and entity–figure pairs in a sentence, each with the features the model reads.
//!
//! Features are plain strings ("between=meet", "path=<nsubj meet >obl") so that a trained
//! model is a readable table of weights. They come from the analysed document only: tokens,
//! lemmas, the parse where the sentence has one, the rules' lexicons and cues, and what the
//! rules themselves found (rules as features).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;

use crate::resolve::{EntityType, Resolved};

use crate::text::Span;

use super::matcher::{Ctx, Found, FoundTarget};
use super::mentions::EntityTokens;
use super::numbers::Reading;
use super::rules::RuleSet;

/// What a candidate pairs.
#[derive(Clone, Debug, PartialEq)]
pub enum Pairing {
    /// Two mentions (indices into `EntityTokens::mentions`), `a` before `b` in the text.
    Entities { a: usize, b: usize },
    /// A mention and a number phrase of the same sentence.
    Figure { source: usize, reading: Reading },
}

/// One candidate with its features (sorted, distinct).
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Index into `EntityTokens::sentences`.
    pub sentence: usize,
    pub pairing: Pairing,
    pub features: Vec<String>,
}

/// What the rules found in one sentence, as candidate-level facts: (relation, source
/// entity, target entity) for entity relations, (relation, source entity, number token)
/// for figures.
#[derive(Default)]
struct RuleFacts {
    pub entities: HashSet<(String, usize, usize)>,
    pub figures: HashSet<(String, usize, usize)>,
}

impl RuleFacts {
    fn from_found<'a>(found: impl IntoIterator<Item = &'a Found>) -> Self {
        let mut out = RuleFacts::default();
        for f in found {
            match &f.target {
                FoundTarget::Entity(t) => {
                    out.entities.insert((f.relation.clone(), f.source, *t));
                }
                FoundTarget::Figure(fig) => {
                    out.figures
                        .insert((f.relation.clone(), f.source, fig.number.start));
                }
            }
        }
        out
    }
}

const MAX_GAP_WORDS: usize = 12;

/// Every candidate of a document, sentence by sentence; `by_rules` (what the rules found)
/// is grouped by sentence once, not searched per sentence.
pub(super) fn document_candidates(
    rules: &RuleSet,
    doc: &EntityTokens,
    resolved: &Resolved,
    by_rules: &[Found],
) -> Vec<Candidate> {
    let mut by_sentence: BTreeMap<Span, Vec<&Found>> = BTreeMap::new();
    for f in by_rules {
        by_sentence.entry(f.sentence).or_default().push(f);
    }
    (0..doc.sentences.len())
        .flat_map(|si| {
            let sentence = doc.span(doc.sentences[si].clone());
            let found = by_sentence.get(&sentence).into_iter().flatten().copied();
            sentence_candidates(rules, doc, resolved, si, &RuleFacts::from_found(found))
        })
        .collect()
}

/// The candidates of sentence `si`, with `facts` the rules' findings in it.
fn sentence_candidates(
    rules: &RuleSet,
    doc: &EntityTokens,
    resolved: &Resolved,
    si: usize,
    facts: &RuleFacts,
) -> Vec<Candidate> {
    let sent = doc.sentences[si].clone();
    let ctx = Ctx::new(rules, doc, resolved, sent.clone(), &[]);
    let mentions: Vec<usize> = (0..doc.mentions.len())
        .filter(|&m| {
            let t = &doc.mentions[m].tokens;
            t.start >= sent.start && t.end <= sent.end
        })
        .collect();
    if mentions.is_empty() {
        return Vec::new();
    }
    let view = SentenceView::new(rules, doc, resolved, sent.clone(), doc.parsed[si]);
    let mut out = Vec::new();
    for (i, &a) in mentions.iter().enumerate() {
        for &b in &mentions[i + 1..] {
            let (ea, eb) = (doc.mentions[a].entity, doc.mentions[b].entity);
            if ea == eb {
                continue;
            }
            let mut f = view.pair_features(&doc.mentions[a].tokens, &doc.mentions[b].tokens);
            let kind = |e: usize| type_tag(resolved.entities[e].kind);
            let types = format!("{}-{}", kind(ea), kind(eb));
            typed(&mut f, &types);
            f.push(format!("types={types}"));
            for (rel, s, t) in &facts.entities {
                let dir = if (*s, *t) == (ea, eb) {
                    "ab"
                } else if (*s, *t) == (eb, ea) {
                    "ba"
                } else {
                    continue;
                };
                f.push(format!("rule={rel}:{dir}"));
            }
            out.push(finish(si, Pairing::Entities { a, b }, f));
        }
    }
    // Number phrases of the sentence, read as the rules read figures.
    let mut readings = Vec::new();
    let mut p = sent.start;
    while p < sent.end {
        match ctx.reading(p) {
            Some(r) if r.end > p => {
                p = r.end;
                readings.push(r);
            }
            _ => p += 1,
        }
    }
    for r in readings {
        for &m in &mentions {
            let e = doc.mentions[m].entity;
            let mut f = view.figure_features(&doc.mentions[m].tokens, &r);
            let kind = type_tag(resolved.entities[e].kind);
            typed(&mut f, kind);
            f.push(format!("type={kind}"));
            let number = doc.tokens[r.number_start].span.start;
            for (rel, s, at) in &facts.figures {
                if *s == e && *at == number {
                    f.push(format!("rule={rel}"));
                }
            }
            out.push(finish(
                si,
                Pairing::Figure {
                    source: m,
                    reading: r.clone(),
                },
                f,
            ));
        }
    }
    out
}

/// The features that mean most with the argument types: the top of the path and the
/// last word between, crossed with `types`.
fn typed(features: &mut Vec<String>, types: &str) {
    let crossed: Vec<String> = features
        .iter()
        .filter(|f| {
            f.starts_with("top=") || f.starts_with("between_last=") || f.starts_with("path_shape=")
        })
        .map(|f| format!("{f}|{types}"))
        .collect();
    features.extend(crossed);
}

fn finish(sentence: usize, pairing: Pairing, features: Vec<String>) -> Candidate {
    let features: BTreeSet<String> = features.into_iter().collect();
    Candidate {
        sentence,
        pairing,
        features: features.into_iter().collect(),
    }
}

fn type_tag(kind: EntityType) -> &'static str {
    match kind {
        EntityType::Person => "PER",
        EntityType::State => "STA",
        EntityType::Organisation => "ORG",
    }
}

/// One sentence seen by the feature functions: per token, its word form for features
/// (entity mentions replaced by their type) and the lexicons it is in.
struct SentenceView<'a> {
    doc: &'a EntityTokens<'a>,
    rules: &'a RuleSet,
    sent: Range<usize>,
    words: Vec<String>,
    /// Per token of the sentence, the rules' lexicons (indices) with an entry starting
    /// there: found once per sentence, read by every candidate.
    lexicons: Vec<Vec<usize>>,
    /// Whether the sentence is an ALL-CAPS headline.
    headline: bool,
    parsed: bool,
}

impl<'a> SentenceView<'a> {
    fn new(
        rules: &'a RuleSet,
        doc: &'a EntityTokens<'a>,
        resolved: &Resolved,
        sent: Range<usize>,
        parsed: bool,
    ) -> Self {
        let words = sent
            .clone()
            .map(|p| match doc.mention_at[p] {
                Some(m) => {
                    format!(
                        "[{}]",
                        type_tag(resolved.entities[doc.mentions[m].entity].kind)
                    )
                }
                None => word_of(&doc.tokens[p]),
            })
            .collect();
        let letters: Vec<char> = doc.tokens[sent.clone()]
            .iter()
            .flat_map(|t| t.text.chars())
            .filter(|c| c.is_alphabetic())
            .collect();
        let upper = letters.iter().filter(|c| c.is_uppercase()).count();
        let headline = letters.len() >= 8 && upper * 10 >= letters.len() * 8;
        let lexicons = sent
            .clone()
            .map(|p| {
                (0..rules.lexicons.len())
                    .filter(|&l| {
                        !rules.lexicons[l]
                            .lengths_at(doc.tokens, p, sent.end)
                            .is_empty()
                    })
                    .collect()
            })
            .collect();
        SentenceView {
            doc,
            rules,
            sent,
            words,
            lexicons,
            headline,
            parsed,
        }
    }

    /// The lexicons with an entry starting at token `p` (none outside the sentence).
    fn lexicons_at(&self, p: usize) -> &[usize] {
        p.checked_sub(self.sent.start)
            .and_then(|i| self.lexicons.get(i))
            .map_or(&[], Vec::as_slice)
    }

    fn word(&self, p: usize) -> &str {
        if p < self.sent.start || p >= self.sent.end {
            return if p < self.sent.start { "<s>" } else { "</s>" };
        }
        &self.words[p - self.sent.start]
    }

    /// Features shared by both kinds: the words between two spans, around them, the
    /// lexicons and cues there, and the dependency path.
    fn common(&self, first: &Range<usize>, second: &Range<usize>, out: &mut Vec<String>) {
        let gap = first.end..second.start.max(first.end);
        let n = gap.len();
        out.push(format!("dist={}", bucket(n)));
        if self.headline {
            out.push("headline".into());
        }
        let mut entities_between = 0;
        let mut last_mention = None;
        for p in gap.clone() {
            if let Some(m) = self.doc.mention_at[p] {
                if last_mention != Some(m) {
                    entities_between += 1;
                }
                last_mention = Some(m);
            }
        }
        out.push(format!("ents_between={}", entities_between.min(3)));
        if n <= MAX_GAP_WORDS {
            let between: Vec<&str> = gap.clone().map(|p| self.word(p)).collect();
            out.push(format!("between_seq={}", between.join("_")));
            for (i, w) in between.iter().enumerate() {
                out.push(format!("between={w}"));
                if i + 1 < between.len() {
                    out.push(format!("between2={}_{}", w, between[i + 1]));
                }
            }
            if let (Some(f), Some(l)) = (between.first(), between.last()) {
                out.push(format!("between_first={f}"));
                out.push(format!("between_last={l}"));
            }
        } else {
            for p in gap.clone() {
                out.push(format!("far_between={}", self.word(p)));
            }
        }
        out.push(format!(
            "before1={}",
            self.word(first.start.wrapping_sub(1))
        ));
        out.push(format!(
            "before2={}_{}",
            self.word(first.start.wrapping_sub(2)),
            self.word(first.start.wrapping_sub(1))
        ));
        out.push(format!("after1={}", self.word(second.end)));
        out.push(format!(
            "after2={}_{}",
            self.word(second.end),
            self.word(second.end + 1)
        ));
        // Lexicons of the rules on the words between and right around the pair.
        let window =
            first.start.saturating_sub(3).max(self.sent.start)..(second.end + 3).min(self.sent.end);
        for p in window.clone() {
            if self.doc.mention_at[p].is_some() {
                continue;
            }
            let inside = p >= gap.start && p < gap.end;
            let at = if inside { "in" } else { "out" };
            for &l in self.lexicons_at(p) {
                out.push(format!("lex_{at}={}", self.rules.lexicons[l].name));
            }
        }
        // The rules' cues anywhere in the sentence before the second argument ends.
        for cue in &self.rules.cues {
            let from = first.start.saturating_sub(cue.before).max(self.sent.start);
            if (from..second.end.min(self.sent.end))
                .any(|p| self.lexicons_at(p).contains(&cue.lexicon))
            {
                out.push(format!("cue={}", cue.name));
            }
        }
        match self.path(first, second) {
            Some((path, top)) => {
                out.push(format!("path={path}"));
                out.push(format!("top={top}"));
                let shape: String = path
                    .split(' ')
                    .filter(|s| s.starts_with('<') || s.starts_with('>'))
                    .collect::<Vec<_>>()
                    .join(" ");
                out.push(format!("path_shape={shape}"));
            }
            None => out.push("unparsed".into()),
        }
    }

    fn pair_features(&self, a: &Range<usize>, b: &Range<usize>) -> Vec<String> {
        let mut out = Vec::new();
        self.common(a, b, &mut out);
        out
    }

    fn figure_features(&self, mention: &Range<usize>, r: &Reading) -> Vec<String> {
        let mut out = Vec::new();
        let number = r.start..r.end;
        let (first, second, order) = if mention.start < number.start {
            (mention, &number, "entity_first")
        } else {
            (&number, mention, "figure_first")
        };
        out.push(format!("order={order}"));
        self.common(first, second, &mut out);
        out.push(format!("unit={}", r.unit.as_deref().unwrap_or("none")));
        if r.qualifier.is_some() {
            out.push("qualified".into());
        }
        out.push(format!("num_before={}", self.word(r.start.wrapping_sub(1))));
        out.push(format!("num_after={}", self.word(r.end)));
        out.push(format!(
            "scale={}",
            if r.scale > 1.0 { "scaled" } else { "plain" }
        ));
        out
    }

    /// The head token of a token range: the one whose head lies outside it.
    fn head(&self, range: &Range<usize>) -> usize {
        range
            .clone()
            .find(|&p| {
                self.doc.tokens[p]
                    .head
                    .is_none_or(|h| h < range.start || h >= range.end)
            })
            .unwrap_or(range.start)
    }

    /// The dependency path between the heads of two ranges, lexicalised at the top
    /// ("<nsubj meet >obl"), and the top word; None when the sentence is unparsed.
    fn path(&self, a: &Range<usize>, b: &Range<usize>) -> Option<(String, String)> {
        if !self.parsed {
            return None;
        }
        let up = |mut p: usize| {
            let mut chain = vec![p];
            while let Some(h) = self.doc.tokens[p].head {
                if chain.len() > 64 || h < self.sent.start || h >= self.sent.end {
                    break;
                }
                chain.push(h);
                p = h;
            }
            chain
        };
        let ca = up(self.head(a));
        let cb = up(self.head(b));
        let top = ca.iter().position(|x| cb.contains(x))?;
        let top_token = ca[top];
        let ib = cb.iter().position(|&x| x == top_token)?;
        let deprel = |p: usize| base_rel(&self.doc.tokens[p].deprel);
        let mut parts: Vec<String> = ca[..top]
            .iter()
            .map(|&p| format!("<{}", deprel(p)))
            .collect();
        let top_word = self.doc.tokens[top_token].lemma.to_lowercase();
        parts.push(top_word.clone());
        parts.extend(cb[..ib].iter().rev().map(|&p| format!(">{}", deprel(p))));
        if parts.len() > 9 {
            return Some(("long".into(), top_word));
        }
        Some((parts.join(" "), top_word))
    }
}

fn base_rel(deprel: &str) -> &str {
    deprel.split(':').next().unwrap_or(deprel)
}

/// A token as a feature word: its lemma, lower-cased; digits become "0".
fn word_of(t: &crate::analysis::Token) -> String {
    let base = if t.lemma.is_empty() {
        &t.lower
    } else {
        &t.lemma
    };
    let lower = base.to_lowercase();
    if lower.chars().any(|c| c.is_ascii_digit()) {
        lower
            .chars()
            .map(|c| if c.is_ascii_digit() { '0' } else { c })
            .collect()
    } else {
        lower
    }
}

fn bucket(n: usize) -> &'static str {
    match n {
        0 => "0",
        1 => "1",
        2 => "2",
        3..=4 => "3-4",
        5..=7 => "5-7",
        8..=12 => "8-12",
        _ => "13+",
    }
}
