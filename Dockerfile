# The hub on Node 24 (DESIGN §3). Node runs the TypeScript sources directly (type stripping).
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production TT_DATA_DIR=/data TT_CONFIG=/app/provisioning/site.example.yaml
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY protocol ./protocol
COPY hub ./hub
COPY firmware ./firmware
COPY simulators ./simulators
COPY provisioning ./provisioning
COPY bin ./bin
VOLUME ["/data"]
EXPOSE 1883 8883 8080 1880
USER node
CMD ["node", "hub/src/cli/index.ts", "hub"]
