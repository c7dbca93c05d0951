# syntax=docker/dockerfile:1
# Egress Control: the API (which also serves the console and reconciles) in one image.
#
#   docker build -t egress-control:0.1.0 .
#   docker run -e DATABASE_URL=postgres://... -e EGRESS_TARGET=kubernetes -p 8080:8080 egress-control:0.1.0
#
# Stage 1 installs the workspace with pnpm (the version pinned by package.json's packageManager) and
# builds the console (Vite) and the API bundle (tsup: workspace packages and the generated Prisma client
# bundled in, npm dependencies external). `pnpm deploy` then lays out the API's production dependencies
# alone. Stage 2 holds only what runs: Node 20, those dependencies, the two builds and the SQL migrations,
# owned by root and run as an unprivileged user (uid 10001), so a read-only root filesystem works.
ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS build
ENV CI=true PNPM_HOME=/pnpm PATH=/pnpm:$PATH
RUN corepack enable
WORKDIR /src
# Manifests first: the dependency layer is rebuilt only when they change.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY apps/api/package.json apps/api/
COPY apps/web/package.json apps/web/
COPY apps/cli/package.json apps/cli/
COPY packages/shared/package.json packages/shared/
COPY packages/manifests/package.json packages/manifests/
COPY tools/harness/package.json tools/harness/
# The root postinstall generates the Prisma client (JS engine, no native download).
COPY scripts scripts
COPY prisma prisma
COPY prisma.config.ts ./
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm --filter @egress/web build \
 && pnpm --filter @egress/api build \
 && pnpm --filter @egress/api deploy --prod --legacy /out/api

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    EGRESS_DATA_DIR=/tmp/egress
RUN groupadd --system --gid 10001 egress \
 && useradd --system --uid 10001 --gid egress --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin egress
WORKDIR /app
# Paths as in the repository: the server finds ../../web/dist and ../../../prisma/migrations from its bundle.
COPY --from=build /out/api/package.json apps/api/package.json
COPY --from=build /out/api/node_modules apps/api/node_modules
COPY --from=build /src/apps/api/dist apps/api/dist
COPY --from=build /src/apps/web/dist apps/web/dist
COPY --from=build /src/prisma/migrations prisma/migrations
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/api/dist/server.js"]
