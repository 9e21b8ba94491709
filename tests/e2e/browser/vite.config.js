// The e2e app is served from any loopback port, so paths are relative.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  plugins: [react()],
  // One bundle of about 1 MB is fine for a local test page.
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 4096 },
  logLevel: "warn",
});
