# shellcheck shell=bash
# Shared functions for the local cluster scripts (local-cluster.sh, bare-apiserver.sh,
# base-image.sh). Source it; do not run it. Everything here installs from Debian's own
# packages through apt and builds locally: there is no container registry and no binary
# download on the machines this project is built on. See docs/LOCAL-CLUSTER.md (shared).
#
# Environment:
#   SIDECARSET_CACHE_DIR    build cache (default ~/.cache/sidecarset)
#   SIDECARSET_CLUSTER_DIR  state of the local cluster (default /var/tmp/sidecarset-cluster)
#   SIDECARSET_DOCKER_DIR   pid and log of the dockerd these scripts start
#                           (default /var/tmp/sidecarset-docker)

# shellcheck disable=SC2034 # used by the scripts that source this file
SC_CACHE_DIR="${SIDECARSET_CACHE_DIR:-${HOME:-/root}/.cache/sidecarset}"
# shellcheck disable=SC2034
SC_CLUSTER_DIR="${SIDECARSET_CLUSTER_DIR:-/var/tmp/sidecarset-cluster}"
SC_DOCKER_DIR="${SIDECARSET_DOCKER_DIR:-/var/tmp/sidecarset-docker}"
SC_LOG_TAG="${SC_LOG_TAG:-sidecarset}"

# Bump when the way the Kubernetes binaries are built changes: cached binaries of another recipe
# are rebuilt (the recipe is recorded in bin/.complete).
SC_BUILD_RECIPE="reflect2-1.0.2+openapi-nil-test"

# The runc wrapper that clamps negative oom_score_adj (the kernel here refuses them).
SC_RUNC_WRAPPER=/usr/local/libexec/sidecarset/runc-clamp-oom
SC_RUNTIME_NAME=sidecarset-runc
# shellcheck disable=SC2034
SC_PAUSE_IMAGE=k8s.gcr.io/pause:3.2

log() { printf '[%s] %s\n' "$SC_LOG_TAG" "$*" >&2; }

die() {
  printf '[%s] ERROR: %s\n' "$SC_LOG_TAG" "$*" >&2
  exit 1
}

# die_log MESSAGE LOGFILE: fail, naming the log to read, and show its tail.
die_log() {
  local msg=$1 logfile=$2
  printf '[%s] ERROR: %s\n' "$SC_LOG_TAG" "$msg" >&2
  if [[ -f $logfile ]]; then
    printf '[%s] last lines of %s:\n' "$SC_LOG_TAG" "$logfile" >&2
    tail -n 20 "$logfile" | sed 's/^/    /' >&2 || true
  fi
  printf '[%s] read the full log: %s\n' "$SC_LOG_TAG" "$logfile" >&2
  exit 1
}

require_root() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (it installs packages, starts dockerd and the kubelet)"
}

# ---------------------------------------------------------------- apt

_SC_APT_UPDATED=0

# apt-get, non-interactive, waiting for a dpkg lock held by another apt run (an unattended
# upgrade, a second script) instead of failing at once.
apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"
}

apt_update_once() {
  if [[ $_SC_APT_UPDATED -eq 0 ]]; then
    log "apt-get update..."
    local aptlog="$SC_CACHE_DIR/logs/apt.log"
    mkdir -p "$(dirname "$aptlog")"
    apt_get update >>"$aptlog" 2>&1 || die_log "apt-get update failed" "$aptlog"
    _SC_APT_UPDATED=1
  fi
}

# apt_ensure PKG...: install the Debian packages that are not installed yet.
apt_ensure() {
  local missing=() p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  # A fresh machine may never have run apt-get update: its package lists are then empty.
  if ! apt-cache show "${missing[0]}" >/dev/null 2>&1; then
    apt_update_once
  fi
  log "installing Debian packages: ${missing[*]}..."
  local aptlog="$SC_CACHE_DIR/logs/apt.log"
  mkdir -p "$(dirname "$aptlog")"
  if ! apt_get install -y --no-install-recommends "${missing[@]}" >>"$aptlog" 2>&1; then
    # The lists may be stale (a package version gone): update once and try again.
    apt_update_once
    apt_get install -y --no-install-recommends "${missing[@]}" >>"$aptlog" 2>&1 ||
      die_log "apt-get install ${missing[*]} failed" "$aptlog"
  fi
}

