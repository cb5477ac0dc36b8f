#!/usr/bin/env bash
# Retrieval quality on the team's classic IR collections (../shared/data/classic-ir, not in the repo):
# nDCG@10 / Recall@100 / MRR@10 for knn (each model), bm25 and hybrid. Writes target/bench/classic-ir-<model>.jsonl.
# Cranfield's grades run the wrong way (1 = most relevant ... 4 = minimal, -1 = not relevant), so its
# judgments are rewritten to gain = 5 - grade (grade -1 -> 0) before evaluation.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DATA=${SCIMOE_CLASSIC_IR:-../shared/data/classic-ir}
OUT=target/bench
mkdir -p "$OUT"
bench/cranfield-gains "$DATA/cranfield/qrels/test.tsv" "$OUT/cranfield-gain.tsv"
for model in "$@"; do
  : > "$OUT/classic-ir-$model.jsonl"
  for c in cranfield medline cisi cacm; do
    qrels=()
    [ "$c" = cranfield ] && qrels=(--qrels "$OUT/cranfield-gain.tsv")
    echo "== $model $c" >&2
    printf '{"collection":"%s","model":"%s","scores":%s}\n' "$c" "$model" \
      "$(./scimoe eval "$DATA/$c" --model "$model" --device cpu --json "${qrels[@]}" 2>/dev/null)" >> "$OUT/classic-ir-$model.jsonl"
  done
done
