//! Turning a document's mentions into entities: typed, named, with aliases and stable ids.
//!
//! One node per real-world person, state or organisation however the text names it
//! (ANNOTATION.md). The rules are listed on [`Resolver`]; their word lists are data
//! (`data/resolve/`, see [`WordLists`]), as are the gazetteers (`data/gazetteer/`).

mod aliases;
mod assemble;
mod bodies;
mod choose;
mod classify;
mod context;
mod demonyms;
mod firms;
pub mod gazetteer;
mod ids;
mod names;
mod people;
mod people_steps;
mod pieces;
mod portfolios;
mod scan;
pub(crate) mod spans;
mod types;
pub mod word_lists;
mod words;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use std::ops::Range;

use crate::analysis::{Doc, Token};
use crate::ner::{self, Mention};
use crate::text::Span;
use assemble::assemble;
pub use demonyms::demonym_links;
use gazetteer::Country;
pub use gazetteer::{Gazetteer, GazetteerError};
pub use ids::slug;
use scan::state_node;
use spans::{count_work, CoveredBytes, DisjointSpans};
pub use types::{Entity, EntityType, Resolved};
pub use word_lists::WordLists;

/// The model's label families: [`ner::Label`]s, other spellings of the four classes
/// ("PERSON", "GPE", lower case) included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    Per,
    Org,
    Loc,
    Misc,
}

impl Label {
    fn of(label: &ner::Label) -> Self {
        match label {
            ner::Label::Per => Label::Per,
            ner::Label::Org => Label::Org,
            ner::Label::Loc => Label::Loc,
            ner::Label::Misc => Label::Misc,
            ner::Label::Other(other) => match other.to_ascii_uppercase().as_str() {
                "PER" | "PERSON" => Label::Per,
                "ORG" | "ORGANIZATION" | "ORGANISATION" => Label::Org,
                "LOC" | "LOCATION" | "GPE" => Label::Loc,
                _ => Label::Misc,
            },
        }
    }
}

/// The node a candidate names, decided by a rule or the gazetteer.
#[derive(Clone, Debug, PartialEq)]
struct NodeRef {
    id: String,
    name: String,
    kind: EntityType,
    country: Option<String>,
}

/// What a candidate becomes.
#[derive(Clone, Debug, PartialEq)]
enum Target {
    /// No node: a city as a place, a demonym, a title alone.
    Nothing,
    /// A person, to be grouped with the other person mentions of the document.
    Person,
    Node(NodeRef),
}

/// A stretch of text that may name an entity: a cleaned model mention, pieces of one
/// name the model split, or a match of a rule.
#[derive(Clone, Debug)]
struct Candidate {
    /// Where it is: a run of the analysed document's tokens (NER mentions come as token
    /// ranges from the analysis, and entities leave as them).
    tokens: Range<usize>,
    /// The byte span of `tokens`, kept beside them for the text it names.
    span: Span,
    label: Label,
    /// The model mentions it stands for.
    models: Vec<usize>,
    /// Made by a rule (a gazetteer or word-list match) rather than the model.
    rule: bool,
    /// A one-word person name that is also a title ("Major"): kept only if it joins a
    /// full name.
    title_only: bool,
    target: Option<Target>,
}

impl Candidate {
    /// One organisation made of a run of pieces, over `tokens` (the run's tokens, or fewer
    /// where a modifier is cut off), standing for every model mention of the run.
    fn joined_organisation(doc: &Doc, run: &[Candidate], tokens: Range<usize>) -> Self {
        let mut models: Vec<usize> = run.iter().flat_map(|p| p.models.clone()).collect();
        models.dedup();
        Candidate {
            span: doc.span_of(tokens.clone()),
            tokens,
            label: Label::Org,
            models,
            rule: false,
            title_only: false,
            target: None,
        }
    }

    fn model(doc: &Doc, tokens: Range<usize>, label: Label, index: usize) -> Self {
        Self {
            span: doc.span_of(tokens.clone()),
            tokens,
            label,
            models: vec![index],
            rule: false,
            title_only: false,
            target: None,
        }
    }

