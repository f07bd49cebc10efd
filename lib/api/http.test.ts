// The bearer-token guards shared by the cron routes (app/api/cron/**) and the faucet admin
// route, on real Requests through handle(): the response a caller gets.
import { describe, expect, it } from "vitest";
import { bearerTokenMatches, handle, json, requireCronSecret } from "./http";

const request = (authorization?: string) =>
  new Request("http://localhost/api/cron/index", {
    headers: authorization === undefined ? {} : { authorization },
  });

const cronStep = (r: Request, secret: string | undefined) =>
  handle(async () => {
    requireCronSecret(r, secret);
    return json({ ran: true });
  });

describe("bearer token guards", () => {
  it("matches only the exact token, whatever its length or encoding", () => {
    expect(bearerTokenMatches(request("Bearer s3cret"), "s3cret")).toBe(true);
    expect(bearerTokenMatches(request("bearer   s3cret  "), "s3cret")).toBe(true);
    expect(bearerTokenMatches(request("Bearer s3cre"), "s3cret")).toBe(false);
    expect(bearerTokenMatches(request("Bearer s3cretX"), "s3cret")).toBe(false);
    expect(bearerTokenMatches(request("Basic s3cret"), "s3cret")).toBe(false);
    expect(bearerTokenMatches(request(), "s3cret")).toBe(false);
    // Same string length, different byte length: no exception, no match.
    expect(bearerTokenMatches(request("Bearer é"), "e")).toBe(false);
  });

  it("runs a cron step with the secret, answers 401 without it, and is open when none is set", async () => {
    const ok = await cronStep(request("Bearer s3cret"), "s3cret");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ran: true });
    for (const r of [request(), request("Bearer wrong")]) {
      const denied = await cronStep(r, "s3cret");
      expect(denied.status).toBe(401);
      expect(await denied.json()).toEqual({
        error: { code: "UNAUTHORIZED", message: "missing or wrong bearer token (CRON_SECRET)" },
      });
    }
    expect((await cronStep(request(), undefined)).status).toBe(200);
  });
});
