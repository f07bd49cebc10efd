# One image for every Tensorchain service that `tensorchain deploy` writes into docker-compose.yml
# and the Kubernetes manifests (image "tensorchain:latest" unless --image says otherwise):
#
#   node      npx tensorchain start --config /etc/tensorchain/config.json   (validator or bootstrap)
#   app       npx next start --port 3000
#   indexer   npx tsx lib/indexer/main.ts
#   worker    npx tensorchain-worker run                                    (GPU: see below)
#
# Build from the repository root:   docker build -t tensorchain:latest .
#
# The node and the worker run from their TypeScript sources through tsx (no build step); the app
# is built with `next build`. Data lives in /var/lib/tensorchain (a volume), configs, genesis
# and keys are mounted under /etc/tensorchain. The image runs as the unprivileged `node` user
# (uid 1000; the Kubernetes manifests set fsGroup 1000 to match).
#
# GPU worker: onnxruntime-node uses CUDA when the container sees an NVIDIA GPU (run with the
# NVIDIA Container Toolkit, `--gpus all` / a GPU resource request) and the CPU otherwise.

ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
# Toolchain for native modules (classic-level, secp256k1) when no prebuilt binary fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
  && rm -rf /var/lib/apt/lists/*
# Dependencies first, so source edits do not invalidate the npm layer. Lifecycle scripts need
# the sources (prisma generate, contracts/build.ts), so they run after the copy below.
COPY package.json package-lock.json ./
COPY chain/package.json chain/package.json
COPY worker/package.json worker/package.json
RUN npm ci --ignore-scripts
COPY . .
RUN npm rebuild \
  && npm run postinstall \
  && npm run build \
  && npm prune --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /var/lib/tensorchain /etc/tensorchain \
  && chown node:node /var/lib/tensorchain
USER node
VOLUME ["/var/lib/tensorchain"]
# JSON-RPC (HTTP + WebSocket), p2p, Prometheus metrics, app.
EXPOSE 8545 26656 9615 3000
CMD ["npx", "tensorchain", "--help"]
