#!/usr/bin/env bash
# The experiments' pairs: four scientific domains from ../shared/data/classic-ir (not in the repo).
#   computing    CACM: co-citation from the SMART .X links (type 5 = direct citation, listed on both
#                papers; oriented citing = the later paper, i.e. the higher CACM number)
#   aeronautics, medicine, information-science: co-relevance from half of each collection's queries
#                (Cranfield's grades rewritten to gain = 5 - grade first); the other half is held out
#                for retrieval evaluation (written to heldout-qrels/).
# Output: training/target/experiments/pairs (see PairDataset for the layout).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${SCIMOE_CLASSIC_IR:-../shared/data/classic-ir}
OUT=training/target/experiments
mkdir -p "$OUT"
awk -F'\t' 'NR > 1 && $3 == 5 && $1 != $2 { a = $1 + 0; b = $2 + 0; if (a > b) print a "\t" b; else print b "\t" a }' \
  "$DATA/cacm/citations_X.tsv" | sort -u > "$OUT/cacm-citations.tsv"
# Cranfield: grades 1-3 (of 1 = most relevant .. 4 = minimal) count as relevant for pairs.
awk 'NR==1 {print; next} {g=($3>=1 && $3<=3) ? 5-$3 : 0; print $1"\t"$2"\t"g}' "$DATA/cranfield/qrels/test.tsv" > "$OUT/cranfield-gain.tsv"
./scimoe-train pairs --out "$OUT/pairs" \
  --collection aeronautics="$DATA/cranfield" --qrels aeronautics="$OUT/cranfield-gain.tsv" \
  --collection medicine="$DATA/medline" \
  --collection information-science="$DATA/cisi" \
  --collection computing="$DATA/cacm" --citations computing="$OUT/cacm-citations.tsv" \
  --domains aeronautics,medicine,information-science,computing \
  --train-queries 0.5 --fractions 0.8,0.1 --max-labelled 400 --seed 42 "$@"
