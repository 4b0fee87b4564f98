# syntax=docker/dockerfile:1
# daybook: one image for every replica and role (issue 15). Build and run:
#   docker build -t daybook .
#   docker run --rm -p 3000:3000 daybook            (demo mode; docs/operations.md)
#   docker compose up --build                       (Redis + two replicas behind one port)
# Node comes from the official image at the same major as the project's node@24 package
# (package.json), pinned to a release so a rebuild gets the same runtime.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# Stage 1: production dependencies only, exactly as package-lock.json pins them. Install
# scripts are skipped: no production dependency needs one, and the one that has one (the
# node@24 package, which fetches a Node binary for npm scripts) is not used here.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

# Stage 2: the runtime. Code and dependencies are owned by root and read-only to the app
# user; only the compile cache directory is the app's to write.
FROM ${NODE_IMAGE} AS runtime
# Charts are drawn with resvg, which draws no text without a font; the slim image ships none.
RUN apt-get update \
  && apt-get install -y --no-install-recommends fonts-dejavu-core \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=3000 \
    NODE_COMPILE_CACHE=/app/.cache/node-compile-cache
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json daybook.example.yaml ./
COPY src ./src
COPY adapters ./adapters
COPY chains ./chains
COPY tools ./tools
COPY prompts ./prompts
RUN mkdir -p /app/.cache/node-compile-cache \
  && chown -R node:node /app/.cache

# The official image's unprivileged user (uid 1000).
USER node
# Warm the compile cache at build time: every container then starts without stripping types
# and compiling the modules main.ts imports (about half the start-up time; bench/start-up.bench.ts).
# Importing main.ts does not start anything: it runs only as the entry point (import.meta.main).
RUN node --input-type=module -e "await import('/app/src/main.ts')"

EXPOSE 3000
# Ready means the store answers (GET /readyz, 503 otherwise); the image has no curl, so Node asks.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts a graceful stop (src/main.ts): intake closes, running jobs get up to 20 s, and
# whatever is unfinished stays queued for another replica. Give it 30 s (docker stop -t 30).
STOPSIGNAL SIGTERM
# Node itself is PID 1 (no npm in between, which would not forward signals); main.ts handles
# SIGTERM and SIGINT. The V8 flag caps the young generation (idle RSS; docs/operations.md).
CMD ["node", "--max-semi-space-size=16", "src/main.ts", "start"]
