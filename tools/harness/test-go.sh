#!/usr/bin/env bash
# Runs the Go tests of the harness wrapper modules (today envoy-validator's: it must reject bad
# bootstraps, or every "OK" the fidelity test sees would mean nothing). Part of `pnpm test` through
# this package's `test` script. Same settings as build.sh: the local toolchain and the committed
# go.sum; the modules' dependencies are in the Go module cache once build.sh has built the tools.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Where scripts/test-prerequisites.mjs looks for Go too: PATH, $GOROOT/bin, /usr/local/go/bin.
if ! command -v go >/dev/null 2>&1; then
  for d in "${GOROOT:-/nonexistent}/bin" /usr/local/go/bin; do
    if [ -x "$d/go" ]; then PATH="$d:$PATH"; break; fi
  done
fi
export GOTOOLCHAIN=local CGO_ENABLED=0
export GOFLAGS="-mod=readonly -buildvcs=false"

tested=0
for mod in "$HERE"/*/go.mod; do
  dir="$(dirname "$mod")"
  # Only modules with tests: `go test` in the others would compile kube-apiserver & co. for nothing.
  [ -n "$(find "$dir" -name '*_test.go' -print -quit)" ] || continue
  echo "harness: go test $(basename "$dir")" >&2
  (cd "$dir" && go test -count=1 ./...)
  tested=$((tested + 1))
done
# A glob that found nothing must not pass as "all tests green".
[ "$tested" -gt 0 ] || { echo "test-go.sh: no Go module with tests under $HERE" >&2; exit 1; }
