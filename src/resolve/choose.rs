//! Step 3: overlapping candidates: the longer wins, and a rule wins over a model mention
//! that names nothing by itself.

use super::*;

impl Resolver {
    /// Whether a model mention names something by itself; rules win over those that do not.
    pub(super) fn names_something(&self, text: &str, c: &Candidate) -> bool {
        if c.rule || matches!(c.label, Label::Per | Label::Org) {
            return true;
        }
        let surface = &words::surface(text, c.span);
        self.country(surface).is_some()
            || self.gazetteer.country_by_capital(surface).is_some()
            || self.gazetteer_organisation(surface).is_some()
    }

    /// Resolves overlaps: candidates that name something first, then longer, then rules.
    /// The model mentions of a losing candidate go to the winner that covers it.
    pub(super) fn choose(&self, text: &str, candidates: Vec<Candidate>) -> Vec<Candidate> {
        let mut order: Vec<(bool, usize, bool, usize, Candidate)> = candidates
            .into_iter()
            .map(|c| {
                (
                    self.names_something(text, &c),
                    c.span.len(),
                    c.rule,
                    c.span.start,
                    c,
                )
            })
            .collect();
        order.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(b.1.cmp(&a.1))
                .then(b.2.cmp(&a.2))
                .then(a.3.cmp(&b.3))
        });
        let mut chosen: Vec<Candidate> = Vec::new();
        // The chosen spans never overlap: the winner of a candidate is the first chosen
        // of those its span overlaps, found without looking at the others.
        let mut kept: DisjointSpans<usize> = DisjointSpans::default();
        for (_, _, _, _, c) in order {
            match kept.overlapping(c.span).min() {
                Some(&w) => {
                    let winner = &mut chosen[w];
                    for m in c.models {
                        if !winner.models.contains(&m) {
                            winner.models.push(m);
                        }
                    }
                }
                None => {
                    kept.insert(c.span, chosen.len());
                    chosen.push(c);
                }
            }
        }
        chosen.sort_by_key(|c| (c.span.start, c.span.end));
        chosen
    }
}
