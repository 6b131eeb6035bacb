#!/usr/bin/env bash
# Installs what tests/parser.rs reads the CoNLL-U output back with, into the test tools'
# venv (.pytools/venv, made by scripts/test-tools.sh): the `conllu` reader and UD's own
# validator and CoNLL 2018 scorer (`udtools`). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.pytools/venv/bin/python
if [ ! -x "$PY" ]; then
  bash scripts/test-tools.sh
fi
if ! "$PY" -c "import conllu, udtools, importlib.metadata as m, sys
sys.exit(m.version('conllu') != '6.0.0' or m.version('udtools') != '0.2.9')" >/dev/null 2>&1; then
  echo "ud-tools: installing conllu 6.0.0 and udtools 0.2.9 into .pytools/venv" >&2
  "$PY" -m pip install --quiet --disable-pip-version-check "conllu==6.0.0" "udtools==0.2.9"
fi
