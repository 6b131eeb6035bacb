#!/usr/bin/env bash
# Installs the programs that tests/export.rs reads the export formats back with; safe to
# run again, and quiet when everything is already there.
# - NetworkX and python-igraph (pinned) in a virtual environment at .pytools/venv
#   (git-ignored); tests/tools/read_graph.py runs with its Python.
# - Graphviz's `dot` (Debian package graphviz) when it is not on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

NETWORKX_VERSION=3.6.1
IGRAPH_VERSION=1.0.0
VENV=.pytools/venv
PY="$VENV/bin/python"

if ! "$PY" -c "import networkx, igraph, sys
sys.exit(networkx.__version__ != '$NETWORKX_VERSION' or igraph.__version__ != '$IGRAPH_VERSION')" \
  >/dev/null 2>&1; then
  echo "test-tools: installing networkx $NETWORKX_VERSION and python-igraph $IGRAPH_VERSION into $VENV" >&2
  rm -rf "$VENV"
  if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    # Debian ships venv's pip bootstrap separately.
    echo "test-tools: installing python3-venv (Debian package)" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends python3-venv >/dev/null
  fi
  python3 -m venv "$VENV"
  "$PY" -m pip install --quiet --disable-pip-version-check \
    "networkx==$NETWORKX_VERSION" "python-igraph==$IGRAPH_VERSION" "igraph==$IGRAPH_VERSION"
fi

if ! command -v dot >/dev/null 2>&1; then
  echo "test-tools: installing graphviz (Debian package)" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends graphviz >/dev/null
fi
