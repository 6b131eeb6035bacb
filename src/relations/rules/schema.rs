//! The rules file as TOML: the serde schema it is read into before it is checked.

use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    #[serde(default)]
    pub(super) settings: RawSettings,
    #[serde(default)]
    pub(super) numbers: RawNumbers,
    #[serde(default)]
    pub(super) relation: BTreeMap<String, Spanned<RawRelation>>,
    #[serde(default)]
    pub(super) lexicon: BTreeMap<String, Spanned<RawLexicon>>,
    #[serde(default)]
    pub(super) cue: Vec<Spanned<RawCue>>,
    #[serde(default)]
    pub(super) syntax_cue: Vec<Spanned<RawSyntaxCue>>,
    #[serde(default)]
    pub(super) rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSettings {
    pub(super) pronouns: Option<Spanned<String>>,
    pub(super) pronoun_reach: Option<usize>,
    pub(super) male_pronouns: Option<Spanned<String>>,
    pub(super) female_pronouns: Option<Spanned<String>>,
    pub(super) organisation_pronouns: Option<Spanned<String>>,
    pub(super) organisation_pronoun_reach: Option<usize>,
    pub(super) male_titles: Option<Spanned<String>>,
    pub(super) female_titles: Option<Spanned<String>>,
    pub(super) determiners: Option<Spanned<String>>,
    pub(super) titles: Option<Spanned<String>>,
    pub(super) collective: Option<Spanned<String>>,
    pub(super) modifier_heads: Option<Spanned<String>>,
    pub(super) sectors: Option<Spanned<String>>,
    pub(super) appositive: Option<Spanned<String>>,
    pub(super) conjunctions: Option<Spanned<String>>,
    pub(super) gap_stops: Option<Spanned<String>>,
    pub(super) subject_not_after: Option<Spanned<String>>,
    pub(super) owner_cases: Option<Spanned<String>>,
    pub(super) descriptions: Option<Spanned<String>>,
    pub(super) company_descriptions: Option<Spanned<String>>,
    pub(super) press_descriptions: Option<Spanned<String>>,
    pub(super) legal_forms: Option<Spanned<String>>,
    pub(super) statements: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) cue_climb: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNumbers {
    pub(super) qualifiers: Option<Spanned<String>>,
    pub(super) exclude_before: Option<Spanned<String>>,
    pub(super) exclude_after: Option<Spanned<String>>,
    pub(super) name_after: Option<Spanned<String>>,
    pub(super) anaphoric: Option<Spanned<String>>,
    pub(super) anaphoric_max: Option<f64>,
    #[serde(default)]
    pub(super) units: BTreeMap<String, Spanned<Vec<String>>>,
    /// Units by the words that name their hundredths ("cts": USD).
    #[serde(default)]
    pub(super) hundredths: BTreeMap<String, Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRelation {
    #[serde(default = "yes")]
    pub(super) directed: bool,
    #[serde(default)]
    pub(super) figure: bool,
    /// How outputs that colour relations draw this one: `#rrggbb`.
    #[serde(default)]
    pub(super) colour: Option<String>,
    /// Whether edges of this type are read from sentences written all in capitals.
    #[serde(default = "yes")]
    pub(super) from_all_caps: bool,
}

pub(super) fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLexicon {
    #[serde(default)]
    pub(super) words: Vec<String>,
    /// A word-list file whose entries join `words`: a built-in list's name ("titles") or a
    /// path, relative to the rules file's folder.
    pub(super) file: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) inflect: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCue {
    pub(super) name: String,
    pub(super) lexicon: Spanned<String>,
    pub(super) effect: Spanned<String>,
    #[serde(default)]
    pub(super) before: usize,
    pub(super) relations: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSyntaxCue {
    pub(super) name: String,
    pub(super) lexicon: Spanned<String>,
    pub(super) effect: Spanned<String>,
    pub(super) site: Spanned<String>,
    #[serde(default)]
    pub(super) deprels: Vec<String>,
    pub(super) relations: Option<Spanned<Vec<String>>>,
}

/// One path or a list of them.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Paths {
    One(String),
    Many(Vec<String>),
}

impl Paths {
    pub(super) fn list(&self) -> Vec<&str> {
        match self {
            Paths::One(p) => vec![p.as_str()],
            Paths::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    pub(super) id: Spanned<String>,
    pub(super) relation: Spanned<String>,
    #[serde(default)]
    pub(super) kind: Option<Spanned<String>>,
    pub(super) pattern: Option<Spanned<String>>,
    pub(super) figures: Option<Spanned<Paths>>,
    #[serde(default)]
    pub(super) pronouns: bool,
    #[serde(default)]
    pub(super) unparsed_only: bool,
    pub(super) trigger: Option<Spanned<String>>,
    pub(super) source: Option<Spanned<Paths>>,
    pub(super) target: Option<Spanned<Paths>>,
    pub(super) group: Option<Spanned<Paths>>,
    pub(super) expand: Option<Spanned<Vec<String>>>,
}
