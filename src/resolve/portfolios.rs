//! Step 4, portfolios: a minister's or commissioner's portfolio the model read as an
//! organisation ("Minister of *Finance*", "*Public Service* Minister") names none.

use super::*;

impl Resolver {
    /// Each model ORG candidate that is the portfolio of a title (`portfolio_titles.txt`)
    /// right after it, or before it with "of" or "for" between ("Undersecretary of State
    /// Affairs"), or listed after such a portfolio ("minister of Agriculture, Fisheries and
    /// Food"), names nothing; a country or known organisation it opens with stays ("*EC*
    /// External Trade Commissioner", "*U.S.* Agriculture Secretary"). Names that end like
    /// an organisation or hold a body's word ("*Ministry* of International Trade and Industry"),
    /// acronyms and gazetteer names are left alone.
    pub(super) fn portfolios(&self, text: &str, doc: &Doc, candidates: &mut [Candidate]) {
        let mut previous: Option<usize> = None;
        for c in candidates.iter_mut() {
            if c.rule || c.label != Label::Org || c.target.is_some() {
                continue;
            }
            let surface = words::surface(text, c.span);
            if self.ends_like_organisation(&surface)
                || self.names_a_body(&surface)
                || words::is_acronym(&surface)
                || self.gazetteer_organisation(&surface).is_some()
                || self.country(&surface).is_some()
            {
                continue;
            }
            let listed = previous.is_some_and(|end| {
                matches!(&doc.tokens[end..c.tokens.start], [t] if t.text == "," || t.text == "and")
            });
            if !listed && !self.in_title(doc, c.tokens.clone()) {
                continue;
            }
            previous = Some(c.tokens.end);
            match self.known_head(text, doc, c.tokens.clone()) {
                Some(end) => c.place(doc, c.tokens.start..end),
                None => c.target = Some(Target::Nothing),
            }
        }
    }

    /// Whether a name holds a word that heads a body ("*Ministry* of International Trade
    /// and Industry", "Federal Reserve *Board*"): an organisation word or legal form, or the
    /// head of a generic body ("ministry", "department", "house").
    fn names_a_body(&self, name: &str) -> bool {
        let lex = &self.lexicon;
        let head = |phrase: &str| {
            let words: Vec<&str> = phrase.split(' ').collect();
            let of = words.iter().position(|w| *w == "of");
            of.map_or(words.last().copied(), |k| {
                k.checked_sub(1).map(|k| words[k])
            })
            .map(str::to_string)
        };
        name.split_whitespace().any(|w| {
            let w = word_lists::fold(w);
            lex.organisation_words.contains(w.as_ref())
                || lex.legal_suffixes.contains(w.as_ref())
                || lex
                    .generic_bodies
                    .keys()
                    .any(|b| head(b).as_deref() == Some(w.as_ref()))
        })
    }

    /// Whether a portfolio title follows `tokens`, or precedes them with "of" or "for".
    fn in_title(&self, doc: &Doc, tokens: Range<usize>) -> bool {
        let title = |i: usize| {
            self.lexicon
                .portfolio_titles
                .contains(word_lists::fold(&doc.tokens[i].text).as_ref())
        };
        let after = doc.next_in_sentence(tokens.end - 1).is_some_and(title);
        let before = doc
            .prev_in_sentence(tokens.start)
            .filter(|&p| matches!(doc.tokens[p].lower.as_str(), "of" | "for"))
            .and_then(|p| doc.prev_in_sentence(p))
            .is_some_and(title);
        after || before
    }

    /// The end of the longest run of words opening `tokens`, shorter than them, that is a
    /// country or a gazetteer organisation.
    fn known_head(&self, text: &str, doc: &Doc, tokens: Range<usize>) -> Option<usize> {
        (tokens.start + 1..tokens.end).rev().find(|&end| {
            let head = words::surface(text, doc.span_of(tokens.start..end));
            words::ends_word(doc, end - 1)
                && (self.country(&head).is_some() || self.gazetteer_organisation(&head).is_some())
        })
    }
}
