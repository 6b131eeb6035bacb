//! Step 5: acronyms join the name they stand for, organisation short forms and generic
//! short names the longer name.

use super::*;

impl Resolver {
    /// Acronyms: one the text introduces ("the Liquor Control Board of Ontario (LCBO)")
    /// names that organisation wherever it appears in the document; an acronym that is
    /// no gazetteer name joins the organisation of the document whose initials it is.
    /// Returns each acronym the document defines (undotted), introduced in brackets or
    /// used for the one organisation whose initials it is, with the span of its long form
    /// (the first where there are two), for [`Resolver::acronym_definitions`].
    pub(super) fn acronyms(
        &self,
        text: &str,
        doc: &Doc,
        candidates: &mut Vec<Candidate>,
    ) -> BTreeMap<String, Span> {
        let mut introduced: BTreeMap<String, NodeRef> = BTreeMap::new();
        let mut defined: BTreeMap<String, Span> = BTreeMap::new();
        for c in candidates.iter() {
            let Some(Target::Node(node)) = &c.target else {
                continue;
            };
            if node.kind != EntityType::Organisation {
                continue;
            }
            let Some(inner) = bracketed_after(doc, c.tokens.clone().end - 1) else {
                continue;
            };
            let inner = inner.as_str();
            let surface = &words::surface(text, c.span);
            if words::is_acronym(inner) && words::undotted(inner) != words::undotted(surface) {
                introduced
                    .entry(words::undotted(inner))
                    .or_insert_with(|| node.clone());
                defined.entry(words::undotted(inner)).or_insert(c.span);
            }
        }
        if !introduced.is_empty() {
            self.introduced_acronyms(text, doc, &introduced, candidates);
        }
        candidates.sort_by_key(|c| (c.span.start, c.span.end));

        // Initials of the organisations named in full in the document.
        let mut by_initials: BTreeMap<String, BTreeMap<String, (NodeRef, Span)>> = BTreeMap::new();
        for c in candidates.iter() {
            if let Some(Target::Node(node)) = &c.target {
                let surface = &words::surface(text, c.span);
                if node.kind == EntityType::Organisation && surface.contains(' ') {
                    by_initials
                        .entry(self.initials(surface))
                        .or_default()
                        .entry(node.id.clone())
                        .or_insert_with(|| (node.clone(), c.span));
                }
            }
        }
        for c in candidates.iter_mut() {
            let surface = &words::surface(text, c.span);
            if !words::is_acronym(surface) || introduced.contains_key(&words::undotted(surface)) {
                continue;
            }
            let known =
                self.gazetteer_organisation(surface).is_some() || self.country(surface).is_some();
            let open = match &c.target {
                Some(Target::Nothing) => true,
                Some(Target::Node(n)) => n.kind == EntityType::Organisation && !known,
                _ => false,
            };
            if !open {
                continue;
            }
            if let Some(nodes) = by_initials.get(&words::undotted(surface)) {
                if nodes.len() == 1 {
                    let (node, span) = nodes.values().next().expect("one node").clone();
                    c.target = Some(Target::Node(node));
                    // Initials a document uses for its organisation define the acronym
                    // too, for the run-wide table: the one way a conflicting reading
                    // shows where no document brackets it.
                    defined.entry(words::undotted(surface)).or_insert(span);
                }
            }
        }
        defined
    }

