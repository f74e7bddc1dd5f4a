#!/usr/bin/env bash
# Runs a real single-node OpenSearch on loopback for development, tests and benchmarks.
#
#   tools/scripts/opensearch-local.sh start|stop|status|url|install
#   tools/scripts/opensearch-local.sh start-cluster|stop-cluster|pid
#
# start-cluster runs three nodes of one cluster on loopback (HTTP 9201-9203, transport
# 9301-9303, heap 512m each, one data folder each under $OPENSEARCH_HOME_DIR/cluster-node-<port>)
# from the same cached distribution, for the reliability scenarios of
# tests/reliability/test_three_node_cluster.py; stop-cluster stops them. One node of it is
# started or stopped with OPENSEARCH_CLUSTER=1 OPENSEARCH_PORT=920N start|stop; `pid` prints the
# process id of the node on OPENSEARCH_PORT (for a kill -9).
#
# The minimal distribution that plugin builds use (integ-test-zip) is fetched from Maven Central
# with Maven, plus the modules our index needs (analysis-common for the Indonesian analysis chain,
# mapper-extras for search_as_you_type, reindex for zero-downtime reindexing, lang-mustache for
# the did-you-mean suggester's collate query, which Amazon OpenSearch Service has too). Everything is cached
# under $OPENSEARCH_HOME_DIR (default /var/cache/cariberita as root, else ~/.cache/cariberita), outside the repository, so a second start
# reuses it. OpenSearch refuses to run as root, so as root the node runs as an unprivileged user
# this script creates. Security is off: this node is for loopback use only.
#
# If OPENSEARCH_ENDPOINT is set, no node is started: that cluster is used as it is.
set -euo pipefail

VERSION="${OPENSEARCH_VERSION:-2.19.6}"
PORT="${OPENSEARCH_PORT:-9200}"
HEAP="${OPENSEARCH_HEAP:-2g}"
# As root the node user must be able to read the cache, and /root is private: use /var/cache.
if [ "$(id -u)" = 0 ]; then DEFAULT_CACHE=/var/cache/cariberita; else DEFAULT_CACHE="$HOME/.cache/cariberita"; fi
CACHE="${OPENSEARCH_HOME_DIR:-$DEFAULT_CACHE}"
RUN_USER="${OPENSEARCH_RUN_USER:-opensearch}"
DIST="$CACHE/opensearch-$VERSION"
CLUSTER_PORTS=(9201 9202 9203)
if [ -n "${OPENSEARCH_CLUSTER:-}" ]; then DATA="$CACHE/cluster-node-$PORT"; else DATA="$CACHE/node-$PORT"; fi
PIDFILE="$DATA/opensearch.pid"
LOG="$DATA/stdout.log"
MODULES=(
  "analysis-common:org.opensearch.analysis.common.CommonAnalysisPlugin"
  "mapper-extras-client:org.opensearch.index.mapper.MapperExtrasPlugin"
  "reindex-client:org.opensearch.index.reindex.ReindexPlugin"
  "lang-mustache-client:org.opensearch.script.mustache.MustachePlugin"
)
# Jars the reindex module loads that the minimal distribution lacks (its remote-reindex client).
REINDEX_EXTRA=(
  "org.opensearch:opensearch-ssl-config:$VERSION"
  "org.opensearch.client:opensearch-rest-client:$VERSION"
  "org.apache.httpcomponents:httpclient:4.5.14"
  "org.apache.httpcomponents:httpcore:4.4.16"
  "org.apache.httpcomponents:httpasyncclient:4.1.5"
  "org.apache.httpcomponents:httpcore-nio:4.4.16"
  "commons-codec:commons-codec:1.16.1"
  "commons-logging:commons-logging:1.2"
)

# The template engine lang-mustache loads (its POM's version for OpenSearch 2.19).
MUSTACHE_EXTRA=("com.github.spullara.mustache.java:compiler:0.9.14")

log() { printf '[opensearch-local] %s\n' "$*" >&2; }

