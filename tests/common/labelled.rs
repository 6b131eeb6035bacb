//! Rebuilds the texts of the labelled development set (`tests/fixtures/labelled/`) from the
//! corpora in `../shared/data`. Only the fixtures (labels) are in git; their texts are rebuilt
//! here, deterministically, by two documented rules:
//!
//! * `conll-detok-v1` (CoNLL-2003 `valid.txt` / `test.txt`): document N is the N-th
//!   (0-based) `-DOCSTART-` block of the file. Each CoNLL sentence (blank-line separated)
//!   becomes one line; the text is those lines, each ending in `\n`. Inside a sentence the
//!   tokens are joined by single spaces, except:
//!   - no space before `, . ; : ? ! % ) ] }` and before the clitics `'s 'S 'm 've 'll 'd 're
//!     n't` and a lone `'` (closing single quote or plural possessive);
//!   - no space after `( [ { $`;
//!   - double quotes `"` are paired inside the sentence: the first, third, ... open (space
//!     before, none after), the second, fourth, ... close (none before, space after); an
//!     unpaired `"` that is the sentence's last token closes.
//!
//!   Nothing else changes: tokens keep their spelling and case (`--`, `-`, `/`, `...` stay
//!   space-separated).
//! * `reuters-title-body-v1` (Reuters-21578 `reut2-NNN.sgm`): the article whose `NEWID`
//!   is N; its bytes are UTF-8 or, failing that, Latin-1. Character references (`&lt; &gt;
//!   &amp; &quot; &apos;`, numeric) are decoded and control characters other than `\n` and
//!   `\t` dropped; the text is the TITLE on one line (whitespace runs made single spaces), a
//!   blank line, then the BODY with leading and trailing whitespace trimmed (the BODY alone
//!   when the TITLE is missing or empty). This is the text `newsgraph extract` reads from a
//!   `.sgm` file (`src/input/reuters.rs`).
//!
//! The split rule is here too ([`part_of`]): `train`, `dev` and `unseen`. The tests (`tests/labelled.rs`) and
//! `examples/labelled_texts.rs` both include this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub const CONLL_RULE: &str = "conll-detok-v1";
pub const REUTERS_RULE: &str = "reuters-title-body-v1";

/// The documents of a CoNLL file: per document, its sentences, each a list of tokens.
pub fn conll_documents(file: &str) -> Vec<Vec<Vec<String>>> {
    let mut docs: Vec<Vec<Vec<String>>> = Vec::new();
    let mut sentence: Vec<String> = Vec::new();
    fn flush(docs: &mut [Vec<Vec<String>>], sentence: &mut Vec<String>) {
        if !sentence.is_empty() {
            if let Some(doc) = docs.last_mut() {
                doc.push(std::mem::take(sentence));
            } else {
                sentence.clear();
            }
        }
    }
    for line in file.lines() {
        let token = line.split_whitespace().next();
        match token {
            None => flush(&mut docs, &mut sentence),
            Some("-DOCSTART-") => {
                flush(&mut docs, &mut sentence);
                docs.push(Vec::new());
            }
            Some(t) => sentence.push(t.to_string()),
        }
    }
    flush(&mut docs, &mut sentence);
    docs
}

fn attaches_left(t: &str) -> bool {
    matches!(
        t,
        "," | "."
            | ";"
            | ":"
            | "?"
            | "!"
            | "%"
            | ")"
            | "]"
            | "}"
            | "'"
            | "'s"
            | "'S"
            | "'m"
            | "'M"
            | "'ve"
            | "'ll"
            | "'d"
            | "'re"
            | "n't"
            | "N'T"
    )
}

fn attaches_right(t: &str) -> bool {
    matches!(t, "(" | "[" | "{" | "$")
}

/// One CoNLL sentence as text (rule `conll-detok-v1`).
pub fn detok_sentence<S: AsRef<str>>(tokens: &[S]) -> String {
    let quotes = tokens.iter().filter(|t| t.as_ref() == "\"").count();
    let mut out = String::new();
    let mut seen_quotes = 0;
    // Whether the previous token forbids a space after it.
    let mut glue_next = true;
    for (i, t) in tokens.iter().enumerate() {
        let t = t.as_ref();
        let (space_before, glue_after) = if t == "\"" {
            seen_quotes += 1;
            let last = i + 1 == tokens.len();
            let opening = seen_quotes % 2 == 1 && !(last && seen_quotes == quotes);
            if opening {
                (true, true)
            } else {
                (false, false)
            }
        } else {
            (!attaches_left(t), attaches_right(t))
        };
        if !out.is_empty() && space_before && !glue_next {
            out.push(' ');
        }
        out.push_str(t);
        glue_next = glue_after;
    }
    out
}

/// Document `index` (0-based `-DOCSTART-` block) of a CoNLL file as text.
pub fn conll_text(file: &str, index: usize) -> Option<String> {
    let docs = conll_documents(file);
    docs.get(index).map(|doc| doc_text(doc))
}

/// A CoNLL document's sentences as text, one line each.
pub fn doc_text(doc: &[Vec<String>]) -> String {
    let mut text = String::new();
    for s in doc {
        text.push_str(&detok_sentence(s));
        text.push('\n');
    }
    text
}

/// The article with `NEWID="newid"` of a Reuters-21578 `.sgm` file as text (rule
/// `reuters-title-body-v1`): the document newsgraph's own reader makes of it
/// (`src/input/reuters.rs`: title, a blank line, the body); None when it is absent or has
/// no BODY.
pub fn reuters_text(sgm: &Path, newid: u32) -> Option<String> {
    let id = format!("reuters-{newid}");
    newsgraph::input::load(&[sgm.to_path_buf()])
        .documents
        .into_iter()
        .find(|d| d.id == id)
        .map(|d| d.text)
}

