#!/usr/bin/env bash
# A real single-node Kubernetes v1.20.2 cluster on a Debian 12 machine with no container
# registry: Kubernetes built from Debian's own source package, Debian's etcd and docker.io.
#
#   local-cluster.sh build        install packages, build and cache the Kubernetes binaries
#   local-cluster.sh up           build if needed, start dockerd, etcd, apiserver,
#                                 controller-manager, scheduler, kubelet; wait for a Ready node
#   local-cluster.sh down [--all] stop the cluster, remove its pod containers, mounts and etcd
#                                 data (--all: stop the dockerd these scripts started too)
#   local-cluster.sh status       show each component; exit 0 if all are up, 1 otherwise
#   local-cluster.sh kubeconfig   print the admin kubeconfig path
#   local-cluster.sh kubectl ARGS run the cached kubectl (v1.20) on this cluster
#
# Environment: SIDECARSET_CLUSTER_DIR (state: pids, logs, certs, kubeconfig; default
# /var/tmp/sidecarset-cluster), SIDECARSET_CACHE_DIR (default ~/.cache/sidecarset),
# SIDECARSET_NODE_NAME (default sidecarset-node), SIDECARSET_KEEP_SRC=1 keeps the source tree
# after a build. See README.md beside this file.
set -euo pipefail

SC_LOG_TAG=local-cluster
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

NODE_NAME="${SIDECARSET_NODE_NAME:-sidecarset-node}"
STATE="$SC_CLUSTER_DIR"
PIDS="$STATE/pids"
LOGS="$STATE/logs"
PKI="$STATE/pki"
ETCD_DATA="$STATE/etcd-data"
KUBECONFIG_ADMIN="$STATE/kubeconfig"
KUBECONFIG_KUBELET="$STATE/kubelet.kubeconfig"
API_PORT=6443
ETCD_PORT=2379
ETCD_PEER_PORT=2380
KUBELET_ROOT=/var/lib/kubelet
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kubelet)

BUILD_PACKAGES=(golang-go rsync jq gcc libc6-dev make dpkg-dev etcd-server iproute2 openssl curl ca-certificates
  golang-github-modern-go-reflect2-dev)
RUN_PACKAGES=(etcd-server jq iproute2 openssl curl docker.io iptables util-linux)

# ---------------------------------------------------------------- build

