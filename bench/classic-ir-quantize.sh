#!/usr/bin/env bash
# nDCG@10, kNN search latency and vector-index size by vector storage (none = float, int8, int4, binary)
# on the classic collections (../shared/data/classic-ir, not in the repo).
#   bench/classic-ir-quantize.sh MODEL [COLLECTION...]
# Each collection is embedded once (the eval vector cache, target/bench/vector-cache), then evaluated
# with each storage; the evaluation index is kept in target/bench/quantize/<collection>-<storage> to
# measure its size. Cranfield's grades are rewritten to gains as in classic-ir.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DATA=${SCIMOE_CLASSIC_IR:-../shared/data/classic-ir}
MODEL=$1; shift
COLLECTIONS=("${@:-cranfield medline cisi cacm}")
OUT=target/bench
mkdir -p "$OUT/quantize"
bench/cranfield-gains "$DATA/cranfield/qrels/test.tsv" "$OUT/cranfield-gain.tsv"
for c in ${COLLECTIONS[@]}; do
  qrels=()
  [ "$c" = cranfield ] && qrels=(--qrels "$OUT/cranfield-gain.tsv")
  for q in none int8 int4 binary; do
    dir="$OUT/quantize/$c-$q"
    rm -rf "$dir"
    scores=$(./scimoe eval "$DATA/$c" --model "$MODEL" --device cpu --mode knn --json --quantize "$q" \
      --cache-dir "$OUT/vector-cache" --index-dir "$dir" "${qrels[@]}" 2>>"$OUT/quantize.log")
    # the whole index (small segments are compound files); postings and stored fields are the same in
    # every storage, so the differences are the vectors' (bench/vector-search.sh gives the vector files alone)
    bytes=$(du -sb "$dir" | cut -f1)
    printf '{"collection":"%s","model":"%s","quantize":"%s","index_bytes":%s,"scores":%s}\n' "$c" "$MODEL" "$q" "$bytes" "$scores"
  done
done
