#!/bin/sh
# Runs the newsgraph shards whose numbers Spark's RDD.pipe writes to stdin (one per
# line) and prints each finished shard's output folder.
#   shard.sh NEWSGRAPH ARCHIVE RESULTS N
# Everything comes from the arguments, with absolute paths: pipe() starts this script
# with only the environment it is given (none, by default), so there is no PATH.
# Any failure exits non-zero: a shard that could not run (1), or that ran but lost
# documents (3, listed in its problems.jsonl). With pipe(..., checkCode=True) that fails
# the Spark task, and so the job.
set -eu
if [ $# -ne 4 ]; then
  echo "usage: shard.sh NEWSGRAPH ARCHIVE RESULTS N" >&2
  exit 2
fi
NEWSGRAPH=$1
ARCHIVE=$2
RESULTS=$3
N=$4
while read -r K; do
  OUT="$RESULTS/shard-$K"
  status=0
  "$NEWSGRAPH" extract "$ARCHIVE" --shard "$K/$N" --threads 1 --no-progress --resume \
    -o "$OUT" >&2 || status=$?
  if [ "$status" -ne 0 ]; then
    echo "shard.sh: shard $K/$N failed with exit status $status (see $OUT)" >&2
    exit "$status"
  fi
  echo "$OUT"
done
