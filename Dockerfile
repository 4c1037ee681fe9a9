# syntax=docker/dockerfile:1
#
# alpacon-mcp, the Alpacon MCP server, over Streamable HTTP at http://<host>:8237/mcp.
#
#   docker build -t alpacon-mcp .
#   docker run --rm -p 8237:8237 \
#     -e ALPACON_MCP_AUTH_TOKEN="$(openssl rand -hex 32)" \
#     -v "$HOME/.alpacon-mcp/token.json:/config/token.json:ro" \
#     alpacon-mcp
#
# Clients send `Authorization: Bearer <ALPACON_MCP_AUTH_TOKEN>`; without that variable the server
# refuses to start (it listens on 0.0.0.0). Tokens for Alpacon come from the read-only token file
# at /config/token.json or from ALPACON_MCP_<REGION>_<WORKSPACE>_TOKEN variables; none are in the
# image. See packages/mcp/README.md, "Docker".
#
# The build context is the repository root: the server is built from the pnpm workspace.

ARG NODE_VERSION=20
ARG PNPM_VERSION=10.34.9

# --- build: the workspace with pnpm, then a production-only copy of @alpacon/mcp in /app
FROM node:${NODE_VERSION}-bookworm AS build
ARG PNPM_VERSION
ENV CI=true
RUN npm install --global "pnpm@${PNPM_VERSION}"
WORKDIR /src
# Dependencies first (cached while only sources change): pnpm fetch needs just the lockfile.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile \
 && pnpm --filter "@alpacon/mcp..." build \
 && pnpm --filter @alpacon/mcp deploy --prod --legacy /app

# --- runtime: Node, the built packages and their production dependencies, nothing else
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="alpacon-mcp" \
      org.opencontainers.image.description="MCP server for Alpacon: servers, metrics, system inventory, websh, webftp, events and IAM as tools for AI assistants" \
      org.opencontainers.image.source="https://github.com/alpacax/alpacon-ts" \
      org.opencontainers.image.documentation="https://github.com/alpacax/alpacon-ts/tree/main/packages/mcp#docker" \
      org.opencontainers.image.licenses="MIT"
# Defaults as variables, so `docker run -e` can change any of them; flags after the image name
# win over them. No token here: ALPACON_MCP_AUTH_TOKEN is given at run time.
ENV NODE_ENV=production \
    ALPACON_MCP_TRANSPORT=http \
    ALPACON_MCP_HOST=0.0.0.0 \
    ALPACON_MCP_PORT=8237 \
    ALPACON_MCP_CONFIG_FILE=/config/token.json \
    ALPACON_MCP_ALLOW_DIRS=/data \
    ALPACON_MCP_EXCLUDE_TOOLS=auth_set_token,auth_remove_token
WORKDIR /app
# Owned by root: the server's user can read its code but not change it.
COPY --from=build /app /app
# /config: mount the token file here, read-only. /data: webftp's only local folder.
RUN mkdir -p /config /data && chown node:node /data
USER node
EXPOSE 8237
# A TCP connect to the listening port: cheap, and it leaves no "refused request" line in the log
# the way an unauthenticated HTTP request would (the server has no separate health endpoint).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "require('node:net').connect(Number(process.env.ALPACON_MCP_PORT)||8237,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/alpacon-mcp.js"]
