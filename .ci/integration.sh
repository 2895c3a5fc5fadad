#!/usr/bin/env bash
# Integration tests against a real etcd + kube-apiserver on loopback.
# Installs etcd (Debian's etcd-server) if it is missing, builds kube-apiserver
# once into the cache (.ci/build-apiserver.sh), then runs the tagged tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export KUBEWIRE_CACHE=${KUBEWIRE_CACHE:-$HOME/.cache/kubewire}

if [ -z "${ETCD_BIN:-}" ] && [ ! -x /usr/bin/etcd ]; then
  echo "== installing etcd-server"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq etcd-server >/dev/null
fi

if [ -z "${KUBE_APISERVER_BIN:-}" ]; then
  echo "== kube-apiserver (cached build)"
  KUBE_APISERVER_BIN=$(.ci/build-apiserver.sh | tail -1)
  export KUBE_APISERVER_BIN
  echo "$KUBE_APISERVER_BIN"
fi

if [ -z "${KUBELET_STANDIN_BIN:-}" ]; then
  echo "== kubelet stand-in (cached build)"
  KUBELET_STANDIN_BIN=$(.ci/build-kubelet.sh | tail -1)
  export KUBELET_STANDIN_BIN
  echo "$KUBELET_STANDIN_BIN"
fi

echo "== integration tests"
go test -tags integration -count=1 -timeout 30m ./internal/testenv/... ./internal/integration/...
