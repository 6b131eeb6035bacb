//! The pattern language of the rules file: slots, lexicon references, literals, gaps, anchors.

use crate::resolve::EntityType;

use crate::lexicon::words_of;

/// Why a pattern does not parse: which element is wrong, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("`{element}`: {error}")]
    Element { element: String, error: AtomError },
    #[error("`{0}`: gaps, `!` and anchors take no `?`, `*` or `+`")]
    Quantified(String),
    #[error("`{0}`: a slot already takes a whole coordination; use it once")]
    RepeatedSlot(String),
    #[error("empty pattern")]
    Empty,
    #[error("every element is optional: the pattern would match nothing")]
    AllOptional,
}

/// What is wrong with one element of a pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AtomError {
    #[error("a gap is ~N with N from 1 to 12")]
    Gap,
    #[error("a slot is written {{name}} or {{name:type|type}}")]
    SlotSyntax,
    #[error("unknown slot `{0}` (slots: source, target, group, figure)")]
    UnknownSlot(String),
    #[error("a figure slot takes no entity types")]
    FigureTypes,
    #[error("unknown entity type `{0}` (types: person, state, organisation)")]
    UnknownType(String),
    #[error("`!` takes words or lexicons: !with, !@name")]
    Not,
    #[error("braces belong to slots: {{source}}, {{target}}, {{group}}, {{figure}}")]
    Braces,
    #[error("empty alternative")]
    EmptyAlternative,
    #[error("unknown lexicon `{0}`")]
    UnknownLexicon(String),
}

/// What an entity slot contributes to the relation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Source,
    Target,
    /// Members paired with each other (undirected relations).
    Group,
    /// A number (figure relations).
    Figure,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Source => "source",
            Role::Target => "target",
            Role::Group => "group",
            Role::Figure => "figure",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    pub role: Role,
    /// Entity types allowed (all when None).
    pub kinds: Option<Vec<EntityType>>,
}

