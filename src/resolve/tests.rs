use super::*;

/// A mention of the `nth` (0-based) occurrence of `needle`.
fn nth(text: &str, needle: &str, n: usize, label: &str) -> Mention {
    let start = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("{needle} #{n} in {text}"))
        .0;
    Mention {
        span: Span::new(start, start + needle.len()),
        label: label.into(),
        score: 0.9,
    }
}

fn m(text: &str, needle: &str, label: &str) -> Mention {
    nth(text, needle, 0, label)
}

fn resolve(text: &str, mentions: &[Mention]) -> Resolved {
    let doc = crate::analysis::analyse(text, mentions, None).expect("mentions fit the text");
    Resolver::new(Gazetteer::builtin()).resolve(text, &doc, mentions)
}

fn ids(r: &Resolved) -> Vec<&str> {
    r.entities.iter().map(|e| e.id.as_str()).collect()
}

fn entity<'a>(r: &'a Resolved, id: &str) -> &'a Entity {
    r.entities
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(r)))
}

fn aliases(r: &Resolved, id: &str) -> Vec<String> {
    entity(r, id).aliases.iter().cloned().collect()
}

#[test]
fn slugs_are_readable_ascii() {
    assert_eq!(slug("Vladimir Putin"), "vladimir-putin");
    assert_eq!(slug("Volodymyr Zelenskyy"), "volodymyr-zelenskyy");
    assert_eq!(slug("Łukasz Müller-Ödegård"), "lukasz-muller-odegard");
    assert_eq!(slug("O'Brien"), "obrien");
    assert_eq!(slug("U.S. Treasury"), "us-treasury");
}

#[test]
fn titles_roles_possessives_are_stripped_and_pope_keeps_his() {
    let text = "President Joe Biden met Russian President Vladimir Putin. \
                Foreign Minister Sergey Lavrov and Pope Francis spoke. Russia's Putin left.";
    let r = resolve(
        text,
        &[
            m(text, "President Joe Biden", "PER"),
            m(text, "Russian President Vladimir Putin", "PER"),
            m(text, "Foreign Minister Sergey Lavrov", "PER"),
            m(text, "Pope Francis", "PER"),
            m(text, "Russia's Putin", "PER"),
        ],
    );
    assert_eq!(
        ids(&r),
        vec![
            "person:joe-biden",
            "person:vladimir-putin",
            "person:sergey-lavrov",
            "person:pope-francis"
        ]
    );
    assert_eq!(
        aliases(&r, "person:vladimir-putin"),
        ["Putin", "Vladimir Putin"]
    );
    // Spans name the person, without the title.
    let putin = entity(&r, "person:vladimir-putin");
    let names: Vec<&str> = putin
        .mentions
        .iter()
        .map(|s| &text[s.start..s.end])
        .collect();
    assert_eq!(names, ["Vladimir Putin", "Putin"]);
    assert_eq!(
        r.mention_entity,
        vec![Some(0), Some(1), Some(2), Some(3), Some(1)]
    );
}

#[test]
fn words_before_a_name_give_the_state_a_person_serves() {
    let text = "Ukrainian President Volodymyr Zelenskyy met Russia's Foreign Minister \
                Sergey Lavrov, Germany's Olaf Scholz and Jen Psaki.";
    let r = resolve(
        text,
        &[
            m(text, "Volodymyr Zelenskyy", "PER"),
            m(text, "Foreign Minister Sergey Lavrov", "PER"),
            m(text, "Olaf Scholz", "PER"),
            m(text, "Jen Psaki", "PER"),
        ],
    );
    let countries: Vec<Option<&str>> = r.entities.iter().map(|e| e.country.as_deref()).collect();
    assert_eq!(countries, [Some("UA"), Some("RU"), Some("DE"), None]);
}

#[test]
fn surnames_join_the_full_name_in_the_same_document() {
    let text = "Putin spoke. Later Vladimir Putin left. Zelenskyy stayed.";
    let r = resolve(
        text,
        &[
            m(text, "Putin", "PER"),
            m(text, "Vladimir Putin", "PER"),
            m(text, "Zelenskyy", "PER"),
        ],
    );
    assert_eq!(ids(&r), vec!["person:vladimir-putin", "person:zelenskyy"]);
    assert_eq!(entity(&r, "person:vladimir-putin").mentions.len(), 2);
    assert_eq!(entity(&r, "person:vladimir-putin").name, "Vladimir Putin");
}

#[test]
fn people_sharing_a_surname_stay_apart() {
    let text = "Joe Biden spoke. Biden left. Hunter Biden arrived. Biden smiled.";
    let r = resolve(
        text,
        &[
            m(text, "Joe Biden", "PER"),
            nth(text, "Biden", 1, "PER"),
            m(text, "Hunter Biden", "PER"),
            nth(text, "Biden", 3, "PER"),
        ],
    );
    assert_eq!(ids(&r), vec!["person:joe-biden", "person:hunter-biden"]);
    assert_eq!(r.mention_entity, vec![Some(0), Some(0), Some(1), Some(1)]);
}

