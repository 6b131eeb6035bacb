//! The language of syntax rules: token tests (`{lemma:@meet_verb upos:VERB}`) and paths
//! through the dependency tree (`>obl{case:with}`, `<obj >nsubj`), parsed and checked.
//!
//! Borrowed from Semgrex (`>` a dependent, `<` the head, relations by name) and Odin
//! (field constraints on every node), in a form a rules file reader can follow:
//!
//! - A token test is `{field:value|value ...}`; every constraint must hold. Fields: `lemma`,
//!   `lower`, `upos`, `deprel` (the token's own relation), `case` (a `case` or `mark`
//!   dependent with that word: "with" in "talks with X"), `has` / `lacks` (a dependent by
//!   that relation), `entity` (`any`, `person`, `state`, `organisation`: the token is part of
//!   a named entity of that type). A value `@name` is a word of lexicon `name`. A field
//!   written `!field` negates the constraint.
//! - A path is steps separated by spaces: `>rel` goes down to a dependent attached by `rel`,
//!   `<rel` up to the head when the token is attached by `rel`; `rel` may list alternatives
//!   (`>obj|iobj`) or be `*` (any relation); each step may carry a token test, and a test
//!   before the first step applies to the node the path starts from
//!   (`{lacks:nsubj} <xcomp >nsubj`: the subject of the governing verb, when the trigger
//!   has none of its own).

use std::fmt;

/// What a token constraint looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Lemma,
    Lower,
    Upos,
    Deprel,
    Case,
    Has,
    Lacks,
    Entity,
}

impl Field {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "lemma" => Field::Lemma,
            "lower" => Field::Lower,
            "upos" => Field::Upos,
            "deprel" => Field::Deprel,
            "case" => Field::Case,
            "has" => Field::Has,
            "lacks" => Field::Lacks,
            "entity" => Field::Entity,
            _ => return None,
        })
    }
}

/// One allowed value: a literal word or a lexicon (index into `RuleSet::lexicons`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Word(String),
    Lexicon(usize),
}

/// `field:value|value`, possibly negated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    pub field: Field,
    pub negated: bool,
    pub values: Vec<Value>,
}

/// A token test: all constraints hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenTest {
    pub constraints: Vec<Constraint>,
}

/// Which way a step goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// `>rel`: to a dependent.
    Down,
    /// `<rel`: to the head.
    Up,
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub direction: Direction,
    /// Relation names; empty for `*`.
    pub relations: Vec<String>,
    pub test: TokenTest,
}

/// A path from a trigger to an argument, and the text it was written as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepPath {
    /// A test on the node the path starts from (`{lacks:nsubj} <xcomp >nsubj`).
    pub start: TokenTest,
    pub steps: Vec<Step>,
    pub text: String,
}

impl fmt::Display for DepPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

const ENTITY_TYPES: [&str; 4] = ["any", "person", "state", "organisation"];

/// Why a token test or a dependency path does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxError {
    #[error("a token test is written in braces: `{{lemma:meet}}`, not `{0}`")]
    Braces(String),
    #[error("`{part}` is not `field:value` (in `{src}`)")]
    NotField { part: String, src: String },
    #[error("unknown field `{0}` (fields: lemma, lower, upos, deprel, case, has, lacks, entity)")]
    UnknownField(String),
    #[error("an empty value in `{0}`")]
    EmptyValue(String),
    #[error("unknown lexicon `{0}`")]
    UnknownLexicon(String),
    #[error("unknown entity type `{0}` (types: {types})", types = ENTITY_TYPES.join(", "))]
    UnknownType(String),
    #[error("an empty path")]
    EmptyPath,
    #[error("an unclosed `{{` in `{0}`")]
    Unclosed(String),
    #[error("a path step starts with `>` (a dependent) or `<` (the head): `{rest}` in `{src}`")]
    StepStart { rest: String, src: String },
    #[error("a step without a relation in `{0}` (use `*` for any)")]
    NoRelation(String),
}

