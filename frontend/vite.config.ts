/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` proxies the API (HTTP and WebSocket) to a running viewer.
const target = process.env.RUNICORN_API ?? "http://127.0.0.1:23300";

export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    // RUNICORN_FRONTEND_OUT builds elsewhere (e.g. a second checkout's tests); the viewer reads
    // RUNICORN_FRONTEND_DIST to serve such a build.
    outDir: process.env.RUNICORN_FRONTEND_OUT ?? "dist",
    emptyOutDir: true,
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
