//! The run summary (summary.json's counts) and the input fingerprint that names a run's input.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::hash::{hex, sha256_hex};

use crate::graph::Graph;
use crate::input::Item;

/// What a run did with its input: deterministic (no timings), so that shards
/// sum to a single run's summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    /// Inputs in this run's shard: processed + skipped + failed.
    pub documents_read: usize,
    pub documents_processed: usize,
    pub documents_skipped: usize,
    pub documents_failed: usize,
    /// Reasons with numbers generalised ("line N: ..."), and how often each
    /// came; problems.jsonl lists every skip and failure with its source.
    pub skip_reasons: BTreeMap<String, usize>,
    pub failure_reasons: BTreeMap<String, usize>,
    pub mentions: usize,
    /// Generic bodies ("the Finance Ministry") left out of the graph because their
    /// document does not say which state's they are: one per body and document.
    #[serde(default)]
    pub generic_bodies_without_state: usize,
    pub relations: BTreeMap<String, usize>,
    /// Tokens fed to the model, special tokens included.
    pub model_tokens: usize,
    /// Sentences of the processed documents, and those the dependency parser read
    /// (`--parse relevant` parses only the ones that can hold a relation).
    #[serde(default)]
    pub sentences: usize,
    #[serde(default)]
    pub sentences_parsed: usize,
    /// The slice this run took (`K/N`); absent for a whole run and a merge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// Names the whole input, every shard's part of it ([`InputFingerprint`]):
    /// shards of one input carry the same one.
    pub input_fingerprint: String,
    /// Names every setting that changes results (model files, decoding, rules,
    /// gazetteer, reading options, version), not where files are.
    pub options_fingerprint: String,
    /// The shards a `merge --allow-partial` went without (`K/N`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_shards: Vec<String>,
}

impl Summary {
    /// Adds a shard's counts (the fingerprints and shard fields are the merge's to set).
    pub fn add(&mut self, other: &Summary) {
        self.documents_read += other.documents_read;
        self.documents_processed += other.documents_processed;
        self.documents_skipped += other.documents_skipped;
        self.documents_failed += other.documents_failed;
        for (mine, theirs) in [
            (&mut self.skip_reasons, &other.skip_reasons),
            (&mut self.failure_reasons, &other.failure_reasons),
        ] {
            for (k, v) in theirs {
                count_reason(mine, k, *v);
            }
        }
        for (k, v) in &other.relations {
            *self.relations.entry(k.clone()).or_default() += v;
        }
        self.mentions += other.mentions;
        self.generic_bodies_without_state += other.generic_bodies_without_state;
        self.model_tokens += other.model_tokens;
        self.sentences += other.sentences;
        self.sentences_parsed += other.sentences_parsed;
    }

    /// Counts one skipped input under its generalised reason.
    pub fn skipped(&mut self, reason: &str) {
        self.documents_skipped += 1;
        count_reason(&mut self.skip_reasons, &reason_kind(reason), 1);
    }

    /// Counts one failed input under its generalised reason.
    pub fn failed(&mut self, reason: &str) {
        self.documents_failed += 1;
        count_reason(&mut self.failure_reasons, &reason_kind(reason), 1);
    }

    /// Documents this run or merge lost: inputs that failed (skipped ones are
    /// not lost: empty files, links and the like hold no document), and the
    /// documents of missing shards, which are unknown but not none.
    pub fn lost_documents(&self) -> bool {
        self.documents_failed > 0 || !self.missing_shards.is_empty()
    }

    /// summary.json: these counts plus the graph's size.
    pub fn to_json(&self, graph: &Graph) -> Value {
        let mut v = serde_json::to_value(self).expect("summary serialises");
        v["nodes"] = json!(graph.nodes.len());
        v["links"] = json!(graph.edges.len());
        // From the graph, not summed: a merge joins from all the shards' definitions.
        if !graph.acronyms.is_empty() {
            v["acronyms_joined"] = json!(graph.acronyms_joined.len());
            v["acronyms_conflicting"] =
                json!(graph.acronyms.values().filter(|l| l.len() > 1).count());
        }
        v
    }
}

/// The input fingerprint: a SHA-256 chain over every input item in input
/// order, whichever shard owns it: a document's id, metadata (except its
/// `source` path) and its text's SHA-256 (the text's content key, so the text
/// is hashed once for the fingerprint and the store); a skipped or failed
/// input's status and reason.
/// So it names the input's contents, not where they were mounted, and every
/// shard of one input computes the same one. The chain state is 32 bytes,
/// kept in checkpoints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputFingerprint([u8; 32]);

impl InputFingerprint {
    /// Adds one item. Returns a document's text hash ([`sha256_hex`] of the text: the
    /// store's content key), for the run to hand on rather than hash the text again.
    pub fn add(&mut self, item: &Item) -> Option<String> {
        let mut h = Sha256::new();
        let mut text_hash = None;
        match item {
            Item::Document(d) => {
                h.update(b"D\0");
                h.update(d.id.as_bytes());
                for (k, v) in d.meta.iter().filter(|(k, _)| k.as_str() != "source") {
                    h.update(b"\0");
                    h.update(k.as_bytes());
                    h.update(b"=");
                    h.update(v.as_bytes());
                }
                let hash = sha256_hex(d.text.as_bytes());
                h.update(b"\0\0");
                h.update(hash.as_bytes());
                text_hash = Some(hash);
            }
            Item::Skipped(f) => {
                h.update(b"S\0");
                h.update(f.reason.as_bytes());
            }
            Item::Failed(f) => {
                h.update(b"F\0");
                h.update(f.reason.as_bytes());
            }
        }
        let item = h.finalize();
        let mut chain = Sha256::new();
        chain.update(self.0);
        chain.update(item);
        self.0 = chain.finalize().into();
        text_hash
    }