    /// The document's acronym definitions for the run-wide table: acronym id -> the id
    /// its long form ended with (after the later steps, such as a generic body's state).
    /// Left out: acronyms the gazetteer or the country list names (every document gives
    /// those their gazetteer node), long forms that are no organisation by then, and an
    /// acronym whose id is its long form's.
    pub(super) fn acronym_definitions(
        &self,
        defined: &BTreeMap<String, Span>,
        candidates: &[Candidate],
    ) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (acronym, span) in defined {
            if self.gazetteer_organisation(acronym).is_some() || self.country(acronym).is_some() {
                continue;
            }
            let long = candidates.iter().find_map(|c| match &c.target {
                Some(Target::Node(n)) if c.span == *span && n.kind == EntityType::Organisation => {
                    Some(n.id.clone())
                }
                _ => None,
            });
            let id = self.named_organisation(acronym).id;
            if let Some(long) = long.filter(|long| *long != id) {
                out.insert(id, long);
            }
        }
        out
    }

    /// Every candidate an introduced acronym names, and every other whole-word occurrence
    /// of one that overlaps no candidate, becomes that acronym's organisation. Acronyms
    /// in order; an occurrence overlapping one an earlier acronym found is left out.
    pub(super) fn introduced_acronyms(
        &self,
        text: &str,
        doc: &Doc,
        introduced: &BTreeMap<String, NodeRef>,
        candidates: &mut Vec<Candidate>,
    ) {
        for c in candidates.iter_mut() {
            count_work(1);
            if let Some(node) = introduced.get(&words::undotted(&words::surface(text, c.span))) {
                c.target = Some(Target::Node(node.clone()));
            }
        }
        // Where each token that starts a word is: an acronym's occurrences start at a
        // token that is a prefix of it, looked up here rather than by reading every token
        // once per acronym.
        let mut starting: HashMap<&str, Vec<usize>> = HashMap::new();
        for i in 0..doc.tokens.len() {
            count_work(1);
            if words::starts_word(doc, i) {
                starting
                    .entry(doc.tokens[i].text.as_str())
                    .or_default()
                    .push(i);
            }
        }
        let mut covered = CoveredBytes::new(text.len());
        for c in candidates.iter() {
            covered.insert(c.span);
        }
        for (acronym, node) in introduced {
            let mut at: Vec<usize> = acronym
                .char_indices()
                .map(|(k, ch)| &acronym[..k + ch.len_utf8()])
                .filter_map(|prefix| starting.get(prefix))
                .flatten()
                .copied()
                .collect();
            at.sort_unstable();
            let mut found = Vec::new();
            let words = [acronym.clone()];
            for i in at {
                count_work(1);
                let Some(end) = match_words(doc, i, &words, |t| t.text.clone()) else {
                    continue;
                };
                let new = Candidate::rule(doc, i..end, node.clone());
                if words::ends_word(doc, end - 1) && !covered.overlaps(new.span) {
                    found.push(new);
                }
            }
            for c in &found {
                covered.insert(c.span);
            }
            candidates.extend(found);
        }
    }

    /// An organisation name the model found that is part of a longer one in the document
    /// joins it, like a surname ("the Fund" after "International Monetary Fund", "United"
    /// after "Manchester United"); gazetteer names keep their own node ("NATO" stays NATO
    /// beside "NATO Response Force").
    pub(super) fn organisation_short_forms(&self, text: &str, candidates: &mut [Candidate]) {
        let indices: Vec<usize> = candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                matches!(&c.target, Some(Target::Node(n)) if n.kind == EntityType::Organisation)
            })
            .map(|(i, _)| i)
            .collect();
        let names: Vec<people::PersonMention> = indices
            .iter()
            .map(|&i| people::PersonMention {
                words: people::name_key(&words::surface(text, candidates[i].span)),
                start: candidates[i].span.start,
            })
            .collect();
        let clusters = people::cluster(&names);
        for (k, &i) in indices.iter().enumerate() {
            let c = &candidates[i];
            let surface = &words::surface(text, c.span);
            let movable = !c.rule
                && c.label == Label::Org
                && self.gazetteer_organisation(surface).is_none()
                && !words::is_acronym(surface);
            let rep = indices[clusters[k]];
            // A generic body alone ("the House") is not a short form of a longer name that
            // is another body ("White House"); step 8 gives it its state's body.
            let body_apart = || match self.body_of(surface) {
                Some((body, None)) => self
                    .body_of(&words::surface(text, candidates[rep].span))
                    .is_none_or(|(other, _)| other != body),
                _ => false,
            };
            if movable && rep != i && !body_apart() {
                candidates[i].target = candidates[rep].target.clone();
            }
        }
    }

    /// Generic short names ("the Alliance") join the organisation they stand for when the
    /// document names it (data/resolve/short_names.tsv): the nearest before, else after.
    pub(super) fn short_names(&self, text: &str, candidates: &mut [Candidate]) {
        // Node id -> the candidates naming it, by position; built at the first short name,
        // and kept up to date as short names join their organisation.
        let mut naming: Option<HashMap<String, BTreeSet<usize>>> = None;
        for i in 0..candidates.len() {
            let c = &candidates[i];
            let surface = &words::surface(text, c.span);
            let Some(ids) = self.lexicon.short_names.get(surface) else {
                continue;
            };
            if c.rule || self.gazetteer_organisation(surface).is_some() {
                continue;
            }
            let naming = naming.get_or_insert_with(|| {
                let mut naming: HashMap<String, BTreeSet<usize>> = HashMap::new();
                for (k, c) in candidates.iter().enumerate() {
                    count_work(1);
                    if let Some(Target::Node(n)) = &c.target {
                        naming.entry(n.id.clone()).or_default().insert(k);
                    }
                }
                naming
            });
            let at = |id: &String| naming.get(&format!("organisation:{id}"));
            let before = ids
                .iter()
                .filter_map(|id| at(id)?.range(..i).next_back())
                .max();
            let after = ids
                .iter()
                .filter_map(|id| at(id)?.range(i + 1..).next())
                .min();
            count_work(ids.len());
            let Some(&from) = before.or(after) else {
                continue;
            };
            let target = candidates[from].target.clone();
            if let Some(Target::Node(old)) = &candidates[i].target {
                if let Some(set) = naming.get_mut(&old.id) {
                    set.remove(&i);
                }
            }
            if let Some(Target::Node(new)) = &target {
                naming.entry(new.id.clone()).or_default().insert(i);
            }
            candidates[i].target = target;
        }
    }

    /// "Liquor Control Board of Ontario" -> "LCBO" (name stopwords skipped).
    pub(super) fn initials(&self, name: &str) -> String {
        name.split_whitespace()
            .filter(|w| {
                !self
                    .lexicon
                    .name_stopwords
                    .contains(word_lists::fold(w).as_ref())
            })
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect()
    }
}

/// The word in brackets right after token `i` ("(LCBO)"), its touching tokens joined.
pub(super) fn bracketed_after(doc: &Doc, i: usize) -> Option<String> {
    let open = doc
        .next_in_sentence(i)
        .filter(|&o| doc.tokens[o].text == "(")?;
    let mut inner = String::new();
    let mut p = open + 1;
    while p < doc.tokens.len() && doc.tokens[p].text != ")" {
        if p > open + 1 && !doc.touching(p - 1) {
            return None;
        }
        inner.push_str(&doc.tokens[p].text);
        p += 1;
    }
    (p < doc.tokens.len() && p > open + 1).then_some(inner)
}
