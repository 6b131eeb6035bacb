#!/usr/bin/env bash
# Sets up newsgraph, then extracts the graph of the example article into out/example/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
./target/release/newsgraph extract examples/ -o out/example
