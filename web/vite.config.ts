// Vite build of the candidate client: web/index.html -> web/dist, assets under /assets/ (the API serves both).
import { defineConfig } from "vitest/config";

export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    // `npm run dev`: the API (`shadows dev`) answers /v1 on its default port.
    proxy: { "/v1": "http://127.0.0.1:8000" },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
