//! Number normalisation: "more than 160", "50,000", "seven", "one billion", "$600m", "70 percent"; the words are data (`data/numbers/`).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::analysis::Token;
use crate::lexicon::{fold, Lexicon, ListError};

/// A number phrase read from tokens: where it is and what it says.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The whole phrase, qualifier and unit included (token range).
    pub start: usize,
    pub end: usize,
    /// The number itself ("137" in "at least 137 people"; "$600m" without the "$").
    pub number_start: usize,
    pub number_end: usize,
    pub value: f64,
    /// "USD", "EUR", "GBP", "RUB", "UAH", "percent", or none for plain counts.
    pub unit: Option<String>,
    /// "more than", "at least", ... or the vagueness of "hundreds", "thousands".
    pub qualifier: Option<String>,
    /// A few words on what is counted ("people killed", "Russian tanks").
    pub about: Option<String>,
    /// The scale written with the number ("million" in "600 million", "m" in "$600m"), or 1.
    pub scale: f64,
}

/// The number vocabulary: number words, scales and vague plurals, from `data/numbers/`.
#[derive(Clone, Debug, Default)]
pub struct NumberWords {
    /// "seven" -> 7, "twenty" -> 20.
    pub words: HashMap<String, f64>,
    /// Scales written as a word after a number ("million", "bn").
    pub scales: HashMap<String, f64>,
    /// Scales glued to digits ("m" in "$600m", "k" in "10k").
    pub suffixes: HashMap<String, f64>,
    /// "hundreds" -> 100.
    pub vague: HashMap<String, f64>,
}

const NUMBER_WORDS: &str = include_str!("../../data/numbers/number_words.tsv");
const SCALES: &str = include_str!("../../data/numbers/scales.tsv");
const VAGUE: &str = include_str!("../../data/numbers/vague.tsv");

/// An entry of a tab-separated number file: line, folded word, value, further fields.
type Entry<'a> = (usize, String, f64, Vec<&'a str>);

/// The entries of a tab-separated data file.
fn values<'a>(file: &str, text: &'a str) -> Result<Vec<Entry<'a>>, ListError> {
    let mut out = Vec::new();
    for (n, line) in crate::lists::data_lines(text) {
        let bad = |message: String| ListError {
            file: file.to_string(),
            line: n,
            message,
        };
        let mut fields = line.split('\t').map(str::trim);
        let word = fields.next().unwrap_or_default();
        let value = fields.next().unwrap_or_default();
        if word.is_empty() || word.contains(' ') {
            return Err(bad(format!(
                "`{}`: expected one word, a tab and a value",
                line.trim()
            )));
        }
        let value: f64 = value
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| bad(format!("`{word}`: `{value}` is not a number")))?;
        out.push((n, fold(word).into_owned(), value, fields.collect()));
    }
    Ok(out)
}

impl NumberWords {
    /// The vocabulary built into the binary.
    pub fn builtin() -> &'static Self {
        static WORDS: OnceLock<NumberWords> = OnceLock::new();
        WORDS.get_or_init(|| {
            Self::parse(NUMBER_WORDS, SCALES, VAGUE)
                .expect("the built-in number files parse (tested)")
        })
    }

    /// Reads the texts of `number_words.tsv`, `scales.tsv` and `vague.tsv`.
    pub fn parse(number_words: &str, scales: &str, vague: &str) -> Result<Self, ListError> {
        let mut out = Self::default();
        for (line, word, value, rest) in values("number_words.tsv", number_words)? {
            if !rest.is_empty() {
                return Err(ListError {
                    file: "number_words.tsv".into(),
                    line,
                    message: format!("`{word}`: expected a word and a value only"),
                });
            }
            out.words.insert(word, value);
        }
        for (line, word, value, rest) in values("scales.tsv", scales)? {
            let (as_word, as_suffix) = match rest.as_slice() {
                ["word"] => (true, false),
                ["suffix"] => (false, true),
                ["both"] => (true, true),
                _ => {
                    return Err(ListError {
                        file: "scales.tsv".into(),
                        line,
                        message: format!("`{word}`: the third field is `word`, `suffix` or `both`"),
                    })
                }
            };
            if as_word {
                out.scales.insert(word.clone(), value);
            }
            if as_suffix {
                out.suffixes.insert(word, value);
            }
        }
        for (line, word, value, rest) in values("vague.tsv", vague)? {
            if !rest.is_empty() {
                return Err(ListError {
                    file: "vague.tsv".into(),
                    line,
                    message: format!("`{word}`: expected a word and a value only"),
                });
            }
            out.vague.insert(word, value);
        }
        Ok(out)
    }

    /// A number word, or tens and a unit joined by a hyphen ("twenty-five").
    fn unit_word(&self, w: &str) -> Option<f64> {
        if let Some(&v) = self.words.get(w) {
            return Some(v);
        }
        let (tens, unit) = w.split_once('-')?;
        let t = *self.words.get(tens)?;
        let u = *self.words.get(unit)?;
        let is_tens = (20.0..100.0).contains(&t) && t % 10.0 == 0.0;
        (is_tens && (1.0..10.0).contains(&u) && u.fract() == 0.0).then_some(t + u)
    }
}

