use super::*;

fn error_of(src: &str) -> (usize, String) {
    match RuleSet::parse(src) {
        Err(RulesError::Invalid { line, message, .. }) => (line, message),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("accepted:\n{src}"),
    }
}

#[test]
fn builtin_rules_are_valid() {
    let rules = RuleSet::builtin();
    assert!(rules.relations.contains_key("sanctions"));
    assert!(rules.relations.contains_key("meets"));
    assert!(rules.relations["claims"].figure);
    assert!(rules.rules.len() >= 10);
    assert!(!rules.relations["meets"].directed);
}

#[test]
fn inflections_cover_regular_verbs_and_nouns() {
    let has = |w: &str, f: &str| inflections(w).iter().any(|x| x == f);
    for (w, f) in [
        ("sanction", "sanctions"),
        ("sanction", "sanctioned"),
        ("sanction", "sanctioning"),
        ("ban", "banned"),
        ("ban", "banning"),
        ("impose", "imposed"),
        ("impose", "imposing"),
        ("impose", "imposes"),
        ("apply", "applies"),
        ("apply", "applied"),
        ("freeze", "freezing"),
        ("ratchet", "ratcheting"),
        ("talk", "talks"),
        ("meeting", "meetings"),
        ("embargo", "embargoed"),
    ] {
        assert!(has(w, f), "{w} -> {f}: {:?}", inflections(w));
    }
    assert!(!has("note", "not"));
}

#[test]
fn syntax_errors_give_the_line() {
    let (line, msg) = error_of("[relation.visits]\ndirected = true\n\n[[rule]]\nid = \"x\"\npattern = \"{source} @visit {target}\n");
    assert_eq!(line, 6, "{msg}");
    let (line, msg) = error_of("[relation.visits]\ndirected = yes\n");
    assert_eq!(line, 2, "{msg}");
    let (line, msg) = error_of("[relation.visits]\ndirectd = true\n");
    assert_eq!(line, 2);
    assert!(msg.contains("directd"), "{msg}");
}

#[test]
fn semantic_errors_give_the_line_and_reason() {
    let base = "[relation.visits]\n\n[lexicon.visit]\nwords = [\"visit\"]\ninflect = true\n\n[[rule]]\nid = \"visits.verb\"\nrelation = \"visits\"\n";
    let cases = [
        (
            "pattern = \"{source} @visits {target}\"\n",
            "unknown lexicon `visits`",
        ),
        (
            "pattern = \"{source} @visit {place}\"\n",
            "unknown slot `place`",
        ),
        (
            "pattern = \"{source} @visit\"\n",
            "needs a {source} and a {target}",
        ),
        ("pattern = \"{group} @visit\"\n", "directed"),
        (
            "pattern = \"{source} @visit {figure}\"\n",
            "figure relations",
        ),
    ];
    for (tail, want) in cases {
        let (line, msg) = error_of(&format!("{base}{tail}"));
        assert_eq!(line, 10, "{msg}");
        assert!(msg.contains(want), "{msg} lacks {want}");
        assert!(msg.contains("visits.verb"), "{msg}");
    }
    let (line, msg) = error_of(&format!(
        "{base}relation = \"visitz\"\npattern = \"{{source}} @visit {{target}}\"\n"
    ));
    assert!(
        msg.contains("duplicate") || msg.contains("relation"),
        "{msg}"
    );
    assert_eq!(line, 10);
    let (line, msg) = error_of("[relation.x]\n[[rule]]\nid = \"a\"\nrelation = \"y\"\npattern = \"{source} said {target}\"\n");
    assert_eq!(line, 4);
    assert!(msg.contains("unknown relation `y`"), "{msg}");
    let (line, msg) = error_of("[relation.x]\n[lexicon.n]\nwords = [\"not\"]\n[[cue]]\nname = \"neg\"\nlexicon = \"n\"\neffect = \"maybe\"\n");
    assert_eq!(line, 7);
    assert!(msg.contains("unknown effect `maybe`"), "{msg}");
    let (line, msg) = error_of("[settings]\ntitles = \"title\"\n");
    assert_eq!(line, 2);
    assert!(msg.contains("unknown lexicon `title`"), "{msg}");
    let (line, msg) = error_of("[relation.x]\n[[rule]]\nid = \"a\"\nrelation = \"x\"\npattern = \"{source} said {target}\"\n[[rule]]\nid = \"a\"\nrelation = \"x\"\npattern = \"{source} met {target}\"\n");
    assert_eq!(line, 7);
    assert!(msg.contains("used twice"), "{msg}");
}

