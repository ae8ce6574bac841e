#!/usr/bin/env bash
# A private etcd + kube-apiserver (v1.20.2, no kubelet, no scheduler) on free loopback ports,
# for integration tests (*IT) of the controller and the webhook.
#
#   bare-apiserver.sh start DIR [--port N] [--etcd-port N] [--with-controller-manager]
#       starts etcd and kube-apiserver with data, logs and certs in DIR, waits for /readyz
#       (at most 60 s), writes DIR/kubeconfig (admin token, system:masters), DIR/pids and
#       DIR/env (API_PORT, ETCD_PORT, SERVER, TOKEN, KUBECONFIG), and prints the kubeconfig
#       path as its last line. Ports are chosen free unless given. Idempotent: a DIR whose
#       processes run already just prints its kubeconfig.
#       --with-controller-manager also runs kube-controller-manager (default service
#       accounts, garbage collection, ...).
#   bare-apiserver.sh stop DIR
#       stops what DIR/pids lists and removes the data (etcd, certs, tokens); keeps DIR/logs.
#
# Several instances may run at once in different DIRs. The Kubernetes binaries come from
# local-cluster.sh's cache (it builds them when missing: run it as root).
set -euo pipefail

SC_LOG_TAG=bare-apiserver
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

PORT_RESERVATIONS=/tmp/sidecarset-port-reservations

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

# reserve_port DIR: print a free port not reserved (in the last 120 s) by another start.
reserve_port() {
  local owner=$1 p i f
  mkdir -p "$PORT_RESERVATIONS"
  for ((i = 0; i < 200; i++)); do
    p=$(free_port)
    f="$PORT_RESERVATIONS/$p"
    if [[ -f $f ]] && [[ -n $(find "$f" -mmin -2 2>/dev/null) ]] && [[ $(<"$f") != "$owner" ]]; then
      continue
    fi
    printf '%s\n' "$owner" >"$f"
    printf '%s\n' "$p"
    return 0
  done
  die "no free port found"
}