    fn rule(doc: &Doc, tokens: Range<usize>, node: NodeRef) -> Self {
        Self {
            span: doc.span_of(tokens.clone()),
            tokens,
            label: Label::Org,
            models: Vec::new(),
            rule: true,
            title_only: false,
            target: Some(Target::Node(node)),
        }
    }

    /// Moves it to `tokens`.
    fn place(&mut self, doc: &Doc, tokens: Range<usize>) {
        self.span = doc.span_of(tokens.clone());
        self.tokens = tokens;
    }
}

/// A gazetteer organisation name looked for in the document's tokens.
#[derive(Clone, Debug)]
struct ScanPattern {
    /// The name's tokens ([`crate::lexicon::phrase_tokens`]), apostrophes straightened.
    words: Vec<String>,
    organisation: usize,
    acronym: bool,
}

/// Curly apostrophes as straight ones, case kept: "Moody’s" finds "Moody's".
fn straight(s: &str) -> String {
    crate::lists::straighten(s)
}

/// Where `words` match from token `i` on, each word one token or several touching ones
/// (a mention boundary can split a token: "U.N" "."); `form` gives a token's form.
fn match_words(
    doc: &Doc,
    i: usize,
    words: &[String],
    form: impl Fn(&Token) -> String,
) -> Option<usize> {
    let mut p = i;
    for word in words {
        let mut joined = String::new();
        loop {
            let token = doc.tokens.get(p)?;
            if !joined.is_empty() && !doc.touching(p - 1) {
                return None;
            }
            joined.push_str(&form(token));
            p += 1;
            if joined == *word {
                break;
            }
            if !word.starts_with(joined.as_str()) {
                return None;
            }
        }
    }
    Some(p)
}

/// Model mentions scoring below this are too uncertain to make a node: with nine labels a
/// score this low means the model hesitated between several.
pub const DEFAULT_MIN_SCORE: f32 = 0.4;

/// The resolve stage: mentions of one document to entities.
///
/// Rules, in order:
/// 1. model mentions are cleaned (a line break ending a sentence splits them; quotes,
///    possessives, a leading "the", hyphenated modifiers ("Paris-based"), a title's words
///    ("U.S. *Trade* Representative"), and for people titles and roles are dropped; a body
///    named only inside a title is no candidate) and pieces of one organisation name the
///    model split are joined ("Manchester" + "United"), firm names across "and", commas
///    and person readings too ("Smith Barney, Harris Upham and Co", see `firms`); common
///    nouns run on after a name are cut ("BBC radio");
/// 2. rules add candidates the model missed or mistyped: gazetteer organisations found in
///    the text, and a state's organisations ("the Russian foreign ministry");
/// 3. overlapping candidates: the longer wins, and a rule wins over a model mention that
///    names nothing by itself (a LOC or MISC that is no country);
/// 4. a portfolio inside a title names nothing ("Minister of Finance", see `portfolios`);
///    each candidate is typed: an agency's sign-off and a bare ticker are nothing; the
///    organisation gazetteer first, then countries, capitals only when they stand for the
///    government, organisation words and legal forms over a person reading, the model's
///    label, the words around it; a ticker in brackets is the organisation before it, and
///    a run of capitals on the title line that the body never writes is nothing;
/// 5. acronyms join the name the text introduces them with ("... Ontario (LCBO)") or whose
///    initials they are; organisation short forms join the longer name ("the Fund"), and
///    generic short names the organisation the document names ("the Alliance" -> NATO);
/// 6. a surname the model typed as something else is the person ("Biden held" as ORG),
///    or with an eponym noun an organisation ("the Biden administration");
/// 7. people: short forms join the full name they are part of (see `people`); a person's
///    state comes from the words before the name ("Ukrainian President ...");
/// 8. a generic body ("the Finance Ministry", `generic_bodies.txt`) belongs to a state,
///    taken from the document (see `bodies`): its id is state-qualified
///    (`organisation:jp/finance-ministry`), or without a state it is left out and counted.
///
/// Entities come out in order of first mention; ids are `person:<slug>`, `state:<ISO>`,
/// `organisation:<gazetteer id or slug>` (the slug without legal forms: "General Motors
/// Corp" is `organisation:general-motors`), so the same entity gets the same id in every
/// document and the graph merges them.
pub struct Resolver {
    pub gazetteer: Gazetteer,
    pub lexicon: WordLists,
    /// Model mentions scoring below this are ignored ([`DEFAULT_MIN_SCORE`]).
    pub min_score: f32,
    patterns: Vec<ScanPattern>,
    /// First word of a pattern -> the patterns starting with it.
    scan_index: BTreeMap<String, Vec<usize>>,
    organisation_index: BTreeMap<String, usize>,
    /// The nouns a state's organisation is found by (`scan_state_organisations`): the
    /// organisation nouns and the generic bodies, longest first.
    state_nouns: Vec<word_lists::OrgNoun>,
}

