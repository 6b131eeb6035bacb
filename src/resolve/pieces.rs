//! Step 1: model mentions cleaned into candidates (cut at a line break that ends a
//! sentence, compounds split) and pieces of one name the model split joined again.

use super::*;

impl Resolver {
    /// Model mentions cleaned into candidates, in text order.
    pub(super) fn pieces(&self, text: &str, doc: &Doc, mentions: &[Mention]) -> Vec<Candidate> {
        let mut out = Vec::new();
        for m in &doc.mentions {
            let index = m.index;
            if mentions[index].score < self.min_score {
                continue;
            }
            let label = Label::of(&m.label);
            for line in lines(text, doc, m.tokens.clone()) {
                let line = self.without_attributive(doc, line);
                let line = if label == Label::Per {
                    line
                } else if self.inside_title(doc, line.clone()) {
                    // "Exchequer" in "Chancellor of the Exchequer Nigel Lawson": a body
                    // named only inside a person's title (ANNOTATION-NOTES.md: optional).
                    continue;
                } else {
                    self.without_title_tail(doc, line)
                };
                let (tokens, title_only) = match label {
                    Label::Per => {
                        match names::clean_person(doc, line, &self.lexicon, &self.gazetteer) {
                            Some(p) => (p.tokens, p.title_only),
                            None => continue,
                        }
                    }
                    _ => match names::trim_name(doc, line) {
                        Some(tokens) => (tokens, false),
                        None => continue,
                    },
                };
                let surface = words::surface(text, doc.span_of(tokens.clone()));
                if !words::has_upper(&surface) {
                    if self.lexicon.connectors.contains(&surface) {
                        out.push(Candidate::model(doc, tokens, label, index));
                    }
                    continue;
                }
                if label != Label::Per {
                    if let Some(parts) = self.split_compound(text, doc, tokens.clone()) {
                        for part in parts {
                            out.push(Candidate::model(doc, part, label, index));
                        }
                        continue;
                    }
                }
                let mut c = Candidate::model(doc, tokens, label, index);
                c.title_only = title_only;
                out.push(c);
            }
        }
        out.sort_by_key(|c| (c.span.start, c.span.end));
        out
    }

    /// A mention without the hyphenated modifiers before its name ("Paris-based",
    /// "Japanese-owned": `attributive_words.txt`), which say where or whose it is.
    pub(super) fn without_attributive(&self, doc: &Doc, tokens: Range<usize>) -> Range<usize> {
        let mut start = tokens.start;
        while start + 3 < tokens.end
            && doc.tokens[start + 1].text == "-"
            && doc.touching(start)
            && doc.touching(start + 1)
            && self
                .lexicon
                .attributive_words
                .contains(word_lists::fold(&doc.tokens[start + 2].text).as_ref())
        {
            start += 3;
        }
        start..tokens.end
    }

    /// Whether a title phrase that starts at most three words before `tokens` covers them
    /// ("Chancellor of the Exchequer", "Trade Representative").
    pub(super) fn inside_title(&self, doc: &Doc, tokens: Range<usize>) -> bool {
        let sentence = &doc.sentences[doc.tokens[tokens.start].sentence].tokens;
        let look = (tokens.end + 3).min(sentence.end);
        (tokens.start.saturating_sub(3).max(sentence.start)..=tokens.start).any(|k| {
            let words: Vec<&str> = doc.tokens[k..look]
                .iter()
                .map(|t| t.text.as_str())
                .collect();
            self.lexicon
                .titles
                .longest_prefix(&words)
                .is_some_and(|n| k + n >= tokens.end)
        })
    }

    /// A mention cut before a title that starts inside it and runs past its end: "U.S.
    /// Trade" before "Representative" is "U.S." ("Trade Representative" is a title); the
    /// cut-off words name no organisation of their own.
    pub(super) fn without_title_tail(&self, doc: &Doc, tokens: Range<usize>) -> Range<usize> {
        let sentence_end = doc.sentences[doc.tokens[tokens.start].sentence].tokens.end;
        let look = (tokens.end + 3).min(sentence_end);
        for k in tokens.start + 1..tokens.end {
            let words: Vec<&str> = doc.tokens[k..look]
                .iter()
                .map(|t| t.text.as_str())
                .collect();
            if self
                .lexicon
                .titles
                .longest_prefix(&words)
                .is_some_and(|n| k + n > tokens.end)
            {
                return tokens.start..k;
            }
        }
        tokens
    }

