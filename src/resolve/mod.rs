//! Turning a document's mentions into entities: typed, named, with aliases and stable ids.
//!
//! One node per real-world person, state or organisation however the text names it
//! (ANNOTATION.md). The rules are listed on [`Resolver`]; their word lists are data
//! (`data/resolve/`, see [`WordLists`]), as are the gazetteers (`data/gazetteer/`).

mod context;
pub mod gazetteer;
pub mod lexicon;
mod names;
mod people;
pub(crate) mod spans;
mod words;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use std::ops::Range;

use crate::analysis::{Doc, Token};
use crate::ner::{self, Mention};
use crate::text::Span;
use gazetteer::Country;
pub use gazetteer::{Gazetteer, GazetteerError};
pub use lexicon::WordLists;
use spans::{count_work, CoveredBytes, DisjointSpans};

/// The node types of ANNOTATION.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    Person,
    State,
    Organisation,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "person",
            EntityType::State => "state",
            EntityType::Organisation => "organisation",
        }
    }
}

/// One real-world entity as named in one document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entity {
    /// Stable, readable id: `person:vladimir-putin`, `state:RU`, `organisation:nato`.
    pub id: String,
    pub name: String,
    pub kind: EntityType,
    /// Surface forms seen, as written.
    pub aliases: BTreeSet<String>,
    /// Spans of the mentions that name it.
    pub mentions: Vec<Span>,
    /// ISO code of the state it is (for states) or belongs to.
    pub country: Option<String>,
}

/// The entities of one document, and for each model mention the entity it
/// became (None: not a node, such as a city as a place).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resolved {
    pub entities: Vec<Entity>,
    pub mention_entity: Vec<Option<usize>>,
}

/// Lower-case ASCII slug for readable ids ("Vladimir Putin" -> "vladimir-putin").
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(fold_diacritic) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() && !matches!(c, '\'' | '’' | '.') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        // Names in scripts without an ASCII folding keep a stable, readable-enough id.
        out = name
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
    }
    out
}

fn fold_diacritic(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'ą' => "a",
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' | 'Ā' | 'Ą' => "A",
        'ç' | 'ć' | 'č' => "c",
        'Ç' | 'Ć' | 'Č' => "C",
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'É' | 'È' | 'Ê' | 'Ë' | 'Ē' | 'Ę' | 'Ě' => "E",
        'í' | 'ì' | 'î' | 'ï' | 'ī' => "i",
        'Í' | 'Ì' | 'Î' | 'Ï' | 'Ī' => "I",
        'ł' => "l",
        'Ł' => "L",
        'ñ' | 'ń' | 'ň' => "n",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' | 'ő' => "o",
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' | 'Ō' | 'Ő' => "O",
        'ś' | 'š' | 'ş' => "s",
        'Ś' | 'Š' | 'Ş' => "S",
        'ß' => "ss",
        'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'Ú' | 'Ù' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' => "Y",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        _ => "",
    };
    let single = if folded.is_empty() { Some(c) } else { None };
    folded.chars().chain(single)
}

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
    fn model(span: Span, label: Label, index: usize) -> Self {
        Self {
            span,
            label,
            models: vec![index],
            rule: false,
            title_only: false,
            target: None,
        }
    }

    fn rule(span: Span, node: NodeRef) -> Self {
        Self {
            span,
            label: Label::Org,
            models: Vec::new(),
            rule: true,
            title_only: false,
            target: Some(Target::Node(node)),
        }
    }
}

/// A gazetteer organisation name looked for in the document's tokens.
#[derive(Clone, Debug)]
struct ScanPattern {
    /// The name's tokens ([`lexicon::phrase_tokens`]), apostrophes straightened.
    words: Vec<String>,
    organisation: usize,
    acronym: bool,
}

