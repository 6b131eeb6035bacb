//! Word-shape classes of token surface text, the extra input of case-aware models.

/// Shape class of a token's own characters in the original text.
///
/// Uncased encoders lower-case their input, so a model trained with a
/// `case_ids` input gets these classes beside the token ids. The numbering
/// is part of the model's contract: `training/conll.py::case_class` computes
/// the same classes.
pub fn case_class(piece: &str) -> i64 {
    const NONE: i64 = 0;
    const LOWER: i64 = 1;
    const TITLE: i64 = 2;
    const UPPER: i64 = 3;
    const MIXED: i64 = 4;
    const DIGIT: i64 = 5;
    const OTHER: i64 = 6;
    let mut letters = 0usize;
    let mut uppers = 0usize;
    let mut first_upper = false;
    let mut digits = false;
    for c in piece.chars() {
        if c.is_alphabetic() {
            if c.is_uppercase() {
                uppers += 1;
                if letters == 0 {
                    first_upper = true;
                }
            }
            letters += 1;
        } else if c.is_numeric() {
            digits = true;
        }
    }
    if letters == 0 {
        return if digits {
            DIGIT
        } else if piece.is_empty() {
            NONE
        } else {
            OTHER
        };
    }
    match uppers {
        0 => LOWER,
        n if n == letters => {
            if letters > 1 {
                UPPER
            } else {
                TITLE
            }
        }
        1 if first_upper => TITLE,
        _ => MIXED,
    }
}

#[cfg(test)]
mod tests {
    use super::case_class;

    #[test]
    fn classes_match_the_training_definition() {
        assert_eq!(case_class(""), 0);
        assert_eq!(case_class("putin"), 1);
        assert_eq!(case_class("Putin"), 2);
        assert_eq!(case_class("U"), 2);
        assert_eq!(case_class("NATO"), 3);
        assert_eq!(case_class("McDonald"), 4);
        assert_eq!(case_class("iPhone"), 4);
        assert_eq!(case_class("137"), 5);
        assert_eq!(case_class(","), 6);
        assert_eq!(case_class("Zelenskyy"), 2);
        assert_eq!(case_class("Ünal"), 2);
    }
}
