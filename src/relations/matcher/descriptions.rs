//! Descriptions: the organisation a definite description stands for ("the ministry said",
//! "the company's spokesman", "a company official"), found in the document the way a
//! reader finds it: of the organisations named before it that the description fits, the
//! story's subject (most often named first in a sentence), then the most named, then the latest.

use crate::lexicon::{fold, words_of};
use crate::resolve::EntityType;

use super::Ctx;

/// Determiners that make a description point back at a name ("the company", "this bank").
const DEFINITE: [&str; 2] = ["the", "this"];

/// Modifiers that make a description point at another organisation than the one named:
/// "the parent company", "another bank", "a rival firm", "the firm's".
const OTHER: [&str; 8] = [
    "other", "another", "rival", "parent", "sister", "former", "new", "second",
];

/// How prominently the document names an organisation up to a description.
#[derive(Clone, Copy, Debug, Default)]
struct Salience {
    entity: usize,
    /// Mentions so far.
    named: usize,
    /// Mentions so far that open a sentence.
    opening: usize,
    /// The first token of the latest.
    last: usize,
}

impl Ctx<'_> {
    /// The organisation the description at token `node` stands for: `node` is a word of
    /// `settings.descriptions` ("ministry", "company"), definite ("the ministry") or a
    /// noun modifying another ("a company spokesman"), and the organisation is the most
    /// prominent one named before it that the word fits (see [`Ctx::fits`]).
    pub(in crate::relations) fn described(&self, node: usize) -> Option<usize> {
        let s = &self.rules.settings;
        let t = &self.doc.tokens[node];
        let word = self.description_word(s.descriptions, node)?;
        if !matches!(t.upos, "NOUN" | "PROPN") {
            return None;
        }
        let children = &self.doc.children[node];
        let definite = children.iter().any(|&c| {
            let d = &self.doc.tokens[c];
            d.deprel == "det" && DEFINITE.contains(&d.lower.as_str())
        });
        let modifier = t.deprel == "compound" || t.deprel == "nmod:poss";
        let before = node
            .checked_sub(1)
            .map(|b| self.doc.tokens[b].lower.as_str());
        if !(definite || modifier) || before.is_some_and(|b| OTHER.contains(&b)) {
            return None;
        }
        // Another organisation than the one named ("the parent company"), or one that a
        // name or an owner of its own says ("Japan's central bank": not this step's).
        let mut kinds = Vec::new();
        for &c in children {
            let d = &self.doc.tokens[c];
            if OTHER.contains(&d.lower.as_str())
                || d.deprel == "nmod:poss"
                || (d.deprel.starts_with("compound") && self.in_mention(c))
            {
                return None;
            }
            if d.deprel == "compound" && d.is_word() {
                kinds.push(fold(&d.lower).into_owned());
            }
        }
        // Of the organisations it fits, the one most often named first in a sentence up to
        // it (the story's subject: "Jiangling Motors Corp, in a statement, said", not "a
        // truck maker in which Ford has a stake"), then the most often named, then the
        // latest.
        let mut counts: Vec<Salience> = Vec::new();
        for m in self.doc.mentions.iter().filter(|m| m.tokens.end <= node) {
            let opens = self.opens_sentence(m.tokens.start);
            let i = match counts.iter().position(|c| c.entity == m.entity) {
                Some(i) => i,
                None => {
                    counts.push(Salience {
                        entity: m.entity,
                        ..Salience::default()
                    });
                    counts.len() - 1
                }
            };
            let c = &mut counts[i];
            c.named += 1;
            c.opening += usize::from(opens);
            c.last = m.tokens.start;
        }
        counts.retain(|c| self.fits(c.entity, &word, &kinds));
        // "The paper said" among two papers is left alone: the one meant may be a later
        // mention the tagger missed ("the Nanfang Daily said ... The Farmers Daily said ...
        // The paper said").
        let press = self
            .lexicon(s.press_descriptions)
            .is_some_and(|l| l.contains_word(&word));
        if press && counts.len() > 1 {
            return None;
        }
        let key = |c: &Salience| (c.opening, c.named, c.last);
        counts.iter().max_by_key(|c| key(c)).map(|c| c.entity)
    }

    fn entity_of_token(&self, i: usize) -> Option<usize> {
        let m = (*self.doc.mention_at.get(i)?)?;
        Some(self.doc.mentions[m].entity)
    }

    /// Whether token `p` opens its sentence: only punctuation and determiners before it.
    fn opens_sentence(&self, p: usize) -> bool {
        let tokens = self.doc.tokens;
        let sentence = tokens[p].sentence;
        (0..p)
            .rev()
            .take_while(|&i| tokens[i].sentence == sentence)
            .all(|i| {
                !tokens[i].is_word()
                    || self
                        .lex_len(self.rules.settings.determiners, i)
                        .is_some_and(|n| n == 1)
            })
    }

    /// The folded word at `node` if it, or its lemma, is in `lexicon`.
    fn description_word(&self, lexicon: Option<usize>, node: usize) -> Option<String> {
        let l = &self.rules.lexicons[lexicon?];
        let t = &self.doc.tokens[node];
        [&t.lemma, &t.lower]
            .into_iter()
            .find(|w| l.contains_word(w))
            .map(|w| fold(w).into_owned())
    }

    /// Whether description `word`, with the noun modifiers `kinds` ("defence" in "the
    /// defence ministry"), fits organisation `e`: one of its names holds the word
    /// ("the ministry": Foreign Ministry), a company description fits a name ending in a
    /// legal form ("the company": Conrac Corp), or the document puts the word right next
    /// to a name of it ("the Xinhua news agency", "the Dutch newspaper NRC Handelsblad").
    /// Words of `settings.press_descriptions` stand for each other ("the newspaper":
    /// China Daily, "O Globo daily").
    fn fits(&self, e: usize, word: &str, kinds: &[String]) -> bool {
        let s = &self.rules.settings;
        let entity = &self.resolved.entities[e];
        if entity.kind != EntityType::Organisation {
            return false;
        }
        // "the newspaper" is also what the document calls "the paper" or "the daily".
        let press = |w: &str| {
            self.lexicon(s.press_descriptions)
                .is_some_and(|l| l.contains_word(w))
        };
        let same = |w: &str| same_word(w, word) || (press(word) && press(w));
        let company = self
            .lexicon(s.company_descriptions)
            .is_some_and(|l| l.contains_word(word));
        let legal = |w: &str| {
            self.lexicon(s.legal_forms)
                .is_some_and(|l| l.contains_word(w))
        };
        for alias in &entity.aliases {
            let words = words_of(alias);
            // "the defence ministry" is no Foreign Ministry.
            if words.iter().any(|w| same(w))
                && kinds.iter().all(|k| words.iter().any(|w| same_word(w, k)))
            {
                return true;
            }
            if company && words.len() > 1 && words.last().is_some_and(|w| legal(w)) {
                return true;
            }
        }
        let tokens = self.doc.tokens;
        let described = |i: usize| {
            tokens.get(i).is_some_and(|t| {
                same(&t.lower)
                    || (company
                        && self
                            .lexicon(s.company_descriptions)
                            .is_some_and(|l| l.contains_word(&t.lower)))
            })
        };
        // An appositive says so too: "Petro-Canada, Canada's state-owned oil company,".
        let appositive = |end: usize| {
            tokens.get(end).is_some_and(|t| t.lower == ",")
                && (end + 1..(end + 8).min(tokens.len()))
                    .take_while(|&i| {
                        let t = &tokens[i];
                        !matches!(t.lower.as_str(), "," | "." | ";" | ":" | "(" | ")" | "\"")
                            && self.entity_of_token(i).is_none_or(|e| {
                                self.resolved.entities[e].kind != EntityType::Organisation
                            })
                            && self
                                .lexicon(s.gap_stops)
                                .is_none_or(|l| !l.contains_word(&t.lower))
                    })
                    .any(described)
        };
        self.doc.mentions.iter().filter(|m| m.entity == e).any(|m| {
            let before = m.tokens.start.checked_sub(1).is_some_and(described);
            let after = described(m.tokens.end)
                || (described(m.tokens.end + 1) && tokens[m.tokens.end].is_word());
            before || after || appositive(m.tokens.end)
        })
    }
}

/// Whether text word `w` is the folded `word` or a plural of it.
fn same_word(w: &str, word: &str) -> bool {
    let w = fold(w);
    w == word || crate::analysis::lemma::lemma(&w, "NOUN") == word
}
