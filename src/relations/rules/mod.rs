//! The rules file: TOML read into relation types, lexicons, rules and cues, checked with line numbers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::pattern::{Pattern, Role};
use super::syntax::{self, DepPath, Expansion, TokenTest};
use super::Modality;

/// The default rules, built into the binary.
pub const BUILTIN: &str = include_str!("../../../rules/relations.toml");

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

mod compile;
mod model;
mod schema;

/// Regular inflections live with the lemmatiser.
pub use crate::analysis::lemma::inflections;
pub use model::*;

/// Rules-file lexicons are the shared phrase-list type, folded as resolve's lists are.
pub use crate::lexicon::Lexicon;

/// A checked rules file: the compiled model's parts (`model.rs`), made by `compile.rs`,
/// whose constructors (`RuleSet::parse`, `load`, `builtin`) are written in that child.
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

#[cfg(test)]
mod tests;
