#!/bin/sh
# Runs kubewire's side-by-side benchmark against client-go and writes
# docs/benchmarks.md. Extra flags go to the report command, for example
# -quick (small inputs, to check the harness) or -cold=false (skip the
# minutes-long cold builds). See cmd/report.
set -eu
cd "$(dirname "$0")"
exec go run ./cmd/report -out ../docs/benchmarks.md "$@"