fn unit_word(w: &str) -> Option<f64> {
    NumberWords::builtin().unit_word(w)
}

/// "twenty" "-" "five", as the tokenizer splits "twenty-five": its value and width in tokens.
fn hyphenated_unit(tokens: &[Token], p: usize, end: usize) -> Option<(f64, usize)> {
    let touching = |a: usize| tokens[a].span.end == tokens[a + 1].span.start;
    if p + 2 >= end || tokens[p + 1].lower != "-" || !touching(p) || !touching(p + 1) {
        return None;
    }
    let word = format!("{}-{}", tokens[p].lower, tokens[p + 2].lower);
    unit_word(&word).map(|u| (u, 3))
}

fn scale_word(w: &str) -> Option<f64> {
    NumberWords::builtin().scales.get(w).copied()
}

/// Vague plurals: value and qualifier ("hundreds" -> 100, "hundreds").
fn vague_word(w: &str) -> Option<f64> {
    NumberWords::builtin().vague.get(w).copied()
}

/// A number written in digits: "137", "50,000", "1.5", "600m", "1.5bn", "10k".
/// Times ("12:32"), malformed groups ("1,23") and leading zeros ("04") are not numbers.
pub fn digits_value(token: &str) -> Option<f64> {
    let split = token
        .find(|c: char| c.is_alphabetic())
        .unwrap_or(token.len());
    let (num, suffix) = token.split_at(split);
    if num.is_empty() || !num.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let scale = match suffix {
        "" => 1.0,
        s => *NumberWords::builtin().suffixes.get(s)?,
    };
    if !num
        .chars()
        .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return None;
    }
    let (int, frac) = match num.split_once('.') {
        Some((i, f)) if !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()) => (i, Some(f)),
        Some(_) => return None,
        None => (num, None),
    };
    if int.contains(',') {
        let mut groups = int.split(',');
        let head = groups.next().unwrap_or("");
        if head.is_empty() || head.len() > 3 || groups.any(|g| g.len() != 3) {
            return None;
        }
    }
    if int.len() > 1 && int.starts_with('0') {
        return None;
    }
    let mut text = int.replace(',', "");
    if let Some(f) = frac {
        text.push('.');
        text.push_str(f);
    }
    text.parse::<f64>().ok().map(|v| v * scale)
}

/// Number words from `pos`: "seven", "twenty-five", "two hundred", "one billion",
/// "three hundred and forty". A lone "one" (too often a pronoun) is not a number.
fn words_value(tokens: &[Token], pos: usize, end: usize) -> Option<(f64, usize)> {
    let mut total = 0.0;
    let mut current = 0.0;
    let mut p = pos;
    let mut seen_unit = false;
    let mut last_good = None;
    while p < end {
        let w = tokens[p].lower.as_str();
        if let Some((u, width)) = hyphenated_unit(tokens, p, end).or(unit_word(w).map(|u| (u, 1))) {
            let after_tens = current % 10.0 == 0.0 && (1.0..10.0).contains(&u);
            if seen_unit && current % 100.0 != 0.0 && !after_tens {
                break; // "two three"
            }
            current += u;
            seen_unit = true;
            p += width - 1;
        } else if let Some(s) = scale_word(w) {
            if !seen_unit {
                break;
            }
            if s == 100.0 {
                current *= 100.0;
            } else {
                total += current * s;
                current = 0.0;
            }
        } else if w == "and"
            && seen_unit
            && p + 1 < end
            && unit_word(&tokens[p + 1].lower).is_some()
        {
            p += 1;
            continue;
        } else {
            break;
        }
        p += 1;
        last_good = Some((total + current, p));
    }
    let (value, stop) = last_good?;
    if stop == pos + 1 && tokens[pos].lower == "one" {
        return None;
    }
    Some((value, stop))
}

