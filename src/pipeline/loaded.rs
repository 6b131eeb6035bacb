//! What a pipeline loads, each file read once and hashed as it is read (the hashes name
//! the options fingerprint): rules, gazetteer, model files.

use super::*;

/// Why a pipeline's rules, gazetteer or model files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("invalid rules file")]
    Rules(#[source] RulesError),
    #[error("{0}")]
    Gazetteer(GazetteerError),
    #[error("{0}")]
    RelationModel(relations::model::ModelError),
    #[error("{0}")]
    Parser(crate::analysis::ParseError),
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Something loaded from files, with the SHA-256 (hex) of each file's bytes as it was read.
#[derive(Clone, Debug)]
pub struct Hashed<T> {
    pub value: T,
    pub sha256: Vec<String>,
}

/// Reads and checks a relation rules file once, keeping the hash of the text parsed.
pub fn read_rules(path: &Path) -> Result<Hashed<RuleSet>, LoadError> {
    let src = std::fs::read_to_string(path).map_err(|error| {
        LoadError::Rules(RulesError::Read {
            path: path.display().to_string(),
            error,
        })
    })?;
    let rules = RuleSet::parse_in(&src, path.parent()).map_err(|e| {
        LoadError::Rules(match e {
            RulesError::Invalid { line, message, .. } => RulesError::Invalid {
                path: Some(path.display().to_string()),
                line,
                message,
            },
            other => other,
        })
    })?;
    // The list files its lexicons read count too.
    let mut sha256 = vec![sha256_hex(src.as_bytes())];
    sha256.extend(rules.list_texts.iter().map(|t| sha256_hex(t.as_bytes())));
    Ok(Hashed {
        value: rules,
        sha256,
    })
}

/// Reads the learned relation model (`DIR/model.json`, or a file) once, keeping its hash.
pub fn read_relation_model(path: &Path) -> Result<Hashed<relations::RelationModel>, LoadError> {
    let (model, text) =
        relations::RelationModel::load_text(path).map_err(LoadError::RelationModel)?;
    Ok(Hashed {
        value: model,
        sha256: vec![sha256_hex(text.as_bytes())],
    })
}

/// Reads `countries.tsv` and `organisations.tsv` from `dir` once, keeping their hashes.
pub fn read_gazetteer(dir: &Path) -> Result<Hashed<Gazetteer>, LoadError> {
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).map_err(|error| {
            LoadError::Gazetteer(GazetteerError::Read {
                path: dir.join(name),
                error,
            })
        })
    };
    let (countries, organisations) = (read("countries.tsv")?, read("organisations.tsv")?);
    let gazetteer = Gazetteer::parse(&countries, &organisations).map_err(LoadError::Gazetteer)?;
    Ok(Hashed {
        value: gazetteer,
        sha256: vec![
            sha256_hex(countries.as_bytes()),
            sha256_hex(organisations.as_bytes()),
        ],
    })
}

/// SHA-256 of a model's files: its ONNX weights (one file, or a head's and its
/// encoder's), config.json and tokenizer.json.
pub(super) fn model_hashes(onnx: &[&Path], dir: &Path) -> Result<Vec<String>, LoadError> {
    onnx.iter()
        .map(|p| p.to_path_buf())
        .chain([dir.join("config.json"), dir.join("tokenizer.json")])
        .collect::<Vec<_>>()
        .iter()
        .map(|path| {
            std::fs::read(path)
                .map(|bytes| sha256_hex(&bytes))
                .map_err(|source| LoadError::Read {
                    path: path.clone(),
                    source,
                })
        })
        .collect()
}

/// The hashes of what a pipeline loaded: what its results depend on, by content.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The NER model's ONNX file, config.json and tokenizer.json.
    pub model: Vec<String>,
    /// The parser's, when one is loaded (a parse head's: its ONNX file, its encoder's,
    /// config.json and tokenizer.json).
    pub parser: Vec<String>,
    /// The rules text (the built-in rules' without a rules file).
    pub rules: String,
    /// countries.tsv and organisations.tsv, or `built-in`.
    pub gazetteer: Vec<String>,
    /// The learned relation model's file, when one is loaded.
    pub relation_model: Vec<String>,
}
