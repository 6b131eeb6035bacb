//! The matching engine: every rule over every sentence, surface rules ([`super::surface`])
//! and syntax rules ([`super::dependency`]), figures credited to attributions, pronouns
//! resolved across sentences.

use crate::resolve::{EntityType, Resolved};

use super::dependency;
use super::matcher::figures::Attribution;
use super::matcher::pronouns::{organisation_like, Antecedents};
use super::matcher::surface::members;
use super::matcher::{Ctx, Found, FoundTarget};
use super::mentions::EntityTokens;
use super::pattern::Role;
use super::rules::{RuleKind, RuleSet};

/// Runs every rule over every sentence of `doc`.
pub(super) fn run(rules: &RuleSet, doc: &EntityTokens, resolved: &Resolved) -> Vec<Found> {
    let mut out = Vec::new();
    // Who pronouns may stand for: (sentence index, entity), most recent last.
    let mut antecedents = Antecedents::default();
    let genders = super::matcher::pronouns::genders(rules, doc, resolved);
    for (si, sent) in doc.sentences.iter().enumerate() {
        let ctx = Ctx::new(rules, doc, resolved, sent.clone(), &genders);
        let sentence = doc.span(sent.clone());
        let mut attributions = Vec::new();
        let parsed = doc.parsed[si];
        let before_syntax = out.len();
        let mut speakers = Vec::new();
        for rule in &rules.rules {
            let pattern = match &rule.kind {
                RuleKind::Syntax(syntax) => {
                    if parsed {
                        dependency::syntax_rule(
                            &ctx,
                            rule,
                            syntax,
                            si,
                            &antecedents,
                            &mut out,
                            &mut speakers,
                        );
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
        // Who pronouns in later sentences may stand for: this sentence's speakers (however
        // found: named, described or a pronoun), and the entity in subject position (only
        // names, titles and punctuation before it).
        let kind = |e: usize| resolved.entities[e].kind;
        for a in &attributions {
            for &s in &a.sources {
                antecedents.push(si, s, kind(s));
            }
        }
        // Persons a syntax rule credited figures to; organisations and states a syntax rule
        // found speaking, with figures or not ("Arch said the well was abandoned. It said
        // ..."). Persons who spoke no figure stay out, as "he said" has always read them.
        for f in &out[before_syntax..] {
            let speaker = matches!(f.target, FoundTarget::Figure(_)) && f.matched.is_some();
            if speaker && kind(f.source) == EntityType::Person {
                antecedents.push(si, f.source, kind(f.source));
            }
        }
        for &s in speakers.iter().filter(|&&s| organisation_like(kind(s))) {
            antecedents.push(si, s, kind(s));
        }
        // An organisation or state only as the subject itself: "Indonesia's wheat imports
        // are expected to fall, the embassy's report said. It said ..." is the report's.
        if let Some(subject) = ctx.subject_mention() {
            let possessor = matches!(ctx.lower(subject.tokens.end), "'s" | "'" | "’s" | "’");
            if !(possessor && organisation_like(kind(subject.entity))) {
                antecedents.push(si, subject.entity, kind(subject.entity));
            }
        }
    }
    out
}