#[test]
fn surnames_that_are_titles_join_their_full_name() {
    let text = "John Major spoke. Major said no. The President said yes.";
    let r = resolve(
        text,
        &[
            m(text, "John Major", "PER"),
            nth(text, "Major", 1, "PER"),
            m(text, "President", "PER"),
        ],
    );
    assert_eq!(ids(&r), vec!["person:john-major"]);
    assert_eq!(r.mention_entity, vec![Some(0), Some(0), None]);
}

#[test]
fn coordinated_names_in_one_mention_are_split() {
    let text = "Apple and Shell left Russia. Bosnia and Herzegovina voted.";
    let r = resolve(
        text,
        &[
            m(text, "Apple and Shell", "ORG"),
            m(text, "Bosnia and Herzegovina", "LOC"),
        ],
    );
    assert_eq!(
        ids(&r),
        vec!["organisation:apple", "organisation:shell", "state:BA"]
    );
    assert_eq!(r.mention_entity, vec![Some(0), Some(2)]);
}

#[test]
fn abbreviations_and_acronyms_merge() {
    let text = "The U.S. and the US and the United States. The EU and the European Union. \
                The UN, the U.N. and the United Nations.";
    let r = resolve(
        text,
        &[
            m(text, "U.S.", "LOC"),
            m(text, "US", "LOC"),
            m(text, "United States", "LOC"),
            m(text, "EU", "ORG"),
            m(text, "UN", "ORG"),
            m(text, "U.N.", "ORG"),
        ],
    );
    assert_eq!(
        ids(&r),
        vec![
            "state:US",
            "organisation:european-union",
            "organisation:united-nations"
        ]
    );
    assert_eq!(aliases(&r, "state:US"), ["U.S.", "US", "United States"]);
    // The gazetteer finds the names the model missed.
    assert_eq!(
        aliases(&r, "organisation:european-union"),
        ["EU", "European Union"]
    );
    assert_eq!(
        aliases(&r, "organisation:united-nations"),
        ["U.N.", "UN", "United Nations"]
    );
}

#[test]
fn acronyms_the_text_introduces_join_their_name() {
    let text = "Sales at the Liquor Control Board of Ontario (LCBO) fell. \
                The LCBO said it would act.";
    let r = resolve(
        text,
        &[
            m(text, "Liquor Control Board of Ontario", "ORG"),
            nth(text, "LCBO", 1, "ORG"),
        ],
    );
    assert_eq!(
        ids(&r),
        vec!["organisation:liquor-control-board-of-ontario"]
    );
    assert_eq!(
        aliases(&r, "organisation:liquor-control-board-of-ontario"),
        ["LCBO", "Liquor Control Board of Ontario"]
    );
    assert_eq!(
        entity(&r, "organisation:liquor-control-board-of-ontario")
            .mentions
            .len(),
        3
    );
}

#[test]
fn organisation_short_forms_join_the_longer_name() {
    let text = "The International Monetary Fund warned. The Fund said more. \
                NATO and the NATO Response Force moved.";
    let r = resolve(
        text,
        &[
            m(text, "International Monetary Fund", "ORG"),
            nth(text, "Fund", 1, "ORG"),
            m(text, "NATO", "ORG"),
            m(text, "NATO Response Force", "ORG"),
        ],
    );
    assert_eq!(
        ids(&r),
        vec![
            "organisation:imf",
            "organisation:nato",
            "organisation:nato-response-force"
        ]
    );
    assert_eq!(
        aliases(&r, "organisation:imf"),
        ["Fund", "International Monetary Fund"]
    );
}

#[test]
fn generic_short_names_join_the_organisation_named_in_the_document() {
    let text = "NATO moved troops. The Alliance said more. The Alliance of Poets met.";
    let r = resolve(text, &[m(text, "NATO", "ORG"), m(text, "Alliance", "ORG")]);
    assert_eq!(ids(&r), vec!["organisation:nato"]);
    assert_eq!(aliases(&r, "organisation:nato"), ["Alliance", "NATO"]);
    // Without NATO in the document, "the Alliance" is its own organisation.
    let text = "The Alliance said more.";
    let r = resolve(text, &[m(text, "Alliance", "ORG")]);
    assert_eq!(ids(&r), vec!["organisation:alliance"]);
}

#[test]
fn surnames_the_model_typed_otherwise_are_the_person() {
    let text = "Joe Biden spoke. Earlier, Biden held a call. The Biden administration agreed.";
    let r = resolve(
        text,
        &[
            m(text, "Joe Biden", "PER"),
            nth(text, "Biden", 1, "ORG"),
            nth(text, "Biden", 2, "ORG"),
        ],
    );
    assert_eq!(
        ids(&r),
        vec!["person:joe-biden", "organisation:biden-administration"]
    );
    assert_eq!(r.mention_entity, vec![Some(0), Some(0), Some(1)]);
    assert_eq!(
        entity(&r, "organisation:biden-administration").name,
        "Biden administration"
    );
}

