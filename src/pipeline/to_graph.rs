//! Results into graph pieces: relation records with their evidence and parses, gold
//! entities run through the rules, and batches added to a graph in document order.

use super::*;

/// One document's result with the entities given instead of found (the fixtures' gold
/// entities, say): their mentions stand in for NER's in the analysis, and the relation
/// rules run on them. No NER model is involved, so the result has no mention records.
///
/// The given entities replace NER only: with a parser, the sentences `--parse relevant`
/// would parse are parsed, so that syntax rules run as they do in `extract`.
pub fn result_with_entities(
    rules: &RuleSet,
    learned: relations::Learned,
    doc: &Document,
    resolved: Resolved,
    parser: Option<&dyn SentenceParser>,
) -> Result<DocResult, analysis::ParseError> {
    let gold: Vec<crate::ner::Mention> = resolved
        .entities
        .iter()
        .flat_map(|e| e.mentions.iter())
        .map(|&span| crate::ner::Mention {
            span,
            label: "GOLD".into(),
            score: 1.0,
        })
        .collect();
    let relevant = |doc: &analysis::Doc, sentence: &analysis::Sentence| {
        crate::relations::scope::worth_parsing(rules, doc, sentence)
    };
    let analysis = analysis::analyse_with(&doc.text, &gold, parser, ParseScope::Only(&relevant))?;
    // The given entities come as byte spans: placed on the analysis's tokens once, here.
    let mut resolved = resolved;
    for e in &mut resolved.entities {
        e.tokens = e.mentions.iter().map(|&s| analysis.tokens_in(s)).collect();
    }
    // Nationality adjectives name the given states too ("tariffs on Japanese goods").
    if resolved.demonyms.is_empty() {
        let gazetteer = crate::resolve::Gazetteer::builtin();
        resolved.demonyms = crate::resolve::demonym_links(&gazetteer, &analysis, &resolved);
    }
    let mut offsets = CharOffsets::new(&doc.text);
    let relations = relation_records(rules, learned, doc, &analysis, &resolved, &mut offsets);
    Ok(DocResult {
        id: doc.id.clone(),
        mentions: Vec::new(),
        resolved,
        relations,
        analysis,
    })
}

/// The relations of one document, with graph ids and character-offset evidence.
pub fn relation_records(
    rules: &RuleSet,
    learned: relations::Learned,
    doc: &Document,
    analysis: &Doc,
    resolved: &Resolved,
    offsets: &mut CharOffsets,
) -> Vec<RelationRecord> {
    relations::extract_with(rules, learned, &doc.text, analysis, resolved)
        .into_iter()
        .map(|r| {
            let (target, claim) = match &r.target {
                Target::Entity(t) => (resolved.entities[*t].id.clone(), None),
                Target::Figure(f) => (
                    format!("claim:{}:{}", doc.id, offsets.get(f.number.start)),
                    Some(ClaimRecord {
                        label: f.text.clone(),
                        value: f.value,
                        unit: f.unit.clone(),
                        qualifier: f.qualifier.clone(),
                        about: f.about.clone(),
                    }),
                ),
            };
            let evidence = r
                .found
                .iter()
                .map(|f| {
                    let date = doc.meta.get("date").map(String::as_str);
                    let mut ev = graph::evidence(
                        &doc.id, &doc.text, offsets, f.span, f.sentence, &f.rule, date,
                    );
                    if let Some(m) = &f.matched {
                        ev.path = Some(m.path.clone());
                        ev.parse = sentence_parse(&doc.text, analysis, m);
                    }
                    ev
                })
                .collect();
            RelationRecord {
                relation: r.relation.clone(),
                source: resolved.entities[r.source].id.clone(),
                target,
                modality: r.modality,
                evidence,
                claim,
            }
        })
        .collect()
}

/// The parse of the sentence holding a syntax rule's match, in sentence-relative terms.
fn sentence_parse(text: &str, analysis: &Doc, m: &relations::Matched) -> Option<SentenceParse> {
    let sentence = &analysis.sentences[analysis.tokens.get(m.trigger)?.sentence];
    let first = sentence.tokens.start;
    let base = sentence.span.start;
    // Character offsets within the sentence, counted once along it.
    let mut offsets = CharOffsets::new(&text[base..]);
    let within = |i: usize| sentence.tokens.contains(&i).then(|| i - first);
    let tokens = analysis.tokens[sentence.tokens.clone()]
        .iter()
        .map(|t| ParsedToken {
            start: offsets.get(t.span.start - base),
            end: offsets.get(t.span.end - base),
            upos: t.upos.into(),
            head: t.head.and_then(within),
            deprel: t.deprel.as_str().into(),
        })
        .collect();
    Some(SentenceParse {
        tokens,
        trigger: within(m.trigger)?,
        arguments: m.arguments.iter().filter_map(|&a| within(a)).collect(),
    })
}

/// One document's graph alone, with all of its evidence: entities, claim nodes, relation
/// edges. The store writes it; a run builds it once per document for every sink that
/// reads it ([`crate::run::Batch::graphs`]). Merging is order-free, so a batch's graph is
/// the merge of its documents'.
pub fn document_graph(r: &DocResult) -> Graph {
    let mut graph = Graph::with_limits(graph::Limits::UNLIMITED);
    add_document(&mut graph, r);
    graph
}

/// Adds a batch of results to a graph, in document order: what merging each one's
/// [`document_graph`] gives, without building them.
pub fn add_to_graph(graph: &mut Graph, results: &[DocResult]) {
    for r in results {
        add_document(graph, r);
    }
}

/// Adds one document's entities, claim nodes and relation edges. A document's relations
/// of the same key become one edge first, so that evidence they share is counted once.
fn add_document(graph: &mut Graph, r: &DocResult) {
    graph.add_entities(&r.id, &r.resolved);
    let mut edges: BTreeMap<(&str, &str, &str, Modality), Vec<Evidence>> = BTreeMap::new();
    for rel in &r.relations {
        if let Some(c) = &rel.claim {
            graph.add_node(Node::claim(
                rel.target.clone(),
                c.label.clone(),
                &r.id,
                c.value,
                c.unit.clone(),
                c.qualifier.clone(),
                c.about.clone(),
            ));
        }
        edges
            .entry((&rel.source, &rel.target, &rel.relation, rel.modality))
            .or_default()
            .extend(rel.evidence.iter().cloned());
    }
    for ((source, target, relation, modality), evidence) in edges {
        graph.add_edge(Edge::new(
            source.to_string(),
            target.to_string(),
            relation.to_string(),
            modality,
            evidence,
        ));
    }
}
