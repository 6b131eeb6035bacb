//! The names of the files newsgraph writes into an output folder, all in one place: the
//! run's own files, the export formats' files, and the suffix of a file being written.

pub const GRAPH_FILE: &str = "graph.json";
pub const SUMMARY_FILE: &str = "summary.json";
pub const MENTIONS_FILE: &str = "mentions.jsonl";
pub const PROBLEMS_FILE: &str = "problems.jsonl";
pub const RUN_FILE: &str = "run.json";
pub const CHECKPOINT_FILE: &str = "checkpoint.json";
/// The graph of every batch since the run began, one node-link line per batch: what a
/// checkpoint's graph is rebuilt from (so that a checkpoint need not write the graph).
pub const GRAPH_LOG_FILE: &str = "checkpoint-graph.jsonl";
/// The input files' sizes and modification times when the run began, which a resumed
/// run checks (`run::input_files`).
pub const INPUTS_LIST_FILE: &str = "checkpoint-inputs.jsonl";
/// `extract --format conllu`'s parses.
pub const CONLLU_FILE: &str = "parses.conllu";
/// `--format html`'s page.
pub const REPORT_FILE: &str = "report.html";
/// The lock a run holds on its output folder for as long as it runs (an empty file,
/// locked with `flock`: the lock goes with the process, so a killed run leaves none).
/// It is no output: the folder rules do not count it.
pub const LOCK_FILE: &str = ".newsgraph.lock";

/// Appended to a file's name while it is written; renamed away once it is whole.
pub const TEMP_SUFFIX: &str = ".tmp";

/// The files a run or merge writes, besides the export formats' ([`EXPORT_FILES`]).
pub const RUN_FILES: &[&str] = &[
    GRAPH_FILE,
    SUMMARY_FILE,
    MENTIONS_FILE,
    PROBLEMS_FILE,
    RUN_FILE,
    CHECKPOINT_FILE,
    GRAPH_LOG_FILE,
    INPUTS_LIST_FILE,
    CONLLU_FILE,
    REPORT_FILE,
];

/// The export formats' files (`export::Format::files`), relative to the output folder.
pub const NODE_LINK_FILE: &str = GRAPH_FILE;
pub const GRAPHML_FILE: &str = "graph.graphml";
pub const GEXF_FILE: &str = "graph.gexf";
/// The folder of the Neo4j admin-import files.
pub const NEO4J_DIR: &str = "neo4j";
pub const NEO4J_NODES_FILE: &str = "neo4j/nodes.csv";
pub const NEO4J_RELATIONSHIPS_FILE: &str = "neo4j/relationships.csv";
pub const NEO4J_IMPORT_FILE: &str = "neo4j/import.sh";
pub const CYPHER_FILE: &str = "graph.cypher";
pub const DOT_FILE: &str = "graph.dot";
pub const CYTOSCAPE_FILE: &str = "graph.cyjs";

/// Every export format's files.
pub const EXPORT_FILES: &[&str] = &[
    NODE_LINK_FILE,
    GRAPHML_FILE,
    GEXF_FILE,
    NEO4J_NODES_FILE,
    NEO4J_RELATIONSHIPS_FILE,
    NEO4J_IMPORT_FILE,
    CYPHER_FILE,
    DOT_FILE,
    CYTOSCAPE_FILE,
];

/// Whether `name` (relative to an output folder) is a file newsgraph writes there, or
/// one of them being written.
pub fn is_newsgraph_file(name: &str) -> bool {
    let name = name.strip_suffix(TEMP_SUFFIX).unwrap_or(name);
    name == NEO4J_DIR || RUN_FILES.contains(&name) || EXPORT_FILES.contains(&name)
}
