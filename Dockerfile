# One image for the gateway, the schema registry, every subgraph and worker, and the migrations;
# docker-compose.yml and the Kubernetes manifests (deploy/k8s) pick the entry point:
#   node gateway/dist/src/index.js                        the gateway (PORT 4000)
#   node registry/dist/src/index.js                       the schema registry (PORT 4100)
#   node packages/kit/dist/src/serve.js <subgraph>        a subgraph (PORT: its rover.yaml port)
#   node packages/kit/dist/src/work.js <subgraph> <name>  a subgraph's worker
#   node tools/dist/src/migrate.js                        every migration, then exit (npm run migrate)
# The workspaces the image runs: the kit, the gateway, the registry, the tools and every subgraph
# (subgraphs/*, so a new subgraph needs no line here). The others (e2e, bench, examples, the
# typed client) and every dev dependency stay out of the final stage.

# Every workspace's package.json, wherever it is: the installs below stay cached until one of them
# (or the lock file) changes.
FROM node:24-slim AS manifests
WORKDIR /app
COPY . .
RUN mkdir /manifests && find . -name package.json -not -path "*/node_modules/*" -exec cp --parents {} /manifests \;

# Builds with every dependency: compiles the TypeScript and bundles GraphiQL (from dev dependencies).
FROM node:24-slim AS build
WORKDIR /app
COPY --from=manifests /manifests ./
COPY package-lock.json tsconfig.json tsconfig.base.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -b && node gateway/graphiql/build.mjs
# What the processes load and read at run time, into /runtime: the compiled code (no tests, no
# declarations), the migrations, the gateway's pages and GraphiQL bundle, rover.yaml (the list of
# subgraphs), the checked-in schema and the client manifest (SUPERGRAPH_SOURCE=file, registry-publish).
RUN mkdir -p /runtime/clients \
  && cp -r rover.yaml schema /runtime/ \
  && cp clients/persisted-query-manifest.json /runtime/clients/ \
  && for workspace in packages/kit gateway registry tools subgraphs/*; do \
       mkdir -p "/runtime/$workspace" && cp -r "$workspace/dist" "/runtime/$workspace/" && rm -rf "/runtime/$workspace/dist/test"; \
     done \
  && cp -r gateway/static /runtime/gateway/ \
  && find /runtime -name "*.d.ts" -delete -o -name "*.tsbuildinfo" -delete

# Production dependencies only, of those workspaces only.
FROM node:24-slim AS dependencies
WORKDIR /app
COPY --from=manifests /manifests ./
COPY package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund $(for workspace in packages/kit gateway registry tools subgraphs/*; do printf -- "--workspace=%s " "$workspace"; done)

FROM node:24-slim
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=dependencies /app /app
COPY --from=build /runtime /app
# SOLO_DATA_DIR's default; Kubernetes mounts an emptyDir there (its root filesystem is read-only).
RUN mkdir -p /app/.data && chown node:node /app/.data
# The image's `node` user, by its uid: Kubernetes' runAsNonRoot can check a number, not a name.
USER 1000:1000
# The gateway's and the registry's ports; each subgraph listens on its PORT (docker-compose.yml), inside the network only.
EXPOSE 4000 4100
CMD ["node", "gateway/dist/src/index.js"]