#[test]
fn acronyms_join_the_name_of_their_initials() {
    let text = "The Baltic Shipping Council met. BSC members agreed.";
    let r = resolve(
        text,
        &[
            m(text, "Baltic Shipping Council", "ORG"),
            m(text, "BSC", "ORG"),
        ],
    );
    assert_eq!(ids(&r), vec!["organisation:baltic-shipping-council"]);
}

#[test]
fn capitals_are_states_only_for_the_government_acting() {
    let text = "Washington plans sanctions. Moscow denied it. Kyiv proposed talks. \
                Blasts in Kyiv. He lives in Moscow.";
    let r = resolve(
        text,
        &[
            m(text, "Washington", "LOC"),
            m(text, "Moscow", "LOC"),
            m(text, "Kyiv", "LOC"),
            nth(text, "Kyiv", 1, "LOC"),
            nth(text, "Moscow", 1, "LOC"),
        ],
    );
    assert_eq!(ids(&r), vec!["state:US", "state:RU", "state:UA"]);
    assert_eq!(
        r.mention_entity,
        vec![Some(0), Some(1), Some(2), None, None]
    );
    assert_eq!(entity(&r, "state:RU").name, "Russia");
}

#[test]
fn demonyms_alone_make_no_node_but_state_bodies_do() {
    let text = "Russian forces advanced.\nThe Russian foreign ministry said so, \
                and Ukraine's defense ministry denied it. The British government agreed.";
    let r = resolve(
        text,
        &[
            m(text, "Russian", "MISC"),
            nth(text, "Russian", 1, "MISC"),
            m(text, "Ukraine", "LOC"),
            m(text, "British", "MISC"),
        ],
    );
    assert_eq!(
        ids(&r),
        vec![
            "organisation:russian-foreign-ministry",
            "organisation:ukrainian-defence-ministry",
            "state:GB"
        ]
    );
    assert_eq!(r.mention_entity, vec![None, Some(0), Some(1), Some(2)]);
    assert_eq!(
        aliases(&r, "organisation:russian-foreign-ministry"),
        ["Russian foreign ministry"]
    );
    // "The British government" is the state acting (state_nouns.txt).
    let british = entity(&r, "state:GB");
    assert_eq!(british.kind, EntityType::State);
    assert_eq!(aliases(&r, "state:GB"), ["British government"]);
}

#[test]
fn locations_and_misc_name_states_when_they_are_countries() {
    let text = "Putin spoke in Kyiv about the Russia-Ukraine crisis and Russia.";
    let r = resolve(
        text,
        &[
            m(text, "Putin", "PER"),
            m(text, "Kyiv", "LOC"),
            m(text, "Russia-Ukraine", "MISC"),
            nth(text, "Russia", 1, "LOC"),
        ],
    );
    assert_eq!(ids(&r), vec!["person:putin", "state:RU", "state:UA"]);
    assert_eq!(r.mention_entity, vec![Some(0), None, Some(1), Some(1)]);
    assert_eq!(entity(&r, "state:RU").mentions.len(), 2);
}

#[test]
fn the_gazetteer_fixes_types_and_finds_missed_organisations() {
    let text = "The White House and NATO spoke. Aeroflot flights stopped. Shell fragments fell.";
    let r = resolve(
        text,
        &[m(text, "White House", "LOC"), m(text, "NATO", "MISC")],
    );
    assert_eq!(
        ids(&r),
        vec![
            "organisation:white-house",
            "organisation:nato",
            "organisation:aeroflot"
        ]
    );
    assert_eq!(
        entity(&r, "organisation:white-house").country.as_deref(),
        Some("US")
    );
}

#[test]
fn split_names_descriptors_and_actors_make_organisations() {
    let text = "Manchester United dropped the club Schalke. Eurovision banned Russia. \
                A professor at the University of New Haven spoke.";
    let r = resolve(
        text,
        &[
            m(text, "Manchester", "LOC"),
            m(text, "United", "ORG"),
            m(text, "Schalke", "PER"),
            m(text, "Eurovision", "MISC"),
            m(text, "Russia", "LOC"),
            m(text, "University", "LOC"),
            Mention {
                span: Span::new(
                    text.find("of New").unwrap(),
                    text.find("of New").unwrap() + 2,
                ),
                label: "ORG".into(),
                score: 0.5,
            },
            m(text, "New Haven", "LOC"),
        ],
    );
    assert_eq!(
        ids(&r),
        vec![
            "organisation:manchester-united",
            "organisation:schalke",
            "organisation:eurovision",
            "state:RU",
            "organisation:university-of-new-haven"
        ]
    );
    assert_eq!(
        r.mention_entity,
        vec![
            Some(0),
            Some(0),
            Some(1),
            Some(2),
            Some(3),
            Some(4),
            Some(4),
            Some(4)
        ]
    );
}