/// Parses a token test: `{lemma:@say upos:VERB !lower:says}`.
pub fn parse_test(
    src: &str,
    lexicon: &impl Fn(&str) -> Option<usize>,
) -> Result<TokenTest, SyntaxError> {
    let inner = src
        .trim()
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .ok_or_else(|| SyntaxError::Braces(src.to_string()))?;
    let mut constraints = Vec::new();
    for part in inner.split_whitespace() {
        let (name, values) = part.split_once(':').ok_or_else(|| SyntaxError::NotField {
            part: part.to_string(),
            src: src.to_string(),
        })?;
        let (negated, name) = match name.strip_prefix('!') {
            Some(n) => (true, n),
            None => (false, name),
        };
        let field =
            Field::parse(name).ok_or_else(|| SyntaxError::UnknownField(name.to_string()))?;
        let mut list = Vec::new();
        for v in values.split('|') {
            if v.is_empty() {
                return Err(SyntaxError::EmptyValue(part.to_string()));
            }
            if let Some(name) = v.strip_prefix('@') {
                let i =
                    lexicon(name).ok_or_else(|| SyntaxError::UnknownLexicon(name.to_string()))?;
                list.push(Value::Lexicon(i));
            } else {
                if field == Field::Entity && !ENTITY_TYPES.contains(&v) {
                    return Err(SyntaxError::UnknownType(v.to_string()));
                }
                let v = match field {
                    Field::Upos | Field::Deprel | Field::Has | Field::Lacks | Field::Entity => {
                        v.to_string()
                    }
                    _ => v.to_lowercase(),
                };
                list.push(Value::Word(v));
            }
        }
        constraints.push(Constraint {
            field,
            negated,
            values: list,
        });
    }
    Ok(TokenTest { constraints })
}

/// Parses a path: `>obl{case:with}`, `<obj >nsubj`, `>nmod:poss`.
pub fn parse_path(
    src: &str,
    lexicon: &impl Fn(&str) -> Option<usize>,
) -> Result<DepPath, SyntaxError> {
    let mut steps = Vec::new();
    let mut rest = src.trim();
    if rest.is_empty() {
        return Err(SyntaxError::EmptyPath);
    }
    let mut start = TokenTest::default();
    if rest.starts_with('{') {
        let close = rest
            .find('}')
            .ok_or_else(|| SyntaxError::Unclosed(src.to_string()))?;
        start = parse_test(&rest[..=close], lexicon)?;
        rest = rest[close + 1..].trim_start();
    }
    while !rest.is_empty() {
        let direction = match rest.chars().next() {
            Some('>') => Direction::Down,
            Some('<') => Direction::Up,
            _ => {
                return Err(SyntaxError::StepStart {
                    rest: rest.to_string(),
                    src: src.to_string(),
                })
            }
        };
        rest = &rest[1..];
        let end = rest
            .find(|c: char| c == '{' || c.is_whitespace())
            .unwrap_or(rest.len());
        let rels = &rest[..end];
        if rels.is_empty() {
            return Err(SyntaxError::NoRelation(src.to_string()));
        }
        let relations = if rels == "*" {
            Vec::new()
        } else {
            rels.split('|').map(str::to_string).collect()
        };
        rest = &rest[end..];
        let test = if rest.starts_with('{') {
            let close = rest
                .find('}')
                .ok_or_else(|| SyntaxError::Unclosed(src.to_string()))?;
            let t = parse_test(&rest[..=close], lexicon)?;
            rest = &rest[close + 1..];
            t
        } else {
            TokenTest::default()
        };
        steps.push(Step {
            direction,
            relations,
            test,
        });
        rest = rest.trim_start();
    }
    Ok(DepPath {
        start,
        steps,
        text: src.trim().to_string(),
    })
}

