# Sourced by plugin/bin/real-node-test and plugin/bench/*: a real Elasticsearch server (the
# integ-test-zip distribution, entitlements enforced as in production) with the plugin installed,
# on loopback, on ports the node picks itself, as an unprivileged user. Not a program of its own.
#
#   real_node_start <plugin.zip> <elasticsearch-x.y.z.zip> <heap, e.g. 1g> [extra elasticsearch.yml lines]
#                                                                         sets REAL_NODE_URL
#   real_node_stop                                                        (idempotent; call it from a trap)
#
# Security: REAL_NODE_SECURITY=true turns xpack security on (default false). Then REAL_NODE_PREPARE names a
# function that is called with the node's directory after the plugin is installed and before the node
# starts (to write config/roles.yml and add file-realm users with bin/elasticsearch-users), and
# REAL_NODE_AUTH=user:password is the user of real_node_call and of the start-up wait; a single call can
# take another user: REAL_NODE_AUTH=reader:pw real_node_call ..., or none: REAL_NODE_AUTH= real_node_call ...
#
# Needs: ES_JAVA_HOME (or JAVA_HOME) = a JDK 21+, curl, unzip (or the JDK's jar). As root, the node runs
# as uid/gid 65534 (Elasticsearch refuses to run as root) via setpriv; otherwise as the current user.

REAL_NODE_WORK=""
REAL_NODE_PID=""
REAL_NODE_URL=""
REAL_NODE_LOG=""

real_node_fail() {
  echo "real node: FAILED: $*" >&2
  exit 1
}

# The node's own log, for a failure message.
real_node_log_tail() {
  if [ -n "$REAL_NODE_LOG" ] && [ -f "$REAL_NODE_LOG" ]; then
    echo "---- last lines of $REAL_NODE_LOG ----" >&2
    tail -n "${1:-40}" "$REAL_NODE_LOG" >&2
    echo "----" >&2
  fi
}

