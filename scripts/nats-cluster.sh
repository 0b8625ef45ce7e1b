#!/usr/bin/env bash
# A 3-node nats-server cluster with JetStream on loopback, for tests, benchmarks and local trials.
#
#   scripts/nats-cluster.sh start DIR        start 3 nodes, wait until each one's /healthz is ok
#   scripts/nats-cluster.sh stop DIR         stop the nodes started in DIR (by PID; SIGTERM, then SIGKILL)
#   scripts/nats-cluster.sh kill-node DIR N  SIGKILL node N (1..3), keeps its data and ports
#   scripts/nats-cluster.sh start-node DIR N start node N again (same ports and data), wait for /healthz
#   scripts/nats-cluster.sh urls DIR         print the client URLs (comma-separated)
#
# DIR gets: nN.conf, nN.log, nN.pid, nN/ (JetStream data), ports.env (every port), urls
# (nats://127.0.0.1:P1,nats://127.0.0.1:P2,nats://127.0.0.1:P3 on one line).
# Ports: free ones are chosen unless NATS_CLIENT_PORTS, NATS_CLUSTER_PORTS and NATS_MONITOR_PORTS
# (three space-separated numbers each) are set. NATS_SERVER overrides the binary;
# NATS_READY_TIMEOUT (seconds, default 30) bounds the wait for /healthz.
# Plain /healthz (not ?js-enabled-only=true) answers ok only once JetStream has a meta leader.
set -euo pipefail

NATS_SERVER=${NATS_SERVER:-$(command -v nats-server || echo /usr/sbin/nats-server)}
READY_TIMEOUT=${NATS_READY_TIMEOUT:-30}

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

die() {
  echo "nats-cluster.sh: $*" >&2
  exit 1
}

port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    ss -Htln "sport = :$1" 2>/dev/null | grep -q .
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# Prints N distinct free TCP ports on loopback, below the kernel's ephemeral range (so that no
# outgoing connection of another program takes one between this check and nats-server's bind).
free_ports() {
  local want=$1 found=() p tries=0 lo=32768 hi
  if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then
    read -r lo _ </proc/sys/net/ipv4/ip_local_port_range
  fi
  if [ "$lo" -gt 12000 ]; then hi=$((lo - 1)); else hi=11999; fi
  while [ "${#found[@]}" -lt "$want" ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 1000 ] || die "no free ports found"
    p=$((10000 + (RANDOM * 32768 + RANDOM) % (hi - 10000)))
    case " ${found[*]} " in *" $p "*) continue ;; esac
    port_in_use "$p" && continue
    found+=("$p")
  done
  echo "${found[*]}"
}

write_config() {
  local dir=$1 n=$2 i routes=""
  for i in 1 2 3; do
    routes+="    nats-route://127.0.0.1:${CLUSTER_PORTS[$((i - 1))]}"$'\n'
  done
  cat >"$dir/n$n.conf" <<EOF
server_name: nc-n$n
listen: 127.0.0.1:${CLIENT_PORTS[$((n - 1))]}
http: 127.0.0.1:${MONITOR_PORTS[$((n - 1))]}
jetstream {
  store_dir: "$dir/n$n"
  max_memory_store: 64MB
  max_file_store: 2GB
}
cluster {
  name: newscrawl-test
  listen: 127.0.0.1:${CLUSTER_PORTS[$((n - 1))]}
  routes: [
$routes  ]
}
EOF
}

load_ports() {
  local dir=$1
  [ -f "$dir/ports.env" ] || die "$dir/ports.env not found: was the cluster started with '$0 start $dir'?"
  # shellcheck disable=SC1091
  . "$dir/ports.env"
  read -r -a CLIENT_PORTS <<<"$CLIENT"
  read -r -a CLUSTER_PORTS <<<"$CLUSTER"
  read -r -a MONITOR_PORTS <<<"$MONITOR"
}

node_alive() {
  local dir=$1 n=$2
  [ -f "$dir/n$n.pid" ] && kill -0 "$(cat "$dir/n$n.pid")" 2>/dev/null
}

launch_node() {
  local dir=$1 n=$2
  if node_alive "$dir" "$n"; then die "node $n is already running (pid $(cat "$dir/n$n.pid"))"; fi
  mkdir -p "$dir/n$n"
  "$NATS_SERVER" -c "$dir/n$n.conf" >>"$dir/n$n.log" 2>&1 &
  echo $! >"$dir/n$n.pid"
}

