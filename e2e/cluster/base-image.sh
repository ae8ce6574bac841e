#!/usr/bin/env bash
# Builds the Jib base image sidecarset/jre17:local into the local Docker engine, with no
# registry: a Debian bookworm minbase root filesystem with openjdk-17-jre-headless made by
# debootstrap from the machine's own Debian mirror, then `docker import`.
#
#   base-image.sh            build the image unless it exists (starts dockerd if needed)
#   base-image.sh --rebuild  rebuild the root filesystem and the image
#
# The image is glibc-based (Netty epoll and junixsocket need glibc) and has /bin/sh
# (postStart hooks are shell scripts). The root filesystem tarball is cached under
# ${SIDECARSET_CACHE_DIR:-~/.cache/sidecarset}/base-image/.
# Environment: SIDECARSET_BASE_IMAGE (default sidecarset/jre17:local).
set -euo pipefail

SC_LOG_TAG=base-image
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$SCRIPT_DIR/lib.sh"

IMAGE="${SIDECARSET_BASE_IMAGE:-sidecarset/jre17:local}"
CACHE="$SC_CACHE_DIR/base-image"
TARBALL="$CACHE/jre17-bookworm-rootfs.tar"
LOGF="$CACHE/build.log"

# The machine's Debian mirror, read from its apt sources (never hard-coded here).
debian_mirror() {
  local uri=""
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    uri=$(awk 'BEGIN { RS="" }
               /Types:[^\n]*deb/ && /Suites:[^\n]*bookworm([ \n]|$)/ {
                 if (match($0, /URIs:[ \t]*[^ \t\n]+/)) { s = substr($0, RSTART, RLENGTH); sub(/URIs:[ \t]*/, "", s); print s; exit }
               }' /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z $uri && -f /etc/apt/sources.list ]]; then
    uri=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list)
  fi
  [[ -n $uri ]] || die "no Debian bookworm entry in /etc/apt/sources.list(.d): cannot find a mirror"
  printf '%s\n' "$uri"
}

unmount_under() {
  local root=$1 m
  awk -v r="$root" 'index($2, r "/") == 1 { print $2 }' /proc/self/mounts | sort -r |
    while IFS= read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
}

build_rootfs() {
  apt_ensure debootstrap debian-archive-keyring
  local mirror rootfs t0=$SECONDS
  mirror=$(debian_mirror)
  rootfs=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  # shellcheck disable=SC2064
  trap "unmount_under '$rootfs'; rm -rf '$rootfs'" EXIT
  log "debootstrap bookworm minbase + openjdk-17-jre-headless (about 1 min, log $LOGF)..."
  debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" "$mirror" \
    >>"$LOGF" 2>&1 || {
    unmount_under "$rootfs"
    die_log "debootstrap failed" "$LOGF"
  }
  unmount_under "$rootfs"
  [[ -x $rootfs/bin/sh ]] || die_log "the root filesystem has no /bin/sh" "$LOGF"
  local java
  java=$(find "$rootfs/usr/lib/jvm" -maxdepth 3 -path '*java-17*/bin/java' -type f 2>/dev/null | head -n 1)
  [[ -n $java ]] || die_log "no Java 17 in the root filesystem" "$LOGF"
  # Slim it a little: package caches and lists, docs, man pages.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/var/log/* "$rootfs"/etc/hostname
  # The engine provides /dev, /proc, /sys, /etc/resolv.conf and /etc/hosts.
  tar --numeric-owner -C "$rootfs" \
    --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* \
    -cf "$TARBALL.tmp" . >>"$LOGF" 2>&1 || die_log "tar of the root filesystem failed" "$LOGF"
  mv -f "$TARBALL.tmp" "$TARBALL"
  java=${java#"$rootfs"}
  printf '%s\n' "${java%/bin/java}" >"$TARBALL.javahome"
  unmount_under "$rootfs"
  rm -rf "$rootfs"
  trap - EXIT
  log "root filesystem cached in $TARBALL ($(du -h "$TARBALL" | cut -f1), $((SECONDS - t0))s)"
}

main() {
  local rebuild=0
  case "${1:-}" in
    --rebuild) rebuild=1 ;;
    "") ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (use --rebuild or nothing)" ;;
  esac
  require_root
  ensure_docker
  if [[ $rebuild -eq 0 ]] && docker_image_exists "$IMAGE"; then
    log "$IMAGE exists in the local Docker engine: nothing to do"
    return 0
  fi
  mkdir -p "$CACHE"
  : >"$LOGF"
  exec 9>"$CACHE/.lock"
  flock 9
  if [[ $rebuild -eq 1 || ! -s $TARBALL ]]; then
    build_rootfs
  else
    log "using the cached root filesystem $TARBALL"
  fi
  local javahome
  javahome=$(cat "$TARBALL.javahome" 2>/dev/null || true)
  if [[ -z $javahome ]]; then
    # awk reads to the end (no SIGPIPE for tar under pipefail) and prints the first match.
    javahome=$(tar -tf "$TARBALL" | awk 'f == 0 && match($0, /^\.\/usr\/lib\/jvm\/java-17-openjdk-[^\/]+/) {
      print substr($0, 2, RLENGTH - 1); f = 1 }') || true
  fi
  [[ -n $javahome ]] || die "no /usr/lib/jvm/java-17-openjdk-* in $TARBALL: run with --rebuild"
  log "docker import as $IMAGE (JAVA_HOME $javahome)..."
  docker_cli import \
    -c "ENV PATH=$javahome/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    -c "ENV JAVA_HOME=$javahome" \
    -c "ENV LANG=C.UTF-8" \
    -c 'CMD ["/bin/sh"]' \
    "$TARBALL" "$IMAGE" >>"$LOGF" 2>&1 || die_log "docker import failed" "$LOGF"
  exec 9>&-
  log "checking the image (java -version, /bin/sh)..."
  docker_cli run --rm --network none "$IMAGE" /bin/sh -c 'java -version' >>"$LOGF" 2>&1 ||
    die_log "the image $IMAGE does not run 'java -version' under /bin/sh" "$LOGF"
  log "$IMAGE is ready ($(docker_cli image inspect -f '{{.Size}}' "$IMAGE" | awk '{ printf "%d MB", $1 / 1000000 }'))"
}

main "$@"
