import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by events-api under /console (services/events-api/src/console.ts), on
// the same origin as the JSON routes it calls. Everything is bundled: no CDN, no web fonts.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Inline nothing as data: URLs beyond tiny assets; the CSP allows 'self' and data: images only.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // `pnpm --filter @hookstream/console dev`: the JSON routes go to a local events-api.
    proxy: Object.fromEntries(
      ['/events', '/endpoints', '/portals', '/geofences', '/location', '/deals', '/archive', '/stats', '/healthz'].map((p) => [
        p,
        { target: 'http://127.0.0.1:8081' },
      ]),
    ),
  },
});
