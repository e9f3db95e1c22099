import { defineConfig } from 'vite';

// `vite build dashboard` (npm run build:dashboard) and `vite dashboard` for development against a
// server on :3000. Preact's JSX goes through Vite's own Oxc transform: no framework plugin needed.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The report screen (and its chart library) loads only when opened.
    chunkSizeWarningLimit: 300,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});
