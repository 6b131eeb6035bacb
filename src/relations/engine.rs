//! The matching engine: rules tried over each sentence's tokens and entities, cues applied, figures assigned.

use std::cell::Cell;
use std::ops::Range;

use crate::resolve::{EntityType, Resolved};
use crate::text::Span;

use super::mentions::EntityTokens;
use super::numbers::{self, Reading, Vocabulary};
use super::pattern::{Alt, Atom, Element, Pattern, Quant, Role, Slot};
use super::rules::{cue_applies, Effect, Lexicon, Rule, RuleKind, RuleSet};
use super::{Figure, Modality};
use crate::analysis::Token;

/// Backtracking steps allowed per rule and start position; patterns in practice need far fewer.
const STEP_BUDGET: usize = 20_000;

/// One relation instance found in one sentence.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Found {
    pub relation: String,
    pub rule: String,
    pub source: usize,
    pub target: FoundTarget,
    pub modality: Modality,
    pub span: Span,
    pub sentence: Span,
    pub matched: Option<super::Matched>,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum FoundTarget {
    Entity(usize),
    Figure(Figure),
}

#[derive(Clone, Debug)]
struct Capture {
    role: Role,
    /// Entities (indices into `Resolved::entities`), in order of mention.
    members: Vec<usize>,
    tokens: Range<usize>,
    figure: Option<Reading>,
    /// A pronoun standing for the source.
    pronoun: bool,
}

#[derive(Clone, Debug)]
struct Match {
    start: usize,
    end: usize,
    caps: Vec<Capture>,
}

/// An attribution ("X said") that figures of its sentence are credited to.
#[derive(Clone, Debug)]
struct Attribution<'r> {
    rule: &'r Rule,
    start: usize,
    end: usize,
    sources: Vec<usize>,
    pronoun_at: Option<usize>,
    modality: Option<Modality>,
}

pub(super) struct Ctx<'a> {
    pub(super) rules: &'a RuleSet,
    pub(super) doc: &'a EntityTokens<'a>,
    pub(super) resolved: &'a Resolved,
    pub(super) sent: Range<usize>,
    steps: Cell<usize>,
}

/// Runs every rule over every sentence of `doc`.
pub(super) fn run(rules: &RuleSet, doc: &EntityTokens, resolved: &Resolved) -> Vec<Found> {
    let mut out = Vec::new();
    // Persons that pronouns may stand for: (sentence index, entity), most recent last.
    let mut antecedents: Vec<(usize, usize)> = Vec::new();
    for (si, sent) in doc.sentences.iter().enumerate() {
        let ctx = Ctx {
            rules,
            doc,
            resolved,
            sent: sent.clone(),
            steps: Cell::new(0),
        };
        let sentence = doc.span(sent.clone());
        let mut attributions = Vec::new();
        let parsed = doc.parsed[si];
        let before_syntax = out.len();
        for rule in &rules.rules {
            let pattern = match &rule.kind {
                RuleKind::Syntax(syntax) => {
                    if parsed {
                        ctx.syntax_rule(rule, syntax, si, &antecedents, &mut out);
                    }
                    continue;
                }
                RuleKind::Surface(_) if rule.unparsed_only && parsed => continue,
                RuleKind::Surface(pattern) => pattern,
            };
            let relation = &rules.relations[&rule.relation];
            for m in ctx.matches(rule, pattern) {
                let modality = ctx.modality(rule, &m);
                if relation.figure && rule.sentence_figures {
                    let pronoun_at = m.caps.iter().find(|c| c.pronoun).map(|c| c.tokens.start);
                    attributions.push(Attribution {
                        rule,
                        start: m.start,
                        end: m.end,
                        sources: members(&m, Role::Source),
                        pronoun_at,
                        modality,
                    });
                    continue;
                }
                let Some(modality) = modality else { continue };
                let span = doc.span(m.start..m.end);
                let found = |source: usize, target: FoundTarget| Found {
                    relation: rule.relation.clone(),
                    rule: rule.id.clone(),
                    source,
                    target,
                    modality,
                    span,
                    sentence,
                    matched: None,
                };
                let sources = members(&m, Role::Source);
                if relation.figure {
                    for cap in m.caps.iter().filter(|c| c.role == Role::Figure) {
                        let Some(reading) = &cap.figure else { continue };
                        let figure = ctx.figure(reading);
                        for &s in &sources {
                            out.push(found(s, FoundTarget::Figure(figure.clone())));
                        }
                    }
                    continue;
                }
                for &s in &sources {
                    for &t in &members(&m, Role::Target) {
                        if s != t {
                            out.push(found(s, FoundTarget::Entity(t)));
                        }
                    }
                }
                for cap in m.caps.iter().filter(|c| c.role == Role::Group) {
                    for (i, &a) in cap.members.iter().enumerate() {
                        for &b in &cap.members[i + 1..] {
                            if a != b {
                                out.push(found(a, FoundTarget::Entity(b)));
                            }
                        }
                    }
                }
            }
        }
        ctx.resolve_pronouns(si, &mut attributions, &antecedents);
        ctx.claims(&attributions, sentence, &mut out);
        // Who pronouns in later sentences may stand for: this sentence's speakers, and a
        // person in subject position (only names, titles and punctuation before it).
        for a in &attributions {
            for &s in &a.sources {
                if resolved.entities[s].kind == EntityType::Person {
                    antecedents.push((si, s));
                }
            }
        }
        // Speakers a syntax rule credited figures to.
        for f in &out[before_syntax..] {
            let speaker = matches!(f.target, FoundTarget::Figure(_)) && f.matched.is_some();
            if speaker && resolved.entities[f.source].kind == EntityType::Person {
                antecedents.push((si, f.source));
            }
        }
        if let Some(subject) = ctx.subject_person() {
            antecedents.push((si, subject));
        }
    }
    out
}