url() { printf 'http://127.0.0.1:%s\n' "$PORT"; }

# Up means the node answers with a cluster state. A red status counts as up: a leftover index
# broken by a killed run must not make every later run wait for a node that is already there
# (each test and the index bootstrap wait for their own index's health).
healthy() {
  local endpoint="$1" health
  health="$(curl -fsS --max-time 2 "$endpoint/_cluster/health" 2>/dev/null)" || return 1
  case "$health" in
    *'"status":"red"'*) log "cluster $endpoint is red (an index is unavailable); carrying on" ;;
    *'"status":"green"'* | *'"status":"yellow"'*) ;;
    *) return 1 ;;
  esac
}

fetch() {
  # Maven resolves from Central by coordinates; we copy the artifact out of its local repository.
  local coords="$1" out="$2"
  mvn -q -B dependency:copy -Dartifact="$coords" -DoutputDirectory="$out" -Dmdep.useBaseVersion=true \
    >"$CACHE/mvn.log" 2>&1 || { cat "$CACHE/mvn.log" >&2; log "could not fetch $coords from Maven Central"; exit 1; }
}

# One module from Maven Central into $DIST/modules, with the jars it loads that the minimal
# distribution lacks and, where it needs one, its security policy.
install_module() {
  local entry="$1" tmp="$2" artifact classname name extra rest
  artifact="${entry%%:*}"; classname="${entry#*:}"; name="${artifact%-client}"
  fetch "org.opensearch.plugin:$artifact:$VERSION" "$tmp"
  rm -rf "$DIST/modules/$name"
  mkdir -p "$DIST/modules/$name"
  cp "$tmp/$artifact-$VERSION.jar" "$DIST/modules/$name/"
  local extras=()
  [ "$name" = reindex ] && extras=("${REINDEX_EXTRA[@]}")
  [ "$name" = lang-mustache ] && extras=("${MUSTACHE_EXTRA[@]}")
  for extra in "${extras[@]}"; do
    fetch "$extra" "$tmp"
    rest="${extra#*:}"
    cp "$tmp/${rest%%:*}-${rest#*:}.jar" "$DIST/modules/$name/"
  done
  if [ "$name" = lang-mustache ]; then
    # The module's own policy (the distribution ships it beside the jar; Maven's jar lacks it):
    # mustache.java reflects over the objects it renders.
    cat >"$DIST/modules/$name/plugin-security.policy" <<'POLICY'
grant {
  permission java.lang.RuntimePermission "accessDeclaredMembers";
};
POLICY
  fi
  cat >"$DIST/modules/$name/plugin-descriptor.properties" <<PROPS
description=$name module (from Maven Central)
version=$VERSION
name=$name
classname=$classname
java.version=11
opensearch.version=$VERSION
custom.foldername=
extended.plugins=
has.native.controller=false
PROPS
}

# A module listed above and missing from an installed distribution (a cache from before it was
# listed): fetched on its own, so the cache is not downloaded again.
install_missing_modules() {
  local entry artifact missing=() tmp
  for entry in "${MODULES[@]}"; do
    artifact="${entry%%:*}"
    [ -f "$DIST/modules/${artifact%-client}/plugin-descriptor.properties" ] || missing+=("$entry")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  tmp="$(mktemp -d "$CACHE/download.XXXXXX")"
  for entry in "${missing[@]}"; do
    log "adding module ${entry%%:*} to $DIST"
    install_module "$entry" "$tmp"
  done
  rm -rf "$tmp"
}

