// Webhook delivery against a local HTTP receiver: retried on 5xx and connection errors, not on
// a 4xx refusal.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postWebhook, type AlertWebhookPayload } from "./webhook";

const payload: AlertWebhookPayload = {
  event: "alert.opened",
  alert: {
    id: "1",
    key: "chain_stalled",
    kind: "chain_stalled",
    severity: "critical",
    message: "stalled",
    details: null,
    openedAt: new Date(0).toISOString(),
    resolvedAt: null,
  },
  url: null,
};

describe("postWebhook", () => {
  let server: http.Server;
  let url: string;
  const statuses: number[] = [];
  let hits = 0;
  let lastBody: unknown = null;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        hits++;
        lastBody = JSON.parse(body);
        res.writeHead(statuses.shift() ?? 200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it("retries 5xx until delivered", async () => {
    hits = 0;
    statuses.push(500, 502);
    expect(await postWebhook(url, payload, { retries: 3, backoffMs: 5 })).toEqual({
      ok: true,
      attempts: 3,
      error: null,
    });
    expect(hits).toBe(3);
    expect(lastBody).toEqual(payload);
  });

  it("gives up after the retries, and does not retry a 4xx", async () => {
    hits = 0;
    statuses.push(503, 503);
    expect(await postWebhook(url, payload, { retries: 1, backoffMs: 5 })).toEqual({
      ok: false,
      attempts: 2,
      error: "HTTP 503",
    });
    hits = 0;
    statuses.push(400);
    expect(await postWebhook(url, payload, { retries: 3, backoffMs: 5 })).toEqual({
      ok: false,
      attempts: 1,
      error: "HTTP 400",
    });
    expect(hits).toBe(1);
  });

  it("reports a receiver that is not listening", async () => {
    const closed = await new Promise<string>((resolve) => {
      const s = http.createServer().listen(0, "127.0.0.1", () => {
        const u = `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
        s.close(() => resolve(u));
      });
    });
    expect(await postWebhook(closed, payload, { retries: 1, backoffMs: 5 })).toEqual({
      ok: false,
      attempts: 2,
      error: "ECONNREFUSED",
    });
  });
});
