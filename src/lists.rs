//! Plain-text data, on the ground floor: the one reader of list and table files (word
//! lists, gazetteers, lemma and number tables, a rules file's lexicon files) and the one
//! set of apostrophes that every fold straightens.

/// The characters read as an apostrophe: right and left single quotes, the grave and
/// acute accents, the modifier letter apostrophe. Every fold makes them `'`.
pub const APOSTROPHES: [char; 5] = ['\u{2019}', '\u{2018}', '`', '\u{b4}', '\u{2bc}'];

/// Whether `c` is one of [`APOSTROPHES`].
pub fn is_apostrophe(c: char) -> bool {
    APOSTROPHES.contains(&c)
}

/// `s` with every one of [`APOSTROPHES`] as `'`, nothing else changed.
pub fn straighten(s: &str) -> String {
    s.replace(APOSTROPHES, "'")
}

/// The entries of a list or table file, each with its line number (1-based): every line
/// but blank ones and comments (a `#` first, after any indentation), as it is written.
pub fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let content = line.trim_start();
        (!content.is_empty() && !content.starts_with('#')).then_some((i + 1, line))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_blank_lines_are_skipped_and_lines_keep_their_numbers() {
        let text = "# a list\nfirst\n\n   \n  # indented comment\n\tsecond\tcolumn \nthird";
        let lines: Vec<(usize, &str)> = data_lines(text).collect();
        assert_eq!(
            lines,
            vec![(2, "first"), (6, "\tsecond\tcolumn "), (7, "third")]
        );
    }

    #[test]
    fn every_apostrophe_straightens() {
        assert_eq!(straighten("Moody’s ‘x` y´s Oʼz"), "Moody's 'x' y's O'z");
        assert!(is_apostrophe('’') && !is_apostrophe('"'));
    }
}
