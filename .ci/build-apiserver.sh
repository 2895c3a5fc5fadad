#!/usr/bin/env bash
# Builds kube-apiserver VERSION from the Go module proxy into the cache, once.
# Prints the binary's path. The build module lives outside the repository and
# nothing of it enters kubewire's go.mod.
set -euo pipefail
version=${KUBE_VERSION:-1.37.2}
cache=${KUBEWIRE_CACHE:-$HOME/.cache/kubewire}
bin=$cache/kube-apiserver-v$version
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
mkdir -p "$cache"
work=$(mktemp -d "$cache/build-apiserver.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export GOSUMDB=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
# The first proxy of `go env GOPROXY` that is a URL (not direct/off).
proxy=$(go env GOPROXY | tr ',|' '\n\n' | grep -E '^https?://' | head -1)
if [ -z "$proxy" ]; then
  echo "build-apiserver: go env GOPROXY names no proxy URL ($(go env GOPROXY))" >&2
  exit 1
fi
curl -fsSL "$proxy/k8s.io/kubernetes/@v/v$version.mod" -o upstream.mod
{
  echo "module kubewire.local/apiserverbuild"
  echo
  echo "go 1.26"
  echo
  echo "require k8s.io/kubernetes v$version"
  echo
  # Every staging module the upstream go.mod points at a local path gets the
  # published v0.x.y of the same path instead.
  grep -E '^\s*k8s\.io/[^ ]+ => \./staging/' upstream.mod | awk -v v="v0.${version#1.}" '{print "replace " $1 " => " $1 " " v}'
} > go.mod
cat > tools.go <<'GO'
//go:build tools

package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
GO
go mod tidy -e >/dev/null 2>&1 || true
# Stamp the version the server reports at /version (a module build has none).
ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $pkg.gitVersion=v$version -X $pkg.gitMajor=${version%%.*}"
  minor=${version#*.}; ldflags="$ldflags -X $pkg.gitMinor=${minor%%.*} -X $pkg.gitTreeState=clean"
  ldflags="$ldflags -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
go build -trimpath -ldflags "$ldflags" -o "$bin.tmp" k8s.io/kubernetes/cmd/kube-apiserver
mv "$bin.tmp" "$bin"
echo "$bin"
