"""Reads every newsgraph export format back with its real consumer; prints JSON.

Usage: python read_graph.py DIR   (DIR holds what `newsgraph::export::write` wrote for
every format). For each consumer the output has the nodes by id (label, type, mentions,
value, aliases, docs), the edges as sorted rows [source, target, relation, modality,
weight, sentence, docs, rules, dates], and the Python type names seen for mentions,
value and weight. tests/export.rs compares them with the graph it wrote.
"""

import csv
import json
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import igraph
import networkx as nx


def tname(x):
    return type(x).__name__


def node_row(label, type_, mentions, value, aliases, docs):
    if isinstance(value, float) and math.isnan(value):
        value = None
    return {"label": label, "type": type_, "mentions": mentions, "value": value,
            "aliases": aliases, "docs": docs}


def result(nodes, edges, types):
    # Weights compare as numbers (their Python types are reported in "types").
    for e in edges:
        if isinstance(e[4], float) and e[4].is_integer():
            e[4] = int(e[4])
    return {"nodes": nodes, "edges": sorted(edges),
            "types": {k: sorted(v) for k, v in types.items()}}


def new_types():
    return {"mentions": set(), "value": set(), "weight": set()}


def from_networkx(g, lists):
    """lists: how list attributes were stored (a function from the stored value to a list)."""
    types = new_types()
    nodes = {}
    for n, d in g.nodes(data=True):
        types["mentions"].add(tname(d["mentions"]))
        if "value" in d:
            types["value"].add(tname(d["value"]))
        nodes[n] = node_row(d.get("label"), d.get("type"), d["mentions"], d.get("value"),
                            lists(d["aliases"]), lists(d["docs"]))
    edges = []
    for s, t, d in g.edges(data=True):
        types["weight"].add(tname(d["weight"]))
        edges.append([s, t, d.get("relation", d.get("label")), d["modality"], d["weight"],
                      d.get("sentence"), lists(d["docs"]), lists(d["rules"]),
                      lists(d.get("dates", "[]"))])
    return result(nodes, edges, types)


def graphml_networkx(path):
    g = nx.read_graphml(path, force_multigraph=True)
    assert g.is_directed() and g.is_multigraph()
    out = from_networkx(g, json.loads)
    out["graph"] = dict(g.graph)
    return out


def graphml_igraph(path):
    g = igraph.Graph.Read_GraphML(path)
    assert g.is_directed()
    types = new_types()
    nodes = {}
    for v in g.vs:
        a = v.attributes()
        types["mentions"].add(tname(a["mentions"]))
        if a.get("value") is not None and not math.isnan(a["value"]):
            types["value"].add(tname(a["value"]))
        nodes[a["id"]] = node_row(a["label"], a["type"], a["mentions"], a.get("value"),
                                  json.loads(a["aliases"]), json.loads(a["docs"]))
    edges = []
    for e in g.es:
        a = e.attributes()
        types["weight"].add(tname(a["weight"]))
        edges.append([g.vs[e.source]["id"], g.vs[e.target]["id"], a["relation"], a["modality"],
                      a["weight"], a["sentence"], json.loads(a["docs"]), json.loads(a["rules"]),
                      json.loads(a["dates"] or "[]")])
    return result(nodes, edges, types)


def gexf_networkx(path):
    root = ET.parse(path).getroot()
    assert root.tag == "{http://gexf.net/1.3}gexf" and root.get("version") == "1.3", root.tag
    declared = {a.get("title"): a.get("type") for a in root.iter("{http://gexf.net/1.3}attribute")}
    g = nx.read_gexf(path)
    assert g.is_directed() and g.is_multigraph()
    out = from_networkx(g, json.loads)
    out["declared"] = declared
    return out


