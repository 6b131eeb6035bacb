"""Python against the command line on one archive: the same extraction through
`newsgraph extract` and through the Python package's `Pipeline.extract_files`, each timed
as a whole process (start, model load, extraction), alternating, ROUNDS rounds.

Usage: python_speed.py VENV_PYTHON NEWSGRAPH_BIN INPUT THREADS ROUNDS OUT_JSON
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

py, binary, source, threads, rounds, out_json = sys.argv[1:7]
threads, rounds = int(threads), int(rounds)

PY_CODE = """
import sys, time, newsgraph
start = time.perf_counter()
g = newsgraph.Pipeline(threads=int(sys.argv[2])).extract_files(sys.argv[1])
print(time.perf_counter() - start, g.summary["documents_processed"], len(g.to_json()))
"""


def timed(cmd):
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {done.stderr}")
    return seconds, done


rows = {"cli": [], "python": []}
graphs = {}
with tempfile.TemporaryDirectory() as tmp:
    for r in range(rounds):
        out = os.path.join(tmp, "cli")
        cli = [binary, "extract", source, "-o", out, "--force", "--no-progress",
               "--threads", str(threads)]
        s, _ = timed(cli)
        rows["cli"].append(s)
        with open(os.path.join(out, "graph.json"), encoding="utf-8") as f:
            graphs["cli"] = len(f.read())
        s, done = timed([py, "-c", PY_CODE, source, str(threads)])
        rows["python"].append(s)
        graphs["python"] = int(done.stdout.split()[2])
        print(f"round {r + 1}: cli {rows['cli'][-1]:.2f} s, python {rows['python'][-1]:.2f} s",
              flush=True)

result = {
    "input": source,
    "threads": threads,
    "rounds": rounds,
    "seconds": rows,
    "median": {k: statistics.median(v) for k, v in rows.items()},
    "python_over_cli": statistics.median(rows["python"]) / statistics.median(rows["cli"]),
    "same_graph_size": graphs["cli"] == graphs["python"],
    "load_average": os.getloadavg(),
}
with open(out_json, "w", encoding="utf-8") as f:
    json.dump(result, f, indent=2)
print(json.dumps(result, indent=2))
