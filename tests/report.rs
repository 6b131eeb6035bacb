//! The HTML report in headless Chromium: the page loads offline, its script runs to the
//! end without a console message, every node is drawn, hostile text stays text, and the
//! screenshot is not blank. Skips with a reason when Chromium is missing, unless
//! NEWSGRAPH_REQUIRE_TOOLS=1 (then `bash scripts/report-tools.sh` installs it).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use newsgraph::graph::{Edge, Evidence, Graph, Node, ParsedToken, SentenceParse};
use newsgraph::pipeline::MentionRecord;
use newsgraph::report::{self, Report, ReportDocument};

const HOSTILE: &str = "</script><script>alert(1)</script> <b>bold</b> \"&<>'\n\
    Vladimir Putin met Xi Jinping in Moscow.\n\
    The European Union imposed sanctions on Russia. Zürich, 東京 🙂.";

/// The Chromium executable, or None (skip) with a printed reason.
fn chromium() -> Option<PathBuf> {
    let names = ["chromium", "chromium-browser"];
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let why = "headless Chromium is missing: run bash scripts/report-tools.sh";
        if std::env::var("NEWSGRAPH_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("{why}");
        }
        eprintln!("skipped: {why}");
    }
    found
}

/// What Chromium made of a page: the DOM after the script ran, and the console lines.
struct Loaded {
    dom: String,
    console: Vec<String>,
}

