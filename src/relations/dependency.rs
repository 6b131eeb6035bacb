//! Syntax rules matched in the dependency parse: a trigger, paths to its arguments, the named
//! expansion steps from a node to the entities it stands for, and cues read from the tree.

use std::collections::BTreeSet;

use crate::resolve::EntityType;

use super::matcher::{Ctx, Found, FoundTarget};
use super::rules::{cue_applies, CueSite, Effect, Rule, SyntaxRule};
use super::syntax::{Constraint, DepPath, Direction, Expansion, Field, Step, TokenTest, Value};
use super::{Matched, Modality};

/// How deep expansion steps may nest ("X, including Y and Z, ...": a list inside a conjunct).
const EXPANSION_DEPTH: usize = 4;
/// How many "of" phrases or compounds a demonym or state is looked for through ("imports of
/// a range of Japanese goods", "U.S. corn imports").
const DEMONYM_DEPTH: usize = 2;
/// How many governors a cue looks up through (`settings.cue_climb`).
const CLIMB_LIMIT: usize = 4;
/// Sentences back that "the statement" looks for the statement it refers to.
const STATEMENT_REACH: usize = 8;

/// An entity an argument path reached: which, through which token, by which steps.
#[derive(Clone, Debug)]
struct Argument {
    entity: usize,
    node: usize,
    /// The expansion steps taken, in order ("conj", "title").
    steps: Vec<&'static str>,
}

use super::matcher::pronouns::Antecedents;

/// Runs one syntax rule over the sentence of `ctx` (which the parser analysed), adding
/// what it finds to `out`, and to `speakers` the sources of a figure relation's triggers
/// whether or not a figure follows ("Arch said the well was abandoned": who a later "it
/// said" stands for): the dependency matcher's one entry point.
pub(super) fn syntax_rule(
    ctx: &Ctx,
    rule: &Rule,
    syntax: &SyntaxRule,
    si: usize,
    antecedents: &Antecedents,
    out: &mut Vec<Found>,
    speakers: &mut Vec<usize>,
) {
    Syntax { ctx }.rule(rule, syntax, si, antecedents, out, speakers)
}

/// The dependency matcher over one sentence: it reads the shared [`Ctx`] (rules, tokens,
/// entities, figures) and adds nothing to it.
struct Syntax<'c, 'a> {
    ctx: &'c Ctx<'a>,
}

impl<'a> std::ops::Deref for Syntax<'_, 'a> {
    type Target = Ctx<'a>;

    fn deref(&self) -> &Ctx<'a> {
        self.ctx
    }
}

