# paasport server image: multi-stage build, production dependencies only, non-root, healthcheck without curl.
# Build: docker build -t paasport .   Run: docker run -p 3000:3000 paasport
# Node 26 is the active LTS line; the code is also tested on Node 20.19+ (package.json engines).
ARG NODE_IMAGE=node:26-alpine3.23

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig*.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/runtime-manifest.mjs ./scripts/
# The package lists the server's dependencies as optional peers (the generator and client stay light);
# the image turns them into plain dependencies and installs their locked versions, without dev tools.
RUN node scripts/runtime-manifest.mjs package.json && npm install --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# pg_dump/pg_restore for `paasport backup` and `restore`; version 18 tools handle servers from 9.2 to 18.
RUN apk add --no-cache postgresql18-client
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=deps /app/package.json ./
RUN mkdir -p /data && chown node:node /data && ln -s /app/dist/cli.js /usr/local/bin/paasport && chmod +x /app/dist/cli.js
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/server/main.js"]
