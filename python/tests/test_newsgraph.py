"""The Python package as a user has it: installed from the wheel into a fresh venv
(scripts/test-python.sh), against the command line's outputs on the same inputs.

Environment: NEWSGRAPH_BIN, the command line binary (default: the checkout's
target/release/newsgraph); the news fixture is ../shared/fixtures/news beside the checkout,
and the tests that need it skip with the reason when it is absent.
"""

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import threading
import time
from pathlib import Path

import pytest

import newsgraph

REPO = Path(__file__).resolve().parents[2]
NEWS = REPO.parent / "shared" / "fixtures" / "news"
NEWS_ID = "nbc-live-2022-02-25"
BIN = Path(os.environ.get("NEWSGRAPH_BIN", REPO / "target" / "release" / "newsgraph"))

needs_news = pytest.mark.skipif(
    not (NEWS / f"{NEWS_ID}.txt").is_file(),
    reason=f"the news fixture {NEWS} is absent (it comes with ../shared)",
)
needs_cli = pytest.mark.skipif(
    not BIN.is_file(), reason=f"no command line binary at {BIN} (bash scripts/setup.sh builds it)"
)

SHORT = "Joe Biden met Olaf Scholz in Berlin on Monday. The EU imposed sanctions on Russia."


@pytest.fixture(scope="session")
def pipeline():
    return newsgraph.Pipeline(threads=2)


