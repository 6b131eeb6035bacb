//! The rules file: TOML read into relation types, lexicons, rules and cues, checked with line numbers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::pattern::{Pattern, Role};
use super::syntax::{self, DepPath, Expansion, TokenTest};
use super::Modality;

/// The default rules, built into the binary.
pub const BUILTIN: &str = include_str!("../../rules/relations.toml");

/// Why a rules file was rejected.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    // The I/O error in the message and not as a source, so that a chain says it once.
    #[error("cannot read {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("{}line {line}: {message}", path.as_ref().map(|p| format!("{p}: ")).unwrap_or_default())]
    Invalid {
        path: Option<String>,
        line: usize,
        message: String,
    },
}

impl RulesError {
    /// The line the error is on (1-based), for invalid files.
    pub fn line(&self) -> Option<usize> {
        match self {
            RulesError::Invalid { line, .. } => Some(*line),
            RulesError::Read { .. } => None,
        }
    }
}

pub use crate::lexicon::words_of;

/// Rules-file lexicons are the shared phrase-list type, folded as resolve's lists are.
pub use crate::lexicon::Lexicon;

/// Regular inflections of a word: sanction -> sanctions, sanctioned, sanctioning;
/// ban -> bans, banned, banning; freeze -> freezes, freezed, freezing; apply -> applies, applied.
pub fn inflections(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    if n < 2 || !chars.iter().all(|c| c.is_alphabetic()) {
        return out;
    }
    let vowel = |c: char| "aeiou".contains(c);
    let last = chars[n - 1];
    let stem_y = last == 'y' && !vowel(chars[n - 2]);
    let base = &word[..word.len() - last.len_utf8()];
    if stem_y {
        out.push(format!("{base}ies"));
        out.push(format!("{base}ied"));
    } else if word.ends_with(['s', 'x', 'z']) || word.ends_with("ch") || word.ends_with("sh") {
        out.push(format!("{word}es"));
    } else {
        out.push(format!("{word}s"));
    }
    if last == 'e' {
        if !stem_y {
            out.push(format!("{word}d"));
        }
        out.push(format!("{base}ing"));
    } else {
        if !stem_y {
            out.push(format!("{word}ed"));
        }
        out.push(format!("{word}ing"));
        // Consonant-vowel-consonant: ban -> banned, plan -> planning (and ratchet -> ratchetted,
        // harmless since no one writes it).
        let cvc = n >= 3
            && !vowel(last)
            && !"wxy".contains(last)
            && vowel(chars[n - 2])
            && !vowel(chars[n - 3]);
        if cvc {
            out.push(format!("{word}{last}ed"));
            out.push(format!("{word}{last}ing"));
        }
    }
    out
}

/// How a relation type behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationType {
    pub name: String,
    pub directed: bool,
    /// The target is a claim node built from a number.
    pub figure: bool,
}

/// One rule of the file.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub relation: String,
    pub kind: RuleKind,
    /// Figure relations: every number of the sentence is a figure of this rule's source.
    pub sentence_figures: bool,
    /// The source slot accepts a pronoun.
    pub pronouns: bool,
    /// Only sentences the parser did not analyse (a surface fallback for a syntax rule).
    pub unparsed_only: bool,
}

/// How a rule matches: words in order, or a trigger and paths in the dependency parse.
#[derive(Clone, Debug)]
pub enum RuleKind {
    Surface(Pattern),
    Syntax(SyntaxRule),
}

/// A syntax rule: a trigger token and the paths from it to its arguments.
#[derive(Clone, Debug)]
pub struct SyntaxRule {
    pub trigger: TokenTest,
    pub source: Vec<DepPath>,
    pub target: Vec<DepPath>,
    /// Undirected relations: every pair of the entities these paths reach.
    pub group: Vec<DepPath>,
    /// Figure relations: the numbers in the subtrees these paths reach.
    pub figures: Vec<DepPath>,
    /// The named steps from a node to the entities it stands for.
    pub expand: BTreeSet<Expansion>,
}

/// Where a syntax cue looks, from the trigger and the governors above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CueSite {
    /// A dependent (by one of `deprels`) of the trigger or a governor: "not", "could".
    Dependent,
    /// A governor above the trigger: "called on the EU to impose", "refused to meet".
    Governor,
}

/// A cue that reads the parse.
#[derive(Clone, Debug)]
pub struct SyntaxCue {
    pub name: String,
    pub lexicon: usize,
    pub effect: Effect,
    pub site: CueSite,
    /// Dependent cues: the relations a cue word is attached by (all when empty).
    pub deprels: Vec<String>,
    /// Relation types it applies to (all when None).
    pub relations: Option<BTreeSet<String>>,
}

