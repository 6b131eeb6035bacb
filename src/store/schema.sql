-- newsgraph store, schema version 3 (PRAGMA user_version). Mirrors graph::Graph:
-- merging a document is upserts into these tables (see docs/ARCHITECTURE.md, "Store").

-- One row per committed batch that added documents; numbers documents' runs
-- without wall time, so that exports stay deterministic.
CREATE TABLE batches (
    id INTEGER PRIMARY KEY
);

CREATE TABLE documents (
    seq INTEGER PRIMARY KEY,               -- insertion order
    id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL UNIQUE,             -- sha256 hex of the text (Store::content_hash)
    batch INTEGER NOT NULL REFERENCES batches(id),
    meta TEXT NOT NULL,                    -- JSON object of strings
    text TEXT NOT NULL
);

-- mentions.jsonl records, in document order.
CREATE TABLE mentions (
    doc INTEGER NOT NULL REFERENCES documents(seq),
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    score REAL NOT NULL,
    entity TEXT,
    PRIMARY KEY (doc, seq)
) WITHOUT ROWID;

CREATE TABLE nodes (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    country TEXT,
    value REAL,
    unit TEXT,
    qualifier TEXT,
    about TEXT
);

CREATE TABLE node_names (
    node INTEGER NOT NULL REFERENCES nodes(seq),
    name TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (node, name)
) WITHOUT ROWID;

CREATE TABLE node_aliases (
    node INTEGER NOT NULL REFERENCES nodes(seq),
    alias TEXT NOT NULL,
    PRIMARY KEY (node, alias)
) WITHOUT ROWID;

-- Document ids as the graph gives them (Node::docs).
CREATE TABLE node_docs (
    node INTEGER NOT NULL REFERENCES nodes(seq),
    doc TEXT NOT NULL,
    PRIMARY KEY (node, doc)
) WITHOUT ROWID;
CREATE INDEX node_docs_by_doc ON node_docs(doc);

-- Endpoints are node ids, not keys: a Graph does not require an edge's nodes either.
CREATE TABLE edges (
    seq INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    relation TEXT NOT NULL,
    modality TEXT NOT NULL,
    UNIQUE (source, target, relation, modality)
);

CREATE TABLE evidence (
    edge INTEGER NOT NULL REFERENCES edges(seq),
    doc TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence TEXT NOT NULL,
    rule TEXT NOT NULL,
    date TEXT,
    -- the dependency path a syntax rule matched, and the sentence's parse as JSON
    path TEXT,
    parse TEXT
);
-- Evidence is a set per edge; NULL dates are equal to each other here (a plain
-- UNIQUE would treat every NULL as distinct).
CREATE UNIQUE INDEX evidence_key
    ON evidence(edge, doc, start, "end", rule, sentence, date IS NULL, ifnull(date, ''));
CREATE INDEX evidence_by_doc ON evidence(doc);

-- Each document's acronym definitions (Graph::acronyms): the acronym's own id -> the id of
-- its long form in that document, with the number of definitions (1). Read back summed
-- per (acronym, long), the run-wide table that Graph::join_acronyms joins by.
CREATE TABLE acronyms (
    doc INTEGER NOT NULL REFERENCES documents(seq),
    acronym TEXT NOT NULL,
    long TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (doc, acronym, long)
) WITHOUT ROWID;