/// Runs Chromium headless on `url` with `mode` (`--dump-dom`, `--screenshot=...`), with
/// its own profile directory and a time limit.
fn run_chromium(exe: &Path, url: &str, mode: &str, profile: &Path) -> (String, String) {
    let mut child = Command::new(exe)
        .args([
            "--headless=new",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1400,1000",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(mode)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let started = Instant::now();
    loop {
        if child.try_wait().expect("chromium runs").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium {mode} {url} ran past 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (out.join().unwrap(), err.join().unwrap())
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

fn load(exe: &Path, page: &Path, fragment: &str) -> Loaded {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("{}{fragment}", file_url(page));
    let (dom, stderr) = run_chromium(exe, &url, "--dump-dom", profile.path());
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Loaded { dom, console }
}

fn screenshot(exe: &Path, page: &Path, png: &Path) {
    let profile = tempfile::tempdir().unwrap();
    run_chromium(
        exe,
        &file_url(page),
        &format!("--screenshot={}", png.display()),
        profile.path(),
    );
}

/// The page ran its script to the end, without an error and without any console line.
fn assert_ran_clean(loaded: &Loaded) {
    assert!(
        loaded.console.is_empty(),
        "console messages:\n{}",
        loaded.console.join("\n")
    );
    assert!(
        loaded
            .dom
            .contains("id=\"report-status\" data-state=\"ready\""),
        "the script did not finish: {}",
        status_of(&loaded.dom)
    );
    assert!(!loaded.dom.contains("data-state=\"error\""));
}

fn status_of(dom: &str) -> &str {
    dom.find("id=\"report-status\"")
        .map(|at| &dom[at..(at + 600).min(dom.len())])
        .unwrap_or("no status element")
}

fn count(dom: &str, needle: &str) -> usize {
    dom.matches(needle).count()
}

fn node(id: &str, kind: &str, label: &str, aliases: &[&str], mentions: usize) -> Node {
    Node {
        id: id.into(),
        label: label.into(),
        kind: kind.parse().unwrap(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        mentions,
        docs: BTreeSet::from(["hostile".to_string()]),
        country: None,
        value: None,
        unit: None,
        qualifier: None,
        about: None,
        names: BTreeMap::new(),
        documents: 1,
    }
}

/// Character offsets of `needle` in HOSTILE.
fn span(needle: &str) -> (usize, usize) {
    let b = HOSTILE.find(needle).unwrap();
    let start = HOSTILE[..b].chars().count();
    (start, start + needle.chars().count())
}

fn evidence(needle: &str, sentence: &str, rule: &str) -> Evidence {
    let (start, end) = span(needle);
    Evidence {
        doc: "hostile".into(),
        start,
        end,
        sentence: sentence.into(),
        rule: rule.into(),
        date: Some("2022-02-25".into()),
        path: None,
        parse: None,
    }
}

/// A small graph over HOSTILE: people, states, an organisation, a claim, three relations.
fn small_graph() -> (Graph, Vec<ReportDocument>) {
    let mut g = Graph {
        documents: 1,
        ..Graph::default()
    };
    g.add_node(node(
        "person:vladimir-putin",
        "person",
        "Vladimir Putin",
        &["Vladimir Putin", "Putin </script>"],
        1,
    ));
    g.add_node(node(
        "person:xi-jinping",
        "person",
        "Xi Jinping",
        &["Xi Jinping"],
        1,
    ));
    g.add_node(node("state:RU", "state", "Russia", &["Russia"], 1));
    g.add_node(node(
        "organisation:european-union",
        "organisation",
        "European Union",
        &["European Union"],
        1,
    ));
    g.add_node(node("state:unmentioned", "state", "<b>Nowhere</b>", &[], 0));
    g.add_node(Node::claim(
        "claim:hostile:3".into(),
        "at least 3".into(),
        "hostile",
        3.0,
        None,
        Some("at least".into()),
        Some("people <script>".into()),
    ));
    let meets = "Vladimir Putin met Xi Jinping in Moscow.";
    let sanctions = "The European Union imposed sanctions on Russia.";
    for (s, t, rel, modality, ev) in [
        (
            "person:vladimir-putin",
            "person:xi-jinping",
            "meets",
            "asserted",
            evidence("Vladimir Putin met Xi Jinping", meets, "meets.verb"),
        ),
        (
            "organisation:european-union",
            "state:RU",
            "sanctions",
            "planned",
            evidence(
                "European Union imposed sanctions on Russia",
                sanctions,
                "sanctions.impose",
            ),
        ),
        (
            "state:RU",
            "claim:hostile:3",
            "claims",
            "asserted",
            evidence(
                "<b>bold</b>",
                "</script><script>alert(1)</script> <b>bold</b> \"&<>'",
                "claims.x",
            ),
        ),
    ] {
        g.add_edge(Edge {
            source: s.into(),
            target: t.into(),
            relation: rel.into(),
            modality: modality.parse().unwrap(),
            evidence_count: 1,
            evidence: vec![ev],
        });
    }
    let mention = |needle: &str, label: &str, entity: Option<&str>| {
        let (start, end) = span(needle);
        MentionRecord {
            start,
            end,
            text: needle.into(),
            label: label.into(),
            score: 0.99,
            entity: entity.map(str::to_string),
        }
    };
    let docs = vec![ReportDocument {
        id: "hostile".into(),
        text: HOSTILE.into(),
        date: Some("2022-02-25".into()),
        mentions: vec![
            mention("Vladimir Putin", "PER", Some("person:vladimir-putin")),
            mention("Xi Jinping", "PER", Some("person:xi-jinping")),
            mention("Moscow", "LOC", None),
            mention("European Union", "ORG", Some("organisation:european-union")),
            mention("Russia", "LOC", Some("state:RU")),
            mention("Zürich", "LOC", None),
        ],
    }];
    (g, docs)
}

#[test]
fn report_draws_every_node_without_console_errors_in_headless_chromium() {
    let Some(exe) = chromium() else { return };
    let (graph, docs) = small_graph();
    let meta = BTreeMap::from([("model".to_string(), json!("test </script>"))]);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    report::write(
        &Report {
            graph: &graph,
            meta: &meta,
            kinds: &newsgraph::graph::RelationKinds::builtin(),
            documents: &docs,
            documents_left_out: 2,
        },
        &page,
    )
    .unwrap();

    let loaded = load(&exe, &page, "");
    assert_ran_clean(&loaded);
    let dom = &loaded.dom;
    assert_eq!(
        count(dom, "<circle class=\"node "),
        graph.nodes.len(),
        "{dom}"
    );
    assert_eq!(count(dom, "<path class=\"edge "), graph.edges.len());
    assert!(dom.contains(&format!("data-nodes=\"{}\"", graph.nodes.len())));
    // Filters for every node type and relation.
    for value in [
        "person",
        "state",
        "organisation",
        "claim",
        "meets",
        "sanctions",
        "claims",
    ] {
        assert!(
            dom.contains(&format!("</span>{value} <span class=\"count\">")),
            "no filter for {value}"
        );
    }
    // Hostile text is text: no injected element, the characters shown literally.
    assert!(!dom.contains("<script>alert(1)"));
    assert!(!dom.contains("<b>bold</b>"));
    assert!(!dom.contains("<b>Nowhere"));
    assert!(dom
        .contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;"));
    assert!(dom.contains("no graph node\">Zürich</mark>, 東京 🙂."));
    // Mentions highlighted and linked to their nodes; the evidence span marked.
    assert_eq!(
        count(dom, "<mark class=\"m t-other t-person\" data-node="),
        2
    );
    assert_eq!(count(dom, "<mark class=\"m unlinked"), 2);
    assert!(dom.contains("<mark class=\"hit\">Vladimir Putin met Xi Jinping</mark> in Moscow."));
    assert!(dom.contains("2 more not shown"));

    // A fragment selects a node: the side panel shows its aliases, documents and edges.
    let selected = load(&exe, &page, "#node=person:vladimir-putin");
    assert_ran_clean(&selected);
    let panel = &selected.dom[selected.dom.find("<aside id=\"panel\"").unwrap()..];
    let panel = &panel[..panel.find("</aside>").unwrap()];
    assert!(panel.contains("Putin &lt;/script&gt;"), "{panel}");
    assert!(panel.contains("<a href=\"#doc-1\">hostile</a>"), "{panel}");
    assert!(panel.contains("Xi Jinping"), "{panel}");
    assert!(panel.contains("meets.verb"), "{panel}");
    // meets is undirected: the panel shows a dash between the two, no arrow.
    assert!(
        panel.contains("<span class=\"rel\">meets</span> \u{2014} "),
        "{panel}"
    );
    assert!(!panel.contains("meets</span> \u{2192}"), "{panel}");
    assert!(selected
        .dom
        .contains("class=\"node t-other t-person near selected\""));

    let png = dir.path().join("report.png");
    screenshot(&exe, &page, &png);
    let bytes = std::fs::read(&png).expect("a screenshot was written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    // A blank page of this size compresses to under 10 KB.
    assert!(
        bytes.len() > 20_000,
        "screenshot of {} bytes: blank?",
        bytes.len()
    );
}

#[test]
fn graph_only_report_lists_the_evidence_in_headless_chromium() {
    let Some(exe) = chromium() else { return };
    let (graph, _) = small_graph();
    let meta = BTreeMap::new();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    report::write(
        &Report {
            graph: &graph,
            meta: &meta,
            kinds: &newsgraph::graph::RelationKinds::builtin(),
            documents: &[],
            documents_left_out: 0,
        },
        &page,
    )
    .unwrap();
    let loaded = load(&exe, &page, "");
    assert_ran_clean(&loaded);
    let dom = &loaded.dom;
    assert_eq!(count(dom, "<circle class=\"node "), graph.nodes.len());
    assert!(dom.contains("no document texts"));
    assert!(!dom.contains("<section id=\"documents\""));
    assert_eq!(count(dom, "<li class=\"edge-ev "), 3);
    assert!(
        dom.contains("<blockquote>The European Union imposed sanctions on Russia.</blockquote>")
    );
}

/// The report of the real pipeline's output: mentions name nodes that are in the data,
/// and Chromium draws them all.
#[test]
fn report_of_the_pipeline_on_a_fixture_draws_its_nodes() {
    let Some(exe) = chromium() else { return };
    let Some(pipeline) = common::model_pipeline() else {
        return;
    };
    let path = common::repo().join("tests/fixtures/relations/sanctions-in.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = newsgraph::input::Document::new("sanctions-in", text.clone());
    let (results, _) = pipeline.process(std::slice::from_ref(&doc)).unwrap();
    let mut graph = Graph::default();
    newsgraph::pipeline::add_to_graph(&mut graph, &results);
    assert!(!graph.edges.is_empty(), "the fixture gives edges");
    let docs = vec![ReportDocument {
        id: doc.id.clone(),
        text,
        date: None,
        mentions: results[0].mentions.clone(),
    }];
    let meta = pipeline.graph_meta();
    let r = Report {
        graph: &graph,
        meta: &meta,
        kinds: &newsgraph::graph::RelationKinds::builtin(),
        documents: &docs,
        documents_left_out: 0,
    };
    let html = report::render(&r);
    assert_eq!(html, report::render(&r), "the same report renders the same");
    let data: Value = {
        let start = html.find("id=\"data\">").unwrap() + "id=\"data\">".len();
        let end = start + html[start..].find("</script>").unwrap();
        serde_json::from_str(&html[start..end]).unwrap()
    };
    let ids: BTreeSet<&str> = data["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    for m in &docs[0].mentions {
        if let Some(e) = &m.entity {
            assert!(ids.contains(e.as_str()), "mention of {e} has no node");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, &html).unwrap();
    let loaded = load(&exe, &page, "");
    assert_ran_clean(&loaded);
    assert_eq!(
        count(&loaded.dom, "<circle class=\"node "),
        graph.nodes.len()
    );
    assert_eq!(
        count(&loaded.dom, "<mark class=\"m t-other"),
        docs[0]
            .mentions
            .iter()
            .filter(|m| m.entity.is_some())
            .count()
    );
}

/// A sentence long enough that its drawing is wider than the window, with hostile text.
const PARSED: &str =
    "Vladimir Putin met \"Emmanuel\" Macron & <b>Olaf</b> Scholz in Zürich, 東京 🙂, \
    after talks that lasted well into the night and covered grain exports, energy prices, \
    prisoner exchanges and the future of the ceasefire.";

/// The words of PARSED (split at spaces) with their (head, deprel): "met" is the root, the
/// tail after "talks" a chain. Arguments: Putin and Macron; trigger: met.
fn parsed_evidence() -> Evidence {
    let fixed: [(Option<usize>, &str); 14] = [
        (Some(1), "flat"),
        (Some(2), "nsubj"),
        (None, "root"),
        (Some(4), "flat"),
        (Some(2), "obj"),
        (Some(7), "cc<b>&\""),
        (Some(7), "flat"),
        (Some(4), "conj"),
        (Some(9), "case"),
        (Some(2), "obl"),
        (Some(9), "appos"),
        (Some(10), "dep"),
        (Some(13), "case"),
        (Some(2), "obl"),
    ];
    let mut tokens = Vec::new();
    let mut at = 0;
    for (i, word) in PARSED.split(' ').enumerate() {
        let n = word.chars().count();
        let (head, deprel) = fixed.get(i).copied().unwrap_or((Some(i - 1), "dep"));
        tokens.push(ParsedToken {
            start: at,
            end: at + n,
            upos: if i == 2 { "VERB" } else { "X" }.into(),
            head,
            deprel: deprel.into(),
        });
        at += n + 1;
    }
    let (start, end) = (0, "Vladimir Putin met \"Emmanuel\" Macron".chars().count());
    Evidence {
        doc: "parsed".into(),
        start,
        end,
        sentence: PARSED.into(),
        rule: "meets.syntax<b>".into(),
        date: None,
        path: Some("met >nsubj Putin; met >obj Macron & <b>".into()),
        parse: Some(SentenceParse {
            tokens,
            trigger: 2,
            arguments: vec![1, 4],
        }),
    }
}

/// Two people, met, with the parsed evidence; and PARSED as the one document.
fn parsed_graph() -> (Graph, Vec<ReportDocument>) {
    let mut g = Graph {
        documents: 1,
        ..Graph::default()
    };
    for (id, label) in [
        ("person:vladimir-putin", "Vladimir Putin"),
        ("person:emmanuel-macron", "Emmanuel Macron"),
    ] {
        let mut n = node(id, "person", label, &[label], 1);
        n.docs = BTreeSet::from(["parsed".to_string()]);
        g.add_node(n);
    }
    g.add_edge(Edge {
        source: "person:vladimir-putin".into(),
        target: "person:emmanuel-macron".into(),
        relation: "meets".into(),
        modality: "asserted".parse().unwrap(),
        evidence_count: 1,
        evidence: vec![parsed_evidence()],
    });
    let docs = vec![ReportDocument {
        id: "parsed".into(),
        text: PARSED.into(),
        date: None,
        mentions: Vec::new(),
    }];
    (g, docs)
}

/// The texts of the elements with `class="CLASS"` (as Chromium serialises them), in order.
fn texts_of_class(dom: &str, class: &str) -> Vec<String> {
    dom.split(&format!("class=\"{class}\""))
        .skip(1)
        .map(|rest| {
            let from = rest.find('>').unwrap() + 1;
            let to = from + rest[from..].find("</text>").unwrap();
            rest[from..to].to_string()
        })
        .collect()
}

/// The `<g class="tok ...">` element of token `i`, as serialised.
fn token_element(dom: &str, i: usize) -> &str {
    let at = dom
        .find(&format!("data-i=\"{i}\""))
        .unwrap_or_else(|| panic!("no token {i}"));
    let start = dom[..at].rfind("<g ").unwrap();
    &dom[start..start + dom[start..].find("</g>").unwrap()]
}

/// Measures the laid-out page after load and writes the results to `data-probe` on
/// `<body>`, where `--dump-dom` shows them: page width against the window, each parse
/// box's widths, words that overlap their neighbour, labels wider than their arc, and
/// the highlight colours.
const PROBE: &str = r#"<script>
window.addEventListener("load", function () {
  var boxes = [].map.call(document.querySelectorAll(".parse-scroll"), function (s) {
    return { scroll: s.scrollWidth, client: s.clientWidth, right: s.getBoundingClientRect().right };
  });
  var words = [].slice.call(document.querySelectorAll("svg.arcs .word")).map(function (w) { return w.getBBox(); });
  var overlapping = 0;
  for (var i = 1; i < words.length; i++) {
    if (words[i - 1].x + words[i - 1].width > words[i].x) overlapping++;
  }
  var wide = [].filter.call(document.querySelectorAll("svg.arcs .arc"), function (g) {
    return g.querySelector(".arc-label").getBBox().width > g.querySelector(".arc-line").getBBox().width;
  }).length;
  var fill = function (sel) { var r = document.querySelector(sel); return r ? getComputedStyle(r).fill : "none"; };
  document.body.setAttribute("data-probe", JSON.stringify({
    page: document.documentElement.scrollWidth, window: window.innerWidth, boxes: boxes,
    words: words.length, overlapping: overlapping, wide_labels: wide,
    trigger: fill("svg.arcs .tok.trigger rect"), arg: fill("svg.arcs .tok.arg rect"),
    plain: fill("svg.arcs .tok:not(.trigger):not(.arg) rect")
  }));
});
</script>
</body>"#;

fn probe_of(dom: &str) -> Value {
    let at = dom.find("data-probe=\"").expect("the probe ran") + "data-probe=\"".len();
    let raw = &dom[at..at + dom[at..].find('"').unwrap()];
    serde_json::from_str(&raw.replace("&quot;", "\"").replace("&amp;", "&")).unwrap()
}

#[test]
fn evidence_parse_draws_its_arcs_in_headless_chromium() {
    let Some(exe) = chromium() else { return };
    let (graph, docs) = parsed_graph();
    let parse = parsed_evidence().parse.unwrap();
    let html = report::render(&Report {
        graph: &graph,
        meta: &BTreeMap::new(),
        kinds: &newsgraph::graph::RelationKinds::builtin(),
        documents: &docs,
        documents_left_out: 0,
    });
    let at = html.rfind("</body>").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, format!("{}{PROBE}{}", &html[..at], &html[at + 7..])).unwrap();

    let loaded = load(&exe, &page, "");
    assert_ran_clean(&loaded);
    let dom = &loaded.dom;
    assert_eq!(count(dom, "<svg class=\"arcs\""), 1, "{dom}");
    // One arc per token with a head, labelled with its deprel, in token order.
    let expected: Vec<String> = parse
        .tokens
        .iter()
        .filter(|t| t.head.is_some())
        .map(|t| {
            t.deprel
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        })
        .collect();
    assert_eq!(expected.len(), parse.tokens.len() - 1);
    assert_eq!(count(dom, "<g class=\"arc\""), expected.len());
    assert_eq!(texts_of_class(dom, "arc-label"), expected);
    assert!(!dom.contains("<b>"), "hostile text became markup");
    // Every word drawn once, in order, the trigger and arguments highlighted.
    let words: Vec<String> = PARSED
        .split(' ')
        .map(|w| {
            w.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        })
        .collect();
    assert_eq!(texts_of_class(dom, "word"), words);
    assert!(token_element(dom, 2).starts_with("<g class=\"tok trigger\""));
    assert!(token_element(dom, 2).contains(">met</text>"));
    for (i, word) in [(1, "Putin"), (4, "Macron")] {
        let tok = token_element(dom, i);
        assert!(tok.starts_with("<g class=\"tok arg\""), "{tok}");
        assert!(tok.contains(&format!(">{word}</text>")), "{tok}");
    }
    assert_eq!(count(dom, "<g class=\"tok trigger"), 1);
    assert_eq!(count(dom, "<g class=\"tok arg"), 2);
    assert!(dom.contains(
        "<code class=\"path\">met &gt;nsubj Putin; met &gt;obj Macron &amp; &lt;b&gt;</code>"
    ));
    assert!(dom.contains("<span class=\"rule\">meets.syntax&lt;b&gt;</span>"));

    // Laid out: the drawing is wider than the window, so its box scrolls, and the page
    // is no wider than the window.
    let probe = probe_of(dom);
    let window = probe["window"].as_i64().unwrap();
    assert!(probe["page"].as_i64().unwrap() <= window, "{probe}");
    let boxes = probe["boxes"].as_array().unwrap();
    assert_eq!(boxes.len(), 1, "{probe}");
    assert!(
        boxes[0]["scroll"].as_i64() > boxes[0]["client"].as_i64(),
        "{probe}"
    );
    assert!(
        boxes[0]["right"].as_f64().unwrap() <= window as f64,
        "{probe}"
    );
    assert_eq!(probe["words"], words.len());
    assert_eq!(probe["overlapping"], 0, "words overlap: {probe}");
    assert_eq!(
        probe["wide_labels"], 0,
        "labels wider than their arcs: {probe}"
    );
    let (trigger, arg) = (&probe["trigger"], &probe["arg"]);
    assert_ne!(trigger, arg, "{probe}");
    for fill in [trigger, arg] {
        assert!(
            !matches!(fill.as_str(), Some("none" | "rgba(0, 0, 0, 0)")),
            "{probe}"
        );
    }
}

/// `newsgraph export --graph graph.json --format html` reads the parses back and draws them.
#[test]
fn report_of_a_graph_json_draws_its_parses() {
    let (graph, _) = parsed_graph();
    let parse = parsed_evidence().parse.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let graph_json = dir.path().join("graph.json");
    let value = graph.to_node_link(&BTreeMap::new());
    std::fs::write(&graph_json, serde_json::to_string(&value).unwrap()).unwrap();
    let out = dir.path().join("out");
    common::run_ok(
        &[
            "export",
            "--graph",
            graph_json.to_str().unwrap(),
            "--format",
            "html",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("no document texts"));
    assert_eq!(count(&html, "<svg class=\"arcs\""), 1);
    assert_eq!(count(&html, "<g class=\"arc\""), parse.tokens.len() - 1);
    assert_eq!(count(&html, "<g class=\"tok"), parse.tokens.len());
    assert!(html.contains("<g class=\"tok trigger\" data-i=\"2\">"));
    assert!(html.contains("met &gt;nsubj Putin; met &gt;obj Macron"));
}
