//! The TOML schema checked and compiled into a [`RuleSet`], errors with line numbers.

use super::schema::*;
use super::*;

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
        let c = Compiler { src };
        let raw: RawFile = toml::from_str(src).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            c.invalid(offset, e.message().trim().to_string())
        })?;
        // One step per TOML section, in this order: a section may name what the ones
        // before it declared (lexicons, then relation types).
        let (lexicons, lex_index, list_texts) = c.lexicons(&raw.lexicon, folder)?;
        let settings = c.settings(&raw.settings, &lex_index)?;
        let numbers = c.numbers(&raw.numbers, &lex_index)?;
        let relations = c.relations(&raw.relation)?;
        let cues = c.cues(&raw.cue, &lex_index, &relations)?;
        let syntax_cues = c.syntax_cues(&raw.syntax_cue, &lex_index, &relations)?;
        let rules = c.rules(&raw.rule, &lex_index, &relations, &settings)?;
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

/// Lexicon names to their index in [`RuleSet::lexicons`].
type LexIndex = BTreeMap<String, usize>;

/// The text of a rules file being compiled: every error names its line.
struct Compiler<'s> {
    src: &'s str,
}

impl Compiler<'_> {
    fn invalid(&self, offset: usize, message: String) -> RulesError {
        RulesError::Invalid {
            path: None,
            line: line_of(self.src, offset),
            message,
        }
    }

    /// The lexicon `name` names (`what` says where, for the error).
    fn find(
        &self,
        lex_index: &LexIndex,
        name: &Spanned<String>,
        what: &str,
    ) -> Result<usize, RulesError> {
        lex_index.get(name.get_ref()).copied().ok_or_else(|| {
            self.invalid(
                name.span().start,
                format!("{what}: unknown lexicon `{}`", name.get_ref()),
            )
        })
    }

    fn opt(
        &self,
        lex_index: &LexIndex,
        name: &Option<Spanned<String>>,
        what: &str,
    ) -> Result<Option<usize>, RulesError> {
        name.as_ref()
            .map(|n| self.find(lex_index, n, what))
            .transpose()
    }

    /// `[lexicon.NAME]`: words, a list file's entries, inflections.
    fn lexicons(
        &self,
        raw: &BTreeMap<String, Spanned<RawLexicon>>,
        folder: Option<&Path>,
    ) -> Result<(Vec<Lexicon>, LexIndex, Vec<String>), RulesError> {
        let mut lexicons = Vec::new();
        let mut lex_index: LexIndex = BTreeMap::new();
        let mut list_texts = Vec::new();
        for (name, lex) in raw {
            let at = lex.span().start;
            check_name(name).map_err(|m| self.invalid(at, format!("lexicon `{name}`: {m}")))?;
            let lex = lex.get_ref();
            let mut written: Vec<String> = lex.words.clone();
            if let Some(file) = &lex.file {
                let from_file =
                    list_file(file.get_ref(), folder, &mut list_texts).map_err(|m| {
                        self.invalid(file.span().start, format!("lexicon `{name}`: {m}"))
                    })?;
                written.extend(from_file);
            }
            if written.is_empty() {
                return Err(self.invalid(at, format!("lexicon `{name}` has no words")));
            }
            let mut phrases = Vec::new();
            for w in &written {
                let words = crate::lexicon::phrase_words(w);
                if words.is_empty() {
                    return Err(self.invalid(at, format!("lexicon `{name}` has an empty entry")));
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
        Ok((lexicons, lex_index, list_texts))
    }

    /// `[settings]`: the lexicons the matchers share, and their numbers.
    fn settings(&self, s: &RawSettings, lex: &LexIndex) -> Result<Settings, RulesError> {
        Ok(Settings {
            pronouns: self.opt(lex, &s.pronouns, "settings.pronouns")?,
            pronoun_reach: s.pronoun_reach.unwrap_or(6),
            male_pronouns: self.opt(lex, &s.male_pronouns, "settings.male_pronouns")?,
            female_pronouns: self.opt(lex, &s.female_pronouns, "settings.female_pronouns")?,
            organisation_pronouns: self.opt(
                lex,
                &s.organisation_pronouns,
                "settings.organisation_pronouns",
            )?,
            organisation_pronoun_reach: s.organisation_pronoun_reach.unwrap_or(2),
            male_titles: self.opt(lex, &s.male_titles, "settings.male_titles")?,
            female_titles: self.opt(lex, &s.female_titles, "settings.female_titles")?,
            determiners: self.opt(lex, &s.determiners, "settings.determiners")?,
            titles: self.opt(lex, &s.titles, "settings.titles")?,
            collective: self.opt(lex, &s.collective, "settings.collective")?,
            modifier_heads: self.opt(lex, &s.modifier_heads, "settings.modifier_heads")?,
            sectors: self.opt(lex, &s.sectors, "settings.sectors")?,
            appositive: self.opt(lex, &s.appositive, "settings.appositive")?,
            conjunctions: self.opt(lex, &s.conjunctions, "settings.conjunctions")?,
            gap_stops: self.opt(lex, &s.gap_stops, "settings.gap_stops")?,
            subject_not_after: self.opt(lex, &s.subject_not_after, "settings.subject_not_after")?,
            owner_cases: self.opt(lex, &s.owner_cases, "settings.owner_cases")?,
            descriptions: self.opt(lex, &s.descriptions, "settings.descriptions")?,
            company_descriptions: self.opt(
                lex,
                &s.company_descriptions,
                "settings.company_descriptions",
            )?,
            press_descriptions: self.opt(
                lex,
                &s.press_descriptions,
                "settings.press_descriptions",
            )?,
            legal_forms: self.opt(lex, &s.legal_forms, "settings.legal_forms")?,
            statements: self.opt(lex, &s.statements, "settings.statements")?,
            cue_climb: s.cue_climb.clone(),
        })
    }

    /// `[numbers]`: what a figure may not be next to, and the units.
    fn numbers(&self, n: &RawNumbers, lex: &LexIndex) -> Result<NumberSettings, RulesError> {
        Ok(NumberSettings {
            qualifiers: self.opt(lex, &n.qualifiers, "numbers.qualifiers")?,
            exclude_before: self.opt(lex, &n.exclude_before, "numbers.exclude_before")?,
            exclude_after: self.opt(lex, &n.exclude_after, "numbers.exclude_after")?,
            name_after: self.opt(lex, &n.name_after, "numbers.name_after")?,
            anaphoric: self.opt(lex, &n.anaphoric, "numbers.anaphoric")?,
            anaphoric_max: n.anaphoric_max.unwrap_or(12.0),
            units: self.units(&n.units)?,
            hundredths: self.units(&n.hundredths)?,
        })
    }

    /// A units table (`[numbers.units]`, `[numbers.hundredths]`): each unit with its words.
    fn units(
        &self,
        raw: &BTreeMap<String, Spanned<Vec<String>>>,
    ) -> Result<Vec<(String, Lexicon)>, RulesError> {
        raw.iter()
            .map(|(name, words)| {
                if words.get_ref().is_empty() {
                    return Err(
                        self.invalid(words.span().start, format!("unit `{name}` has no words"))
                    );
                }
                Ok((
                    name.clone(),
                    Lexicon::from_phrases(name, words.get_ref().iter().map(String::as_str)),
                ))
            })
            .collect()
    }

    /// `[relation.NAME]`: the relation types, directed or not, crediting figures or not.
    fn relations(
        &self,
        raw: &BTreeMap<String, Spanned<RawRelation>>,
    ) -> Result<BTreeMap<String, RelationType>, RulesError> {
        let mut relations = BTreeMap::new();
        for (name, rel) in raw {
            let at = rel.span().start;
            check_name(name).map_err(|m| self.invalid(at, format!("relation `{name}`: {m}")))?;
            let r = rel.get_ref();
            if r.figure && !r.directed {
                return Err(self.invalid(
                    at,
                    format!("relation `{name}`: a figure relation is directed (source -> figure)"),
                ));
            }
            if let Some(c) = &r.colour {
                let hex = c.len() == 7
                    && c.starts_with('#')
                    && c[1..].chars().all(|d| d.is_ascii_hexdigit());
                if !hex {
                    return Err(self.invalid(
                        at,
                        format!("relation `{name}`: colour {c:?} is not of the form \"#rrggbb\""),
                    ));
                }
            }
            relations.insert(
                name.clone(),
                RelationType {
                    name: name.clone(),
                    directed: r.directed,
                    figure: r.figure,
                    colour: r.colour.as_ref().map(|c| c.to_ascii_lowercase()),
                    from_all_caps: r.from_all_caps,
                },
            );
        }
        Ok(relations)
    }

    /// What both kinds of cue share: the effect.
    fn effect_of(&self, effect: &Spanned<String>, what: &str) -> Result<Effect, RulesError> {
        match effect.get_ref().as_str() {
            "drop" => Ok(Effect::Drop),
            "planned" => Ok(Effect::Planned),
            other => Err(self.invalid(
                effect.span().start,
                format!("{what}: unknown effect `{other}` (effects: drop, planned)"),
            )),
        }
    }

    /// What both kinds of cue share: the relation types named.
    fn relations_of(
        &self,
        relations: &BTreeMap<String, RelationType>,
        list: &Option<Spanned<Vec<String>>>,
        what: &str,
    ) -> Result<Option<BTreeSet<String>>, RulesError> {
        let Some(list) = list else { return Ok(None) };
        match list.get_ref().iter().find(|r| !relations.contains_key(*r)) {
            Some(r) => {
                Err(self.invalid(list.span().start, format!("{what}: unknown relation `{r}`")))
            }
            None => Ok(Some(list.get_ref().iter().cloned().collect())),
        }
    }

    /// `[[cue]]`: surface cues.
    fn cues(
        &self,
        raw: &[Spanned<RawCue>],
        lex: &LexIndex,
        relations: &BTreeMap<String, RelationType>,
    ) -> Result<Vec<Cue>, RulesError> {
        let mut cues = Vec::new();
        for cue in raw {
            let c = cue.get_ref();
            let what = format!("cue `{}`", c.name);
            cues.push(Cue {
                name: c.name.clone(),
                lexicon: self.find(lex, &c.lexicon, &what)?,
                effect: self.effect_of(&c.effect, &what)?,
                before: c.before,
                relations: self.relations_of(relations, &c.relations, &what)?,
            });
        }
        Ok(cues)
    }

    /// `[[syntax_cue]]`: cues read from the dependency tree.
    fn syntax_cues(
        &self,
        raw: &[Spanned<RawSyntaxCue>],
        lex: &LexIndex,
        relations: &BTreeMap<String, RelationType>,
    ) -> Result<Vec<SyntaxCue>, RulesError> {
        let mut syntax_cues = Vec::new();
        for cue in raw {
            let c = cue.get_ref();
            let what = format!("syntax cue `{}`", c.name);
            let site = match c.site.get_ref().as_str() {
                "dependent" => CueSite::Dependent,
                "governor" => CueSite::Governor,
                other => {
                    return Err(self.invalid(
                        c.site.span().start,
                        format!("{what}: unknown site `{other}` (sites: dependent, governor)"),
                    ))
                }
            };
            syntax_cues.push(SyntaxCue {
                name: c.name.clone(),
                lexicon: self.find(lex, &c.lexicon, &what)?,
                effect: self.effect_of(&c.effect, &what)?,
                site,
                deprels: c.deprels.clone(),
                relations: self.relations_of(relations, &c.relations, &what)?,
            });
        }
        Ok(syntax_cues)
    }

    /// `[[rule]]`: surface rules (a pattern) and syntax rules (a trigger and paths).
    fn rules(
        &self,
        raw: &[Spanned<RawRule>],
        lex_index: &LexIndex,
        relations: &BTreeMap<String, RelationType>,
        settings: &Settings,
    ) -> Result<Vec<Rule>, RulesError> {
        let invalid = |offset: usize, message: String| self.invalid(offset, message);
        let mut rules = Vec::new();
        let mut ids = BTreeSet::new();
        for rule in raw {
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
                    self::syntax_rule(r, relation, lex_index).map_err(|(offset, m)| {
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
        Ok(rules)
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
        let text = crate::resolve::word_lists::builtin_list(file).ok_or_else(|| {
            format!(
                "unknown list `{file}` (built-in lists: {}; or a path to a .txt file)",
                crate::resolve::word_lists::builtin_list_names().join(", ")
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