/// One alternative of a literal element: a word (as tokens) or a lexicon.
#[derive(Clone, Debug, PartialEq)]
pub enum Alt {
    Words(Vec<String>),
    Lexicon(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Atom {
    Slot(Slot),
    Alts(Vec<Alt>),
    /// Up to N plain words.
    Gap(usize),
    /// Zero-width: the next words are none of these ("!with").
    Not(Vec<Alt>),
    Start,
    End,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quant {
    One,
    Optional,
    Many,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Element {
    pub atom: Atom,
    pub quant: Quant,
}

/// A parsed pattern.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    pub elements: Vec<Element>,
}

impl Pattern {
    /// The roles of the pattern's slots, in order.
    pub fn roles(&self) -> Vec<Role> {
        self.elements
            .iter()
            .filter_map(|e| match &e.atom {
                Atom::Slot(s) => Some(s.role),
                _ => None,
            })
            .collect()
    }

    /// Parses `src`; `lexicon` maps a lexicon name to its index. Errors say which element is wrong.
    pub fn parse(src: &str, lexicon: impl Fn(&str) -> Option<usize>) -> Result<Self, PatternError> {
        let mut elements = Vec::new();
        for raw in src.split_whitespace() {
            let (body, quant) = match raw.char_indices().last() {
                Some((i, '?')) if i > 0 => (&raw[..i], Quant::Optional),
                Some((i, '*')) if i > 0 => (&raw[..i], Quant::Many),
                Some((i, '+')) if i > 0 => (&raw[..i], Quant::Many),
                _ => (raw, Quant::One),
            };
            let plus = quant == Quant::Many && raw.ends_with('+');
            let atom = parse_atom(body, &lexicon).map_err(|error| PatternError::Element {
                element: raw.to_string(),
                error,
            })?;
            if quant != Quant::One
                && matches!(atom, Atom::Gap(_) | Atom::Not(_) | Atom::Start | Atom::End)
            {
                return Err(PatternError::Quantified(raw.to_string()));
            }
            if quant == Quant::Many && matches!(atom, Atom::Slot(_)) {
                return Err(PatternError::RepeatedSlot(raw.to_string()));
            }
            if plus {
                elements.push(Element {
                    atom: atom.clone(),
                    quant: Quant::One,
                });
            }
            elements.push(Element { atom, quant });
        }
        if elements.is_empty() {
            return Err(PatternError::Empty);
        }
        if !elements.iter().any(|e| e.quant == Quant::One) {
            return Err(PatternError::AllOptional);
        }
        Ok(Self { elements })
    }
}

fn parse_atom(body: &str, lexicon: &impl Fn(&str) -> Option<usize>) -> Result<Atom, AtomError> {
    if body == "^" {
        return Ok(Atom::Start);
    }
    if body == "$" {
        return Ok(Atom::End);
    }
    if let Some(n) = body.strip_prefix('~') {
        return match n.parse::<usize>() {
            Ok(n) if (1..=12).contains(&n) => Ok(Atom::Gap(n)),
            _ => Err(AtomError::Gap),
        };
    }
    if let Some(inner) = body.strip_prefix('{') {
        let inner = inner.strip_suffix('}').ok_or(AtomError::SlotSyntax)?;
        let (name, kinds) = match inner.split_once(':') {
            Some((n, k)) => (n, Some(k)),
            None => (inner, None),
        };
        let role = match name {
            "source" => Role::Source,
            "target" => Role::Target,
            "group" => Role::Group,
            "figure" => Role::Figure,
            other => return Err(AtomError::UnknownSlot(other.to_string())),
        };
        let kinds = match kinds {
            None => None,
            Some(_) if role == Role::Figure => return Err(AtomError::FigureTypes),
            Some(k) => Some(
                k.split('|')
                    .map(|t| match t {
                        "person" => Ok(EntityType::Person),
                        "state" => Ok(EntityType::State),
                        "organisation" => Ok(EntityType::Organisation),
                        other => Err(AtomError::UnknownType(other.to_string())),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        return Ok(Atom::Slot(Slot { role, kinds }));
    }
    if let Some(rest) = body.strip_prefix('!').filter(|r| !r.is_empty()) {
        return match parse_atom(rest, lexicon)? {
            Atom::Alts(alts) => Ok(Atom::Not(alts)),
            _ => Err(AtomError::Not),
        };
    }
    if body.contains('{') || body.contains('}') {
        return Err(AtomError::Braces);
    }
    let mut alts = Vec::new();
    for alt in body.split('|') {
        if alt.is_empty() {
            return Err(AtomError::EmptyAlternative);
        }
        if let Some(name) = alt.strip_prefix('@') {
            let index = lexicon(name).ok_or_else(|| AtomError::UnknownLexicon(name.to_string()))?;
            alts.push(Alt::Lexicon(index));
        } else {
            alts.push(Alt::Words(words_of(alt)));
        }
    }
    Ok(Atom::Alts(alts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(name: &str) -> Option<usize> {
        ["say", "chain"].iter().position(|&n| n == name)
    }

    #[test]
    fn parses_slots_lexicons_literals_and_quantifiers() {
        let p = Pattern::parse("^ {source:person|state} @chain* @say that? ~3 's $", lex).unwrap();
        assert_eq!(p.elements.len(), 8);
        assert_eq!(
            p.elements[1].atom,
            Atom::Slot(Slot {
                role: Role::Source,
                kinds: Some(vec![EntityType::Person, EntityType::State])
            })
        );
        assert_eq!(p.elements[2].quant, Quant::Many);
        assert_eq!(
            p.elements[4].atom,
            Atom::Alts(vec![Alt::Words(vec!["that".into()])])
        );
        assert_eq!(p.elements[5].atom, Atom::Gap(3));
        assert_eq!(
            p.elements[6].atom,
            Atom::Alts(vec![Alt::Words(vec!["'s".into()])])
        );
        assert_eq!(p.roles(), vec![Role::Source]);
        let plus = Pattern::parse("@say+ {target}", lex).unwrap();
        assert_eq!(plus.elements.len(), 3);
        let not = Pattern::parse("{source} @say !that|@chain", lex).unwrap();
        assert_eq!(
            not.elements[2].atom,
            Atom::Not(vec![Alt::Words(vec!["that".into()]), Alt::Lexicon(1)])
        );
    }

    #[test]
    fn reports_what_is_wrong() {
        let err = |s: &str| Pattern::parse(s, lex).unwrap_err().to_string();
        assert!(err("{source} @nope").contains("unknown lexicon `nope`"));
        assert!(err("{sorce} said").contains("unknown slot `sorce`"));
        assert!(err("{source:city} said").contains("unknown entity type `city`"));
        assert!(err("{source said").contains("a slot is written"));
        assert!(err("{source} ~0").contains("~N"));
        assert!(err("").contains("empty"));
        assert!(err("said? that?").contains("optional"));
        assert!(err("{target}*").contains("coordination"));
        assert!(err("{source} said !{target}").contains("`!` takes words"));
        assert!(err("{source} said !with?").contains("take no"));
    }
}
