# syntax=docker/dockerfile:1
# The weeknotes bot as one image (README "Run in production"). Build: `docker build -t weeknotes .`
# BASE is the official Node LTS slim image; a look-alike can stand in for it where no registry is
# reachable (scripts/container-test.sh, ../shared/CONTAINER-TESTING.md).
ARG BASE=node:24-slim

# --- build: compile TypeScript and better-sqlite3, then keep production dependencies only -------
FROM ${BASE} AS build
# The slim image has no compiler; better-sqlite3 is built from source against this image's Node
# (its headers are in /usr/local/include/node), never a prebuilt binary fetched from GitHub.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local \
    npm_config_fund=false \
    npm_config_audit=false \
    npm_config_update_notifier=false
WORKDIR /build
COPY package.json package-lock.json ./
# Networks behind a TLS-inspecting proxy pass its CA as an optional build secret
# (`--secret id=extra_ca,src=ca.pem`): used by the one step that fetches packages, never kept in a
# layer. Scripts are off for `npm ci` (the package's own `prepare` needs the sources copied below);
# better-sqlite3 is the one dependency whose install script is needed.
RUN --mount=type=secret,id=extra_ca,required=false \
    if [ -s /run/secrets/extra_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra_ca; fi; \
    npm ci --ignore-scripts \
 && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY adapters adapters
RUN npm run build \
 && npm prune --omit=dev \
 && node -e "require('better-sqlite3')(':memory:').close()"

# --- runtime: Node, production dependencies, compiled code; no compiler, no dev dependencies ----
FROM ${BASE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /build/node_modules node_modules
COPY --from=build /build/dist dist
COPY package.json LICENSE README.md ./
COPY bin/weeknotes.js bin/weeknotes.js
COPY prompts prompts
COPY manifest manifest
# A numeric user, so it exists in any base image; it owns only the data folder.
RUN mkdir -p /data && chown 10001:10001 /data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 3000
# Node's own fetch: the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself (weeknotes stops gracefully within 25 s, inside
# the usual 30 s grace period). It starts no child processes, so no init is needed to reap them.
STOPSIGNAL SIGTERM
CMD ["node", "bin/weeknotes.js", "serve"]