real_node_unpack() { # zip, dir
  if command -v unzip > /dev/null; then
    unzip -q "$1" -d "$2"
  else
    # The JDK's jar keeps no file modes: make the launchers executable again.
    (cd "$2" && "$ES_JAVA_HOME/bin/jar" xf "$1") || real_node_fail "cannot unpack $1"
    chmod +x "$2"/*/bin/*
  fi
}

real_node_start() { # plugin zip, distribution zip, heap, extra settings
  local zip=$1 dist=$2 heap=${3:-1g} extra=${4:-}
  ES_JAVA_HOME=${ES_JAVA_HOME:-${JAVA_HOME:-}}
  [ -n "$ES_JAVA_HOME" ] && [ -x "$ES_JAVA_HOME/bin/java" ] || real_node_fail "set ES_JAVA_HOME or JAVA_HOME to a JDK 21+"
  export ES_JAVA_HOME
  [ -f "$zip" ] || real_node_fail "no plugin zip at $zip (mvn -pl plugin -am package -DskipTests makes it)"
  [ -f "$dist" ] || real_node_fail "no Elasticsearch distribution at $dist"
  command -v curl > /dev/null || real_node_fail "curl is needed"

  # Under /tmp, not under the checkout: the unprivileged user must be able to reach every parent directory.
  REAL_NODE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/scimoe-real-node.XXXXXX")
  chmod 755 "$REAL_NODE_WORK"
  real_node_unpack "$dist" "$REAL_NODE_WORK"
  local es
  es=$(echo "$REAL_NODE_WORK"/elasticsearch-*)
  [ -x "$es/bin/elasticsearch" ] || real_node_fail "unexpected distribution layout in $dist"
  "$es/bin/elasticsearch-plugin" install --batch "file://$(cd "$(dirname "$zip")" && pwd)/$(basename "$zip")" > "$REAL_NODE_WORK/install.log" 2>&1 \
    || { cat "$REAL_NODE_WORK/install.log" >&2; real_node_fail "elasticsearch-plugin install $zip"; }

  # Ports: the node takes the first free one of each range and writes it to logs/http.ports.
  cat >> "$es/config/elasticsearch.yml" <<YML
xpack.security.enabled: ${REAL_NODE_SECURITY:-false}
network.host: 127.0.0.1
http.port: 19200-19299
transport.port: 19300-19399
discovery.type: single-node
node.portsfile: true
cluster.routing.allocation.disk.threshold_enabled: false
$extra
YML
  printf -- "-Xms%s\n-Xmx%s\n" "$heap" "$heap" > "$es/config/jvm.options.d/heap.options"
  if [ -n "${REAL_NODE_PREPARE:-}" ]; then
    "$REAL_NODE_PREPARE" "$es" || real_node_fail "preparing the node ($REAL_NODE_PREPARE)"
  fi

  mkdir -p "$REAL_NODE_WORK/tmp"
  local run=()
  if [ "$(id -u)" = 0 ]; then
    command -v setpriv > /dev/null || real_node_fail "running as root needs setpriv (util-linux) to start Elasticsearch as uid 65534"
    chown -R 65534:65534 "$REAL_NODE_WORK"
    run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  fi
  REAL_NODE_LOG="$REAL_NODE_WORK/console.log"
  "${run[@]}" env ES_TMPDIR="$REAL_NODE_WORK/tmp" "$es/bin/elasticsearch" -p "$REAL_NODE_WORK/server.pid" > "$REAL_NODE_LOG" 2>&1 &
  REAL_NODE_PID=$!

  # A guard against a node that hangs, not a speed check: a machine shared with CPU-heavy jobs can take minutes.
  local started=$SECONDS port="" limit=${REAL_NODE_START_SECONDS:-600} auth=()
  if [ -n "${REAL_NODE_AUTH:-}" ]; then auth=(-u "$REAL_NODE_AUTH"); fi
  while [ $((SECONDS - started)) -lt "$limit" ]; do
    kill -0 "$REAL_NODE_PID" 2> /dev/null || { real_node_log_tail 60; real_node_fail "Elasticsearch exited while starting (log above)"; }
    if [ -z "$port" ] && [ -f "$es/logs/http.ports" ]; then
      port=$(head -1 "$es/logs/http.ports")
      port=${port##*:}
    fi
    if [ -n "$port" ] && curl -sf "${auth[@]}" "http://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&timeout=1s" > /dev/null 2>&1; then
      REAL_NODE_URL="http://127.0.0.1:$port"
      echo "real node: Elasticsearch up at $REAL_NODE_URL after $((SECONDS - started)) s (work dir $REAL_NODE_WORK)"
      return 0
    fi
    sleep 1
  done
  real_node_log_tail 60
  real_node_fail "Elasticsearch did not answer within $limit s (REAL_NODE_START_SECONDS)"
}

# Stops the node (the launcher stops its server process; the server's pid file is the fallback) and
# removes the work dir unless REAL_NODE_KEEP=1. Copies the node's log to $REAL_NODE_SAVE_LOG if set.
real_node_stop() {
  if [ -n "$REAL_NODE_PID" ]; then
    local server=""
    [ -f "$REAL_NODE_WORK/server.pid" ] && server=$(cat "$REAL_NODE_WORK/server.pid")
    kill "$REAL_NODE_PID" 2> /dev/null || true
    local waited=0
    while kill -0 "$REAL_NODE_PID" 2> /dev/null && [ $waited -lt 30 ]; do sleep 1; waited=$((waited + 1)); done
    kill -9 "$REAL_NODE_PID" 2> /dev/null || true
    if [ -n "$server" ] && kill -0 "$server" 2> /dev/null; then
      sleep 2
      kill -9 "$server" 2> /dev/null || true
    fi
    wait "$REAL_NODE_PID" 2> /dev/null || true
    REAL_NODE_PID=""
  fi
  if [ -n "$REAL_NODE_WORK" ] && [ -d "$REAL_NODE_WORK" ]; then
    if [ -n "${REAL_NODE_SAVE_LOG:-}" ]; then
      mkdir -p "$(dirname "$REAL_NODE_SAVE_LOG")"
      cat "$REAL_NODE_WORK"/elasticsearch-*/logs/elasticsearch.log > "$REAL_NODE_SAVE_LOG" 2> /dev/null || cp "$REAL_NODE_LOG" "$REAL_NODE_SAVE_LOG" 2> /dev/null || true
    fi
    if [ "${REAL_NODE_KEEP:-0}" != 1 ]; then
      rm -rf "$REAL_NODE_WORK"
    else
      echo "real node: kept $REAL_NODE_WORK"
    fi
    REAL_NODE_WORK=""
  fi
}

# curl with JSON; prints the body; fails (exit 1, naming the request) on a transport error.
real_node_call() { # method path [body|@file] [content-type]
  local method=$1 path=$2 body=${3:-} type=${4:-application/json}
  local args=(-sS -X "$method" -H "Content-Type: $type" "$REAL_NODE_URL$path")
  if [ -n "$body" ]; then
    if [[ "$body" == @* ]]; then args+=(--data-binary "$body"); else args+=(-d "$body"); fi
  fi
  if [ -n "${REAL_NODE_AUTH:-}" ]; then args+=(-u "$REAL_NODE_AUTH"); fi
  curl "${args[@]}" || real_node_fail "$method $path: no answer from the node"
}

# Like real_node_call, but prints "HTTP <status> <body>", for checks of the status (401, 403, ...).
real_node_status() { # method path [body]
  local method=$1 path=$2 body=${3:-}
  local args=(-sS -X "$method" -H "Content-Type: application/json" -w 'HTTP %{http_code} ' -o "$REAL_NODE_WORK/answer" "$REAL_NODE_URL$path")
  if [ -n "$body" ]; then args+=(-d "$body"); fi
  if [ -n "${REAL_NODE_AUTH:-}" ]; then args+=(-u "$REAL_NODE_AUTH"); fi
  curl "${args[@]}" || real_node_fail "$method $path: no answer from the node"
  cat "$REAL_NODE_WORK/answer"
}

# The demo abstracts (JSONL with "id") as a bulk body with _id = id, one action line per document.
real_node_bulk_body() { # jsonl file
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] || continue
    [[ "$line" =~ \"id\":\ *\"([^\"]+)\" ]] || real_node_fail "no \"id\" in a line of $1"
    printf '{"index":{"_id":"%s"}}\n%s\n' "${BASH_REMATCH[1]}" "$line"
  done < "$1"
}
