//! The UD tokenizer: a sentence's text to words the way UD English EWT writes them.
//!
//! - Clitics are words of their own: "Russia's" = "Russia" "'s", "can't" = "ca" "n't",
//!   "they're" = "they" "'re" (curly apostrophes too); a few words split without one
//!   ("cannot" = "can" "not", `data/analysis/split_words.tsv`).
//! - A hyphen between letters is a word ("Al-Zaman" = "Al" "-" "Zaman") unless a prefix of
//!   `data/analysis/hyphen_prefixes.txt` precedes it ("e-mail").
//! - Numbers keep their `,` `.` `:` and hyphens ("50,000", "1.5", "12:30", "713-853-3989");
//!   dates their slashes ("11/28/2000").
//! - Abbreviations and initials keep their period ("U.S.", "Gen.", "J."; `data/abbreviations.txt`).
//! - URLs and e-mail addresses are one word.
//! - Every other punctuation mark is a word, a run of one mark ("...", "--", "!!") one word;
//!   so is each emoji (with its modifiers and joiners).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::text::{self, Span};

fn hyphen_prefixes() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| text::word_list(include_str!("../../data/analysis/hyphen_prefixes.txt")))
}

/// Lower-case word to the character lengths of its words.
fn split_words() -> &'static HashMap<String, Vec<usize>> {
    static MAP: OnceLock<HashMap<String, Vec<usize>>> = OnceLock::new();
    MAP.get_or_init(|| {
        text::word_list(include_str!("../../data/analysis/split_words.tsv"))
            .into_iter()
            .filter_map(|line| {
                let (word, parts) = line.split_once('\t')?;
                let lengths: Vec<usize> = parts.split(' ').map(|p| p.chars().count()).collect();
                let fits = lengths.iter().sum::<usize>() == word.chars().count();
                fits.then(|| (word.to_lowercase(), lengths))
            })
            .collect()
    })
}

/// Clitics written after an apostrophe ("'s", "'re", ...); "n't" is handled apart.
const CLITICS: [&str; 6] = ["s", "re", "ll", "ve", "d", "m"];

/// Marks a run of which is one word ("...", "--", "!!!", "***").
const REPEATABLE: [char; 9] = ['.', '!', '?', '-', '=', '*', '_', '~', '#'];

/// The words of `span` in `text`, as byte spans, in order.
pub fn tokenize(text: &str, span: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let piece = &text[span.start..span.end];
    let mut chunk_start = None;
    for (i, c) in piece.char_indices().chain([(piece.len(), ' ')]) {
        match (c.is_whitespace(), chunk_start) {
            (true, Some(s)) => {
                split_chunk(text, span.start + s, span.start + i, &mut out);
                chunk_start = None;
            }
            (false, None) => chunk_start = Some(i),
            _ => {}
        }
    }
    out
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining(c)
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
}

/// Characters that extend the emoji before them (variation selectors, skin tones, keycaps, tags).
fn extends_emoji(c: char) -> bool {
    matches!(c as u32, 0xFE0E | 0xFE0F | 0x1F3FB..=0x1F3FF | 0x20E3 | 0xE0020..=0xE007F)
}

fn is_regional_indicator(c: char) -> bool {
    matches!(c as u32, 0x1F1E6..=0x1F1FF)
}