/// What a cue does to a match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Drop,
    Planned,
}

impl Effect {
    /// The modality a match keeps once these cues fired on it: None when one drops it.
    pub fn modality(fired: impl IntoIterator<Item = Effect>) -> Option<Modality> {
        let mut planned = false;
        for effect in fired {
            match effect {
                Effect::Drop => return None,
                Effect::Planned => planned = true,
            }
        }
        Some(if planned {
            Modality::Planned
        } else {
            Modality::Asserted
        })
    }
}

/// Whether a cue limited to `relations` (all when None) applies to `relation`.
pub fn cue_applies(relations: &Option<BTreeSet<String>>, relation: &str) -> bool {
    relations.as_ref().is_none_or(|r| r.contains(relation))
}

#[derive(Clone, Debug)]
pub struct Cue {
    pub name: String,
    pub lexicon: usize,
    pub effect: Effect,
    pub before: usize,
    /// Relation types it applies to (all when None).
    pub relations: Option<BTreeSet<String>>,
}

/// Lexicons that slot matching relies on.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub pronouns: Option<usize>,
    pub pronoun_reach: usize,
    pub determiners: Option<usize>,
    pub titles: Option<usize>,
    pub collective: Option<usize>,
    pub modifier_heads: Option<usize>,
    pub appositive: Option<usize>,
    pub conjunctions: Option<usize>,
    pub gap_stops: Option<usize>,
    /// A pattern that starts with a slot does not match right after these ("Bank of France").
    pub subject_not_after: Option<usize>,
    /// Syntax cues climb from a trigger to its governor through these relations.
    pub cue_climb: Vec<String>,
}

/// Lexicons that number reading relies on.
#[derive(Clone, Debug, Default)]
pub struct NumberSettings {
    pub qualifiers: Option<usize>,
    pub exclude_before: Option<usize>,
    pub exclude_after: Option<usize>,
    pub anaphoric: Option<usize>,
    /// Only numbers up to this are anaphoric ("the two leaders", not "the one billion citizens").
    pub anaphoric_max: f64,
    /// Units by name, each with the words that name it ("USD": "$", "dollars", "dlrs").
    pub units: Vec<(String, Lexicon)>,
}

