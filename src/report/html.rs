//! HTML pieces: the template filled in one pass, escaping of text, attributes and the
//! inlined JSON, class names, and a sentence cut around its evidence.

use super::*;

/// Replaces each `{{name}}` of the template in one pass, so that no filled-in text is
/// read as a placeholder.
pub(super) fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after
            .find("}}")
            .and_then(|end| Some((end, value(&after[..end])?)))
        {
            Some((end, v)) => {
                out.push_str(&v);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text for HTML text or a quoted attribute.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON that can sit inside a `<script>` element: `<`, `>`, `&`, U+2028 and U+2029
/// (which occur only inside strings) written as escapes, so no text can close the tag.
pub fn script_json(value: &Value) -> String {
    let s = serde_json::to_string(value).expect("JSON values serialise");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// A CSS class part for a node type or relation: lower-case letters, digits and `-`.
pub(super) fn class_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// `t-other t-<type>`: the stylesheet colours known types and falls back to `t-other`.
pub(super) fn type_class(kind: &str) -> String {
    format!("t-other t-{}", class_part(kind))
}

pub(super) fn relation_class(relation: &str) -> String {
    format!("r-other r-{}", class_part(relation))
}

/// A node's name as drawn: a claim's figure with what it counts.
pub(super) fn display_label(node: &Node) -> String {
    match (&node.about, node.kind) {
        (Some(about), NodeKind::Claim) => format!("{} ({})", node.label, about),
        _ => node.label.clone(),
    }
}

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Byte offset of each character of a text, and of its end.
pub(super) fn char_starts(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect()
}

/// An evidence sentence cut around the evidence span, when the document's text shows
/// where the sentence is: (before, span, after); else (sentence, "", "").
pub(super) fn split_sentence<'s>(
    ev: &'s Evidence,
    doc: Option<&(&str, Vec<usize>)>,
) -> (&'s str, &'s str, &'s str) {
    let whole = (ev.sentence.as_str(), "", "");
    let Some((text, starts)) = doc else {
        return whole;
    };
    let (Some(&sb), Some(&eb)) = (starts.get(ev.start), starts.get(ev.end)) else {
        return whole;
    };
    let sentence = ev.sentence.as_str();
    if sentence.is_empty() || eb < sb {
        return whole;
    }
    let mut lo = sb.saturating_sub(sentence.len());
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (eb + sentence.len()).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    let found = text[lo..hi]
        .match_indices(sentence)
        .map(|(i, _)| lo + i)
        .find(|&at| at <= sb && at + sentence.len() >= eb);
    match found {
        Some(at) => {
            let (a, b) = (sb - at, eb - at);
            (&sentence[..a], &sentence[a..b], &sentence[b..])
        }
        None => whole,
    }
}

/// For evidence a syntax rule found: the rule, its matched path, a legend, and the
/// sentence's dependency arcs in a box that scrolls sideways, so that a long sentence
/// does not widen the page. Nothing for other evidence, or a parse that does not fit
/// its sentence.
pub(super) fn parse_drawing(ev: &Evidence, out: &mut String) {
    let Some(svg) = ev.parse.as_ref().and_then(|p| arcs::svg(&ev.sentence, p)) else {
        return;
    };
    let _ = write!(
        out,
        "<div class=\"parse\"><p class=\"parse-caption\">Parse matched by \
         <span class=\"rule\">{}</span>",
        esc(&ev.rule)
    );
    if let Some(path) = &ev.path {
        let _ = write!(out, " <code class=\"path\">{}</code>", esc(path));
    }
    out.push_str(
        " <span class=\"legend\"><span class=\"key trigger\">trigger</span> \
         <span class=\"key arg\">argument</span></span></p>\
         <div class=\"parse-scroll\">",
    );
    out.push_str(&svg);
    out.push_str("</div></div>");
}
