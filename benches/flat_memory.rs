//! Synthetic archives for the memory and time benchmarks (`benches/flat_memory.sh`), and
//! the two model-free measurements beside the end-to-end runs:
//!
//! ```text
//! flat_memory generate short|dense N          N documents as JSONL on stdout
//! flat_memory generate-named BYTES            one name-dense document of BYTES as JSONL
//! flat_memory sinks short|dense N OUT         N documents' results through the run's sinks
//! flat_memory stages BYTES                    analysis, resolution, relations of one
//!                                             name-dense document of BYTES, timed
//! ```
//!
//! `sinks` measures what grows with the number of documents: it builds each document's
//! result (the [`DocResult`] the pipeline hands to the sinks: mentions, entities,
//! relations with their evidence and parse) directly from the generator, without the
//! NER model or the parser, and streams it in batches of 256 through the sinks every
//! extract run writes to (mentions.jsonl, the graph with its checkpoint log, problems,
//! a checkpoint every 40 batches), then writes graph.json and summary.json. It prints the
//! peak resident memory and the graph's size.
//!
//! `stages` runs what follows NER on one document, with NER's mentions given (every name
//! the generator wrote, labelled as NER labels it) and no parser, and prints each stage's
//! time: the stages whose time could grow faster than the document.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::time::Instant;

use newsgraph::analysis::{self, Doc, ParseScope};
use newsgraph::graph::{ParsedToken, SentenceParse};
use newsgraph::input::Document;
use newsgraph::ner::{Label, Mention};
use newsgraph::output::OutputDir;
use newsgraph::pipeline::{self, ClaimRecord, DocResult, MentionRecord, RelationRecord};
use newsgraph::relations::{Modality, RuleSet};
use newsgraph::resolve::{slug, Entity, EntityType, Gazetteer, Resolved, Resolver};
use newsgraph::run::{Batch, BatchSink, RunFiles, Summary};
use newsgraph::text::{CharOffsets, Span};

const FIRST: [&str; 12] = [
    "Olaf", "Anna", "Maria", "Pierre", "Ines", "Tomasz", "Yuki", "Omar", "Lena", "Carlos", "Sofia",
    "Jan",
];
const SURNAMES: [&str; 10] = [
    "Scholz",
    "Kowalczyk",
    "Dubois",
    "Tanaka",
    "Haddad",
    "Novak",
    "Silva",
    "Berg",
    "Rossi",
    "Lindqvist",
];
const STATES: [&str; 12] = [
    "Japan", "France", "Germany", "Brazil", "Kenya", "Canada", "Poland", "India", "Chile",
    "Norway", "Egypt", "Vietnam",
];
const ORGANISATIONS: [&str; 8] = [
    "Siemens",
    "Gazprom",
    "Reuters",
    "the World Bank",
    "Nestle",
    "Airbus",
    "Unilever",
    "Toyota",
];
const DAYS: [&str; 5] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
const TOPICS: [&str; 6] = [
    "trade",
    "energy prices",
    "the harvest",
    "a new port",
    "fishing rights",
    "rail links",
];

/// A small deterministic generator (xorshift), seeded by the document's number.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A person of the generator: `people` of them in all ("Anna Kowalczyk17").
fn person(i: usize) -> String {
    format!(
        "{} {}{}",
        FIRST[i % FIRST.len()],
        SURNAMES[(i / FIRST.len()) % SURNAMES.len()],
        i / (FIRST.len() * SURNAMES.len())
    )
}

/// What one document says, from which both its text and its result are made.
struct Spec {
    id: String,
    /// Sentences, each with the entities it names (byte spans within the sentence) and
    /// its relation, if any: (relation, source entity, target entity or a figure).
    sentences: Vec<Sentence>,
}

