#!/usr/bin/env bash
# Sets up newsgraph, then extracts the graph of the example article into out/example/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# --force: a second run replaces the first one's outputs.
./target/release/newsgraph extract examples/ -o out/example --force
