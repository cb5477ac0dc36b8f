#!/usr/bin/env bash
# The experiments of training/RESULTS.md: every variant trained on the same pairs with the same seed,
# then evaluated the same way. Needs training/experiments/make-pairs.sh first (and ../shared/data).
#   pair metrics  scimoe-train eval on the labelled test pairs (F1max etc. per domain and All)
#   retrieval     scimoe eval --mode knn on each collection with its held-out queries (queries whose
#                 judgments made no training pairs; CACM's pairs come from citations, so all its queries)
# Results: training/target/experiments/runs/<variant>/{summary.json,train-log.jsonl,pairs-eval.json,ndcg-*.json}
# Usage: training/experiments/run-all.sh [variant ...]   (default: all; STEPS=100 by default)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${SCIMOE_CLASSIC_IR:-../shared/data/classic-ir}
EXP=training/target/experiments
PAIRS=$EXP/pairs
STEPS=${STEPS:-100}
# Learning rates as the SB-MoE paper's order (encoder small, new parameters larger); known positives masked
# out of the in-batch negatives (co-relevance pairs come in cliques). Sanity runs that led here: RESULTS.md.
COMMON=(--pairs "$PAIRS" --steps "$STEPS" --batch 16 --max-tokens 64 --seed 42 --pairs-per-domain 1000
        --lr 5e-6 --lr-new 1e-4 --warmup 10 --mask-known-positives --device cpu)
declare -A ARGS=(
  [shared]="--variant shared"
  [domain-1]="--variant domain --layers middle"
  [domain-all]="--variant domain --layers all"
  [sbmoe-2-top1]="--variant sbmoe --freeze-encoder --experts 2 --gate top1"
  [sbmoe-4-top1]="--variant sbmoe --freeze-encoder --experts 4 --gate top1"
  [sbmoe-8-top1]="--variant sbmoe --freeze-encoder --experts 8 --gate top1"
  [sbmoe-2-all]="--variant sbmoe --freeze-encoder --experts 2 --gate all"
  [sbmoe-4-all]="--variant sbmoe --freeze-encoder --experts 4 --gate all"
  [sbmoe-8-all]="--variant sbmoe --freeze-encoder --experts 8 --gate all"
)
ORDER=(base shared domain-1 domain-all sbmoe-2-top1 sbmoe-4-top1 sbmoe-8-top1 sbmoe-2-all sbmoe-4-all sbmoe-8-all)
[ $# -gt 0 ] && ORDER=("$@")
declare -A COLLECTION=([aeronautics]=cranfield [medicine]=medline [information-science]=cisi [computing]=cacm)

evaluate() { # run-dir model models-dir routed(yes/no)
  local run=$1 model=$2 dir=$3 routed=$4
  ./scimoe-train eval --pairs "$PAIRS" --model "$model" --models-dir "$dir" --device cpu --json > "$run/pairs-eval.json"
  for domain in aeronautics medicine information-science computing; do
    local c=${COLLECTION[$domain]} qrels=()
    if [ -f "$PAIRS/heldout-qrels/$domain.tsv" ]; then qrels=(--qrels "$PAIRS/heldout-qrels/$domain.tsv"); fi
    local route=()
    [ "$routed" = yes ] && route=(--domain "$domain")
    ./scimoe eval "$DATA/$c" "${qrels[@]}" --mode knn --model "$model" --models-dir "$dir" --device cpu --json "${route[@]}" \
      > "$run/ndcg-$domain.json" 2>/dev/null
  done
}

for v in "${ORDER[@]}"; do
  run=$EXP/runs/$v
  mkdir -p "$run"
  echo "== $v $(date -u +%H:%M:%S)" >&2
  if [ "$v" = base ]; then
    echo '{"variant": "base MiniLM-L6 (no training)", "parameters": 22713216}' > "$run/summary.json"
    evaluate "$run" minilm-l6-v2 onnx-models/target/bundles no
    continue
  fi
  # shellcheck disable=SC2086
  ./scimoe-train train "${COMMON[@]}" ${ARGS[$v]} --out "$run" --name "exp-$v" 2> >(grep -v -E 'WARN|^\s*$' >&2) > /dev/null
  routed=no
  [[ $v == domain-* ]] && routed=yes
  evaluate "$run" "exp-$v" "$run/bundle" "$routed"
done
echo "done $(date -u +%H:%M:%S)" >&2
