// Test and benchmark support (not imported by app code): serves the job API's real route
// modules (app/api/jobs/*, app/api/v1/blobs/*, app/api/v1/worker-keys, app/api/metrics, SIWE
// sign-in, inference, receipts and lineage) from a
// node:http server on a free loopback port, adapting IncomingMessage/ServerResponse to the
// web Request/Response the route handlers take — what Next.js does, without a build.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

// Route handlers take (request) or (request, { params }); the params object carries every route's names.
type RouteHandler = (
  request: Request,
  // never: each route module names its own params; the server passes the pattern's groups.
  ctx: { params: Promise<never> },
) => Promise<Response> | Response;
type RouteModule = Partial<Record<"GET" | "HEAD" | "POST" | "PUT" | "DELETE", RouteHandler>>;

interface Route {
  pattern: RegExp;
  load: () => Promise<RouteModule>;
}

const ROUTES: Route[] = [
  { pattern: /^\/api\/jobs\/claim$/, load: () => import("@/app/api/jobs/claim/route") },
  { pattern: /^\/api\/jobs\/heartbeat$/, load: () => import("@/app/api/jobs/heartbeat/route") },
  { pattern: /^\/api\/jobs\/complete$/, load: () => import("@/app/api/jobs/complete/route") },
  { pattern: /^\/api\/jobs\/fail$/, load: () => import("@/app/api/jobs/fail/route") },
  { pattern: /^\/api\/v1\/blobs$/, load: () => import("@/app/api/v1/blobs/route") },
  {
    pattern: /^\/api\/v1\/blobs\/(?<sha256>[^/]+)$/,
    load: () => import("@/app/api/v1/blobs/[sha256]/route"),
  },
  { pattern: /^\/api\/v1\/worker-keys$/, load: () => import("@/app/api/v1/worker-keys/route") },
  { pattern: /^\/api\/metrics$/, load: () => import("@/app/api/metrics/route") },
  { pattern: /^\/api\/auth\/nonce$/, load: () => import("@/app/api/auth/nonce/route") },
  { pattern: /^\/api\/auth\/verify$/, load: () => import("@/app/api/auth/verify/route") },
  {
    pattern: /^\/api\/v1\/subnets\/(?<netuid>[^/]+)\/infer$/,
    load: () => import("@/app/api/v1/subnets/[netuid]/infer/route"),
  },
  {
    pattern: /^\/api\/v1\/subnets\/(?<netuid>[^/]+)\/neurons\/(?<uid>[^/]+)\/receipts$/,
    load: () => import("@/app/api/v1/subnets/[netuid]/neurons/[uid]/receipts/route"),
  },
  {
    pattern: /^\/api\/v1\/subnets\/(?<netuid>[^/]+)\/neurons\/(?<uid>[^/]+)\/lineage$/,
    load: () => import("@/app/api/v1/subnets/[netuid]/neurons/[uid]/lineage/route"),
  },
];

// Loaded once per route: an `import()` per request goes through the module loader's hooks each
// time (tsx's, in tests and benchmarks), costing the server more than many handlers do.
const loaded = new Map<Route, Promise<RouteModule>>();
function loadRoute(route: Route): Promise<RouteModule> {
  let mod = loaded.get(route);
  if (mod === undefined) {
    mod = route.load();
    loaded.set(route, mod);
    mod.catch(() => loaded.delete(route));
  }
  return mod;
}

export interface RouteServer {
  url: string;
  close(): Promise<void>;
}

export async function startRouteServer(): Promise<RouteServer> {
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", url);
    const route = ROUTES.find((r) => r.pattern.test(u.pathname));
    const method = (req.method ?? "GET") as keyof RouteModule;
    const handler = route && (await loadRoute(route))[method];
    if (!route || !handler) {
      res.writeHead(route ? 405 : 404).end();
      return;
    }
    const params: Record<string, string> = { ...route.pattern.exec(u.pathname)?.groups };
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const hasBody = method !== "GET" && method !== "HEAD";
    // As Next.js does: the request's signal aborts when the client goes away before the answer
    // (a worker that stops while its claim waits on the server).
    const gone = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) gone.abort();
    });
    const request = new Request(u, {
      method,
      headers,
      signal: gone.signal,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
    } as RequestInit);
    const response = await handler(request, { params: Promise.resolve(params) as Promise<never> });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body === null || method === "HEAD") {
      res.end();
      return;
    }
    Readable.fromWeb(response.body as never).pipe(res);
  }

  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
