#!/usr/bin/env bash
# Builds the kubelet stand-in (internal/testenv/kubeletstandin, a module of
# its own on Kubernetes' kubelet streaming packages) into the cache, once per
# version of its sources. Prints the binary's path. The cache key is the
# first 16 hex digits of the SHA-256 of its go.mod, go.sum and *.go files
# (sorted by name, concatenated); internal/testenv computes the same key.
set -euo pipefail
cd "$(dirname "$0")/../internal/testenv/kubeletstandin"
cache=${KUBEWIRE_CACHE:-$HOME/.cache/kubewire}
key=$(cat $(LC_ALL=C ls go.mod go.sum *.go | LC_ALL=C sort) | sha256sum | cut -c1-16)
bin=$cache/kubelet-standin-$key
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
mkdir -p "$cache"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
go build -trimpath -o "$bin.tmp" .
mv "$bin.tmp" "$bin"
echo "$bin"
