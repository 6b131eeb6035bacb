//! The last step: entities in order of first mention, and each model mention to its entity.

use super::*;

/// Entities in order of first mention; each model mention to the entity of the first
/// candidate that stands for it.
pub(super) fn assemble(text: &str, mention_count: usize, candidates: &[Candidate]) -> Resolved {
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    let mut resolved = Resolved {
        entities: Vec::new(),
        mention_entity: vec![None; mention_count],
        generic_bodies_without_state: 0,
        acronyms: BTreeMap::new(),
        demonyms: Vec::new(),
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
                tokens: Vec::new(),
                country: node.country.clone(),
            });
            resolved.entities.len() - 1
        });
        let entity = &mut resolved.entities[index];
        entity.aliases.insert(words::surface(text, c.span));
        entity.mentions.push(c.span);
        entity.tokens.push(c.tokens.clone());
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