struct Sentence {
    text: String,
    names: Vec<(Span, Label, EntityType, String)>,
    relation: Option<(&'static str, usize, Target)>,
}

enum Target {
    Entity(usize),
    Figure(Span, f64),
}

/// Builds a sentence from pieces: literal text and named entities.
#[derive(Default)]
struct Builder {
    text: String,
    names: Vec<(Span, Label, EntityType, String)>,
}

impl Builder {
    fn lit(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }
    fn name(&mut self, name: &str, label: Label, kind: EntityType) -> usize {
        let start = self.text.len();
        self.text.push_str(name);
        self.names.push((
            Span::new(start, self.text.len()),
            label,
            kind,
            name.to_string(),
        ));
        self.names.len() - 1
    }
    fn done(&mut self, relation: Option<(&'static str, usize, Target)>) -> Sentence {
        let b = std::mem::take(self);
        Sentence {
            text: b.text,
            names: b.names,
            relation,
        }
    }
}

/// The claim-dense document of the issue: two of 2,000 people meet, and an
/// organisation states a figure ("Siemens said 4512 people attended").
fn dense(n: usize) -> Spec {
    let mut r = Rng::new(n as u64);
    let mut b = Builder::default();
    let a = b.name(&person(r.below(2000)), Label::Per, EntityType::Person);
    b.lit(" met ");
    let m = b.name(&person(r.below(2000)), Label::Per, EntityType::Person);
    b.lit(" in ");
    b.name(STATES[r.below(STATES.len())], Label::Loc, EntityType::State);
    b.lit(&format!(" on {}.", DAYS[r.below(DAYS.len())]));
    let first = b.done(Some(("meets", a, Target::Entity(m))));
    let org = ORGANISATIONS[r.below(ORGANISATIONS.len())];
    let o = b.name(org, Label::Org, EntityType::Organisation);
    b.lit(" said ");
    let figure = r.below(9000) + 1000;
    let at = b.text.len();
    b.lit(&format!("{figure} people attended, according to "));
    let span = Span::new(at, at + figure.to_string().len());
    b.name(
        &format!("Northwind Holdings {}", r.below(100)),
        Label::Org,
        EntityType::Organisation,
    );
    b.lit(".");
    let second = b.done(Some(("claims", o, Target::Figure(span, figure as f64))));
    Spec {
        id: format!("d{n}"),
        sentences: vec![first, second],
    }
}

/// A short news-like document: a dateline sentence, a meeting or a visit among a bounded
/// cast (200 people, the states and organisations above), and sentences without relations.
fn short(n: usize) -> Spec {
    let mut r = Rng::new(n as u64);
    let mut sentences = Vec::new();
    let mut b = Builder::default();
    let state = STATES[r.below(STATES.len())];
    b.lit("Officials in ");
    b.name(state, Label::Loc, EntityType::State);
    b.lit(&format!(
        " spent the week on {}, and talks are expected to go on.",
        TOPICS[r.below(TOPICS.len())]
    ));
    sentences.push(b.done(None));
    let a = b.name(&person(r.below(200)), Label::Per, EntityType::Person);
    if r.below(2) == 0 {
        b.lit(" met ");
        let m = b.name(&person(r.below(200)), Label::Per, EntityType::Person);
        b.lit(&format!(" on {}.", DAYS[r.below(DAYS.len())]));
        sentences.push(b.done(Some(("meets", a, Target::Entity(m)))));
    } else {
        b.lit(" visited ");
        let s = b.name(STATES[r.below(STATES.len())], Label::Loc, EntityType::State);
        b.lit(" for two days.");
        sentences.push(b.done(Some(("visits", a, Target::Entity(s)))));
    }
    b.name(
        ORGANISATIONS[r.below(ORGANISATIONS.len())],
        Label::Org,
        EntityType::Organisation,
    );
    b.lit(" did not comment. The weather was mild and the markets were quiet.");
    sentences.push(b.done(None));
    Spec {
        id: format!("n{n}"),
        sentences,
    }
}

fn spec(kind: &str, n: usize) -> Spec {
    match kind {
        "dense" => dense(n),
        "short" => short(n),
        _ => panic!("kind is short or dense, not {kind}"),
    }
}

impl Spec {
    fn text(&self) -> String {
        let texts: Vec<&str> = self.sentences.iter().map(|s| s.text.as_str()).collect();
        texts.join(" ")
    }

    fn entity_id(kind: EntityType, name: &str) -> String {
        format!("{}:{}", kind.as_str(), slug(name))
    }