# Add a deb-src entry for bookworm, copied from the machine's own Debian entry, if there is none.
ensure_deb_src() {
  if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    return 0
  fi
  log "adding a deb-src entry (a copy of the machine's Debian entry)..."
  local f=/etc/apt/sources.list.d/debian.sources
  if [[ -f $f ]]; then
    # deb822: copy the stanza(s) whose Suites include bookworm, as Types: deb-src.
    awk 'BEGIN { RS=""; ORS="\n\n" }
         /Suites:[^\n]*bookworm([ \n]|$)/ && /Types:[^\n]*deb/ { sub(/Types:[^\n]*/, "Types: deb-src"); print }' \
      "$f" >/etc/apt/sources.list.d/sidecarset-deb-src.sources
  elif [[ -f /etc/apt/sources.list ]]; then
    grep -E '^deb .* bookworm( |-updates )' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
      >/etc/apt/sources.list.d/sidecarset-deb-src.list
  fi
  grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list.d/ ||
    die "could not derive a deb-src entry from /etc/apt/sources.list(.d); add one for bookworm by hand"
  _SC_APT_UPDATED=0
  apt_update_once
}

# ---------------------------------------------------------------- Kubernetes binaries

# Version of Debian's kubernetes source package (the cache key), e.g. 1.20.5+really1.20.2-1.1+deb12u1.
# Falls back to the newest complete build in the cache when apt knows no source (offline, no deb-src).
k8s_source_version() {
  local v=""
  v=$(apt-cache showsrc kubernetes 2>/dev/null | awk '/^Version:/ { print $2 }' | sort -V | tail -n 1) || true
  if [[ -z $v ]]; then
    v=$(find "$SC_CACHE_DIR/kubernetes" -mindepth 3 -maxdepth 3 -path '*/bin/.complete' 2>/dev/null |
      awk -F/ '{ print $(NF - 2) }' | sort -V | tail -n 1) || true
  fi
  printf '%s\n' "$v"
}

# k8s_bin_dir: the cached bin dir of the current version (may not exist yet).
k8s_bin_dir() {
  local v
  v=$(k8s_source_version)
  [[ -n $v ]] || return 1
  printf '%s\n' "$SC_CACHE_DIR/kubernetes/$v/bin"
}

# k8s_complete DIR: DIR holds a complete build of the current recipe.
k8s_complete() { [[ -f $1/.complete ]] && grep -qF "recipe=$SC_BUILD_RECIPE " "$1/.complete"; }

k8s_binaries_present() {
  local dir
  dir=$(k8s_bin_dir 2>/dev/null) || return 1
  k8s_complete "$dir"
}

# ---------------------------------------------------------------- processes

pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

# pid_is NAME PID: true if PID is alive and runs the program NAME (basename of argv[0]), so that
# a stale pid file (after a reboot) never makes us signal an unrelated process reusing the pid.
pid_is() {
  local name=$1 pid=${2:-} argv0
  pid_alive "$pid" || return 1
  argv0=$(head -z -n 1 "/proc/$pid/cmdline" 2>/dev/null | tr -d '\0') || return 1
  [[ ${argv0##*/} == "$name" ]]
}

# pidfile_alive FILE: true if FILE holds the pid of a live process named like the file
# (FILE is NAME.pid).
pidfile_alive() {
  local f=$1 pid
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  pid_is "$(basename "$f" .pid)" "$pid"
}

# stop_pidfile NAME FILE [TIMEOUT]: SIGTERM the pid in FILE, wait, SIGKILL if needed, remove FILE.
stop_pidfile() {
  local name=$1 f=$2 timeout=${3:-20} pid i
  [[ -f $f ]] || return 0
  pid=$(<"$f")
  if pid_is "$(basename "$f" .pid)" "$pid"; then
    log "stopping $name (pid $pid)..."
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 10; i++)); do
      pid_is "$(basename "$f" .pid)" "$pid" || break
      sleep 0.1
    done
    if pid_is "$(basename "$f" .pid)" "$pid"; then
      log "$name did not stop within ${timeout}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  rm -f "$f"
}

# start_bg NAME PIDFILE LOGFILE CMD...: start CMD in the background in its own session.
start_bg() {
  local name=$1 pidfile=$2 logfile=$3
  shift 3
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  # Logs are appended across restarts: keep one old generation once a log passes 50 MB.
  if [[ -f $logfile ]] && (($(stat -c %s "$logfile") > 50 * 1024 * 1024)); then
    mv -f "$logfile" "$logfile.1"
  fi
  # fds 8 and 9 are the scripts' lock fds: a child must not inherit (and so keep holding) a lock.
  setsid "$@" </dev/null >>"$logfile" 2>&1 8>&- 9>&- &
  local pid=$! prog=${1##*/} i
  echo "$pid" >"$pidfile"
  # Until the child has exec'd the program, /proc/PID/cmdline is still bash's: wait for the exec
  # so that the pid checks (pid_is, by program name) do not see a dead component.
  for ((i = 0; i < 200; i++)); do
    pid_is "$prog" "$pid" && break
    pid_alive "$pid" || break
    sleep 0.05
  done
  log "started $name (pid $pid, log $logfile)"
}

# wait_for NAME SECONDS LOGFILE PIDFILE CMD...: poll CMD until it succeeds; fail (naming the log)
# on timeout or when the process in PIDFILE dies.
wait_for() {
  local name=$1 secs=$2 logfile=$3 pidfile=$4 deadline
  shift 4
  deadline=$((SECONDS + secs))
  while ! "$@" >/dev/null 2>&1; do
    if [[ -n $pidfile ]] && ! pidfile_alive "$pidfile"; then
      die_log "$name exited during start-up" "$logfile"
    fi
    if ((SECONDS >= deadline)); then
      die_log "$name not ready after ${secs}s" "$logfile"
    fi
    sleep 0.3
  done
}

# port_in_use PORT: true if something listens on 127.0.0.1:PORT (or any address).
port_in_use() {
  ss -Htln "sport = :$1" 2>/dev/null | grep -q .
}

# free_port: print a TCP port that nothing listens on (random in 20000-45000).
free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 25000))
    port_in_use "$p" || {
      printf '%s\n' "$p"
      return 0
    }
  done
  die "no free port found"
}