/// Splits one whitespace-free chunk into words.
fn split_chunk(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    if let Some(core) = url_or_email(text, start, end) {
        for_each_char(text, start, core.start, out);
        out.push(core);
        for_each_char(text, core.end, end, out);
        return;
    }
    let chars: Vec<(usize, char)> = text[start..end]
        .char_indices()
        .map(|(i, c)| (start + i, c))
        .collect();
    let at = |k: usize| chars.get(k).map_or(end, |&(p, _)| p);
    let n = chars.len();
    let mut k = 0;
    while k < n {
        let c = chars[k].1;
        let opens_word = is_word_char(c)
            || (is_apostrophe(c) && k + 1 < n && {
                // "'s" written apart, or a year ("'72").
                let rest = word_run_end(&chars, k + 1);
                let word = &text[at(k + 1)..at(rest)];
                CLITICS.contains(&word.to_lowercase().as_str())
                    || (!word.is_empty() && word.chars().all(|c| c.is_ascii_digit()))
            });
        if opens_word {
            let first = k;
            k = word_run_end(&chars, k + 1);
            loop {
                if k + 1 < n && is_word_char(chars[k + 1].1) && joins(text, &chars, first, k) {
                    k = word_run_end(&chars, k + 1);
                } else {
                    break;
                }
            }
            if k < n && chars[k].1 == '.' && keeps_period(&text[at(first)..at(k)]) {
                k += 1;
            }
            push_word(text, at(first), at(k), out);
        } else if is_emoji(c) || is_regional_indicator(c) {
            let first = k;
            k += 1;
            if is_regional_indicator(c) && k < n && is_regional_indicator(chars[k].1) {
                k += 1; // a flag is a pair
            }
            loop {
                if k < n && extends_emoji(chars[k].1) {
                    k += 1;
                } else if k + 1 < n && chars[k].1 == '\u{200D}' && is_emoji(chars[k + 1].1) {
                    k += 2;
                } else {
                    break;
                }
            }
            out.push(Span::new(at(first), at(k)));
        } else {
            let first = k;
            k += 1;
            if REPEATABLE.contains(&c) {
                while k < n && chars[k].1 == c {
                    k += 1;
                }
            }
            out.push(Span::new(at(first), at(k)));
        }
    }
}

/// Index just past the word characters from `k`.
fn word_run_end(chars: &[(usize, char)], mut k: usize) -> usize {
    while k < chars.len() && is_word_char(chars[k].1) {
        k += 1;
    }
    k
}

/// Whether the mark at `k`, between word characters, stays inside the word begun at `first`.
fn joins(text: &str, chars: &[(usize, char)], first: usize, k: usize) -> bool {
    let (before, mark, after) = (chars[k - 1].1, chars[k].1, chars[k + 1].1);
    let digits = before.is_numeric() && after.is_numeric();
    match mark {
        '.' => true,             // "1.5", "U.S", "e.g", "google.com"
        ',' | ':' => digits,     // "50,000", "12:30"
        '\'' | '’' => true,      // "O'Brien"; clitics are split off afterwards
        '&' | '_' | '@' => true, // "AT&T", "user_name"
        '-' => {
            digits || {
                let prefix = &text[chars[first].0..chars[k].0];
                hyphen_prefixes().contains(prefix.to_lowercase().as_str())
            }
        }
        // Dates ("11/28/2000") and letter pairs ("w/o", "L/C").
        '/' => {
            digits || {
                let single = |i: usize| i >= chars.len() || !is_word_char(chars[i].1);
                k == first + 1 && single(k + 2)
            }
        }
        _ => false,
    }
}

/// Whether a word keeps the period after it: an abbreviation of the list, an initial
/// ("J"), or a dotted abbreviation ("U.S", "a.m").
fn keeps_period(word: &str) -> bool {
    let mut chars = word.chars();
    let initial = chars.next().is_some_and(char::is_uppercase) && chars.next().is_none();
    let dotted = word.contains('.') && word.chars().any(char::is_alphabetic);
    initial || dotted || text::abbreviations().contains(word)
}

/// Pushes a word, split into its clitics or its listed parts.
fn push_word(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let word = &text[start..end];
    let lower = word.to_lowercase();
    if let Some(lengths) = split_words().get(&lower) {
        let mut at = start;
        for &len in lengths {
            let bytes: usize = text[at..].chars().take(len).map(char::len_utf8).sum();
            out.push(Span::new(at, at + bytes));
            at += bytes;
        }
        return;
    }
    if let Some((apostrophe, mark)) = word.char_indices().rev().find(|&(_, c)| is_apostrophe(c)) {
        let suffix = word[apostrophe + mark.len_utf8()..].to_lowercase();
        let cut = if CLITICS.contains(&suffix.as_str()) && apostrophe > 0 {
            Some(apostrophe)
        } else if suffix == "t" && word[..apostrophe].ends_with(['n', 'N']) && apostrophe > 1 {
            Some(apostrophe - 1) // "don't" = "do" "n't"
        } else {
            None
        };
        if let Some(cut) = cut {
            push_word(text, start, start + cut, out);
            out.push(Span::new(start + cut, end));
            return;
        }
    }
    out.push(Span::new(start, end));
}