/// Curly apostrophes as straight ones, case kept: "Moody’s" finds "Moody's".
fn straight(s: &str) -> String {
    s.replace('’', "'")
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
///    possessives, a leading "the", and for people titles and roles are dropped) and
///    pieces of one organisation name the model split are joined ("Manchester" + "United");
/// 2. rules add candidates the model missed or mistyped: gazetteer organisations found in
///    the text, and a state's organisations ("the Russian foreign ministry");
/// 3. overlapping candidates: the longer wins, and a rule wins over a model mention that
///    names nothing by itself (a LOC or MISC that is no country);
/// 4. each candidate is typed: the organisation gazetteer first, then countries, capitals
///    only when they stand for the government, the model's label, the words around it;
/// 5. acronyms join the name the text introduces them with ("... Ontario (LCBO)") or whose
///    initials they are; organisation short forms join the longer name ("the Fund"), and
///    generic short names the organisation the document names ("the Alliance" -> NATO);
/// 6. a surname the model typed as something else is the person ("Biden held" as ORG),
///    or with an eponym noun an organisation ("the Biden administration");
/// 7. people: short forms join the full name they are part of (see `people`); a person's
///    state comes from the words before the name ("Ukrainian President ...").
///
/// Entities come out in order of first mention; ids are `person:<slug>`, `state:<ISO>`,
/// `organisation:<gazetteer id or slug>`, so the same entity gets the same id in every
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
                    words: lexicon::phrase_tokens(name)
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
        Self {
            gazetteer,
            lexicon,
            min_score: DEFAULT_MIN_SCORE,
            patterns,
            scan_index,
            organisation_index,
        }
    }

    /// The entities of one document, and the entity each mention became.
    ///
    /// `doc` is the document analysed with these mentions (`analysis::analyse`): every rule
    /// reads the words around a name from its tokens, within the name's sentence.
    pub fn resolve(&self, text: &str, doc: &Doc, mentions: &[Mention]) -> Resolved {
        let pieces = self.pieces(text, doc, mentions);
        let mut candidates = self.join_split_names(text, doc, pieces);
        candidates.extend(self.scan_organisations(doc));
        candidates.extend(self.scan_state_organisations(text, doc));
        let mut candidates = self.choose(text, candidates);
        for c in &mut candidates {
            if c.target.is_none() {
                c.target = Some(self.classify(text, doc, c));
            }
        }
        self.acronyms(text, doc, &mut candidates);
        self.organisation_short_forms(text, &mut candidates);
        self.short_names(text, &mut candidates);
        self.surnames_typed_otherwise(text, doc, &mut candidates);
        self.people(text, doc, &mut candidates);
        assemble(text, mentions.len(), &candidates)
    }

    /// Model mentions cleaned into candidates, in text order.
    fn pieces(&self, text: &str, doc: &Doc, mentions: &[Mention]) -> Vec<Candidate> {
        let mut out = Vec::new();
        for m in &doc.mentions {
            let index = m.index;
            if mentions[index].score < self.min_score {
                continue;
            }
            let label = Label::of(&m.label);
            for line in lines(text, doc, m.tokens.clone()) {
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
                let span = doc.span_of(tokens.clone());
                let surface = words::surface(text, span);
                if !words::has_upper(&surface) {
                    if self.lexicon.connectors.contains(&surface) {
                        out.push(Candidate::model(span, label, index));
                    }
                    continue;
                }
                if label != Label::Per {
                    if let Some(parts) = self.split_compound(text, doc, tokens) {
                        for part in parts {
                            out.push(Candidate::model(doc.span_of(part), label, index));
                        }
                        continue;
                    }
                }
                let mut c = Candidate::model(span, label, index);
                c.title_only = title_only;
                out.push(c);
            }
        }
        out.sort_by_key(|c| (c.span.start, c.span.end));
        out
    }

    /// Parts of a mention that joins names the gazetteer knows: "Russia-Ukraine"
    /// (countries), "Apple and Shell" (organisations or countries). None when the whole
    /// is one name ("Bosnia and Herzegovina") or a part is unknown.
    fn split_compound(
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

    fn is_connector(&self, text: &str, c: &Candidate) -> bool {
        !words::has_upper(&words::surface(text, c.span))
    }

    /// Joins neighbouring pieces of one organisation name the model split
    /// ("Manchester"/LOC + "United"/ORG, "University" + "of" + "New Haven"): touching
    /// pieces, at least one ORG, no person; connectors only inside, and no MISC piece last.
    fn join_split_names(&self, text: &str, doc: &Doc, pieces: Vec<Candidate>) -> Vec<Candidate> {
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
                let mut models: Vec<usize> = run.iter().flat_map(|p| p.models.clone()).collect();
                models.dedup();
                out.push(Candidate {
                    span: Span::new(run[0].span.start, run[run.len() - 1].span.end),
                    label: Label::Org,
                    models,
                    rule: false,
                    title_only: false,
                    target: None,
                });
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
    fn touching(&self, doc: &Doc, a: &Candidate, b: &Candidate) -> bool {
        if b.span.start < a.span.end {
            return false;
        }
        let last = doc.tokens_in(a.span).end - 1;
        let first = doc.tokens_in(b.span).start;
        if doc.tokens[last].sentence != doc.tokens[first].sentence {
            return false;
        }
        first == last + 1
            || (first == last + 2
                && !doc.touching(last)
                && !doc.touching(last + 1)
                && self.lexicon.connectors.contains(&doc.tokens[last + 1].text))
    }

    fn organisation_node(&self, index: usize) -> NodeRef {
        let org = &self.gazetteer.organisations[index];
        NodeRef {
            id: format!("organisation:{}", org.id),
            name: org.name.clone(),
            kind: EntityType::Organisation,
            country: org.country.clone(),
        }
    }

    fn gazetteer_organisation(&self, name: &str) -> Option<NodeRef> {
        let g = &self.gazetteer;
        let org = g.organisation(name).or_else(|| {
            name.contains('.')
                .then(|| g.organisation(&words::undotted(name)))?
        })?;
        Some(self.organisation_node(self.organisation_index[&org.id]))
    }

    fn country(&self, name: &str) -> Option<&Country> {
        let g = &self.gazetteer;
        g.country(name).or_else(|| {
            name.contains('.')
                .then(|| g.country(&words::undotted(name)))?
        })
    }

    /// Gazetteer organisations anywhere in the document, case-sensitive, as whole words;
    /// acronyms not inside capitalised headlines.
    fn scan_organisations(&self, doc: &Doc) -> Vec<Candidate> {
        let straight_form = |t: &Token| straight(&t.text);
        let mut out = Vec::new();
        for (i, token) in doc.tokens.iter().enumerate() {
            if !words::starts_word(doc, i) {
                continue;
            }
            // A token split off by a mention boundary may begin a longer name's first word.
            let first = straight(&token.text);
            let keys: Vec<&Vec<usize>> = if doc.touching(i) {
                self.scan_index
                    .range(first.clone()..)
                    .take_while(|(k, _)| k.starts_with(first.as_str()))
                    .map(|(_, v)| v)
                    .collect()
            } else {
                self.scan_index.get(&first).into_iter().collect()
            };
            for &p in keys.into_iter().flatten() {
                let pattern = &self.patterns[p];
                let Some(end) = match_words(doc, i, &pattern.words, straight_form) else {
                    continue;
                };
                if !words::ends_word(doc, end - 1)
                    || (pattern.acronym && self.in_shouted_line(doc, i..end))
                {
                    continue;
                }
                out.push(Candidate::rule(
                    doc.span_of(i..end),
                    self.organisation_node(pattern.organisation),
                ));
            }
        }
        out
    }

    /// Whether the word before or after `tokens` is a shouted one (a capitalised headline).
    fn in_shouted_line(&self, doc: &Doc, tokens: Range<usize>) -> bool {
        let shouted = |t: Option<usize>| {
            t.is_some_and(|t| {
                let w = &doc.tokens[t].text;
                w.chars().filter(|c| c.is_alphabetic()).count() >= 4 && words::is_shouted(w)
            })
        };
        shouted(doc.prev_in_sentence(tokens.start)) || shouted(doc.next_in_sentence(tokens.end - 1))
    }

    /// A state's organisations: a demonym, a country name or a country's possessive before
    /// an organisation noun ("the Russian foreign ministry", "Ukraine's defense ministry").
    fn scan_state_organisations(&self, text: &str, doc: &Doc) -> Vec<Candidate> {
        let lower_form = |t: &Token| t.lower.clone();
        // The bytes of the names found so far (made at the first one).
        let mut taken: Option<CoveredBytes> = None;
        let mut out = Vec::new();
        for noun in &self.lexicon.organisation_nouns {
            for i in 0..doc.tokens.len() {
                if noun.words.first() != Some(&doc.tokens[i].lower) || !words::starts_word(doc, i) {
                    continue;
                }
                let Some(end) = match_words(doc, i, &noun.words, lower_form) else {
                    continue;
                };
                let span = doc.span_of(i..end);
                if !words::ends_word(doc, end - 1)
                    || taken.as_ref().is_some_and(|t| t.overlaps(span))
                {
                    continue;
                }
                let Some((owner, country)) = self.owner_before(text, doc, i) else {
                    continue;
                };
                let whole = Span::new(owner.start, span.end);
                taken
                    .get_or_insert_with(|| CoveredBytes::new(text.len()))
                    .insert(whole);
                let node = self.state_organisation(text, whole, country, &noun.canonical);
                out.push(Candidate::rule(whole, node));
            }
        }
        out
    }

    /// The demonym, country name or country's possessive right before token `i`, if any.
    fn owner_before(&self, text: &str, doc: &Doc, i: usize) -> Option<(Span, &Country)> {
        let g = &self.gazetteer;
        let before = words::words_before(doc, i, 3);
        if let Some(word) = before.last() {
            for suffix in ["'s", "’s"] {
                if let Some(owner) = word.text.strip_suffix(suffix) {
                    if owner.starts_with(char::is_uppercase) {
                        return self
                            .country(owner)
                            .or_else(|| g.country_by_capital(owner))
                            .map(|c| (word.span, c));
                    }
                }
            }
        }
        for k in (1..=before.len()).rev() {
            let span = Span::new(
                before[before.len() - k].span.start,
                before[before.len() - 1].span.end,
            );
            let owner = words::surface(text, span);
            let first = owner.split_whitespace().next().unwrap_or_default();
            if !owner.starts_with(char::is_uppercase) || first.eq_ignore_ascii_case("the") {
                continue;
            }
            if let Some(c) = g
                .country_by_demonym(&owner)
                .or_else(|| self.country(&owner))
            {
                return Some((span, c));
            }
        }
        None
    }

    fn state_organisation(
        &self,
        text: &str,
        span: Span,
        country: &Country,
        canonical: &str,
    ) -> NodeRef {
        let adjective = country.demonyms.first().unwrap_or(&country.name);
        let mut tries = vec![words::surface(text, span)];
        for d in &country.demonyms {
            tries.push(format!("{d} {canonical}"));
        }
        tries.push(format!("{} {canonical}", country.name));
        if let Some(node) = tries.iter().find_map(|t| self.gazetteer_organisation(t)) {
            return node;
        }
        let name = format!("{adjective} {canonical}");
        NodeRef {
            id: format!("organisation:{}", slug(&name)),
            name,
            kind: EntityType::Organisation,
            country: Some(country.code.clone()),
        }
    }

    /// Whether a model mention names something by itself; rules win over those that do not.
    fn names_something(&self, text: &str, c: &Candidate) -> bool {
        if c.rule || matches!(c.label, Label::Per | Label::Org) {
            return true;
        }
        let surface = &words::surface(text, c.span);
        self.country(surface).is_some()
            || self.gazetteer.country_by_capital(surface).is_some()
            || self.gazetteer_organisation(surface).is_some()
    }

    /// Resolves overlaps: candidates that name something first, then longer, then rules.
    /// The model mentions of a losing candidate go to the winner that covers it.
    fn choose(&self, text: &str, candidates: Vec<Candidate>) -> Vec<Candidate> {
        let mut order: Vec<(bool, usize, bool, usize, Candidate)> = candidates
            .into_iter()
            .map(|c| {
                (
                    self.names_something(text, &c),
                    c.span.len(),
                    c.rule,
                    c.span.start,
                    c,
                )
            })
            .collect();
        order.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(b.1.cmp(&a.1))
                .then(b.2.cmp(&a.2))
                .then(a.3.cmp(&b.3))
        });
        let mut chosen: Vec<Candidate> = Vec::new();
        // The chosen spans never overlap: the winner of a candidate is the first chosen
        // of those its span overlaps, found without looking at the others.
        let mut kept: DisjointSpans<usize> = DisjointSpans::default();
        for (_, _, _, _, c) in order {
            match kept.overlapping(c.span).min() {
                Some(&w) => {
                    let winner = &mut chosen[w];
                    for m in c.models {
                        if !winner.models.contains(&m) {
                            winner.models.push(m);
                        }
                    }
                }
                None => {
                    kept.insert(c.span, chosen.len());
                    chosen.push(c);
                }
            }
        }
        chosen.sort_by_key(|c| (c.span.start, c.span.end));
        chosen
    }

    /// What a candidate the rules did not decide becomes.
    fn classify(&self, text: &str, doc: &Doc, c: &Candidate) -> Target {
        let surface = &words::surface(text, c.span);
        let lex = &self.lexicon;
        let tokens = doc.tokens_in(c.span);
        let described = context::described_as_organisation(doc, tokens.clone(), lex);
        if c.label == Label::Per {
            if described {
                return Target::Node(self.named_organisation(surface));
            }
            if surface.contains(' ') {
                if let Some(node) = self.gazetteer_organisation(surface) {
                    return Target::Node(node);
                }
            }
            return Target::Person;
        }
        if let Some(node) = self.gazetteer_organisation(surface) {
            return Target::Node(node);
        }
        if let Some(country) = self.country(surface) {
            return Target::Node(state_node(country));
        }
        if let Some(country) = self.gazetteer.country_by_capital(surface) {
            return if context::capital_governs(doc, tokens.clone(), lex) {
                Target::Node(state_node(country))
            } else {
                Target::Nothing
            };
        }
        let demonym = self.gazetteer.country_by_demonym(surface).is_some();
        // An actor the model called MISC ("Eurovision banned Russia"); not a group of
        // people ("Christians say"), nor a capitalised word on a headline.
        let plural = surface.ends_with('s') && !words::is_acronym(surface);
        let acting = c.label == Label::Misc
            && !demonym
            && !plural
            && !context::in_headline(doc, tokens.clone())
            && context::acts(doc, tokens, lex);
        if c.label == Label::Org || (described && !demonym) || acting {
            return Target::Node(self.named_organisation(surface));
        }
        Target::Nothing
    }

    fn named_organisation(&self, name: &str) -> NodeRef {
        NodeRef {
            id: format!("organisation:{}", slug(name)),
            name: name.to_string(),
            kind: EntityType::Organisation,
            country: None,
        }
    }

    /// Acronyms: one the text introduces ("the Liquor Control Board of Ontario (LCBO)")
    /// names that organisation wherever it appears in the document; an acronym that is
    /// no gazetteer name joins the organisation of the document whose initials it is.
    fn acronyms(&self, text: &str, doc: &Doc, candidates: &mut Vec<Candidate>) {
        let mut introduced: BTreeMap<String, NodeRef> = BTreeMap::new();
        for c in candidates.iter() {
            let Some(Target::Node(node)) = &c.target else {
                continue;
            };
            if node.kind != EntityType::Organisation {
                continue;
            }
            let Some(inner) = bracketed_after(doc, doc.tokens_in(c.span).end - 1) else {
                continue;
            };
            let inner = inner.as_str();
            let surface = &words::surface(text, c.span);
            if words::is_acronym(inner) && words::undotted(inner) != words::undotted(surface) {
                introduced
                    .entry(words::undotted(inner))
                    .or_insert_with(|| node.clone());
            }
        }
        if !introduced.is_empty() {
            self.introduced_acronyms(text, doc, &introduced, candidates);
        }
        candidates.sort_by_key(|c| (c.span.start, c.span.end));

        // Initials of the organisations named in full in the document.
        let mut by_initials: BTreeMap<String, BTreeMap<String, NodeRef>> = BTreeMap::new();
        for c in candidates.iter() {
            if let Some(Target::Node(node)) = &c.target {
                let surface = &words::surface(text, c.span);
                if node.kind == EntityType::Organisation && surface.contains(' ') {
                    by_initials
                        .entry(self.initials(surface))
                        .or_default()
                        .insert(node.id.clone(), node.clone());
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
                    let node = nodes.values().next().expect("one node").clone();
                    c.target = Some(Target::Node(node));
                }
            }
        }
    }

    /// Every candidate an introduced acronym names, and every other whole-word occurrence
    /// of one that overlaps no candidate, becomes that acronym's organisation. Acronyms
    /// in order; an occurrence overlapping one an earlier acronym found is left out.
    fn introduced_acronyms(
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
                let new = Candidate::rule(doc.span_of(i..end), node.clone());
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
    fn organisation_short_forms(&self, text: &str, candidates: &mut [Candidate]) {
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
            if movable && rep != i {
                candidates[i].target = candidates[rep].target.clone();
            }
        }
    }

    /// Generic short names ("the Alliance") join the organisation they stand for when the
    /// document names it (data/resolve/short_names.tsv): the nearest before, else after.
    fn short_names(&self, text: &str, candidates: &mut [Candidate]) {
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

    /// A one-word mention the model typed as something else that is a word of a person's
    /// full name in the document is that person ("Biden held talks" tagged ORG); followed
    /// by an eponym noun, it (with the noun) is an organisation ("the Biden administration",
    /// whether or not the person is named). Not when it names a place, a nationality or a
    /// known organisation.
    fn surnames_typed_otherwise(&self, text: &str, doc: &Doc, candidates: &mut [Candidate]) {
        let full_names: BTreeSet<String> = candidates
            .iter()
            .filter(|c| c.target == Some(Target::Person))
            .map(|c| people::name_key(&words::surface(text, c.span)))
            .filter(|words| words.len() >= 2)
            .flatten()
            .collect();
        for c in candidates.iter_mut() {
            let surface = &words::surface(text, c.span);
            let open = match &c.target {
                Some(Target::Nothing) => true,
                Some(Target::Node(n)) => n.id == self.named_organisation(surface).id,
                _ => false,
            };
            if !open
                || c.rule
                || c.label == Label::Per
                || surface.contains(char::is_whitespace)
                || !surface.starts_with(char::is_uppercase)
                || words::is_acronym(surface)
                || self.gazetteer_organisation(surface).is_some()
                || self.country(surface).is_some()
                || self.gazetteer.country_by_capital(surface).is_some()
                || self.gazetteer.country_by_demonym(surface).is_some()
            {
                continue;
            }
            let eponym = doc
                .next_in_sentence(doc.tokens_in(c.span).end - 1)
                .map(|t| &doc.tokens[t])
                .filter(|t| {
                    t.text.starts_with(char::is_lowercase)
                        && self
                            .lexicon
                            .eponym_nouns
                            .contains(lexicon::fold(&t.text).as_ref())
                });
            let key = people::name_key(surface);
            if let Some(noun) = eponym {
                c.span = Span::new(c.span.start, noun.span.end);
                let name = &words::surface(text, c.span);
                c.target = Some(Target::Node(self.named_organisation(name)));
            } else if key.len() == 1 && full_names.contains(&key[0]) {
                c.target = Some(Target::Person);
            }
        }
    }

    /// "Liquor Control Board of Ontario" -> "LCBO" (name stopwords skipped).
    fn initials(&self, name: &str) -> String {
        name.split_whitespace()
            .filter(|w| {
                !self
                    .lexicon
                    .name_stopwords
                    .contains(lexicon::fold(w).as_ref())
            })
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect()
    }

    /// Groups person candidates into people (see `people`). A lone one-word name that
    /// joins nobody and is a gazetteer organisation, a country or an acting capital
    /// becomes that instead ("Gazprom" tagged PER).
    fn people(&self, text: &str, doc: &Doc, candidates: &mut [Candidate]) {
        let indices: Vec<usize> = candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.target == Some(Target::Person))
            .map(|(i, _)| i)
            .collect();
        let mentions: Vec<people::PersonMention> = indices
            .iter()
            .map(|&i| {
                let c = &candidates[i];
                people::PersonMention {
                    words: people::name_key(&words::surface(text, c.span)),
                    start: c.span.start,
                }
            })
            .collect();
        let clusters = people::cluster(&mentions);
        for (k, &i) in indices.iter().enumerate() {
            let rep = clusters[k];
            let span = candidates[i].span;
            let c = &candidates[indices[rep]];
            let name = words::surface(text, c.span);
            if c.title_only {
                // The cluster's name is a title alone ("President"): no person.
                candidates[i].target = Some(Target::Nothing);
                continue;
            }
            if mentions[rep].words.len() == 1 {
                if let Some(target) = self.lone_word(doc, span, &name) {
                    candidates[i].target = Some(target);
                    continue;
                }
            }
            let country = self.person_country(doc, span);
            candidates[i].target = Some(Target::Node(NodeRef {
                id: format!("person:{}", slug(&name)),
                name,
                kind: EntityType::Person,
                country,
            }));
        }
    }

    /// The state a person serves, from the words before the name: a demonym or a
    /// country's possessive before a title ("Ukrainian President Volodymyr Zelenskyy",
    /// "Russia's Foreign Minister Sergey Lavrov"), or a country's possessive before the
    /// name ("Germany's Olaf Scholz").
    fn person_country(&self, doc: &Doc, span: Span) -> Option<String> {
        let words = words::words_before(doc, doc.tokens_in(span).start, 6);
        let before: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        let mut end = before.len();
        while let Some(len) = self.lexicon.titles.longest_suffix(&before[..end]) {
            end -= len;
        }
        if end == 0 {
            return None;
        }
        let owner = before[end - 1];
        let possessive = owner.ends_with("'s") || owner.ends_with("’s");
        if end == before.len() && !possessive {
            return None;
        }
        let owner = owner
            .strip_suffix("'s")
            .or_else(|| owner.strip_suffix("’s"))
            .unwrap_or(owner);
        if !owner.starts_with(char::is_uppercase) {
            return None;
        }
        let g = &self.gazetteer;
        g.country_by_demonym(owner)
            .or_else(|| self.country(owner))
            .map(|c| c.code.clone())
    }

    /// A one-word person name that joins nobody but is a gazetteer organisation, a country
    /// or a capital ("Gazprom", "WASHINGTON" in a dateline) is that instead.
    fn lone_word(&self, doc: &Doc, span: Span, name: &str) -> Option<Target> {
        if let Some(node) = self.gazetteer_organisation(name) {
            return Some(Target::Node(node));
        }
        if let Some(country) = self.country(name) {
            return Some(Target::Node(state_node(country)));
        }
        let country = self.gazetteer.country_by_capital(name)?;
        Some(
            if context::capital_governs(doc, doc.tokens_in(span), &self.lexicon) {
                Target::Node(state_node(country))
            } else {
                Target::Nothing
            },
        )
    }
}

