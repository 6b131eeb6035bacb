#!/usr/bin/env bash
# Memory and time against the size of the input (README, "Measured"): peak RSS and wall
# time of `extract` on synthetic archives, and of the same documents' results through the
# run's sinks without the model; time per document against its size.
#
#   benches/flat_memory.sh extract [SIZES...]   extract end to end, both kinds (default 20000 200000 1000000)
#   benches/flat_memory.sh sinks [SIZES...]     model-free: results through the sinks, both kinds (same default)
#   benches/flat_memory.sh doc-size [BYTES...]  one name-dense document (default 1 2 4 MiB): extract,
#                                               and the stages after NER timed model-free
#
# KINDS=short or KINDS=dense limits the kinds; THREADS (default 2) is extract's --threads.
# Documents: benches/flat_memory.rs (`generate`): "short" are news-like documents naming
# a bounded cast; "dense" is the claim-dense kind of issue 16 (two of 2,000 people meet,
# an organisation states a figure), so its graph grows with every document.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
shift || true
kinds=${KINDS:-short dense}
threads=${THREADS:-2}
work=${WORK:-$(mktemp -d)}
cargo build --release --quiet
bench=$(cargo build --release --bench flat_memory --message-format=json --quiet |
    jq -r 'select(.executable != null and .target.name == "flat_memory") | .executable')

# Runs a command under /usr/bin/time -v; prints wall seconds and peak RSS (MB).
timed() {
    /usr/bin/time -v "$@" 2> "$work/time.txt" > "$work/stdout.txt" || {
        cat "$work/time.txt" >&2
        return 1
    }
    local wall rss
    wall=$(grep 'Elapsed (wall clock)' "$work/time.txt" | awk '{print $NF}')
    rss=$(grep 'Maximum resident set size' "$work/time.txt" | awk '{print $NF}')
    echo "wall $wall, peak RSS $((rss / 1024)) MB"
}

case $mode in
extract)
    sizes=${*:-20000 200000 1000000}
    for kind in $kinds; do
        for n in $sizes; do
            "$bench" generate "$kind" "$n" > "$work/$kind.jsonl"
            rm -rf "$work/out"
            line=$(timed target/release/newsgraph extract "$work/$kind.jsonl" --out "$work/out" \
                --threads "$threads" --no-progress)
            nodes=$(jq .nodes "$work/out/summary.json")
            links=$(jq .links "$work/out/summary.json")
            rss=$(jq .peak_rss_bytes "$work/out/run.json")
            echo "extract $kind $n documents: $line; $nodes nodes, $links edges;" \
                "$((rss / (nodes + links))) bytes per node+edge"
        done
    done
    ;;
sinks)
    sizes=${*:-20000 200000 1000000}
    for kind in $kinds; do
        for n in $sizes; do
            rm -rf "$work/out"
            line=$(timed "$bench" sinks "$kind" "$n" "$work/out")
            echo "$(cat "$work/stdout.txt") [$line]"
        done
    done
    ;;
doc-size)
    sizes=${*:-1048576 2097152 4194304}
    for bytes in $sizes; do
        "$bench" stages "$bytes"
        "$bench" generate-named "$bytes" > "$work/named.jsonl"
        rm -rf "$work/out"
        echo "extract one name-dense document of $bytes bytes: $(timed target/release/newsgraph \
            extract "$work/named.jsonl" --out "$work/out" --threads "$threads" --no-progress)"
    done
    ;;
*)
    sed -n '2,13p' "$0"
    exit 2
    ;;
esac
rm -rf "$work"
