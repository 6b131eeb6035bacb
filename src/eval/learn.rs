//! Training the relation model from labelled fixtures: candidates labelled by the fixture matching of ANNOTATION.md, weights learned on train, thresholds chosen on dev.

use std::collections::BTreeMap;

use serde_json::json;

use crate::eval::fixtures::{self, Fixture, FixtureCounts};
use crate::graph::Graph;
use crate::input::Document;
use crate::pipeline::{self, DocResult};
use crate::relations::model::{self, TrainOptions, Weights};
use crate::relations::{self, Learned, RelationModel, RelationSource, RuleSet};

/// One labelled document, analysed by the pipeline once.
pub struct Analysed {
    pub fixture: Fixture,
    pub doc: Document,
    pub result: DocResult,
}

/// A training row: the candidate kind, its features and its class; `None` for a candidate
/// that matches only optional gold relations (neither right nor wrong: not trained on).
pub type Row = (&'static str, Vec<String>, Option<String>);

/// The labelled candidates of one analysed document.
pub fn rows(rules: &RuleSet, a: &Analysed) -> Vec<Row> {
    let mut graph = Graph::default();
    pipeline::add_to_graph(&mut graph, std::slice::from_ref(&a.result));
    let m = fixtures::match_graph(&a.fixture, &graph, rules);
    let entities = &a.result.resolved.entities;
    let evidence: Vec<Vec<(usize, usize)>> = a
        .fixture
        .relations
        .iter()
        .map(|r| find_all(&a.doc.text, &r.evidence))
        .collect();
    relations::candidate_rows(rules, &a.doc.text, &a.result.analysis, &a.result.resolved)
        .into_iter()
        .map(|c| {
            let ida = entities[c.a].id.as_str();
            let mut required = None;
            let mut optional = false;
            for (ri, r) in a.fixture.relations.iter().enumerate() {
                let class = match (c.b, c.figure) {
                    (Some(b), _) if !m.is_figure(&r.kind) => {
                        let idb = entities[b].id.as_str();
                        let Some(t) = &r.target else { continue };
                        let ab = m.names_any(ida, &r.source) && m.names_any(idb, t);
                        let ba = m.names_any(idb, &r.source) && m.names_any(ida, t);
                        match (m.is_directed(&r.kind), ab, ba) {
                            (true, true, _) => format!("{}:ab", r.kind),
                            (true, false, true) => format!("{}:ba", r.kind),
                            (false, true, _) | (false, _, true) => r.kind.clone(),
                            _ => continue,
                        }
                    }
                    (None, Some(v)) if m.is_figure(&r.kind) => {
                        let fits = m.names_any(ida, &r.source)
                            && r.figure.is_some_and(|f| (f - v).abs() < 1e-6);
                        if !fits {
                            continue;
                        }
                        r.kind.clone()
                    }
                    _ => continue,
                };
                // The same entities elsewhere in the document are not this sentence's
                // relation: neither a positive nor a negative to learn from.
                let here = evidence[ri]
                    .iter()
                    .any(|&(s, e)| s < c.sentence.end && c.sentence.start < e);
                if r.optional || !here {
                    optional = true;
                } else if required.is_none() {
                    required = Some(class);
                }
            }
            let label = match (required, optional) {
                (Some(c), _) => Some(c),
                (None, true) => None,
                (None, false) => Some("none".to_string()),
            };
            (c.kind, c.features, label)
        })
        .collect()
}

/// Byte spans of every occurrence of `needle` in `text`, whitespace runs matching any
/// whitespace run (evidence strings are copied from wrapped text).
fn find_all(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let words: Vec<&str> = needle.split_whitespace().collect();
    let Some(first) = words.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (start, _) in text.match_indices(first) {
        let mut pos = start + first.len();
        let mut ok = true;
        for w in &words[1..] {
            let rest = &text[pos..];
            let trimmed = rest.trim_start();
            if !trimmed.starts_with(w) {
                ok = false;
                break;
            }
            pos += rest.len() - trimmed.len() + w.len();
        }
        if ok {
            out.push((start, pos));
        }
    }
    out
}

/// The classes of each candidate kind under `rules`: "none" first, then per entity type
/// `T:ab` and `T:ba` (directed) or `T` (undirected), and per figure type `T`.
pub fn classes(rules: &RuleSet) -> (Vec<String>, Vec<String>) {
    let mut pair = vec!["none".to_string()];
    let mut figure = vec!["none".to_string()];
    for (name, t) in &rules.relations {
        if t.figure {
            figure.push(name.clone());
        } else if t.directed {
            pair.push(format!("{name}:ab"));
            pair.push(format!("{name}:ba"));
        } else {
            pair.push(name.clone());
        }
    }
    (pair, figure)
}

/// Trains both classifiers on the rows of `train`.
pub fn train(rules: &RuleSet, train: &[Analysed], options: &TrainOptions) -> (Weights, Weights) {
    let (pair_classes, figure_classes) = classes(rules);
    let mut pair = Vec::new();
    let mut figure = Vec::new();
    for a in train {
        for (kind, features, label) in rows(rules, a) {
            let Some(label) = label else { continue };
            let (classes, out) = if kind == "pair" {
                (&pair_classes, &mut pair)
            } else {
                (&figure_classes, &mut figure)
            };
            // A class the rules do not declare is not learned (a label of another rules file).
            if let Some(y) = classes.iter().position(|c| *c == label) {
                out.push((features, y));
            }
        }
    }
    (
        model::train(&pair, pair_classes, options),
        model::train(&figure, figure_classes, options),
    )
}

/// Relation counts on `docs` with the relations of each document extracted again under
/// `learned` (the analysis and entities stay as the pipeline made them).
pub fn score(rules: &RuleSet, learned: Learned, docs: &[Analysed]) -> FixtureCounts {
    let mut total = FixtureCounts::default();
    for a in docs {
        let mut offsets = crate::text::CharOffsets::new(&a.doc.text);
        let result = DocResult {
            relations: pipeline::relation_records(
                rules,
                learned,
                &a.doc,
                &a.result.analysis,
                &a.result.resolved,
                &mut offsets,
            ),
            ..a.result.clone()
        };
        let mut graph = Graph::default();
        pipeline::add_to_graph(&mut graph, std::slice::from_ref(&result));
        total.add(&fixtures::score(&a.fixture, &graph, rules));
    }
    total
}

/// The thresholds tried on dev; above 1, the model adds nothing to the rules for that type.
pub const THRESHOLDS: [f64; 15] = [
    0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 1.01,
];

/// Per relation type, the chosen threshold and its F-beta; and per type the dev curve.
pub type Thresholds = (
    BTreeMap<String, (f64, f64)>,
    BTreeMap<String, Vec<serde_json::Value>>,
);

/// Per relation type, the threshold of [`THRESHOLDS`] that gives the best F-beta on `dev`
/// when model and rules run together (beta < 1 weighs precision more: an analyst trusts
/// fewer, surer edges), with that F-beta; ties go to the higher threshold. Also the whole
/// curve: per type and threshold, the counts. Thresholds below `least` are measured but
/// never chosen.
pub fn choose_thresholds(
    rules: &RuleSet,
    model: &RelationModel,
    dev: &[Analysed],
    beta: f64,
    least: f64,
) -> Thresholds {
    let mut best: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let mut curve: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for &t in &THRESHOLDS {
        let learned = Learned {
            model: Some(model),
            source: RelationSource::Both,
            threshold: Some(t),
        };
        let counts = score(rules, learned, dev);
        for (kind, c) in &counts.relations {
            let (p, r) = (c.precision(), c.recall());
            let b2 = beta * beta;
            let f = if p + r == 0.0 {
                0.0
            } else {
                (1.0 + b2) * p * r / (b2 * p + r)
            };
            curve.entry(kind.clone()).or_default().push(
                json!({"threshold": t, "tp": c.tp, "predicted": c.predicted, "gold": c.gold}),
            );
            if t < least {
                continue;
            }
            let e = best.entry(kind.clone()).or_insert((t, f));
            if f >= e.1 {
                *e = (t, f);
            }
        }
    }
    (best, curve)
}

/// The relation table of `counts` as JSON: per type and all, P/R/F1 and counts.
pub fn table_json(counts: &FixtureCounts) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    let mut all = crate::eval::Counts::default();
    for (kind, c) in &counts.relations {
        all.add(*c);
        out.insert(kind.clone(), counts_json(c));
    }
    out.insert("all".into(), counts_json(&all));
    serde_json::Value::Object(out)
}

fn counts_json(c: &crate::eval::Counts) -> serde_json::Value {
    let r = |x: f64| (x * 1e4).round() / 1e4;
    json!({"p": r(c.precision()), "r": r(c.recall()), "f1": r(c.f1()),
           "tp": c.tp, "predicted": c.predicted, "gold": c.gold})
}