/// Named steps that lead from the node a path reached to the entities it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Expansion {
    /// Conjuncts distribute: "Putin and Lavrov" is two arguments.
    Conj,
    /// Appositions lead to the name: "the minister's deputy, Y" -> Y.
    Appos,
    /// Titles lead to the name: "the former French defence minister Y" -> Y.
    Title,
    /// Collectives name their owner: "Egypt's army leaders", "NATO leaders" -> Egypt, NATO.
    Possessive,
    /// Lists after "including" / "such as": "25 individuals, including X and Y".
    Including,
    /// A name's `flat` and `compound` parts stand for the name.
    Flat,
    /// "he" / "she" stand for the last person named.
    Pronoun,
    /// "it" stands for the organisation or state that spoke or led the sentences just before
    /// (`Ctx::organisation_pronoun`).
    OrganisationPronoun,
    /// "the ministry", "the company" stand for the organisation of the document they
    /// describe.
    Description,
    /// "the statement", "the bank's annual report", "the study by X" stand for their author.
    Statement,
    /// A nationality adjective stands for its state when the document names that state:
    /// "tariffs on Japanese goods", "on imports of Japanese goods" -> Japan.
    Demonym,
}

impl Expansion {
    pub const ALL: [Expansion; 11] = [
        Expansion::Conj,
        Expansion::Appos,
        Expansion::Title,
        Expansion::Possessive,
        Expansion::Including,
        Expansion::Flat,
        Expansion::Pronoun,
        Expansion::OrganisationPronoun,
        Expansion::Description,
        Expansion::Statement,
        Expansion::Demonym,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Expansion::Conj => "conj",
            Expansion::Appos => "appos",
            Expansion::Title => "title",
            Expansion::Possessive => "possessive",
            Expansion::Including => "including",
            Expansion::Flat => "flat",
            Expansion::Pronoun => "pronoun",
            Expansion::OrganisationPronoun => "organisation-pronoun",
            Expansion::Description => "description",
            Expansion::Statement => "statement",
            Expansion::Demonym => "demonym",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(name: &str) -> Option<usize> {
        (name == "say").then_some(3)
    }

    #[test]
    fn parses_tests_and_paths() {
        let t = parse_test("{lemma:@say|tell upos:VERB !lower:says}", &lex).unwrap();
        assert_eq!(t.constraints.len(), 3);
        assert_eq!(
            t.constraints[0].values,
            vec![Value::Lexicon(3), Value::Word("tell".into())]
        );
        assert!(t.constraints[2].negated);
        let p = parse_path("<obj >nsubj|nsubj:outer{entity:any}", &lex).unwrap();
        assert_eq!(p.steps.len(), 2);
        assert_eq!(p.steps[0].direction, Direction::Up);
        assert_eq!(p.steps[1].relations, vec!["nsubj", "nsubj:outer"]);
        assert_eq!(p.steps[1].test.constraints[0].field, Field::Entity);
        let any = parse_path(">*{case:with}", &lex).unwrap();
        assert!(any.steps[0].relations.is_empty());
        let controlled = parse_path("{lacks:nsubj} <xcomp >nsubj", &lex).unwrap();
        assert_eq!(controlled.start.constraints[0].field, Field::Lacks);
        assert_eq!(controlled.steps.len(), 2);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(parse_test("lemma:x", &lex)
            .unwrap_err()
            .to_string()
            .contains("braces"));
        assert!(parse_test("{colour:red}", &lex)
            .unwrap_err()
            .to_string()
            .contains("unknown field `colour`"));
        assert!(parse_test("{lemma:@nope}", &lex)
            .unwrap_err()
            .to_string()
            .contains("unknown lexicon `nope`"));
        assert!(parse_test("{entity:city}", &lex)
            .unwrap_err()
            .to_string()
            .contains("unknown entity type"));
        assert!(parse_path("nsubj", &lex)
            .unwrap_err()
            .to_string()
            .contains("starts with"));
        assert!(parse_path(">obl{case:with", &lex)
            .unwrap_err()
            .to_string()
            .contains("unclosed"));
        assert!(parse_path("", &lex)
            .unwrap_err()
            .to_string()
            .contains("empty"));
    }
}
