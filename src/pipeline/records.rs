//! What the pipeline makes of one document: its mentions, entities, relations (with
//! graph ids and character-offset evidence) and analysis.

use super::*;

/// A mention as written to mentions.jsonl: character offsets into the document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MentionRecord {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: Label,
    /// Rounded to four decimals.
    pub score: f64,
    /// The graph node it names; absent when it names none (a city as a place, say).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub entity: Option<String>,
}

/// A claimed figure, the target of a `claims` relation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClaimRecord {
    /// The figure as written ("at least 137").
    pub label: String,
    pub value: f64,
    pub unit: Option<String>,
    pub qualifier: Option<String>,
    pub about: Option<String>,
}

/// A relation as the graph takes it: node ids, modality, evidence in character offsets.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelationRecord {
    pub relation: String,
    pub source: String,
    /// An entity id, or for figures `claim:<doc>:<character offset of the number>`.
    pub target: String,
    pub modality: Modality,
    pub evidence: Vec<Evidence>,
    pub claim: Option<ClaimRecord>,
}

/// Everything the pipeline found in one document.
#[derive(Clone, Debug)]
pub struct DocResult {
    pub id: String,
    pub mentions: Vec<MentionRecord>,
    pub resolved: Resolved,
    /// Sorted by relation, source and target.
    pub relations: Vec<RelationRecord>,
    /// The analysed document (sentences, tokens, parse) that resolution and relations read.
    pub analysis: Doc,
}