# Waits until node N answers ok on /healthz (JetStream up with a meta leader).
wait_ready() {
  local dir=$1 n=$2 deadline=$((SECONDS + READY_TIMEOUT))
  local url="http://127.0.0.1:${MONITOR_PORTS[$((n - 1))]}/healthz"
  while [ "$SECONDS" -lt "$deadline" ]; do
    node_alive "$dir" "$n" || die "node $n exited; see $dir/n$n.log: $(tail -n 3 "$dir/n$n.log")"
    if curl -sf --max-time 2 "$url" 2>/dev/null | grep -q '"ok"'; then return 0; fi
    sleep 0.2
  done
  die "node $n not healthy after ${READY_TIMEOUT}s ($url); see $dir/n$n.log"
}

stop_node() {
  local dir=$1 n=$2 signal=${3:-TERM} pid i
  [ -f "$dir/n$n.pid" ] || return 0
  pid=$(cat "$dir/n$n.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "-$signal" "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    # Reap it when it is our child (start-node in this shell); otherwise it is gone already.
    wait "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/n$n.pid"
}

check_node_number() {
  case "$1" in 1 | 2 | 3) ;; *) die "node number must be 1, 2 or 3 (got '$1')" ;; esac
}

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || usage
case "$cmd" in
  start)
    [ -x "$NATS_SERVER" ] || die "nats-server not found (install the nats-server package or set NATS_SERVER)"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    for n in 1 2 3; do node_alive "$dir" "$n" && die "a cluster is already running in $dir"; done
    # Ports chosen here can still be taken by someone else before nats-server binds them: then
    # the whole start is retried with new ports (up to 3 times). Given ports are tried once.
    attempts=3
    [ -n "${NATS_CLIENT_PORTS:-}" ] && attempts=1
    for attempt in $(seq 1 "$attempts"); do
      if [ -n "${NATS_CLIENT_PORTS:-}" ]; then
        read -r -a CLIENT_PORTS <<<"$NATS_CLIENT_PORTS"
        read -r -a CLUSTER_PORTS <<<"${NATS_CLUSTER_PORTS:?set NATS_CLUSTER_PORTS too}"
        read -r -a MONITOR_PORTS <<<"${NATS_MONITOR_PORTS:?set NATS_MONITOR_PORTS too}"
      else
        read -r -a all <<<"$(free_ports 9)"
        CLIENT_PORTS=("${all[@]:0:3}")
        CLUSTER_PORTS=("${all[@]:3:3}")
        MONITOR_PORTS=("${all[@]:6:3}")
      fi
      [ "${#CLIENT_PORTS[@]}" -eq 3 ] && [ "${#CLUSTER_PORTS[@]}" -eq 3 ] &&
        [ "${#MONITOR_PORTS[@]}" -eq 3 ] || die "each NATS_*_PORTS needs three ports"
      cat >"$dir/ports.env" <<EOF
CLIENT="${CLIENT_PORTS[*]}"
CLUSTER="${CLUSTER_PORTS[*]}"
MONITOR="${MONITOR_PORTS[*]}"
EOF
      urls=""
      for n in 1 2 3; do
        write_config "$dir" "$n"
        urls+="${urls:+,}nats://127.0.0.1:${CLIENT_PORTS[$((n - 1))]}"
      done
      echo "$urls" >"$dir/urls"
      for n in 1 2 3; do launch_node "$dir" "$n"; done
      ready=1
      for n in 1 2 3; do
        if ! (wait_ready "$dir" "$n"); then
          ready=0
          break
        fi
      done
      [ "$ready" = 1 ] && break
      for m in 1 2 3; do stop_node "$dir" "$m" KILL; done
      [ "$attempt" -lt "$attempts" ] || exit 1
      echo "nats-cluster.sh: start attempt $attempt failed, retrying with new ports" >&2
      rm -rf "${dir:?}/n1" "${dir:?}/n2" "${dir:?}/n3"
    done
    echo "$urls"
    ;;
  stop)
    [ -d "$dir" ] || exit 0
    # SIGTERM to all first (each takes ~2 s to shut JetStream down), then wait for each.
    for n in 1 2 3; do
      [ -f "$dir/n$n.pid" ] && kill -TERM "$(cat "$dir/n$n.pid")" 2>/dev/null || true
    done
    for n in 1 2 3; do stop_node "$dir" "$n" TERM; done
    ;;
  kill-node)
    check_node_number "${3:-}"
    node_alive "$dir" "$3" || die "node $3 is not running"
    stop_node "$dir" "$3" KILL
    ;;
  start-node)
    check_node_number "${3:-}"
    dir=$(cd "$dir" && pwd)
    load_ports "$dir"
    launch_node "$dir" "$3"
    wait_ready "$dir" "$3"
    ;;
  urls)
    cat "$dir/urls"
    ;;
  *)
    usage
    ;;
esac