impl Syntax<'_, '_> {
    /// Runs one syntax rule over the current sentence (which the parser analysed).
    fn rule(
        &self,
        rule: &Rule,
        syntax: &SyntaxRule,
        si: usize,
        antecedents: &Antecedents,
        out: &mut Vec<Found>,
        speakers: &mut Vec<usize>,
    ) {
        let relation = &self.rules.relations[&rule.relation];
        for trigger in self.sent.clone() {
            if !self.test(&syntax.trigger, trigger) {
                continue;
            }
            let Some(modality) = self.syntax_modality(rule, trigger) else {
                continue;
            };
            let reach = |paths| self.reach(paths, trigger, &syntax.expand, si, antecedents);
            let sentence = self.doc.span(self.sent.clone());
            let emit = |source: &(usize, &DepPath, Argument),
                        target: FoundTarget,
                        target_part: (usize, String),
                        out: &mut Vec<Found>| {
                let (_, source_path, s) = source;
                let (target_node, target_text) = target_part;
                let path = format!(
                    "{}; {}",
                    self.path_text(trigger, source_path, s),
                    target_text
                );
                let lo = trigger.min(s.node).min(target_node);
                let hi = trigger.max(s.node).max(target_node);
                out.push(Found {
                    relation: rule.relation.clone(),
                    rule: rule.id.clone(),
                    source: s.entity,
                    target,
                    modality,
                    span: self.doc.span(lo..hi + 1),
                    sentence,
                    matched: Some(Matched {
                        trigger,
                        arguments: vec![s.node, target_node],
                        path,
                    }),
                });
            };
            if relation.figure {
                let sources = reach(&syntax.source);
                if sources.is_empty() {
                    continue;
                }
                speakers.extend(sources.iter().map(|(_, _, s)| s.entity));
                let excluded: Vec<usize> = sources.iter().map(|(n, _, _)| *n).collect();
                for (scope_path, reading) in
                    self.scoped_figures(trigger, &syntax.figures, &excluded)
                {
                    let figure = self.figure(&reading);
                    let text = format!(
                        "{} {} {}",
                        self.doc.tokens[trigger].text, scope_path, figure.text
                    );
                    for s in &sources {
                        emit(
                            s,
                            FoundTarget::Figure(figure.clone()),
                            (reading.number_start, text.clone()),
                            out,
                        );
                    }
                }
                continue;
            }
            let sources = reach(&syntax.source);
            let targets = reach(&syntax.target);
            for s in &sources {
                for t in &targets {
                    if s.2.entity != t.2.entity {
                        let text = self.path_text(trigger, t.1, &t.2);
                        emit(s, FoundTarget::Entity(t.2.entity), (t.2.node, text), out);
                    }
                }
            }
            // A group pairs its members only when no target was found: "Putin and Macron
            // met" is one meeting, "Putin and Macron met Xi" two.
            let members = if targets.is_empty() {
                reach(&syntax.group)
            } else {
                Vec::new()
            };
            for (i, a) in members.iter().enumerate() {
                for b in &members[i + 1..] {
                    if a.2.entity != b.2.entity {
                        let text = self.path_text(trigger, b.1, &b.2);
                        emit(a, FoundTarget::Entity(b.2.entity), (b.2.node, text), out);
                    }
                }
            }
        }
    }