fn members(m: &Match, role: Role) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for c in m.caps.iter().filter(|c| c.role == role) {
        for &e in &c.members {
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }
    out
}

impl<'a> Ctx<'a> {
    fn lexicon(&self, index: Option<usize>) -> Option<&'a Lexicon> {
        index.map(|i| &self.rules.lexicons[i])
    }

    /// Length of the longest entry of lexicon `index` at `pos`, within the sentence.
    fn lex_len(&self, index: Option<usize>, pos: usize) -> Option<usize> {
        self.lexicon(index)?
            .longest_at(self.doc.tokens, pos, self.sent.end)
    }

    fn lower(&self, pos: usize) -> &str {
        self.doc
            .tokens
            .get(pos)
            .filter(|_| pos < self.sent.end)
            .map_or("", |t| t.lower.as_str())
    }

    fn in_mention(&self, pos: usize) -> bool {
        self.doc.mention_at.get(pos).is_some_and(Option::is_some)
    }

    /// The first match of `rule` at each start position of the sentence, less those inside
    /// an earlier match ("the US and the EU sanction" also matches from "the EU").
    fn matches(&self, rule: &Rule, pattern: &Pattern) -> Vec<Match> {
        let mut out: Vec<Match> = Vec::new();
        let starts_with_slot = pattern
            .elements
            .first()
            .is_some_and(|e| matches!(e.atom, Atom::Slot(_)));
        let not_after = self.lexicon(self.rules.settings.subject_not_after);
        for start in self.sent.clone() {
            if starts_with_slot
                && not_after.is_some_and(|l| l.ends_at(self.doc.tokens, self.sent.start, start))
            {
                continue;
            }
            self.steps.set(0);
            let mut caps = Vec::new();
            if let Some(end) = self.go(rule, &pattern.elements, start, &mut caps) {
                let inside = out.iter().any(|m| m.start <= start && end <= m.end);
                if end > start && !inside {
                    out.push(Match { start, end, caps });
                }
            }
        }
        out
    }

    fn go(
        &self,
        rule: &Rule,
        elements: &[Element],
        pos: usize,
        caps: &mut Vec<Capture>,
    ) -> Option<usize> {
        let Some(element) = elements.first() else {
            return Some(pos);
        };
        self.steps.set(self.steps.get() + 1);
        if self.steps.get() > STEP_BUDGET {
            return None;
        }
        let options = self.options(rule, &element.atom, pos);
        for (end, cap) in options {
            if element.quant == Quant::Many && end == pos {
                continue;
            }
            let pushed = cap.is_some();
            if let Some(c) = cap {
                caps.push(c);
            }
            let rest = if element.quant == Quant::Many {
                elements
            } else {
                &elements[1..]
            };
            if let Some(done) = self.go(rule, rest, end, caps) {
                return Some(done);
            }
            if pushed {
                caps.pop();
            }
        }
        if element.quant != Quant::One {
            return self.go(rule, &elements[1..], pos, caps);
        }
        None
    }

    /// Ways `atom` matches at `pos`: end positions (preferred first) and what it captured.
    fn options(&self, rule: &Rule, atom: &Atom, pos: usize) -> Vec<(usize, Option<Capture>)> {
        let end = self.sent.end;
        let tokens = &self.doc.tokens;
        // A mention that runs past its sentence can carry a match out of it: no match there.
        if pos > end || pos < self.sent.start {
            return vec![];
        }
        match atom {
            Atom::Start => {
                if tokens[self.sent.start..pos].iter().all(|t| !t.is_word()) {
                    vec![(pos, None)]
                } else {
                    vec![]
                }
            }
            Atom::End => {
                if tokens[pos..end].iter().all(|t| !t.is_word()) {
                    vec![(pos, None)]
                } else {
                    vec![]
                }
            }
            Atom::Gap(n) => {
                let mut out = vec![(pos, None)];
                let mut p = pos;
                while p < end && p - pos < *n {
                    let t = &tokens[p];
                    if !t.is_word()
                        || self.in_mention(p)
                        || self.lex_len(self.rules.settings.gap_stops, p).is_some()
                    {
                        break;
                    }
                    p += 1;
                    out.push((p, None));
                }
                out
            }
            Atom::Not(alts) => {
                if self.alt_ends(alts, pos).is_empty() {
                    vec![(pos, None)]
                } else {
                    vec![]
                }
            }
            Atom::Alts(alts) => self
                .alt_ends(alts, pos)
                .into_iter()
                .map(|e| (e, None))
                .collect(),
            Atom::Slot(slot) => self
                .slot_options(rule, slot, pos)
                .into_iter()
                .map(|(e, c)| (e, Some(c)))
                .collect(),
        }
    }

    /// Where the alternatives matching at `pos` end, longest first.
    fn alt_ends(&self, alts: &[Alt], pos: usize) -> Vec<usize> {
        let end = self.sent.end;
        let tokens = &self.doc.tokens;
        let mut ends: Vec<usize> = Vec::new();
        for alt in alts {
            match alt {
                Alt::Words(words) => {
                    let n = words.len();
                    let fits = pos + n <= end
                        && words
                            .iter()
                            .zip(&tokens[pos..pos + n])
                            .all(|(w, t)| *w == t.lower);
                    if fits {
                        ends.push(pos + n);
                    }
                }
                Alt::Lexicon(i) => {
                    for n in self.rules.lexicons[*i].lengths_at(tokens, pos, end) {
                        ends.push(pos + n);
                    }
                }
            }
        }
        ends.sort_by(|a, b| b.cmp(a));
        ends.dedup();
        ends
    }

    fn slot_options(&self, rule: &Rule, slot: &Slot, pos: usize) -> Vec<(usize, Capture)> {
        if pos >= self.sent.end {
            return vec![];
        }
        let capture = |end: usize, members: Vec<usize>| Capture {
            role: slot.role,
            members,
            tokens: pos..end,
            figure: None,
            pronoun: false,
        };
        if slot.role == Role::Figure {
            return self
                .reading(pos)
                .map(|r| {
                    let end = r.end;
                    let mut c = capture(end, vec![]);
                    c.figure = Some(r);
                    vec![(end, c)]
                })
                .unwrap_or_default();
        }
        if slot.role == Role::Source
            && rule.pronouns
            && !self.in_mention(pos)
            && self.lex_len(self.rules.settings.pronouns, pos) == Some(1)
        {
            let mut c = capture(pos + 1, vec![]);
            c.pronoun = true;
            return vec![(pos + 1, c)];
        }
        let min_members = if slot.role == Role::Group { 2 } else { 1 };
        self.groups(pos, slot.kinds.as_deref())
            .into_iter()
            .filter(|(_, m)| m.len() >= min_members)
            .map(|(end, m)| (end, capture(end, m)))
            .collect()
    }

    /// Skips words that may precede a name in a slot: determiners, titles, capitalised words.
    fn skip_prefix(&self, pos: usize) -> usize {
        let mut p = pos;
        for _ in 0..5 {
            if p >= self.sent.end || self.in_mention(p) {
                break;
            }
            if let Some(n) = self
                .lex_len(self.rules.settings.determiners, p)
                .or_else(|| self.lex_len(self.rules.settings.titles, p))
            {
                p += n;
            } else if self.doc.tokens[p].is_capitalised() && self.doc.tokens[p].is_word() {
                p += 1;
            } else {
                break;
            }
        }
        p
    }

    /// Skips title words between a modifier and a name ("Russian [Foreign Minister] Lavrov").
    fn skip_titles(&self, pos: usize) -> usize {
        let mut p = pos;
        while p < self.sent.end && !self.in_mention(p) {
            match self.lex_len(self.rules.settings.titles, p) {
                Some(n) => p += n,
                None => break,
            }
        }
        p
    }

    /// The entity named at `pos` (after determiners and titles), and where its name ends.
    /// A possessor or modifier gives way to the name it modifies ("Russia's Putin" is Putin);
    /// a name followed by a modifier head ("U.S. defense official") names no one here.
    fn head(&self, pos: usize, kinds: Option<&[EntityType]>) -> Option<(usize, usize)> {
        let p = self.skip_prefix(pos);
        let m = self.doc.mention_starting(p)?;
        let (mut entity, mut q) = (m.entity, m.tokens.end);
        loop {
            let possessive = matches!(self.lower(q), "'s" | "'");
            let r = self.skip_titles(if possessive { q + 1 } else { q });
            // Right next to another name, only a state modifies it ("U.S. European Command");
            // with a possessive or a title between, any name does ("NATO Secretary General X").
            let modifies =
                possessive || r > q || self.resolved.entities[entity].kind == EntityType::State;
            match self.doc.mention_starting(r) {
                Some(next) if r < self.sent.end && modifies => {
                    entity = next.entity;
                    q = next.tokens.end;
                }
                _ if possessive => return None,
                _ => break,
            }
        }
        if self
            .lex_len(self.rules.settings.modifier_heads, q)
            .is_some()
        {
            return None;
        }
        if let Some(n) = self.lex_len(self.rules.settings.collective, q) {
            q += n;
        }
        let kind = self.resolved.entities[entity].kind;
        if kinds.is_some_and(|k| !k.contains(&kind)) {
            return None;
        }
        Some((entity, q))
    }

    /// Coordinations starting at `pos`, longest first, each also with a following appositive.
    fn groups(&self, pos: usize, kinds: Option<&[EntityType]>) -> Vec<(usize, Vec<usize>)> {
        let Some((first, mut end)) = self.head(pos, kinds) else {
            return vec![];
        };
        let mut members = vec![first];
        // (end, members, valid)
        let mut candidates = vec![(end, members.clone(), true)];
        let mut bare_comma = false;
        let at_start = self.doc.tokens[self.sent.start..pos]
            .iter()
            .all(|t| !t.is_word());
        loop {
            let mut r = end;
            let comma = self.lower(r) == ",";
            if comma {
                r += 1;
            }
            let conj = self.lex_len(self.rules.settings.conjunctions, r);
            if let Some(n) = conj {
                r += n;
            }
            if !comma && conj.is_none() {
                break;
            }
            let Some((next, next_end)) = self.head(r, kinds) else {
                break;
            };
            bare_comma |= conj.is_none();
            if !members.contains(&next) {
                members.push(next);
            }
            end = next_end;
            // "A, B" without a conjunction is a list only in a headline or before "and ...".
            let followed_by_conj = {
                let mut s = end;
                if self.lower(s) == "," {
                    s += 1;
                }
                self.lex_len(self.rules.settings.conjunctions, s).is_some()
            };
            let valid = !bare_comma || conj.is_some() || followed_by_conj || at_start;
            candidates.push((end, members.clone(), valid));
        }
        let mut out = Vec::new();
        for (end, members, valid) in candidates.into_iter().rev().filter(|c| c.2) {
            let _ = valid;
            if let Some(after) = self.appositive_end(end) {
                out.push((after, members.clone()));
            }
            out.push((end, members));
        }
        out
    }

    /// The end of ", the ambassador to X," or of an age (", 79,") after a name, if one follows.
    fn appositive_end(&self, end: usize) -> Option<usize> {
        if self.lower(end) != "," {
            return None;
        }
        if self.is_age(end + 1) {
            return Some(end + 3);
        }
        self.lex_len(self.rules.settings.appositive, end + 1)?;
        let limit = (end + 25).min(self.sent.end);
        for p in end + 2..limit {
            let t = &self.doc.tokens[p];
            match t.lower.as_str() {
                "," => return Some(p + 1),
                ";" | ":" | "\"" | "“" | "”" | "(" | ")" => return None,
                _ => {}
            }
        }
        None
    }

    /// Whether token `p` is an age after a name: "Biden, 79, said".
    fn is_age(&self, p: usize) -> bool {
        let t = self.lower(p);
        p >= self.sent.start + 2
            && (1..=3).contains(&t.len())
            && t.chars().all(|c| c.is_ascii_digit())
            && self.lower(p - 1) == ","
            && self.in_mention(p - 2)
            && self.lower(p + 1) == ","
    }

    /// What the cues around a match make of it: None when a drop cue fires.
    fn modality(&self, rule: &Rule, m: &Match) -> Option<Modality> {
        let tokens = &self.doc.tokens;
        let in_slot = |p: usize| {
            m.caps
                .iter()
                .any(|c| c.role != Role::Figure && c.tokens.contains(&p))
        };
        let fired = self
            .rules
            .cues
            .iter()
            .filter(|cue| cue_applies(&cue.relations, &rule.relation))
            .filter(|cue| {
                let from = m.start.saturating_sub(cue.before).max(self.sent.start);
                let lexicon = &self.rules.lexicons[cue.lexicon];
                (from..m.end).any(|p| {
                    !in_slot(p) && !lexicon.lengths_at(tokens, p, self.sent.end).is_empty()
                })
            })
            .map(|cue| cue.effect);
        Effect::modality(fired)
    }

    /// A number phrase at `pos` that can be a figure (not a date, time, age, ordinal or name).
    pub(super) fn reading(&self, pos: usize) -> Option<Reading> {
        let tokens = &self.doc.tokens;
        let n = &self.rules.numbers;
        let r = numbers::read(tokens, pos, self.sent.end, self)?;
        if (r.number_start..r.number_end).any(|p| self.in_mention(p)) || self.is_age(r.start) {
            return None;
        }
        let ends_before = |index: Option<usize>, at: usize| {
            self.lexicon(index)
                .is_some_and(|l| l.ends_at(tokens, self.sent.start, at))
        };
        if (ends_before(n.anaphoric, r.start) && r.value <= n.anaphoric_max)
            || ends_before(n.exclude_before, r.start)
            || ends_before(n.exclude_before, r.number_start)
        {
            return None;
        }
        if self.lex_len(n.exclude_after, r.number_end).is_some() || self.lower(r.number_end) == "-"
        {
            return None;
        }
        let first = &tokens[r.number_start];
        let digits = first.lower.chars().all(|c| c.is_ascii_digit());
        // Years: "1986 meltdown", "in 2014", "fiscal 1988 earnings" (counts this size are
        // written with a comma: "2,000 troops").
        if digits
            && first.lower.len() == 4
            && (1800.0..=2100.0).contains(&r.value)
            && r.unit.is_none()
            && r.number_end == r.number_start + 1
        {
            return None;
        }
        // A capitalised number word inside a sentence is part of a name ("Fourteen Days"), and
        // so is a number right after a capitalised word ("Series 50", "Boeing 747").
        let sentence_initial = tokens[self.sent.start..r.start]
            .iter()
            .all(|t| !t.is_word());
        if first.is_capitalised() && !sentence_initial {
            return None;
        }
        if r.start == r.number_start && r.start > self.sent.start {
            let before = &tokens[r.start - 1];
            let initial = tokens[self.sent.start..r.start - 1]
                .iter()
                .all(|t| !t.is_word());
            if before.is_word()
                && before.is_capitalised()
                && !initial
                && !self.in_mention(r.start - 1)
            {
                return None;
            }
        }
        Some(r)
    }

    pub(super) fn figure(&self, r: &Reading) -> Figure {
        let span = self.doc.span(r.start..r.end);
        Figure {
            span,
            number: self.doc.span(r.number_start..r.number_end),
            text: self.doc.text[span.start..span.end].to_string(),
            value: r.value,
            unit: r.unit.clone(),
            qualifier: r.qualifier.clone(),
            about: r.about.clone(),
        }
    }

    /// Pronoun sources become the person they stand for: a person speaker earlier in the
    /// sentence, else the latest antecedent within reach; unresolved ones are dropped.
    fn resolve_pronouns(
        &self,
        si: usize,
        attributions: &mut Vec<Attribution>,
        antecedents: &[(usize, usize)],
    ) {
        let is_person = |e: &usize| self.resolved.entities[*e].kind == EntityType::Person;
        let named: Vec<(usize, Vec<usize>)> = attributions
            .iter()
            .filter(|a| a.pronoun_at.is_none())
            .map(|a| (a.end, a.sources.iter().copied().filter(is_person).collect()))
            .collect();
        let reach = self.rules.settings.pronoun_reach;
        for a in attributions.iter_mut() {
            let Some(at) = a.pronoun_at else { continue };
            let same_sentence = named
                .iter()
                .rfind(|(end, persons)| *end <= at && !persons.is_empty())
                .map(|(_, p)| p.clone());
            let earlier = || {
                antecedents
                    .iter()
                    .rev()
                    .find(|(s, _)| *s < si && si - *s <= reach)
                    .map(|&(_, e)| vec![e])
            };
            a.sources = same_sentence.or_else(earlier).unwrap_or_default();
        }
        attributions.retain(|a| !a.sources.is_empty());
    }

    /// The person in subject position: the first name of the sentence with only
    /// capitalised words, determiners and punctuation before it.
    fn subject_person(&self) -> Option<usize> {
        let tokens = &self.doc.tokens;
        let mut p = self.sent.start;
        while p < self.sent.end {
            if let Some(m) = self.doc.mention_starting(p) {
                let e = m.entity;
                return (self.resolved.entities[e].kind == EntityType::Person).then_some(e);
            }
            let t = &tokens[p];
            let skippable = !t.is_word()
                || t.is_capitalised()
                || self.lex_len(self.rules.settings.determiners, p).is_some();
            if !skippable {
                return None;
            }
            p += 1;
        }
        None
    }

    /// Credits each number of the sentence to the nearest attribution: the closest one
    /// before it, else the first one after it.
    fn claims(&self, attributions: &[Attribution], sentence: Span, out: &mut Vec<Found>) {
        if attributions.is_empty() {
            return;
        }
        let inside = |p: usize| attributions.iter().any(|a| (a.start..a.end).contains(&p));
        let mut p = self.sent.start;
        while p < self.sent.end {
            if inside(p) || self.in_mention(p) {
                p += 1;
                continue;
            }
            let Some(r) = self.reading(p) else {
                p += 1;
                continue;
            };
            let chosen = attributions
                .iter()
                .filter(|a| a.end <= r.start)
                .max_by_key(|a| a.end)
                .or_else(|| {
                    attributions
                        .iter()
                        .filter(|a| a.start >= r.end)
                        .min_by_key(|a| a.start)
                });
            if let Some(a) = chosen {
                if let Some(modality) = a.modality {
                    let figure = self.figure(&r);
                    let span = self.doc.span(a.start.min(r.start)..a.end.max(r.end));
                    for &s in &a.sources {
                        out.push(Found {
                            relation: a.rule.relation.clone(),
                            rule: a.rule.id.clone(),
                            source: s,
                            target: FoundTarget::Figure(figure.clone()),
                            modality,
                            span,
                            sentence,
                            matched: None,
                        });
                    }
                }
            }
            p = r.end.max(p + 1);
        }
    }
}

impl Vocabulary for Ctx<'_> {
    fn qualifier(&self, tokens: &[Token], p: usize, end: usize) -> Option<usize> {
        self.lexicon(self.rules.numbers.qualifiers)?
            .longest_at(tokens, p, end)
    }

    fn unit(
        &self,
        tokens: &[Token],
        p: usize,
        end: usize,
        before_number: bool,
    ) -> Option<(String, usize)> {
        let mut best: Option<(String, usize)> = None;
        for (name, lexicon) in &self.rules.numbers.units {
            let longest = lexicon
                .lengths_at(tokens, p, end)
                .into_iter()
                .find(|&n| !before_number || !tokens[p + n - 1].is_word());
            if let Some(n) = longest.filter(|&n| best.as_ref().is_none_or(|b| n > b.1)) {
                best = Some((name.clone(), n));
            }
        }
        best
    }
}
