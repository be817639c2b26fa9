# One image for the gateway and every subgraph; docker-compose.yml picks the entry point.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY packages/kit/package.json packages/kit/
COPY subgraphs/users/package.json subgraphs/users/
COPY subgraphs/content/package.json subgraphs/content/
COPY subgraphs/assessments/package.json subgraphs/assessments/
COPY gateway/package.json gateway/
COPY tools/package.json tools/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -b && npm prune --omit=dev --no-audit --no-fund

FROM node:24-slim
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 4000 4001 4002 4003
CMD ["node", "gateway/dist/src/index.js"]
