//! The entities a surface slot takes: a name after its titles and prefixes, a group of
//! names ("the US and the EU"), an appositive after a name.

use crate::resolve::EntityType;

use super::Ctx;

impl Ctx<'_> {
    /// Skips words that may precede a name in a slot: determiners, titles, capitalised words.
    pub(in crate::relations) fn skip_prefix(&self, pos: usize) -> usize {
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
    pub(in crate::relations) fn skip_titles(&self, pos: usize) -> usize {
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
    pub(in crate::relations) fn head(
        &self,
        pos: usize,
        kinds: Option<&[EntityType]>,
    ) -> Option<(usize, usize)> {
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
        let settings = &self.rules.settings;
        if self.lex_len(settings.modifier_heads, q).is_some()
            || self.lex_len(settings.sectors, q).is_some()
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
    pub(in crate::relations) fn groups(
        &self,
        pos: usize,
        kinds: Option<&[EntityType]>,
    ) -> Vec<(usize, Vec<usize>)> {
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
    pub(in crate::relations) fn appositive_end(&self, end: usize) -> Option<usize> {
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
}
