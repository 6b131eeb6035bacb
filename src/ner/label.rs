//! Entity labels: the classes of the model's label set, written as the model names them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The entity class of a mention, as the model's label map (config.json's `id2label`)
/// names it: the CoNLL classes PER, ORG, LOC and MISC, or any other class the model has,
/// kept verbatim so that mentions are written with the model's own label.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Label {
    Per,
    Org,
    Loc,
    Misc,
    /// A class outside the four, as written ("PERSON", "GPE", "GOLD"); never one of
    /// the four's own names (`Label::from` gives those their variant).
    Other(String),
}

impl Label {
    /// The label as written in mentions.jsonl, the store and reports.
    pub fn as_str(&self) -> &str {
        match self {
            Label::Per => "PER",
            Label::Org => "ORG",
            Label::Loc => "LOC",
            Label::Misc => "MISC",
            Label::Other(other) => other,
        }
    }
}

impl From<&str> for Label {
    fn from(label: &str) -> Self {
        match label {
            "PER" => Label::Per,
            "ORG" => Label::Org,
            "LOC" => Label::Loc,
            "MISC" => Label::Misc,
            other => Label::Other(other.to_string()),
        }
    }
}

impl From<String> for Label {
    fn from(label: String) -> Self {
        match Label::from(label.as_str()) {
            Label::Other(_) => Label::Other(label),
            known => known,
        }
    }
}

impl From<&String> for Label {
    fn from(label: &String) -> Self {
        Label::from(label.as_str())
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Label {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Label {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for Label {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Label::from)
    }
}