# ---------------------------------------------------------------- certificates and tokens

# gen_pki DIR: a CA, an apiserver serving cert for 127.0.0.1/localhost/kubernetes.default.svc,
# and a service account key pair. Skips files that exist.
gen_pki() {
  local d=$1
  mkdir -p "$d"
  (
    cd "$d"
    umask 077
    if [[ ! -f ca.crt ]]; then
      openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
        -subj "/CN=sidecarset-local-ca" >/dev/null 2>&1
    fi
    if [[ ! -f apiserver.crt ]]; then
      cat >apiserver.ext <<'EOF'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
      openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
        -subj "/CN=kube-apiserver" >/dev/null 2>&1
      openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
        -out apiserver.crt -days 3650 -extfile apiserver.ext >/dev/null 2>&1
      rm -f apiserver.csr apiserver.ext
    fi
    if [[ ! -f sa.key ]]; then
      openssl genrsa -out sa.key 2048 >/dev/null 2>&1
      openssl rsa -in sa.key -pubout -out sa.pub >/dev/null 2>&1
    fi
    chmod 644 ca.crt apiserver.crt sa.pub
  ) || die "openssl failed to generate certificates in $d"
}

random_token() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# write_kubeconfig FILE SERVER CA_FILE TOKEN USER
write_kubeconfig() {
  local f=$1 server=$2 ca=$3 token=$4 user=$5 cadata
  cadata=$(base64 -w0 <"$ca")
  : >"$f"
  chmod 600 "$f"
  cat >"$f" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: sidecarset
  cluster:
    server: $server
    certificate-authority-data: $cadata
users:
- name: $user
  user:
    token: $token
contexts:
- name: sidecarset
  context:
    cluster: sidecarset
    user: $user
    namespace: default
current-context: sidecarset
EOF
  chmod 600 "$f"
}

# ---------------------------------------------------------------- docker

docker_cli() {
  # The Debian engine's own client matches the daemon; fall back to whatever is on PATH.
  if [[ -x /usr/bin/docker ]]; then
    /usr/bin/docker "$@"
  else
    docker "$@"
  fi
}

docker_ready() { docker_cli info >/dev/null 2>&1; }

install_runc_wrapper() {
  local tmp
  mkdir -p "$(dirname "$SC_RUNC_WRAPPER")"
  tmp=$(mktemp "${SC_RUNC_WRAPPER}.XXXX")
  cat >"$tmp" <<'EOF'
#!/bin/sh
# Installed by SidecarSet's e2e/cluster scripts. The kernel of this machine refuses a negative
# oom_score_adj (EIO), and the kubelet gives pod sandboxes -998: clamp it to 0 in the bundle's
# config.json, then run the real runc.
bundle=""
prev=""
for a in "$@"; do
  case "$prev" in
    --bundle|-b) bundle="$a" ;;
  esac
  case "$a" in
    --bundle=*) bundle="${a#--bundle=}" ;;
  esac
  prev="$a"
