// Vite build of the web client: each page is one entry in ENTRIES (web/dist, assets under /assets/; the API serves
// both). HTML entries are pages of their own; script entries are bundles that server-rendered pages load, found by
// the API in the manifest (dist/.vite/manifest.json). Add a page by adding its HTML file here.
import { defineConfig } from "vitest/config";

const ENTRIES: Record<string, string> = {
  candidate: "index.html", // /join and /embed/{org_slug}; paths are relative to web/
  replay: "src/replay/main.ts", // the report page's replay (api/templates/report)
  analytics: "src/analytics/main.ts", // the analytics page's charts (api/templates/analytics.html)
};

export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    sourcemap: false,
    manifest: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: { input: ENTRIES },
  },
  server: {
    // `npm run dev`: the API (`shadows dev`) answers /v1 on its default port.
    proxy: { "/v1": "http://127.0.0.1:8000" },
  },
  test: {
    environment: "node",
    // Each test file in a VM context of a shared worker rather than a worker process of its own: every file still
    // gets fresh modules and globals (and its own jsdom), without a process and an environment start per file
    // (about 70% of the suite's CPU time). tests/web/test_web_units.py runs this in `make test`.
    pool: "vmThreads",
    include: ["src/**/*.test.ts"],
  },
});
