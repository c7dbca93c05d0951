#!/usr/bin/env bash
# Builds the test harness binaries (kube-apiserver, etcd, coredns, helm, envoy-validator, netpol-oracle)
# from the wrapper Go modules next to this script, with the Go module proxy as the only
# network source. Each binary is cached outside the repository under its own key:
#
#   ${EGRESS_HARNESS_CACHE:-$HOME/.cache/egress-control/harness}/tools/<tool>/<tool key>/<tool>
#
# where <tool key> encodes the tool's version (read from its go.mod), the Go version, and a hash
# of what the binary is made from (that wrapper module's go.mod, go.sum and non-test Go sources,
# the package and the linker flags). Changing one tool (or adding one) rebuilds only that tool;
# a test file beside a tool rebuilds nothing. The tests get one folder holding all of them:
#
#   ${EGRESS_HARNESS_CACHE:-...}/bin/<key of the set>/<tool> -> ../../tools/<tool>/<tool key>/<tool>
#
# Usage: tools/harness/build.sh [--print-dir] [tool...]
#   --print-dir   print the bin dir and exit without building
#   tool...       build only these (default: all of them)
# The last line on stdout is always the bin dir; progress goes to stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS=(etcd kube-apiserver coredns helm envoy-validator netpol-oracle)

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  PATH="/usr/local/go/bin:$PATH"
fi
export GOTOOLCHAIN=local CGO_ENABLED=0
# readonly: the committed go.sum files must be complete; -buildvcs=false: the wrapper
# modules live inside the product's git repo, whose state must not affect the binaries.
export GOFLAGS="-mod=readonly -buildvcs=false"

modver() { # modver <tool-dir> <module path> -> version required by that wrapper's go.mod
  awk -v m="$2" '($1 == m || ($1 == "require" && $2 == m)) { v = ($1 == m) ? $2 : $3; print v; exit }' \
    "$HERE/$1/go.mod"
}
K8S="$(modver kube-apiserver k8s.io/kubernetes)"
ETCD="$(modver etcd go.etcd.io/etcd/server/v3)"
COREDNS="$(modver coredns github.com/coredns/coredns)"
HELM="$(modver helm helm.sh/helm/v3)"
ENVOY="$(modver envoy-validator github.com/envoyproxy/go-control-plane/envoy)"
CYCLONUS="$(modver netpol-oracle github.com/mattfenwick/cyclonus)"
for v in K8S ETCD COREDNS HELM ENVOY CYCLONUS; do
  [ -n "${!v}" ] || { echo "build.sh: cannot read the $v version from the go.mod files" >&2; exit 1; }
done
GOVER="$(go env GOVERSION)"

CACHE="${EGRESS_HARNESS_CACHE:-$HOME/.cache/egress-control/harness}"

k8s_ldflags() {
  local minor flags="-s -w"
  minor="$(echo "$K8S" | cut -d. -f2)"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $p.gitVersion=$K8S -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  echo "$flags"
}
helm_ldflags() {
  # As helm's Makefile: the default Capabilities.KubeVersion follows the client-go it links.
  local cg maj min
  cg="$(modver helm k8s.io/client-go)"          # v0.N.x -> Kubernetes 1.N
  maj=$(( $(echo "${cg#v}" | cut -d. -f1) + 1 ))
  min="$(echo "$cg" | cut -d. -f2)"
  echo "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
    "-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=$maj -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$min" \
    "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=$maj -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$min"
}

# spec <tool>: sets PKG, LDFLAGS and VERSION for one tool.
spec() {
  LDFLAGS="-s -w"
  case "$1" in
    kube-apiserver) PKG=k8s.io/kubernetes/cmd/kube-apiserver; LDFLAGS="$(k8s_ldflags)"; VERSION="$K8S" ;;
    etcd) PKG=go.etcd.io/etcd/server/v3; VERSION="$ETCD" ;;
    coredns) PKG=.; VERSION="$COREDNS" ;;
    helm) PKG=helm.sh/helm/v3/cmd/helm; LDFLAGS="$(helm_ldflags)"; VERSION="$HELM" ;;
    envoy-validator) PKG=.; VERSION="$ENVOY" ;;
    netpol-oracle) PKG=.; VERSION="$CYCLONUS" ;;
    *) echo "build.sh: unknown tool '$1' (known: ${TOOLS[*]})" >&2; return 1 ;;
  esac
}

# toolkey <tool>: version, Go version and a hash of everything the binary is built from.
toolkey() {
  local hash
  spec "$1"
  hash="$(cd "$HERE/$1" && { cat go.mod go.sum; find . -name '*.go' ! -name '*_test.go' | sort | xargs -r cat; echo "$PKG $LDFLAGS"; } | sha256sum | cut -c1-12)"
  echo "${VERSION#v}_${GOVER}_${hash}"
}

ALL=()
for t in "${TOOLS[@]}"; do ALL+=("$t=$(toolkey "$t")"); done
DIR="$CACHE/bin/$(printf '%s\n' "${ALL[@]}" | sha256sum | cut -c1-16)"

if [ "${1:-}" = "--print-dir" ]; then
  echo "$DIR"
  exit 0
fi
WANT=("${TOOLS[@]}")
if [ $# -gt 0 ]; then WANT=("$@"); fi

mkdir -p "$CACHE"
# One builder at a time (parallel CI jobs on one machine share the cache).
exec 9>"$CACHE/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

build() { # build <tool>: into its own keyed folder unless already there
  local tool="$1" key out
  key="$(toolkey "$tool")"
  out="$CACHE/tools/$tool/$key/$tool"
  if [ -x "$out" ]; then
    echo "harness: $tool present, skipping" >&2
    return 0
  fi
  spec "$tool"
  mkdir -p "$(dirname "$out")"
  local start=$SECONDS
  echo "harness: building $tool ..." >&2
  (cd "$HERE/$tool" && go build -trimpath -ldflags "$LDFLAGS" -o "$out.tmp.$$" "$PKG")
  mv -f "$out.tmp.$$" "$out"
  echo "harness: built $tool in $((SECONDS - start))s ($(du -h "$out" | cut -f1))" >&2
}

mkdir -p "$DIR"
for t in "${WANT[@]}"; do
  build "$t"
  ln -sfn "../../tools/$t/$(toolkey "$t")/$t" "$DIR/$t"
done
echo "$DIR"
