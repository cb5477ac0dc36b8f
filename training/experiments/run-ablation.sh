#!/usr/bin/env bash
# Ablation: domain experts at the encoder's learning rate (5e-6) instead of the new-parameter rate (1e-4).
# Experts start as copies of the pretrained FFN, so the "new parameter" rate moves pretrained weights 20x
# faster than the shared model's. Same data, seed and steps as run-all.sh; results in runs/domain-{1,all}-lr5e-6.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${SCIMOE_CLASSIC_IR:-../shared/data/classic-ir}
EXP=training/target/experiments
PAIRS=$EXP/pairs
declare -A COLLECTION=([aeronautics]=cranfield [medicine]=medline [information-science]=cisi [computing]=cacm)
for layers in middle all; do
  name=domain-1-lr5e-6
  [ "$layers" = all ] && name=domain-all-lr5e-6
  run=$EXP/runs/$name
  mkdir -p "$run"
  echo "== $name $(date -u +%H:%M:%S)" >&2
  ./scimoe-train train --pairs "$PAIRS" --steps "${STEPS:-100}" --batch 16 --max-tokens 64 --seed 42 --pairs-per-domain 1000 \
    --lr 5e-6 --lr-new 5e-6 --warmup 10 --mask-known-positives --device cpu \
    --variant domain --layers "$layers" --out "$run" --name "exp-$name" 2> >(grep -v -E 'WARN|^\s*$' >&2) > /dev/null
  ./scimoe-train eval --pairs "$PAIRS" --model "exp-$name" --models-dir "$run/bundle" --device cpu --json > "$run/pairs-eval.json"
  for domain in aeronautics medicine information-science computing; do
    qrels=()
    [ -f "$PAIRS/heldout-qrels/$domain.tsv" ] && qrels=(--qrels "$PAIRS/heldout-qrels/$domain.tsv")
    ./scimoe eval "$DATA/${COLLECTION[$domain]}" "${qrels[@]}" --mode knn --model "exp-$name" --models-dir "$run/bundle" \
      --device cpu --json --domain "$domain" > "$run/ndcg-$domain.json" 2>/dev/null
  done
done
