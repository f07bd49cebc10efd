import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  // Server-only packages with native or WebAssembly parts are loaded by Node at run time,
  // not bundled: Prisma's query compiler (.wasm next to the generated client), PGlite,
  // ioredis and pg.
  serverExternalPackages: ["@prisma/client", ".prisma/client", "@prisma/adapter-pg", "@electric-sql/pglite", "@electric-sql/pglite-socket", "pg", "ioredis"],
  // A separate build directory lets a test run its own `next dev` beside a developer's
  // (app/home.browser.test.ts); it must stay inside the project (and under .next/, ignored).
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  typedRoutes: false,
  // The app imports protocol definitions from chain/src, whose ESM sources import siblings as
  // "./x.js" (TypeScript's NodeNext convention, run by tsx). Webpack maps those to the .ts
  // files; Turbopack (Next 16's default) cannot yet (vercel/next.js#82945), so dev and build
  // run with --webpack.
  webpack: (config: { resolve: { extensionAlias?: Record<string, string[]> } }) => {
    config.resolve.extensionAlias = { ".js": [".ts", ".tsx", ".js"], ".mjs": [".mts", ".mjs"] };
    return config;
  },
};

export default nextConfig;