@pytest.fixture(scope="session")
def cli_news(tmp_path_factory):
    """The command line's output folder for the news fixture."""
    if not (NEWS / f"{NEWS_ID}.txt").is_file():
        pytest.skip(f"the news fixture {NEWS} is absent (it comes with ../shared)")
    if not BIN.is_file():
        pytest.skip(f"no command line binary at {BIN}")
    out = tmp_path_factory.mktemp("cli") / "out"
    env = {k: v for k, v in os.environ.items() if k != "ORT_DYLIB_PATH"}
    done = subprocess.run(
        [str(BIN), "extract", str(NEWS), "-o", str(out), "--threads", "2", "--no-progress"],
        env=env, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_the_package_and_its_models_come_from_the_installed_wheel():
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    assert site in Path(newsgraph.__file__).resolve().parents
    assert site in newsgraph.models_dir().resolve().parents
    assert REPO / "python" not in Path(newsgraph.__file__).resolve().parents


@needs_news
@needs_cli
def test_files_give_the_command_lines_graph_byte_for_byte(pipeline, cli_news):
    g = pipeline.extract_files(NEWS)
    assert g.to_json().encode("utf-8") == (cli_news / "graph.json").read_bytes()
    cli_summary = json.loads((cli_news / "summary.json").read_text(encoding="utf-8"))
    assert g.summary == cli_summary
    cli_problems = [
        json.loads(line)
        for line in (cli_news / "problems.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert g.problems == cli_problems


@needs_news
@needs_cli
def test_a_text_gives_the_command_lines_graph(pipeline, cli_news):
    text = (NEWS / f"{NEWS_ID}.txt").read_text(encoding="utf-8")
    g = pipeline.extract([{"id": NEWS_ID, "text": text}])
    cli = json.loads((cli_news / "graph.json").read_text(encoding="utf-8"))
    assert g.data == cli
    assert g.to_json().encode("utf-8") == (cli_news / "graph.json").read_bytes()


@needs_news
@needs_cli
def test_to_networkx_is_the_readme_loaders_graph(pipeline, cli_news):
    import networkx as nx

    G = pipeline.extract_files([NEWS]).to_networkx()
    # The README's loader ("Reading the outputs back"), on the command line's graph.json.
    with open(cli_news / "graph.json", encoding="utf-8") as f:
        data = json.load(f)
    try:
        G_json = nx.node_link_graph(data, edges="links")
    except TypeError:
        G_json = nx.node_link_graph(data)
    assert isinstance(G, nx.MultiDiGraph)
    assert G.number_of_nodes() == G_json.number_of_nodes() == len(data["nodes"]) > 10
    assert G.number_of_edges() == G_json.number_of_edges() == len(data["links"]) > 0
    assert dict(G.nodes(data=True)) == dict(G_json.nodes(data=True))
    assert sorted(G.edges(keys=True, data=True), key=repr) == sorted(
        G_json.edges(keys=True, data=True), key=repr
    )
    assert G.graph == G_json.graph


def test_a_broken_document_is_reported_and_the_batch_goes_on(pipeline):
    g = pipeline.extract(
        [
            SHORT,
            "Broken \ud800 text",  # an unpaired surrogate: no UTF-8 for it
            "  \n",  # blank: skipped
            {"id": "nul", "text": "x\x00y"},  # binary
            "Vladimir Putin met Emmanuel Macron in Moscow.",
        ]
    )
    by_source = {p["source"]: p for p in g.problems}
    assert by_source["1"]["status"] == "failed"
    assert "not valid Unicode" in by_source["1"]["reason"]
    assert by_source["2"] == {"status": "skipped", "source": "2", "reason": "empty document"}
    assert by_source["nul"]["status"] == "failed"
    assert by_source["nul"]["reason"] == "binary content (NUL bytes)"
    assert g.summary["documents_processed"] == 2
    assert g.summary["documents_failed"] == 2
    ids = {n["id"] for n in g.nodes}
    assert {"person:joe-biden", "person:vladimir-putin", "person:emmanuel-macron"} <= ids
    assert g.data["graph"]["documents"] == 2


def test_a_broken_file_is_reported_as_the_command_line_reports_it(pipeline, tmp_path):
    (tmp_path / "good.txt").write_text(SHORT, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"Caf\xe9 au lait in Paris.")
    g = pipeline.extract_files([tmp_path])
    assert g.problems == [
        {
            "status": "failed",
            "source": str(tmp_path / "bad.txt"),
            "reason": "not UTF-8 text (invalid byte at offset 3)",
        }
    ]
    assert g.summary["documents_processed"] == 1
    assert any(n["id"] == "person:joe-biden" for n in g.nodes)


def test_edges_carry_their_evidence(pipeline):
    g = pipeline.extract([{"id": "brief", "text": SHORT, "date": "2022-02-25"}])
    assert g.edges, g.data
    for e in g.edges:
        assert e["evidence"] and e["evidence_count"] >= 1
        ev = e["evidence"][0]
        assert ev["doc"] == "brief" and ev["date"] == "2022-02-25"
        assert SHORT[ev["start"] : ev["end"]] in ev["sentence"] or ev["sentence"]


def test_documents_streams_per_document_results(pipeline):
    texts = iter([SHORT, "", "Vladimir Putin met Emmanuel Macron in Moscow.", SHORT])
    results = list(pipeline.documents(texts, batch_size=2))
    assert [r["status"] for r in results] == ["processed", "skipped", "processed", "processed"]
    first = results[0]
    assert first["id"] == "0"
    assert results[3]["id"] == "3"
    names = {m["text"] for m in first["mentions"]}
    assert {"Joe Biden", "Olaf Scholz"} <= names
    for m in first["mentions"]:
        assert SHORT[m["start"] : m["end"]] == m["text"]
    entity_ids = {e["id"] for e in first["entities"]}
    assert "person:joe-biden" in entity_ids
    for e in first["entities"]:
        for i in e["mentions"]:
            assert first["mentions"][i]["entity"] == e["id"]
    assert any(r["relation"] == "meets" for r in first["relations"])


def test_documents_number_repeated_ids_as_the_reader_does(pipeline):
    results = list(pipeline.documents([("a", SHORT), ("a", SHORT)], batch_size=1))
    assert [r["id"] for r in results] == ["a", "a#2"]


def test_write_gives_the_files_of_the_command_line(pipeline, tmp_path):
    g = pipeline.extract([SHORT])
    files = g.write(tmp_path / "out", formats=["node-link", "graphml", "html"])
    names = sorted(p.name for p in files)
    assert names == ["graph.graphml", "graph.json", "report.html"]
    assert (tmp_path / "out" / "graph.json").read_text(encoding="utf-8") == g.to_json()
    assert "Joe Biden" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    everything = g.write(tmp_path / "all", formats=["all"])
    assert len(everything) == 10
    with pytest.raises(ValueError, match="unknown format"):
        g.write(tmp_path / "x", formats=["pdf"])


def test_to_pandas_gives_two_frames(pipeline):
    nodes, edges = pipeline.extract([SHORT]).to_pandas()
    assert "person:joe-biden" in nodes.index
    assert {"source", "target", "relation", "evidence"} <= set(edges.columns)


def test_to_pandas_without_pandas_says_what_to_install():
    code = textwrap.dedent(
        """
        import sys
        sys.modules["pandas"] = None  # as if pandas were not installed
        import newsgraph
        g = newsgraph.Pipeline(threads=1, parse="none").extract(["Joe Biden spoke."])
        try:
            g.to_pandas()
        except ImportError as e:
            print(e)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "needs pandas" in done.stdout and "pip install pandas" in done.stdout


def test_import_in_a_subprocess_twice(tmp_path):
    code = textwrap.dedent(
        """
        import importlib, sys
        import newsgraph
        g1 = newsgraph.Pipeline(threads=1).extract(["Joe Biden met Olaf Scholz."])
        for name in [m for m in sys.modules if m.startswith("newsgraph")]:
            del sys.modules[name]
        import newsgraph
        g2 = newsgraph.Pipeline(threads=1).extract(["Joe Biden met Olaf Scholz."])
        assert g1.to_json() == g2.to_json()
        print(len(g2.nodes))
        """
    )
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        assert int(done.stdout) >= 2


def test_importing_loads_nothing_and_writes_nothing(tmp_path):
    code = "import newsgraph, os, sys; print('ORT_DYLIB_PATH' in os.environ)"
    env = dict(os.environ, HOME=str(tmp_path))
    env.pop("ORT_DYLIB_PATH", None)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    assert list(tmp_path.iterdir()) == []


def test_errors_are_exceptions_with_the_librarys_messages(tmp_path, pipeline):
    with pytest.raises(ValueError, match="parse must be"):
        newsgraph.Pipeline(parse="some")
    with pytest.raises(ValueError, match="threads must be at least 1"):
        newsgraph.Pipeline(threads=0)
    with pytest.raises(newsgraph.NewsgraphError, match="cannot load the model from /nowhere"):
        newsgraph.Pipeline(model="/nowhere")
    bad = tmp_path / "rules.toml"
    bad.write_text("[[rule]]\nthis is not toml\n", encoding="utf-8")
    with pytest.raises(newsgraph.NewsgraphError, match="invalid rules file"):
        newsgraph.Pipeline(rules=bad)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        pipeline.extract_files(tmp_path / "missing")
    with pytest.raises(TypeError, match="give a str"):
        pipeline.extract([42])


def test_extraction_releases_the_gil(pipeline):
    texts = [SHORT] * 40
    done = threading.Event()
    ticks = 0

    def work():
        pipeline.extract(texts)
        done.set()

    worker = threading.Thread(target=work)
    start = time.perf_counter()
    worker.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    elapsed = time.perf_counter() - start
    # With the GIL held for the whole extraction, this loop would not run meanwhile.
    assert elapsed > 0.05 and ticks > 10, (elapsed, ticks)


@needs_news
@needs_cli
def test_eval_fixtures_gives_the_command_lines_scores(pipeline, tmp_path):
    scores = newsgraph.eval_fixtures(NEWS, pipeline)
    out = tmp_path / "scores.json"
    env = {k: v for k, v in os.environ.items() if k != "ORT_DYLIB_PATH"}
    done = subprocess.run(
        [str(BIN), "eval", "fixtures", str(NEWS), "--json", str(out), "--threads", "2"],
        env=env, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    cli = json.loads(out.read_text(encoding="utf-8"))
    assert scores["fixtures"] == cli["fixtures"] == 1
    assert scores["entities"] == cli["entities"]
    assert scores["relations"] == cli["relations"]
    assert scores["per_fixture"] == cli["per_fixture"]