/// Where a fixture's text comes from: its `"source"` object.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// Relative to `../shared/data`: `conll2003/valid.txt`, `reuters21578/reut2-003.sgm`.
    pub file: String,
    /// CoNLL: the 0-based `-DOCSTART-` index; Reuters-21578: the NEWID.
    pub document: u32,
    pub rebuild: String,
}

/// The `"source"` object of a fixture.
pub fn source_of(fixture: &serde_json::Value) -> Result<Source, String> {
    let s = &fixture["source"];
    let field = |name: &str| {
        s[name]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("source.{name} is missing"))
    };
    Ok(Source {
        file: field("file")?,
        document: s["document"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or("source.document is missing")?,
        rebuild: field("rebuild")?,
    })
}

/// The text `source` names, rebuilt from `data` (the `../shared/data` folder).
pub fn rebuild(data: &Path, source: &Source) -> Result<String, String> {
    rebuild_cached(data, source, &mut Corpora::default())
}

/// The corpus files read so far, by path: each document of a file, as text.
#[derive(Default)]
pub struct Corpora(std::collections::HashMap<PathBuf, std::collections::HashMap<u32, String>>);

/// [`rebuild`], reading each corpus file once for all the fixtures that name it.
pub fn rebuild_cached(
    data: &Path,
    source: &Source,
    corpora: &mut Corpora,
) -> Result<String, String> {
    let path = data.join(&source.file);
    if !corpora.0.contains_key(&path) {
        let docs = match source.rebuild.as_str() {
            CONLL_RULE => {
                let file = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                conll_documents(&file)
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (i as u32, doc_text(d)))
                    .collect()
            }
            REUTERS_RULE => newsgraph::input::load(std::slice::from_ref(&path))
                .documents
                .into_iter()
                .filter_map(|d| {
                    let newid = d.id.strip_prefix("reuters-")?.parse::<u32>().ok()?;
                    Some((newid, d.text))
                })
                .collect(),
            other => return Err(format!("unknown rebuild rule {other:?}")),
        };
        corpora.0.insert(path.clone(), docs);
    }
    corpora.0[&path]
        .get(&source.document)
        .cloned()
        .ok_or_else(|| match source.rebuild.as_str() {
            CONLL_RULE => format!("{}: no document {}", path.display(), source.document),
            _ => format!("{}: no article NEWID {}", path.display(), source.document),
        })
}

/// The ids of the first labelled set (issue 12), which the split rule never puts in
/// `unseen`: rules were written from them and their old unseen part has been scored.
pub fn legacy_ids() -> std::collections::BTreeSet<&'static str> {
    include_str!("../fixtures/labelled/legacy.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// 64-bit FNV-1a of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The part a fixture id belongs to (the split rule, fixed before any model or rule read
/// the corpus of issue 21; `training/corpus/select.py` applies the same): with `h` the
/// FNV-1a hash of `newsgraph-split-v2:` and the id, a document of the first set is `dev` when
/// `h % 4 == 0`, else `train`; any other document is `unseen` when `h % 10 < 3`, `dev` when
/// it is 3 or 4, else `train`.
pub fn part_of(id: &str) -> &'static str {
    let h = fnv1a(format!("newsgraph-split-v2:{id}").as_bytes());
    if legacy_ids().contains(id) {
        return if h.is_multiple_of(4) { "dev" } else { "train" };
    }
    match h % 10 {
        0..=2 => "unseen",
        3 | 4 => "dev",
        _ => "train",
    }
}

/// One fixture of a part, parsed, with its rebuilt text.
pub struct Rebuilt {
    pub file_name: String,
    pub json: serde_json::Value,
    pub text: String,
}

/// The fixture `*.json` files of `fixtures`, sorted by name.
pub fn fixture_paths(fixtures: &Path) -> Result<Vec<PathBuf>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures)
        .map_err(|e| format!("{}: {e}", fixtures.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Rebuilds the text of every fixture in `fixtures` from `data` (`../shared/data`). When
/// `out` is given, copies each fixture there and writes its text beside it under its
/// `text_file`, ready for `newsgraph eval fixtures OUT`.
pub fn rebuild_dir(
    data: &Path,
    fixtures: &Path,
    out: Option<&Path>,
) -> Result<Vec<Rebuilt>, String> {
    if let Some(out) = out {
        std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let mut rebuilt = Vec::new();
    let mut corpora = Corpora::default();
    for path in fixture_paths(fixtures)? {
        let raw = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let json: serde_json::Value =
            serde_json::from_str(&raw).map_err(|e| format!("{}: {e}", path.display()))?;
        let source = source_of(&json).map_err(|e| format!("{}: {e}", path.display()))?;
        let text = rebuild_cached(data, &source, &mut corpora)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let file_name = path.file_name().unwrap().to_string_lossy().to_string();
        if let Some(out) = out {
            let text_file = json["text_file"]
                .as_str()
                .ok_or_else(|| format!("{}: no text_file", path.display()))?;
            std::fs::write(out.join(&file_name), &raw).map_err(|e| format!("{file_name}: {e}"))?;
            std::fs::write(out.join(text_file), &text).map_err(|e| format!("{text_file}: {e}"))?;
        }
        rebuilt.push(Rebuilt {
            file_name,
            json,
            text,
        });
    }
    Ok(rebuilt)
}
