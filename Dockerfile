# rocketserve, CPU image. Multi-stage:
#   build     toolchain, all dependencies, the C++ addon, the TypeScript build, the demo rocket
#   test      `docker build --target test .` runs the checks of npm test (typecheck, lint, vitest) on the build stage
#   prod-deps production dependencies only, without other platforms' onnxruntime binaries
#   rocket    an optional rocket baked in at build time (ROCKET_PATH in the context, or ROCKET_FETCH_URL)
#   runtime   node:24-bookworm-slim (Node.js 24 LTS; glibc: onnxruntime-node has no musl build), non-root, no toolchain
#
#   docker build -t rocketserve .
#   docker run -p 5042:5042 rocketserve          # serves the embedded demo rocket
#   docker build --build-arg ROCKET_PATH=models/yolov8n.onnx -t my-rocket .   # bakes a rocket in
ARG BUILD_IMAGE=node:24-bookworm
ARG RUNTIME_IMAGE=node:24-bookworm-slim

FROM ${BUILD_IMAGE} AS build
# onnxruntime-node's installer would download CUDA binaries; the CPU provider ships in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip
# cmake-js needs cmake, a C++17 compiler and python3 (node:24-bookworm has all but cmake).
RUN command -v cmake >/dev/null && command -v g++ >/dev/null \
  || (apt-get update && apt-get install -y --no-install-recommends cmake g++ make python3 \
      && rm -rf /var/lib/apt/lists/*)
WORKDIR /src
COPY package.json package-lock.json ./
# better-sqlite3 (the job store) compiles its addon from the npm package's own sources in its install
# script, never downloading a prebuilt binary (build_from_source), against this image's Node headers
# (nodedir) rather than headers fetched from nodejs.org. The runtime copies the addon from here.
RUN npm_config_build_from_source=better-sqlite3 npm_config_nodedir=/usr/local npm ci --no-audit --no-fund \
  && npm cache clean --force
# Everything `npm run build` reads (native/, src/, web/, configs); .dockerignore keeps the rest out.
COPY . .
# The addon, TypeScript, build/demo (the demo rocket and its images), build/web (the playground).
RUN npm run build

FROM build AS test
# npm test's pretest minus the build the build stage has already done: typecheck, lint, vitest.
RUN npm run typecheck && npm run lint && npx vitest run

FROM ${BUILD_IMAGE} AS prod-deps
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: onnxruntime-node's install script only downloads CUDA binaries, and better-sqlite3's
# addon, which its script compiles, is copied from the build stage. Then drop onnxruntime binaries for
# other operating systems and CPUs.
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force \
  && keep="linux/$(node -p process.arch)" \
  && cd node_modules/onnxruntime-node/bin/napi-v6 \
  && for d in */*; do [ "$d" = "$keep" ] || rm -rf "$d"; done \
  && find . -mindepth 1 -type d -empty -delete

FROM ${BUILD_IMAGE} AS rocket
# ROCKET_PATH: a .onnx file or a rocket directory inside the build context, copied to /opt/rocket.
# ROCKET_FETCH_URL: an https URL of a .onnx file, downloaded to /opt/rocket at build time.
# Either one writes /out/config.ini with ROCKET_URL pointing at the baked rocket; neither serves the demo.
ARG ROCKET_PATH=deploy/rocket
ARG ROCKET_FETCH_URL=
COPY ${ROCKET_PATH} /opt/rocket/
COPY scripts/bake-rocket.mjs /usr/local/bin/bake-rocket.mjs
RUN node /usr/local/bin/bake-rocket.mjs /opt/rocket /out "${ROCKET_FETCH_URL}"

FROM ${RUNTIME_IMAGE} AS runtime
# PORT (default 5042) and HOST (0.0.0.0) are left unset so a mounted config.ini can set them too;
# an environment variable of the same name (Cloud Run sets PORT) wins over the file.
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /src/node_modules node_modules
COPY package.json ./
COPY --from=build /src/dist dist
COPY --from=build /src/build/native/Release/rocketserve_native.node build/native/Release/
COPY --from=build /src/node_modules/better-sqlite3/build/Release/better_sqlite3.node \
  node_modules/better-sqlite3/build/Release/
COPY --from=rocket /opt/rocket /opt/rocket
# /out holds config.ini only when a rocket was baked in (mount your own over /app/config.ini to change it).
COPY --from=rocket /out/ ./
COPY --from=build /src/build/web build/web
# build/demo is owned by the runtime user, so the demo rocket is found as built and never rewritten.
COPY --from=build --chown=1000:1000 /src/build/demo build/demo
COPY scripts/healthcheck.mjs scripts/
# CACHE_DIR (default ~/.cache/rocketserve): where remote rockets (ROCKET_URL=https://..., gs://,
# s3://) are fetched at start, and onnxruntime's optimized copies of models are kept. Created here,
# owned by the runtime user, so a volume mounted on it (docker run -v
# rockets:/home/node/.cache/rocketserve) keeps both across restarts.
RUN mkdir -p /home/node/.cache/rocketserve /data && chown -R 1000:1000 /home/node/.cache /data
# DATA_DIR: the job store (POST /jobs): its SQLite database and the inputs and results of jobs. A
# volume owned by the runtime user, so jobs survive restarts (docker run -v jobs:/data); containers of
# the same rocket on one host may share it. JOB_STORE=postgres://... shares a queue across hosts instead.
ENV DATA_DIR=/data
VOLUME /data
# The node user of the base image (uid 1000), numeric so Kubernetes can check runAsNonRoot.
USER 1000:1000
EXPOSE 5042
# GET /health on the PORT/HOST the server reads (environment or config.ini); 503 while loading.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "scripts/healthcheck.mjs"]
CMD ["node", "dist/bundle/cli.js", "serve"]
