use super::*;
use crate::eval::fixtures::score;
use crate::graph::Evidence;
use crate::resolve::{Entity, EntityType};

const TEXT: &str = "The UK imposed sanctions on Vladimir Putin. Putin met\nMacron in Paris. \
                    Boris Johnson said 137 people were killed. Facebook said 5 accounts went.";

fn fixture() -> Fixture {
    serde_json::from_str(
        r#"{"id": "t", "text_file": "t.txt",
        "entities": [
          {"id": "putin", "type": "person", "name": "Vladimir Putin", "aliases": ["Vladimir Putin", "Putin"]},
          {"id": "uk", "type": "state", "name": "United Kingdom", "aliases": ["UK"]},
          {"id": "macron", "type": "person", "name": "Emmanuel Macron", "aliases": ["Macron"]},
          {"id": "johnson", "type": "person", "name": "Boris Johnson", "aliases": ["Boris Johnson"]},
          {"id": "fb", "type": "organisation", "name": "Facebook", "aliases": ["Facebook"], "optional": true}
        ],
        "relations": [
          {"type": "sanctions", "source": "uk", "target": "putin",
           "evidence": "The UK imposed sanctions on Vladimir Putin"},
          {"type": "meets", "source": "putin", "target": ["macron"],
           "evidence": "Putin met Macron"},
          {"type": "claims", "source": "johnson", "figure": 137,
           "evidence": "Boris Johnson said 137 people were killed"},
          {"type": "claims", "source": "fb", "figure": 5, "optional": true,
           "evidence": "Facebook said 5 accounts went"}
        ]}"#,
    )
    .unwrap()
}

fn span_of(name: &str) -> Span {
    let at = TEXT.find(name).unwrap();
    Span::new(at, at + name.len())
}

fn entity(id: &str, name: &str, kind: EntityType) -> Entity {
    Entity {
        id: id.into(),
        name: name.into(),
        kind,
        aliases: [name.to_string()].into(),
        mentions: vec![span_of(name)],
        tokens: Vec::new(),
        country: None,
    }
}

fn edge(source: &str, target: &str, relation: &str, rule: &str, path: Option<&str>) -> Edge {
    Edge {
        source: source.into(),
        target: target.into(),
        relation: relation.into(),
        modality: Modality::Asserted,
        evidence_count: 1,
        evidence: vec![Evidence {
            doc: "t".into(),
            start: 0,
            end: 1,
            sentence: format!("sentence of {rule}"),
            rule: rule.into(),
            date: None,
            path: path.map(str::to_string),
            parse: None,
        }],
    }
}

fn setup() -> (Graph, Resolved) {
    let resolved = Resolved {
        entities: vec![
            entity("person:putin", "Putin", EntityType::Person),
            entity("state:GB", "UK", EntityType::State),
            entity("person:boris-johnson", "Boris Johnson", EntityType::Person),
            entity(
                "organisation:facebook",
                "Facebook",
                EntityType::Organisation,
            ),
            // False: not a gold entity at all.
            entity("organisation:paris", "Paris", EntityType::Organisation),
            // False: a gold alias with the wrong type; also Macron the person is missed.
            entity("organisation:macron", "Macron", EntityType::Organisation),
        ],
        mention_entity: vec![],
        ..Default::default()
    };
    let mut graph = Graph::default();
    graph.add_entities("t", &resolved);
    graph.add_node(Node::claim(
        "claim:140".into(),
        "140".into(),
        "t",
        140.0,
        None,
        None,
        None,
    ));
    graph.add_node(Node::claim(
        "claim:5".into(),
        "5".into(),
        "t",
        5.0,
        None,
        None,
        None,
    ));
    graph.add_edge(edge(
        "state:GB",
        "person:putin",
        "sanctions",
        "sanctions.impose",
        None,
    ));
    graph.add_edge(edge(
        "person:putin",
        "state:GB",
        "sanctions",
        "syn.sanctions.on",
        Some("imposed >nsubj Putin; imposed >obl[on] UK"),
    ));
    graph.add_edge(edge(
        "person:boris-johnson",
        "claim:140",
        "claims",
        "claims.said",
        None,
    ));
    graph.add_edge(edge(
        "organisation:facebook",
        "claim:5",
        "claims",
        "claims.said",
        None,
    ));
    (graph, resolved)
}

