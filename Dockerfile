# rtb-sim as a container image: every command behind one entry point (src/sim/cli/rtb-sim.ts),
#   docker run --rm rtb-sim sweep scenarios/tune-tmax.json --out /data/sweep
# The manifests in deploy/k8s run it; docs/kubernetes.md builds it and says how. Checked, not built,
# by test/deploy-dockerfile.test.ts (the machines that test this project run no Docker engine).

# A small Node 20 base: Alpine's musl build, about 45 MB compressed.
FROM node:20-alpine

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, from the lock file alone, so the layer is reused until it changes. tsx, which
# runs the TypeScript sources, is a runtime dependency; the dev dependencies (tests, lint) stay out.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY src ./src
COPY scenarios ./scenarios

# The default report folder, writable by the user that runs (the manifests write to a volume instead).
RUN mkdir -p reports && chown node:node reports

# The base image's non-root user `node`, by number so Kubernetes' runAsNonRoot can check it.
USER 1000:1000

ENTRYPOINT ["node", "--import", "tsx", "src/sim/cli/rtb-sim.ts"]
CMD ["--help"]