install() {
  if [ -x "$DIST/bin/opensearch" ] && [ -f "$DIST/.complete" ]; then
    install_missing_modules
    return 0
  fi
  command -v java >/dev/null || { log "java (17+) is required: apt-get install openjdk-17-jre-headless"; exit 1; }
  command -v mvn >/dev/null || { log "maven is required: apt-get install maven"; exit 1; }
  command -v unzip >/dev/null || { log "unzip is required: apt-get install unzip"; exit 1; }
  mkdir -p "$CACHE"
  local tmp; tmp="$(mktemp -d "$CACHE/download.XXXXXX")"
  log "downloading OpenSearch $VERSION from Maven Central into $CACHE (once)"
  fetch "org.opensearch.distribution.integ-test-zip:opensearch:$VERSION:zip" "$tmp"
  rm -rf "$DIST"
  unzip -q "$tmp/opensearch-$VERSION.zip" -d "$CACHE"
  local entry
  for entry in "${MODULES[@]}"; do
    install_module "$entry" "$tmp"
  done
  rm -rf "$tmp"
  touch "$DIST/.complete"
  log "installed $DIST"
}

ensure_user() {
  [ "$(id -u)" = 0 ] || return 0
  id "$RUN_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_USER"
}

# The pid of a live node that this script started for this port, if any. Found by its config
# directory, not only by the pid file: a pid file can outlive its node (a killed session, a
# reboot), its number can be reused, and a node can outlive its pid file.
node_pid() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null)" || pid=""
  if [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" \
      | grep -qxF -- "-Dopensearch.path.conf=$DATA/config"; then
    echo "$pid"; return 0
  fi
  pgrep -o -f -- "-Dopensearch\.path\.conf=$DATA/config( |\$)"
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

wait_healthy() {
  local pid="$1" i
  for i in $(seq 1 "${OPENSEARCH_START_TIMEOUT_S:-180}"); do
    if healthy "$(url)"; then
      # Give existing indices a moment to recover, so the first searches find them; a red
      # leftover does not hold the start up for longer.
      curl -fsS --max-time 32 "$(url)/_cluster/health?wait_for_status=yellow&timeout=30s" >/dev/null 2>&1 \
        || log "existing indices are not all available yet (cluster not yellow after 30s)"
      log "ready after ${i}s"; url; return 0
    fi
    kill -0 "$pid" 2>/dev/null || { log "the node (pid $pid) exited during start-up"; return 1; }
    sleep 1
  done
  log "the node (pid $pid) did not become healthy in ${OPENSEARCH_START_TIMEOUT_S:-180}s"
  return 1
}

# One node alone, or one node of the three-node loopback cluster (OPENSEARCH_CLUSTER=1).
discovery_yml() {
  if [ -z "${OPENSEARCH_CLUSTER:-}" ]; then echo "discovery.type: single-node"; return; fi
  local p seeds="" names=""
  for p in "${CLUSTER_PORTS[@]}"; do
    seeds="$seeds\"127.0.0.1:$((p + 100))\", "; names="$names\"local-$p\", "
  done
  printf 'discovery.seed_hosts: [%s]\ncluster.initial_cluster_manager_nodes: [%s]\n' "${seeds%, }" "${names%, }"
}

cluster() {
  local action="$1" p pids=() failed=0
  for p in "${CLUSTER_PORTS[@]}"; do
    # In parallel: a node of a new cluster answers only once a majority has joined.
    OPENSEARCH_CLUSTER=1 OPENSEARCH_PORT="$p" OPENSEARCH_HEAP="${OPENSEARCH_HEAP_CLUSTER:-512m}" \
      OPENSEARCH_ENDPOINT="" "$0" "$action" >/dev/null &
    pids+=("$!")
  done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  [ "$failed" = 0 ] || { log "$action-cluster failed"; exit 1; }
  [ "$action" = start ] && printf 'http://127.0.0.1:%s\n' "${CLUSTER_PORTS[@]}"
  return 0
}

start() {
  if [ -n "${OPENSEARCH_ENDPOINT:-}" ]; then
    healthy "$OPENSEARCH_ENDPOINT" || { log "OPENSEARCH_ENDPOINT=$OPENSEARCH_ENDPOINT is not reachable"; exit 1; }
    log "using existing cluster $OPENSEARCH_ENDPOINT"; echo "$OPENSEARCH_ENDPOINT"; return 0
  fi
  # One start at a time per port (a test run and `make run` may race): the second one waits,
  # then finds the node healthy.
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.start-$PORT.lock"
  flock 9
  if healthy "$(url)"; then log "already running on $(url)"; url; return 0; fi
  local pid
  if pid="$(node_pid)"; then
    # Our node from an earlier start, still starting or busy: wait for it rather than start a
    # second node on the same data directory (which would fail on its lock).
    log "node pid $pid on $(url) is up but not answering yet; waiting"
    wait_healthy "$pid" && return 0
    log "it did not recover; stop it with: $0 stop"; exit 1
  fi
  rm -f "$PIDFILE"  # stale: its node is gone
  if port_taken; then
    log "port $PORT is taken by something that is not a healthy OpenSearch; free it or set OPENSEARCH_PORT"
    exit 1
  fi
  install
  ensure_user
  mkdir -p "$DATA/data" "$DATA/logs" "$DATA/config"
  cp -r "$DIST/config/." "$DATA/config/"
  # jvm.options names logs/ and data/ relative to the distribution, which the node user cannot write.
  sed -i -e "s#logs/#$DATA/logs/#g" -e "s#HeapDumpPath=data#HeapDumpPath=$DATA/data#" "$DATA/config/jvm.options"
  cat >"$DATA/config/opensearch.yml" <<YML
cluster.name: cariberita-local${OPENSEARCH_CLUSTER:+-cluster}
node.name: local-$PORT
network.host: 127.0.0.1
http.port: $PORT
transport.port: $((PORT + 100))
$(discovery_yml)
path.data: $DATA/data
path.logs: $DATA/logs
# Tests and benchmarks fill the disk of a shared machine; do not go read-only at 95%.
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: false
YML
  [ "$(id -u)" = 0 ] && chown -R "$RUN_USER:$RUN_USER" "$DATA" && chmod o+rx "$CACHE" "$DIST"
  local as_node_user=()
  # setpriv keeps the environment (JAVA_HOME, OPENSEARCH_JAVA_OPTS) and needs no PAM or tty.
  [ "$(id -u)" = 0 ] && as_node_user=(setpriv --reuid="$RUN_USER" --regid="$RUN_USER" --init-groups)
  log "starting OpenSearch $VERSION on $(url) (heap $HEAP, logs in $DATA/logs)"
  # In the foreground (no -d) under setsid: $! is the node itself (setpriv and bin/opensearch both
  # exec), so a node that dies during start-up is seen at once, and it outlives this script.
  (
    exec 9>&-  # the node must not hold the start lock
    cd "$DATA"
    export OPENSEARCH_PATH_CONF="$DATA/config"
    export OPENSEARCH_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP ${OPENSEARCH_EXTRA_JAVA_OPTS:-}"
    export JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
    exec setsid "${as_node_user[@]}" "$DIST/bin/opensearch" -p "$PIDFILE" </dev/null >"$LOG" 2>&1
  ) &
  pid=$!
  if wait_healthy "$pid"; then return 0; fi
  log "last lines the node printed ($LOG):"
  tail -n 40 "$LOG" >&2
  kill "$pid" 2>/dev/null || true
  exit 1
}

stop() {
  local pid
  if ! pid="$(node_pid)"; then
    rm -f "$PIDFILE"
    log "no node started by this script is running on port $PORT"
    return 0
  fi
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
  log "stopped"
}

case "${1:-start}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) if healthy "${OPENSEARCH_ENDPOINT:-$(url)}"; then echo "up ${OPENSEARCH_ENDPOINT:-$(url)}"; else echo down; exit 1; fi ;;
  url) echo "${OPENSEARCH_ENDPOINT:-$(url)}" ;;
  start-cluster) install; cluster start ;;
  stop-cluster) cluster stop ;;
  pid) node_pid ;;
  *) echo "usage: $0 install|start|stop|status|url|start-cluster|stop-cluster|pid" >&2; exit 2 ;;
esac
