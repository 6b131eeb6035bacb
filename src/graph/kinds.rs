//! How outputs draw the graph: each relation type's direction and figure from the loaded rules, and one palette for node types and relations.

use std::collections::BTreeMap;

use super::NodeKind;
use crate::relations::RuleSet;

/// The colour of a relation the rules give none.
pub const OTHER_RELATION_COLOUR: &str = "#777777";

/// A node type's colours: `line` for outlines, edges and text, `fill` for areas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeColours {
    pub line: &'static str,
    pub fill: &'static str,
}

/// The colours of a node type the palette does not know (a graph.json of another tool).
pub const OTHER_NODE_COLOURS: NodeColours = NodeColours {
    line: "#9a9a9a",
    fill: "#ececec",
};

/// The one palette for node types (the report and DOT both draw with it).
pub fn node_colours(kind: NodeKind) -> NodeColours {
    let (line, fill) = match kind {
        NodeKind::Person => ("#4e79a7", "#dbe6f2"),
        NodeKind::State => ("#59a14f", "#dcefd8"),
        NodeKind::Organisation => ("#f28e2b", "#fde4cc"),
        NodeKind::Claim => ("#b07aa1", "#f0e1ec"),
    };
    NodeColours { line, fill }
}

/// One relation type as outputs draw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationKind {
    pub directed: bool,
    /// The target is a claim node built from a number.
    pub figure: bool,
    /// `#rrggbb`.
    pub colour: String,
}

/// The relation types outputs know, from the rules that made the graph ([`RelationKinds::
/// from_rules`]). A relation they do not name (a graph made with other rules) is drawn as
/// directed, without a figure, in grey.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RelationKinds {
    kinds: BTreeMap<String, RelationKind>,
}

impl RelationKinds {
    pub fn from_rules(rules: &RuleSet) -> Self {
        RelationKinds {
            kinds: rules
                .relations
                .values()
                .map(|r| {
                    let kind = RelationKind {
                        directed: r.directed,
                        figure: r.figure,
                        colour: r
                            .colour
                            .clone()
                            .unwrap_or_else(|| OTHER_RELATION_COLOUR.to_string()),
                    };
                    (r.name.clone(), kind)
                })
                .collect(),
        }
    }

    /// The kinds of the rules built into the binary.
    pub fn builtin() -> Self {
        Self::from_rules(&RuleSet::builtin())
    }

    pub fn get(&self, relation: &str) -> RelationKind {
        self.kinds.get(relation).cloned().unwrap_or(RelationKind {
            directed: true,
            figure: false,
            colour: OTHER_RELATION_COLOUR.to_string(),
        })
    }

    /// Every relation type the rules declare, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &RelationKind)> {
        self.kinds.iter()
    }
}
