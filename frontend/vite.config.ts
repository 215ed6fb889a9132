import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The Go server (`./bin/hukou demo`) listens on 127.0.0.1:8080; `npm run dev`
// proxies the API, its WebSocket and archive files to it.
const backend = process.env.HUKOU_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/graphql': {
        target: backend,
        ws: true,
        changeOrigin: true,
        // The server's WebSocket transport and its cookie sign-in accept its own origin only.
        configure: (proxy) => {
          proxy.on('proxyReqWs', (proxyReq) => proxyReq.setHeader('origin', backend));
          proxy.on('proxyReq', (proxyReq) => proxyReq.setHeader('origin', backend));
        },
      },
      '/files': { target: backend, changeOrigin: true },
      // The refresh cookie's endpoints check the origin too.
      '/auth': {
        target: backend,
        changeOrigin: true,
        configure: (proxy) => {
          proxy.on('proxyReq', (proxyReq) => proxyReq.setHeader('origin', backend));
        },
      },
      '/exports': { target: backend, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    // antd's shared chunk is ~700 kB raw (~200 kB gzip); what the first screen loads
    // is checked by `npm run budget` (scripts/bundle-budget.mjs), which `make test` runs.
    chunkSizeWarningLimit: 800,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // antd under jsdom is slow on a 2-CPU CI machine running files in parallel
    // (20 s was exceeded by the first test of a file while a Go build ran beside it).
    testTimeout: 60_000,
  },
});
