# One image, two process groups (web and worker, see fly.toml). docs/deploy.md explains each step.
# Build stage: install everything, compile, then drop the dev dependencies.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: nothing the production image needs compiles or downloads anything at install time.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN node scripts/build.mjs && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: the pruned node_modules, the compiled code and the files it reads at run time; nothing else.
FROM node:22-bookworm-slim
# The commit this image was built from (deploy.yml passes it): Sentry's release and the ops page's version.
ARG GIT_SHA=unknown
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 GIT_SHA=${GIT_SHA}
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/migrations ./migrations
COPY --from=build --chown=node:node /app/views ./views
COPY --from=build --chown=node:node /app/public ./public
COPY --from=build --chown=node:node /app/src/practice/bank ./src/practice/bank
COPY --from=build --chown=node:node /app/src/practice/harness ./src/practice/harness
USER node
EXPOSE 8080 8081
# node itself as PID 1's child-free process, never `npm start` (npm does not pass SIGTERM on, so no graceful stop).
# fly.toml's [processes] override this per group; this is the web default for `docker run`.
CMD ["node", "--import", "./dist/src/observability/instrument.js", "dist/src/server.js"]