def cytoscape_networkx(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    g = nx.cytoscape_graph(data)
    assert g.is_directed() and g.is_multigraph()
    types = new_types()
    nodes = {}
    for n, d in g.nodes(data=True):
        types["mentions"].add(tname(d["mentions"]))
        if "claim_value" in d:
            types["value"].add(tname(d["claim_value"]))
        nodes[n] = node_row(d["label"], d["type"], d["mentions"], d.get("claim_value"),
                            d["aliases"], d["docs"])
    edges = []
    for s, t, d in g.edges(data=True):
        types["weight"].add(tname(d["weight"]))
        edges.append([s, t, d["relation"], d["modality"], d["weight"], d.get("sentence"),
                      d["docs"], d["rules"], d["dates"]])
    return result(nodes, edges, types)


def node_link(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    g = nx.node_link_graph(data, edges="links")
    assert g.is_directed() and g.is_multigraph()
    types = new_types()
    nodes = {}
    for n, d in g.nodes(data=True):
        types["mentions"].add(tname(d["mentions"]))
        if "value" in d:
            types["value"].add(tname(d["value"]))
        nodes[n] = node_row(d["label"], d["type"], d["mentions"], d.get("value"),
                            d["aliases"], d["docs"])
    edges = []
    for s, t, d in g.edges(data=True):
        ev = d["evidence"]
        # graph.json keeps an edge's first pieces of evidence and counts them all.
        weight = d.get("evidence_count", len(ev))
        types["weight"].add(tname(weight))
        edges.append([s, t, d["relation"], d["modality"], weight, ev[0]["sentence"],
                      sorted({e["doc"] for e in ev}), sorted({e["rule"] for e in ev}),
                      sorted({e["date"] for e in ev if e.get("date")})])
    return result(nodes, edges, types)


def cytoscape(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    els = data["elements"]
    assert set(els) == {"nodes", "edges"}
    types = new_types()
    nodes = {}
    for n in els["nodes"]:
        d = n["data"]
        assert isinstance(d["id"], str) and d["name"] == d["label"]
        # NetworkX's cytoscape reader takes `value` as the node; the claim figure is claim_value.
        assert d["value"] == d["id"], d
        types["mentions"].add(tname(d["mentions"]))
        if "claim_value" in d:
            types["value"].add(tname(d["claim_value"]))
        nodes[d["id"]] = node_row(d["label"], d["type"], d["mentions"], d.get("claim_value"),
                                  d["aliases"], d["docs"])
    ids = set()
    edges = []
    for e in els["edges"]:
        d = e["data"]
        assert isinstance(d["id"], str) and d["id"] not in ids and d["id"] not in nodes
        ids.add(d["id"])
        assert d["source"] in nodes and d["target"] in nodes
        assert d["interaction"] == d["relation"]
        types["weight"].add(tname(d["weight"]))
        edges.append([d["source"], d["target"], d["relation"], d["modality"], d["weight"],
                      d.get("sentence"), d["docs"], d["rules"], d["dates"]])
    return result(nodes, edges, types)


# neo4j-admin import header grammar (Operations Manual, "CSV header format"):
# <name>:<field_type>; ID/LABEL/START_ID/END_ID/TYPE fields; property types, `[]` for arrays.
PROPERTY_TYPES = {"int", "long", "float", "double", "boolean", "byte", "short", "char",
                  "string", "point", "date", "localtime", "time", "localdatetime",
                  "datetime", "duration"}
HEADER_FIELD = re.compile(r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z_]+)(?P<array>\[\])?)?$")


def parse_header(header, special):
    fields = []
    for col in header:
        m = HEADER_FIELD.match(col)
        assert m, f"bad header field {col!r}"
        ty = m.group("type")
        if ty in special:
            assert not m.group("array"), col
        else:
            assert m.group("name"), f"property without a name: {col!r}"
            assert ty is None or ty in PROPERTY_TYPES, f"unknown type in {col!r}"
        fields.append((m.group("name"), ty, bool(m.group("array"))))
    return fields


# The array (and label) delimiter newsgraph's import.sh passes: --array-delimiter=U+001F.
ARRAY_DELIMITER = "\x1f"


def neo4j_value(text, ty, array):
    if text == "":
        return None
    if array:
        return text.split(ARRAY_DELIMITER)
    if ty in ("int", "long"):
        return int(text)
    if ty in ("float", "double"):
        return float(text)
    return text


def neo4j(dirpath):
    with open(os.path.join(dirpath, "nodes.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, strict=True))
    fields = parse_header(rows[0], {"ID", "LABEL"})
    assert [t for _, t, _ in fields].count("ID") == 1
    types = new_types()
    nodes = {}
    labels = {}
    keys = {}
    for row in rows[1:]:
        assert len(row) == len(fields), row
        rec = {}
        for (name, ty, array), text in zip(fields, row):
            if ty == "ID":
                rec["_id"] = text
            elif ty == "LABEL":
                rec["_labels"] = text.split(ARRAY_DELIMITER)
            else:
                rec[name] = neo4j_value(text, ty or "string", array)
        # The properties neo4j-admin stores: an empty field stores none.
        keys[rec["_id"]] = sorted(k for k, v in rec.items() if not k.startswith("_") and v is not None)
        types["mentions"].add(tname(rec["mentions"]))
        if rec.get("value") is not None:
            types["value"].add(tname(rec["value"]))
        labels[rec["_id"]] = rec["_labels"]
        nodes[rec["_id"]] = node_row(rec["label"], rec["type"], rec["mentions"], rec["value"],
                                     rec["aliases"] or [], rec["docs"] or [])
    with open(os.path.join(dirpath, "relationships.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, strict=True))
    fields = parse_header(rows[0], {"START_ID", "END_ID", "TYPE"})
    edges = []
    for row in rows[1:]:
        assert len(row) == len(fields), row
        rec = {}
        for (name, ty, array), text in zip(fields, row):
            if ty in ("START_ID", "END_ID", "TYPE"):
                rec[ty] = text
            else:
                rec[name] = neo4j_value(text, ty or "string", array)
        assert rec["START_ID"] in nodes and rec["END_ID"] in nodes
        keys["%s -%s/%s-> %s" % (rec["START_ID"], rec["TYPE"], rec["modality"], rec["END_ID"])] = sorted(
            k for k, v in rec.items() if k not in ("START_ID", "END_ID", "TYPE") and v is not None)
        types["weight"].add(tname(rec["weight"]))
        edges.append([rec["START_ID"], rec["END_ID"], rec["TYPE"].lower(), rec["modality"],
                      rec["weight"], rec["sentence"], rec["docs"] or [], rec["rules"] or [],
                      rec["dates"] or []])
    out = result(nodes, edges, types)
    out["labels"] = labels
    out["keys"] = keys
    with open(os.path.join(dirpath, "import.sh"), encoding="utf-8") as f:
        out["import_sh"] = f.read()
    return out


class CypherLiteral:
    """A parser for the Cypher literals graph.cypher writes: strings, numbers, lists, maps."""

    ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t",
               "b": "\b", "f": "\f"}

    def __init__(self, text):
        self.s, self.i = text, 0

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def parse(self):
        v = self.value()
        self.ws()
        assert self.i == len(self.s), f"trailing text at {self.i}"
        return v

    def value(self):
        self.ws()
        c = self.s[self.i]
        if c == "[":
            return self.seq("]", self.value)
        if c == "{":
            return dict(self.seq("}", self.entry))
        if c in "\"'":
            return self.string(c)
        m = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?").match(self.s, self.i)
        assert m, f"no literal at {self.s[self.i:self.i + 20]!r}"
        self.i = m.end()
        t = m.group(0)
        return float(t) if (m.group(1) or m.group(2)) else int(t)

    def seq(self, close, item):
        self.i += 1
        out = []
        self.ws()
        if self.s[self.i] == close:
            self.i += 1
            return out
        while True:
            out.append(item())
            self.ws()
            c = self.s[self.i]
            self.i += 1
            if c == close:
                return out
            assert c == ",", f"expected , or {close} at {self.i}"

    def entry(self):
        self.ws()
        m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(self.s, self.i)
        assert m, "map key"
        self.i = m.end()
        self.ws()
        assert self.s[self.i] == ":"
        self.i += 1
        return m.group(0), self.value()

    def string(self, quote):
        self.i += 1
        out = []
        while True:
            c = self.s[self.i]
            if c == quote:
                self.i += 1
                return "".join(out)
            assert c != "\n", "raw newline in a string"
            if c == "\\":
                n = self.s[self.i + 1]
                if n == "u":
                    out.append(chr(int(self.s[self.i + 2:self.i + 6], 16)))
                    self.i += 6
                    continue
                out.append(self.ESCAPES[n])
                self.i += 2
                continue
            out.append(c)
            self.i += 1


def balanced(text):
    """Brackets balance outside string literals."""
    stack, quote, i = [], None, 0
    pairs = {")": "(", "]": "[", "}": "{"}
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c in "([{":
            stack.append(c)
        elif c in ")]}":
            if not stack or stack.pop() != pairs[c]:
                return False
        i += 1
    return not stack and quote is None


NODE_STMT = re.compile(r"^UNWIND \$rows AS row MERGE \(n:(\w+) \{id: row\.id\}\) SET (?:n:(\w+), )?n \+= row\.props;$")
REL_STMT = re.compile(r"^UNWIND \$rows AS row MATCH \(a:(\w+) \{id: row\.source\}\) MATCH \(b:(\w+) \{id: row\.target\}\) MERGE \(a\)-\[r:(\w+) \{modality: row\.modality\}\]->\(b\) SET r \+= row\.props;$")


def cypher(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    first_unwind = next(i for i, l in enumerate(lines) if l.startswith("UNWIND"))
    constraints = [i for i, l in enumerate(lines) if l.startswith("CREATE CONSTRAINT")]
    assert constraints and max(constraints) < first_unwind, "constraints first"
    assert all(balanced(l) for l in lines), "unbalanced brackets"
    types = new_types()
    nodes, labels, edges, keys = {}, {}, [], {}
    rows = None
    batches = []
    for line in lines:
        if line.startswith("//") or line.startswith("CREATE CONSTRAINT"):
            continue
        if line.startswith(":param rows => "):
            rows = CypherLiteral(line[len(":param rows => "):]).parse()
            continue
        m = NODE_STMT.match(line)
        if m:
            batches.append(len(rows))
            for r in rows:
                p = r["props"]
                assert r["id"] not in nodes
                types["mentions"].add(tname(p["mentions"]))
                if "value" in p:
                    types["value"].add(tname(p["value"]))
                labels[r["id"]] = [x for x in m.groups() if x]
                keys[r["id"]] = sorted(p)
                nodes[r["id"]] = node_row(p["label"], p["type"], p["mentions"], p.get("value"),
                                          p.get("aliases", []), p.get("docs", []))
            rows = None
            continue
        m = REL_STMT.match(line)
        if m:
            assert nodes, "relationships after nodes"
            batches.append(len(rows))
            for r in rows:
                p = r["props"]
                assert r["source"] in nodes and labels[r["source"]][0] == m.group(1)
                assert r["target"] in nodes and labels[r["target"]][0] == m.group(2)
                types["weight"].add(tname(p["weight"]))
                keys["%s -%s/%s-> %s" % (r["source"], m.group(3), r["modality"], r["target"])] = sorted(
                    list(p) + ["modality"])
                edges.append([r["source"], r["target"], m.group(3).lower(), r["modality"],
                              p["weight"], p.get("sentence"), p.get("docs", []), p.get("rules", []),
                              p.get("dates", [])])
            rows = None
            continue
        raise AssertionError(f"unexpected line: {line[:80]!r}")
    out = result(nodes, edges, types)
    out["labels"] = labels
    out["batches"] = batches
    out["keys"] = keys
    return out


def dot(path):
    svg = subprocess.run(["dot", "-Tsvg", path], capture_output=True, check=False)
    if svg.returncode != 0:
        raise AssertionError(f"dot -Tsvg failed: {svg.stderr.decode(errors='replace')}")
    ns = {"s": "http://www.w3.org/2000/svg"}
    root = ET.fromstring(svg.stdout)
    nodes, edges = {}, []
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        cls = g.get("class")
        if cls == "node":
            title = g.find("s:title", ns).text
            text = "\n".join(t.text or "" for t in g.iter("{http://www.w3.org/2000/svg}text"))
            nodes[title] = {"label": text}
        elif cls == "edge":
            edges.append(g.find("s:title", ns).text)
    return {"nodes": nodes, "edges": sorted(edges), "stderr": svg.stderr.decode(errors="replace")}


def main():
    d = sys.argv[1]
    readers = {
        "node_link": lambda: node_link(os.path.join(d, "graph.json")),
        "graphml_networkx": lambda: graphml_networkx(os.path.join(d, "graph.graphml")),
        "graphml_igraph": lambda: graphml_igraph(os.path.join(d, "graph.graphml")),
        "gexf_networkx": lambda: gexf_networkx(os.path.join(d, "graph.gexf")),
        "cytoscape": lambda: cytoscape(os.path.join(d, "graph.cyjs")),
        "cytoscape_networkx": lambda: cytoscape_networkx(os.path.join(d, "graph.cyjs")),
        "neo4j_csv": lambda: neo4j(os.path.join(d, "neo4j")),
        "cypher": lambda: cypher(os.path.join(d, "graph.cypher")),
        "dot_svg": lambda: dot(os.path.join(d, "graph.dot")),
    }
    out = {}
    for name, read in readers.items():
        try:
            out[name] = read()
        except Exception as e:  # reported to the Rust test, which names the consumer
            out[name] = {"error": f"{type(e).__name__}: {e}"}
    out["versions"] = {"networkx": nx.__version__, "igraph": igraph.__version__}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