impl Resolver {
    /// The resolver with the built-in word lists.
    pub fn new(gazetteer: Gazetteer) -> Self {
        Self::with_lexicon(gazetteer, WordLists::builtin())
    }

    pub fn with_lexicon(gazetteer: Gazetteer, lexicon: WordLists) -> Self {
        let mut patterns = Vec::new();
        for (i, org) in gazetteer.organisations.iter().enumerate() {
            for name in std::iter::once(&org.name).chain(&org.aliases) {
                if lexicon.scan_stoplist.contains(name)
                    || name.chars().count() < 2
                    || !words::has_upper(name)
                {
                    continue;
                }
                patterns.push(ScanPattern {
                    words: crate::lexicon::phrase_tokens(name)
                        .iter()
                        .map(|w| straight(w))
                        .collect(),
                    organisation: i,
                    acronym: words::is_acronym(name),
                });
            }
        }
        let mut scan_index: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, p) in patterns.iter().enumerate() {
            if let Some(first) = p.words.first() {
                scan_index.entry(first.clone()).or_default().push(i);
            }
        }
        let organisation_index = gazetteer
            .organisations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), i))
            .collect();
        let state_nouns = bodies::state_nouns(&lexicon);
        Self {
            gazetteer,
            lexicon,
            min_score: DEFAULT_MIN_SCORE,
            patterns,
            scan_index,
            organisation_index,
            state_nouns,
        }
    }

    /// The entities of one document, and the entity each mention became.
    ///
    /// `doc` is the document analysed with these mentions (`analysis::analyse`): every rule
    /// reads the words around a name from its tokens, within the name's sentence.
    pub fn resolve(&self, text: &str, doc: &Doc, mentions: &[Mention]) -> Resolved {
        self.resolve_dated(text, doc, mentions, None)
    }

    /// [`Resolver::resolve`] for a document with a dateline ("TOKYO, March 3", the
    /// `dateline` of Reuters-21578 meta): the dateline's place may give a generic body
    /// its state (step 8).
    pub fn resolve_dated(
        &self,
        text: &str,
        doc: &Doc,
        mentions: &[Mention],
        dateline: Option<&str>,
    ) -> Resolved {
        let pieces = self.pieces(text, doc, mentions);
        let candidates = self.join_split_names(text, doc, pieces);
        let mut candidates = self.join_firm_names(text, doc, candidates);
        self.without_common_tails(doc, &mut candidates);
        candidates.extend(self.scan_organisations(doc));
        candidates.extend(self.scan_state_organisations(text, doc));
        let mut candidates = self.choose(text, candidates);
        self.portfolios(text, doc, &mut candidates);
        for c in &mut candidates {
            if self.signs_off(text, c.span) {
                c.target = Some(Target::Nothing);
            }
            if c.target.is_none() {
                c.target = Some(self.classify(text, doc, c));
            }
        }
        self.tickers(text, &mut candidates);
        self.headline_fragments(text, doc, &mut candidates);
        let defined = self.acronyms(text, doc, &mut candidates);
        self.organisation_short_forms(text, &mut candidates);
        self.short_names(text, &mut candidates);
        self.surnames_typed_otherwise(text, doc, &mut candidates);
        self.people(text, doc, &mut candidates);
        let without_state = self.generic_bodies(text, doc, dateline, &mut candidates);
        let mut resolved = assemble(text, mentions.len(), &candidates);
        resolved.generic_bodies_without_state = without_state;
        resolved.acronyms = self.acronym_definitions(&defined, &candidates);
        resolved.demonyms = self.demonym_links(doc, &resolved);
        resolved
    }
}

#[cfg(test)]
mod tests;
