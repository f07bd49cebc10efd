import { describe, expect, it } from "vitest";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { AUTH_HEADERS, signWorkerRequest, verifyWorkerRequest } from "./auth.js";

const account = privateKeyToAccount(generatePrivateKey());

describe("worker request auth", () => {
  it("verifies a signed request and recovers the worker address", async () => {
    const body = JSON.stringify({ kinds: ["evaluate"] });
    const headers = await signWorkerRequest(account, {
      method: "post",
      path: "/api/jobs/claim",
      body,
      now: 1_000_000,
    });
    const v = await verifyWorkerRequest({
      method: "POST",
      path: "/api/jobs/claim",
      headers,
      body,
      now: 1_030_000,
    });
    expect(v.address).toBe(account.address);
    expect(v.timestamp).toBe(1_000_000);
    // Headers objects (fetch / Next.js route handlers) work too.
    await expect(
      verifyWorkerRequest({
        method: "POST",
        path: "/api/jobs/claim",
        headers: new Headers(headers),
        body,
        now: 1_000_000,
      }),
    ).resolves.toBeTruthy();
  });

  it("rejects a changed body, path, method, stale timestamp or foreign address", async () => {
    const body = '{"jobId":"a"}';
    const headers = await signWorkerRequest(account, {
      method: "POST",
      path: "/api/jobs/complete",
      body,
      now: 5_000_000,
    });
    const req = { method: "POST", path: "/api/jobs/complete", headers, body, now: 5_000_000 };
    await expect(verifyWorkerRequest({ ...req, body: '{"jobId":"b"}' })).rejects.toThrow(/does not match/);
    await expect(verifyWorkerRequest({ ...req, path: "/api/jobs/fail" })).rejects.toThrow(/does not match/);
    await expect(verifyWorkerRequest({ ...req, method: "PUT" })).rejects.toThrow(/does not match/);
    await expect(verifyWorkerRequest({ ...req, now: 5_000_000 + 61_000 })).rejects.toThrow(
      /off the server clock/,
    );
    const other = privateKeyToAccount(generatePrivateKey());
    await expect(
      verifyWorkerRequest({ ...req, headers: { ...headers, [AUTH_HEADERS.address]: other.address } }),
    ).rejects.toThrow(/does not match/);
    await expect(verifyWorkerRequest({ ...req, headers: {} })).rejects.toThrow(/missing/);
  });
});