done
if [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then
  adj=$(jq -r '.process.oomScoreAdj // 0' "$bundle/config.json" 2>/dev/null || echo 0)
  case "$adj" in
    -*)
      tmp="$bundle/config.json.clamp.$$"
      if jq '.process.oomScoreAdj = 0' "$bundle/config.json" >"$tmp" 2>/dev/null; then
        mv -f "$tmp" "$bundle/config.json"
      else
        rm -f "$tmp"
      fi
      ;;
  esac
fi
exec /usr/bin/runc "$@"
EOF
  chmod 755 "$tmp"
  if cmp -s "$tmp" "$SC_RUNC_WRAPPER" 2>/dev/null; then
    rm -f "$tmp"
  else
    mv -f "$tmp" "$SC_RUNC_WRAPPER"
  fi
}

# Merge the wrapper into /etc/docker/daemon.json as the default runtime, keeping every other key.
# Returns 0 if the file changed.
configure_docker_daemon() {
  local f=/etc/docker/daemon.json cur new
  mkdir -p /etc/docker
  cur='{}'
  if [[ -s $f ]]; then
    cur=$(jq -c . "$f" 2>/dev/null) || die "$f is not valid JSON: fix or remove it"
  fi
  new=$(jq -c --arg n "$SC_RUNTIME_NAME" --arg p "$SC_RUNC_WRAPPER" \
    '.runtimes = ((.runtimes // {}) + {($n): {path: $p}}) | .["default-runtime"] = $n' <<<"$cur")
  if [[ $(jq -S . <<<"$cur") == $(jq -S . <<<"$new") ]]; then
    return 1
  fi
  [[ -s $f ]] && cp -f "$f" "$f.bak.sidecarset"
  jq . <<<"$new" >"$f.tmp" && mv -f "$f.tmp" "$f"
  log "configured $f: default runtime $SC_RUNTIME_NAME ($SC_RUNC_WRAPPER)"
  return 0
}

# ensure_docker: install docker.io, configure the runc wrapper, start dockerd in the background
# if no daemon answers. Pid and log in $SC_DOCKER_DIR.
ensure_docker() {
  require_root
  apt_ensure docker.io jq iptables
  install_runc_wrapper
  local changed=0
  configure_docker_daemon && changed=1
  local pidf="$SC_DOCKER_DIR/dockerd.pid" logf="$SC_DOCKER_DIR/dockerd.log"
  if docker_ready; then
    if [[ $changed -eq 1 ]]; then
      local dpid=""
      dpid=$(cat /var/run/docker.pid 2>/dev/null || true)
      if pid_alive "$dpid"; then
        log "reloading dockerd (pid $dpid) for the new default runtime..."
        kill -HUP "$dpid"
        sleep 1
      fi
    fi
    local rt
    rt=$(docker_cli info --format '{{.DefaultRuntime}}' 2>/dev/null || true)
    [[ $rt == "$SC_RUNTIME_NAME" ]] ||
      log "WARNING: the running dockerd's default runtime is '$rt', not $SC_RUNTIME_NAME: pods may fail (negative oom_score_adj); restart dockerd"
    return 0
  fi
  mkdir -p "$SC_DOCKER_DIR"
  if pidfile_alive "$pidf"; then
    log "dockerd (pid $(<"$pidf")) is starting..."
  else
    log "starting dockerd..."
    # A dockerd that died leaves its pid file behind and then refuses to start.
    local stale
    stale=$(cat /var/run/docker.pid 2>/dev/null || true)
    if [[ -n $stale ]] && ! pid_alive "$stale"; then rm -f /var/run/docker.pid; fi
    start_bg dockerd "$pidf" "$logf" /usr/sbin/dockerd --host=unix:///var/run/docker.sock
  fi
  wait_for dockerd 60 "$logf" "$pidf" docker_ready
  log "dockerd is ready"
}

# stop_docker: stop the dockerd these scripts started (by its pid file).
stop_docker() {
  local pidf="$SC_DOCKER_DIR/dockerd.pid"
  if [[ -f $pidf ]]; then
    stop_pidfile dockerd "$pidf" 60
  else
    log "no dockerd started by these scripts (no $pidf): leaving any other dockerd alone"
  fi
}

# docker_image_exists NAME:TAG
docker_image_exists() { docker_cli image inspect "$1" >/dev/null 2>&1; }
