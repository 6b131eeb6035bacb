//! Step 1, firm names: a company name the model cut into pieces or read as people
//! ("Smith Barney, Harris Upham and Co", "Shearson" + "Lehman Brothers") is joined into
//! one organisation, and common nouns the model ran on after a name are cut off ("BBC
//! radio", "Paris Club of creditor nations").

use super::*;

/// What stands between two pieces of one firm name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gap {
    /// Nothing: the pieces touch word to word ("Shearson" "Lehman Brothers").
    None,
    /// The period of an initial ("Robert W" "." "Baird Co").
    Initial,
    /// An opening bracket closed inside the next piece ("Jardine Fleming" "(" "Securities) Ltd").
    Bracket,
    /// A comma of a partnership's list of names ("Smith Barney" "," "Harris Upham and Co").
    Comma,
    /// "and" or "&" ("American Telephone" "and" "Telegraph Co").
    And,
}

impl Resolver {
    /// Joins each run of pieces that makes one firm name: the last piece ends in a legal
    /// form or an organisation word ("Co", "Ltd", "Brothers", "Exchange"), the others are
    /// model ORG or PER pieces of the same sentence with at most one "and" among them all.
    /// Other model mentions of a person piece that opened a firm name are the firm too
    /// ("Jardine Fleming" again after "Jardine Fleming (Securities) Ltd").
    pub(super) fn join_firm_names(
        &self,
        text: &str,
        doc: &Doc,
        mut candidates: Vec<Candidate>,
    ) -> Vec<Candidate> {
        candidates.sort_by_key(|c| (c.span.start, c.span.end));
        // Each candidate out, with the first piece it covers.
        let mut out: Vec<(usize, Candidate)> = Vec::with_capacity(candidates.len());
        let mut firm_people: BTreeSet<String> = BTreeSet::new();
        for k in 0..candidates.len() {
            let mut start = self.firm_start(text, doc, &candidates, k);
            if start == k {
                out.push((k, candidates[k].clone()));
                continue;
            }
            // Pieces already out that the name takes in (a shorter name joined before).
            while out.last().is_some_and(|(first, c)| {
                *first >= start || candidates[start].span.start < c.span.end
            }) {
                let (first, _) = out.pop().expect("a last one");
                start = start.min(first);
            }
            let run = &candidates[start..=k];
            if run[0].label == Label::Per {
                firm_people.insert(words::surface(text, run[0].span));
            }
            let tokens = run[0].tokens.start..run[run.len() - 1].tokens.end;
            out.push((start, Candidate::joined_organisation(doc, run, tokens)));
        }
        let mut out: Vec<Candidate> = out.into_iter().map(|(_, c)| c).collect();
        for c in &mut out {
            if c.label == Label::Per && firm_people.contains(&words::surface(text, c.span)) {
                c.label = Label::Org;
            }
        }
        out
    }

    /// The first piece of the firm name that ends with piece `k` (`k` itself when none
    /// does): walking back from `k` while each gap and piece may be inside one name, the
    /// earliest start whose whole run passes [`Resolver::firm_run`].
    fn firm_start(&self, text: &str, doc: &Doc, pieces: &[Candidate], k: usize) -> usize {
        let last = &pieces[k];
        let last_surface = words::surface(text, last.span);
        if last.rule
            || !matches!(last.label, Label::Org | Label::Per)
            || !self.ends_like_organisation(&last_surface)
            || self.gazetteer_organisation(&last_surface).is_some()
        {
            return k;
        }
        let legal_end = self.ends_in_legal_form(&last_surface);
        let mut ands = self.ands_in(doc, last.tokens.clone());
        let mut gaps = Vec::new();
        let mut best = k;
        let mut cur = k;
        while cur > 0 && ands <= 1 {
            let prev = &pieces[cur - 1];
            let Some(gap) = self.gap(doc, prev, &pieces[cur]) else {
                break;
            };
            if gap == Gap::And {
                ands += 1;
                if ands > 1 || !self.one_word_after_and(text, doc, pieces[cur].tokens.start, last) {
                    break;
                }
            }
            if gap == Gap::Comma && ands == 0 {
                break;
            }
            if !self.firm_piece(text, prev, legal_end && gap == Gap::And) {
                break;
            }
            ands += self.ands_in(doc, prev.tokens.clone());
            gaps.push(gap);
            cur -= 1;
            if ands <= 1 && self.firm_run(&pieces[cur..=k], &gaps, legal_end) {
                best = cur;
            }
        }
        best
    }

    /// Whether a run passes as one name: pieces read as people join across "and" or a
    /// comma only where a legal form ends the name ("Kleinwort and Benson Ltd", not
    /// "Jean-Pascal Delamuraz and National Bank").
    fn firm_run(&self, run: &[Candidate], gaps: &[Gap], legal_end: bool) -> bool {
        let person = run.iter().any(|p| p.label == Label::Per);
        let listed = gaps.iter().any(|g| matches!(g, Gap::Comma | Gap::And));
        !(person && listed) || legal_end
    }

