"""newsgraph: news archives to a graph of people, states and organisations.

The pipeline of the ``newsgraph`` command line, in Python: a transformer NER model on ONNX
Runtime, a dependency parser, entity resolution and relation rules (``sanctions``,
``meets``, ``claims``), all in the compiled module. The same input gives the same graph as
``newsgraph extract``, byte for byte.

>>> import newsgraph
>>> p = newsgraph.Pipeline(threads=2)
>>> g = p.extract(["Joe Biden met Olaf Scholz in Berlin on Monday."])
>>> G = g.to_networkx()                  # a networkx.MultiDiGraph
>>> nodes, edges = g.to_pandas()         # two pandas DataFrames
>>> g.write("out", formats=["node-link", "html"])

Importing the package loads nothing: the models and ONNX Runtime are loaded when a
:class:`Pipeline` is made. ONNX Runtime comes from the ``onnxruntime`` wheel (or
``ORT_DYLIB_PATH``); its telemetry is turned off, and newsgraph opens no socket.
"""

from __future__ import annotations

import glob
import importlib.util
import json
import os
import shutil
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from . import _native
from ._native import NewsgraphError

if TYPE_CHECKING:  # pragma: no cover
    import networkx
    import pandas

__all__ = [
    "Pipeline",
    "Graph",
    "NewsgraphError",
    "eval_fixtures",
    "models_dir",
    "__version__",
]

__version__ = "0.1.0"

PathLike = Union[str, "os.PathLike[str]"]
TextInput = Union[str, Tuple[str, str], Mapping[str, Any]]

_NER_MODEL = "newsgraph-minilm"
_PARSER_MODEL = "newsgraph-parser-minilm"
_RELATION_MODEL = "newsgraph-relations"


def models_dir() -> Optional[Path]:
    """Where the shipped models are: inside the wheel, else an installed newsgraph tree
    (``PREFIX/share/newsgraph/models`` beside a ``newsgraph`` on ``PATH``), else None."""
    here = Path(__file__).resolve().parent / "models"
    if (here / _NER_MODEL).is_dir():
        return here
    exe = shutil.which("newsgraph")
    if exe:
        share = Path(exe).resolve().parent.parent / "share" / "newsgraph" / "models"
        if (share / _NER_MODEL).is_dir():
            return share
    return None


def _model_path(given: Optional[PathLike], env: str, name: str) -> Path:
    if given is not None:
        return Path(given)
    if os.environ.get(env):
        return Path(os.environ[env])
    found = models_dir()
    if found is None:
        raise NewsgraphError(
            f"the model {name} is not in this newsgraph package nor in an installed tree; "
            f"pass its directory, set {env}, or install a wheel built by scripts/wheel.sh"
        )
    return found / name


def _prepare_runtime() -> None:
    """Points newsgraph at the onnxruntime wheel's library (unless ``ORT_DYLIB_PATH`` is
    set) and turns ONNX Runtime's telemetry off, before the library is first loaded."""
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    if os.environ.get("ORT_DYLIB_PATH"):
        return
    # Found without importing onnxruntime's own Python module.
    spec = importlib.util.find_spec("onnxruntime")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        libs = sorted(glob.glob(os.path.join(location, "capi", "libonnxruntime.so*")))
        if libs:
            os.environ["ORT_DYLIB_PATH"] = libs[0]
            return
    raise NewsgraphError(
        "ONNX Runtime's library was not found: install the onnxruntime wheel "
        "(pip install onnxruntime==1.31.1) or set ORT_DYLIB_PATH to a libonnxruntime.so"
    )