#[test]
fn file_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "[relation.x]\n\n[[rule]]\nid = 3\n").unwrap();
    let err = RuleSet::from_file(&path).unwrap_err().to_string();
    assert!(err.contains("bad.toml: line 4:"), "{err}");
    let missing = RuleSet::from_file(&dir.path().join("none.toml")).unwrap_err();
    assert!(missing.to_string().contains("cannot read"));
}

#[test]
fn the_title_lexicon_is_resolves_title_list() {
    let rules = RuleSet::builtin();
    let title = rules.settings.titles.map(|i| &rules.lexicons[i]).unwrap();
    let resolve = crate::resolve::WordLists::builtin();
    let ours: Vec<&[String]> = title.entries().collect();
    let theirs: Vec<&[String]> = resolve.titles.entries().collect();
    assert_eq!(ours, theirs);
    assert!(title.contains_word("Gen."));
    assert!(title.contains_word("tycoon"));
    assert!(resolve.titles.contains_word("tycoon"));
}

#[test]
fn lexicon_files_are_read_beside_the_rules_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("verbs.txt"), "# mine\nvisit\nfly to\n").unwrap();
    let rules = "[lexicon.title]\nfile = \"titles\"\n\n[lexicon.visit]\nwords = [\"tour\"]\nfile = \"verbs.txt\"\ninflect = true\n";
    let path = dir.path().join("r.toml");
    std::fs::write(&path, rules).unwrap();
    let set = RuleSet::from_file(&path).unwrap();
    let visit = set.lexicons.iter().find(|l| l.name == "visit").unwrap();
    assert!(visit.contains_word("visited") && visit.contains_word("toured"));
    assert!(visit.entries().any(|e| e == ["fly", "to"]));
    assert_eq!(
        set.list_texts.len(),
        1,
        "built-in lists are not read from disk"
    );

    std::fs::write(dir.path().join("bad.txt"), "visit\nfly\tto\n").unwrap();
    for (file, want) in [
        ("none.txt", "cannot read"),
        ("nosuchlist", "unknown list `nosuchlist`"),
        ("bad.txt", "bad.txt line 2"),
    ] {
        std::fs::write(
            &path,
            format!("[relation.x]\n\n[lexicon.visit]\nfile = \"{file}\"\n"),
        )
        .unwrap();
        let err = RuleSet::from_file(&path).unwrap_err();
        assert_eq!(err.line(), Some(4), "{err}");
        assert!(err.to_string().contains(want), "{err} lacks {want}");
    }
}

#[test]
fn lexicons_match_phrases_longest_first() {
    let toks = crate::analysis::analyse("They called on the EU", &[], None)
        .unwrap()
        .tokens;
    let lex = Lexicon::new(
        "demand",
        [words_of("called"), words_of("called on"), words_of("urged")],
    );
    assert_eq!(lex.lengths_at(&toks, 1, toks.len()), vec![2, 1]);
    assert_eq!(lex.lengths_at(&toks, 1, 2), vec![1]);
    assert!(lex.ends_at(&toks, 0, 3));
    assert!(lex.lengths_at(&toks, 0, toks.len()).is_empty());
}

#[test]
fn a_relation_colour_must_be_rrggbb() {
    let (_, msg) = error_of("[relation.visits]\ncolour = \"red\"\n");
    assert!(msg.contains("not of the form \"#rrggbb\""), "{msg}");
    let rules = RuleSet::parse(
        "[relation.visits]\ncolour = \"#A0B0C0\"\n\n[[rule]]\nid = \"v\"\nrelation = \"visits\"\npattern = \"{source} visited {target}\"\n",
    )
    .unwrap();
    assert_eq!(rules.relations["visits"].colour.as_deref(), Some("#a0b0c0"));
}
