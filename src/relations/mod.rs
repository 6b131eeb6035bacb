//! Relations between entities (sanctions, meets, claims, and any type a rules file declares), found by rules that are data.
//!
//! - [`rules`]: the rules file (`rules/relations.toml`, or `--rules FILE`) read and checked.
//! - [`pattern`]: the pattern language of a surface rule.
//! - [`syntax`]: the token tests and dependency paths of a syntax rule.
//! - [`mentions`]: the analysed document's tokens with the entity mention each belongs to.
//! - [`numbers`]: number phrases normalised to value, unit and qualifier.
//! - `engine`: surface rules tried over sentences; cues, pronouns and figures.
//! - `dependency`: syntax rules matched in the dependency parse; expansion steps and syntax cues.

pub mod candidates;
mod dependency;
mod engine;
mod matcher;
pub mod mentions;
pub mod model;
pub mod numbers;
pub mod pattern;
pub mod rules;
pub mod scope;
pub mod syntax;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::Doc;
use crate::resolve::Resolved;
use crate::text::Span;
pub use model::{RelationModel, RelationSource};
pub use rules::{RuleSet, RulesError};

/// Whether a relation is stated as fact or as decided/announced for the future.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    Asserted,
    Planned,
}

impl Modality {
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Asserted => "asserted",
            Modality::Planned => "planned",
        }
    }
}

impl std::fmt::Display for Modality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not a modality.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown modality {0:?}")]
pub struct UnknownModality(pub String);

impl std::str::FromStr for Modality {
    type Err = UnknownModality;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "asserted" => Ok(Modality::Asserted),
            "planned" => Ok(Modality::Planned),
            _ => Err(UnknownModality(s.to_string())),
        }
    }
}

/// A number a source states, normalised.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure {
    /// The phrase, qualifier and unit included ("at least 137"), as a byte span.
    pub span: Span,
    /// The number itself ("137"), as a byte span: claim ids use its offset.
    pub number: Span,
    pub text: String,
    pub value: f64,
    pub unit: Option<String>,
    pub qualifier: Option<String>,
    pub about: Option<String>,
}

/// What a relation points at: an entity or a figure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Target {
    /// Index into `Resolved::entities`.
    Entity(usize),
    Figure(Figure),
}

/// Where one instance of a relation was found.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Found {
    /// The words the rule matched (byte span).
    pub span: Span,
    /// The sentence (byte span).
    pub sentence: Span,
    /// The id of the rule that fired.
    pub rule: String,
    pub modality: Modality,
    /// What a syntax rule matched in the parse (None for surface rules).
    pub matched: Option<Matched>,
}

/// The nodes of the parse a syntax rule matched, and the path as text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Matched {
    /// Token index (into `Doc::tokens`) of the trigger.
    pub trigger: usize,
    /// Token indices of the argument nodes (source, target, figure), in the rule's order.
    pub arguments: Vec<usize>,
    /// "met >nsubj Putin; met >obl[with] Macron".
    pub path: String,
}

/// One relation of a document, with every place it was found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Relation {
    pub relation: String,
    /// Index into `Resolved::entities`.
    pub source: usize,
    pub target: Target,
    /// Asserted when any instance asserts it, else planned.
    pub modality: Modality,
    /// Sorted by position.
    pub found: Vec<Found>,
}

/// Finds the relations of one document. Each (relation, source, target) appears once,
/// undirected relations with their ends ordered by entity id; the result is sorted by
/// relation, then source and target id, then position.
///
/// `doc` is the document analysed after NER (`analysis::analyse`); rules match its tokens
/// within its sentences, and `resolved` says which entity each mention became.
pub fn extract(rules: &RuleSet, text: &str, doc: &Doc, resolved: &Resolved) -> Vec<Relation> {
    extract_with(rules, Learned::default(), text, doc, resolved)
}

/// The learned model and where edges may come from (rules only when no model is given).
#[derive(Clone, Copy, Debug, Default)]
pub struct Learned<'a> {
    pub model: Option<&'a RelationModel>,
    pub source: RelationSource,
    /// Overrides the model's per-type thresholds.
    pub threshold: Option<f64>,
}

