//! The run-wide acronym table: acronyms one document defines join their long form in every document's nodes, once, when the final graph is written.

use super::*;
use crate::resolve::slug;

/// What [`Graph::join_acronyms`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AcronymJoins {
    /// Acronym nodes joined to their long form's node.
    pub joined: usize,
    /// Acronyms the run defines as two or more long forms: none of them is joined.
    pub conflicting: usize,
}

impl Graph {
    /// Adds one document's acronym definitions (acronym id -> long form id).
    pub fn add_acronyms(&mut self, defined: &BTreeMap<String, String>) {
        for (acronym, long) in defined {
            *self
                .acronyms
                .entry(acronym.clone())
                .or_default()
                .entry(long.clone())
                .or_default() += 1;
        }
    }

    /// The joins the definitions give: each acronym defined as one long form only, its
    /// node and the long form's both organisations here, followed to the end of a chain
    /// (an acronym whose long form is itself a defined acronym); a cycle joins nothing.
    /// An acronym defined as two long forms anywhere in the run joins nothing, nor does an
    /// acronym node that some document names otherwise than by the acronym ("CIP Inc" is
    /// a company of its own, not the "Confederation of Portuguese Industry (CIP)").
    pub fn acronym_joins(&self) -> BTreeMap<String, String> {
        let single: BTreeMap<&str, &str> = self
            .acronyms
            .iter()
            .filter(|(_, longs)| longs.len() == 1)
            .filter_map(|(acronym, longs)| {
                let long = longs.keys().next()?;
                Some((acronym.as_str(), long.as_str()))
            })
            .collect();
        let organisation =
            |id: &str| matches!(self.nodes.get(id), Some(n) if n.kind == NodeKind::Organisation);
        let mut joins = BTreeMap::new();
        for &acronym in single.keys() {
            if !organisation(acronym) || !named_by_acronym_alone(&self.nodes[acronym]) {
                continue;
            }
            let mut seen = BTreeSet::from([acronym]);
            let mut at = acronym;
            while let Some(&next) = single.get(at) {
                if !seen.insert(next) {
                    at = acronym;
                    break;
                }
                at = next;
            }
            if at != acronym && organisation(at) {
                joins.insert(acronym.to_string(), at.to_string());
            }
        }
        joins
    }

    /// Joins every acronym node to its long form's node ([`Graph::acronym_joins`]):
    /// counts add, names and documents unite and edges follow, as when two graphs merge.
    /// The joins are recorded (`acronyms_joined` in graph.json), for reading mentions.jsonl's
    /// per-document ids. Applied once, to the final graph: the graphs that batches,
    /// checkpoints and shards keep stay unjoined, so that every definition of the run
    /// counts however the run was split, and one run, a resumed run and shards plus
    /// `merge` give the same graph.
    ///
    /// A document that named both the acronym node and the long form's counts once in the
    /// joined node's `documents` (see [`Graph::join_node`]).
    pub fn join_acronyms(&mut self) -> AcronymJoins {
        let joins = self.acronym_joins();
        for (acronym, long) in &joins {
            let node = self.nodes.remove(acronym).expect("joins name nodes");
            self.join_node(long, node);
        }
        let mut moved = Graph::with_limits(self.limits);
        let touched: Vec<_> = self
            .edges
            .keys()
            .filter(|(s, t, _, _)| joins.contains_key(s) || joins.contains_key(t))
            .cloned()
            .collect();
        for key in touched {
            let mut edge = self.edges.remove(&key).expect("listed");
            for end in [&mut edge.source, &mut edge.target] {
                if let Some(long) = joins.get(end.as_str()) {
                    *end = long.clone();
                }
            }
            moved.add_edge(edge);
        }
        self.merge_from(&moved);
        let conflicting = self.acronyms.values().filter(|l| l.len() > 1).count();
        let joined = joins.len();
        self.acronyms_joined.extend(joins);
        AcronymJoins {
            joined,
            conflicting,
        }
    }
}

impl Graph {
    /// Merges `node` into the node `into` as [`Graph::merge`] would, except that the two
    /// may share documents: those both keep count once. Both keep their first documents
    /// (the [`Limits::docs_per_node`] smallest ids), so the joined node's are exactly the
    /// union's first; its count is exact where both lists are whole (under that limit), and
    /// beyond them the documents the two share past their kept lists are not known and
    /// count twice.
    fn join_node(&mut self, into: &str, mut node: Node) {
        let shared = self
            .nodes
            .get(into)
            .map_or(0, |mine| mine.docs.intersection(&node.docs).count());
        node.id = into.to_string();
        let mut one = Graph::with_limits(self.limits);
        one.nodes.insert(into.to_string(), node);
        self.merge_from(&one);
        if let Some(joined) = self.nodes.get_mut(into) {
            joined.documents -= shared;
        }
    }
}

/// Every name the node goes by is its id's acronym as written, dots aside ("EIA",
/// "E.I.A." for `organisation:eia`), with no lower-case letter.
fn named_by_acronym_alone(node: &Node) -> bool {
    let acronym = node.id.split_once(':').map_or("", |(_, a)| a);
    node.names
        .keys()
        .all(|name| !name.chars().any(char::is_lowercase) && slug(name) == acronym)
}