#[test]
fn line_breaks_split_mentions_and_datelines_make_no_person() {
    // The headline's line break ends a sentence: the mention across it is two names.
    let text = "Allies To Sanction Putin\nWASHINGTON — The plan was agreed.";
    let r = resolve(text, &[m(text, "Putin\nWASHINGTON", "PER")]);
    assert_eq!(ids(&r), vec!["person:putin"]);
    let putin = &r.entities[0];
    assert_eq!(
        &text[putin.mentions[0].start..putin.mentions[0].end],
        "Putin"
    );
    // A line break that only wraps the text is a space inside the name.
    let text = "On Friday the chancellor, Olaf\nScholz, met the press.";
    let r = resolve(text, &[m(text, "Olaf\nScholz", "PER")]);
    assert_eq!(ids(&r), vec!["person:olaf-scholz"]);
    assert_eq!(r.entities[0].name, "Olaf Scholz");
    assert!(r.entities[0].aliases.contains("Olaf Scholz"));
}

#[test]
fn lower_case_and_uncertain_mentions_make_no_node() {
    let text = "the pontiff and the Angelus";
    let mut angelus = m(text, "Angelus", "ORG");
    angelus.score = 0.3;
    let r = resolve(text, &[m(text, "pontiff", "MISC"), angelus]);
    assert!(r.entities.is_empty());
    assert_eq!(r.mention_entity, vec![None, None]);
}

#[test]
fn output_is_deterministic() {
    let text = "Joe Biden and the EU met NATO in Brussels. Biden said Moscow denied it.";
    let ms = vec![
        m(text, "Joe Biden", "PER"),
        m(text, "EU", "ORG"),
        m(text, "NATO", "ORG"),
        m(text, "Brussels", "LOC"),
        nth(text, "Biden", 1, "PER"),
        m(text, "Moscow", "LOC"),
    ];
    let first = resolve(text, &ms);
    for _ in 0..5 {
        assert_eq!(resolve(text, &ms), first);
    }
}

