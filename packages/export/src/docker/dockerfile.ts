import { APP_DIR } from "../project-image.js";

/** Options of {@link dockerfile}. */
export interface DockerfileOptions {
  /** The Node.js major version of both stages (default 20, what Kiln supports). */
  nodeVersion?: number;
}

/**
 * The Dockerfile `kiln docker init` writes: dependencies installed with `npm ci` in a full Node
 * image (build tools for native modules such as better-sqlite3), then copied into a slim one that
 * runs as the unprivileged `node` user with `kiln` as its entrypoint. The lockfile and package.json
 * are copied before the sources so a code change reuses the dependency layer.
 */
export function dockerfile(options: DockerfileOptions = {}): string {
  const node = options.nodeVersion ?? 20;
  return `# syntax=docker/dockerfile:1
# Written by kiln docker init: the image of this Kiln project, which
# \`kiln export argo|valohai --image …\` runs. Build and push it:
#   docker build -t registry.example.com/team/project:1.0 .
#   docker push registry.example.com/team/project:1.0
# Run a pipeline in it:  docker run --rm IMAGE run --pipeline NAME

# Dependencies, in a full image: native modules compile here if no prebuilt binary fits.
FROM node:${node}-bookworm AS deps
WORKDIR ${APP_DIR}
# Only the manifests first: this layer is rebuilt when dependencies change, not when code does.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \\
    npm ci --omit=dev --no-audit --no-fund

# The runtime: slim, unprivileged, the project's code over its installed dependencies.
FROM node:${node}-bookworm-slim
ENV NODE_ENV=production \\
    PATH=${APP_DIR}/node_modules/.bin:$PATH
WORKDIR ${APP_DIR}
COPY --from=deps --chown=node:node ${APP_DIR}/node_modules ./node_modules
COPY --chown=node:node . .
# Kiln writes its TypeScript cache (.kiln/) and the pipelines' data/ under the project.
RUN mkdir -p .kiln data && chown node:node . .kiln data
USER node
ENTRYPOINT ["kiln"]
CMD ["run"]
`;
}

/**
 * The .dockerignore beside it: what must not reach the build context (local secrets, installed
 * modules, caches, data — tasks read and write data on shared storage, not in the image).
 */
export function dockerignore(): string {
  return `# Written by kiln docker init: what stays out of the image build.
.git
node_modules
.kiln
dist
coverage
*.log
.env
.env.*
# Local config holds credentials and per-machine settings.
conf/local/**
!conf/local/.gitkeep
# Data lives on shared storage (a volume, s3://); the folders' .gitkeep files stay so paths exist.
data/**
!data/**/.gitkeep
# Files the Valohai steps link at run time.
.valohai-io
Dockerfile
.dockerignore
`;
}
