import type { NextConfig } from "next";

// WalletConnect (lib/wallet/wagmi.ts). The connect menu draws its own pairing QR code, so the
// provider's optional modal (@reown/appkit, most of the provider's bundle) is never loaded:
// resolve it to an empty module. The provider itself is a lazy chunk, downloaded only when the
// user picks WalletConnect; but `next dev` compiles every lazy chunk with the page that can
// load it, so a dev server without a WalletConnect project id leaves the provider out too
// (NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID is validated in lib/config.ts; here only its presence
// matters). Production builds always include it: the project id is read at run time.
const walletConnectConfigured = (process.env.NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID ?? "").trim() !== "";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  // Server-only packages with native or WebAssembly parts are loaded by Node at run time,
  // not bundled: Prisma's query compiler (.wasm next to the generated client), PGlite,
  // ioredis, pg and libsecp256k1's binding (chain/src/crypto/secp256k1.ts, with which the job
  // API recovers the signer of every worker request and receipt). WalletConnect's provider is
  // browser-only (never loaded on the server).
  serverExternalPackages: [
    "@walletconnect/ethereum-provider",
    "@prisma/client",
    ".prisma/client",
    "@prisma/adapter-pg",
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "pg",
    "ioredis",
    "secp256k1",
  ],
  // A separate build directory lets the browser tests build and serve their own beside a
  // developer's (lib/test/browser.ts); it must stay inside the project (and under .next/, ignored).
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  // The browser tests' shared build (lib/test/browser.ts) leaves the type check to
  // `npm run typecheck` rather than spending a minute of the test run on it.
  typescript: { ignoreBuildErrors: process.env.NEXT_SKIP_TYPECHECK === "1" },
  typedRoutes: false,
  // The app imports protocol definitions from chain/src, whose ESM sources import siblings as
  // "./x.js" (TypeScript's NodeNext convention, run by tsx). Webpack maps those to the .ts
  // files; Turbopack (Next 16's default) cannot yet (vercel/next.js#82945), so dev and build
  // run with --webpack.
  webpack: (
    config: { resolve: { extensionAlias?: Record<string, string[]>; alias?: Record<string, unknown> } },
    { dev }: { dev: boolean },
  ) => {
    config.resolve.extensionAlias = { ".js": [".ts", ".tsx", ".js"], ".mjs": [".mts", ".mjs"] };
    config.resolve.alias = {
      ...config.resolve.alias,
      "@reown/appkit/core": false,
      ...(dev && !walletConnectConfigured ? { "@walletconnect/ethereum-provider": false } : {}),
    };
    return config;
  },
};

export default nextConfig;
