import { createRequire } from "node:module";
import type { NextConfig } from "next";

// WalletConnect's provider is an optional install (its dependency tree runs install scripts,
// which npm 11 does not run unapproved). wagmi's connector imports it lazily; when it is not
// installed, resolve it to an empty module instead of warning on every page.
const hasWalletConnectProvider = (() => {
  try {
    createRequire(`${process.cwd()}/package.json`).resolve("@walletconnect/ethereum-provider");
    return true;
  } catch {
    return false;
  }
})();

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
  webpack: (config: {
    resolve: { extensionAlias?: Record<string, string[]>; alias?: Record<string, unknown> };
  }) => {
    config.resolve.extensionAlias = { ".js": [".ts", ".tsx", ".js"], ".mjs": [".mts", ".mjs"] };
    if (!hasWalletConnectProvider)
      config.resolve.alias = { ...config.resolve.alias, "@walletconnect/ethereum-provider": false };
    return config;
  },
};

export default nextConfig;