/// The model's instances of one document: every candidate ([`candidates`]) scored at or
/// above its type's threshold, named `model@SCORE`.
fn model_found(
    rules: &RuleSet,
    model: &RelationModel,
    threshold: Option<f64>,
    doc: &mentions::EntityTokens,
    resolved: &Resolved,
    by_rules: &[matcher::Found],
) -> Vec<matcher::Found> {
    let mut out = Vec::new();
    for c in candidates::document_candidates(rules, doc, resolved, by_rules) {
        let sent = doc.sentences[c.sentence].clone();
        let sentence = doc.span(sent.clone());
        let (weights, ends) = match &c.pairing {
            candidates::Pairing::Entities { a, b } => (
                &model.pair,
                (
                    doc.mentions[*a].tokens.clone(),
                    doc.mentions[*b].tokens.clone(),
                ),
            ),
            candidates::Pairing::Figure { source, reading } => (
                &model.figure,
                (
                    doc.mentions[*source].tokens.clone(),
                    reading.start..reading.end,
                ),
            ),
        };
        let p = weights.probabilities(&c.features);
        let start = ends.0.start.min(ends.1.start);
        let end = ends.0.end.max(ends.1.end);
        let modality = if c
            .features
            .iter()
            .any(|f| f.starts_with("cue=") && is_planned(rules, f))
        {
            Modality::Planned
        } else {
            Modality::Asserted
        };
        for (class, &score) in weights.classes.iter().zip(&p).skip(1) {
            let relation = model::class_relation(class);
            if !rules.relations.contains_key(relation)
                || score < threshold.unwrap_or_else(|| model.threshold(relation))
            {
                continue;
            }
            let (source, target) = match &c.pairing {
                candidates::Pairing::Entities { a, b } => {
                    let (ea, eb) = (doc.mentions[*a].entity, doc.mentions[*b].entity);
                    let (s, t) = if class.ends_with(":ba") {
                        (eb, ea)
                    } else {
                        (ea, eb)
                    };
                    (s, matcher::FoundTarget::Entity(t))
                }
                candidates::Pairing::Figure { source, reading } => {
                    let ctx = matcher::Ctx::new(rules, doc, resolved, sent.clone(), &[]);
                    (
                        doc.mentions[*source].entity,
                        matcher::FoundTarget::Figure(ctx.figure(reading)),
                    )
                }
            };
            out.push(matcher::Found {
                relation: relation.to_string(),
                rule: format!("model@{score:.2}"),
                source,
                target,
                modality,
                span: doc.span(start..end),
                sentence,
                matched: None,
            });
        }
    }
    out
}

/// A relation candidate as training sees it: its ends as entities (indices into
/// `Resolved::entities`) or an entity and a figure, and its features.
#[derive(Clone, Debug, PartialEq)]
pub struct CandidateRow {
    /// "pair" (two entities, `a` first in the text) or "figure" (an entity and a number).
    pub kind: &'static str,
    /// The sentence (byte span).
    pub sentence: Span,
    pub a: usize,
    pub b: Option<usize>,
    pub figure: Option<f64>,
    pub features: Vec<String>,
}

/// Every candidate of a document ([`candidates`]), the rules' findings among its features.
pub fn candidate_rows(
    rules: &RuleSet,
    text: &str,
    doc: &Doc,
    resolved: &Resolved,
) -> Vec<CandidateRow> {
    let doc = mentions::EntityTokens::new(text, doc, resolved);
    let by_rules = engine::run(rules, &doc, resolved);
    let mut out = Vec::new();
    for c in candidates::document_candidates(rules, &doc, resolved, &by_rules) {
        let sentence = doc.span(doc.sentences[c.sentence].clone());
        out.push(match c.pairing {
            candidates::Pairing::Entities { a, b } => CandidateRow {
                kind: "pair",
                sentence,
                a: doc.mentions[a].entity,
                b: Some(doc.mentions[b].entity),
                figure: None,
                features: c.features,
            },
            candidates::Pairing::Figure { source, reading } => CandidateRow {
                kind: "figure",
                sentence,
                a: doc.mentions[source].entity,
                b: None,
                figure: Some(reading.value),
                features: c.features,
            },
        });
    }
    out
}

/// Whether the cue named by feature `feature` ("cue=NAME") marks a plan.
fn is_planned(rules: &RuleSet, feature: &str) -> bool {
    let name = &feature["cue=".len()..];
    rules
        .cues
        .iter()
        .any(|c| c.name == name && c.effect == rules::Effect::Planned)
}

