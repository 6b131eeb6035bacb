//! The parse interner: UPOS tags and dependency relations as small numbers ([`Tag`]),
//! and a sentence parse's tokens written as one compact string.

use super::*;

/// A part-of-speech or dependency label, as a number into one table of the labels seen:
/// a graph keeps the parse of every evidence sentence it keeps, and a string (or even a
/// string reference) per token would make those parses most of the run's memory.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag(u16);

/// The labels seen so far, each once, and their numbers.
#[derive(Default)]
pub(super) struct Labels {
    pub(super) names: Vec<&'static str>,
    pub(super) numbers: HashMap<&'static str, u16>,
}

pub(super) fn labels() -> &'static RwLock<Labels> {
    // Labels come from the parser's label set (a few dozen); a graph.json read back adds
    // only the labels it holds.
    static LABELS: OnceLock<RwLock<Labels>> = OnceLock::new();
    LABELS.get_or_init(Default::default)
}

impl Tag {
    pub fn as_str(self) -> &'static str {
        let labels = labels()
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        labels.names[self.0 as usize]
    }
}

impl From<&str> for Tag {
    fn from(label: &str) -> Self {
        let known = labels()
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .numbers
            .get(label)
            .copied();
        if let Some(number) = known {
            return Tag(number);
        }
        let mut labels = labels()
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(&number) = labels.numbers.get(label) {
            return Tag(number);
        }
        // More distinct labels than a u16 counts cannot come from a parser; past that
        // (a hostile graph.json), the rest share the last number's label.
        let Ok(number) = u16::try_from(labels.names.len()) else {
            return Tag(u16::MAX);
        };
        let leaked: &'static str = Box::leak(label.to_string().into_boxed_str());
        labels.names.push(leaked);
        labels.numbers.insert(leaked, number);
        Tag(number)
    }
}

impl From<String> for Tag {
    fn from(label: String) -> Self {
        Tag::from(label.as_str())
    }
}

impl PartialOrd for Tag {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Ordered by the label, not by when it was first seen: evidence order must not depend
/// on the order documents came in.
impl Ord for Tag {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::fmt::Debug for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl std::ops::Deref for Tag {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Tag {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// `SentenceParse::tokens` as one compact string.
pub(super) mod parse_tokens {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    use super::ParsedToken;

    pub fn serialize<S: Serializer>(tokens: &[ParsedToken], s: S) -> Result<S::Ok, S::Error> {
        let items: Vec<String> = tokens
            .iter()
            .map(|t| {
                let head = t.head.map_or(0, |h| h + 1);
                format!("{}:{}:{}:{}:{}", t.start, t.end, t.upos, head, t.deprel)
            })
            .collect();
        s.serialize_str(&items.join(" "))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ParsedToken>, D::Error> {
        let text = String::deserialize(d)?;
        text.split_whitespace()
            .map(|item| {
                let bad = || D::Error::custom(format!("bad parse token `{item}`"));
                let mut parts = item.splitn(5, ':');
                let mut number = || -> Result<usize, D::Error> {
                    parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)
                };
                let (start, end) = (number()?, number()?);
                let upos = parts.next().ok_or_else(bad)?.into();
                let head: usize = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
                let deprel = parts.next().ok_or_else(bad)?.into();
                Ok(ParsedToken {
                    start,
                    end,
                    upos,
                    head: head.checked_sub(1),
                    deprel,
                })
            })
            .collect()
    }
}
