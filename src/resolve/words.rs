//! Small text helpers on byte offsets: the word before or after a position, word
//! boundaries, acronyms.

use crate::text::Span;

/// Joiners that stay inside a word when letters follow: "U.S", "Moscow's", "state-owned".
fn is_joiner(c: char) -> bool {
    matches!(c, '.' | '\'' | '’' | '-' | '&')
}

/// The next token at or after `pos`: a word, or one punctuation character. None at the
/// end of the text or of the line (context never crosses a line break).
pub fn next_token(text: &str, pos: usize) -> Option<Span> {
    let rest = &text[pos..];
    let mut iter = rest.char_indices().peekable();
    let mut start = None;
    while let Some(&(i, c)) = iter.peek() {
        if c == '\n' {
            return None;
        }
        if !c.is_whitespace() {
            start = Some(i);
            break;
        }
        iter.next();
    }
    let start = start?;
    let (_, first) = iter.next()?;
    if !first.is_alphanumeric() {
        return Some(Span::new(pos + start, pos + start + first.len_utf8()));
    }
    let mut end = start + first.len_utf8();
    while let Some((i, c)) = iter.next() {
        let inner_joiner = is_joiner(c) && iter.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if !(c.is_alphanumeric() || inner_joiner) {
            break;
        }
        end = i + c.len_utf8();
    }
    Some(Span::new(pos + start, pos + end))
}

/// The token that ends at or before `pos`, mirroring [`next_token`].
pub fn prev_token(text: &str, pos: usize) -> Option<Span> {
    let before = &text[..pos];
    let mut iter = before.char_indices().rev().peekable();
    let mut end = None;
    while let Some(&(i, c)) = iter.peek() {
        if c == '\n' {
            return None;
        }
        if !c.is_whitespace() {
            end = Some(i + c.len_utf8());
            break;
        }
        iter.next();
    }
    let end = end?;
    let (i, last) = iter.next()?;
    if !last.is_alphanumeric() {
        return Some(Span::new(i, end));
    }
    let mut start = i;
    let mut next_is_alnum = true;
    while let Some((i, c)) = iter.next() {
        if c.is_alphanumeric() {
            start = i;
            next_is_alnum = true;
        } else if is_joiner(c)
            && next_is_alnum
            && iter.peek().is_some_and(|&(_, p)| p.is_alphanumeric())
        {
            start = i;
            next_is_alnum = false;
        } else {
            break;
        }
    }
    Some(Span::new(start, end))
}

/// Up to `n` words right before `pos` on the same line, nearest last; stops at punctuation.
pub fn words_before(text: &str, pos: usize, n: usize) -> Vec<Span> {
    let mut out = Vec::new();
    let mut at = pos;
    while out.len() < n {
        match prev_token(text, at) {
            Some(span) if text[span.start..span.end].starts_with(char::is_alphanumeric) => {
                out.push(span);
                at = span.start;
            }
            _ => break,
        }
    }
    out.reverse();
    out
}

/// Whether `span` is a whole word run: no letter or digit touches it on either side.
pub fn at_word_boundary(text: &str, span: Span) -> bool {
    let before_ok = text[..span.start]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric());
    let after_ok = text[span.end..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric());
    before_ok && after_ok
}

/// Byte ranges (relative to `s`) of the whitespace-separated tokens of `s`.
pub fn ws_tokens(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                out.push((st, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out
}

pub fn has_upper(s: &str) -> bool {
    s.chars().any(char::is_uppercase)
}

/// "U.S." -> "US", "E.U." -> "EU": an acronym with its periods dropped.
pub fn undotted(s: &str) -> String {
    s.chars().filter(|&c| c != '.').collect()
}

/// Two to ten letters, all upper case once periods are dropped ("NATO", "U.N.", "LCBO").
pub fn is_acronym(s: &str) -> bool {
    let letters = undotted(s);
    let n = letters.chars().count();
    (2..=10).contains(&n)
        && letters
            .chars()
            .all(|c| c.is_uppercase() || c == '&' || c.is_ascii_digit())
        && letters.chars().filter(|c| c.is_uppercase()).count() >= 2
}

/// A word written in capitals, such as a dateline ("WASHINGTON") or a shouted headline.
pub fn is_shouted(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !s.chars().any(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, spans: &[Span]) -> Vec<String> {
        spans
            .iter()
            .map(|s| text[s.start..s.end].to_string())
            .collect()
    }

    #[test]
    fn tokens_keep_inner_joiners_and_stop_at_lines() {
        let text = "Moscow's U.S. state-owned, \"x\"\nnext";
        let t = next_token(text, 0).unwrap();
        assert_eq!(&text[t.start..t.end], "Moscow's");
        let t = next_token(text, t.end).unwrap();
        assert_eq!(&text[t.start..t.end], "U.S");
        let t = next_token(text, t.end).unwrap();
        assert_eq!(&text[t.start..t.end], ".");
        let t = next_token(text, t.end).unwrap();
        assert_eq!(&text[t.start..t.end], "state-owned");
        let t = next_token(text, t.end).unwrap();
        assert_eq!(&text[t.start..t.end], ",");
        let end = text.find('\n').unwrap();
        assert!(next_token(text, end).is_none());
        let p = prev_token(text, text.find(',').unwrap()).unwrap();
        assert_eq!(&text[p.start..p.end], "state-owned");
        assert!(prev_token(text, text.len() - 4).is_none());
    }

    #[test]
    fn words_before_stop_at_punctuation() {
        let text = "Earlier, the German soccer club Schalke";
        let at = text.find("Schalke").unwrap();
        assert_eq!(
            words(text, &words_before(text, at, 5)),
            vec!["the", "German", "soccer", "club"]
        );
    }

    #[test]
    fn acronyms_and_boundaries() {
        assert!(is_acronym("U.N."));
        assert!(is_acronym("LCBO"));
        assert!(!is_acronym("Nato"));
        assert!(!is_acronym("A"));
        let text = "NATOS and NATO.";
        assert!(!at_word_boundary(text, Span::new(0, 4)));
        assert!(at_word_boundary(text, Span::new(10, 14)));
        assert_eq!(ws_tokens(" a bc  d"), vec![(1, 2), (3, 5), (7, 8)]);
    }
}
