//! An evidence sentence's dependency parse as inline SVG: the words in a row, labelled arcs above them.

// The drawing is laid out here, in whole pixels, so that the page needs no script or
// font metrics for it and the same parse always gives the same bytes. Widths are
// estimated for the monospace font `report.css` gives the drawing (about 0.6 em a
// character, twice that for East Asian wide characters and emoji), over- rather than
// under-estimating so that words do not collide.

use std::fmt::Write as _;

use super::esc;
use crate::graph::SentenceParse;

/// Pixels per narrow character: words (13 px), arc labels (11 px), UPOS tags (10 px).
const WORD_CHAR: i64 = 8;
const LABEL_CHAR: i64 = 7;
const UPOS_CHAR: i64 = 6;
/// A word's column is at least this wide, with this much space to the next.
const MIN_COLUMN: i64 = 28;
const COLUMN_GAP: i64 = 12;
/// Space beside an arc's label within the arc, on both sides together.
const LABEL_ROOM: i64 = 28;
/// Vertical distance between arc levels; margin around the drawing.
const LEVEL_HEIGHT: i64 = 20;
const MARGIN: i64 = 8;

/// One dependency arc, from a head to its dependent. Level 1 is the lowest; an arc is
/// drawn above every arc it spans or crosses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arc {
    pub head: usize,
    pub dependent: usize,
    pub level: usize,
}

impl Arc {
    fn left(&self) -> usize {
        self.head.min(self.dependent)
    }

    fn right(&self) -> usize {
        self.head.max(self.dependent)
    }

    fn length(&self) -> usize {
        self.right() - self.left()
    }

    /// Whether the two arcs share more than an end: one inside the other, or crossing.
    fn overlaps(&self, other: &Arc) -> bool {
        self.left() < other.right() && other.left() < self.right()
    }
}

/// The arcs of a parse: one for each token whose head is another token of the sentence
/// (a root, a head outside the sentence or a token its own head has none), in token
/// order. Shorter arcs are placed first, each one level above the highest it overlaps,
/// so an arc spanning another is always drawn higher.
pub fn arcs(parse: &SentenceParse) -> Vec<Arc> {
    let n = parse.tokens.len();
    let mut arcs: Vec<Arc> = parse
        .tokens
        .iter()
        .enumerate()
        .filter_map(|(dependent, t)| {
            let head = t.head.filter(|&h| h < n && h != dependent)?;
            Some(Arc {
                head,
                dependent,
                level: 0,
            })
        })
        .collect();
    let mut order: Vec<usize> = (0..arcs.len()).collect();
    order.sort_by_key(|&i| (arcs[i].length(), arcs[i].left(), arcs[i].dependent));
    for (k, &i) in order.iter().enumerate() {
        let below = order[..k]
            .iter()
            .map(|&j| &arcs[j])
            .filter(|placed| placed.overlaps(&arcs[i]))
            .map(|placed| placed.level)
            .max()
            .unwrap_or(0);
        arcs[i].level = below + 1;
    }
    arcs
}

/// Each token's text, from its character offsets within `sentence`; None when a token's
/// offsets fall outside the sentence (a hand-edited or mismatched graph.json).
pub fn token_texts<'s>(sentence: &'s str, parse: &SentenceParse) -> Option<Vec<&'s str>> {
    let starts: Vec<usize> = sentence
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(sentence.len()))
        .collect();
    parse
        .tokens
        .iter()
        .map(|t| {
            let (start, end) = (*starts.get(t.start)?, *starts.get(t.end)?);
            sentence.get(start..end)
        })
        .collect()
}

/// East Asian wide characters and emoji, which take two columns of a monospace font.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF
        | 0x20000..=0x3FFFD)
}

/// Estimated width in pixels of `s` at `per_char` pixels a narrow character.
fn text_width(s: &str, per_char: i64) -> i64 {
    s.chars()
        .map(|c| if is_wide(c) { 2 } else { 1 })
        .sum::<i64>()
        * per_char
}

/// Where everything goes, in pixels.
#[derive(Debug)]
struct Layout {
    /// The horizontal centre of each token.
    centres: Vec<i64>,
    /// Each arc with its ends (left, right) and the height of its top.
    arcs: Vec<(Arc, i64, i64, i64)>,
    /// Where the arcs end, just above the words.
    base: i64,
    width: i64,
    height: i64,
}