    /// The entities `paths` reach from the trigger, each once, with the node and path.
    fn reach<'p>(
        &self,
        paths: &'p [DepPath],
        trigger: usize,
        expand: &BTreeSet<Expansion>,
        si: usize,
        antecedents: &Antecedents,
    ) -> Vec<(usize, &'p DepPath, Argument)> {
        let mut found: Vec<(usize, &DepPath, Argument)> = Vec::new();
        for path in paths {
            for node in self.follow(path, trigger) {
                for a in self.arguments(node, expand, si, antecedents, 0) {
                    if !found.iter().any(|(_, _, b)| b.entity == a.entity) {
                        found.push((node, path, a));
                    }
                }
            }
        }
        found
    }

    /// "met >obl{case:with} +conj Macron".
    fn path_text(&self, trigger: usize, path: &DepPath, arg: &Argument) -> String {
        let tokens = &self.doc.tokens;
        let mut text = format!("{} {}", tokens[trigger].text, path);
        for step in &arg.steps {
            text.push_str(" +");
            text.push_str(step);
        }
        text.push(' ');
        text.push_str(&tokens[arg.node].text);
        text
    }

    /// Whether token `i` passes every constraint of `test`.
    fn test(&self, test: &TokenTest, i: usize) -> bool {
        test.constraints
            .iter()
            .all(|c| self.constraint(c, i) != c.negated)
    }

    fn constraint(&self, c: &Constraint, i: usize) -> bool {
        let t = &self.doc.tokens[i];
        let word_in = |word: &str| {
            c.values.iter().any(|v| match v {
                Value::Word(w) => w == word,
                Value::Lexicon(l) => self.rules.lexicons[*l].contains_word(word),
            })
        };
        let children = || self.doc.children[i].iter().map(|&c| &self.doc.tokens[c]);
        match c.field {
            Field::Lemma => {
                word_in(&t.lemma)
                    || c.values.iter().any(|v| {
                        matches!(v, Value::Lexicon(l) if self.rules.lexicons[*l].contains_word(&t.lower))
                    })
            }
            Field::Lower => word_in(&t.lower),
            Field::Upos => word_in(t.upos),
            Field::Deprel => word_in(&t.deprel),
            Field::Case => children()
                .any(|d| (d.deprel == "case" || d.deprel == "mark") && word_in(&d.lower)),
            Field::Has => children().any(|d| word_in(&d.deprel)),
            Field::Lacks => !children().any(|d| word_in(&d.deprel)),
            Field::Entity => self.entity_of(i).is_some_and(|e| {
                let kind = self.resolved.entities[e].kind;
                c.values.iter().any(|v| match v {
                    Value::Word(w) => w == "any" || w == kind.as_str(),
                    Value::Lexicon(_) => false,
                })
            }),
        }
    }

    /// The nodes `path` reaches from `from`, in text order.
    fn follow(&self, path: &DepPath, from: usize) -> Vec<usize> {
        if !self.test(&path.start, from) {
            return Vec::new();
        }
        let mut nodes = vec![from];
        for step in &path.steps {
            let mut next: BTreeSet<usize> = BTreeSet::new();
            for &n in &nodes {
                match step.direction {
                    Direction::Down => {
                        let fits: Vec<usize> = self.doc.children[n]
                            .iter()
                            .copied()
                            .filter(|&c| self.step_fits(step, c, c))
                            .collect();
                        // A clause has its subjects on one side: when the parser puts
                        // them on both ("Zelenskyy told Reuters" with Reuters as a
                        // subject), the ones before the verb are it.
                        let subject = |c: &usize| self.doc.tokens[*c].deprel.starts_with("nsubj");
                        let both_sides = fits.iter().all(subject)
                            && fits.iter().any(|&c| c < n)
                            && fits.iter().any(|&c| c > n);
                        next.extend(fits.into_iter().filter(|&c| !both_sides || c < n));
                    }
                    Direction::Up => {
                        if let Some(h) = self.doc.tokens[n].head {
                            if self.step_fits(step, n, h) {
                                next.insert(h);
                            }
                        }
                    }
                }
            }
            nodes = next.into_iter().collect();
        }
        nodes
    }

    /// Whether a step may go over the arc of `dependent` and arrive at `arrive`.
    fn step_fits(&self, step: &Step, dependent: usize, arrive: usize) -> bool {
        let deprel = &self.doc.tokens[dependent].deprel;
        (step.relations.is_empty() || step.relations.iter().any(|r| r == deprel))
            && self.test(&step.test, arrive)
    }

    fn entity_of(&self, i: usize) -> Option<usize> {
        let m = (*self.doc.mention_at.get(i)?)?;
        Some(self.doc.mentions[m].entity)
    }

    fn children_by<'s>(
        &'s self,
        node: usize,
        deprels: &'s [&'s str],
    ) -> impl Iterator<Item = usize> + 's {
        self.doc.children[node]
            .iter()
            .copied()
            .filter(move |&c| deprels.contains(&self.doc.tokens[c].deprel.as_str()))
    }

    fn in_lexicon(&self, lexicon: Option<usize>, i: usize) -> bool {
        let t = &self.doc.tokens[i];
        lexicon.is_some_and(|l| {
            let l = &self.rules.lexicons[l];
            l.contains_word(&t.lower) || l.contains_word(&t.lemma)
        })
    }

    /// The entities `node` stands for, through the rule's expansion steps.
    fn arguments(
        &self,
        node: usize,
        expand: &BTreeSet<Expansion>,
        si: usize,
        antecedents: &Antecedents,
        depth: usize,
    ) -> Vec<Argument> {
        let mut out: Vec<Argument> = Vec::new();
        if depth > EXPANSION_DEPTH {
            return out;
        }
        let on = |e: Expansion| expand.contains(&e);
        let push = |out: &mut Vec<Argument>, a: Argument| {
            if !out.iter().any(|b| b.entity == a.entity) {
                out.push(a);
            }
        };
        let settings = &self.rules.settings;
        let is_person = |e: usize| self.resolved.entities[e].kind == EntityType::Person;
        let named = |n: usize, step: Option<&'static str>| {
            self.entity_of(n).map(|entity| Argument {
                entity,
                node: n,
                steps: step.into_iter().collect(),
            })
        };
        let nested = |n: usize, step: &'static str, out: &mut Vec<Argument>| {
            for mut a in self.arguments(n, expand, si, antecedents, depth + 1) {
                a.steps.insert(0, step);
                push(out, a);
            }
        };
        if let Some(a) = named(node, None) {
            push(&mut out, a);
        } else if let Some(a) = on(Expansion::Flat)
            .then(|| {
                // A state before a title is a nationality, not the one named: "the U.S.
                // envoy to Burundi, Howard Wolpe".
                let title = self.in_lexicon(settings.titles, node);
                self.children_by(node, &["flat", "compound", "flat:name"])
                    .find_map(|c| named(c, Some("flat")))
                    .filter(|a| {
                        !title || self.resolved.entities[a.entity].kind != EntityType::State
                    })
            })
            .flatten()
        {
            push(&mut out, a);
        } else if on(Expansion::OrganisationPronoun)
            && self.in_lexicon(settings.organisation_pronouns, node)
        {
            let speaker_before = self.governing_speaker(node);
            if let Some(entity) = self.organisation_pronoun(node, speaker_before, si, antecedents) {
                push(
                    &mut out,
                    Argument {
                        entity,
                        node,
                        steps: vec!["organisation-pronoun"],
                    },
                );
            }
        } else if on(Expansion::Pronoun) && self.in_lexicon(settings.pronouns, node) {
            if let Some(entity) = self.antecedent(node, si, antecedents) {
                push(
                    &mut out,
                    Argument {
                        entity,
                        node,
                        steps: vec!["pronoun"],
                    },
                );
            }
        } else {
            // A title leads to the person it names, never to a modifier ("the U.S. envoy
            // to Burundi, Howard Wolpe": Wolpe, not the United States).
            if on(Expansion::Title) && self.in_lexicon(settings.titles, node) {
                for c in self.children_by(node, &["appos", "flat", "compound", "nmod:desc"]) {
                    if let Some(a) = named(c, Some("title")).filter(|a| is_person(a.entity)) {
                        push(&mut out, a);
                    }
                }
            }
            if on(Expansion::Appos) {
                for c in self.children_by(node, &["appos"]) {
                    nested(c, "appos", &mut out);
                }
            }
            // A collective names its owner ("NATO leaders", "a spokeswoman for the EU"); so
            // does a title that names no one ("Russia's deputy defence minister").
            // ... but not a trade's people: "Brazil business leaders" are not Brazil's.
            let of_a_sector = self
                .children_by(node, &["compound", "amod"])
                .any(|c| self.in_lexicon(settings.sectors, c));
            let collective = self.in_lexicon(settings.collective, node) && !of_a_sector;
            let title_owner = out.is_empty()
                && on(Expansion::Description)
                && self.in_lexicon(settings.titles, node);
            if on(Expansion::Possessive) && (collective || title_owner) {
                let owners: &[&str] = if collective {
                    &["nmod:poss", "compound", "nmod"]
                } else {
                    &["nmod:poss", "nmod"]
                };
                for c in self.children_by(node, owners) {
                    let of = self.doc.tokens[c].deprel != "nmod"
                        || self.children_by(c, &["case"]).any(|k| self.owner_case(k));
                    // The owner may be a coordination ("representatives from Armenia and
                    // Azerbaijan") or a description ("the company's spokesman").
                    let described = || on(Expansion::Description) && self.described(c).is_some();
                    if of && (self.entity_of(c).is_some() || described()) {
                        nested(c, "possessive", &mut out);
                    }
                }
            }
            if on(Expansion::Description) && out.is_empty() {
                if let Some(entity) = self.described(node) {
                    push(
                        &mut out,
                        Argument {
                            entity,
                            node,
                            steps: vec!["description"],
                        },
                    );
                }
            }
            if on(Expansion::Statement) && out.is_empty() {
                // The nearest text whose author names someone: "The study by the FTC's
                // bureau of economics" does not, "a Federal Trade Commission study" does.
                for nodes in self.statement_authors(node) {
                    for c in nodes {
                        nested(c, "statement", &mut out);
                    }
                    if !out.is_empty() {
                        break;
                    }
                }
            }
        }
        if on(Expansion::Demonym) && out.is_empty() {
            for a in self.demonyms(node, 0) {
                push(&mut out, a);
            }
        }
        if on(Expansion::Including) {
            for c in self.children_by(node, &["nmod", "obl", "acl", "appos"]) {
                let including = self
                    .children_by(c, &["case", "mark"])
                    .any(|k| matches!(self.doc.tokens[k].lower.as_str(), "including" | "among"));
                if including {
                    nested(c, "including", &mut out);
                }
            }
        }
        if on(Expansion::Conj) {
            for c in self.children_by(node, &["conj"]) {
                nested(c, "conj", &mut out);
            }
            for ticker in self.tickers(node) {
                for c in self.children_by(ticker, &["conj"]) {
                    nested(c, "conj", &mut out);
                }
            }
        }
        out
    }

    /// The states a nationality adjective at `node` or modifying it names ("Japanese goods"),
    /// or a state named deeper in its compounds ("U.S. corn imports"), or modifying what it
    /// is made of ("imports of Japanese goods", "a range of Japanese goods"); a demonym
    /// counts when the document names the state (`EntityTokens::demonym_at`).
    fn demonyms(&self, node: usize, depth: usize) -> Vec<Argument> {
        let at = |n: usize| {
            let state = self
                .entity_of(n)
                .filter(|&e| self.resolved.entities[e].kind == EntityType::State);
            state.or(self.doc.demonym_at[n]).map(|entity| Argument {
                entity,
                node: n,
                steps: vec!["demonym"],
            })
        };
        if let Some(a) = self.doc.demonym_at[node].and(at(node)) {
            return vec![a];
        }
        let mut out: Vec<Argument> = self
            .children_by(node, &["amod", "compound"])
            .filter_map(at)
            .collect();
        if out.is_empty() && depth < DEMONYM_DEPTH {
            let of = |c: &usize| {
                self.doc.tokens[*c].deprel == "compound"
                    || self
                        .children_by(*c, &["case"])
                        .any(|k| self.doc.tokens[k].lower == "of")
            };
            for c in self.children_by(node, &["nmod", "compound"]).filter(of) {
                out.extend(self.demonyms(c, depth + 1));
            }
        }
        out
    }

    /// The stock tickers in angle brackets after a name ("Pratt Hotel Corp <PRAT>"), which
    /// the parser takes for an appositive and hangs the next conjunct on: "talks with Pratt
    /// Hotel Corp <PRAT> and Southmark Corp <SM>" has Southmark as a conjunct of PRAT. A
    /// ticker may be a name of the same entity, never of another.
    fn tickers(&self, node: usize) -> Vec<usize> {
        let own = self.entity_of(node);
        self.children_by(node, &["appos"])
            .filter(|&a| self.entity_of(a).is_none_or(|e| Some(e) == own))
            .filter(|&a| {
                self.children_by(a, &["punct"])
                    .any(|p| p < a && self.doc.tokens[p].text == "<")
            })
            .collect()
    }

    /// The nodes that may name the author of the published text at `node` (a word of
    /// `settings.statements`), nearest first: its owner ("the bank's annual report", "an
    /// LDP statement", "the study, by Paul Wonnacott,"); for a definite one ("the statement
    /// said"), then those of the same texts before it, each its owner or the speaker it was
    /// given by ("Jiangling Motors Corp, in a statement, said"). None for another text
    /// ("other Tanjug reports").
    fn statement_authors(&self, node: usize) -> Vec<Vec<usize>> {
        let tokens = self.doc.tokens;
        if !self.in_lexicon(self.rules.settings.statements, node)
            || self
                .children_by(node, &["amod", "det"])
                .any(|c| matches!(tokens[c].lower.as_str(), "other" | "another"))
        {
            return Vec::new();
        }
        let mut out = vec![self.statement_owners(node)];
        let definite = self
            .children_by(node, &["det"])
            .any(|d| matches!(tokens[d].lower.as_str(), "the" | "this"));
        if definite {
            let lemma = &tokens[node].lemma;
            let reach = tokens[node].sentence.saturating_sub(STATEMENT_REACH);
            let earlier = (0..node)
                .rev()
                .take_while(|&i| tokens[i].sentence >= reach)
                .filter(|&i| &tokens[i].lemma == lemma && tokens[i].upos == "NOUN");
            for i in earlier {
                out.push(self.statement_owners(i));
                out.push(self.statement_giver(i));
            }
        }
        out.retain(|nodes| !nodes.is_empty());
        out
    }

    /// The owner of the text at `node`: a possessor, a noun modifier or a `by` phrase.
    fn statement_owners(&self, node: usize) -> Vec<usize> {
        self.children_by(node, &["nmod:poss", "compound", "nmod", "appos"])
            .filter(|&c| {
                matches!(self.doc.tokens[c].deprel.as_str(), "nmod:poss" | "compound")
                    || self
                        .children_by(c, &["case"])
                        .any(|k| matches!(self.doc.tokens[k].lower.as_str(), "by" | "from"))
            })
            .collect()
    }

    /// Who gave the text at `node` ("X, in a statement, said"): the named subject of the
    /// clause it is an `obl` of, or of the clauses reporting that one ("Jiangling Motors
    /// Corp, in a statement, said net profit was 3.385 million yuan", where the parser
    /// hangs the statement on "yuan").
    fn statement_giver(&self, node: usize) -> Vec<usize> {
        let tokens = self.doc.tokens;
        if tokens[node].deprel != "obl" {
            return Vec::new();
        }
        let mut clause = tokens[node].head;
        for _ in 0..CLIMB_LIMIT {
            let Some(h) = clause else { break };
            let named: Vec<usize> = self
                .children_by(h, &["nsubj"])
                .filter(|&c| self.entity_of(c).is_some() || self.described(c).is_some())
                .collect();
            if !named.is_empty() {
                return named;
            }
            if !matches!(tokens[h].deprel.as_str(), "ccomp" | "parataxis") {
                break;
            }
            clause = tokens[h].head;
        }
        Vec::new()
    }

    /// Whether the `case` word at `k` joins a collective or title to its owner
    /// (`settings.owner_cases`; "of" and "from" when not given).
    fn owner_case(&self, k: usize) -> bool {
        match self.rules.settings.owner_cases {
            Some(_) => self.in_lexicon(self.rules.settings.owner_cases, k),
            None => matches!(self.doc.tokens[k].lower.as_str(), "of" | "from"),
        }
    }

    /// The person "he"/"she" at `node` stands for: the last person named before it in the
    /// sentence, else the latest antecedent within reach; never one the document gives the
    /// other gender.
    fn antecedent(&self, node: usize, si: usize, antecedents: &Antecedents) -> Option<usize> {
        let gender = self.pronoun_gender(node);
        let person = |e: &usize| {
            self.resolved.entities[*e].kind == EntityType::Person && self.agrees(*e, gender)
        };
        let earlier = (self.sent.start..node)
            .rev()
            .filter_map(|i| self.entity_of(i))
            .find(person);
        // "In her talks with Blinken, Baerbock said": a pronoun ahead of the main clause
        // names that clause's subject.
        let main_subject = || {
            let root = self
                .sent
                .clone()
                .find(|&i| self.doc.tokens[i].head.is_none())?;
            self.children_by(root, &["nsubj"])
                .filter(|&s| s > node)
                .find_map(|s| self.entity_of(s))
                .filter(person)
        };
        earlier.or_else(main_subject).or_else(|| {
            let reach = self.rules.settings.pronoun_reach;
            antecedents
                .persons
                .iter()
                .rev()
                .find(|&&(s, e)| s < si && si - s <= reach && self.agrees(e, gender))
                .map(|&(_, e)| e)
        })
    }

    /// The organisation or state named as the subject of a clause that holds the pronoun at
    /// `node` as its reported speech: "Acme said it expects ..." (up through `ccomp`).
    fn governing_speaker(&self, node: usize) -> Option<usize> {
        let mut clause = self.doc.tokens[node].head?;
        for _ in 0..CLIMB_LIMIT {
            if self.doc.tokens[clause].deprel != "ccomp" {
                return None;
            }
            clause = self.doc.tokens[clause].head?;
            let subject = self
                .children_by(clause, &["nsubj"])
                .find_map(|s| self.entity_of(s));
            if let Some(e) = subject {
                return super::matcher::pronouns::organisation_like(self.resolved.entities[e].kind)
                    .then_some(e);
            }
        }
        None
    }

    /// The trigger and the governors above it through `settings.cue_climb` relations.
    fn clause_chain(&self, trigger: usize) -> Vec<usize> {
        let climb = &self.rules.settings.cue_climb;
        let mut chain = vec![trigger];
        let mut n = trigger;
        for _ in 0..CLIMB_LIMIT {
            let t = &self.doc.tokens[n];
            match t.head {
                Some(h) if climb.contains(&t.deprel) => {
                    chain.push(h);
                    n = h;
                }
                _ => break,
            }
        }
        chain
    }

    /// What the syntax cues make of a trigger: None when a drop cue fires.
    fn syntax_modality(&self, rule: &Rule, trigger: usize) -> Option<Modality> {
        let chain = self.clause_chain(trigger);
        let fired = self
            .rules
            .syntax_cues
            .iter()
            .filter(|cue| cue_applies(&cue.relations, &rule.relation))
            .filter(|cue| match cue.site {
                // The dependent itself, or the word that marks it: "if" in "If Russia
                // invades, the US will sanction Putin" marks the clause "invades".
                CueSite::Dependent => chain.iter().any(|&n| {
                    self.doc.children[n].iter().any(|&c| {
                        (cue.deprels.is_empty() || cue.deprels.contains(&self.doc.tokens[c].deprel))
                            && (self.in_lexicon(Some(cue.lexicon), c)
                                || self
                                    .children_by(c, &["mark"])
                                    .any(|m| self.in_lexicon(Some(cue.lexicon), m)))
                    })
                }),
                CueSite::Governor => chain[1..]
                    .iter()
                    .any(|&g| self.in_lexicon(Some(cue.lexicon), g)),
            })
            .map(|cue| cue.effect);
        Effect::modality(fired)
    }

    /// The figures in the subtrees `paths` reach from the trigger, less the trigger's own
    /// subtree (when a path goes up) and the sources' subtrees ("the two leaders said").
    fn scoped_figures<'p>(
        &self,
        trigger: usize,
        paths: &'p [DepPath],
        sources: &[usize],
    ) -> Vec<(&'p DepPath, super::numbers::Reading)> {
        let mut out: Vec<(&DepPath, super::numbers::Reading)> = Vec::new();
        let start = self.sent.start;
        let mut excluded = vec![false; self.sent.end - start];
        for &s in sources {
            for i in self.subtree(s) {
                excluded[i - start] = true;
            }
        }
        let trigger_subtree = self.subtree(trigger);
        for path in paths {
            for scope in self.follow(path, trigger) {
                let scope_subtree = self.subtree(scope);
                let mut inside = vec![false; excluded.len()];
                for &i in &scope_subtree {
                    inside[i - start] = !excluded[i - start];
                }
                // A scope above the trigger ("120 died, police said"): not the
                // attribution's own words.
                if scope_subtree.contains(&trigger) {
                    for &i in &trigger_subtree {
                        inside[i - start] = false;
                    }
                }
                let mut p = self.sent.start;
                while p < self.sent.end {
                    let reading = inside[p - start]
                        .then(|| self.reading(p))
                        .flatten()
                        .filter(|r| inside[r.number_start - start]);
                    match reading {
                        Some(r) => {
                            p = r.end.max(p + 1);
                            if !out.iter().any(|(_, o)| o.number_start == r.number_start) {
                                out.push((path, r));
                            }
                        }
                        None => p += 1,
                    }
                }
            }
        }
        out.sort_by_key(|(_, r)| r.number_start);
        out
    }

    /// Token indices of the subtree rooted at `node` (within the sentence).
    fn subtree(&self, node: usize) -> Vec<usize> {
        let mut out = vec![node];
        let mut i = 0;
        while i < out.len() {
            out.extend(self.doc.children[out[i]].iter().copied());
            i += 1;
        }
        out.retain(|&n| self.sent.contains(&n));
        out
    }
}