/// A document of `n` repeats of `sentence(k)`, whose pieces are literal text or, with
/// a label, a model mention.
fn repeated(
    n: usize,
    sentence: impl Fn(usize) -> Vec<(String, &'static str)>,
) -> (String, Vec<Mention>) {
    let mut text = String::new();
    let mut mentions = Vec::new();
    for k in 0..n {
        for (piece, label) in sentence(k) {
            if !label.is_empty() {
                mentions.push(Mention {
                    span: Span::new(text.len(), text.len() + piece.len()),
                    label: label.into(),
                    score: 0.9,
                });
            }
            text.push_str(&piece);
        }
    }
    (text, mentions)
}

/// `k` as capital letters: 0 "A", 25 "Z", 26 "BA".
fn letters(mut k: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (k % 26) as u8);
        k /= 26;
        if k == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

/// The resolve work (see `spans::count_work`) of documents of 250 and 1,000 repeats:
/// linear, four times the text gives about four times the work (quadratic: sixteen).
fn assert_linear(sentence: impl Fn(usize) -> Vec<(String, &'static str)>) -> Resolved {
    let work = |n| {
        let (text, ms) = repeated(n, &sentence);
        let before = spans::work_done();
        let r = resolve(&text, &ms);
        (spans::work_done() - before, r)
    };
    let ((small, _), (large, r)) = (work(250), work(1_000));
    assert!(large <= small * 5 + 1_000, "{small} -> {large}");
    r
}

fn lit(s: &str) -> (String, &'static str) {
    (s.to_string(), "")
}

#[test]
fn choosing_among_candidates_grows_linearly_with_the_names() {
    let r = assert_linear(|k| {
        let (a, b) = ((k * 7919) % 200, (k * 104_729) % 200);
        vec![
            (format!("Anna Surname{a}"), "PER"),
            lit(" met "),
            (format!("Boris Other{b}"), "PER"),
            lit(" in "),
            ("Paris".into(), "LOC"),
            lit(". "),
            (format!("Surname{a}"), "PER"),
            lit(" said "),
            (format!("Other{b}"), "PER"),
            lit(" had agreed.\n"),
        ]
    });
    assert!(r.entities.len() > 300, "{}", r.entities.len());
}

#[test]
fn introduced_acronyms_grow_linearly_with_the_document() {
    let r = assert_linear(|k| {
        let acronym = format!("B{}", letters(k));
        vec![
            lit("The "),
            (format!("Q{} Board", letters(k).to_lowercase()), "ORG"),
            lit(&format!(" ({acronym}) met. {acronym} said so.\n")),
        ]
    });
    assert!(aliases(&r, "organisation:qa-board").contains(&"BA".to_string()));
}

#[test]
fn generic_short_names_grow_linearly_with_the_document() {
    assert_linear(|k| {
        vec![
            lit("The "),
            ("Alliance".into(), "ORG"),
            lit(" met "),
            (format!("Anna Surname{k}"), "PER"),
            lit(".\n"),
        ]
    });
}

#[test]
fn state_organisations_grow_linearly_with_the_document() {
    let r = assert_linear(|_| vec![lit("The Russian foreign ministry said so.\n")]);
    assert_eq!(
        entity(&r, "organisation:russian-foreign-ministry")
            .mentions
            .len(),
        1_000
    );
}

fn resolve_dated(text: &str, mentions: &[Mention], dateline: Option<&str>) -> Resolved {
    let doc = crate::analysis::analyse(text, mentions, None).expect("mentions fit the text");
    Resolver::new(Gazetteer::builtin()).resolve_dated(text, &doc, mentions, dateline)
}

#[test]
fn generic_bodies_of_two_states_are_two_nodes() {
    let japan = "Japan's Finance Ministry said the yen was stable. \
                 The Finance Ministry later added it would act.";
    let r = resolve(japan, &[nth(japan, "Finance Ministry", 1, "ORG")]);
    assert_eq!(ids(&r), ["organisation:jp/finance-ministry"]);
    let ministry = entity(&r, "organisation:jp/finance-ministry");
    assert_eq!(ministry.name, "Finance Ministry (Japan)");
    assert_eq!(ministry.country.as_deref(), Some("JP"));
    assert_eq!(ministry.mentions.len(), 2);
    assert_eq!(r.mention_entity, [Some(0)]);
    let germany = "The West German Finance Ministry said the mark was stable.";
    let r = resolve(
        germany,
        &[m(germany, "West German Finance Ministry", "ORG")],
    );
    assert_eq!(ids(&r), ["organisation:de/finance-ministry"]);
    assert_eq!(r.generic_bodies_without_state, 0);
}

#[test]
fn ministry_of_finance_and_finance_ministry_of_one_state_are_one_node() {
    let text = "Japan's Ministry of Finance said so. The Finance Ministry confirmed it.";
    let r = resolve(text, &[m(text, "Finance Ministry", "ORG")]);
    assert_eq!(ids(&r), ["organisation:jp/finance-ministry"]);
    assert_eq!(
        aliases(&r, "organisation:jp/finance-ministry"),
        ["Finance Ministry", "Japan's Ministry of Finance"]
    );
    let text = "The Ministry of Finance of Brazil said so.";
    let r = resolve(text, &[m(text, "Ministry of Finance", "ORG")]);
    assert_eq!(ids(&r), ["organisation:br/finance-ministry"]);
}

#[test]
fn generic_bodies_without_a_state_are_left_out_and_counted() {
    let text = "The Finance Ministry said prices rose. The Central Bank agreed.";
    let mentions = [
        m(text, "Finance Ministry", "ORG"),
        m(text, "Central Bank", "ORG"),
    ];
    let r = resolve(text, &mentions);
    assert!(r.entities.is_empty(), "{:?}", ids(&r));
    assert_eq!(r.mention_entity, [None, None]);
    assert_eq!(r.generic_bodies_without_state, 2);
    // Two states as often as each other: neither is the document's.
    let text = "France and Germany met. The Central Bank agreed.";
    let r = resolve(
        text,
        &[
            m(text, "France", "LOC"),
            m(text, "Germany", "LOC"),
            m(text, "Central Bank", "ORG"),
        ],
    );
    assert_eq!(ids(&r), ["state:FR", "state:DE"]);
    assert_eq!(r.generic_bodies_without_state, 1);
}

#[test]
fn a_dateline_or_a_dominant_state_gives_a_body_its_state() {
    let text = "The Finance Ministry said prices rose.";
    let mentions = [m(text, "Finance Ministry", "ORG")];
    let r = resolve_dated(text, &mentions, Some("TOKYO, March 3"));
    assert_eq!(ids(&r), ["organisation:jp/finance-ministry"]);
    // A place that is no capital says nothing.
    let r = resolve_dated(text, &mentions, Some("OSAKA, March 3"));
    assert!(r.entities.is_empty());
    let text = "France said so. France and Germany met. The Central Bank agreed.";
    let r = resolve(
        text,
        &[
            m(text, "France", "LOC"),
            nth(text, "France", 1, "LOC"),
            m(text, "Germany", "LOC"),
            m(text, "Central Bank", "ORG"),
        ],
    );
    assert_eq!(
        ids(&r),
        ["state:FR", "state:DE", "organisation:fr/central-bank"]
    );
}

#[test]
fn a_gazetteer_body_named_alone_takes_the_documents_state() {
    // "Congress" alone is the US Congress only where the document is American.
    let text = "Congress passed the bill.";
    let mentions = [m(text, "Congress", "ORG")];
    let r = resolve_dated(text, &mentions, Some("WASHINGTON, March 3"));
    assert_eq!(ids(&r), ["organisation:congress"]);
    assert_eq!(
        entity(&r, "organisation:congress").country.as_deref(),
        Some("US")
    );
    let r = resolve_dated(text, &mentions, Some("BRASILIA, March 3"));
    assert_eq!(ids(&r), ["organisation:br/congress"]);
    // Without a state, the gazetteer's reading stands; a story naming the US keeps it
    // whatever its dateline.
    let r = resolve(text, &mentions);
    assert_eq!(ids(&r), ["organisation:congress"]);
    let text = "China asked the U.S. to act. China said Congress must change the law.";
    let mentions = [
        m(text, "China", "LOC"),
        m(text, "U.S.", "LOC"),
        nth(text, "China", 1, "LOC"),
        m(text, "Congress", "ORG"),
    ];
    let r = resolve_dated(text, &mentions, Some("PEKING, March 3"));
    assert_eq!(ids(&r), ["state:CN", "state:US", "organisation:congress"]);
    // Its own words still decide: "U.S. Congress" in a Brazilian story.
    let text = "The U.S. Congress passed the bill. The Brazilian Congress rejected it.";
    let r = resolve_dated(
        text,
        &[
            m(text, "U.S. Congress", "ORG"),
            m(text, "Brazilian", "MISC"),
        ],
        Some("BRASILIA, March 3"),
    );
    assert_eq!(
        ids(&r),
        ["organisation:congress", "organisation:br/congress"]
    );
}

#[test]
fn a_bare_house_is_the_legislature_not_the_white_house() {
    let text = "The White House said so. The House passed the bill.";
    let r = resolve_dated(
        text,
        &[m(text, "White House", "ORG"), nth(text, "House", 1, "ORG")],
        Some("WASHINGTON, March 3"),
    );
    assert_eq!(
        ids(&r),
        ["organisation:white-house", "organisation:us-house"]
    );
    assert_eq!(r.mention_entity, [Some(0), Some(1)]);
}

#[test]
fn an_agency_sign_off_names_nobody() {
    let text = "Prices rose, the ministry said.\n Reuter\n";
    let r = resolve(text, &[m(text, "Reuter", "PER")]);
    assert!(r.entities.is_empty(), "{:?}", ids(&r));
    // The agency named in a sentence is still the agency.
    let text = "Reuters reported that prices rose.\n Reuter\n";
    let r = resolve(
        text,
        &[m(text, "Reuters", "ORG"), nth(text, "Reuter", 1, "PER")],
    );
    assert_eq!(ids(&r), ["organisation:reuters"]);
    assert_eq!(r.mention_entity, [Some(0), None]);
}

#[test]
fn company_ids_leave_out_legal_forms_and_modifiers() {
    let text = "General Motors Corp said sales fell.";
    let r = resolve(text, &[m(text, "General Motors Corp", "ORG")]);
    assert_eq!(ids(&r), ["organisation:general-motors"]);
    assert_eq!(r.entities[0].name, "General Motors Corp");
    let text = "GENERAL MOTORS SALES FALL\n\nGeneral Motors said sales fell.";
    let r = resolve(text, &[m(text, "GENERAL MOTORS", "ORG")]);
    assert_eq!(ids(&r), ["organisation:general-motors"]);
    // "and Co" is part of the name.
    let text = "Bear Stearns and Co said so.";
    let r = resolve(text, &[m(text, "Bear Stearns and Co", "ORG")]);
    assert_eq!(ids(&r), ["organisation:bear-stearns-and-co"]);
    let text = "The Paris-based Club Med said so.";
    let r = resolve(text, &[m(text, "Paris-based Club Med", "ORG")]);
    assert_eq!(ids(&r), ["organisation:club-med"]);
    assert_eq!(r.entities[0].name, "Club Med");
}

#[test]
fn headline_runs_tickers_and_titles_name_no_organisation() {
    // A run of capitals on the title line that the body never writes.
    let text = "CGCT SALE DELAYED\n\nThe sale of CGCT was delayed, CGCT said.";
    let r = resolve(
        text,
        &[m(text, "CGCT SALE", "ORG"), nth(text, "CGCT", 1, "ORG")],
    );
    assert_eq!(ids(&r), ["organisation:cgct"]);
    assert_eq!(r.mention_entity, [None, Some(0)]);
    // A ticker names the organisation it follows in brackets, and nothing alone.
    let text = "KLM Royal Dutch Airlines <KLM.AS> said so. KLM.AS rose.";
    let r = resolve(
        text,
        &[
            m(text, "KLM Royal Dutch Airlines", "ORG"),
            m(text, "KLM.AS", "ORG"),
            nth(text, "KLM.AS", 1, "ORG"),
        ],
    );
    assert_eq!(ids(&r), ["organisation:klm-royal-dutch-airlines"]);
    assert_eq!(r.mention_entity, [Some(0), Some(0), None]);
    // In Reuters' angle brackets a bare code is a ticker, even one that is a state's code.
    let text = "ROCKWELL <ROK> GETS CONTRACT\n\nRockwell said so. Trade with ROK grew.";
    let r = resolve(
        text,
        &[
            m(text, "ROCKWELL", "ORG"),
            m(text, "ROK", "ORG"),
            m(text, "Rockwell", "ORG"),
            nth(text, "ROK", 1, "LOC"),
        ],
    );
    assert_eq!(r.mention_entity[1], r.mention_entity[0]);
    let rok = r.mention_entity[3].map(|e| r.entities[e].id.as_str());
    assert_eq!(rok, Some("state:KR"));
    // A body named only inside a person's title, or cut off by one.
    let text = "Chancellor of the Exchequer Nigel Lawson and U.S. Trade Representative \
                Clayton Yeutter met.";
    let r = resolve(
        text,
        &[
            m(text, "Exchequer", "ORG"),
            m(text, "Nigel Lawson", "PER"),
            m(text, "U.S. Trade", "ORG"),
            m(text, "Clayton Yeutter", "PER"),
        ],
    );
    assert_eq!(
        ids(&r),
        ["person:nigel-lawson", "state:US", "person:clayton-yeutter"]
    );
}

#[test]
fn organisation_words_beat_a_person_reading() {
    let text = "Wako Research Institute said the yen would rise.";
    let r = resolve(text, &[m(text, "Wako Research Institute", "PER")]);
    assert_eq!(ids(&r), ["organisation:wako-research-institute"]);
    let text = "Gould Inc said it would sell the unit.";
    let r = resolve(text, &[m(text, "Gould Inc", "PER")]);
    assert_eq!(ids(&r), ["organisation:gould"]);
}

#[test]
fn a_bare_body_joins_the_gazetteer_organisation_the_document_names() {
    let text = "The Russian Foreign Ministry said so. The Foreign Ministry added more.";
    let r = resolve(text, &[nth(text, "Foreign Ministry", 1, "ORG")]);
    assert_eq!(ids(&r), ["organisation:russian-foreign-ministry"]);
    assert_eq!(r.mention_entity, [Some(0)]);
    let r = resolve_dated(
        "The Foreign Ministry said so.",
        &[m(
            "The Foreign Ministry said so.",
            "Foreign Ministry",
            "ORG",
        )],
        Some("MOSCOW, March 3"),
    );
    assert_eq!(ids(&r), ["organisation:russian-foreign-ministry"]);
    let text = "The Treasury said so.";
    let r = resolve_dated(
        text,
        &[m(text, "Treasury", "ORG")],
        Some("WASHINGTON, March 3"),
    );
    assert_eq!(ids(&r), ["organisation:us-treasury"]);
}

/// Entities leave resolve as token ranges beside their spans, the same mentions in the
/// same order: relations read the tokens without mapping bytes back.
#[test]
fn entity_mentions_are_token_ranges_of_the_analysed_document() {
    let text = "The Paris-based Club Med said Japan's Finance Ministry met Russian President \
                Vladimir Putin. Putin left.";
    let mentions = [
        m(text, "Paris-based Club Med", "ORG"),
        m(text, "Japan", "LOC"),
        m(text, "Russian President Vladimir Putin", "PER"),
        nth(text, "Putin", 1, "PER"),
    ];
    let doc = crate::analysis::analyse(text, &mentions, None).unwrap();
    let r = Resolver::new(Gazetteer::builtin()).resolve(text, &doc, &mentions);
    assert!(r.entities.len() >= 3, "{:?}", ids(&r));
    for e in &r.entities {
        assert_eq!(e.tokens.len(), e.mentions.len(), "{}", e.id);
        for (tokens, span) in e.tokens.iter().zip(&e.mentions) {
            assert_eq!(doc.span_of(tokens.clone()), *span, "{}", e.id);
        }
    }
    let putin = entity(&r, "person:vladimir-putin");
    let words: Vec<&str> = putin.tokens[0]
        .clone()
        .map(|t| doc.tokens[t].text.as_str())
        .collect();
    assert_eq!(words, ["Vladimir", "Putin"]);
}

#[test]
fn firm_names_split_by_the_model_are_one_organisation() {
    let text = "\"We're still in a bull market,\" said William Raftery of Smith Barney, \
                Harris Upham and Co, and Tom Murtha, analyst at James Capel and Co.";
    let r = resolve(
        text,
        &[
            m(text, "William Raftery", "PER"),
            m(text, "Smith Barney", "PER"),
            m(text, "Harris Upham", "PER"),
            nth(text, "and Co", 0, "ORG"),
            m(text, "Tom Murtha", "PER"),
            m(text, "James", "ORG"),
            m(text, "Capel", "PER"),
            nth(text, "and Co", 1, "ORG"),
        ],
    );
    assert_eq!(
        ids(&r),
        [
            "person:william-raftery",
            "organisation:smith-barney-harris-upham-and-co",
            "person:tom-murtha",
            "organisation:james-capel-and-co"
        ]
    );
    assert_eq!(
        entity(&r, "organisation:smith-barney-harris-upham-and-co").name,
        "Smith Barney, Harris Upham and Co"
    );
    let text = "American Telephone and Telegraph Co and Robert W. Baird Co agreed, said \
                Philip Caldwell of Shearson Lehman Brothers and Kleinwort and Benson Ltd.";
    let r = resolve(
        text,
        &[
            m(text, "American Telephone", "ORG"),
            m(text, "Telegraph Co", "ORG"),
            m(text, "Robert W", "PER"),
            m(text, "Baird Co", "ORG"),
            m(text, "Philip Caldwell", "PER"),
            m(text, "Shearson", "PER"),
            m(text, "Lehman Brothers", "ORG"),
            m(text, "Kleinwort", "PER"),
            m(text, "Benson Ltd", "ORG"),
        ],
    );
    assert_eq!(
        ids(&r),
        [
            "organisation:american-telephone-and-telegraph",
            "organisation:robert-w-baird",
            "person:philip-caldwell",
            "organisation:shearson-lehman-brothers",
            "organisation:kleinwort-and-benson"
        ]
    );
}

#[test]
fn a_person_reading_of_a_firm_name_is_the_firm_elsewhere_too() {
    let text = "\"Not yet,\" said Jardine Fleming (Securities) Ltd analyst Nick Edwards. \
                Jardine Fleming expects more.";
    let r = resolve(
        text,
        &[
            m(text, "Jardine Fleming", "PER"),
            m(text, "Securities) Ltd", "ORG"),
            m(text, "Nick Edwards", "PER"),
            nth(text, "Jardine Fleming", 1, "PER"),
        ],
    );
    assert_eq!(
        ids(&r),
        [
            "organisation:jardine-fleming-securities",
            "person:nick-edwards"
        ]
    );
    assert_eq!(
        aliases(&r, "organisation:jardine-fleming-securities"),
        ["Jardine Fleming", "Jardine Fleming (Securities) Ltd"]
    );
}

#[test]
fn lists_of_firms_and_people_beside_a_firm_stay_apart() {
    let text = "Tokai Bank, Fuji Bank and Mitsubishi Bank lent, as did the IMF and World \
                Bank, said Jean-Pascal Delamuraz and National Bank officials. John Smith \
                and Co-chairman Peter Brown left.";
    let r = resolve(
        text,
        &[
            m(text, "Tokai Bank", "ORG"),
            m(text, "Fuji Bank", "ORG"),
            m(text, "Mitsubishi Bank", "ORG"),
            m(text, "IMF", "ORG"),
            m(text, "World Bank", "ORG"),
            m(text, "Jean-Pascal Delamuraz", "PER"),
            m(text, "National Bank", "ORG"),
            m(text, "John Smith", "PER"),
            m(text, "Peter Brown", "PER"),
        ],
    );
    assert_eq!(
        ids(&r),
        [
            "organisation:tokai-bank",
            "organisation:fuji-bank",
            "organisation:mitsubishi-bank",
            "organisation:imf",
            "organisation:world-bank",
            "person:jean-pascal-delamuraz",
            "organisation:national-bank",
            "person:john-smith",
            "person:peter-brown"
        ]
    );
}

#[test]
fn common_nouns_after_an_organisation_name_are_cut_off() {
    let text = "Jones said on BBC radio that the Paris Club of creditor nations and a World \
                Bank-funded plan suit the ICCO council.";
    let r = resolve(
        text,
        &[
            m(text, "BBC radio", "ORG"),
            m(text, "Paris Club of creditor", "ORG"),
            m(text, "World Bank-funded", "ORG"),
            m(text, "ICCO council", "ORG"),
        ],
    );
    assert_eq!(
        ids(&r),
        [
            "organisation:bbc",
            "organisation:paris-club",
            "organisation:world-bank",
            "organisation:icco-council"
        ]
    );
    assert_eq!(entity(&r, "organisation:paris-club").name, "Paris Club");
}

#[test]
fn a_portfolio_inside_a_title_names_no_organisation() {
    let text = "Tsang will meet Minister of Finance Mar'ie Muhammad and U.S. Agriculture \
                Secretary Richard Lyng, said the vice minister of Ministry of International \
                Trade and Industry.";
    let r = resolve(
        text,
        &[
            m(text, "Finance", "ORG"),
            m(text, "Mar'ie Muhammad", "PER"),
            m(text, "U.S. Agriculture", "ORG"),
            m(text, "Richard Lyng", "PER"),
            m(text, "Ministry of International Trade and Industry", "ORG"),
        ],
    );
    assert_eq!(
        ids(&r),
        [
            "person:marie-muhammad",
            "state:US",
            "person:richard-lyng",
            "organisation:ministry-of-international-trade-and-industry"
        ]
    );
}

#[test]
fn the_gatt_split_by_the_model_is_found_whole() {
    let text = "Japan would appeal to the General Agreement on Tariffs and Trade (GATT).";
    let r = resolve(
        text,
        &[
            m(text, "General Agreement on", "MISC"),
            m(text, "Tariffs and Trade", "MISC"),
        ],
    );
    assert!(ids(&r).contains(&"organisation:gatt"), "{:?}", ids(&r));
}

#[test]
fn demonyms_link_to_a_state_the_document_names() {
    // "Japanese" names Japan, a node of the document; "South African" names a state the
    // document never names, and "Russian" inside an organisation's name is that name's.
    let text = "Japan protested. The U.S. raised tariffs on Japanese and South African goods.\n\
                The Russian foreign ministry said so.";
    let r = resolve(
        text,
        &[
            m(text, "Japan", "LOC"),
            m(text, "U.S.", "LOC"),
            m(text, "Japanese", "MISC"),
            m(text, "South African", "MISC"),
            m(text, "Russian", "MISC"),
        ],
    );
    let doc = crate::analysis::analyse(text, &[], None).unwrap();
    let linked: Vec<(&str, &str)> = r
        .demonyms
        .iter()
        .map(|(tokens, e)| {
            let first = &doc.tokens[tokens.start];
            (
                &text[first.span.start..first.span.end],
                r.entities[*e].id.as_str(),
            )
        })
        .collect();
    assert_eq!(linked, [("Japanese", "state:JP")]);
}