/// How far an arc's end sits from its token's centre: lower arcs further in, so that
/// arcs sharing a token nest instead of overlapping.
fn end_offset(level: usize) -> i64 {
    10 - 2 * (level.min(5) as i64)
}

fn layout(words: &[&str], parse: &SentenceParse, arcs: Vec<Arc>) -> Layout {
    let columns: Vec<i64> = words
        .iter()
        .zip(&parse.tokens)
        .map(|(w, t)| {
            text_width(w, WORD_CHAR)
                .max(text_width(&t.upos, UPOS_CHAR))
                .max(MIN_COLUMN)
        })
        .collect();
    let mut centres = Vec::with_capacity(columns.len());
    let mut x = MARGIN;
    for (i, w) in columns.iter().enumerate() {
        if i > 0 {
            x += (columns[i - 1] + w) / 2 + COLUMN_GAP;
        } else {
            x += w / 2;
        }
        centres.push(x);
    }
    // Widen where a label would not fit over its arc. In order of right ends, each
    // shift only lengthens the arcs already seen, so every label fits at the end.
    let mut by_right: Vec<&Arc> = arcs.iter().collect();
    by_right.sort_by_key(|a| (a.right(), a.left()));
    for a in by_right {
        let label = &parse.tokens[a.dependent].deprel;
        let need = text_width(label, LABEL_CHAR) + LABEL_ROOM;
        let short = need - (centres[a.right()] - centres[a.left()]);
        if short > 0 {
            for c in &mut centres[a.right()..] {
                *c += short;
            }
        }
    }
    let levels = arcs.iter().map(|a| a.level).max().unwrap_or(0) as i64;
    let base = MARGIN + 6 + levels * LEVEL_HEIGHT;
    let placed = arcs
        .into_iter()
        .map(|a| {
            let off = end_offset(a.level);
            let (x1, x2) = (centres[a.left()] + off, centres[a.right()] - off);
            let top = base - a.level as i64 * LEVEL_HEIGHT;
            (a, x1, x2, top)
        })
        .collect();
    let width = centres
        .last()
        .zip(columns.last())
        .map_or(0, |(c, w)| c + w / 2)
        + MARGIN;
    Layout {
        centres,
        arcs: placed,
        base,
        width,
        height: base + 38,
    }
}

/// What a token is to the rule: its classes and title.
fn role(parse: &SentenceParse, i: usize) -> Option<(String, String)> {
    let mut classes = Vec::new();
    let mut titles = Vec::new();
    if parse.trigger == i {
        classes.push("trigger");
        titles.push("trigger (the word the rule fired on)".to_string());
    }
    if let Some(k) = parse.arguments.iter().position(|&a| a == i) {
        classes.push("arg");
        titles.push(format!("argument {} of the rule", k + 1));
    }
    (!classes.is_empty()).then(|| (classes.join(" "), titles.join("; ")))
}

/// The drawing as an `<svg>` element: words with their UPOS tags below, the trigger
/// and argument tokens highlighted (`tok trigger`, `tok arg`), an arc with its deprel
/// for each dependency. None when the parse does not fit the sentence.
pub fn svg(sentence: &str, parse: &SentenceParse) -> Option<String> {
    let words = token_texts(sentence, parse)?;
    if words.is_empty() {
        return None;
    }
    let arcs = arcs(parse);
    let l = layout(&words, parse, arcs);
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"arcs\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Dependency parse: {} words, {} arcs\">",
        words.len(),
        l.arcs.len(),
        w = l.width,
        h = l.height,
    );
    for (i, (word, t)) in words.iter().zip(&parse.tokens).enumerate() {
        token(&mut out, &l, parse, i, word, &t.upos);
    }
    for (a, x1, x2, top) in &l.arcs {
        arc(&mut out, &l, parse, a, *x1, *x2, *top);
    }
    out.push_str("</svg>");
    Some(out)
}

fn token(out: &mut String, l: &Layout, parse: &SentenceParse, i: usize, word: &str, upos: &str) {
    let x = l.centres[i];
    let y = l.base + 18;
    match role(parse, i) {
        Some((classes, title)) => {
            let w = text_width(word, WORD_CHAR) + 6;
            let _ = write!(
                out,
                "<g class=\"tok {classes}\" data-i=\"{i}\"><title>{}</title>\
                 <rect x=\"{}\" y=\"{}\" width=\"{w}\" height=\"19\" rx=\"3\"/>",
                esc(&title),
                x - w / 2,
                y - 14,
            );
        }
        None => {
            let _ = write!(out, "<g class=\"tok\" data-i=\"{i}\">");
        }
    }
    let _ = write!(
        out,
        "<text class=\"word\" x=\"{x}\" y=\"{y}\">{}</text>\
         <text class=\"upos\" x=\"{x}\" y=\"{}\">{}</text></g>",
        esc(word),
        y + 15,
        esc(upos),
    );
}

