#!/usr/bin/env bash
# HNSW search latency and size by vector storage, and with/without Lucene's vectorised kernels.
#   bench/vector-search.sh INDEX [QUERIES] [ROUNDS]
# INDEX: an index written by `scimoe index` (any model). Its vectors are copied into one merged segment
# per storage (none = float, int8, int4, binary) under target/bench/vsearch/, then each copy is searched
# (k = 100, as the engine's kNN; QUERIES document vectors as queries, one warm-up pass) in fresh JVMs,
# alternating without and with --add-modules jdk.incubator.vector, ROUNDS times each. JSON lines out.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bin/env.sh
SRC=$1; QUERIES=${2:-500}; ROUNDS=${3:-3}
OUT=target/bench/vsearch
rm -rf "$OUT" && mkdir -p "$OUT/lib"
# a private copy of the engine jar, so a rebuild during the run cannot change it
cp $(ls src/target/scimoe-core-*.jar | grep -v -- '-tests.jar$') "$OUT/lib/"
CP="$(ls "$OUT"/lib/*.jar | paste -sd:):$(tr ':' '\n' < cli/target/classpath.txt | grep -v scimoe-core | paste -sd:)"
run() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED "$@"; }
for q in none int8 int4 binary; do
  run --add-modules jdk.incubator.vector -cp "$CP" bench/VectorSearchBench.java copy "$SRC" "$OUT/$q" "$q" 2>/dev/null
done
for r in $(seq "$ROUNDS"); do
  for q in none int8 int4 binary; do
    run -cp "$CP" bench/VectorSearchBench.java search "$OUT/$q" "$QUERIES" 100 2>/dev/null
    run --add-modules jdk.incubator.vector -cp "$CP" bench/VectorSearchBench.java search "$OUT/$q" "$QUERIES" 100 2>/dev/null
  done
done