    /// Parts of a mention that joins names the gazetteer knows: "Russia-Ukraine"
    /// (countries), "Apple and Shell" (organisations or countries). None when the whole
    /// is one name ("Bosnia and Herzegovina") or a part is unknown.
    pub(super) fn split_compound(
        &self,
        text: &str,
        doc: &Doc,
        tokens: Range<usize>,
    ) -> Option<Vec<Range<usize>>> {
        let whole = words::surface(text, doc.span_of(tokens.clone()));
        if self.country(&whole).is_some() || self.gazetteer_organisation(&whole).is_some() {
            return None;
        }
        let all = &doc.tokens[tokens.clone()];
        let (separator, known): (&str, &dyn Fn(&str) -> bool) =
            if all.iter().any(|t| t.lower == "and") {
                ("and", &|p: &str| {
                    self.country(p).is_some() || self.gazetteer_organisation(p).is_some()
                })
            } else if all.iter().any(|t| t.lower == "-") {
                ("-", &|p: &str| self.country(p).is_some())
            } else {
                return None;
            };
        let mut parts = Vec::new();
        let mut from = tokens.start;
        for i in tokens.clone().chain([tokens.end]) {
            if i < tokens.end && doc.tokens[i].lower != separator {
                continue;
            }
            let part = from..i;
            if part.is_empty() || !known(&words::surface(text, doc.span_of(part.clone()))) {
                return None;
            }
            parts.push(part);
            from = i + 1;
        }
        Some(parts)
    }

    pub(super) fn is_connector(&self, text: &str, c: &Candidate) -> bool {
        !words::has_upper(&words::surface(text, c.span))
    }

    /// Joins neighbouring pieces of one organisation name the model split
    /// ("Manchester"/LOC + "United"/ORG, "University" + "of" + "New Haven"): touching
    /// pieces, at least one ORG, no person; connectors only inside, and no MISC piece last.
    pub(super) fn join_split_names(
        &self,
        text: &str,
        doc: &Doc,
        pieces: Vec<Candidate>,
    ) -> Vec<Candidate> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < pieces.len() {
            let mut j = i;
            while j + 1 < pieces.len() && self.touching(doc, &pieces[j], &pieces[j + 1]) {
                j += 1;
            }
            // Trim connectors off both ends of the run.
            let (mut a, mut b) = (i, j);
            while a < b && self.is_connector(text, &pieces[a]) {
                a += 1;
            }
            // A MISC piece after the name is what the organisation holds or makes, not part
            // of its name ("the NATO Summit", "a Boeing 747"): the run stops before it.
            while b > a && (self.is_connector(text, &pieces[b]) || pieces[b].label == Label::Misc) {
                b -= 1;
            }
            let run = &pieces[a..=b];
            let joinable = run.len() > 1
                && run.iter().any(|p| p.label == Label::Org)
                && run.iter().all(|p| p.label != Label::Per);
            if joinable {
                let whole = run[0].tokens.start..run[run.len() - 1].tokens.end;
                let tokens = self.without_attributive(doc, whole);
                out.push(Candidate::joined_organisation(doc, run, tokens));
                out.extend(
                    pieces[b + 1..=j]
                        .iter()
                        .filter(|p| !self.is_connector(text, p))
                        .cloned(),
                );
            } else {
                out.extend(
                    pieces[i..=j]
                        .iter()
                        .filter(|p| !self.is_connector(text, p))
                        .cloned(),
                );
            }
            i = j + 1;
        }
        out
    }

    /// Whether `b` follows `a` in the same sentence, right after it or with one connector
    /// word between them.
    pub(super) fn touching(&self, doc: &Doc, a: &Candidate, b: &Candidate) -> bool {
        if b.span.start < a.span.end {
            return false;
        }
        let last = a.tokens.end - 1;
        let first = b.tokens.start;
        if doc.tokens[last].sentence != doc.tokens[first].sentence {
            return false;
        }
        first == last + 1
            || (first == last + 2
                && !doc.touching(last)
                && !doc.touching(last + 1)
                && self.lexicon.connectors.contains(&doc.tokens[last + 1].text))
    }
}

/// A mention's tokens cut at a line break that ends a sentence inside it ("Putin\nWASHINGTON"):
/// the splitter ended a sentence there (the analysis joined the two sentences only because
/// the mention crossed the break) and the words show it: a final mark before the break, or
/// a shouted word on one side only (a dateline). A wrapped name ("Olaf\nScholz", "L.K.\nEvans")
/// stays whole, whatever the splitter made of the line's length.
pub(super) fn lines(text: &str, doc: &Doc, tokens: Range<usize>) -> Vec<Range<usize>> {
    let shouted = |t: &Token| words::is_shouted(&t.text);
    let mut out = Vec::new();
    let mut start = tokens.start;
    for k in tokens.start..tokens.end.saturating_sub(1) {
        let (before, after) = (&doc.tokens[k], &doc.tokens[k + 1]);
        let line_break = text[before.span.end..after.span.start].contains(['\n', '\r'])
            && doc
                .joined_boundaries
                .binary_search(&before.span.end)
                .is_ok();
        let shows_it =
            matches!(before.text.as_str(), "." | "!" | "?") || shouted(before) != shouted(after);
        if line_break && shows_it {
            out.push(start..k + 1);
            start = k + 1;
        }
    }
    out.push(start..tokens.end);
    out
}
