# One image for the gateway, the schema registry and every subgraph; docker-compose.yml picks the entry
# point (`node packages/kit/dist/src/serve.js <subgraph>` for a subgraph, `node registry/dist/src/index.js`
# for the registry).

# Every workspace's package.json, wherever it is: `npm ci` below stays cached until one of them
# (or the lock file) changes, and a new subgraph needs no line here.
FROM node:24-slim AS manifests
WORKDIR /app
COPY . .
RUN mkdir /manifests && find . -name package.json -not -path "*/node_modules/*" -exec cp --parents {} /manifests \;

FROM node:24-slim AS build
WORKDIR /app
COPY --from=manifests /manifests ./
COPY package-lock.json tsconfig.json tsconfig.base.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# GraphiQL's bundle (gateway/dist/graphiql) is made from dev dependencies: before they are pruned.
RUN npx tsc -b && node gateway/graphiql/build.mjs && npm prune --omit=dev --no-audit --no-fund

FROM node:24-slim
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
# The gateway's and the registry's ports; each subgraph listens on its PORT (docker-compose.yml), inside the network only.
EXPOSE 4000 4100
CMD ["node", "gateway/dist/src/index.js"]
