#!/usr/bin/env bash
# Installs the programs the tests read outputs back and run recipes with; safe to run
# again, and quiet when everything is already there.
# - NetworkX and python-igraph (pinned) in a virtual environment at .pytools/venv
#   (git-ignored); tests/tools/read_graph.py runs with its Python (tests/export.rs).
# - In the same environment: PySpark (tests/deploy.rs runs the Spark recipe in local[2]
#   mode) and kubernetes-validate (it checks the Kubernetes Jobs against the API schema).
# - NetworkX 2.8 (Debian 12's) in .pytools/networkx-2.8, for the README's reading code
#   (tests/readme.rs runs it with both NetworkX versions).
# - Graphviz's `dot` (Debian package graphviz) and a Java runtime for Spark (Debian
#   package default-jre-headless) when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

NETWORKX_VERSION=3.6.1
IGRAPH_VERSION=1.0.0
PYSPARK_VERSION=3.5.7
KUBERNETES_VALIDATE_VERSION=1.37.0
NETWORKX_OLD_VERSION=2.8.8
NETWORKX_OLD=.pytools/networkx-2.8
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

if ! "$PY" -c "import pyspark, kubernetes_validate, sys
from importlib.metadata import version
sys.exit(version('pyspark') != '$PYSPARK_VERSION' or version('kubernetes-validate') != '$KUBERNETES_VALIDATE_VERSION')" \
  >/dev/null 2>&1; then
  echo "test-tools: installing pyspark $PYSPARK_VERSION and kubernetes-validate $KUBERNETES_VALIDATE_VERSION into $VENV" >&2
  "$PY" -m pip install --quiet --disable-pip-version-check \
    "pyspark==$PYSPARK_VERSION" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
fi

if ! PYTHONPATH="$NETWORKX_OLD" "$PY" -c "import networkx, sys
sys.exit(networkx.__version__ != '$NETWORKX_OLD_VERSION')" >/dev/null 2>&1; then
  echo "test-tools: installing networkx $NETWORKX_OLD_VERSION into $NETWORKX_OLD" >&2
  rm -rf "$NETWORKX_OLD"
  "$PY" -m pip install --quiet --disable-pip-version-check --no-deps \
    --target "$NETWORKX_OLD" "networkx==$NETWORKX_OLD_VERSION"
fi

if ! java -version >/dev/null 2>&1; then
  echo "test-tools: installing default-jre-headless (Debian package, Java for Spark)" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends default-jre-headless >/dev/null
fi