/// A checked rules file.
#[derive(Clone, Debug)]
pub struct RuleSet {
    pub relations: BTreeMap<String, RelationType>,
    pub lexicons: Vec<Lexicon>,
    pub rules: Vec<Rule>,
    pub cues: Vec<Cue>,
    pub syntax_cues: Vec<SyntaxCue>,
    pub settings: Settings,
    pub numbers: NumberSettings,
    /// The texts of the list files its lexicons read from disk (`file = "PATH"`), in file
    /// order, so that a run's fingerprint changes when one of them does.
    pub list_texts: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    settings: RawSettings,
    #[serde(default)]
    numbers: RawNumbers,
    #[serde(default)]
    relation: BTreeMap<String, Spanned<RawRelation>>,
    #[serde(default)]
    lexicon: BTreeMap<String, Spanned<RawLexicon>>,
    #[serde(default)]
    cue: Vec<Spanned<RawCue>>,
    #[serde(default)]
    syntax_cue: Vec<Spanned<RawSyntaxCue>>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    pronouns: Option<Spanned<String>>,
    pronoun_reach: Option<usize>,
    determiners: Option<Spanned<String>>,
    titles: Option<Spanned<String>>,
    collective: Option<Spanned<String>>,
    modifier_heads: Option<Spanned<String>>,
    appositive: Option<Spanned<String>>,
    conjunctions: Option<Spanned<String>>,
    gap_stops: Option<Spanned<String>>,
    subject_not_after: Option<Spanned<String>>,
    #[serde(default)]
    cue_climb: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawNumbers {
    qualifiers: Option<Spanned<String>>,
    exclude_before: Option<Spanned<String>>,
    exclude_after: Option<Spanned<String>>,
    anaphoric: Option<Spanned<String>>,
    anaphoric_max: Option<f64>,
    #[serde(default)]
    units: BTreeMap<String, Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelation {
    #[serde(default = "yes")]
    directed: bool,
    #[serde(default)]
    figure: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    #[serde(default)]
    words: Vec<String>,
    /// A word-list file whose entries join `words`: a built-in list's name ("titles") or a
    /// path, relative to the rules file's folder.
    file: Option<Spanned<String>>,
    #[serde(default)]
    inflect: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCue {
    name: String,
    lexicon: Spanned<String>,
    effect: Spanned<String>,
    #[serde(default)]
    before: usize,
    relations: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSyntaxCue {
    name: String,
    lexicon: Spanned<String>,
    effect: Spanned<String>,
    site: Spanned<String>,
    #[serde(default)]
    deprels: Vec<String>,
    relations: Option<Spanned<Vec<String>>>,
}

/// One path or a list of them.
#[derive(Deserialize)]
#[serde(untagged)]
enum Paths {
    One(String),
    Many(Vec<String>),
}

impl Paths {
    fn list(&self) -> Vec<&str> {
        match self {
            Paths::One(p) => vec![p.as_str()],
            Paths::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    relation: Spanned<String>,
    #[serde(default)]
    kind: Option<Spanned<String>>,
    pattern: Option<Spanned<String>>,
    figures: Option<Spanned<Paths>>,
    #[serde(default)]
    pronouns: bool,
    #[serde(default)]
    unparsed_only: bool,
    trigger: Option<Spanned<String>>,
    source: Option<Spanned<Paths>>,
    target: Option<Spanned<Paths>>,
    group: Option<Spanned<Paths>>,
    expand: Option<Spanned<Vec<String>>>,
}

fn line_of(src: &str, offset: usize) -> usize {
    src[..offset.min(src.len())].matches('\n').count() + 1
}

impl RuleSet {
    /// The built-in rules (`rules/relations.toml`).
    pub fn builtin() -> Self {
        Self::parse(BUILTIN).expect("the built-in rules file is valid (tested)")
    }

    /// Reads and checks a rules file.
    pub fn from_file(path: &Path) -> Result<Self, RulesError> {
        let src = std::fs::read_to_string(path).map_err(|error| RulesError::Read {
            path: path.display().to_string(),
            error,
        })?;
        Self::parse_in(&src, path.parent()).map_err(|e| match e {
            RulesError::Invalid { line, message, .. } => RulesError::Invalid {
                path: Some(path.display().to_string()),
                line,
                message,
            },
            other => other,
        })
    }

    /// Parses and checks the text of a rules file; `file = "PATH"` lexicons are read
    /// relative to the working folder.
    pub fn parse(src: &str) -> Result<Self, RulesError> {
        Self::parse_in(src, None)
    }

    /// Parses and checks the text of a rules file whose `file = "PATH"` lexicons are read
    /// relative to `folder` (the rules file's own folder).
    pub fn parse_in(src: &str, folder: Option<&Path>) -> Result<Self, RulesError> {
        let invalid = |offset: usize, message: String| RulesError::Invalid {
            path: None,
            line: line_of(src, offset),
            message,
        };
        let raw: RawFile = toml::from_str(src).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            invalid(offset, e.message().trim().to_string())
        })?;

        let mut lexicons = Vec::new();
        let mut lex_index: BTreeMap<String, usize> = BTreeMap::new();
        let mut list_texts = Vec::new();
        for (name, lex) in &raw.lexicon {
            let at = lex.span().start;
            check_name(name).map_err(|m| invalid(at, format!("lexicon `{name}`: {m}")))?;
            let lex = lex.get_ref();
            let mut written: Vec<String> = lex.words.clone();
            if let Some(file) = &lex.file {
                let from_file = list_file(file.get_ref(), folder, &mut list_texts)
                    .map_err(|m| invalid(file.span().start, format!("lexicon `{name}`: {m}")))?;
                written.extend(from_file);
            }
            if written.is_empty() {
                return Err(invalid(at, format!("lexicon `{name}` has no words")));
            }
            let mut phrases = Vec::new();
            for w in &written {
                let words = crate::lexicon::phrase_words(w);
                if words.is_empty() {
                    return Err(invalid(at, format!("lexicon `{name}` has an empty entry")));
                }
                if lex.inflect {
                    let (first, last) = (words[0].clone(), words[words.len() - 1].clone());
                    for f in inflections(&first) {
                        let mut p = words.clone();
                        p[0] = f;
                        phrases.push(p);
                    }
                    for l in inflections(&last) {
                        let mut p = words.clone();
                        let n = p.len();
                        p[n - 1] = l;
                        phrases.push(p);
                    }
                } else {
                    phrases.push(words);
                }
            }
            lex_index.insert(name.clone(), lexicons.len());
            lexicons.push(Lexicon::new(name, phrases));
        }
        let find = |name: &Spanned<String>, what: &str| -> Result<usize, RulesError> {
            lex_index.get(name.get_ref()).copied().ok_or_else(|| {
                invalid(
                    name.span().start,
                    format!("{what}: unknown lexicon `{}`", name.get_ref()),
                )
            })
        };
        let opt =
            |name: &Option<Spanned<String>>, what: &str| -> Result<Option<usize>, RulesError> {
                name.as_ref().map(|n| find(n, what)).transpose()
            };

        let s = &raw.settings;
        let settings = Settings {
            pronouns: opt(&s.pronouns, "settings.pronouns")?,
            pronoun_reach: s.pronoun_reach.unwrap_or(6),
            determiners: opt(&s.determiners, "settings.determiners")?,
            titles: opt(&s.titles, "settings.titles")?,
            collective: opt(&s.collective, "settings.collective")?,
            modifier_heads: opt(&s.modifier_heads, "settings.modifier_heads")?,
            appositive: opt(&s.appositive, "settings.appositive")?,
            conjunctions: opt(&s.conjunctions, "settings.conjunctions")?,
            gap_stops: opt(&s.gap_stops, "settings.gap_stops")?,
            subject_not_after: opt(&s.subject_not_after, "settings.subject_not_after")?,
            cue_climb: s.cue_climb.clone(),
        };
        let n = &raw.numbers;
        let numbers = NumberSettings {
            qualifiers: opt(&n.qualifiers, "numbers.qualifiers")?,
            exclude_before: opt(&n.exclude_before, "numbers.exclude_before")?,
            exclude_after: opt(&n.exclude_after, "numbers.exclude_after")?,
            anaphoric: opt(&n.anaphoric, "numbers.anaphoric")?,
            anaphoric_max: n.anaphoric_max.unwrap_or(12.0),
            units: n
                .units
                .iter()
                .map(|(name, words)| {
                    if words.get_ref().is_empty() {
                        return Err(invalid(
                            words.span().start,
                            format!("unit `{name}` has no words"),
                        ));
                    }
                    Ok((
                        name.clone(),
                        Lexicon::from_phrases(name, words.get_ref().iter().map(String::as_str)),
                    ))
                })
                .collect::<Result<_, _>>()?,
        };

        let mut relations = BTreeMap::new();
        for (name, rel) in &raw.relation {
            let at = rel.span().start;
            check_name(name).map_err(|m| invalid(at, format!("relation `{name}`: {m}")))?;
            let r = rel.get_ref();
            if r.figure && !r.directed {
                return Err(invalid(
                    at,
                    format!("relation `{name}`: a figure relation is directed (source -> figure)"),
                ));
            }
            relations.insert(
                name.clone(),
                RelationType {
                    name: name.clone(),
                    directed: r.directed,
                    figure: r.figure,
                },
            );
        }

        // What both kinds of cue share: the effect and the relation types named.
        let effect_of = |effect: &Spanned<String>, what: &str| match effect.get_ref().as_str() {
            "drop" => Ok(Effect::Drop),
            "planned" => Ok(Effect::Planned),
            other => Err(invalid(
                effect.span().start,
                format!("{what}: unknown effect `{other}` (effects: drop, planned)"),
            )),
        };
        let relations_of = |list: &Option<Spanned<Vec<String>>>, what: &str| {
            let Some(list) = list else { return Ok(None) };
            match list.get_ref().iter().find(|r| !relations.contains_key(*r)) {
                Some(r) => Err(invalid(
                    list.span().start,
                    format!("{what}: unknown relation `{r}`"),
                )),
                None => Ok(Some(list.get_ref().iter().cloned().collect())),
            }
        };
        let mut cues = Vec::new();
        for cue in &raw.cue {
            let c = cue.get_ref();
            let what = format!("cue `{}`", c.name);
            cues.push(Cue {
                name: c.name.clone(),
                lexicon: find(&c.lexicon, &what)?,
                effect: effect_of(&c.effect, &what)?,
                before: c.before,
                relations: relations_of(&c.relations, &what)?,
            });
        }
        let mut syntax_cues = Vec::new();
        for cue in &raw.syntax_cue {
            let c = cue.get_ref();
            let what = format!("syntax cue `{}`", c.name);
            let site = match c.site.get_ref().as_str() {
                "dependent" => CueSite::Dependent,
                "governor" => CueSite::Governor,
                other => {
                    return Err(invalid(
                        c.site.span().start,
                        format!("{what}: unknown site `{other}` (sites: dependent, governor)"),
                    ))
                }
            };
            syntax_cues.push(SyntaxCue {
                name: c.name.clone(),
                lexicon: find(&c.lexicon, &what)?,
                effect: effect_of(&c.effect, &what)?,
                site,
                deprels: c.deprels.clone(),
                relations: relations_of(&c.relations, &what)?,
            });
        }

        let mut rules = Vec::new();
        let mut ids = BTreeSet::new();
        for rule in &raw.rule {
            let r = rule.get_ref();
            let id = r.id.get_ref().clone();
            if id.trim().is_empty() {
                return Err(invalid(r.id.span().start, "a rule needs an id".into()));
            }
            if !ids.insert(id.clone()) {
                return Err(invalid(
                    r.id.span().start,
                    format!("rule `{id}`: the id is used twice"),
                ));
            }
            let relation = relations.get(r.relation.get_ref()).ok_or_else(|| {
                invalid(
                    r.relation.span().start,
                    format!(
                        "rule `{id}`: unknown relation `{}` (declare it with [relation.{}])",
                        r.relation.get_ref(),
                        r.relation.get_ref()
                    ),
                )
            })?;
            let syntax_kind = match r.kind.as_ref().map(|k| k.get_ref().as_str()) {
                None | Some("surface") => false,
                Some("syntax") => true,
                Some(other) => {
                    return Err(invalid(
                        r.kind.as_ref().map_or(0, |k| k.span().start),
                        format!("rule `{id}`: unknown kind `{other}` (kinds: surface, syntax)"),
                    ))
                }
            };
            let at = rule.span().start;
            let (kind, sentence_figures) = if syntax_kind {
                let rule_kind =
                    self::syntax_rule(r, relation, &lex_index).map_err(|(offset, m)| {
                        invalid(offset.unwrap_or(at), format!("rule `{id}`: {m}"))
                    })?;
                (RuleKind::Syntax(rule_kind), false)
            } else {
                let pattern_src = r.pattern.as_ref().ok_or_else(|| {
                    invalid(at, format!("rule `{id}`: a surface rule needs a `pattern`"))
                })?;
                for (field, present) in [
                    ("trigger", r.trigger.is_some()),
                    ("source", r.source.is_some()),
                    ("target", r.target.is_some()),
                    ("group", r.group.is_some()),
                    ("expand", r.expand.is_some()),
                ] {
                    if present {
                        return Err(invalid(
                            at,
                            format!("rule `{id}`: `{field}` belongs to syntax rules (kind = \"syntax\")"),
                        ));
                    }
                }
                let pattern = Pattern::parse(pattern_src.get_ref(), |n| lex_index.get(n).copied())
                    .map_err(|m| invalid(pattern_src.span().start, format!("rule `{id}`: {m}")))?;
                let sentence_figures = match &r.figures {
                    None => false,
                    Some(f) => match f.get_ref() {
                        Paths::One(mode) if mode == "sentence" && relation.figure => true,
                        Paths::One(mode) if mode == "sentence" => {
                            return Err(invalid(
                                f.span().start,
                                format!(
                                    "rule `{id}`: `figures` needs a figure relation ([relation.{}] figure = true)",
                                    relation.name
                                ),
                            ))
                        }
                        other => {
                            return Err(invalid(
                                f.span().start,
                                format!(
                                    "rule `{id}`: unknown figures mode `{}` (modes: sentence)",
                                    other.list().join(", ")
                                ),
                            ))
                        }
                    },
                };
                check_roles(relation, &pattern.roles(), sentence_figures)
                    .map_err(|m| invalid(pattern_src.span().start, format!("rule `{id}`: {m}")))?;
                (RuleKind::Surface(pattern), sentence_figures)
            };
            if r.pronouns && settings.pronouns.is_none() {
                return Err(invalid(
                    rule.span().start,
                    format!("rule `{id}`: `pronouns = true` needs settings.pronouns"),
                ));
            }
            rules.push(Rule {
                id,
                relation: relation.name.clone(),
                kind,
                sentence_figures,
                pronouns: r.pronouns,
                unparsed_only: r.unparsed_only,
            });
        }
        Ok(Self {
            relations,
            lexicons,
            rules,
            cues,
            syntax_cues,
            settings,
            numbers,
            list_texts,
        })
    }
}

/// The entries of a lexicon's `file`: a built-in list by name ("titles", from
/// `data/resolve/`), or a path (it has a `/` or a `.`) relative to `folder`.
fn list_file(
    file: &str,
    folder: Option<&Path>,
    read: &mut Vec<String>,
) -> Result<Vec<String>, String> {
    let builtin = !file.contains(['/', '.', '\\']);
    let (label, text) = if builtin {
        let text = crate::resolve::lexicon::builtin_list(file).ok_or_else(|| {
            format!(
                "unknown list `{file}` (built-in lists: {}; or a path to a .txt file)",
                crate::resolve::lexicon::builtin_list_names().join(", ")
            )
        })?;
        (format!("{file}.txt"), text.to_string())
    } else {
        let path = folder.map_or_else(|| Path::new(file).to_path_buf(), |d| d.join(file));
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        (file.to_string(), text)
    };
    let entries = crate::lexicon::list_entries(&label, &text).map_err(|e| e.to_string())?;
    if !builtin {
        read.push(text.clone());
    }
    Ok(entries.into_iter().map(|(_, e)| e.to_string()).collect())
}

/// Checks the fields of a syntax rule: an error is (offset in the file, message).
fn syntax_rule(
    r: &RawRule,
    relation: &RelationType,
    lex_index: &BTreeMap<String, usize>,
) -> Result<SyntaxRule, (Option<usize>, String)> {
    let lexicon = |n: &str| lex_index.get(n).copied();
    if r.pattern.is_some() {
        return Err((
            None,
            "a syntax rule has a `trigger` and paths, not a `pattern`".into(),
        ));
    }
    let trigger = r
        .trigger
        .as_ref()
        .ok_or((None, "a syntax rule needs a `trigger`".to_string()))?;
    let trigger_test = syntax::parse_test(trigger.get_ref(), &lexicon)
        .map_err(|m| (Some(trigger.span().start), format!("trigger: {m}")))?;
    let paths = |field: &Option<Spanned<Paths>>,
                 name: &str|
     -> Result<Vec<DepPath>, (Option<usize>, String)> {
        let Some(f) = field else {
            return Ok(Vec::new());
        };
        f.get_ref()
            .list()
            .into_iter()
            .map(|p| {
                syntax::parse_path(p, &lexicon)
                    .map_err(|m| (Some(f.span().start), format!("{name}: {m}")))
            })
            .collect()
    };
    let source = paths(&r.source, "source")?;
    let target = paths(&r.target, "target")?;
    let group = paths(&r.group, "group")?;
    let figures = paths(&r.figures, "figures")?;
    let mut expand = BTreeSet::new();
    if let Some(list) = &r.expand {
        for name in list.get_ref() {
            let step = Expansion::parse(name).ok_or_else(|| {
                let known: Vec<&str> = Expansion::ALL.iter().map(|e| e.name()).collect();
                (
                    Some(list.span().start),
                    format!(
                        "unknown expansion step `{name}` (steps: {})",
                        known.join(", ")
                    ),
                )
            })?;
            expand.insert(step);
        }
    }
    if relation.figure {
        if source.is_empty() || figures.is_empty() {
            return Err((
                None,
                format!(
                    "relation `{}` takes figures: a syntax rule needs `source` and `figures` paths",
                    relation.name
                ),
            ));
        }
        if !target.is_empty() || !group.is_empty() {
            return Err((
                None,
                format!(
                    "relation `{}` takes figures, not `target` or `group`",
                    relation.name
                ),
            ));
        }
    } else {
        if !figures.is_empty() {
            return Err((
                None,
                format!(
                    "relation `{}` links entities: `figures` belongs to figure relations",
                    relation.name
                ),
            ));
        }
        if !group.is_empty() && relation.directed {
            return Err((
                None,
                format!(
                    "relation `{}` is directed: `group` pairs entities without a direction",
                    relation.name
                ),
            ));
        }
        if group.is_empty() && (source.is_empty() || target.is_empty()) {
            return Err((
                None,
                "a syntax rule needs `source` and `target` paths, or `group`".into(),
            ));
        }
    }
    Ok(SyntaxRule {
        trigger: trigger_test,
        source,
        target,
        group,
        figures,
        expand,
    })
}

fn check_name(name: &str) -> Result<(), String> {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    {
        Ok(())
    } else {
        Err("names use a-z, 0-9, `_` and `-`".into())
    }
}

/// The slots a pattern must have for its relation.
fn check_roles(
    relation: &RelationType,
    roles: &[Role],
    sentence_figures: bool,
) -> Result<(), String> {
    let count = |r: Role| roles.iter().filter(|&&x| x == r).count();
    let (sources, targets, groups, figures) = (
        count(Role::Source),
        count(Role::Target),
        count(Role::Group),
        count(Role::Figure),
    );
    if relation.figure {
        if targets + groups > 0 {
            return Err(format!(
                "relation `{}` takes figures: use {{source}} and {{figure}} (or figures = \"sentence\")",
                relation.name
            ));
        }
        if sources == 0 {
            return Err("the pattern needs a {source} slot".into());
        }
        if figures == 0 && !sentence_figures {
            return Err("the pattern needs a {figure} slot, or figures = \"sentence\"".into());
        }
        return Ok(());
    }
    if figures > 0 {
        return Err(format!(
            "relation `{}` links entities: {{figure}} belongs to figure relations",
            relation.name
        ));
    }
    if groups > 0 && relation.directed {
        return Err(format!(
            "relation `{}` is directed: {{group}} pairs entities without a direction",
            relation.name
        ));
    }
    let pairs = (sources > 0 && targets > 0) || groups > 0;
    if !pairs {
        return Err(if relation.directed {
            "the pattern needs a {source} and a {target} slot".into()
        } else {
            "the pattern needs a {source} and a {target} slot, or a {group} slot".into()
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(src: &str) -> (usize, String) {
        match RuleSet::parse(src) {
            Err(RulesError::Invalid { line, message, .. }) => (line, message),
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => panic!("accepted:\n{src}"),
        }
    }

    #[test]
    fn builtin_rules_are_valid() {
        let rules = RuleSet::builtin();
        assert!(rules.relations.contains_key("sanctions"));
        assert!(rules.relations.contains_key("meets"));
        assert!(rules.relations["claims"].figure);
        assert!(rules.rules.len() >= 10);
        assert!(!rules.relations["meets"].directed);
    }

    #[test]
    fn inflections_cover_regular_verbs_and_nouns() {
        let has = |w: &str, f: &str| inflections(w).iter().any(|x| x == f);
        for (w, f) in [
            ("sanction", "sanctions"),
            ("sanction", "sanctioned"),
            ("sanction", "sanctioning"),
            ("ban", "banned"),
            ("ban", "banning"),
            ("impose", "imposed"),
            ("impose", "imposing"),
            ("impose", "imposes"),
            ("apply", "applies"),
            ("apply", "applied"),
            ("freeze", "freezing"),
            ("ratchet", "ratcheting"),
            ("talk", "talks"),
            ("meeting", "meetings"),
            ("embargo", "embargoed"),
        ] {
            assert!(has(w, f), "{w} -> {f}: {:?}", inflections(w));
        }
        assert!(!has("note", "not"));
    }

    #[test]
    fn syntax_errors_give_the_line() {
        let (line, msg) = error_of("[relation.visits]\ndirected = true\n\n[[rule]]\nid = \"x\"\npattern = \"{source} @visit {target}\n");
        assert_eq!(line, 6, "{msg}");
        let (line, msg) = error_of("[relation.visits]\ndirected = yes\n");
        assert_eq!(line, 2, "{msg}");
        let (line, msg) = error_of("[relation.visits]\ndirectd = true\n");
        assert_eq!(line, 2);
        assert!(msg.contains("directd"), "{msg}");
    }

    #[test]
    fn semantic_errors_give_the_line_and_reason() {
        let base = "[relation.visits]\n\n[lexicon.visit]\nwords = [\"visit\"]\ninflect = true\n\n[[rule]]\nid = \"visits.verb\"\nrelation = \"visits\"\n";
        let cases = [
            (
                "pattern = \"{source} @visits {target}\"\n",
                "unknown lexicon `visits`",
            ),
            (
                "pattern = \"{source} @visit {place}\"\n",
                "unknown slot `place`",
            ),
            (
                "pattern = \"{source} @visit\"\n",
                "needs a {source} and a {target}",
            ),
            ("pattern = \"{group} @visit\"\n", "directed"),
            (
                "pattern = \"{source} @visit {figure}\"\n",
                "figure relations",
            ),
        ];
        for (tail, want) in cases {
            let (line, msg) = error_of(&format!("{base}{tail}"));
            assert_eq!(line, 10, "{msg}");
            assert!(msg.contains(want), "{msg} lacks {want}");
            assert!(msg.contains("visits.verb"), "{msg}");
        }
        let (line, msg) = error_of(&format!(
            "{base}relation = \"visitz\"\npattern = \"{{source}} @visit {{target}}\"\n"
        ));
        assert!(
            msg.contains("duplicate") || msg.contains("relation"),
            "{msg}"
        );
        assert_eq!(line, 10);
        let (line, msg) = error_of("[relation.x]\n[[rule]]\nid = \"a\"\nrelation = \"y\"\npattern = \"{source} said {target}\"\n");
        assert_eq!(line, 4);
        assert!(msg.contains("unknown relation `y`"), "{msg}");
        let (line, msg) = error_of("[relation.x]\n[lexicon.n]\nwords = [\"not\"]\n[[cue]]\nname = \"neg\"\nlexicon = \"n\"\neffect = \"maybe\"\n");
        assert_eq!(line, 7);
        assert!(msg.contains("unknown effect `maybe`"), "{msg}");
        let (line, msg) = error_of("[settings]\ntitles = \"title\"\n");
        assert_eq!(line, 2);
        assert!(msg.contains("unknown lexicon `title`"), "{msg}");
        let (line, msg) = error_of("[relation.x]\n[[rule]]\nid = \"a\"\nrelation = \"x\"\npattern = \"{source} said {target}\"\n[[rule]]\nid = \"a\"\nrelation = \"x\"\npattern = \"{source} met {target}\"\n");
        assert_eq!(line, 7);
        assert!(msg.contains("used twice"), "{msg}");
    }

    #[test]
    fn file_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "[relation.x]\n\n[[rule]]\nid = 3\n").unwrap();
        let err = RuleSet::from_file(&path).unwrap_err().to_string();
        assert!(err.contains("bad.toml: line 4:"), "{err}");
        let missing = RuleSet::from_file(&dir.path().join("none.toml")).unwrap_err();
        assert!(missing.to_string().contains("cannot read"));
    }

    #[test]
    fn the_title_lexicon_is_resolves_title_list() {
        let rules = RuleSet::builtin();
        let title = rules.settings.titles.map(|i| &rules.lexicons[i]).unwrap();
        let resolve = crate::resolve::WordLists::builtin();
        let ours: Vec<&[String]> = title.entries().collect();
        let theirs: Vec<&[String]> = resolve.titles.entries().collect();
        assert_eq!(ours, theirs);
        assert!(title.contains_word("Gen."));
        assert!(title.contains_word("tycoon"));
        assert!(resolve.titles.contains_word("tycoon"));
    }

    #[test]
    fn lexicon_files_are_read_beside_the_rules_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("verbs.txt"), "# mine\nvisit\nfly to\n").unwrap();
        let rules = "[lexicon.title]\nfile = \"titles\"\n\n[lexicon.visit]\nwords = [\"tour\"]\nfile = \"verbs.txt\"\ninflect = true\n";
        let path = dir.path().join("r.toml");
        std::fs::write(&path, rules).unwrap();
        let set = RuleSet::from_file(&path).unwrap();
        let visit = set.lexicons.iter().find(|l| l.name == "visit").unwrap();
        assert!(visit.contains_word("visited") && visit.contains_word("toured"));
        assert!(visit.entries().any(|e| e == ["fly", "to"]));
        assert_eq!(
            set.list_texts.len(),
            1,
            "built-in lists are not read from disk"
        );

        std::fs::write(dir.path().join("bad.txt"), "visit\nfly\tto\n").unwrap();
        for (file, want) in [
            ("none.txt", "cannot read"),
            ("nosuchlist", "unknown list `nosuchlist`"),
            ("bad.txt", "bad.txt line 2"),
        ] {
            std::fs::write(
                &path,
                format!("[relation.x]\n\n[lexicon.visit]\nfile = \"{file}\"\n"),
            )
            .unwrap();
            let err = RuleSet::from_file(&path).unwrap_err();
            assert_eq!(err.line(), Some(4), "{err}");
            assert!(err.to_string().contains(want), "{err} lacks {want}");
        }
    }

    #[test]
    fn lexicons_match_phrases_longest_first() {
        let toks = crate::analysis::analyse("They called on the EU", &[], None)
            .unwrap()
            .tokens;
        let lex = Lexicon::new(
            "demand",
            [words_of("called"), words_of("called on"), words_of("urged")],
        );
        assert_eq!(lex.lengths_at(&toks, 1, toks.len()), vec![2, 1]);
        assert_eq!(lex.lengths_at(&toks, 1, 2), vec![1]);
        assert!(lex.ends_at(&toks, 0, 3));
        assert!(lex.lengths_at(&toks, 0, toks.len()).is_empty());
    }
}
