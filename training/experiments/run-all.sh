#!/usr/bin/env bash
# The experiments of training/RESULTS.md on the pairs of make-pairs.sh (hep-th, CACM, CiteSeer co-citation;
# Cranfield, MEDLINE, CISI co-relevance). Every variant starts from MiniLM-L6 with the same seed.
#   train     only the domains with new co-citation data (physics, computing) train; the classic collections'
#             domains get no batches (their pairs still make the test pairs), so a domain-routed model keeps
#             their experts as the pretrained FFN. Validation every VALID updates; the best weights are kept
#             (per expert for a domain-routed model with a frozen encoder).
#   evaluate  pair metrics on the labelled test pairs (F1max etc. per domain and All); nDCG@10 / R@100 (kNN) on
#             each citation-prediction benchmark (cite-*) and each classic collection with its held-out queries.
# Results: training/target/experiments/runs/<variant>/{summary.json,train-log.jsonl,pairs-eval.json,ndcg-*.json}
# Usage: training/experiments/run-all.sh [variant ...]      (STEPS=150 VALID=30 by default; RESUME=1 continues runs from
# their checkpoints; pooled vectors are kept in parts, so a pooling cut short goes on where it stopped)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${SCIMOE_DATA:-../shared/data}
CLASSIC=$DATA/classic-ir
EXP=training/target/experiments
PAIRS=${PAIRS:-$EXP/pairs}
STEPS=${STEPS:-150}
VALID=${VALID:-30}
export SCIMOE_JAVA_OPTS="${SCIMOE_JAVA_OPTS:--Xmx12g}"
# Frozen encoder: the experts (or the shared FFN) are new parameters at 1e-4; known positives masked out of the
# in-batch negatives; per epoch 2,400 physics and 800 computing pairs, none of the co-relevance domains.
COMMON=(--pairs "$PAIRS" --steps "$STEPS" --batch 32 --max-tokens 64 --seed 42 --lr 5e-6 --lr-new 1e-4 --warmup 10
        --mask-known-positives --device cpu --validate-every "$VALID" --valid-pairs 64 --valid-labelled 50
        --pairs-per-domain 0 --domain-pairs physics=2400 --domain-pairs computing=800)
# SB-MoE on a frozen encoder trains on pooled vectors cached once by ONNX Runtime at the bundle's 256 tokens (what
# the served block receives; one pooling pass shared by every SB-MoE run), so its steps are milliseconds: batches of
# 128 pairs, 1,500 updates, every domain (the block applies to every text, so every domain's data keeps it honest).
POOLED=(--pairs "$PAIRS" --steps "${SBMOE_STEPS:-1500}" --batch 128 --seed 42 --lr-new 1e-3 --warmup 50 --mask-known-positives
        --device cpu --validate-every 100 --valid-pairs 256 --valid-labelled 0 --pool-with-engine --pool-cache "$EXP/pooled-minilm-256.bin"
        --pairs-per-domain 2000 --domain-pairs physics=20000 --domain-pairs computing=4000)
# SB-MoE on citations (pairs of make-pairs.sh with --direct-pairs physics): hep-th citations and co-citations, batches of
# 256 on vectors pooled once at 256 tokens; the kept weights are those with the best nDCG@10 on the validation citation
# benchmark (300 more held-out citing papers, valid-cite-physics), checked every 250 updates. Only physics trains; with
# -keep, every batch also holds 256 training documents of the other domains, which the block must leave in place.
# A variant named bge-cite-... is the cite-... recipe on bge-small-en-v1.5 (its own pool cache). Every cite-* run tests its
# block and the base side by side on pooled vectors (train --test-benchmark/--test-pairs: the engine's evaluator, each text
# pooled once) instead of re-embedding every collection through its bundle: test.json.
CITE=(--pairs "$PAIRS" --seed 42 --lr-new 1e-3 --warmup 100 --mask-known-positives
      --device cpu --validate-every 250 --valid-pairs 256 --valid-labelled 0 --valid-benchmark "$PAIRS/valid-cite-physics"
      --pairs-per-domain 0 --domain-pairs physics=100000 --pool-with-engine --test-pairs)
for bench in cite-physics cite-computing cite-computing-citeseer; do CITE+=(--test-benchmark "$bench=$PAIRS/$bench"); done
for domain in aeronautics:cranfield medicine:medline information-science:cisi computing:cacm; do
  CITE+=(--test-benchmark "${domain%%:*}=$CLASSIC/${domain#*:}")
  [ -f "$PAIRS/heldout-qrels/${domain%%:*}.tsv" ] && CITE+=(--test-qrels "${domain%%:*}=$PAIRS/heldout-qrels/${domain%%:*}.tsv")
