//! The compiled rules: relation types, rules (surface patterns or syntax paths), cues,
//! settings and number settings, lexicons by index.

use super::*;

/// How a relation type behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationType {
    pub name: String,
    pub directed: bool,
    /// The target is a claim node built from a number.
    pub figure: bool,
    /// `#rrggbb` for outputs that colour relations (the report, DOT), when the file says.
    pub colour: Option<String>,
    /// Whether edges of this type are read from sentences written all in capitals (wire
    /// headlines: "SARNEY MEETS BRAZIL BUSINESS LEADERS"), where NER and the parser misread
    /// names and words alike; false for the built-in `meets` and `sanctions`.
    pub from_all_caps: bool,
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
    /// Pronouns and titles that tell a person's gender, so that "she" never stands for a
    /// person the document calls "Mr" or "Pope" (all optional).
    pub male_pronouns: Option<usize>,
    pub female_pronouns: Option<usize>,
    /// Pronouns that stand for an organisation or state ("it said"), and how many sentences
    /// back they look for it (see `Ctx::organisation_pronoun`).
    pub organisation_pronouns: Option<usize>,
    pub organisation_pronoun_reach: usize,
    pub male_titles: Option<usize>,
    pub female_titles: Option<usize>,
    pub determiners: Option<usize>,
    pub titles: Option<usize>,
    pub collective: Option<usize>,
    pub modifier_heads: Option<usize>,
    /// A trade or its people ("business", "farm"): "Brazil business leaders" are not Brazil,
    /// neither after a name (surface) nor as a collective's modifier (syntax).
    pub sectors: Option<usize>,
    pub appositive: Option<usize>,
    pub conjunctions: Option<usize>,
    pub gap_stops: Option<usize>,
    /// A pattern that starts with a slot does not match right after these ("Bank of France").
    pub subject_not_after: Option<usize>,
    /// The words that join a collective or a title to its owner ("a spokeswoman *for* the
    /// EU"); `of` and `from` when not given.
    pub owner_cases: Option<usize>,
    /// Words that name an organisation by its kind ("the ministry", "the company"): a
    /// definite one stands for the organisation of the document it describes.
    pub descriptions: Option<usize>,
    /// Description words any company answers to, as its name ends in a legal form.
    pub company_descriptions: Option<usize>,
    /// Description words that name one another ("the newspaper", "the paper", "the daily"):
    /// any of them fits an outlet named or called by another ("China Daily").
    pub press_descriptions: Option<usize>,
    /// Legal forms that end a company's name ("Corp", "Ltd").
    pub legal_forms: Option<usize>,
    /// Nouns of a published text ("statement", "report", "study") that speak for their
    /// author (the `statement` step of syntax rules).
    pub statements: Option<usize>,
    /// Syntax cues climb from a trigger to its governor through these relations.
    pub cue_climb: Vec<String>,
}

/// Lexicons that number reading relies on.
#[derive(Clone, Debug, Default)]
pub struct NumberSettings {
    pub qualifiers: Option<usize>,
    pub exclude_before: Option<usize>,
    pub exclude_after: Option<usize>,
    /// Words after a whole number phrase (its unit included) that make it part of a name:
    /// "its 4.23 dlr series of 1979 preferred stock".
    pub name_after: Option<usize>,
    pub anaphoric: Option<usize>,
    /// Only numbers up to this are anaphoric ("the two leaders", not "the one billion citizens").
    pub anaphoric_max: f64,
    /// Units by name, each with the words that name it ("USD": "$", "dollars", "dlrs").
    pub units: Vec<(String, Lexicon)>,
    /// Units by the words that name a hundredth of them ("USD": "cents", "cts"): "51 cents"
    /// is 0.51 USD.
    pub hundredths: Vec<(String, Lexicon)>,
}