cmd_build() {
  require_root
  apt_ensure "${BUILD_PACKAGES[@]}"
  ensure_deb_src
  local ver
  ver=$(apt-cache showsrc kubernetes 2>/dev/null | awk '/^Version:/ { print $2 }' | sort -V | tail -n 1) || true
  if [[ -z $ver ]]; then
    _SC_APT_UPDATED=0
    apt_update_once
    ver=$(apt-cache showsrc kubernetes 2>/dev/null | awk '/^Version:/ { print $2 }' | sort -V | tail -n 1) || true
  fi
  [[ -n $ver ]] || die "apt knows no source package 'kubernetes' (is the deb-src entry for bookworm there?)"

  local top="$SC_CACHE_DIR/kubernetes/$ver"
  local bindir="$top/bin"
  if k8s_complete "$bindir"; then
    log "Kubernetes $ver binaries are cached in $bindir"
    return 0
  fi
  mkdir -p "$top"
  local lock="$top/.build.lock"
  exec 9>"$lock"
  if ! flock -n 9; then
    log "another build of Kubernetes $ver is running: waiting for its lock ($lock)..."
    flock 9
  fi
  if k8s_complete "$bindir"; then
    log "Kubernetes $ver binaries were built by the other build: $bindir"
    exec 9>&-
    return 0
  fi

  local buildlog="$top/build.log" src="$top/src" t0=$SECONDS
  : >"$buildlog"
  log "fetching Debian's kubernetes $ver source package (log $buildlog)..."
  rm -rf "$src" "$bindir.tmp"
  mkdir -p "$src" "$bindir.tmp"
  (cd "$src" && apt-get source kubernetes="$ver") >>"$buildlog" 2>&1 ||
    die_log "apt-get source kubernetes failed" "$buildlog"
  local tree
  tree=$(find "$src" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -n 1)
  [[ -n $tree && -f $tree/Makefile ]] || die_log "no Kubernetes tree with a Makefile under $src" "$buildlog"

  # Kubernetes 1.20 vendors modern-go/reflect2 v1.0.1, which panics under Go >= 1.18 whenever the
  # apiserver builds a JSON decoder for a map type: every JSON request carrying a pod (fabric8,
  # kubectl create) fails with "apiserver panic'd on POST .../pods". Protobuf clients (kubelet,
  # controller-manager) never hit it. Debian ships the fixed v1.0.2: vendor it instead.
  local reflect2=/usr/share/gocode/src/github.com/modern-go/reflect2
  [[ -f $reflect2/go_above_118.go ]] || die "golang-github-modern-go-reflect2-dev (reflect2 1.0.2) is not installed"
  rm -rf "$tree/vendor/github.com/modern-go/reflect2"
  mkdir -p "$tree/vendor/github.com/modern-go/reflect2"
  find "$reflect2" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) ! -name '*_test.go' \
    -exec cp {} "$tree/vendor/github.com/modern-go/reflect2/" \;

  # The CRD validator (kube-openapi's copy of go-openapi's typeValidator) tells "no value" by
  # reflect.DeepEqual(reflect.Zero(T), reflect.ValueOf(v)). Under Go 1.15, which Kubernetes 1.20
  # was released with, that held only for nil. Under Go >= 1.19 an empty string decoded at run time
  # points at the runtime's shared zero value and compares equal too, so every "" in a custom
  # resource is refused as null (`env: [{name: X, value: ""}]` in a SidecarSet: "must be of type
  # string: null"). Restore the nil-only test, in both vendored copies.
  local zero_test='if data == nil || reflect.DeepEqual(reflect.Zero(reflect.TypeOf(data)), reflect.ValueOf(data)) {'
  local validator
  for validator in vendor/k8s.io/kube-openapi/pkg/validation/validate/type.go \
    vendor/github.com/go-openapi/validate/type.go; do
    grep -qF "$zero_test" "$tree/$validator" || die "$validator no longer has the zero-value test this build patches"
    sed -i "s/$zero_test/if data == nil {/" "$tree/$validator" # grep -F found it; without / or * it matches itself
  done

  # kubectl: Debian ships it as kubernetes-client. Extract it rather than install it, since
  # other packages (e.g. a cloud SDK's kubectl) may own /usr/bin/kubectl.
  local what=(cmd/kube-apiserver cmd/kubelet cmd/kube-controller-manager cmd/kube-scheduler)
  local kubectl_from=built
  if apt-cache show kubernetes-client >/dev/null 2>&1 &&
    (cd "$src" && apt-get download kubernetes-client) >>"$buildlog" 2>&1; then
    local deb
    deb=$(find "$src" -maxdepth 1 -name 'kubernetes-client_*.deb' | head -n 1)
    mkdir -p "$src/kubectl-deb"
    if [[ -n $deb ]] && dpkg-deb -x "$deb" "$src/kubectl-deb" >>"$buildlog" 2>&1 &&
      [[ -x $src/kubectl-deb/usr/bin/kubectl ]]; then
      cp "$src/kubectl-deb/usr/bin/kubectl" "$bindir.tmp/kubectl"
      kubectl_from=debian
    fi
  fi
  [[ $kubectl_from == debian ]] || what+=(cmd/kubectl)

  log "building ${what[*]} with the tree's Makefile (about 6-8 min on 2 cores, log $buildlog)..."
  (
    cd "$tree"
    export KUBE_GIT_VERSION=v1.20.2 KUBE_GIT_TREE_STATE=clean KUBE_GIT_MAJOR=1 KUBE_GIT_MINOR=20
    export GOPROXY=off GOTOOLCHAIN=local GOFLAGS=-mod=vendor
    make WHAT="${what[*]}"
  ) >>"$buildlog" 2>&1 || die_log "building Kubernetes failed" "$buildlog"
  local b
  for b in "${what[@]}"; do
    b=${b#cmd/}
    [[ -x $tree/_output/bin/$b ]] || die_log "the build did not produce $b" "$buildlog"
    cp "$tree/_output/bin/$b" "$bindir.tmp/$b"
  done

  log "compiling the pause binary (gcc -Os -static)..."
  gcc -Os -static -DVERSION=v3.2-sidecarset -o "$bindir.tmp/pause" "$tree/build/pause/linux/pause.c" >>"$buildlog" 2>&1 ||
    die_log "compiling pause.c failed" "$buildlog"
  strip "$bindir.tmp/pause" 2>/dev/null || true

  echo "$ver kubectl=$kubectl_from recipe=$SC_BUILD_RECIPE built=$(date -u +%FT%TZ)" >"$bindir.tmp/.complete"
  rm -rf "$bindir"
  mv "$bindir.tmp" "$bindir"
  if [[ ${SIDECARSET_KEEP_SRC:-0} != 1 ]]; then
    rm -rf "$src"
  fi
  log "Kubernetes $ver built in $((SECONDS - t0))s: $bindir (kubectl from $kubectl_from)"
  exec 9>&-
}

