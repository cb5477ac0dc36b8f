#!/usr/bin/env bash
# Ingest throughput of `scimoe index` with and without passages (issue 11), side by side in one run:
# the same JSONL indexed into a fresh index once per setting, each in its own JVM, one after another.
#   [ROUNDS=N] bench/chunked-index.sh [CORPUS.jsonl] [DOCS] [MODEL]
# Default corpus: CiteSeer (../shared/data/citeseer, the team's longest texts), its first DOCS (1000)
# documents. Prints one JSON line per setting and round: docs, passages, seconds, docs/s, passages/s,
# truncated. ROUNDS (default 1) repeats the three settings in turn, so that on a shared machine a
# change of load hits every setting rather than one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
CORPUS=${1:-../shared/data/citeseer/corpus.jsonl}
DOCS=${2:-1000}
MODEL=${3:-minilm-l6-v2}
OUT=target/bench/chunked-index
mkdir -p "$OUT"
head -n "$DOCS" "$CORPUS" > "$OUT/input.jsonl"
ROUNDS=${ROUNDS:-1}
run() { # label, extra index options...
  local label=$1; shift
  rm -rf "$OUT/index-$label"
  local out
  out=$(./scimoe index "$OUT/input.jsonl" --index "$OUT/index-$label" --model "$MODEL" --device cpu "$@" 2>>"$OUT/log")
  echo "$out" >&2
  # "indexed N documents, skipped S, truncated T, with M on cpu in X s (R docs/s) ..." [+ "as P passages ... (Q passages/s)"]
  echo "$out" | awk -v label="$label" -v model="$MODEL" -v round="$round" '
    /^indexed/ { docs=$2; trunc=$7; sub(",", "", trunc); secs=$13; dps=$15; sub(/^\(/, "", dps) }
    /^as / { p=$2; split($0, a, "; "); pps=a[2]; sub(/ passages\/s\)/, "", pps) }
    END { if (p == "") { p = docs; pps = dps }
          printf "{\"round\":%s,\"setting\":\"%s\",\"model\":\"%s\",\"docs\":%s,\"passages\":%s,\"truncated\":%s,\"seconds\":%s,\"docs_per_s\":%s,\"passages_per_s\":%s}\n",
                 round, label, model, docs, p, trunc, secs, dps, pps }'
}
for round in $(seq 1 "$ROUNDS"); do
  run whole
  run chunk256 --chunk-tokens 256
  run chunk128 --chunk-tokens 128 --chunk-overlap 16
done
