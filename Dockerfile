# syntax=docker/dockerfile:1
# external-proxy image: build with the full toolchain, run with production dependencies only.
#   docker build -t external-proxy:0.2.0 .
# Node 26 is the active LTS line and the one every test suite runs on (`npm test` runs unit + e2e on Node 24,
# the maintenance line, too). Pin the digest in your registry mirror if you need reproducible rebuilds.
ARG NODE_IMAGE=node:26-trixie-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Dependency install scripts are not needed (swc ships prebuilt binaries as optional packages). The `node`
# devDependency brings Node 26 to machines that lack it; the image has it, so its unfilled shim goes.
RUN npm ci --ignore-scripts --no-audit --no-fund && rm -rf node_modules/node node_modules/.bin/node
COPY tsconfig.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build
RUN test -f dist/apps/gateway/src/main.js || { echo "nest build did not produce dist/apps/gateway/src/main.js (the CMD below)" >&2; exit 1; }

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Production dependencies only; then npm and corepack go: the runtime never installs anything, and they
# carry most of the image's scanner findings.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /root/.npm
COPY --from=build /app/dist ./dist
# The gateway finds /app/config/default.yaml itself (nearest config/ above the running file).
COPY config ./config
# Code and config stay root-owned and read-only to the app; uid/gid 1000 is the image's `node` user
# (numeric, so Kubernetes can verify runAsNonRoot). The chart mounts a writable /tmp.
USER 1000:1000
# Proxied traffic (server.port) and /health/live, /health/ready, /metrics (server.adminPort).
EXPOSE 8080 9464
# No tini: node runs as PID 1 and the gateway handles SIGTERM/SIGINT itself (readiness off, drain, flush
# spans, exit 0); it starts no child processes, so there are no zombies to reap. No HEALTHCHECK:
# Kubernetes probes the admin port. --max-semi-space-size=4 (MiB) keeps the young generation small: peak
# RSS under load ~135 MiB instead of ~230 (see README, Performance); NODE_OPTIONS from the chart still adds to it.
CMD ["node", "--max-semi-space-size=4", "dist/apps/gateway/src/main.js"]