# Make sure the binaries exist; build them if not. Sets BIN.
ensure_binaries() {
  if ! k8s_binaries_present; then
    cmd_build
    BIN=$(k8s_bin_dir) || die "no Kubernetes binaries after the build"
    k8s_complete "$BIN" || die "no Kubernetes binaries in $BIN after the build"
  fi
  BIN=$(k8s_bin_dir)
}

# ---------------------------------------------------------------- up

kubectl_admin() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }

apiserver_healthy() {
  local tok
  tok=$(awk -F, '$2 == "admin" { print $1 }' "$STATE/tokens.csv" 2>/dev/null) || return 1
  [[ $(curl -sS --max-time 3 --cacert "$PKI/ca.crt" -H "Authorization: Bearer $tok" \
    "https://127.0.0.1:$API_PORT/readyz" 2>/dev/null) == ok ]]
}

etcd_healthy() {
  curl -sS --max-time 3 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'
}

node_ready() {
  [[ $(kubectl_admin get node "$NODE_NAME" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}

default_sa_exists() { kubectl_admin -n default get serviceaccount default >/dev/null 2>&1; }

all_alive() {
  local c
  for c in "${COMPONENTS[@]}"; do
    pidfile_alive "$PIDS/$c.pid" || return 1
  done
}

ensure_pause_image() {
  if docker_image_exists "$SC_PAUSE_IMAGE"; then
    return 0
  fi
  log "importing the pause image as $SC_PAUSE_IMAGE..."
  local tmp
  tmp=$(mktemp -d)
  mkdir -p "$tmp/root"
  cp "$BIN/pause" "$tmp/root/pause"
  tar -C "$tmp/root" -c . | docker_cli import -c 'ENTRYPOINT ["/pause"]' - "$SC_PAUSE_IMAGE" >/dev/null ||
    die "docker import of the pause image failed"
  rm -rf "$tmp"
}

write_configs() {
  mkdir -p "$STATE" "$PIDS" "$LOGS" "$PKI"
  gen_pki "$PKI"
  if [[ ! -f $STATE/tokens.csv ]]; then
    : >"$STATE/tokens.csv.tmp"
    chmod 600 "$STATE/tokens.csv.tmp"
    {
      printf '%s,admin,admin,"system:masters"\n' "$(random_token)"
      printf '%s,system:node:%s,kubelet-%s,"system:nodes"\n' "$(random_token)" "$NODE_NAME" "$NODE_NAME"
    } >"$STATE/tokens.csv.tmp"
    mv "$STATE/tokens.csv.tmp" "$STATE/tokens.csv"
  fi
  chmod 600 "$STATE/tokens.csv"
  local admin_tok kubelet_tok
  admin_tok=$(awk -F, '$2 == "admin" { print $1 }' "$STATE/tokens.csv")
  kubelet_tok=$(awk -F, -v u="system:node:$NODE_NAME" '$2 == u { print $1 }' "$STATE/tokens.csv")
  write_kubeconfig "$KUBECONFIG_ADMIN" "https://127.0.0.1:$API_PORT" "$PKI/ca.crt" "$admin_tok" admin
  write_kubeconfig "$KUBECONFIG_KUBELET" "https://127.0.0.1:$API_PORT" "$PKI/ca.crt" "$kubelet_tok" "system:node:$NODE_NAME"
  # syncFrequency 10s (default 1m): a 1.20 kubelet acts on a pod deleted while it was still starting
  # it only at its next periodic sync; a test that creates a pod and deletes it at once then waited
  # 80 s for the kill (InjectionE2E in CI)
  cat >"$STATE/kubelet-config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
failSwapOn: false
address: 127.0.0.1
healthzBindAddress: 127.0.0.1
healthzPort: 10248
readOnlyPort: 0
authentication:
  anonymous:
    enabled: true
  webhook:
    enabled: false
authorization:
  mode: AlwaysAllow
evictionHard:
  memory.available: "100Mi"
  nodefs.available: "1%"
  nodefs.inodesFree: "1%"
  imagefs.available: "1%"
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
clusterDomain: cluster.local
serializeImagePulls: false
syncFrequency: 10s
EOF
}

# The apiserver reaches the kubelet (kubectl logs/exec/port-forward) by the node's hostname:
# map it to 127.0.0.1 so that it never leaves loopback (the kubelet refuses a loopback node IP).
ensure_hosts_entry() {
  if ! awk -v n="$NODE_NAME" '$1 == "127.0.0.1" { for (i = 2; i <= NF; i++) if ($i == n) f = 1 } END { exit !f }' /etc/hosts; then
    log "adding '127.0.0.1 $NODE_NAME' to /etc/hosts"
    printf '127.0.0.1 %s # sidecarset local cluster\n' "$NODE_NAME" >>/etc/hosts
  fi
}

# A component still running a binary that a rebuild replaced (its /proc/PID/exe is "(deleted)")
# is stopped here, so that the start below runs the new binary.
restart_replaced_binaries() {
  local c pid exe
  for c in kube-apiserver kube-controller-manager kube-scheduler kubelet; do
    pidfile_alive "$PIDS/$c.pid" || continue
    pid=$(<"$PIDS/$c.pid")
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
    if [[ $exe == *" (deleted)" || ($exe != "$BIN/$c" && -n $exe) ]]; then
      log "$c runs a replaced binary ($exe): restarting it"
      stop_pidfile "$c" "$PIDS/$c.pid" 30
    fi
  done
}

start_etcd() {
  pidfile_alive "$PIDS/etcd.pid" && return 0
  port_in_use "$ETCD_PORT" && die "port $ETCD_PORT is taken by another process (not this cluster's etcd); stop it first"
  mkdir -p "$ETCD_DATA"
  start_bg etcd "$PIDS/etcd.pid" "$LOGS/etcd.log" /usr/bin/etcd \
    --name sidecarset --data-dir "$ETCD_DATA" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "sidecarset=http://127.0.0.1:$ETCD_PEER_PORT" \
    --quota-backend-bytes 2147483648 --logger zap
  wait_for etcd 30 "$LOGS/etcd.log" "$PIDS/etcd.pid" etcd_healthy
}

start_apiserver() {
  pidfile_alive "$PIDS/kube-apiserver.pid" && return 0
  port_in_use "$API_PORT" && die "port $API_PORT is taken by another process (not this cluster's apiserver); stop it first"
  start_bg kube-apiserver "$PIDS/kube-apiserver.pid" "$LOGS/kube-apiserver.log" "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" --insecure-port 0 \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" --cert-dir "$PKI" \
    --token-auth-file "$STATE/tokens.csv" \
    --authorization-mode Node,RBAC \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-account-issuer https://kubernetes.default.svc \
    --service-cluster-ip-range 10.96.0.0/24 \
    --allow-privileged=true \
    --enable-admission-plugins NodeRestriction \
    --kubelet-preferred-address-types Hostname \
    --profiling=false --v 1
  wait_for kube-apiserver 90 "$LOGS/kube-apiserver.log" "$PIDS/kube-apiserver.pid" apiserver_healthy
}

start_controller_manager() {
  pidfile_alive "$PIDS/kube-controller-manager.pid" && return 0
  start_bg kube-controller-manager "$PIDS/kube-controller-manager.pid" "$LOGS/kube-controller-manager.log" \
    "$BIN/kube-controller-manager" \
    --kubeconfig "$KUBECONFIG_ADMIN" --authentication-kubeconfig "$KUBECONFIG_ADMIN" \
    --authorization-kubeconfig "$KUBECONFIG_ADMIN" \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --use-service-account-credentials=true \
    --leader-elect=false --controllers '*,-nodeipam' \
    --bind-address 127.0.0.1 --port 0 --secure-port 10257 \
    --cluster-name sidecarset --v 1
}

start_scheduler() {
  pidfile_alive "$PIDS/kube-scheduler.pid" && return 0
  start_bg kube-scheduler "$PIDS/kube-scheduler.pid" "$LOGS/kube-scheduler.log" "$BIN/kube-scheduler" \
    --kubeconfig "$KUBECONFIG_ADMIN" --authentication-kubeconfig "$KUBECONFIG_ADMIN" \
    --authorization-kubeconfig "$KUBECONFIG_ADMIN" \
    --leader-elect=false --bind-address 127.0.0.1 --port 0 --secure-port 10259 --v 1
}

start_kubelet() {
  pidfile_alive "$PIDS/kubelet.pid" && return 0
  mkdir -p "$KUBELET_ROOT"
  start_bg kubelet "$PIDS/kubelet.pid" "$LOGS/kubelet.log" "$BIN/kubelet" \
    --container-runtime docker --pod-infra-container-image "$SC_PAUSE_IMAGE" \
    --hostname-override "$NODE_NAME" --kubeconfig "$KUBECONFIG_KUBELET" \
    --config "$STATE/kubelet-config.yaml" --root-dir "$KUBELET_ROOT" \
    --cert-dir "$STATE/kubelet-pki" --v 1
}

already_up() {
  [[ -f $STATE/tokens.csv ]] && k8s_binaries_present || return 1
  BIN=$(k8s_bin_dir)
  all_alive && docker_ready && apiserver_healthy && node_ready || return 1
  log "the cluster is already up and healthy (node $NODE_NAME Ready)"
  log "kubeconfig: $KUBECONFIG_ADMIN"
  printf '%s\n' "$KUBECONFIG_ADMIN"
}

# One up/down at a time (fd 8; start_bg keeps it from the components it starts).
lock_state() {
  mkdir -p "$STATE"
  exec 8>"$STATE/.lock"
  if ! flock -n 8; then
    log "another up/down of this cluster is running: waiting for it ($STATE/.lock)..."
    flock 8
  fi
}

cmd_up() {
  require_root
  local t0=$SECONDS
  already_up && return 0
  lock_state
  already_up && return 0
  apt_ensure "${RUN_PACKAGES[@]}"
  ensure_binaries
  log "Kubernetes binaries: $BIN"
  ensure_docker
  ensure_pause_image
  write_configs
  ensure_hosts_entry
  restart_replaced_binaries
  log "starting etcd (127.0.0.1:$ETCD_PORT)..."
  start_etcd
  log "starting kube-apiserver (127.0.0.1:$API_PORT, about 10 s)..."
  start_apiserver
  start_controller_manager
  start_scheduler
  log "starting kubelet (node $NODE_NAME)..."
  start_kubelet
  log "waiting for node $NODE_NAME to be Ready (up to 120 s)..."
  wait_for "node $NODE_NAME Ready (kubelet)" 120 "$LOGS/kubelet.log" "$PIDS/kubelet.pid" node_ready
  log "waiting for the default service account..."
  wait_for "the default service account (kube-controller-manager)" 60 \
    "$LOGS/kube-controller-manager.log" "$PIDS/kube-controller-manager.pid" default_sa_exists
  local c
  for c in kube-scheduler kube-controller-manager; do
    pidfile_alive "$PIDS/$c.pid" || die_log "$c exited" "$LOGS/$c.log"
  done
  log "the cluster is up in $((SECONDS - t0))s: node $NODE_NAME Ready"
  log "kubeconfig: $KUBECONFIG_ADMIN  (kubectl: $BIN/kubectl)"
  printf '%s\n' "$KUBECONFIG_ADMIN"
}

# ---------------------------------------------------------------- down

remove_pod_containers() {
  docker_ready || return 0
  local ids
  ids=$(docker_cli ps -a --filter name=k8s_ -q 2>/dev/null || true)
  if [[ -n $ids ]]; then
    log "removing $(wc -w <<<"$ids") pod containers..."
    # shellcheck disable=SC2086
    docker_cli rm -f $ids >/dev/null 2>&1 || true
  fi
}

unmount_kubelet() {
  local mounts m i
  for ((i = 0; i < 5; i++)); do
    mounts=$(awk -v r="$KUBELET_ROOT" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts |
      awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2-)
    [[ -z $mounts ]] && return 0
    while IFS= read -r m; do
      # /proc/mounts escapes spaces as \040.
      m=$(printf '%b' "$m")
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done <<<"$mounts"
  done
  log "WARNING: some mounts under $KUBELET_ROOT remain:"
  awk -v r="$KUBELET_ROOT" 'index($2, r) == 1 { print "    " $2 }' /proc/self/mounts >&2
}

cmd_down() {
  require_root
  local all=0
  [[ ${1:-} == --all ]] && all=1
  lock_state
  # Kubelet first so that it stops restarting containers; etcd last.
  stop_pidfile kubelet "$PIDS/kubelet.pid" 30
  stop_pidfile kube-scheduler "$PIDS/kube-scheduler.pid"
  stop_pidfile kube-controller-manager "$PIDS/kube-controller-manager.pid"
  stop_pidfile kube-apiserver "$PIDS/kube-apiserver.pid" 30
  stop_pidfile etcd "$PIDS/etcd.pid"
  remove_pod_containers
  unmount_kubelet
  if [[ -d $KUBELET_ROOT ]]; then
    # Nothing is mounted any more: wipe the pods' volumes and the kubelet's state.
    if ! awk -v r="$KUBELET_ROOT" 'index($2, r) == 1 { f = 1 } END { exit !f }' /proc/self/mounts; then
      rm -rf "${KUBELET_ROOT:?}"/pods "${KUBELET_ROOT:?}"/plugins "${KUBELET_ROOT:?}"/plugins_registry \
        "${KUBELET_ROOT:?}"/pod-resources "${KUBELET_ROOT:?}"/cpu_manager_state \
        "${KUBELET_ROOT:?}"/memory_manager_state 2>/dev/null || true
    fi
  fi
  rm -rf /var/lib/dockershim/sandbox 2>/dev/null || true
  rm -rf "$ETCD_DATA"
  log "etcd data wiped: the next 'up' starts a clean cluster"
  if [[ $all -eq 1 ]]; then
    stop_docker
  else
    docker_ready && log "dockerd left running (use 'down --all' to stop the dockerd these scripts started)"
  fi
  log "down"
}

# ---------------------------------------------------------------- status

cmd_status() {
  local ok=0 c pid
  for c in "${COMPONENTS[@]}"; do
    if pidfile_alive "$PIDS/$c.pid"; then
      pid=$(<"$PIDS/$c.pid")
      printf '%-24s running (pid %s)\n' "$c" "$pid"
    else
      printf '%-24s not running\n' "$c"
      ok=1
    fi
  done
  if docker_ready; then
    printf '%-24s ready\n' dockerd
  else
    printf '%-24s not answering\n' dockerd
    ok=1
  fi
  if apiserver_healthy; then
    printf '%-24s ok\n' "apiserver /readyz"
  else
    printf '%-24s not ok\n' "apiserver /readyz"
    ok=1
  fi
  if BIN=$(k8s_bin_dir 2>/dev/null) && [[ -x $BIN/kubectl ]] && node_ready; then
    printf '%-24s Ready\n' "node $NODE_NAME"
  else
    printf '%-24s not Ready\n' "node $NODE_NAME"
    ok=1
  fi
  printf '%-24s %s\n' kubeconfig "$KUBECONFIG_ADMIN"
  return $ok
}

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

main() {
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    build) cmd_build "$@" ;;
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    kubeconfig) printf '%s\n' "$KUBECONFIG_ADMIN" ;;
    kubectl)
      if ! BIN=$(k8s_bin_dir) || [[ ! -x $BIN/kubectl ]]; then die "no cached kubectl: run '$0 build'"; fi
      exec "$BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"
      ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
