//! Each rule family and each Out case on hand-built entities (no model involved).

use std::collections::BTreeSet;

use super::*;
use crate::analysis::analyse;
use crate::resolve::{Entity, EntityType};

use EntityType::{Organisation as O, Person as P, State as S};

/// Entities with every whole-word occurrence of their surfaces as mentions.
fn resolve(text: &str, entities: &[(&str, EntityType, &[&str])]) -> Resolved {
    let mut out = Resolved::default();
    for (id, kind, surfaces) in entities {
        let mut mentions = Vec::new();
        for surface in *surfaces {
            for (at, _) in text.match_indices(surface) {
                let end = at + surface.len();
                let before_ok = text[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric());
                let after_ok = text[end..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric());
                if before_ok && after_ok {
                    mentions.push(Span::new(at, end));
                }
            }
        }
        mentions.sort();
        out.entities.push(Entity {
            id: id.to_string(),
            name: surfaces[0].to_string(),
            kind: *kind,
            aliases: surfaces.iter().map(|s| s.to_string()).collect(),
            mentions,
            tokens: Vec::new(),
            country: None,
        });
    }
    out
}

fn cast() -> Vec<(&'static str, EntityType, &'static [&'static str])> {
    vec![
        ("putin", P, &["Vladimir Putin", "Putin"]),
        ("lavrov", P, &["Sergey Lavrov", "Lavrov"]),
        ("biden", P, &["Joe Biden", "Biden"]),
        ("zelenskyy", P, &["Volodymyr Zelenskyy", "Zelenskyy"]),
        ("markarova", P, &["Oksana Markarova", "Markarova"]),
        ("macron", P, &["Macron"]),
        ("scholz", P, &["Scholz"]),
        ("us", S, &["US", "U.S.", "United States", "Washington"]),
        ("uk", S, &["UK"]),
        ("russia", S, &["Russia"]),
        ("ukraine", S, &["Ukraine"]),
        ("canada", S, &["Canada"]),
        ("poland", S, &["Poland"]),
        ("eu", O, &["EU", "European Union"]),
        ("nato", O, &["NATO"]),
        ("un", O, &["UN"]),
        ("kremlin", O, &["Kremlin"]),
        ("swift", O, &["SWIFT"]),
        ("schalke", O, &["FC Schalke 04"]),
    ]
}

/// "relation source target modality" lines (claims: "claims source value unit qualifier").
fn run_with(rules: &RuleSet, text: &str) -> BTreeSet<String> {
    let resolved = resolve(text, &cast());
    extract(rules, text, &analyse(text, &[], None).unwrap(), &resolved)
        .into_iter()
        .map(|r| {
            let source = &resolved.entities[r.source].id;
            match &r.target {
                Target::Entity(t) => format!(
                    "{} {} {} {}",
                    r.relation,
                    source,
                    resolved.entities[*t].id,
                    r.modality.as_str()
                ),
                Target::Figure(f) => format!(
                    "{} {} {} {} {}",
                    r.relation,
                    source,
                    f.value,
                    f.unit.as_deref().unwrap_or("-"),
                    f.qualifier.as_deref().unwrap_or("-")
                ),
            }
        })
        .collect()
}

fn run(text: &str) -> BTreeSet<String> {
    run_with(&RuleSet::builtin(), text)
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[track_caller]
fn expect(text: &str, want: &[&str]) {
    assert_eq!(run(text), set(want), "\ntext: {text}");
}

#[test]
fn sanctions_active_and_coordinated() {
    expect(
        "The US and the EU sanction Putin and Lavrov.",
        &[
            "sanctions eu lavrov asserted",
            "sanctions eu putin asserted",
            "sanctions us lavrov asserted",
            "sanctions us putin asserted",
        ],
    );
    expect(
        "The US will directly sanction Lavrov.",
        &["sanctions us lavrov planned"],
    );
}

#[test]
fn sanctions_passive() {
    expect(
        "Putin was sanctioned by the EU on Friday.",
        &["sanctions eu putin asserted"],
    );
}

#[test]
fn sanctions_join_in() {
    expect(
        "Canada joined the EU in sanctioning Lavrov.",
        &[
            "sanctions canada lavrov asserted",
            "sanctions eu lavrov asserted",
        ],
    );
}

#[test]
fn sanctions_headline_asset_freeze_with_possessive() {
    expect(
        "UK imposes asset freeze on Russia's Putin and Lavrov",
        &[
            "sanctions uk lavrov asserted",
            "sanctions uk putin asserted",
        ],
    );
}

#[test]
fn sanctions_freeze_assets_list_and_swift() {
    expect(
        "The UK has imposed sanctions to freeze the assets of Putin.",
        &["sanctions uk putin asserted"],
    );
    expect(
        "The EU agreed to place Putin and Lavrov on its sanctions list.",
        &["sanctions eu lavrov planned", "sanctions eu putin planned"],
    );
    expect(
        "On Saturday the EU excluded Russia from SWIFT.",
        &["sanctions eu russia asserted"],
    );
}

#[test]
fn sanctions_planned_and_relative_clause() {
    expect(
        "Washington plans sanctions on Putin.",
        &["sanctions us putin planned"],
    );
    expect(
        "She welcomed the sanctions the U.S. and other countries have announced on Russian President Vladimir Putin and Foreign Minister Sergey Lavrov.",
        &["sanctions us lavrov asserted", "sanctions us putin asserted"],
    );
    expect(
        "The U.S. has been ratcheting up sanctions against Russia.",
        &["sanctions us russia asserted"],
    );
}

#[test]
fn sanctions_out_cases() {
    // Hypothetical, third-party demand, negation, conditional, no named source.
    expect("The EU could cut Russia off SWIFT.", &[]);
    expect(
        "Zelenskyy called on the EU to impose sanctions on Russia.",
        &[],
    );
    expect("The EU did not sanction Lavrov.", &[]);
    expect("If Russia invades, the US will sanction Putin.", &[]);
    expect("She said the sanctions on Russia should go further.", &[]);
    // A name that only modifies an unnamed subject is not the source.
    expect("A senior U.S. defense official sanctioned nobody.", &[]);
}

#[test]
fn meets_call_meeting_and_verbs() {
    expect(
        "President Joe Biden held a secure call with Ukrainian President Volodymyr Zelenskyy on Friday.",
        &["meets biden zelenskyy asserted"],
    );
    expect(
        "Earlier, Biden held a virtual meeting with NATO leaders to discuss Ukraine.",
        &["meets biden nato asserted"],
    );
    expect(
        "Scholz met with Putin in Moscow.",
        &["meets putin scholz asserted"],
    );
    expect(
        "Macron spoke with Putin for two hours.",
        &["meets macron putin asserted"],
    );
}

#[test]
fn meets_headlines_groups_and_in_call() {
    expect(
        "Biden, Zelenskyy hold phone call as troops advance",
        &["meets biden zelenskyy asserted"],
    );
    expect(
        "Biden, in call to Zelenskyy, praises resistance",
        &["meets biden zelenskyy asserted"],
    );
    expect(
        "Markarova noted that Zelenskyy and Biden had another call Friday.",
        &["meets biden zelenskyy asserted"],
    );
    expect(
        "Talks between Putin and Macron ended without a deal.",
        &["meets macron putin asserted"],
    );
    // A meeting that is still to come has not been held (ANNOTATION.md: intentions and
    // meetings only called for are out); planned sanctions stay edges.
    expect("Biden will meet Zelenskyy next week.", &[]);
}

#[test]
fn meets_out_cases() {
    expect(
        "Russia is ready to send a delegation for talks with Ukraine.",
        &[],
    );
    expect("Zelenskyy is ready to meet Putin.", &[]);
    expect("Zelenskyy refused to meet Lavrov.", &[]);
    expect("Biden has never met Putin.", &[]);
    expect("Macron called for talks between Putin and Zelenskyy.", &[]);
}

#[test]
fn meets_after_a_conversation_and_lists_without_and() {
    expect(
        "After talks with Macron, Scholz said the war must end.",
        &["meets macron scholz asserted"],
    );
    // "Macron, the U.S." is no coordination: a list without "and" is one only in a headline.
    expect(
        "Following a conversation with Macron, the U.S. would join allies in sanctioning Putin, Lavrov and others.",
        &[
            "meets macron us asserted",
            "sanctions us lavrov planned",
            "sanctions us putin planned",
        ],
    );
}

#[test]
fn claims_attribution_forms() {
    expect(
        "Zelenskyy said that at least 137 people had been killed and 316 injured.",
        &[
            "claims zelenskyy 137 - at least",
            "claims zelenskyy 316 - -",
        ],
    );
    expect(
        "Russia attacked an orphanage with 50 children inside, Oksana Markarova, the Ukrainian ambassador to the United States, said.",
        &["claims markarova 50 - -"],
    );
    expect(
        "More than 160 civilians have died, according to the UN.",
        &["claims un 160 - more than"],
    );
    expect(
        "Ukraine needs $600m, Zelenskyy told Reuters.",
        &["claims zelenskyy 600000000 USD -"],
    );
    expect(
        "Russia controls 70 percent of the region, a statement by the Kremlin said.",
        &["claims kremlin 70 percent -"],
    );
    expect(
        "137 killed on first day of invasion: Zelenskyy",
        &["claims zelenskyy 137 - -"],
    );
    expect(
        "\"Seven helicopters were destroyed,\" said Markarova.",
        &["claims markarova 7 - -"],
    );
}

#[test]
fn claims_pronouns_name_the_last_speaker() {
    expect(
        "Oksana Markarova spoke to reporters on Friday. The Russians took 92 hostages, she said.",
        &["claims markarova 92 - -"],
    );
    expect(
        "Markarova noted that a coalition included 73 countries, though she said more is needed.",
        &["claims markarova 73 - -"],
    );
    // No one named before: no claim.
    expect("The Russians took 92 hostages, she said.", &[]);
}

#[test]
fn a_pronoun_never_stands_for_a_person_titled_as_the_other_gender() {
    // The news fixture's slip on some CPUs: "She said" credited to the Pope, the last
    // speaker, when the parse missed Markarova's own claim. A title tells the gender.
    expect(
        "Mr Biden said 40 people died. The Russians took 92 hostages, she said.",
        &["claims biden 40 - -"],
    );
    expect(
        "Mr Biden said 40 people died. The Russians took 92 hostages, he said.",
        &["claims biden 40 - -", "claims biden 92 - -"],
    );
    expect(
        "Ms Markarova spoke on Friday. Mr Biden said 40 people died. \
         The Russians took 92 hostages, she said.",
        &["claims biden 40 - -", "claims markarova 92 - -"],
    );
}

#[test]
fn claims_out_cases() {
    // Dates, times, ages, ordinals, anaphoric counts, durations.
    expect(
        "Zelenskyy said on February 24 that the two leaders met at 12:32 p.m. on the second day of talks in 2022.",
        &[],
    );
    expect("Zelenskyy, 44, said he was Russia's No. 1 target.", &[]);
    expect(
        "Zelenskyy, 44, said 5 people died.",
        &["claims zelenskyy 5 - -"],
    );
    expect(
        "Markarova met Zelenskyy, 44, in Kyiv, Macron said.",
        &["meets markarova zelenskyy asserted"],
    );
    expect("Fourteen days free, Markarova said.", &[]);
    // No named source.
    expect("At least 137 people were killed.", &[]);
    // A number inside or right after a name.
    expect("FC Schalke 04 said it dropped its sponsor.", &[]);
    expect(
        "Zelenskyy said the Series 50 bonds and a Boeing 747 were lost.",
        &[],
    );
}

#[test]
fn every_edge_says_rule_modality_and_evidence() {
    let text = "Markarova arrived. The EU will sanction Putin.";
    let resolved = resolve(text, &cast());
    let relations = extract(
        &RuleSet::builtin(),
        text,
        &analyse(text, &[], None).unwrap(),
        &resolved,
    );
    assert_eq!(relations.len(), 1);
    let r = &relations[0];
    assert_eq!(r.modality, Modality::Planned);
    let f = &r.found[0];
    assert_eq!(f.rule, "sanctions.verb");
    assert_eq!(
        &text[f.sentence.start..f.sentence.end],
        "The EU will sanction Putin."
    );
    assert_eq!(
        &text[f.span.start..f.span.end],
        "The EU will sanction Putin"
    );
}

#[test]
fn asserted_wins_over_planned_for_the_same_pair() {
    let text = "The US will sanction Putin. The US sanctioned Putin on Friday.";
    let resolved = resolve(text, &cast());
    let relations = extract(
        &RuleSet::builtin(),
        text,
        &analyse(text, &[], None).unwrap(),
        &resolved,
    );
    assert_eq!(relations.len(), 1);
    assert_eq!(relations[0].modality, Modality::Asserted);
    assert_eq!(relations[0].found.len(), 2);
}

/// The figure of the first relation the built-in rules find in `text`.
fn first_figure(text: &str) -> Figure {
    let resolved = resolve(text, &cast());
    let relations = extract(
        &RuleSet::builtin(),
        text,
        &analyse(text, &[], None).unwrap(),
        &resolved,
    );
    let Target::Figure(f) = &relations[0].target else {
        panic!("not a figure")
    };
    f.clone()
}

#[test]
fn claim_figures_carry_about_and_offsets() {
    let text = "Zelenskyy said that at least 137 people had been killed.";
    let f = first_figure(text);
    assert_eq!(f.text, "at least 137");
    assert_eq!(&text[f.number.start..f.number.end], "137");
    assert_eq!(f.about.as_deref(), Some("people killed"));
}

#[test]
fn a_figure_over_a_line_break_is_labelled_on_one_line() {
    let f = first_figure("Zelenskyy said that at least\n137 people had been killed.");
    assert_eq!(f.text, "at least 137");
}

#[test]
fn a_rules_file_can_add_a_relation_type() {
    let rules = RuleSet::parse(
        r#"
[relation.visits]
directed = true

[lexicon.visit]
words = ["visit", "travel to", "arrive in"]
inflect = true

[lexicon.chain]
words = ["will", "has", "also"]

[[rule]]
id = "visits.verb"
relation = "visits"
pattern = "{source:person} @chain* @visit {target:state}"
"#,
    )
    .unwrap();
    assert_eq!(
        run_with(
            &rules,
            "Biden visited Poland and Biden has travelled to Canada."
        ),
        set(&[
            "visits biden canada asserted",
            "visits biden poland asserted"
        ])
    );
    // Types restrict the slots; the built-in relations are gone with the built-in file.
    assert!(run_with(&rules, "NATO visited Poland. The EU sanctioned Putin.").is_empty());
}

#[test]
fn output_is_sorted_and_repeatable() {
    let text =
        "The US and the EU sanction Putin and Lavrov. Zelenskyy said 5 died. Biden met Macron.";
    let resolved = resolve(text, &cast());
    let a = extract(
        &RuleSet::builtin(),
        text,
        &analyse(text, &[], None).unwrap(),
        &resolved,
    );
    let b = extract(
        &RuleSet::builtin(),
        text,
        &analyse(text, &[], None).unwrap(),
        &resolved,
    );
    assert_eq!(a, b);
    let keys: Vec<(String, String)> = a
        .iter()
        .map(|r| (r.relation.clone(), resolved.entities[r.source].id.clone()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn instances_of_one_relation_are_compared_within_their_sentence_only() {
    // One pair named in n sentences: merging its instances must cost about n, not n².
    let work = |n: usize| {
        let text = "Putin met Macron in Paris. ".repeat(n);
        let before = crate::resolve::spans::work_done();
        let found = run(&text);
        assert!(found.contains("meets macron putin asserted"), "{found:?}");
        crate::resolve::spans::work_done() - before
    };
    let (small, large) = (work(100), work(400));
    assert!(
        large <= 5 * small,
        "4x the sentences cost {large} steps against {small}"
    );
}

#[test]
fn sentences_in_capitals_are_headlines() {
    assert!(is_all_caps(
        "U.S., BRITAIN BAR SANCTIONS AGAINST SOUTH AFRICA"
    ));
    assert!(is_all_caps("SARNEY MEETS BRAZIL BUSINESS LEADERS"));
    assert!(!is_all_caps("Biden, Zelenskyy hold phone call"));
    // An acronym alone is not a shouted sentence.
    assert!(!is_all_caps("NATO."));
}

#[test]
fn a_headline_in_capitals_gives_no_meeting_or_sanction_but_the_same_in_mixed_case_does() {
    let caps = concat!(
        "PUTIN MET MACRON. THE EU SANCTIONS LAVROV.\n",
        "The story's body below its headline is written in mixed case, as wire stories are."
    );
    let cast_in_capitals: &[(&str, EntityType, &[&str])] = &[
        ("putin", P, &["PUTIN"]),
        ("macron", P, &["MACRON"]),
        ("lavrov", P, &["LAVROV"]),
        ("eu", O, &["EU"]),
    ];
    let resolved = resolve(caps, cast_in_capitals);
    let doc = analyse(caps, &[], None).unwrap();
    let found = extract(&RuleSet::builtin(), caps, &doc, &resolved);
    assert!(found.is_empty(), "{found:?}");
    // ... in a story with a mixed-case body; a story all in capitals is read as it is.
    let all_caps_story = "PUTIN MET MACRON.";
    let resolved = resolve(all_caps_story, cast_in_capitals);
    let doc = analyse(all_caps_story, &[], None).unwrap();
    let found = extract(&RuleSet::builtin(), all_caps_story, &doc, &resolved);
    assert_eq!(found.len(), 1, "{found:?}");
    expect(
        "Putin met Macron. The EU sanctions Lavrov.",
        &[
            "meets macron putin asserted",
            "sanctions eu lavrov asserted",
        ],
    );
}