/// The words a number phrase may carry, from the rules file.
pub trait Vocabulary {
    /// Tokens a qualifier ("at least") takes at `p`.
    fn qualifier(&self, tokens: &[Token], p: usize, end: usize) -> Option<usize>;
    /// The unit named at `p` and its length in tokens. `before_number`: only units written
    /// before a number ("$", "US$", "€"), which end in a symbol.
    fn unit(
        &self,
        tokens: &[Token],
        p: usize,
        end: usize,
        before_number: bool,
    ) -> Option<(String, usize)>;
    /// The unit whose hundredths are named at `p` ("cts": USD) and the length in tokens.
    fn hundredths(&self, _tokens: &[Token], _p: usize, _end: usize) -> Option<(String, usize)> {
        None
    }
}

/// The words that end an `about` phrase, and the auxiliaries skipped to reach its verb.
fn about_lists() -> &'static (Lexicon, Lexicon) {
    static LISTS: OnceLock<(Lexicon, Lexicon)> = OnceLock::new();
    LISTS.get_or_init(|| {
        let list = |name: &str, file: &str, text: &str| {
            Lexicon::from_list(name, file, text).expect("the built-in number lists parse (tested)")
        };
        (
            list(
                "about_stop",
                "about_stop.txt",
                include_str!("../../data/numbers/about_stop.txt"),
            ),
            list(
                "about_auxiliaries",
                "about_auxiliaries.txt",
                include_str!("../../data/numbers/about_auxiliaries.txt"),
            ),
        )
    })
}

fn about_words(tokens: &[Token], mut p: usize, end: usize) -> Option<String> {
    let mut words: Vec<&str> = Vec::new();
    let (stop, aux) = about_lists();
    let usable = |t: &Token| {
        t.is_word()
            && !stop.contains_word(&t.lower)
            && digits_value(&t.lower).is_none()
            && unit_word(&t.lower).is_none()
    };
    while p < end && words.len() < 4 && usable(&tokens[p]) {
        words.push(&tokens[p].lower);
        p += 1;
    }
    // "137 people had been killed": what happened to them.
    let mut q = p;
    while q < end && aux.contains_word(&tokens[q].lower) {
        q += 1;
    }
    if q > p && q < end && usable(&tokens[q]) {
        words.push(&tokens[q].lower);
    }
    (!words.is_empty()).then(|| words.join(" "))
}

