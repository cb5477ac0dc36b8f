# Sourced by ./scimoe, bin/test and .ci/run: exports JAVA_HOME as a JDK >= 21.
# The machine's default java may be 17; SciMoE (Lucene 10, Elasticsearch 9) needs 21 or newer.
scimoe_java_version() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}'
}

scimoe_find_jdk() {
  local cand v
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$cand" ] && [ -x "$cand/bin/javac" ] || continue
    v=$(scimoe_java_version "$cand")
    if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then
      echo "$cand"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(scimoe_find_jdk); then
  echo "SciMoE needs a JDK 21 or newer: set JAVA_HOME to one (none found under /usr/lib/jvm)." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