fn arc(out: &mut String, l: &Layout, parse: &SentenceParse, a: &Arc, x1: i64, x2: i64, top: i64) {
    let base = l.base;
    let r = 6.min((x2 - x1) / 2);
    // The arrowhead points down at the dependent.
    let tip = if a.dependent < a.head { x1 } else { x2 };
    let _ = write!(
        out,
        "<g class=\"arc\" data-head=\"{}\" data-dep=\"{}\">\
         <path class=\"arc-line\" d=\"M{x1} {base}V{}Q{x1} {top} {} {top}H{}Q{x2} {top} {x2} {}V{base}\"/>\
         <path class=\"arc-head\" d=\"M{} {}L{} {}L{tip} {base}Z\"/>\
         <text class=\"arc-label\" x=\"{}\" y=\"{}\">{}</text></g>",
        a.head,
        a.dependent,
        top + r,
        x1 + r,
        x2 - r,
        top + r,
        tip - 4,
        base - 7,
        tip + 4,
        base - 7,
        (x1 + x2) / 2,
        top + 4,
        esc(&parse.tokens[a.dependent].deprel),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ParsedToken;

    /// A parse of `sentence` split at spaces, with (head, deprel) for each word.
    fn parse(sentence: &str, heads: &[(Option<usize>, &str)], trigger: usize) -> SentenceParse {
        let mut tokens = Vec::new();
        let mut at = 0;
        for word in sentence.split(' ') {
            let n = word.chars().count();
            let (head, deprel) = heads[tokens.len()];
            tokens.push(ParsedToken {
                start: at,
                end: at + n,
                upos: "X".into(),
                head,
                deprel: deprel.into(),
            });
            at += n + 1;
        }
        assert_eq!(tokens.len(), heads.len());
        SentenceParse {
            tokens,
            trigger,
            arguments: vec![0, 3],
        }
    }

    /// "Putin met Macron in Paris": met is the root; Paris spans "in".
    fn met() -> SentenceParse {
        parse(
            "Putin met Macron in Paris",
            &[
                (Some(1), "nsubj"),
                (None, "root"),
                (Some(1), "obj"),
                (Some(4), "case"),
                (Some(1), "obl"),
            ],
            1,
        )
    }

    fn level(arcs: &[Arc], dependent: usize) -> usize {
        arcs.iter()
            .find(|a| a.dependent == dependent)
            .unwrap()
            .level
    }

    #[test]
    fn every_token_with_a_head_has_one_arc_and_the_root_none() {
        let p = met();
        let arcs = arcs(&p);
        let dependents: Vec<usize> = arcs.iter().map(|a| a.dependent).collect();
        assert_eq!(dependents, [0, 2, 3, 4]);
        for a in &arcs {
            assert_eq!(Some(a.head), p.tokens[a.dependent].head);
        }
    }

    #[test]
    fn an_arc_spanning_another_is_drawn_higher() {
        let arcs = arcs(&met());
        // met -> Paris spans Paris -> in and met -> Macron.
        assert_eq!(level(&arcs, 3), 1);
        assert_eq!(level(&arcs, 2), 1);
        assert!(level(&arcs, 4) > level(&arcs, 3));
        assert!(level(&arcs, 4) > level(&arcs, 2));
        // Arcs sharing only an end stay low: Putin <- met and met -> Macron.
        assert_eq!(level(&arcs, 0), 1);
        for a in &arcs {
            for b in &arcs {
                if a != b && a.left() <= b.left() && b.right() <= a.right() {
                    assert!(a.level > b.level, "{a:?} spans {b:?}");
                }
            }
        }
    }

    #[test]
    fn crossing_arcs_get_different_levels() {
        // Non-projective: 0 -> 2 and 1 -> 3 cross.
        let p = parse(
            "a b c d",
            &[
                (None, "root"),
                (Some(3), "x"),
                (Some(0), "y"),
                (Some(0), "z"),
            ],
            0,
        );
        let arcs = arcs(&p);
        assert_ne!(level(&arcs, 1), level(&arcs, 2));
        assert!(level(&arcs, 3) > level(&arcs, 1).max(level(&arcs, 2)));
    }

    #[test]
    fn heads_outside_the_sentence_or_on_themselves_draw_no_arc() {
        let p = parse(
            "a b c",
            &[(Some(9), "x"), (Some(1), "y"), (Some(1), "z")],
            1,
        );
        let arcs = arcs(&p);
        assert_eq!(arcs.len(), 1);
        assert_eq!((arcs[0].head, arcs[0].dependent), (1, 2));
    }

    #[test]
    fn character_offsets_map_to_words_in_non_ascii_text() {
        let sentence = "Zürich: 東京 🙂 Müller traf Xi.";
        let p = parse(
            sentence,
            &[
                (Some(4), "obl"),
                (Some(4), "obl"),
                (Some(4), "dep"),
                (Some(4), "nsubj"),
                (None, "root"),
                (Some(4), "obj"),
            ],
            4,
        );
        let words = token_texts(sentence, &p).unwrap();
        assert_eq!(words, ["Zürich:", "東京", "🙂", "Müller", "traf", "Xi."]);
        let svg = svg(sentence, &p).unwrap();
        assert!(svg.contains(">traf</text>"), "{svg}");
        assert!(svg.contains(">東京</text>"));
        // Offsets past the sentence's end (counted in bytes, say) draw nothing.
        let mut bad = p.clone();
        bad.tokens[5].end = sentence.len();
        assert_eq!(token_texts(sentence, &bad), None);
        assert_eq!(super::svg(sentence, &bad), None);
    }

    #[test]
    fn labels_fit_over_their_arcs_and_nested_arcs_sit_inside() {
        let p = parse(
            "a b c",
            &[
                (Some(1), "a-very-long-label"),
                (None, "root"),
                (Some(0), "another:long"),
            ],
            1,
        );
        let words = token_texts("a b c", &p).unwrap();
        let l = layout(&words, &p, arcs(&p));
        for (a, x1, x2, _) in &l.arcs {
            let label = text_width(&p.tokens[a.dependent].deprel, LABEL_CHAR);
            assert!(x2 - x1 >= label, "{a:?}: {x1}..{x2} for {label}");
        }
        let m = met();
        let words = token_texts("Putin met Macron in Paris", &m).unwrap();
        let l = layout(&words, &m, arcs(&m));
        let placed = |dep: usize| l.arcs.iter().find(|p| p.0.dependent == dep).unwrap();
        let (outer, inner) = (placed(4), placed(2));
        assert!(outer.3 < inner.3, "the outer arc's top is higher");
        assert!(
            outer.1 < inner.1 && inner.2 < outer.2,
            "and encloses the inner"
        );
        assert!(l.centres.windows(2).all(|w| w[0] < w[1]));
        assert!(l.width > *l.centres.last().unwrap());
    }

    #[test]
    fn svg_marks_the_roles_escapes_text_and_is_deterministic() {
        let sentence = "<b>A</b> & \"B\" met";
        let p = SentenceParse {
            tokens: vec![
                ParsedToken {
                    start: 0,
                    end: 8,
                    upos: "PROPN<".into(),
                    head: Some(2),
                    deprel: "nsubj\"&".into(),
                },
                ParsedToken {
                    start: 11,
                    end: 14,
                    upos: "PROPN".into(),
                    head: Some(2),
                    deprel: "obj".into(),
                },
                ParsedToken {
                    start: 15,
                    end: 18,
                    upos: "VERB".into(),
                    head: None,
                    deprel: "root".into(),
                },
            ],
            trigger: 2,
            arguments: vec![0, 1],
        };
        let svg = svg(sentence, &p).unwrap();
        assert_eq!(svg, super::svg(sentence, &p).unwrap());
        assert!(!svg.contains("<b>"));
        assert!(svg.contains(">&lt;b&gt;A&lt;/b&gt;</text>"), "{svg}");
        assert!(svg.contains(">nsubj&quot;&amp;</text>"));
        assert!(svg.contains(">PROPN&lt;</text>"));
        assert_eq!(svg.matches("<g class=\"arc\"").count(), 2);
        assert_eq!(svg.matches("<g class=\"tok").count(), 3);
        assert!(svg.contains("<g class=\"tok trigger\" data-i=\"2\"><title>trigger"));
        assert!(svg.contains("<g class=\"tok arg\" data-i=\"0\"><title>argument 1"));
        assert!(svg.contains("<g class=\"tok arg\" data-i=\"1\"><title>argument 2"));
    }
}