/// Pushes each character of a range (the punctuation around a URL) as a word.
fn for_each_char(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    for (i, c) in text[start..end].char_indices() {
        out.push(Span::new(start + i, start + i + c.len_utf8()));
    }
}

/// The URL or e-mail address in a chunk, without the quotes, brackets and final
/// punctuation around it.
fn url_or_email(text: &str, start: usize, end: usize) -> Option<Span> {
    let chunk = &text[start..end];
    let core = chunk.trim_start_matches(['"', '\'', '“', '‘', '(', '<', '[', '{']);
    let core_start = start + chunk.len() - core.len();
    let core = core.trim_end_matches([
        '.', ',', ';', ':', '!', '?', '"', '\'', '”', '’', ')', '>', ']', '}',
    ]);
    let lower = core.to_lowercase();
    let url = ["http://", "https://", "ftp://", "www."]
        .iter()
        .any(|p| lower.starts_with(p) && lower.len() > p.len());
    let email = core.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty()
            && user
                .chars()
                .all(|c| is_word_char(c) || matches!(c, '.' | '_' | '-' | '+'))
            && host.split('.').count() >= 2
            && host
                .split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| is_word_char(c) || c == '-'))
    });
    (url || email).then(|| Span::new(core_start, core_start + core.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text, Span::new(0, text.len()))
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn clitics_are_words() {
        assert_eq!(
            words("Russia’s troops can't, won't and cannot go; they're I'm we'll you've he'd parents' O'Brien"),
            vec![
                "Russia", "’s", "troops", "ca", "n't", ",", "wo", "n't", "and", "can", "not", "go",
                ";", "they", "'re", "I", "'m", "we", "'ll", "you", "'ve", "he", "'d", "parents",
                "'", "O'Brien"
            ]
        );
        assert_eq!(words("don’t DON'T"), vec!["do", "n’t", "DO", "N'T"]);
    }

    #[test]
    fn hyphens_split_between_letters_but_not_in_numbers_or_after_prefixes() {
        assert_eq!(
            words("Al-Zaman e-mail pro-Russian Jean-Claude 713-853-3989 self-made"),
            vec![
                "Al",
                "-",
                "Zaman",
                "e-mail",
                "pro-Russian",
                "Jean",
                "-",
                "Claude",
                "713-853-3989",
                "self",
                "-",
                "made"
            ]
        );
    }

    #[test]
    fn numbers_abbreviations_and_initials_stay_whole() {
        assert_eq!(
            words(
                "Gen. J. Smith of the U.S. paid $50,000 (1.5%) at 12:30 on 11/28/2000 w/o tax..."
            ),
            vec![
                "Gen.",
                "J.",
                "Smith",
                "of",
                "the",
                "U.S.",
                "paid",
                "$",
                "50,000",
                "(",
                "1.5",
                "%",
                ")",
                "at",
                "12:30",
                "on",
                "11/28/2000",
                "w/o",
                "tax",
                "..."
            ]
        );
        assert_eq!(words("It ended."), vec!["It", "ended", "."]);
        assert_eq!(words("and/or"), vec!["and", "/", "or"]);
    }

    #[test]
    fn urls_and_emails_are_one_word() {
        assert_eq!(
            words("See (https://example.com/a?b=1), mail jo.doe@example.org."),
            vec![
                "See",
                "(",
                "https://example.com/a?b=1",
                ")",
                ",",
                "mail",
                "jo.doe@example.org",
                "."
            ]
        );
    }

    #[test]
    fn quotes_emoji_and_spans() {
        let text = "“Yes!!” 👍🏽 said 👨‍👩‍👧 ok🇺🇦";
        assert_eq!(
            words(text),
            vec!["“", "Yes", "!!", "”", "👍🏽", "said", "👨‍👩‍👧", "ok", "🇺🇦"]
        );
        let spans = tokenize(text, Span::new(0, text.len()));
        assert!(spans.windows(2).all(|w| w[0].end <= w[1].start));
        let inner = "say \"hi\" now";
        let span = Span::new(4, 8);
        assert_eq!(
            tokenize(inner, span),
            vec![Span::new(4, 5), Span::new(5, 7), Span::new(7, 8)]
        );
    }
}
