#!/usr/bin/env bash
# The experiments' pairs: five scientific domains from ../shared/data (not in the repo).
#   physics      arXiv hep-th: co-citation from 320k citations (at most 30 references per citing paper,
#                pairs co-cited at least twice); 300 citing papers held out as a citation-prediction
#                benchmark (cite-physics/: corpus of their cited papers + distractors, 4,000 documents)
#   computing    CACM co-citation from the SMART .X links (type 5 = direct citation, oriented citing = the
#                later paper) and CiteSeer co-citation; each with its own held-out citation benchmark
#   aeronautics, medicine, information-science: co-relevance from half of each collection's queries
#                (Cranfield's grades rewritten to gain = 5 - grade first); the other half is held out
#                for retrieval evaluation (written to heldout-qrels/).
# Output: training/target/experiments/pairs (see PairDataset for the layout).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${SCIMOE_DATA:-../shared/data}
CLASSIC=$DATA/classic-ir
OUT=training/target/experiments
mkdir -p "$OUT"
awk -F'\t' 'NR > 1 && $3 == 5 && $1 != $2 { a = $1 + 0; b = $2 + 0; if (a > b) print a "\t" b; else print b "\t" a }' \
  "$CLASSIC/cacm/citations_X.tsv" | sort -u > "$OUT/cacm-citations.tsv"
# Cranfield: grades 1-3 (of 1 = most relevant .. 4 = minimal) count as relevant for pairs.
awk 'NR==1 {print; next} {g=($3>=1 && $3<=3) ? 5-$3 : 0; print $1"\t"$2"\t"g}' "$CLASSIC/cranfield/qrels/test.tsv" > "$OUT/cranfield-gain.tsv"
# min-count 2 keeps hep-th's 406k pairs co-cited at least twice (of 1.2M); the small sources need every pair,
# so each source runs with its own minimum: pairs are built per citations file, merged after.
./scimoe-train pairs --out "${PAIRS_OUT:-$OUT/pairs}" \
  --collection physics="$DATA/arxiv-hep-th" --citations physics="$DATA/arxiv-hep-th/citations.tsv" \
  --collection computing="$CLASSIC/cacm" --citations computing="$OUT/cacm-citations.tsv" \
  --collection computing/citeseer="$DATA/citeseer" --citations computing/citeseer="$DATA/citeseer/citations.tsv" \
  --collection aeronautics="$CLASSIC/cranfield" --qrels aeronautics="$OUT/cranfield-gain.tsv" \
  --collection medicine="$CLASSIC/medline" \
  --collection information-science="$CLASSIC/cisi" \
  --domains physics,computing,aeronautics,medicine,information-science \
  --max-refs 30 --min-count-of physics=2 --holdout-citing 300 --holdout-min-refs 5 --benchmark-corpus 4000 \
  --train-queries 0.5 --fractions 0.8,0.1 --max-labelled 400 --seed 42 "$@"