fn item<'a>(items: &'a [RelationItem], verdict: Verdict, kind: &str) -> Vec<&'a RelationItem> {
    items
        .iter()
        .filter(|r| r.verdict == verdict && r.kind == kind)
        .collect()
}

#[test]
fn lists_misses_false_and_correct_items_with_their_evidence() {
    let (graph, resolved) = setup();
    let x = explain(
        &fixture(),
        TEXT,
        &graph,
        Some(&resolved),
        &RuleSet::builtin(),
    );

    let missed: Vec<&str> = x
        .entities
        .iter()
        .filter(|e| e.verdict == Verdict::Missed)
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(missed, ["macron"]);
    let macron = &x.entities[0];
    assert_eq!(
        macron.sentence.as_deref(),
        Some("Putin met\nMacron in Paris.")
    );
    assert_eq!(
        macron.notes,
        ["predicted as organisation \"Macron\" [organisation:macron]"]
    );
    let false_entities: Vec<(&str, Option<&str>)> = x
        .entities
        .iter()
        .filter(|e| e.verdict == Verdict::False)
        .map(|e| (e.id.as_str(), e.sentence.as_deref()))
        .collect();
    assert_eq!(
        false_entities,
        [
            ("organisation:macron", Some("Putin met\nMacron in Paris.")),
            ("organisation:paris", Some("Putin met\nMacron in Paris.")),
        ]
    );
    assert!(x.entities[1].notes[0].contains("gold has \"Emmanuel Macron\" as person"));
    // Facebook matches an optional gold entity: neither missed nor false.
    assert!(x.entities.iter().all(|e| e.name != "Facebook"));

    // The missed meets, with its evidence found across the line break.
    let meets = item(&x.relations, Verdict::Missed, "meets");
    assert_eq!(meets.len(), 1);
    assert_eq!(meets[0].evidence.as_deref(), Some("Putin met Macron"));
    assert_eq!(
        meets[0].sentence.as_deref(),
        Some("Putin met\nMacron in Paris.")
    );
    assert!(meets[0].notes[0].contains("target Emmanuel Macron is not in the graph"));

    // The correct sanctions edge keeps its rule; the reversed one is false, with its
    // rule, path and a near-miss note.
    let correct = item(&x.relations, Verdict::Correct, "sanctions");
    assert_eq!(correct.len(), 1);
    assert_eq!(correct[0].found[0].rule, "sanctions.impose");
    assert_eq!(correct[0].found[0].path, None);
    assert_eq!(
        correct[0].evidence.as_deref(),
        Some("The UK imposed sanctions on Vladimir Putin")
    );
    let wrong = item(&x.relations, Verdict::False, "sanctions");
    assert_eq!(wrong.len(), 1);
    assert_eq!(
        (wrong[0].source.as_str(), wrong[0].target.as_str()),
        ("Putin", "UK")
    );
    assert_eq!(wrong[0].found[0].rule, "syn.sanctions.on");
    assert_eq!(
        wrong[0].found[0].path.as_deref(),
        Some("imposed >nsubj Putin; imposed >obl[on] UK")
    );
    assert_eq!(wrong[0].found[0].sentence, "sentence of syn.sanctions.on");
    assert!(wrong[0]
        .notes
        .iter()
        .any(|n| n.starts_with("near miss, gold has the other direction")));

    // The claim of 140 against the gold 137: one false, one missed, each pointing at
    // the other.
    let claims_false = item(&x.relations, Verdict::False, "claims");
    assert_eq!(claims_false.len(), 1);
    assert_eq!(claims_false[0].figure, Some(140.0));
    assert!(claims_false[0].notes[0].contains("another figure from the same source"));
    let claims_missed = item(&x.relations, Verdict::Missed, "claims");
    assert_eq!(claims_missed.len(), 1);
    assert_eq!(claims_missed[0].figure, Some(137.0));
    assert!(claims_missed[0].notes[0].contains("claims Boris Johnson -> 140"));
    // Facebook's claim matches an optional gold relation: not listed.
    assert!(x.relations.iter().all(|r| r.source != "Facebook"));
    assert_eq!(x.relations.len(), 5);
}

