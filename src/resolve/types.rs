//! What resolving makes: entity types, entities, and the entities of one document.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::Serialize;

use crate::text::Span;

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
    /// The same mentions as runs of the analysed document's tokens (`Doc::tokens`), in
    /// the same order: relations place them without mapping bytes back to tokens. Empty
    /// for entities made without a `Doc` (gold entities before their analysis).
    #[serde(skip)]
    pub tokens: Vec<Range<usize>>,
    /// ISO code of the state it is (for states) or belongs to.
    pub country: Option<String>,
}

/// The entities of one document, and for each model mention the entity it
/// became (None: not a node, such as a city as a place).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resolved {
    pub entities: Vec<Entity>,
    pub mention_entity: Vec<Option<usize>>,
    /// Generic bodies ("the Finance Ministry") left out because the document does not
    /// say whose they are: one per body and document.
    pub generic_bodies_without_state: usize,
    /// Acronyms the document defines ("the Energy Information Administration (EIA)"):
    /// the id the acronym alone gets in a document that does not define it
    /// (`organisation:eia`) -> the long form's id here. The graph joins them run-wide
    /// (`graph::acronyms`); gazetteer acronyms are the gazetteer's and not listed.
    pub acronyms: BTreeMap<String, String>,
    /// Nationality adjectives outside any mention whose state is one of `entities`
    /// ("tariffs on Japanese goods"): the token run and the state's entity. Not nodes and
    /// not mentions; a relation rule with the `demonym` step reaches the state through them.
    pub demonyms: Vec<(Range<usize>, usize)>,
}