/// A mention's tokens cut at a line break that ends a sentence inside it ("Putin\nWASHINGTON"):
/// the splitter ended a sentence there (the analysis joined the two sentences only because
/// the mention crossed the break) and the words show it: a final mark before the break, or
/// a shouted word on one side only (a dateline). A wrapped name ("Olaf\nScholz", "L.K.\nEvans")
/// stays whole, whatever the splitter made of the line's length.
fn lines(text: &str, doc: &Doc, tokens: Range<usize>) -> Vec<Range<usize>> {
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

/// The word in brackets right after token `i` ("(LCBO)"), its touching tokens joined.
fn bracketed_after(doc: &Doc, i: usize) -> Option<String> {
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

fn state_node(country: &Country) -> NodeRef {
    NodeRef {
        id: format!("state:{}", country.code),
        name: country.name.clone(),
        kind: EntityType::State,
        country: Some(country.code.clone()),
    }
}

/// Entities in order of first mention; each model mention to the entity of the first
/// candidate that stands for it.
fn assemble(text: &str, mention_count: usize, candidates: &[Candidate]) -> Resolved {
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    let mut resolved = Resolved {
        entities: Vec::new(),
        mention_entity: vec![None; mention_count],
    };
    for c in candidates {
        let Some(Target::Node(node)) = &c.target else {
            continue;
        };
        let index = *by_id.entry(node.id.clone()).or_insert_with(|| {
            resolved.entities.push(Entity {
                id: node.id.clone(),
                name: node.name.clone(),
                kind: node.kind,
                aliases: BTreeSet::new(),
                mentions: Vec::new(),
                country: node.country.clone(),
            });
            resolved.entities.len() - 1
        });
        let entity = &mut resolved.entities[index];
        entity.aliases.insert(words::surface(text, c.span));
        entity.mentions.push(c.span);
        if entity.country.is_none() {
            entity.country = node.country.clone();
        }
        for &m in &c.models {
            if resolved.mention_entity[m].is_none() {
                resolved.mention_entity[m] = Some(index);
            }
        }
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mention of the `nth` (0-based) occurrence of `needle`.
    fn nth(text: &str, needle: &str, n: usize, label: &str) -> Mention {
        let start = text
            .match_indices(needle)
            .nth(n)
            .unwrap_or_else(|| panic!("{needle} #{n} in {text}"))
            .0;
        Mention {
            span: Span::new(start, start + needle.len()),
            label: label.into(),
            score: 0.9,
        }
    }

    fn m(text: &str, needle: &str, label: &str) -> Mention {
        nth(text, needle, 0, label)
    }

    fn resolve(text: &str, mentions: &[Mention]) -> Resolved {
        let doc = crate::analysis::analyse(text, mentions, None).expect("mentions fit the text");
        Resolver::new(Gazetteer::builtin()).resolve(text, &doc, mentions)
    }

    fn ids(r: &Resolved) -> Vec<&str> {
        r.entities.iter().map(|e| e.id.as_str()).collect()
    }

    fn entity<'a>(r: &'a Resolved, id: &str) -> &'a Entity {
        r.entities
            .iter()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("no {id} in {:?}", ids(r)))
    }

    fn aliases(r: &Resolved, id: &str) -> Vec<String> {
        entity(r, id).aliases.iter().cloned().collect()
    }

    #[test]
    fn slugs_are_readable_ascii() {
        assert_eq!(slug("Vladimir Putin"), "vladimir-putin");
        assert_eq!(slug("Volodymyr Zelenskyy"), "volodymyr-zelenskyy");
        assert_eq!(slug("Łukasz Müller-Ödegård"), "lukasz-muller-odegard");
        assert_eq!(slug("O'Brien"), "obrien");
        assert_eq!(slug("U.S. Treasury"), "us-treasury");
    }

    #[test]
    fn titles_roles_possessives_are_stripped_and_pope_keeps_his() {
        let text = "President Joe Biden met Russian President Vladimir Putin. \
                    Foreign Minister Sergey Lavrov and Pope Francis spoke. Russia's Putin left.";
        let r = resolve(
            text,
            &[
                m(text, "President Joe Biden", "PER"),
                m(text, "Russian President Vladimir Putin", "PER"),
                m(text, "Foreign Minister Sergey Lavrov", "PER"),
                m(text, "Pope Francis", "PER"),
                m(text, "Russia's Putin", "PER"),
            ],
        );
        assert_eq!(
            ids(&r),
            vec![
                "person:joe-biden",
                "person:vladimir-putin",
                "person:sergey-lavrov",
                "person:pope-francis"
            ]
        );
        assert_eq!(
            aliases(&r, "person:vladimir-putin"),
            ["Putin", "Vladimir Putin"]
        );
        // Spans name the person, without the title.
        let putin = entity(&r, "person:vladimir-putin");
        let names: Vec<&str> = putin
            .mentions
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(names, ["Vladimir Putin", "Putin"]);
        assert_eq!(
            r.mention_entity,
            vec![Some(0), Some(1), Some(2), Some(3), Some(1)]
        );
    }

    #[test]
    fn words_before_a_name_give_the_state_a_person_serves() {
        let text = "Ukrainian President Volodymyr Zelenskyy met Russia's Foreign Minister \
                    Sergey Lavrov, Germany's Olaf Scholz and Jen Psaki.";
        let r = resolve(
            text,
            &[
                m(text, "Volodymyr Zelenskyy", "PER"),
                m(text, "Foreign Minister Sergey Lavrov", "PER"),
                m(text, "Olaf Scholz", "PER"),
                m(text, "Jen Psaki", "PER"),
            ],
        );
        let countries: Vec<Option<&str>> =
            r.entities.iter().map(|e| e.country.as_deref()).collect();
        assert_eq!(countries, [Some("UA"), Some("RU"), Some("DE"), None]);
    }

    #[test]
    fn surnames_join_the_full_name_in_the_same_document() {
        let text = "Putin spoke. Later Vladimir Putin left. Zelenskyy stayed.";
        let r = resolve(
            text,
            &[
                m(text, "Putin", "PER"),
                m(text, "Vladimir Putin", "PER"),
                m(text, "Zelenskyy", "PER"),
            ],
        );
        assert_eq!(ids(&r), vec!["person:vladimir-putin", "person:zelenskyy"]);
        assert_eq!(entity(&r, "person:vladimir-putin").mentions.len(), 2);
        assert_eq!(entity(&r, "person:vladimir-putin").name, "Vladimir Putin");
    }

    #[test]
    fn people_sharing_a_surname_stay_apart() {
        let text = "Joe Biden spoke. Biden left. Hunter Biden arrived. Biden smiled.";
        let r = resolve(
            text,
            &[
                m(text, "Joe Biden", "PER"),
                nth(text, "Biden", 1, "PER"),
                m(text, "Hunter Biden", "PER"),
                nth(text, "Biden", 3, "PER"),
            ],
        );
        assert_eq!(ids(&r), vec!["person:joe-biden", "person:hunter-biden"]);
        assert_eq!(r.mention_entity, vec![Some(0), Some(0), Some(1), Some(1)]);
    }

    #[test]
    fn surnames_that_are_titles_join_their_full_name() {
        let text = "John Major spoke. Major said no. The President said yes.";
        let r = resolve(
            text,
            &[
                m(text, "John Major", "PER"),
                nth(text, "Major", 1, "PER"),
                m(text, "President", "PER"),
            ],
        );
        assert_eq!(ids(&r), vec!["person:john-major"]);
        assert_eq!(r.mention_entity, vec![Some(0), Some(0), None]);
    }

    #[test]
    fn coordinated_names_in_one_mention_are_split() {
        let text = "Apple and Shell left Russia. Bosnia and Herzegovina voted.";
        let r = resolve(
            text,
            &[
                m(text, "Apple and Shell", "ORG"),
                m(text, "Bosnia and Herzegovina", "LOC"),
            ],
        );
        assert_eq!(
            ids(&r),
            vec!["organisation:apple", "organisation:shell", "state:BA"]
        );
        assert_eq!(r.mention_entity, vec![Some(0), Some(2)]);
    }

    #[test]
    fn abbreviations_and_acronyms_merge() {
        let text = "The U.S. and the US and the United States. The EU and the European Union. \
                    The UN, the U.N. and the United Nations.";
        let r = resolve(
            text,
            &[
                m(text, "U.S.", "LOC"),
                m(text, "US", "LOC"),
                m(text, "United States", "LOC"),
                m(text, "EU", "ORG"),
                m(text, "UN", "ORG"),
                m(text, "U.N.", "ORG"),
            ],
        );
        assert_eq!(
            ids(&r),
            vec![
                "state:US",
                "organisation:european-union",
                "organisation:united-nations"
            ]
        );
        assert_eq!(aliases(&r, "state:US"), ["U.S.", "US", "United States"]);
        // The gazetteer finds the names the model missed.
        assert_eq!(
            aliases(&r, "organisation:european-union"),
            ["EU", "European Union"]
        );
        assert_eq!(
            aliases(&r, "organisation:united-nations"),
            ["U.N.", "UN", "United Nations"]
        );
    }

    #[test]
    fn acronyms_the_text_introduces_join_their_name() {
        let text = "Sales at the Liquor Control Board of Ontario (LCBO) fell. \
                    The LCBO said it would act.";
        let r = resolve(
            text,
            &[
                m(text, "Liquor Control Board of Ontario", "ORG"),
                nth(text, "LCBO", 1, "ORG"),
            ],
        );
        assert_eq!(
            ids(&r),
            vec!["organisation:liquor-control-board-of-ontario"]
        );
        assert_eq!(
            aliases(&r, "organisation:liquor-control-board-of-ontario"),
            ["LCBO", "Liquor Control Board of Ontario"]
        );
        assert_eq!(
            entity(&r, "organisation:liquor-control-board-of-ontario")
                .mentions
                .len(),
            3
        );
    }

    #[test]
    fn organisation_short_forms_join_the_longer_name() {
        let text = "The International Monetary Fund warned. The Fund said more. \
                    NATO and the NATO Response Force moved.";
        let r = resolve(
            text,
            &[
                m(text, "International Monetary Fund", "ORG"),
                nth(text, "Fund", 1, "ORG"),
                m(text, "NATO", "ORG"),
                m(text, "NATO Response Force", "ORG"),
            ],
        );
        assert_eq!(
            ids(&r),
            vec![
                "organisation:imf",
                "organisation:nato",
                "organisation:nato-response-force"
            ]
        );
        assert_eq!(
            aliases(&r, "organisation:imf"),
            ["Fund", "International Monetary Fund"]
        );
    }

    #[test]
    fn generic_short_names_join_the_organisation_named_in_the_document() {
        let text = "NATO moved troops. The Alliance said more. The Alliance of Poets met.";
        let r = resolve(text, &[m(text, "NATO", "ORG"), m(text, "Alliance", "ORG")]);
        assert_eq!(ids(&r), vec!["organisation:nato"]);
        assert_eq!(aliases(&r, "organisation:nato"), ["Alliance", "NATO"]);
        // Without NATO in the document, "the Alliance" is its own organisation.
        let text = "The Alliance said more.";
        let r = resolve(text, &[m(text, "Alliance", "ORG")]);
        assert_eq!(ids(&r), vec!["organisation:alliance"]);
    }

    #[test]
    fn surnames_the_model_typed_otherwise_are_the_person() {
        let text = "Joe Biden spoke. Earlier, Biden held a call. The Biden administration agreed.";
        let r = resolve(
            text,
            &[
                m(text, "Joe Biden", "PER"),
                nth(text, "Biden", 1, "ORG"),
                nth(text, "Biden", 2, "ORG"),
            ],
        );
        assert_eq!(
            ids(&r),
            vec!["person:joe-biden", "organisation:biden-administration"]
        );
        assert_eq!(r.mention_entity, vec![Some(0), Some(0), Some(1)]);
        assert_eq!(
            entity(&r, "organisation:biden-administration").name,
            "Biden administration"
        );
    }

    #[test]
    fn acronyms_join_the_name_of_their_initials() {
        let text = "The Baltic Shipping Council met. BSC members agreed.";
        let r = resolve(
            text,
            &[
                m(text, "Baltic Shipping Council", "ORG"),
                m(text, "BSC", "ORG"),
            ],
        );
        assert_eq!(ids(&r), vec!["organisation:baltic-shipping-council"]);
    }

    #[test]
    fn capitals_are_states_only_for_the_government_acting() {
        let text = "Washington plans sanctions. Moscow denied it. Kyiv proposed talks. \
                    Blasts in Kyiv. He lives in Moscow.";
        let r = resolve(
            text,
            &[
                m(text, "Washington", "LOC"),
                m(text, "Moscow", "LOC"),
                m(text, "Kyiv", "LOC"),
                nth(text, "Kyiv", 1, "LOC"),
                nth(text, "Moscow", 1, "LOC"),
            ],
        );
        assert_eq!(ids(&r), vec!["state:US", "state:RU", "state:UA"]);
        assert_eq!(
            r.mention_entity,
            vec![Some(0), Some(1), Some(2), None, None]
        );
        assert_eq!(entity(&r, "state:RU").name, "Russia");
    }

    #[test]
    fn demonyms_alone_make_no_node_but_state_bodies_do() {
        let text = "Russian forces advanced.\nThe Russian foreign ministry said so, \
                    and Ukraine's defense ministry denied it. The British government agreed.";
        let r = resolve(
            text,
            &[
                m(text, "Russian", "MISC"),
                nth(text, "Russian", 1, "MISC"),
                m(text, "Ukraine", "LOC"),
                m(text, "British", "MISC"),
            ],
        );
        assert_eq!(
            ids(&r),
            vec![
                "organisation:russian-foreign-ministry",
                "organisation:ukrainian-defence-ministry",
                "organisation:british-government"
            ]
        );
        assert_eq!(r.mention_entity, vec![None, Some(0), Some(1), Some(2)]);
        assert_eq!(
            aliases(&r, "organisation:russian-foreign-ministry"),
            ["Russian foreign ministry"]
        );
        let british = entity(&r, "organisation:british-government");
        assert_eq!(british.country.as_deref(), Some("GB"));
        assert_eq!(british.kind, EntityType::Organisation);
    }

    #[test]
    fn locations_and_misc_name_states_when_they_are_countries() {
        let text = "Putin spoke in Kyiv about the Russia-Ukraine crisis and Russia.";
        let r = resolve(
            text,
            &[
                m(text, "Putin", "PER"),
                m(text, "Kyiv", "LOC"),
                m(text, "Russia-Ukraine", "MISC"),
                nth(text, "Russia", 1, "LOC"),
            ],
        );
        assert_eq!(ids(&r), vec!["person:putin", "state:RU", "state:UA"]);
        assert_eq!(r.mention_entity, vec![Some(0), None, Some(1), Some(1)]);
        assert_eq!(entity(&r, "state:RU").mentions.len(), 2);
    }

    #[test]
    fn the_gazetteer_fixes_types_and_finds_missed_organisations() {
        let text =
            "The White House and NATO spoke. Aeroflot flights stopped. Shell fragments fell.";
        let r = resolve(
            text,
            &[m(text, "White House", "LOC"), m(text, "NATO", "MISC")],
        );
        assert_eq!(
            ids(&r),
            vec![
                "organisation:white-house",
                "organisation:nato",
                "organisation:aeroflot"
            ]
        );
        assert_eq!(
            entity(&r, "organisation:white-house").country.as_deref(),
            Some("US")
        );
    }

    #[test]
    fn split_names_descriptors_and_actors_make_organisations() {
        let text = "Manchester United dropped the club Schalke. Eurovision banned Russia. \
                    A professor at the University of New Haven spoke.";
        let r = resolve(
            text,
            &[
                m(text, "Manchester", "LOC"),
                m(text, "United", "ORG"),
                m(text, "Schalke", "PER"),
                m(text, "Eurovision", "MISC"),
                m(text, "Russia", "LOC"),
                m(text, "University", "LOC"),
                Mention {
                    span: Span::new(
                        text.find("of New").unwrap(),
                        text.find("of New").unwrap() + 2,
                    ),
                    label: "ORG".into(),
                    score: 0.5,
                },
                m(text, "New Haven", "LOC"),
            ],
        );
        assert_eq!(
            ids(&r),
            vec![
                "organisation:manchester-united",
                "organisation:schalke",
                "organisation:eurovision",
                "state:RU",
                "organisation:university-of-new-haven"
            ]
        );
        assert_eq!(
            r.mention_entity,
            vec![
                Some(0),
                Some(0),
                Some(1),
                Some(2),
                Some(3),
                Some(4),
                Some(4),
                Some(4)
            ]
        );
    }

    #[test]
    fn line_breaks_split_mentions_and_datelines_make_no_person() {
        // The headline's line break ends a sentence: the mention across it is two names.
        let text = "Allies To Sanction Putin\nWASHINGTON — The plan was agreed.";
        let r = resolve(text, &[m(text, "Putin\nWASHINGTON", "PER")]);
        assert_eq!(ids(&r), vec!["person:putin"]);
        let putin = &r.entities[0];
        assert_eq!(
            &text[putin.mentions[0].start..putin.mentions[0].end],
            "Putin"
        );
        // A line break that only wraps the text is a space inside the name.
        let text = "On Friday the chancellor, Olaf\nScholz, met the press.";
        let r = resolve(text, &[m(text, "Olaf\nScholz", "PER")]);
        assert_eq!(ids(&r), vec!["person:olaf-scholz"]);
        assert_eq!(r.entities[0].name, "Olaf Scholz");
        assert!(r.entities[0].aliases.contains("Olaf Scholz"));
    }

    #[test]
    fn lower_case_and_uncertain_mentions_make_no_node() {
        let text = "the pontiff and the Angelus";
        let mut angelus = m(text, "Angelus", "ORG");
        angelus.score = 0.3;
        let r = resolve(text, &[m(text, "pontiff", "MISC"), angelus]);
        assert!(r.entities.is_empty());
        assert_eq!(r.mention_entity, vec![None, None]);
    }

    #[test]
    fn output_is_deterministic() {
        let text = "Joe Biden and the EU met NATO in Brussels. Biden said Moscow denied it.";
        let ms = vec![
            m(text, "Joe Biden", "PER"),
            m(text, "EU", "ORG"),
            m(text, "NATO", "ORG"),
            m(text, "Brussels", "LOC"),
            nth(text, "Biden", 1, "PER"),
            m(text, "Moscow", "LOC"),
        ];
        let first = resolve(text, &ms);
        for _ in 0..5 {
            assert_eq!(resolve(text, &ms), first);
        }
    }

    /// A document of `n` repeats of `sentence(k)`, whose pieces are literal text or, with
    /// a label, a model mention.
    fn repeated(
        n: usize,
        sentence: impl Fn(usize) -> Vec<(String, &'static str)>,
    ) -> (String, Vec<Mention>) {
        let mut text = String::new();
        let mut mentions = Vec::new();
        for k in 0..n {
            for (piece, label) in sentence(k) {
                if !label.is_empty() {
                    mentions.push(Mention {
                        span: Span::new(text.len(), text.len() + piece.len()),
                        label: label.into(),
                        score: 0.9,
                    });
                }
                text.push_str(&piece);
            }
        }
        (text, mentions)
    }

    /// `k` as capital letters: 0 "A", 25 "Z", 26 "BA".
    fn letters(mut k: usize) -> String {
        let mut out = Vec::new();
        loop {
            out.push(b'A' + (k % 26) as u8);
            k /= 26;
            if k == 0 {
                break;
            }
        }
        out.reverse();
        String::from_utf8(out).expect("ascii")
    }

    /// The resolve work (see `spans::count_work`) of documents of 250 and 1,000 repeats:
    /// linear, four times the text gives about four times the work (quadratic: sixteen).
    fn assert_linear(sentence: impl Fn(usize) -> Vec<(String, &'static str)>) -> Resolved {
        let work = |n| {
            let (text, ms) = repeated(n, &sentence);
            let before = spans::work_done();
            let r = resolve(&text, &ms);
            (spans::work_done() - before, r)
        };
        let ((small, _), (large, r)) = (work(250), work(1_000));
        assert!(large <= small * 5 + 1_000, "{small} -> {large}");
        r
    }

    fn lit(s: &str) -> (String, &'static str) {
        (s.to_string(), "")
    }

    #[test]
    fn choosing_among_candidates_grows_linearly_with_the_names() {
        let r = assert_linear(|k| {
            let (a, b) = ((k * 7919) % 200, (k * 104_729) % 200);
            vec![
                (format!("Anna Surname{a}"), "PER"),
                lit(" met "),
                (format!("Boris Other{b}"), "PER"),
                lit(" in "),
                ("Paris".into(), "LOC"),
                lit(". "),
                (format!("Surname{a}"), "PER"),
                lit(" said "),
                (format!("Other{b}"), "PER"),
                lit(" had agreed.\n"),
            ]
        });
        assert!(r.entities.len() > 300, "{}", r.entities.len());
    }

    #[test]
    fn introduced_acronyms_grow_linearly_with_the_document() {
        let r = assert_linear(|k| {
            let acronym = format!("B{}", letters(k));
            vec![
                lit("The "),
                (format!("Q{} Board", letters(k).to_lowercase()), "ORG"),
                lit(&format!(" ({acronym}) met. {acronym} said so.\n")),
            ]
        });
        assert!(aliases(&r, "organisation:qa-board").contains(&"BA".to_string()));
    }

    #[test]
    fn generic_short_names_grow_linearly_with_the_document() {
        assert_linear(|k| {
            vec![
                lit("The "),
                ("Alliance".into(), "ORG"),
                lit(" met "),
                (format!("Anna Surname{k}"), "PER"),
                lit(".\n"),
            ]
        });
    }

    #[test]
    fn state_organisations_grow_linearly_with_the_document() {
        let r = assert_linear(|_| vec![lit("The Russian foreign ministry said so.\n")]);
        assert_eq!(
            entity(&r, "organisation:russian-foreign-ministry")
                .mentions
                .len(),
            1_000
        );
    }
}
