// Builds the single-page app into web/dist: index.html plus content-hashed files under assets/
// (StaticSite caches assets/ for a year and index.html briefly). `npm run build:web`.
import { defineConfig } from "vite";

export default defineConfig({
    root: import.meta.dirname,
    base: "/",
    build: {
        outDir: "dist",
        emptyOutDir: true,
        assetsDir: "assets",
        target: "es2022",
        sourcemap: true,
        // No inline <script> or data: modules: the CSP allows scripts from the site only.
        assetsInlineLimit: 0,
        modulePreload: { polyfill: false },
    },
});
