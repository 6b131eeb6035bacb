#!/usr/bin/env bash
# Sets up newsgraph, then runs every test (unit tests, and integration tests that run
# the real binary on real files with the shipped model; tests needing ../shared skip
# with a printed reason when it is absent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The programs the export tests read each format back with (NetworkX 3.6 and 2.8, igraph,
# Graphviz), PySpark with a Java runtime and kubernetes-validate for the deploy recipes,
# headless Chromium for the HTML report test, and the CoNLL-U reader and UD validator
# for the parser's output.
bash scripts/test-tools.sh
bash scripts/report-tools.sh
bash scripts/ud-tools.sh
export NEWSGRAPH_REQUIRE_TOOLS=1
# The examples are library users (examples/meets_per_month.rs runs the pipeline into a
# sink of its own): they must keep building as the library changes.
cargo build --release --locked --examples
cargo test --release --locked
# The Python package (python/): the wheel built, installed into a fresh virtual environment
# and tested there with pytest against the command line's outputs.
bash scripts/test-python.sh
# The rust-bert backend (cargo feature rust-bert) needs PyTorch 2.4.0, about 5 GB: its tests
# run only where .torch/venv already holds it; otherwise this says why they are skipped.
if .torch/venv/bin/python -c 'import torch; assert torch.__version__.startswith("2.4.0")' 2>/dev/null; then
  bash scripts/test-rust-bert.sh
else
  echo "skipped: the rust-bert backend's tests (no torch 2.4.0 in .torch/venv; bash scripts/test-rust-bert.sh installs it and runs them)"
fi
