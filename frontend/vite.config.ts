/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// Built assets are served by the FastAPI app at "/"; the dev server proxies the API to a local back end.
const backend = process.env.SAR_BACKEND ?? "http://127.0.0.1:8000";

export default defineConfig({
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 800 },
  server: {
    // The websocket protocol schema lives beside the server (alerts/live/protocol.schema.json).
    fs: { allow: [".", "../alerts/live/protocol.schema.json"] },
    proxy: {
      "/api": backend,
      "/ws": { target: backend.replace(/^http/, "ws"), ws: true },
    },
  },
  test: { environment: "node", include: ["test/**/*.test.ts"] },
});