def _as_items(texts: Iterable[TextInput], start: int, text_field: str) -> List[tuple]:
    """``(id, text, meta)`` for each input: a string (id: its position), an ``(id, text)``
    pair, or a mapping with the text under ``text`` and optional ``id``, ``date``,
    ``title`` and other metadata."""
    items = []
    for i, t in enumerate(texts, start):
        if isinstance(t, str):
            items.append((str(i), t, {}))
        elif isinstance(t, Mapping):
            if text_field not in t:
                raise TypeError(f"document {i} has no {text_field!r} key")
            meta = {str(k): str(v) for k, v in t.items() if k not in (text_field, "id") and v is not None}
            doc_id = t.get("id")
            items.append((str(i) if doc_id is None else str(doc_id), t[text_field], meta))
        elif isinstance(t, tuple) and len(t) == 2:
            items.append((str(t[0]), t[1], {}))
        else:
            raise TypeError(
                f"document {i} is a {type(t).__name__}: give a str, an (id, text) pair or a "
                "mapping with a 'text' key"
            )
        if not isinstance(items[-1][1], str):
            raise TypeError(f"document {i}'s text is a {type(items[-1][1]).__name__}, not a str")
    return items


class Graph:
    """The graph a run found, as ``newsgraph extract`` writes it to graph.json.

    ``nodes`` and ``edges`` are lists of dicts (NetworkX node-link data: an edge has
    ``source``, ``target``, ``key``, ``relation``, ``modality`` and its ``evidence``).
    ``summary`` is summary.json's object and ``problems`` problems.jsonl's records: every
    skipped or failed input with its reason.
    """

    def __init__(self, native: "_native.NativeGraph") -> None:
        self._native = native
        self._data: Optional[Dict[str, Any]] = None
        self._summary: Optional[Dict[str, Any]] = None
        self._problems: Optional[List[Dict[str, Any]]] = None

    def to_json(self) -> str:
        """graph.json's text, byte for byte what ``newsgraph extract`` writes."""
        return self._native.node_link_json()

    @property
    def data(self) -> Dict[str, Any]:
        """The node-link object (``directed``, ``multigraph``, ``graph``, ``nodes``, ``links``)."""
        if self._data is None:
            self._data = json.loads(self.to_json())
        return self._data

    @property
    def nodes(self) -> List[Dict[str, Any]]:
        """The nodes, each a dict with ``id``, ``label``, ``type``, ``aliases``, ``docs``, ..."""
        return self.data["nodes"]

    @property
    def edges(self) -> List[Dict[str, Any]]:
        """The edges, each a dict with ``source``, ``target``, ``relation``, ``modality``,
        ``evidence`` (document, offsets, sentence, rule, date) and ``evidence_count``."""
        return self.data["links"]

    @property
    def summary(self) -> Dict[str, Any]:
        """Inputs read, processed, skipped and failed, mentions, relations, nodes, links."""
        if self._summary is None:
            self._summary = json.loads(self._native.summary_json())
        return self._summary

    @property
    def problems(self) -> List[Dict[str, Any]]:
        """Every skipped or failed input: ``status`` (``skipped``/``failed``), ``source``,
        ``reason`` and, for a document that failed in the pipeline, ``id``."""
        if self._problems is None:
            self._problems = json.loads(self._native.problems_json())
        return self._problems

    def to_networkx(self) -> "networkx.MultiDiGraph":
        """The graph as a ``networkx.MultiDiGraph``: the same graph the README's loader
        (``nx.node_link_graph`` on graph.json) gives."""
        try:
            import networkx as nx
        except ImportError as e:
            raise ImportError(
                "Graph.to_networkx() needs NetworkX: pip install networkx"
            ) from e
        data = json.loads(self.to_json())
        try:
            return nx.node_link_graph(data, edges="links")  # NetworkX 3.4 and later
        except TypeError:
            return nx.node_link_graph(data)  # NetworkX before 3.4

    def to_pandas(self) -> "Tuple[pandas.DataFrame, pandas.DataFrame]":
        """Two ``pandas.DataFrame``: the nodes (indexed by ``id``) and the edges, one row
        each, lists (aliases, evidence) kept as Python lists."""
        try:
            import pandas as pd
        except ImportError as e:
            raise ImportError(
                "Graph.to_pandas() needs pandas, which is not installed: pip install pandas"
            ) from e
        nodes = pd.DataFrame(self.nodes)
        if "id" in nodes.columns:
            nodes = nodes.set_index("id", drop=False)
        edges = pd.DataFrame(
            self.edges,
            columns=None if self.edges else ["source", "target", "key", "relation", "modality"],
        )
        return nodes, edges

    def write(self, dir: PathLike, formats: Sequence[str] = ("node-link",)) -> List[Path]:
        """Writes the graph into ``dir`` (created if missing) in the formats of
        ``newsgraph extract --format``: ``node-link`` (graph.json), ``graphml``, ``gexf``,
        ``neo4j``, ``cypher``, ``dot``, ``cytoscape``, ``html`` (report.html, with the
        run's first ``report_docs`` documents) or ``all``. Returns the files written."""
        if isinstance(formats, str):
            formats = [formats]
        return [Path(p) for p in self._native.write(os.fspath(dir), list(formats))]

    def __len__(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        return (
            f"<newsgraph.Graph: {len(self.nodes)} nodes, {len(self.edges)} edges, "
            f"{self.data['graph'].get('documents', 0)} documents, {len(self.problems)} problems>"
        )


class Pipeline:
    """The newsgraph pipeline, loaded once and used for any number of runs.

    The options are ``newsgraph extract``'s: ``threads`` (default: one per core), ``model``
    and ``parser`` (model directories; default: the models in this package, or
    ``$NEWSGRAPH_MODEL`` and ``$NEWSGRAPH_PARSER``; ``parser`` set to the model's own
    directory parses with its parse head, from the states of the NER run), ``parse`` (``"relevant"``, ``"all"``
    or ``"none"``), ``rules`` (a relation rules file), ``gazetteer`` (a directory with
    countries.tsv and organisations.tsv), ``aggregation``, ``batch_size``, ``max_tokens``,
    ``docs_per_batch``, ``max_doc_bytes``, ``docs_per_node``, ``evidence_per_edge``,
    ``report_docs``, the JSONL/CSV field names, and ``relations`` (``"rules"``,
    ``"model"`` or ``"both"``, the default), ``relation_model`` (default: the model in
    this package, or ``$NEWSGRAPH_RELATION_MODEL``) and ``relation_threshold`` (a score
    from 0 to 1 overriding the model's own thresholds). A bad option raises ``ValueError``; a
    model, rules file or gazetteer that cannot be loaded raises :class:`NewsgraphError`.

    The GIL is released while documents are processed, on the pipeline's own threads.
    """

    def __init__(
        self,
        threads: Optional[int] = None,
        *,
        model: Optional[PathLike] = None,
        parser: Optional[PathLike] = None,
        parse: str = "relevant",
        rules: Optional[PathLike] = None,
        gazetteer: Optional[PathLike] = None,
        aggregation: str = "first",
        batch_size: int = 1,
        max_tokens: Optional[int] = None,
        docs_per_batch: int = 256,
        max_doc_bytes: int = 8 << 20,
        docs_per_node: int = 100,
        evidence_per_edge: int = 20,
        report_docs: int = 200,
        id_field: str = "id",
        text_field: str = "text",
        date_field: str = "date",
        title_field: str = "title",
        relations: str = "both",
        relation_model: Optional[PathLike] = None,
        relation_threshold: Optional[float] = None,
    ) -> None:
        _prepare_runtime()
        if relations not in ("rules", "model", "both"):
            raise ValueError(f"relations must be 'rules', 'model' or 'both', not {relations!r}")
        if relation_threshold is not None and not 0.0 <= relation_threshold <= 1.0:
            raise ValueError("relation_threshold is a score between 0 and 1")
        relation_path = (
            _model_path(relation_model, "NEWSGRAPH_RELATION_MODEL", _RELATION_MODEL)
            if relations != "rules"
            else None
        )
        model_path = _model_path(model, "NEWSGRAPH_MODEL", _NER_MODEL)
        parser_path = (
            _model_path(parser, "NEWSGRAPH_PARSER", _PARSER_MODEL)
            if parse != "none" or parser is not None
            else Path()
        )
        self.model: Path = model_path
        self.parser: Optional[Path] = parser_path if parse != "none" else None
        self._text_field = text_field
        self._docs_per_batch = docs_per_batch
        self._native = _native.NativePipeline(
            os.fspath(model_path),
            os.fspath(parser_path),
            threads,
            parse,
            None if rules is None else os.fspath(rules),
            None if gazetteer is None else os.fspath(gazetteer),
            aggregation,
            batch_size,
            max_tokens,
            docs_per_batch,
            max_doc_bytes,
            docs_per_node,
            evidence_per_edge,
            report_docs,
            (id_field, text_field, date_field, title_field),
            relations,
            None if relation_path is None else os.fspath(relation_path),
            relation_threshold,
        )

    @property
    def threads(self) -> int:
        """The number of threads documents are processed on."""
        return self._native.threads

    def extract(self, texts: Iterable[TextInput]) -> Graph:
        """The graph of in-memory documents: strings (each one's id is its position,
        ``"0"``, ``"1"``, ...), ``(id, text)`` pairs, or mappings with ``text`` and
        optional ``id``, ``date`` (put on every edge's evidence), ``title`` and other
        metadata. A blank text is skipped and a broken one (binary, over
        ``max_doc_bytes``, an unpaired surrogate) fails; both are listed in
        :attr:`Graph.problems` and the others go on, as in ``newsgraph extract``."""
        return Graph(self._native.extract(_as_items(texts, 0, self._text_field)))

    def extract_files(self, paths: Union[PathLike, Iterable[PathLike]]) -> Graph:
        """The graph of files, directories (searched recursively) and archives, read as
        ``newsgraph extract`` reads them (text, Markdown, HTML, JSONL, CSV, Reuters SGML,
        gzip, tar, zip). Unreadable inputs are listed in :attr:`Graph.problems`; a path that
        does not exist raises ``FileNotFoundError``."""
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        return Graph(self._native.extract_files([os.fspath(p) for p in paths]))

    def documents(
        self, texts: Iterable[TextInput], batch_size: Optional[int] = None
    ) -> Iterator[Dict[str, Any]]:
        """Processes ``texts`` (as :meth:`extract` takes them) lazily, ``batch_size``
        (default ``docs_per_batch``) at a time, and yields one dict per input, in order.
        A processed document: ``status`` ``"processed"``, ``id``, ``mentions`` (character
        offsets, text, label, score, entity id), ``entities`` (id, name, type, aliases,
        country, the indices of their mentions), ``relations`` (with evidence) and
        ``sentences``. A skipped or failed one: ``status``, ``source`` and ``reason``."""
        size = batch_size or self._docs_per_batch
        if size < 1:
            raise ValueError("batch_size must be at least 1")
        stream = self._native.stream()
        it = iter(texts)
        position = 0
        while True:
            batch = []
            for t in it:
                batch.append(t)
                if len(batch) >= size:
                    break
            if not batch:
                return
            items = _as_items(batch, position, self._text_field)
            position += len(batch)
            for text in self._native.process(stream, items):
                yield json.loads(text)

    def eval_fixtures(self, dir: PathLike) -> Dict[str, Any]:
        """Scores this pipeline on a folder of fixtures (see :func:`eval_fixtures`)."""
        return json.loads(_native.eval_fixtures(self._native, os.fspath(dir)))

    def __repr__(self) -> str:
        return f"<newsgraph.Pipeline: model {self.model}, {self.threads} threads>"


def eval_fixtures(dir: PathLike, pipeline: Optional[Pipeline] = None) -> Dict[str, Any]:
    """Entity and relation scores against a folder of hand-labelled fixtures (``*.txt``
    with ``*.json``), as ``newsgraph eval fixtures DIR --json`` gives them: ``entities``
    and ``relations`` (precision, recall, F1 per type), ``per_fixture`` and ``fixtures``.
    Uses ``pipeline``, or a default :class:`Pipeline`."""
    return (pipeline or Pipeline()).eval_fixtures(dir)
