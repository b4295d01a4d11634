// Vite build of the web client: each page is one entry in ENTRIES (HTML -> web/dist, assets under /assets/; the API
// serves both). Add a page by adding its HTML file here.
import { defineConfig } from "vitest/config";

const ENTRIES: Record<string, string> = {
  candidate: "index.html", // /join and /embed/{org_slug}; paths are relative to web/
};

export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: { input: ENTRIES },
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
