#!/usr/bin/env bash
# Builds the test harness binaries (kube-apiserver, etcd, coredns, helm, envoy-validator)
# from the wrapper Go modules next to this script, with the Go module proxy as the only
# network source. Binaries go to a versioned cache folder outside the repository:
#
#   ${EGRESS_HARNESS_CACHE:-$HOME/.cache/egress-control/harness}/<key>/
#
# where <key> encodes the tool versions (read from the go.mod files), the Go version and a
# hash of the wrapper modules' inputs. A binary already present there is not rebuilt.
#
# Usage: tools/harness/build.sh [--print-dir] [tool...]
#   --print-dir   print the bin dir and exit without building
#   tool...       build only these (default: all five)
# The last line on stdout is always the bin dir; progress goes to stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS=(etcd kube-apiserver coredns helm envoy-validator)

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
for v in K8S ETCD COREDNS HELM ENVOY; do
  [ -n "${!v}" ] || { echo "build.sh: cannot read the $v version from the go.mod files" >&2; exit 1; }
done
GOVER="$(go env GOVERSION)"

# Everything that changes the output: wrapper go.mod/go.sum, our Go sources, this script.
HASH="$(cd "$HERE" && cat build.sh */go.mod */go.sum $(ls */*.go | sort) | sha256sum | cut -c1-12)"
KEY="k8s-${K8S#v}_etcd-${ETCD#v}_coredns-${COREDNS#v}_helm-${HELM#v}_envoy-${ENVOY#v}_${GOVER}_${HASH}"
DIR="${EGRESS_HARNESS_CACHE:-$HOME/.cache/egress-control/harness}/$KEY"

if [ "${1:-}" = "--print-dir" ]; then
  echo "$DIR"
  exit 0
fi
if [ $# -gt 0 ]; then TOOLS=("$@"); fi

mkdir -p "$DIR"
# One builder at a time per key (parallel CI jobs on one machine share the cache).
exec 9>"$DIR/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

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

build() { # build <tool>
  local tool="$1" pkg ldflags="-s -w" out="$DIR/$1"
  case "$tool" in
    kube-apiserver) pkg=k8s.io/kubernetes/cmd/kube-apiserver; ldflags="$(k8s_ldflags)" ;;
    etcd) pkg=go.etcd.io/etcd/server/v3 ;;
    coredns) pkg=. ;;
    helm) pkg=helm.sh/helm/v3/cmd/helm; ldflags="$(helm_ldflags)" ;;
    envoy-validator) pkg=. ;;
    *) echo "build.sh: unknown tool '$tool' (known: ${TOOLS[*]})" >&2; return 1 ;;
  esac
  if [ -x "$out" ]; then
    echo "harness: $tool present, skipping" >&2
    return 0
  fi
  local start=$SECONDS
  echo "harness: building $tool ..." >&2
  (cd "$HERE/$tool" && go build -trimpath -ldflags "$ldflags" -o "$out.tmp.$$" "$pkg")
  mv -f "$out.tmp.$$" "$out"
  echo "harness: built $tool in $((SECONDS - start))s ($(du -h "$out" | cut -f1))" >&2
}

for t in "${TOOLS[@]}"; do build "$t"; done
echo "$DIR"
