//! The README's code for reading the outputs back ("Reading the outputs back") runs as
//! written, on a real `extract --format all` output, with NetworkX 3.6 and with NetworkX
//! 2.8 (Debian 12's; without the GEXF block, since 2.8 cannot read GEXF 1.3, as the
//! README says), and gives every reader the graph of graph.json with lists as lists.
//! Tools come from `bash scripts/test-tools.sh`; without them the test skips with a
//! printed reason, or fails when NEWSGRAPH_REQUIRE_TOOLS=1.

mod common;

use std::process::Command;

use common::{repo, run_ok};

/// The ```python blocks of the README section `heading`, in order.
fn python_blocks(readme: &str, heading: &str) -> Vec<String> {
    let start = readme
        .find(heading)
        .unwrap_or_else(|| panic!("README has no {heading:?}"));
    let rest = &readme[start + heading.len()..];
    let end = ["\n## ", "\n### "]
        .iter()
        .filter_map(|h| rest.find(h))
        .min()
        .unwrap_or(rest.len());
    let section = &rest[..end];
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in section.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```python") => current = Some(String::new()),
            (Some(b), "```") => {
                blocks.push(std::mem::take(b));
                current = None;
            }
            (Some(b), l) => {
                b.push_str(l);
                b.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// Checks appended after the README's code: every reader has graph.json's nodes and
/// edges, and its lists back as lists.
const CHECKS: &str = r#"
import json as _json
with open("out/graph.json") as _f:
    _data = _json.load(_f)
_n, _e = len(_data["nodes"]), len(_data["links"])
_aliases = {n["id"]: n["aliases"] for n in _data["nodes"]}
assert _n > 3 and _e > 0, (_n, _e)
_readers = [("graph.json", G_json), ("GraphML", G_graphml), ("Cytoscape", G_cyjs)]
if "G_gexf" in globals():
    _readers.append(("GEXF", G_gexf))
for _name, _g in _readers:
    assert (_g.number_of_nodes(), _g.number_of_edges()) == (_n, _e), (_name, _g)
    for _id, _d in _g.nodes(data=True):
        assert _d["aliases"] == _aliases[_id], (_name, _id, _d["aliases"])
        assert isinstance(_d["docs"], list), (_name, _d)
    for _s, _t, _d in _g.edges(data=True):
        assert isinstance(_d.get("docs", []), list) and isinstance(_d.get("rules", []), list), (_name, _d)
assert (g_igraph.vcount(), g_igraph.ecount()) == (_n, _e)
assert {v["id"]: v["aliases"] for v in g_igraph.vs} == _aliases
assert len(neo4j_nodes) == _n and {r["id:ID"]: r["aliases:string[]"] for r in neo4j_nodes} == _aliases
import networkx
print("ok with networkx", networkx.__version__, "readers", len(_readers))
"#;

#[test]
fn the_readme_reading_code_runs_with_networkx_3_and_2() {
    let venv = repo().join(".pytools/venv/bin/python");
    let old_nx = repo().join(".pytools/networkx-2.8");
    if !venv.exists() || !old_nx.exists() {
        let why = format!("{} or {} is missing", venv.display(), old_nx.display());
        if std::env::var("NEWSGRAPH_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("{why}: run bash scripts/test-tools.sh");
        }
        eprintln!("skipped: {why} (run bash scripts/test-tools.sh)");
        return;
    }
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let blocks = python_blocks(&readme, "### Reading the outputs back");
    assert!(blocks.len() >= 5, "{} blocks", blocks.len());
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_ok(
        &[
            "extract",
            repo().join("tests/fixtures/relations").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--format",
            "all",
        ],
        None,
    );
    for (version, pythonpath, readers) in [("3.6", None, 4), ("2.8", Some(&old_nx), 3)] {
        let code: Vec<&str> = blocks
            .iter()
            .filter(|b| version != "2.8" || !b.contains("read_gexf"))
            .map(String::as_str)
            .collect();
        let script = tmp.path().join(format!("readme-{version}.py"));
        std::fs::write(&script, format!("{}\n{CHECKS}", code.join("\n"))).unwrap();
        let mut cmd = Command::new(&venv);
        cmd.arg(&script).current_dir(tmp.path());
        if let Some(p) = pythonpath {
            cmd.env("PYTHONPATH", p);
        }
        let result = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&result.stdout);
        assert!(
            result.status.success(),
            "the README code fails with NetworkX {version}:\n{}",
            String::from_utf8_lossy(&result.stderr)
        );
        assert!(
            stdout.contains(&format!("ok with networkx {version}"))
                && stdout.contains(&format!("readers {readers}")),
            "{stdout}"
        );
    }
}