#[test]
fn listed_misses_and_false_items_are_what_the_scores_count() {
    let (graph, resolved) = setup();
    let x = explain(
        &fixture(),
        TEXT,
        &graph,
        Some(&resolved),
        &RuleSet::builtin(),
    );
    let counts = score(&fixture(), &graph, &RuleSet::builtin());
    let sum = |m: &std::collections::BTreeMap<String, crate::eval::Counts>| {
        m.values().fold((0, 0, 0), |a, c| {
            (a.0 + c.tp, a.1 + c.predicted, a.2 + c.gold)
        })
    };
    let (tp, pred, gold) = sum(&counts.relations);
    assert_eq!(x.relations_with(Verdict::Missed), gold - tp);
    assert_eq!(x.relations_with(Verdict::False), pred - tp);
    assert_eq!(x.relations_with(Verdict::Correct), tp);
    let (tp, pred, gold) = sum(&counts.entities);
    assert_eq!(x.entities_with(Verdict::Missed), gold - tp);
    assert_eq!(x.entities_with(Verdict::False), pred - tp);
}

#[test]
fn renders_one_line_per_item_in_a_stable_order() {
    let (graph, resolved) = setup();
    let x = explain(
        &fixture(),
        TEXT,
        &graph,
        Some(&resolved),
        &RuleSet::builtin(),
    );
    let text = x.render();
    assert_eq!(
        text,
        explain(
            &fixture(),
            TEXT,
            &graph,
            Some(&resolved),
            &RuleSet::builtin()
        )
        .render()
    );
    let heads: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        heads,
        [
            "== t: entities 1 missed, 2 false; relations 2 missed, 2 false, 1 correct",
            "entity missed  person \"Emmanuel Macron\" [macron] aliases: Macron",
            "entity false   organisation \"Macron\" [organisation:macron] aliases: Macron",
            "entity false   organisation \"Paris\" [organisation:paris] aliases: Paris",
            "relation missed  meets Vladimir Putin -- Emmanuel Macron",
            "relation missed  claims Boris Johnson -> 137",
            "relation false   claims Boris Johnson -> 140",
            "relation false   sanctions Putin -> UK",
            "relation correct sanctions UK -> Putin",
        ]
    );
    assert!(text
        .contains("    rule: syn.sanctions.on  path: imposed >nsubj Putin; imposed >obl[on] UK\n"));
    assert!(text.contains("    sentence: Putin met Macron in Paris.\n"));
}

#[test]
fn a_node_naming_two_gold_entities_explains_the_one_it_was_not_counted_for() {
    let fixture: Fixture = serde_json::from_str(
        r#"{"id": "t", "text_file": "t.txt",
        "entities": [
          {"id": "a", "type": "state", "name": "United States", "aliases": ["US"]},
          {"id": "b", "type": "state", "name": "USA", "aliases": ["US"]}
        ]}"#,
    )
    .unwrap();
    let resolved = Resolved {
        entities: vec![entity("state:US", "UK", EntityType::State)],
        mention_entity: vec![],
        ..Default::default()
    };
    let mut graph = Graph::default();
    graph.add_entities("t", &resolved);
    let mut node = graph.nodes["state:US"].clone();
    node.label = "US".into();
    node.aliases = ["US".to_string()].into();
    graph.nodes.insert(node.id.clone(), node);
    let x = explain(&fixture, "The US said.", &graph, None, &RuleSet::builtin());
    assert_eq!(x.entities.len(), 1, "{x:?}");
    assert_eq!(x.entities[0].id, "b");
    assert_eq!(
        x.entities[0].notes,
        ["[state:US] names it too, but was counted for gold \"United States\""]
    );
    assert_eq!(x.entities[0].sentence.as_deref(), Some("The US said."));
}

#[test]
fn evidence_is_found_across_wrapping_and_not_where_it_is_absent() {
    let located = Located::new("One here.\nThe UK  imposed\n  sanctions. Two.");
    let span = located.find("UK imposed sanctions").unwrap();
    assert_eq!(
        &located.text[span.start..span.end],
        "UK  imposed\n  sanctions"
    );
    assert_eq!(
        located.sentence_of(span).as_deref(),
        Some("The UK  imposed\n  sanctions.")
    );
    assert_eq!(located.find("UK sanctioned"), None);
    assert_eq!(located.find("  "), None);
}
