// The score job against real HTTP endpoints on loopback: answers are scored against
// references, flaky endpoints are retried, dead ones fail with a reason, and the circuit breaker
// stops hammering an endpoint that keeps failing.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeDataset } from "../src/dataset.js";
import { CircuitBreakers } from "../src/jobs/http-client.js";
import { runScoreJob, transcriptHash } from "../src/jobs/score.js";
import { verifyReceipt } from "../src/receipts.js";
import { scorePayloadSchema } from "../src/jobs/types.js";
import type { Hash32 } from "../src/task-spec.js";
import { tempDir, testContext, writeBlob } from "./helpers.js";

const CAPITALS: Record<string, string> = {
  France: "Paris",
  Italy: "Rome",
  Spain: "Madrid",
  Japan: "Tokyo",
  Peru: "Lima",
};
const prompts = Object.keys(CAPITALS).map((c) => `Capital of ${c}?`);
const answers = Object.values(CAPITALS).map((a) => [a]);

let server: http.Server;
let base: string;
let dir: { dir: string; cleanup: () => Promise<void> };
let env: Awaited<ReturnType<typeof testContext>>;
let datasetHash: Hash32;
const calls: Record<string, number> = {};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const route = req.url ?? "";
    calls[route] = (calls[route] ?? 0) + 1;
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const { prompts: ps } = JSON.parse(body) as { prompts: string[] };
      const capital = (p: string) => CAPITALS[/Capital of (\w+)\?/.exec(p)![1]!]!;
      if (route === "/good") {
        res.end(JSON.stringify({ answers: ps.map((p) => `The ${capital(p)}.`) }));
      } else if (route === "/half") {
        res.end(JSON.stringify({ answers: ps.map((p, i) => (i % 2 ? "no idea" : capital(p))) }));
      } else if (route === "/flaky" && calls[route]! % 2 === 1) {
        res.writeHead(503).end();
      } else if (route === "/flaky") {
        res.end(JSON.stringify({ answers: ps.map(capital) }));
      } else if (route === "/malformed") {
        res.end(JSON.stringify({ answers: ["just one"] }));
      } else {
        res.writeHead(500).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await tempDir();
  env = await testContext(dir.dir);
  datasetHash = await writeBlob(
    dir.dir,
    encodeDataset({ taskType: "text", size: prompts.length, prompts, answers }).bytes,
  );
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await dir.cleanup();
});

function payload(path: string, metric = "exact_match", batchSize = 2) {
  return scorePayloadSchema.parse({
    netuid: 2,
    uid: 1,
    hotkey: "0x3333333333333333333333333333333333333333",
    endpoint: `${base}${path}`,
    taskSpec: { version: 1, taskType: "text", metric, dataset: { hash: datasetHash }, batchSize },
  });
}

describe("score job", () => {
  it("scores answers against references", async () => {
    const good = await runScoreJob(env.ctx, "job", payload("/good"));
    expect(good).toMatchObject({ status: "ok", score: 100, answered: 5, scoreBps: 10_000 });
    // The receipt binds the transcript: the answers as scored, re-hashable by anyone.
    const answered = good.items.map((i) => String(i.predicted));
    expect(good.transcriptHash).toBe(transcriptHash(good.endpoint, answered));
    const signed = await verifyReceipt(good.receipt);
    expect(signed.receipt).toMatchObject({ modelHash: good.transcriptHash, score: 10_000, datasetHash });
    const half = await runScoreJob(env.ctx, "job", payload("/half", "token_f1", 5));
    expect(half.score).toBeCloseTo(60); // items 0, 2, 4 right
  });

  it("retries a flaky endpoint and fails a dead one with the reason", async () => {
    const flaky = await runScoreJob(env.ctx, "job", payload("/flaky"));
    expect(flaky.status).toBe("ok");
    expect(flaky.score).toBe(100);
    const dead = await runScoreJob(env.ctx, "job", payload("/dead", "exact_match", 5));
    expect(dead).toMatchObject({ status: "failed", score: 0, answered: 0 });
    expect(dead.reason).toMatch(/HTTP 500/);
    const bad = await runScoreJob(env.ctx, "job", payload("/malformed", "exact_match", 5));
    expect(bad.reason).toMatch(/1 answers for 5 prompts/);
  });

  it("opens the circuit after repeated failures and refuses calls until the cooldown", async () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failureThreshold: 2, cooldownMs: 1000, now: () => now });
    const ctx = { ...env.ctx, endpoint: { timeoutMs: 1000, retries: 0, breakers } };
    const before = calls["/dead"] ?? 0;
    const r = await runScoreJob(ctx, "job", payload("/dead", "exact_match", 1));
    expect(r.status).toBe("failed");
    expect(r.reason).toMatch(/calls are paused/);
    expect((calls["/dead"] ?? 0) - before).toBe(2); // five batches, two real calls
    expect(breakers.status(base)).toBe("open");
    now += 1000;
    expect(breakers.status(base)).toBe("half-open");
    breakers.enter(base); // the trial call
    expect(() => breakers.enter(base)).toThrow(/paused/);
    breakers.success(base);
    expect(breakers.status(base)).toBe("closed");
  });
});
