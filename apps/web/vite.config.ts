import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves dist/ at `/`; `npm run dev -w @cairn/web` proxies API calls to a local server.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 600 },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:5000',
      '/ajax-api': 'http://127.0.0.1:5000',
      '/get-artifact': 'http://127.0.0.1:5000',
    },
  },
});
