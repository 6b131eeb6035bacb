//! What resolving makes: entity types, entities, and the entities of one document.

use std::collections::BTreeSet;

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
}