release_ports() {
  local owner=$1 f
  [[ -d $PORT_RESERVATIONS ]] || return 0
  for f in "$PORT_RESERVATIONS"/*; do
    [[ -f $f ]] || continue
    [[ $(<"$f") == "$owner" ]] && rm -f "$f"
  done
  return 0
}

readyz_ok() {
  [[ $(curl -sS --max-time 2 --cacert "$1/pki/ca.crt" -H "Authorization: Bearer $2" \
    "https://127.0.0.1:$3/readyz" 2>/dev/null) == ok ]]
}

etcd_ok() { curl -sS --max-time 2 "http://127.0.0.1:$1/health" 2>/dev/null | grep -q '"health":"true"'; }

dir_running() {
  local dir=$1 name pid any=0
  [[ -f $dir/pids ]] || return 1
  while read -r name pid; do
    [[ -n $pid ]] || continue
    pid_is "$name" "$pid" || return 1
    any=1
  done <"$dir/pids"
  [[ $any -eq 1 ]]
}

ensure_tools() {
  local need=0 p
  for p in etcd-server curl openssl iproute2; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need=1
  done
  if [[ $need -eq 1 ]]; then
    [[ $(id -u) -eq 0 ]] || die "packages etcd-server curl openssl iproute2 are needed: install them as root"
    apt_ensure etcd-server curl openssl iproute2
  fi
  if ! k8s_binaries_present; then
    log "no cached Kubernetes binaries: running local-cluster.sh build (about 8 min)..."
    "$SCRIPT_DIR/local-cluster.sh" build
  fi
  if ! BIN=$(k8s_bin_dir) || ! k8s_complete "$BIN"; then die "no Kubernetes binaries after the build"; fi
}

# start_once DIR API_PORT ETCD_PORT PEER_PORT WITH_CM: 0 = up, 2 = a port was taken (retry).
start_once() {
  local dir=$1 api_port=$2 etcd_port=$3 peer_port=$4 with_cm=$5 token=$6
  local logs="$dir/logs"
  : >"$dir/pids"
  start_bg etcd "$dir/etcd.pid" "$logs/etcd.log" /usr/bin/etcd \
    --name bare --data-dir "$dir/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "bare=http://127.0.0.1:$peer_port" --logger zap
  echo "etcd $(<"$dir/etcd.pid")" >>"$dir/pids"
  local deadline=$((SECONDS + 30))
  until etcd_ok "$etcd_port"; do
    if ! pidfile_alive "$dir/etcd.pid"; then
      grep -q 'address already in use' "$logs/etcd.log" && return 2
      die_log "etcd exited during start-up" "$logs/etcd.log"
    fi
    ((SECONDS < deadline)) || die_log "etcd not healthy after 30s" "$logs/etcd.log"
    sleep 0.1
  done

  start_bg kube-apiserver "$dir/kube-apiserver.pid" "$logs/kube-apiserver.log" "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" --insecure-port 0 \
    --tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
    --client-ca-file "$dir/pki/ca.crt" --cert-dir "$dir/pki" \
    --token-auth-file "$dir/tokens.csv" \
    --authorization-mode Node,RBAC \
    --service-account-key-file "$dir/pki/sa.pub" --service-account-signing-key-file "$dir/pki/sa.key" \
    --service-account-issuer https://kubernetes.default.svc \
    --service-cluster-ip-range 10.96.0.0/24 --allow-privileged=true \
    --profiling=false --v 1
  echo "kube-apiserver $(<"$dir/kube-apiserver.pid")" >>"$dir/pids"
  deadline=$((SECONDS + 60))
  until readyz_ok "$dir" "$token" "$api_port"; do
    if ! pidfile_alive "$dir/kube-apiserver.pid"; then
      grep -q 'address already in use' "$logs/kube-apiserver.log" && return 2
      die_log "kube-apiserver exited during start-up" "$logs/kube-apiserver.log"
    fi
    ((SECONDS < deadline)) || die_log "kube-apiserver not ready after 60s" "$logs/kube-apiserver.log"
    sleep 0.2
  done

  if [[ $with_cm -eq 1 ]]; then
    # Its own serving port must not collide with another instance's: take a free one.
    local cm_port
    cm_port=$(reserve_port "$dir")
    start_bg kube-controller-manager "$dir/kube-controller-manager.pid" "$logs/kube-controller-manager.log" \
      "$BIN/kube-controller-manager" \
      --kubeconfig "$dir/kubeconfig" --authentication-kubeconfig "$dir/kubeconfig" \
      --authorization-kubeconfig "$dir/kubeconfig" \
      --service-account-private-key-file "$dir/pki/sa.key" --root-ca-file "$dir/pki/ca.crt" \
      --use-service-account-credentials=true --leader-elect=false --controllers '*,-nodeipam' \
      --bind-address 127.0.0.1 --port 0 --secure-port "$cm_port" --v 1
    echo "kube-controller-manager $(<"$dir/kube-controller-manager.pid")" >>"$dir/pids"
  fi
  return 0
}

cmd_start() {
  local dir="" api_port="" etcd_port="" with_cm=0
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --port) api_port=$2; shift 2 ;;
      --port=*) api_port=${1#*=}; shift ;;
      --etcd-port) etcd_port=$2; shift 2 ;;
      --etcd-port=*) etcd_port=${1#*=}; shift ;;
      --with-controller-manager) with_cm=1; shift ;;
      -*) die "unknown option $1" ;;
      *) [[ -z $dir ]] || die "one DIR only"; dir=$1; shift ;;
    esac
  done
  [[ -n $dir ]] || { usage >&2; exit 2; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if dir_running "$dir"; then
    log "already running in $dir"
    printf '%s\n' "$dir/kubeconfig"
    return 0
  fi
  # Leftovers of a start that failed half-way.
  [[ -f $dir/pids ]] && cmd_stop "$dir" >/dev/null 2>&1
  local p
  for p in $api_port $etcd_port; do
    port_in_use "$p" && die "port $p is in use"
  done
  ensure_tools
  local t0=$SECONDS
  mkdir -p "$dir/logs"
  rm -rf "$dir/etcd-data"
  gen_pki "$dir/pki"
  local token
  token=$(random_token)
  (
    umask 077
    printf '%s,admin,admin,"system:masters"\n' "$token" >"$dir/tokens.csv"
  )

  local attempt rc given_api=$api_port given_etcd=$etcd_port peer_port
  for attempt in 1 2 3; do
    api_port=${given_api:-$(reserve_port "$dir")}
    etcd_port=${given_etcd:-$(reserve_port "$dir")}
    peer_port=$(reserve_port "$dir")
    write_kubeconfig "$dir/kubeconfig" "https://127.0.0.1:$api_port" "$dir/pki/ca.crt" "$token" admin
    log "starting etcd (127.0.0.1:$etcd_port) and kube-apiserver (127.0.0.1:$api_port) in $dir..."
    rc=0
    start_once "$dir" "$api_port" "$etcd_port" "$peer_port" "$with_cm" "$token" || rc=$?
    [[ $rc -eq 0 ]] && break
    log "a port was taken (attempt $attempt): retrying with other ports"
    stop_processes "$dir"
    rm -rf "$dir/etcd-data"
    release_ports "$dir"
    [[ -n $given_api || -n $given_etcd ]] && die "a given port is in use (see $dir/logs)"
  done
  [[ $rc -eq 0 ]] || die "could not start on free ports after 3 attempts (see $dir/logs)"
  cat >"$dir/env" <<EOF
API_PORT=$api_port
ETCD_PORT=$etcd_port
SERVER=https://127.0.0.1:$api_port
TOKEN=$token
KUBECONFIG=$dir/kubeconfig
EOF
  chmod 600 "$dir/env"
  log "ready in $((SECONDS - t0))s: https://127.0.0.1:$api_port (stop: $0 stop $dir)"
  printf '%s\n' "$dir/kubeconfig"
}

stop_processes() {
  local dir=$1 name pid i
  [[ -f $dir/pids ]] || return 0
  # Reverse order: controller-manager, apiserver, etcd.
  while read -r name pid; do
    [[ -n $pid ]] || continue
    if pid_is "$name" "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      for ((i = 0; i < 150; i++)); do
        pid_is "$name" "$pid" || break
        sleep 0.1
      done
      if pid_is "$name" "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$dir/$name.pid"
  done < <(tac "$dir/pids")
  rm -f "$dir/pids"
}

cmd_stop() {
  local dir=${1:-}
  [[ -n $dir ]] || { usage >&2; exit 2; }
  [[ -d $dir ]] || { log "no $dir: nothing to stop"; return 0; }
  dir=$(cd "$dir" && pwd)
  stop_processes "$dir"
  release_ports "$dir"
  rm -rf "$dir/etcd-data" "$dir/pki" "$dir/tokens.csv" "$dir/kubeconfig" "$dir/env"
  log "stopped; data removed from $dir (logs kept in $dir/logs)"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
