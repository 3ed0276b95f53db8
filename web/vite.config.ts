import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app lives in web/ and imports the shared domain rules and API contracts from ../src.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Pages load on first use (AppRoutes); no chunk should grow back to the old 2.9 MB single bundle.
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: 5173,
    proxy: { '/api': 'http://localhost:3000' },
  },
});
