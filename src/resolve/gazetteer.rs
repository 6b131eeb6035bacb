//! The gazetteers (data/gazetteer/*.tsv): countries with their names, demonyms and capitals; well-known organisations.

use std::collections::HashMap;
use std::path::Path;

/// A sovereign state or territory with an ISO 3166 alpha-2 code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Country {
    pub code: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub demonyms: Vec<String>,
    pub capitals: Vec<String>,
}

/// A well-known organisation whose type and name are fixed by the gazetteer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub country: Option<String>,
}

/// Lookup tables over both gazetteer files, keyed by normalised name.
#[derive(Clone, Debug, Default)]
pub struct Gazetteer {
    pub countries: Vec<Country>,
    pub organisations: Vec<Organisation>,
    country_names: HashMap<String, usize>,
    demonyms: HashMap<String, usize>,
    capitals: HashMap<String, usize>,
    organisation_names: HashMap<String, usize>,
}

const COUNTRIES: &str = include_str!("../../data/gazetteer/countries.tsv");
const ORGANISATIONS: &str = include_str!("../../data/gazetteer/organisations.tsv");

/// Lower case, curly apostrophes straightened, whitespace collapsed, a leading "the" dropped.
pub fn normalise(name: &str) -> String {
    let lowered = crate::lists::straighten(&name.trim().to_lowercase());
    let collapsed = lowered.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .strip_prefix("the ")
        .map(str::to_string)
        .unwrap_or(collapsed)
}

/// Why a gazetteer could not be read; messages name the file and line.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("{}: {error}", path.display())]
    Read {
        path: std::path::PathBuf,
        error: std::io::Error,
    },
    #[error("{file} line {line}: {found} tab-separated fields, expected {expected}")]
    Fields {
        file: &'static str,
        line: usize,
        found: usize,
        expected: usize,
    },
    #[error("countries.tsv line {0}: needs a two-letter code and a name")]
    Country(usize),
    #[error("organisations.tsv line {0}: needs an id and a name")]
    Organisation(usize),
}

impl Gazetteer {
    /// The gazetteer shipped in the binary.
    pub fn builtin() -> Self {
        Self::parse(COUNTRIES, ORGANISATIONS).expect("the built-in gazetteer parses")
    }

    /// Reads `countries.tsv` and `organisations.tsv` from `dir`.
    pub fn from_dir(dir: &Path) -> Result<Self, GazetteerError> {
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name)).map_err(|error| GazetteerError::Read {
                path: dir.join(name),
                error,
            })
        };
        Self::parse(&read("countries.tsv")?, &read("organisations.tsv")?)
    }

    /// Parses the two TSV texts; errors name the file and line.
    pub fn parse(countries: &str, organisations: &str) -> Result<Self, GazetteerError> {
        let mut g = Gazetteer::default();
        for (line_no, fields) in rows(countries, "countries.tsv", 5)? {
            let country = Country {
                code: fields[0].to_string(),
                name: fields[1].to_string(),
                aliases: list(fields[2]),
                demonyms: list(fields[3]),
                capitals: list(fields[4]),
            };
            if country.code.len() != 2 || country.name.is_empty() {
                return Err(GazetteerError::Country(line_no));
            }
            g.countries.push(country);
        }
        for (line_no, fields) in rows(organisations, "organisations.tsv", 4)? {
            let org = Organisation {
                id: fields[0].to_string(),
                name: fields[1].to_string(),
                aliases: list(fields[2]),
                country: Some(fields[3].to_string()).filter(|c| !c.is_empty()),
            };
            if org.id.is_empty() || org.name.is_empty() {
                return Err(GazetteerError::Organisation(line_no));
            }
            g.organisations.push(org);
        }
        for (i, c) in g.countries.iter().enumerate() {
            for name in std::iter::once(&c.name).chain(&c.aliases) {
                g.country_names.entry(normalise(name)).or_insert(i);
            }
            for d in &c.demonyms {
                g.demonyms.entry(normalise(d)).or_insert(i);
            }
            for cap in &c.capitals {
                g.capitals.entry(normalise(cap)).or_insert(i);
            }
        }
        for (i, o) in g.organisations.iter().enumerate() {
            for name in std::iter::once(&o.name).chain(&o.aliases) {
                g.organisation_names.entry(normalise(name)).or_insert(i);
            }
        }
        Ok(g)
    }

    /// The country a name (not a demonym or capital) refers to.
    pub fn country(&self, name: &str) -> Option<&Country> {
        self.country_names
            .get(&normalise(name))
            .map(|&i| &self.countries[i])
    }

    pub fn country_by_demonym(&self, word: &str) -> Option<&Country> {
        self.demonyms
            .get(&normalise(word))
            .map(|&i| &self.countries[i])
    }

    pub fn country_by_capital(&self, name: &str) -> Option<&Country> {
        self.capitals
            .get(&normalise(name))
            .map(|&i| &self.countries[i])
    }

    pub fn country_by_code(&self, code: &str) -> Option<&Country> {
        self.countries.iter().find(|c| c.code == code)
    }

    pub fn organisation(&self, name: &str) -> Option<&Organisation> {
        self.organisation_names
            .get(&normalise(name))
            .map(|&i| &self.organisations[i])
    }
}

fn list(field: &str) -> Vec<String> {
    field
        .split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Data rows (comments, blank lines and the header skipped) with their line numbers.
fn rows<'a>(
    text: &'a str,
    file: &'static str,
    columns: usize,
) -> Result<Vec<(usize, Vec<&'a str>)>, GazetteerError> {
    let mut out = Vec::new();
    let mut header_seen = false;
    for (n, line) in crate::lists::data_lines(text) {
        if !header_seen {
            header_seen = true;
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != columns {
            return Err(GazetteerError::Fields {
                file,
                line: n,
                found: fields.len(),
                expected: columns,
            });
        }
        out.push((n, fields));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_gazetteer_knows_common_names() {
        let g = Gazetteer::builtin();
        assert_eq!(g.country("U.S.").unwrap().code, "US");
        assert_eq!(g.country("the United States").unwrap().code, "US");
        assert_eq!(g.country("Britain").unwrap().code, "GB");
        assert_eq!(g.country("Russia").unwrap().code, "RU");
        assert_eq!(g.country_by_capital("Kyiv").unwrap().code, "UA");
        assert_eq!(g.country_by_demonym("Russian").unwrap().code, "RU");
        assert_eq!(
            g.organisation("North Atlantic Treaty Organization")
                .unwrap()
                .id,
            "nato"
        );
        assert!(g.country("Chernobyl").is_none());
        assert!(g.countries.len() >= 240);
    }

    #[test]
    fn malformed_rows_are_rejected_with_their_line() {
        let err = Gazetteer::parse(
            "code\tname\taliases\tdemonyms\tcapitals\nXX\tonly two\n",
            "id\tname\taliases\tcountry\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("countries.tsv line 2"), "{err}");
    }
}
