#!/usr/bin/env bash
# Runs every test of the project on a fresh Debian 12 machine: unit (*Test), integration (*IT:
# loopback processes, a bare kube-apiserver) and end-to-end (*E2E: a real single-node cluster with
# the product's images and Helm chart). Installs what it needs; caches builds under ~/.cache/.
#
#   ./test.sh            everything
#   ./test.sh --no-e2e   unit and integration tests only (no cluster, no images, and without the
#                        20-handoff load IT of sample-proxy, which needs the machine to itself)
set -euo pipefail
cd "$(dirname "$0")"

e2e=true
for arg in "$@"; do
  case "$arg" in
    --no-e2e) e2e=false ;;
    *) echo "usage: ./test.sh [--no-e2e]" >&2; exit 2 ;;
  esac
done

step() { printf '\n[test] %s\n' "$*"; }

step "prerequisites: JDK 17 and Maven"
if ! command -v mvn >/dev/null || ! command -v javac >/dev/null; then
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq openjdk-17-jdk-headless maven >/dev/null
fi

# The integration tests start a private etcd + kube-apiserver (e2e/cluster/bare-apiserver.sh), and
# the proxy benchmarks compare against HAProxy: both need the Kubernetes binaries built from
# Debian's source package (cached after the first run).
step "Kubernetes binaries (built from Debian's source package once, then cached)"
e2e/cluster/local-cluster.sh build

if [ "$e2e" = true ]; then
  # down wipes etcd and the pod containers: no release or pod of an earlier run is left to
  # disturb this one, and nothing of a cluster runs during the load IT that follows
  e2e/cluster/local-cluster.sh down
  step "the proxy's 20-handoff load IT, before the cluster starts"
  # It measures the proxy's handoff latency against its own steady state on two cores shared by
  # the load generator, the app and two proxy JVMs: a control plane alongside (etcd, apiserver,
  # kubelet) would put its own tail into the figures. Zero dropped requests is asserted either way.
  mvn -B -ntp -pl sample-proxy -am -Pload verify -Dtest=none -Dit.test=HotUpgradeChainIT \
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
  step "local cluster (etcd, apiserver, scheduler, controller-manager, kubelet on Docker)"
  e2e/cluster/local-cluster.sh up
  step "JRE base image for Jib (debootstrap, no registry)"
  e2e/cluster/base-image.sh
  step "build, unit tests, integration tests, images, end-to-end tests"
  export KUBECONFIG
  KUBECONFIG="$(e2e/cluster/local-cluster.sh kubeconfig)"
  # without -Pload: the chain ran above
  mvn -B -ntp -Pimages,local-images,e2e verify
else
  step "build, unit tests, integration tests"
  mvn -B -ntp verify
fi
