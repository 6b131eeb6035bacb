#!/usr/bin/env bash
# Installs newsgraph into PREFIX, self-contained:
#   PREFIX/bin/newsgraph
#   PREFIX/share/newsgraph/models/<every model directory of models/>
#   PREFIX/share/newsgraph/lib/libonnxruntime.so.<version> (+ its licence files)
# The installed binary finds these beside itself, from any directory and with no
# environment variable set (`env -i PREFIX/bin/newsgraph doctor` says so). It never
# reads the checkout it came from. The container image (Dockerfile) is this tree.
#
# Usage: bash scripts/install.sh [--no-build] [--bin FILE] PREFIX
#   --no-build   do not run scripts/setup.sh (ONNX Runtime into .ort/, cargo build);
#                use what is already built
#   --bin FILE   install this binary instead of target/release/newsgraph
# Safe to run again: the share directory is replaced, not added to.
set -euo pipefail

usage() {
  echo "usage: bash scripts/install.sh [--no-build] [--bin FILE] PREFIX" >&2
  exit 2
}

BUILD=1
BIN=
PREFIX=
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --bin) [ $# -ge 2 ] || usage; BIN=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) usage ;;
    *) [ -z "$PREFIX" ] || usage; PREFIX=$1 ;;
  esac
  shift
done
[ -n "$PREFIX" ] || usage

REPO=$(cd "$(dirname "$0")/.." && pwd -P)
if [ "$BUILD" = 1 ]; then
  bash "$REPO/scripts/setup.sh"
fi
# cargo builds into $CARGO_TARGET_DIR when it is set (relative to the checkout, where
# scripts/setup.sh runs cargo).
TARGET=${CARGO_TARGET_DIR:-target}
case "$TARGET" in /*) ;; *) TARGET=$REPO/$TARGET ;; esac
BIN=${BIN:-$TARGET/release/newsgraph}
ORT_DIR=$REPO/.ort/site/onnxruntime/capi

if [ ! -x "$BIN" ]; then
  echo "install: no binary at $BIN: run bash scripts/setup.sh first (or drop --no-build)" >&2
  exit 1
fi
shopt -s nullglob
LIBS=("$ORT_DIR"/libonnxruntime.so*)
if [ ${#LIBS[@]} -eq 0 ]; then
  echo "install: no ONNX Runtime library in $ORT_DIR: run bash scripts/setup.sh first" >&2
  exit 1
fi
MODELS=("$REPO"/models/*/)
if [ ${#MODELS[@]} -eq 0 ]; then
  echo "install: no model directory in $REPO/models" >&2
  exit 1
fi

PREFIX=$(realpath -m "$PREFIX")
case "$PREFIX/" in
  "$REPO"/*) echo "install: PREFIX must be outside the checkout ($REPO)" >&2; exit 1 ;;
esac
mkdir -p "$PREFIX/bin"
SHARE=$PREFIX/share/newsgraph

# Built beside, then swapped in, so a failed copy leaves the old install whole.
rm -rf "$SHARE.new"
mkdir -p "$SHARE.new/lib" "$SHARE.new/models"
for m in "${MODELS[@]}"; do
  cp -R "${m%/}" "$SHARE.new/models/"
done
cp -L "${LIBS[@]}" "$SHARE.new/lib/"
# ONNX Runtime's licence and notices travel with its library.
for f in "$REPO"/.ort/site/onnxruntime/LICENSE "$REPO"/.ort/site/onnxruntime/ThirdPartyNotices.txt; do
  if [ -f "$f" ]; then cp "$f" "$SHARE.new/lib/onnxruntime-$(basename "$f")"; fi
done
rm -rf "$SHARE"
mv "$SHARE.new" "$SHARE"
install -m 0755 "$BIN" "$PREFIX/bin/newsgraph.new"
mv "$PREFIX/bin/newsgraph.new" "$PREFIX/bin/newsgraph"

echo "install: newsgraph installed in $PREFIX (models: $(cd "$SHARE/models" && echo *))" >&2
echo "install: check it with: env -i $PREFIX/bin/newsgraph doctor" >&2
