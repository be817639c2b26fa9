# One image for the gateway and every subgraph; docker-compose.yml picks the entry point
# (`node packages/kit/dist/src/serve.js <subgraph>` for a subgraph).

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
RUN npx tsc -b && npm prune --omit=dev --no-audit --no-fund

FROM node:24-slim
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
# The gateway's port; each subgraph listens on its PORT (docker-compose.yml), inside the network only.
EXPOSE 4000
CMD ["node", "gateway/dist/src/index.js"]