    /// The result the pipeline would hand the sinks for this document: its mentions, its
    /// entities and its relations, with evidence carrying the sentence, a dependency path
    /// and the sentence's parse as syntax rules give them.
    fn result(&self) -> DocResult {
        let text = self.text();
        let mut offsets = CharOffsets::new(&text);
        let mut mentions = Vec::new();
        let mut entities: Vec<Entity> = Vec::new();
        let mut relations = Vec::new();
        let mut base = 0;
        for s in &self.sentences {
            let mut ids = Vec::new();
            for (span, label, kind, name) in &s.names {
                let span = Span::new(base + span.start, base + span.end);
                let id = Self::entity_id(*kind, name);
                mentions.push(MentionRecord {
                    start: offsets.get(span.start),
                    end: offsets.get(span.end),
                    text: name.clone(),
                    label: label.clone(),
                    score: 0.9987,
                    entity: Some(id.clone()),
                });
                match entities.iter_mut().find(|e| e.id == id) {
                    Some(e) => e.mentions.push(span),
                    None => entities.push(Entity {
                        id: id.clone(),
                        name: name.clone(),
                        kind: *kind,
                        aliases: BTreeSet::from([name.clone()]),
                        mentions: vec![span],
                        tokens: Vec::new(),
                        country: None,
                    }),
                }
                ids.push(id);
            }
            if let Some((relation, source, target)) = &s.relation {
                let sentence = Span::new(base, base + s.text.len());
                let (target, claim, trigger) = match target {
                    Target::Entity(t) => (ids[*t].clone(), None, s.names[*t].0),
                    Target::Figure(f, value) => (
                        format!("claim:{}:{}", self.id, offsets.get(base + f.start)),
                        Some(ClaimRecord {
                            label: s.text[f.start..f.end].to_string(),
                            value: *value,
                            unit: Some("people".into()),
                            qualifier: None,
                            about: Some("attended".into()),
                        }),
                        *f,
                    ),
                };
                let mut ev = newsgraph::graph::evidence(
                    &self.id,
                    &text,
                    &mut offsets,
                    Span::new(base + s.names[*source].0.start, base + trigger.end),
                    sentence,
                    &format!("{relation}.syntax"),
                    Some("2024-05-06"),
                );
                ev.path = Some(format!("{relation} >nsubj X; {relation} >obj Y"));
                ev.parse = Some(parse_of(&s.text));
                relations.push(RelationRecord {
                    relation: relation.to_string(),
                    source: ids[*source].clone(),
                    target,
                    modality: Modality::Asserted,
                    evidence: vec![ev],
                    claim,
                });
            }
            base += s.text.len() + 1;
        }
        let mention_entity = (0..mentions.len()).map(Some).collect();
        DocResult {
            id: self.id.clone(),
            mentions,
            resolved: Resolved {
                entities,
                mention_entity,
                ..Default::default()
            },
            relations,
            analysis: Doc::default(),
        }
    }
}

/// A parse of the sentence's space-separated words, as syntax-rule evidence carries one.
fn parse_of(sentence: &str) -> SentenceParse {
    let mut tokens = Vec::new();
    let mut at = 0;
    for word in sentence.split(' ') {
        let start = sentence[..at].chars().count();
        tokens.push(ParsedToken {
            start,
            end: start + word.chars().count(),
            upos: if tokens.is_empty() { "PROPN" } else { "NOUN" }.into(),
            head: (!tokens.is_empty()).then_some(0),
            deprel: if tokens.is_empty() { "root" } else { "obl" }.into(),
        });
        at += word.len() + 1;
    }
    SentenceParse {
        tokens,
        trigger: 1,
        arguments: vec![0, 2],
    }
}

/// A name-dense document of about `bytes`: sentences naming two of 2,000 people, by full
/// name and by surname, with NER's mentions for every name.
fn named(bytes: usize) -> (String, Vec<Mention>) {
    let mut text = String::with_capacity(bytes + 200);
    let mut mentions = Vec::new();
    let mut r = Rng::new(7);
    let mut name = |text: &mut String, s: &str, label: Label| {
        let start = text.len();
        text.push_str(s);
        mentions.push(Mention {
            span: Span::new(start, text.len()),
            label,
            score: 0.99,
        });
    };
    while text.len() < bytes {
        let (a, b) = (person(r.below(2000)), person(r.below(2000)));
        name(&mut text, &a, Label::Per);
        text.push_str(" met ");
        name(&mut text, &b, Label::Per);
        text.push_str(" in ");
        name(&mut text, STATES[r.below(STATES.len())], Label::Loc);
        text.push_str(". ");
        name(&mut text, a.split(' ').nth(1).unwrap(), Label::Per);
        text.push_str(" said ");
        name(&mut text, b.split(' ').nth(1).unwrap(), Label::Per);
        text.push_str(" had agreed.\n");
    }
    (text, mentions)
}

fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn sinks(kind: &str, n: usize, out: &str) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let out = OutputDir::create(out)?;
    let mut files = RunFiles::new(&out);
    let mut summary = Summary::default();
    {
        let sinks: [&mut dyn BatchSink; 3] =
            [&mut files.mentions, &mut files.graph, &mut files.problems];
        for s in sinks {
            s.open(None)?;
        }
    }
    let per_batch = 256;
    for (b, first) in (0..n).step_by(per_batch).enumerate() {
        let specs: Vec<Spec> = (first..n.min(first + per_batch))
            .map(|i| spec(kind, i))
            .collect();
        let docs: Vec<Document> = specs
            .iter()
            .map(|s| Document::new(s.id.clone(), s.text()))
            .collect();
        let results: Vec<DocResult> = specs.iter().map(Spec::result).collect();
        let graphs = std::cell::OnceCell::new();
        summary.documents_read += docs.len();
        summary.documents_processed += docs.len();
        let batch = Batch {
            docs: &docs,
            results: &results,
            graphs: &graphs,
            problems: &[],
        };
        files.mentions.batch(&batch)?;
        files.graph.batch(&batch)?;
        files.problems.batch(&batch)?;
        if b % 40 == 39 {
            files.mentions.checkpoint()?;
            files.graph.checkpoint()?;
            files.problems.checkpoint()?;
        }
    }
    let during = peak_rss();
    files.mentions.finish()?;
    files.problems.finish()?;
    files.graph.finish()?;
    let graph = files.graph.into_graph();
    out.write_graph(&graph, &BTreeMap::new())?;
    out.write_summary(&summary.to_json(&graph))?;
    let peak = peak_rss();
    let evidence: usize = graph.edges.values().map(|e| e.evidence.len()).sum();
    println!(
        "{kind} {n} documents (model-free, through the sinks): {:.1} s; peak RSS {} MB \
         (before graph.json {} MB); {} nodes, {} edges, {} pieces of evidence kept; \
         {:.0} bytes per node+edge",
        started.elapsed().as_secs_f64(),
        peak >> 20,
        during >> 20,
        graph.nodes.len(),
        graph.edges.len(),
        evidence,
        peak as f64 / (graph.nodes.len() + graph.edges.len()).max(1) as f64,
    );
    Ok(())
}

fn stages(bytes: usize) {
    let (text, mentions) = named(bytes);
    let doc = Document::new("named", text.clone());
    let t = Instant::now();
    let analysis = analysis::analyse_with(&text, &mentions, None, ParseScope::All).unwrap();
    let analysed = t.elapsed();
    let resolver = Resolver::new(Gazetteer::builtin());
    let t = Instant::now();
    let resolved = resolver.resolve(&text, &analysis, &mentions);
    let resolving = t.elapsed();
    let t = Instant::now();
    let mut offsets = CharOffsets::new(&text);
    let relations = pipeline::relation_records(
        &RuleSet::builtin(),
        Default::default(),
        &doc,
        &analysis,
        &resolved,
        &mut offsets,
    );
    let relating = t.elapsed();
    println!(
        "{} bytes, {} mentions, {} entities, {} relations: analysis {:.2} s, resolve {:.2} s, \
         relations {:.2} s",
        text.len(),
        mentions.len(),
        resolved.entities.len(),
        relations.len(),
        analysed.as_secs_f64(),
        resolving.as_secs_f64(),
        relating.as_secs_f64()
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes --bench; ignore flags.
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let number = |s: &str| s.replace('_', "").parse::<usize>();
    match args.as_slice() {
        ["generate", kind, n] => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for i in 0..number(n)? {
                let s = spec(kind, i);
                let line = serde_json::json!({"id": s.id, "text": s.text()});
                writeln!(out, "{line}")?;
            }
            out.flush()?;
        }
        ["generate-named", bytes] => {
            let (text, _) = named(number(bytes)?);
            println!("{}", serde_json::json!({"id": "named", "text": text}));
        }
        ["sinks", kind, n, out] => sinks(kind, number(n)?, out)?,
        ["stages", bytes] => stages(number(bytes)?),
        [] => {
            // `cargo bench` alone: a quick look at both measurements.
            let tmp = tempfile::tempdir()?;
            sinks(
                "dense",
                20_000,
                &tmp.path().join("dense").display().to_string(),
            )?;
            stages(1 << 20);
        }
        _ => return Err("usage: see benches/flat_memory.rs".into()),
    }
    Ok(())
}
