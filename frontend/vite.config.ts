/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` proxies the API (HTTP and WebSocket) to a running viewer.
const target = process.env.RUNICORN_API ?? "http://127.0.0.1:23300";

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    // The bundle budget (350 KB gzipped for the main route) is checked by tests/benchmarks/bench_ui.py.
    chunkSizeWarningLimit: 1000,
    manifest: true,
  },
  server: {
    proxy: {
      "/api": { target, changeOrigin: true, ws: true },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["src/test/setup.ts"],
  },
});