done
declare -A ARGS=(
  [cite-sbmoe-4-all]="--variant sbmoe --freeze-encoder --experts 4 --gate all --batch 256 --steps 4000"
  [cite-sbmoe-4-all-b1024]="--variant sbmoe --freeze-encoder --experts 4 --gate all --batch 1024 --steps 2000 --symmetric --preserve-weight 10"
  [cite-sbmoe-4-all-keep]="--variant sbmoe --freeze-encoder --experts 4 --gate all --batch 256 --min-batch 128 --steps 3000 --preserve-weight 1"
  [cite-sbmoe-4-all-keep10]="--variant sbmoe --freeze-encoder --experts 4 --gate all --batch 256 --min-batch 128 --steps 3000 --preserve-weight 10"
  [cite-sbmoe-8-all-keep10]="--variant sbmoe --freeze-encoder --experts 8 --gate all --batch 256 --min-batch 128 --steps 3000 --preserve-weight 10"
  [cite-sbmoe-2-all-keep10]="--variant sbmoe --freeze-encoder --experts 2 --gate all --batch 256 --min-batch 128 --steps 3000 --preserve-weight 10"
  [cite-sbmoe-4-top1-keep10]="--variant sbmoe --freeze-encoder --experts 4 --gate top1 --batch 256 --min-batch 128 --steps 3000 --preserve-weight 10"
  [cite-shared-keep10]="--variant sbmoe --freeze-encoder --experts 1 --gate all --batch 256 --min-batch 128 --steps 3000 --preserve-weight 10"
  [shared-1]="--variant shared --freeze-encoder --layers middle"
  [domain-1]="--variant domain --freeze-encoder --layers middle"
  [domain-all]="--variant domain --freeze-encoder --layers all"
  [sbmoe-2-top1]="--variant sbmoe --freeze-encoder --experts 2 --gate top1"
  [sbmoe-4-top1]="--variant sbmoe --freeze-encoder --experts 4 --gate top1"
  [sbmoe-8-top1]="--variant sbmoe --freeze-encoder --experts 8 --gate top1"
  [sbmoe-2-all]="--variant sbmoe --freeze-encoder --experts 2 --gate all"
  [sbmoe-4-all]="--variant sbmoe --freeze-encoder --experts 4 --gate all"
  [sbmoe-8-all]="--variant sbmoe --freeze-encoder --experts 8 --gate all"
)
ORDER=(base domain-1 shared-1 sbmoe-4-top1 domain-all)
[ $# -gt 0 ] && ORDER=("$@")
declare -A COLLECTION=([aeronautics]=cranfield [medicine]=medline [information-science]=cisi [computing]=cacm)
declare -A BENCH_DOMAIN=([cite-physics]=physics [cite-computing]=computing [cite-computing-citeseer]=computing)

evaluate() { # run-dir model models-dir routed(yes/no)
  local run=$1 model=$2 dir=$3 routed=$4 route
  if [ -n "${QUICK:-}" ]; then # screening: the hep-th citation benchmark only
    ./scimoe eval "$PAIRS/cite-physics" --mode knn --model "$model" --models-dir "$dir" --device cpu --json > "$run/ndcg-cite-physics.json" 2>/dev/null
    return
  fi
  ./scimoe-train eval --pairs "$PAIRS" --model "$model" --models-dir "$dir" --device cpu --json > "$run/pairs-eval.json"
  for bench in cite-physics cite-computing cite-computing-citeseer; do
    route=(); [ "$routed" = yes ] && route=(--domain "${BENCH_DOMAIN[$bench]}")
    ./scimoe eval "$PAIRS/$bench" --mode knn --model "$model" --models-dir "$dir" --device cpu --json "${route[@]}" \
      > "$run/ndcg-$bench.json" 2>/dev/null
  done
  for domain in aeronautics medicine information-science computing; do
    local c=${COLLECTION[$domain]} qrels=()
    if [ -f "$PAIRS/heldout-qrels/$domain.tsv" ]; then qrels=(--qrels "$PAIRS/heldout-qrels/$domain.tsv"); fi
    route=(); [ "$routed" = yes ] && route=(--domain "$domain")
    ./scimoe eval "$CLASSIC/$c" "${qrels[@]}" --mode knn --model "$model" --models-dir "$dir" --device cpu --json "${route[@]}" \
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
  if [ ! -f "$run/summary.json" ] || [ -n "${RETRAIN:-}" ]; then
    # shellcheck disable=SC2086
    recipe=${v#bge-} model=(--pool-cache "$EXP/pooled-256.bin")
    [[ $v == bge-* ]] && model=(--model bge-small-en-v1.5 --pool-cache "$EXP/pooled-bge-small-256.bin")
    if [[ $v == sbmoe-* ]]; then base_args=("${POOLED[@]}"); elif [[ $recipe == cite-* ]]; then base_args=("${CITE[@]}" "${model[@]}"); else base_args=("${COMMON[@]}"); fi
    # libtorch has crashed a JVM (SIGSEGV in native code) a few times in thousands of updates: checkpoint every 250
    # updates and resume from the last checkpoint, at most 3 times (a resumed run equals an uninterrupted one).
    resume=() # RESUME=1: continue a run cut short (a session's end) from its last checkpoint
    [ -n "${RESUME:-}" ] && [ -f "$run/checkpoint.bin" ] && resume=(--resume)
    : > "$run/train.err"
    for attempt in 1 2 3 4; do
      if ./scimoe-train train "${base_args[@]}" ${ARGS[$recipe]} --checkpoint-every 250 "${resume[@]}" --out "$run" --name "exp-$v" \
           2> >(grep --line-buffered -v -E 'WARN|^\s*$' >> "$run/train.err") > /dev/null; then
        break
      fi
      [ "$attempt" = 4 ] || [ ! -f "$run/checkpoint.bin" ] && { echo "   training $v failed" >&2; exit 1; }
      echo "   the JVM died (attempt $attempt); resuming from $run/checkpoint.bin" >&2
      resume=(--resume)
    done
  fi
  echo "   trained $(date -u +%H:%M:%S)" >&2
  [ -n "${TRAIN_ONLY:-}" ] && continue
  [[ ${v#bge-} == cite-* ]] && continue # tested on pooled vectors by train itself (test.json)
  routed=no
  [[ $v == domain-* ]] && routed=yes
  evaluate "$run" "exp-$v" "$run/bundle" "$routed"
done
echo "done $(date -u +%H:%M:%S)" >&2
