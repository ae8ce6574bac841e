#!/usr/bin/env bash
# The demo, in one command on a fresh machine (Debian 12, root):
#
#   1. a cluster: KUBECONFIG if you set one; else k3s (Testcontainers) where Docker can pull its
#      image; else the local single-node cluster built from Debian's packages
#      (e2e/cluster/local-cluster.sh up);
#   2. the images (controller, webhook, sample proxy v1/v2, demo app, empty), into Docker;
#   3. the platform (charts/sidecarset) and the demo (charts/sidecarset-demo: an echo app with the
#      sample proxy as a HotUpgrade sidecar);
#   4. hot upgrades of the proxy, v1 -> v2 -> v1 ..., under continuous load, with a live progress
#      line; then the zero-drop report and the path of its picture.
#
#   ./demo.sh [--upgrades N] [--rate REQUESTS_PER_SECOND]
#
# Exit status 0 when not one request was dropped. Leaves the cluster, the platform and the demo
# running so that you can look at them (k3s stops with the demo); e2e/cluster/local-cluster.sh
# down stops the local cluster.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

upgrades=5
rate=600
while [ $# -gt 0 ]; do
  case "$1" in
    --upgrades) upgrades=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "usage: ./demo.sh [--upgrades N] [--rate REQUESTS_PER_SECOND]" >&2; exit 2 ;;
  esac
done

K3S_IMAGE=${K3S_IMAGE:-rancher/k3s:v1.31.4-k3s1}
step() { printf '\n[demo] %s\n' "$*"; }

step "prerequisites: JDK 17 and Maven"
if ! command -v mvn >/dev/null || ! command -v javac >/dev/null; then
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq openjdk-17-jdk-headless maven >/dev/null
fi

# --- 1. the cluster --------------------------------------------------------------------------
mode=""
if [ -n "${KUBECONFIG:-}" ]; then
  mode=kubeconfig
  step "cluster: KUBECONFIG=$KUBECONFIG"
elif command -v docker >/dev/null && docker info >/dev/null 2>&1 \
    && { docker image inspect "$K3S_IMAGE" >/dev/null 2>&1 || timeout 300 docker pull -q "$K3S_IMAGE" >/dev/null 2>&1; }; then
  mode=k3s
  step "cluster: k3s ($K3S_IMAGE) in Testcontainers, started by the demo itself"
else
  mode=local
  step "cluster: no registry reachable: the local single-node cluster (built from Debian's packages, cached)"
  e2e/cluster/local-cluster.sh up
  KUBECONFIG=$(e2e/cluster/local-cluster.sh kubeconfig)
  export KUBECONFIG
fi

# --- 2. the images ---------------------------------------------------------------------------
if [ "$mode" = k3s ]; then
  step "images (Jib, public JRE base) into Docker"
  profiles=images
else
  step "JRE base image (debootstrap, no registry) and the images (Jib) into Docker"
  e2e/cluster/base-image.sh
  profiles=images,local-images
fi
mvn -B -ntp -q -P"$profiles" -DskipTests install

# --- 3 and 4. platform, demo, hot upgrades under load ------------------------------------------
step "platform, demo, and $upgrades hot upgrades under $rate requests/s"
mvn -B -ntp -q -pl e2e test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/demo.classpath
status=0
java -cp "e2e/target/test-classes:$(cat e2e/target/demo.classpath)" \
  -Dsidecarset.kubeconfig="${KUBECONFIG:-}" \
  -Dsidecarset.k3s.image="$K3S_IMAGE" \
  -Dsidecarset.charts.dir="$ROOT/charts" \
  -Dsidecarset.e2e.workDir="$ROOT/e2e/target/e2e-work" \
  -Dsidecarset.e2e.reportDir="$ROOT/e2e/target/e2e-report" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.io.fabric8=error \
  io.sidecarset.e2e.demo.HotUpgradeDemo --upgrades "$upgrades" --rate "$rate" || status=$?
exit "$status"