    /// Whether a piece before the last may open or continue a firm name: a model ORG or
    /// PER piece that is no known organisation or place by itself, and no whole company
    /// name of its own ("Fuji Bank" in "Fuji Bank and Mitsubishi Bank"), unless a legal
    /// form closes the whole after "and" ("Mitsubishi Trust and Banking Corp").
    fn firm_piece(&self, text: &str, piece: &Candidate, legal_after_and: bool) -> bool {
        let surface = words::surface(text, piece.span);
        if piece.rule
            || !matches!(piece.label, Label::Org | Label::Per)
            || self.gazetteer_organisation(&surface).is_some()
            || self.country(&surface).is_some()
            || self.gazetteer.country_by_capital(&surface).is_some()
            || self.gazetteer.country_by_demonym(&surface).is_some()
            || self.ends_in_legal_form(&surface)
        {
            return false;
        }
        !self.ends_like_organisation(&surface) || legal_after_and
    }

    /// What stands between two pieces, if it may stand inside one firm name.
    fn gap(&self, doc: &Doc, a: &Candidate, b: &Candidate) -> Option<Gap> {
        let (last, first) = (a.tokens.end - 1, b.tokens.start);
        if first <= last || doc.tokens[last].sentence != doc.tokens[first].sentence {
            return None;
        }
        let between = &doc.tokens[last + 1..first];
        match between {
            [] => Some(Gap::None),
            [t] if t.text == "." && doc.touching(last) && is_initial(&doc.tokens[last].text) => {
                Some(Gap::Initial)
            }
            [t] if t.text == "(" && doc.tokens[b.tokens.clone()].iter().any(|t| t.text == ")") => {
                Some(Gap::Bracket)
            }
            [t] if t.text == "," => Some(Gap::Comma),
            [t] if is_and(&t.text) => Some(Gap::And),
            _ => None,
        }
    }

    /// Whether the words after an "and" (from token `from` to the end of the last piece)
    /// are one name word before the legal forms and organisation words ("Telegraph Co",
    /// "Benson Ltd"), not a name of their own ("International Monetary Fund").
    fn one_word_after_and(&self, text: &str, doc: &Doc, from: usize, last: &Candidate) -> bool {
        let tail = words::surface(text, doc.span_of(from..last.tokens.end));
        let mut words: Vec<&str> = tail.split_whitespace().collect();
        while words.len() > 1 && self.is_firm_word(words[words.len() - 1]) {
            words.pop();
        }
        words.len() <= 1
    }

    /// Whether a name's last word is a legal form ("Corp", "Ltd").
    fn ends_in_legal_form(&self, name: &str) -> bool {
        name.split_whitespace().next_back().is_some_and(|w| {
            self.lexicon
                .legal_suffixes
                .contains(word_lists::fold(w).as_ref())
        })
    }

    /// A legal form or an organisation word.
    fn is_firm_word(&self, word: &str) -> bool {
        let word = word_lists::fold(word);
        self.lexicon.legal_suffixes.contains(word.as_ref())
            || self.lexicon.organisation_words.contains(word.as_ref())
    }

    /// The "and"s among `tokens`.
    fn ands_in(&self, doc: &Doc, tokens: Range<usize>) -> usize {
        doc.tokens[tokens]
            .iter()
            .filter(|t| is_and(&t.text))
            .count()
    }

    /// Each model ORG candidate without the common nouns the model ran on after its name
    /// ("BBC radio", "Paris Club of creditor", "World Bank-funded"): lower-case words at its
    /// end are cut, and the punctuation before them, unless the last is a noun that ends
    /// names (an organisation word or descriptor, an organisation or eponym noun: "ICCO
    /// council", "Liberal party", "the Biden administration").
    pub(super) fn without_common_tails(&self, doc: &Doc, candidates: &mut [Candidate]) {
        for c in candidates.iter_mut() {
            if c.rule || c.label != Label::Org || c.target.is_some() {
                continue;
            }
            let mut end = c.tokens.end;
            while end > c.tokens.start + 1 {
                let last = &doc.tokens[end - 1];
                if !last.text.starts_with(char::is_lowercase) || self.ends_names(&last.lower) {
                    break;
                }
                end -= 1;
            }
            if end == c.tokens.end {
                continue;
            }
            let Some(kept) = names::trim_name(doc, c.tokens.start..end) else {
                continue;
            };
            if doc.tokens[kept.clone()].iter().any(Token::is_capitalised) {
                c.place(doc, kept);
            }
        }
    }

    /// Whether a lower-case word may end an organisation's name.
    fn ends_names(&self, lower: &str) -> bool {
        let lex = &self.lexicon;
        let folded = word_lists::fold(lower);
        lex.organisation_words.contains(folded.as_ref())
            || lex.legal_suffixes.contains(folded.as_ref())
            || lex.organisation_descriptors.contains(lower)
            || lex.eponym_nouns.contains(lower)
            || lex
                .organisation_nouns
                .iter()
                .any(|n| n.words.last().is_some_and(|w| w == lower))
            || lex
                .generic_bodies
                .keys()
                .any(|b| b.rsplit(' ').next() == Some(lower))
    }
}

fn is_and(word: &str) -> bool {
    word == "and" || word == "&"
}

/// One capital letter: an initial ("W" in "Robert W. Baird").
fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.next().is_none()
}