/// Like [`extract`], with the learned model of `learned` beside the rules or instead of
/// them (`learned.source`).
pub fn extract_with(
    rules: &RuleSet,
    learned: Learned,
    text: &str,
    doc: &Doc,
    resolved: &Resolved,
) -> Vec<Relation> {
    let doc = mentions::EntityTokens::new(text, doc, resolved);
    let id = |e: usize| resolved.entities[e].id.as_str();
    let mut by_key: BTreeMap<(String, String, String, usize), Relation> = BTreeMap::new();
    let by_rules = engine::run(rules, &doc, resolved);
    let mut all = Vec::new();
    match learned.model {
        Some(model) if learned.source != RelationSource::Rules => {
            let by_model = model_found(rules, model, learned.threshold, &doc, resolved, &by_rules);
            if learned.source.uses_rules() {
                all.extend(by_rules);
            }
            all.extend(by_model);
        }
        _ => all = by_rules,
    }
    // Rules and model alike: a relation type that is not read from capitals
    // (`from_all_caps = false`) keeps no instance found in a headline in capitals. A story
    // written all in capitals (old wire copy) has no mixed-case body to say it again, so
    // there capitals are the text and are read.
    // Only where some type asks for it and something was found: the text is read whole.
    let skip_capitals = rules.relations.values().any(|r| !r.from_all_caps);
    if skip_capitals && !all.is_empty() && is_mixed_case(text) {
        all.retain(|f| {
            let read = rules.relations.get(&f.relation);
            read.is_none_or(|r| r.from_all_caps)
                || !is_all_caps(&text[f.sentence.start..f.sentence.end])
        });
    }
    for f in all {
        let directed = rules.relations.get(&f.relation).is_none_or(|r| r.directed);
        let (source, target, target_key, at) = match f.target {
            matcher::FoundTarget::Entity(t) => {
                let (a, b) = if !directed && id(t) < id(f.source) {
                    (t, f.source)
                } else {
                    (f.source, t)
                };
                (a, Target::Entity(b), id(b).to_string(), 0)
            }
            matcher::FoundTarget::Figure(fig) => {
                let at = fig.number.start;
                (f.source, Target::Figure(fig), String::new(), at)
            }
        };
        let key = (f.relation.clone(), id(source).to_string(), target_key, at);
        let found = Found {
            span: f.span,
            sentence: f.sentence,
            rule: f.rule,
            modality: f.modality,
            matched: f.matched,
        };
        let entry = by_key.entry(key).or_insert_with(|| Relation {
            relation: f.relation,
            source,
            target,
            modality: found.modality,
            found: Vec::new(),
        });
        entry.modality = entry.modality.min(found.modality);
        entry.found.push(found);
    }
    by_key
        .into_values()
        .map(|mut r| {
            r.found.sort();
            r.found.dedup();
            // One instance per place: where a syntax rule and a surface rule found the
            // relation in the same words, the syntax rule's (it can show its path) stands
            // for both.
            let overlap =
                |a: &Found, b: &Found| a.span.start < b.span.end && b.span.start < a.span.end;
            // Only instances of one sentence can overlap: comparing within sentences keeps
            // a document that names one pair many times linear in its size.
            let mut by_sentence: BTreeMap<&Span, Vec<&Found>> = BTreeMap::new();
            for f in &r.found {
                by_sentence.entry(&f.sentence).or_default().push(f);
            }
            let kept: Vec<Found> = r
                .found
                .iter()
                .filter(|f| {
                    !by_sentence[&f.sentence].iter().any(|&g| {
                        crate::resolve::spans::count_work(1);
                        // The model's instance stands beside a rule's: each names what found it.
                        let by_model = |x: &Found| x.rule.starts_with("model@");
                        overlap(g, f)
                            && by_model(g) == by_model(f)
                            && g != *f
                            && (g.matched.is_some(), std::cmp::Reverse(g))
                                > (f.matched.is_some(), std::cmp::Reverse(*f))
                    })
                })
                .cloned()
                .collect();
            r.found = kept;
            r.modality = r
                .found
                .iter()
                .map(|f| f.modality)
                .min()
                .unwrap_or(r.modality);
            r
        })
        .collect()
}

/// Whether `sentence` is written all in capitals, as wire headlines are ("U.S., BRITAIN BAR
/// SANCTIONS AGAINST SOUTH AFRICA"): letters, at least two words' worth, none lower case.
pub fn is_all_caps(sentence: &str) -> bool {
    let mut letters = 0;
    for c in sentence.chars().filter(|c| c.is_alphabetic()) {
        if c.is_lowercase() {
            return false;
        }
        letters += 1;
    }
    letters >= MIN_ALL_CAPS_LETTERS
}

/// Whether `text` is written in mixed case, as a story's body is: more lower-case letters
/// than capitals. Wire copy written all in capitals is not.
pub fn is_mixed_case(text: &str) -> bool {
    let (mut lower, mut upper) = (0usize, 0usize);
    for c in text.chars() {
        if c.is_lowercase() {
            lower += 1;
        } else if c.is_uppercase() {
            upper += 1;
        }
    }
    lower > upper
}

/// Fewer capitals than this ("UN", "U.S.", "NATO") are an acronym, not a shouted sentence.
const MIN_ALL_CAPS_LETTERS: usize = 8;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod dependency_tests;