    pub fn hex(&self) -> String {
        hex(&self.0)
    }

    pub fn from_hex(s: &str) -> Option<Self> {
        if s.len() != 64 || !s.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Self(out))
    }
}

/// "line 12: bad JSON at column 3" -> "line N: bad JSON at column N".
/// The most distinct reasons a summary lists in each of its two reason maps.
pub const REASON_KINDS: usize = 100;

/// Where reasons beyond [`REASON_KINDS`] are counted.
pub const OTHER_REASONS: &str = "other reasons (problems.jsonl lists each)";

/// Counts `n` inputs under `kind`, keeping the [`REASON_KINDS`] smallest kinds and
/// counting the rest under [`OTHER_REASONS`]. A reason can hold what numbers do not
/// generalise (a document id without digits: "already in the store as alpha"), so
/// without the cap summary.json, and every checkpoint, would grow with the documents.
/// Keeping the smallest kinds under a total order gives the same map whatever the
/// order of counting: a run, a resumed one, and merged shards ([`Summary::add`]).
fn count_reason(map: &mut BTreeMap<String, usize>, kind: &str, n: usize) {
    if let Some(count) = map.get_mut(kind) {
        *count += n;
        return;
    }
    map.insert(kind.to_string(), n);
    if kind == OTHER_REASONS {
        return;
    }
    let kinds = map.len() - usize::from(map.contains_key(OTHER_REASONS));
    if kinds > REASON_KINDS {
        let largest = map
            .keys()
            .rev()
            .find(|k| k.as_str() != OTHER_REASONS)
            .cloned()
            .expect("more than REASON_KINDS kinds");
        let count = map.remove(&largest).unwrap_or_default();
        *map.entry(OTHER_REASONS.to_string()).or_default() += count;
    }
}

fn reason_kind(reason: &str) -> String {
    let mut out = String::new();
    let mut in_number = false;
    for c in reason.chars().take(120) {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('N');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Document, Failure};

    /// The fingerprint reads a document's text through its hash, and hands that hash on:
    /// the text is hashed once, and the fingerprint still tells texts apart.
    #[test]
    fn a_document_is_fingerprinted_by_its_text_hash_which_is_handed_on() {
        let doc = |text: &str| Item::Document(Document::new("a", text));
        let mut one = InputFingerprint::default();
        assert_eq!(
            one.add(&doc("Sanction Putin.")).as_deref(),
            Some(sha256_hex(b"Sanction Putin.").as_str())
        );
        let mut other = InputFingerprint::default();
        other.add(&doc("Sanction Lavrov."));
        assert_ne!(one, other);
        let mut again = InputFingerprint::default();
        again.add(&doc("Sanction Putin."));
        assert_eq!(one, again);
        let failed = Item::Failed(Failure {
            source: "x.gz".into(),
            reason: "bad gzip".into(),
        });
        assert_eq!(one.add(&failed), None);
        assert_ne!(one, again);
    }

    #[test]
    fn reasons_are_grouped_without_their_numbers() {
        assert_eq!(
            reason_kind("line 12: expected value at line 1 column 3"),
            "line N: expected value at line N column N"
        );
    }

    /// Store skips name the stored document, and ids without digits do not generalise:
    /// a re-run of a big archive would list one reason per document.
    #[test]
    fn reason_maps_stay_bounded_and_agree_across_merges() {
        let word = |i: usize| -> String {
            let mut i = i;
            let mut w = String::new();
            loop {
                w.push((b'a' + (i % 26) as u8) as char);
                i /= 26;
                if i == 0 {
                    return w;
                }
            }
        };
        let reasons: Vec<String> = (0..1000)
            .map(|i| format!("already in the store as article-{}", word(i * 7919 % 1000)))
            .collect();
        let mut whole = Summary::default();
        let (mut first, mut second) = (Summary::default(), Summary::default());
        for (i, r) in reasons.iter().enumerate() {
            whole.skipped(r);
            whole.failed(r);
            let half = if i % 3 == 0 { &mut first } else { &mut second };
            half.skipped(r);
            half.failed(r);
        }
        for map in [&whole.skip_reasons, &whole.failure_reasons] {
            assert_eq!(map.len(), REASON_KINDS + 1, "{} reasons kept", map.len());
            assert_eq!(map.values().sum::<usize>(), 1000);
            assert_eq!(map[OTHER_REASONS], 1000 - REASON_KINDS);
        }
        let mut merged = Summary::default();
        merged.add(&second);
        merged.add(&first);
        assert_eq!(merged.skip_reasons, whole.skip_reasons);
        assert_eq!(merged.failure_reasons, whole.failure_reasons);
    }

    #[test]
    fn summaries_add_up() {
        let mut a = Summary {
            documents_read: 2,
            documents_processed: 1,
            documents_failed: 1,
            failure_reasons: BTreeMap::from([("x".to_string(), 1)]),
            ..Summary::default()
        };
        let b = a.clone();
        a.add(&b);
        assert_eq!(a.documents_read, 4);
        assert_eq!(a.failure_reasons["x"], 2);
    }

    #[test]
    fn input_fingerprints_round_trip_through_hex() {
        let mut f = InputFingerprint::default();
        f.add(&Item::Document(crate::input::Document::new("a", "text")));
        assert_eq!(InputFingerprint::from_hex(&f.hex()), Some(f));
        assert_eq!(InputFingerprint::from_hex("zz"), None);
    }
}