/// Reads the number phrase starting at `pos` (before `end`), if there is one: qualifier,
/// unit before the number, the number in digits or words, scale, unit after it, and a few
/// words on what is counted.
pub fn read(
    tokens: &[Token],
    pos: usize,
    end: usize,
    vocabulary: &impl Vocabulary,
) -> Option<Reading> {
    let mut p = pos;
    let mut qualifier = vocabulary.qualifier(tokens, p, end).map(|n| {
        let q = tokens[p..p + n]
            .iter()
            .map(|t| t.lower.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        p += n;
        q
    });
    let mut unit: Option<String> = None;
    if let Some((u, n)) = vocabulary.unit(tokens, p, end, true) {
        unit = Some(u);
        p += n;
    }
    if p >= end {
        return None;
    }
    let number_start = p;
    let first = tokens[p].lower.as_str();
    let mut value;
    let mut scale = 1.0;
    let mut exact = true;
    if let Some(v) = digits_value(first) {
        value = v;
        if let Some(plain) = first.find(|c: char| c.is_alphabetic()) {
            scale = v / digits_value(&first[..plain])
                .unwrap_or(v)
                .max(f64::MIN_POSITIVE);
        }
        p += 1;
        if p < end {
            if let Some(s) = scale_word(&tokens[p].lower) {
                value *= s;
                scale = s;
                p += 1;
            }
        }
    } else if let Some((v, stop)) = words_value(tokens, p, end) {
        value = v;
        scale = scale_word(&tokens[stop - 1].lower).unwrap_or(1.0);
        p = stop;
    } else if let Some(v) = vague_word(first) {
        exact = false;
        value = v;
        let mut vague = first.to_string();
        p += 1;
        // "tens of thousands", "hundreds of thousands"
        if p + 1 < end && tokens[p].lower == "of" {
            if let Some(v2) = vague_word(&tokens[p + 1].lower).filter(|&v2| v2 > v) {
                vague = format!("{vague} of {}", tokens[p + 1].lower);
                value = v * v2;
                p += 2;
            }
        }
        qualifier.get_or_insert(vague);
        if p + 1 < end && tokens[p].lower == "of" {
            let number_end = p;
            let about = about_words(tokens, p + 1, end);
            return Some(Reading {
                start: pos,
                end: number_end,
                number_start,
                number_end,
                value,
                unit,
                qualifier,
                about,
                scale: 1.0,
            });
        }
    } else if first == "tens" && p + 2 < end && tokens[p + 1].lower == "of" {
        exact = false;
        let v2 = vague_word(&tokens[p + 2].lower)?;
        value = 10.0 * v2;
        qualifier.get_or_insert(format!("tens of {}", tokens[p + 2].lower));
        p += 3;
    } else {
        return None;
    }
    let number_end = p;
    if let Some((u, n)) = vocabulary.unit(tokens, p, end, false) {
        unit = Some(u);
        p += n;
    } else if let Some((u, n)) = vocabulary
        .hundredths(tokens, p, end)
        .filter(|_| unit.is_none())
    {
        // "51 cents a share" is 0.51 dlrs (ANNOTATION-NOTES: cents are fractions).
        value /= 100.0;
        scale /= 100.0;
        unit = Some(u);
        p += n;
    }
    // A range shares the scale and unit written once at its end: "between three and four
    // billion dollars", "2.0 or 2.5 pct", "5 to 10 million". Not into a number that has a
    // unit or scale of its own, nor into a year ("due 1994 and 250 mln dlrs").
    let between = number_start > 0 && tokens[number_start - 1].lower == "between";
    let range_word = p < end
        && match tokens[p].lower.as_str() {
            "to" | "or" | "-" => true,
            "and" => between,
            _ => false,
        };
    let year_like = first.len() == 4
        && first.chars().all(|c| c.is_ascii_digit())
        && (1800.0..=2100.0).contains(&value);
    let mut about_from = p;
    if exact && range_word && unit.is_none() && scale == 1.0 && !year_like && p + 1 < end {
        if let Some(second) = read(tokens, p + 1, end, vocabulary).filter(|r| r.qualifier.is_none())
        {
            if second.scale != 1.0 {
                value *= second.scale;
                scale = second.scale;
            }
            unit = second.unit.clone();
            about_from = second.end;
        }
    }
    let about = about_words(tokens, about_from, end);
    Some(Reading {
        start: pos,
        end: p,
        number_start,
        number_end,
        value,
        unit,
        qualifier,
        about,
        scale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse;

    struct Words;

    fn starts(tokens: &[Token], p: usize, end: usize, phrase: &[&str]) -> bool {
        p + phrase.len() <= end && phrase.iter().zip(&tokens[p..]).all(|(w, t)| *w == t.lower)
    }

    impl Vocabulary for Words {
        fn qualifier(&self, tokens: &[Token], p: usize, end: usize) -> Option<usize> {
            [
                &["more", "than"][..],
                &["at", "least"],
                &["about"],
                &["nearly"],
            ]
            .into_iter()
            .find(|q| starts(tokens, p, end, q))
            .map(<[&str]>::len)
        }

        fn unit(
            &self,
            tokens: &[Token],
            p: usize,
            end: usize,
            before_number: bool,
        ) -> Option<(String, usize)> {
            let units: [(&str, &[&str]); 9] = [
                ("USD", &["us", "$"]),
                ("USD", &["$"]),
                ("EUR", &["€"]),
                ("GBP", &["£"]),
                ("USD", &["dollars"]),
                ("percent", &["per", "cent"]),
                ("percent", &["percent"]),
                ("percent", &["pct"]),
                ("USD", &["dlrs"]),
            ];
            let percent_sign = [("percent", &["%"][..])];
            units
                .iter()
                .chain(percent_sign.iter())
                .filter(|(_, w)| {
                    !before_number || !w[w.len() - 1].chars().any(char::is_alphanumeric)
                })
                .find(|(_, w)| starts(tokens, p, end, w))
                .map(|(u, w)| (u.to_string(), w.len()))
        }
    }

    type Parts = (f64, Option<String>, Option<String>, Option<String>);

    fn reading(text: &str) -> Option<Parts> {
        let toks = analyse(text, &[], None).unwrap().tokens;
        read(&toks, 0, toks.len(), &Words).map(|r| (r.value, r.unit, r.qualifier, r.about))
    }

    #[test]
    fn normalisation_table() {
        let s = |x: &str| Some(x.to_string());
        let table: Vec<(&str, f64, Option<String>, Option<String>)> = vec![
            ("137 people", 137.0, None, None),
            ("50,000 refugees", 50_000.0, None, None),
            ("2,800 Russians", 2_800.0, None, None),
            ("seven helicopters", 7.0, None, None),
            ("twenty-five tanks", 25.0, None, None),
            ("one billion citizens", 1e9, None, None),
            ("three hundred and forty", 340.0, None, None),
            ("$600m in aid", 6e8, s("USD"), None),
            ("$600 million", 6e8, s("USD"), None),
            ("US$1.5bn", 1.5e9, s("USD"), None),
            ("€2 billion", 2e9, s("EUR"), None),
            ("£10k", 1e4, s("GBP"), None),
            ("70 percent of", 70.0, s("percent"), None),
            ("70 per cent", 70.0, s("percent"), None),
            ("70%", 70.0, s("percent"), None),
            ("500 million dollars", 5e8, s("USD"), None),
            ("more than 160 people", 160.0, None, s("more than")),
            ("at least 137 people", 137.0, None, s("at least")),
            ("nearly 1.5 million", 1.5e6, None, s("nearly")),
            ("hundreds of Russian troops", 100.0, None, s("hundreds")),
            ("Thousands", 1000.0, None, s("thousands")),
            (
                "tens of thousands of people",
                1e4,
                None,
                s("tens of thousands"),
            ),
            ("three to four billion dollars", 3e9, s("USD"), None),
            ("2.0 or 2.5 percent", 2.0, s("percent"), None),
            ("50 to 60 people", 50.0, None, None),
            ("nine pct to 15.9 mln dlrs", 9.0, s("percent"), None),
            ("1994 and 250 million dollars", 1994.0, None, None),
            ("3 and 4 million", 3.0, None, None),
        ];
        for (text, value, unit, qualifier) in table {
            let (v, u, q, _) = reading(text).unwrap_or_else(|| panic!("{text}: no number"));
            assert!((v - value).abs() < 1e-6, "{text}: {v} != {value}");
            assert_eq!(u, unit, "{text}");
            assert_eq!(q, qualifier, "{text}");
        }
    }

    #[test]
    fn number_words_are_data() {
        let words = NumberWords::parse(
            "# c\nseven\t7\ndozen\t12\n",
            "lakh\t100000\tword\nk\t1000\tsuffix\n",
            "scores\t20\n",
        )
        .unwrap();
        assert_eq!(words.unit_word("dozen"), Some(12.0));
        assert_eq!(words.scales.get("lakh"), Some(&1e5));
        assert_eq!(words.suffixes.get("k"), Some(&1e3));
        assert!(!words.scales.contains_key("k"));
        assert_eq!(words.vague.get("scores"), Some(&20.0));
        let builtin = NumberWords::builtin();
        assert_eq!(builtin.unit_word("twenty-five"), Some(25.0));
        assert_eq!(builtin.unit_word("twenty-twenty"), None);
        assert_eq!(builtin.scales.get("bn"), Some(&1e9));
        assert_eq!(builtin.suffixes.get("bn"), Some(&1e9));
        let (stop, aux) = about_lists();
        assert!(stop.contains_word("according") && aux.contains_word("been"));
    }

    #[test]
    fn bad_number_entries_give_their_line() {
        let err = NumberWords::parse("seven\t7\n\neight\teight\n", "", "").unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.line),
            ("number_words.tsv", 3),
            "{err}"
        );
        let err = NumberWords::parse("", "# c\nlakh\t100000\n", "").unwrap_err();
        assert_eq!((err.file.as_str(), err.line), ("scales.tsv", 2), "{err}");
        assert!(err.to_string().starts_with("scales.tsv line 2:"), "{err}");
    }

    #[test]
    fn not_numbers() {
        for text in [
            "one of them",
            "12:32 p.m.",
            "second day",
            "24th",
            "04",
            "1,23",
            "million",
            "No",
        ] {
            assert_eq!(reading(text), None, "{text}");
        }
    }

    #[test]
    fn about_says_what_is_counted() {
        let about = |t: &str| reading(t).and_then(|r| r.3);
        assert_eq!(
            about("137 people had been killed"),
            Some("people killed".into())
        );
        assert_eq!(about("316 injured after"), Some("injured".into()));
        assert_eq!(about("80 Russian tanks, 10"), Some("russian tanks".into()));
        assert_eq!(
            about("hundreds of Russian troops were killed"),
            Some("russian troops killed".into())
        );
        assert_eq!(
            about("50 children inside, she"),
            Some("children inside".into())
        );
    }
}
