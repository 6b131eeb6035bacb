//! Turning a document's mentions into entities: typed, named, with aliases and stable ids.

pub mod gazetteer;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::ner::Mention;
use crate::text::Span;
pub use gazetteer::Gazetteer;

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

/// The resolve stage: mentions of one document to entities.
pub struct Resolver {
    pub gazetteer: Gazetteer,
}

impl Resolver {
    pub fn new(gazetteer: Gazetteer) -> Self {
        Self { gazetteer }
    }

    /// Maps PER to person and ORG to organisation; LOC (and MISC) only where
    /// it names a country in the gazetteer. Mentions whose normalised names
    /// agree become one entity.
    pub fn resolve(&self, text: &str, mentions: &[Mention]) -> Resolved {
        let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
        let mut resolved = Resolved::default();
        for mention in mentions {
            let surface = &text[mention.span.start..mention.span.end];
            let Some((id, name, kind, country)) = self.classify(surface, &mention.label) else {
                resolved.mention_entity.push(None);
                continue;
            };
            let index = *by_id.entry(id.clone()).or_insert_with(|| {
                resolved.entities.push(Entity {
                    id,
                    name,
                    kind,
                    aliases: BTreeSet::new(),
                    mentions: Vec::new(),
                    country,
                });
                resolved.entities.len() - 1
            });
            let entity = &mut resolved.entities[index];
            entity.aliases.insert(surface.to_string());
            entity.mentions.push(mention.span);
            resolved.mention_entity.push(Some(index));
        }
        resolved
    }

    fn classify(
        &self,
        surface: &str,
        label: &str,
    ) -> Option<(String, String, EntityType, Option<String>)> {
        let g = &self.gazetteer;
        if let Some(org) = g.organisation(surface) {
            if label != "PER" {
                return Some((
                    format!("organisation:{}", org.id),
                    org.name.clone(),
                    EntityType::Organisation,
                    org.country.clone(),
                ));
            }
        }
        match label {
            "PER" => {
                let slug = slug(surface);
                (!slug.is_empty()).then(|| {
                    (
                        format!("person:{slug}"),
                        surface.to_string(),
                        EntityType::Person,
                        None,
                    )
                })
            }
            "ORG" => {
                let slug = slug(surface);
                (!slug.is_empty()).then(|| {
                    (
                        format!("organisation:{slug}"),
                        surface.to_string(),
                        EntityType::Organisation,
                        None,
                    )
                })
            }
            "LOC" | "MISC" => g.country(surface).map(|c| {
                (
                    format!("state:{}", c.code),
                    c.name.clone(),
                    EntityType::State,
                    Some(c.code.clone()),
                )
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(text: &str, needle: &str, label: &str) -> Mention {
        let start = text.find(needle).unwrap();
        Mention {
            span: Span::new(start, start + needle.len()),
            label: label.into(),
            score: 0.9,
        }
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
    fn locations_become_states_only_when_they_are_countries() {
        let r = Resolver::new(Gazetteer::builtin());
        let text = "Putin spoke in Kyiv. Russia and the U.S. met at NATO.";
        let ms = vec![
            mention(text, "Putin", "PER"),
            mention(text, "Kyiv", "LOC"),
            mention(text, "Russia", "LOC"),
            mention(text, "U.S.", "LOC"),
            mention(text, "NATO", "ORG"),
        ];
        let out = r.resolve(text, &ms);
        let ids: Vec<&str> = out.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            vec!["person:putin", "state:RU", "state:US", "organisation:nato"]
        );
        assert_eq!(
            out.mention_entity,
            vec![Some(0), None, Some(1), Some(2), Some(3)]
        );
        assert_eq!(out.entities[2].name, "United States");
    }
}
