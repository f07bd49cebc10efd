// SIWE sign-in, session and logout through the real route handlers, on the in-process KV, with
// messages signed by a real secp256k1 key; and the SIWE-guarded upload into a real blob store.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FsBlobStore } from "@/lib/blobs/store";
import { MemoryKv } from "@/lib/kv/memory";
import { createRateLimiter } from "@/lib/kv/rate-limit";
import { createAuthHandlers } from "./handlers";
import { SESSION_COOKIE } from "./siwe";
import { createUploadHandler } from "./uploads";

const CHAIN_ID = 31337;
const ORIGIN = "http://127.0.0.1:3000";
const kv = new MemoryKv("test:");
const auth = createAuthHandlers(() => ({ kv, chainId: CHAIN_ID, sessionTtlSeconds: 3600, appUrl: ORIGIN }));
const account = privateKeyToAccount(generatePrivateKey());

async function nonce(): Promise<string> {
  return ((await (await auth.nonce()).json()) as { nonce: string }).nonce;
}

function message(n: string, over: Partial<Parameters<typeof createSiweMessage>[0]> = {}): string {
  return createSiweMessage({
    domain: "127.0.0.1:3000",
    uri: ORIGIN,
    address: account.address,
    chainId: CHAIN_ID,
    nonce: n,
    version: "1",
    issuedAt: new Date(),
    ...over,
  });
}

function verify(body: unknown): Promise<Response> {
  return auth.verify(
    new Request(`${ORIGIN}/api/auth/verify`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { host: "127.0.0.1:3000" },
    }),
  );
}

async function signIn(): Promise<string> {
  const m = message(await nonce());
  const res = await verify({ message: m, signature: await account.signMessage({ message: m }) });
  expect(res.status).toBe(200);
  const cookie = res.headers.get("set-cookie")!;
  expect(cookie).toMatch(
    new RegExp(`^${SESSION_COOKIE}=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600$`),
  );
  return cookie.split(";")[0]!;
}

describe("Sign-In with Ethereum", () => {
  it("signs in, reports the session, and logs out for good", async () => {
    const cookie = await signIn();
    const session = await auth.session(new Request(`${ORIGIN}/api/auth/session`, { headers: { cookie } }));
    expect(await session.json()).toMatchObject({ address: account.address });
    const out = await auth.logout(
      new Request(`${ORIGIN}/api/auth/logout`, { method: "POST", headers: { cookie } }),
    );
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    // The old cookie no longer opens anything, even if the browser kept it.
    const after = await auth.session(new Request(`${ORIGIN}/api/auth/session`, { headers: { cookie } }));
    expect(await after.json()).toEqual({ address: null });
  });

  it("refuses a replayed nonce, another domain, another chain, an unknown nonce and a forged signature", async () => {
    const n = await nonce();
    const m = message(n);
    const sig = await account.signMessage({ message: m });
    expect((await verify({ message: m, signature: sig })).status).toBe(200);
    const replay = await verify({ message: m, signature: sig });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: string }).error).toMatch(/already used nonce/);

    const other = message(await nonce(), { domain: "evil.example" });
    const r1 = await verify({ message: other, signature: await account.signMessage({ message: other }) });
    expect(((await r1.json()) as { error: string }).error).toBe(
      "the message is for evil.example, not this site",
    );

    const chain = message(await nonce(), { chainId: 1 });
    const r2 = await verify({ message: chain, signature: await account.signMessage({ message: chain }) });
    expect(((await r2.json()) as { error: string }).error).toMatch(/chain 1/);

    const made = message("abcdefgh12345678");
    expect(
      (await verify({ message: made, signature: await account.signMessage({ message: made }) })).status,
    ).toBe(401);

    const forged = message(await nonce());
    const intruder = privateKeyToAccount(generatePrivateKey());
    const r3 = await verify({ message: forged, signature: await intruder.signMessage({ message: forged }) });
    expect(((await r3.json()) as { error: string }).error).toBe(
      "the signature does not match the message's address",
    );

    expect((await verify({ message: 1 })).status).toBe(400);
  });

  describe("SIWE uploads", () => {
    let dir: string;
    let upload: (r: Request) => Promise<Response>;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), "tc-uploads-"));
      const store = new FsBlobStore(dir, 1024);
      const limiter = createRateLimiter(kv, { name: "uploads-test", points: 100, windowSeconds: 60 });
      upload = createUploadHandler(() => ({ kv, store, limiter }));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    const post = (body: Uint8Array<ArrayBuffer>, headers: Record<string, string>) =>
      upload(new Request(`${ORIGIN}/api/v1/uploads`, { method: "POST", body, headers }));

    it("stores the bytes under their hash for a signed-in wallet, and refuses everyone else or a wrong hash", async () => {
      const bytes = new TextEncoder().encode("onnx model bytes");
      const hex = createHash("sha256").update(bytes).digest("hex");
      const anon = await post(bytes, { "x-content-sha256": hex });
      expect(anon.status).toBe(401);

      const cookie = await signIn();
      const ok = await post(bytes, { cookie, "x-content-sha256": `0x${hex}` });
      expect(ok.status).toBe(201);
      expect(await ok.json()).toEqual({
        sha256: hex,
        size: bytes.byteLength,
        created: true,
        uri: `/api/v1/blobs/${hex}`,
      });
      expect(await readFile(path.join(dir, hex))).toEqual(Buffer.from(bytes));

      const wrong = await post(bytes, { cookie, "x-content-sha256": "0".repeat(64) });
      expect(wrong.status).toBe(400);
      expect(((await wrong.json()) as { error: string }).error).toBe(
        `the bytes hash to ${hex}, not ${"0".repeat(64)}`,
      );
      expect((await post(new Uint8Array(2048), { cookie, "x-content-sha256": hex })).status).toBe(413);
      expect((await post(bytes, { cookie })).status).toBe(400);
    });
  });
});
