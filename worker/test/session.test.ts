// The model host's run queue: the worker sends the next job's run while one is going on, the host
// starts it the moment that one ends; the run gate keeps the number of models computing at once
// within the worker's concurrency; a run queued behind one that hangs is given back, not blamed.
import { afterAll, describe, expect, it } from "vitest";
import { isModelFault, WorkerError } from "../src/errors.js";
import { IsolatedSession, RunGate, type CreateSessionOptions } from "../src/onnx/session.js";
import * as fx from "./fixtures/models.js";

const options = (o: Partial<CreateSessionOptions> = {}): CreateSessionOptions => ({
  providers: ["cpu"],
  loadTimeoutMs: 120_000,
  runTimeoutMs: 60_000,
  memoryLimitBytes: 768 * 2 ** 20,
  intraOpThreads: 1,
  ...o,
});

const sessions: IsolatedSession[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.dispose()));
});

async function open(model: Uint8Array, o?: Partial<CreateSessionOptions>): Promise<IsolatedSession> {
  const s = await IsolatedSession.create(model, options(o));
  sessions.push(s);
  return s;
}

const ds = fx.classificationDataset(2_000, 5);
const plan = { batchSize: 50 };

/**
 * Logs when the host starts a run and when it finished its last batch: both come in the host's
 * own message order (a promise's continuation may run after the host's next message).
 */
function logged(events: string[], name: string) {
  return {
    onStarted: () => events.push(`start ${name}`),
    onProgress: (done: number, total: number) => {
      if (done === total) events.push(`done ${name}`);
    },
  };
}

describe("model host run queue", () => {
  it("runs requests sent together one after the other, in order, each starting as the last ends", async () => {
    const s = await open(fx.goodClassifier());
    const events: string[] = [];
    const runs = [1, 2, 3].map((n) =>
      s.runDataset("ds", ds.inputs, ["logits"], plan, logged(events, `${n}`)),
    );
    const outputs = await Promise.all(runs);
    expect(events).toEqual(["start 1", "done 1", "start 2", "done 2", "start 3", "done 3"]);
    for (const out of outputs) expect(out.logits!.data).toEqual(outputs[0]!.logits!.data);
    // A different data set queued behind the first gets its own inputs.
    const small = fx.classificationDataset(10, 9);
    const [, other] = await Promise.all([
      s.runDataset("ds", ds.inputs, ["logits"], plan),
      s.runDataset("small", small.inputs, ["logits"], plan),
    ]);
    expect(other.logits!.shape).toEqual([10, fx.C]);
  });

  it("reports every batch's time, in reports that end with the last batch", async () => {
    const s = await open(fx.goodClassifier());
    const reports: { done: number; total: number; batches: number }[] = [];
    await s.runDataset("ds", ds.inputs, ["logits"], plan, {
      onProgress: (done, total, batchSeconds) => {
        for (const sec of batchSeconds) expect(sec).toBeGreaterThanOrEqual(0);
        reports.push({ done, total, batches: batchSeconds.length });
      },
    });
    const batches = ds.size / plan.batchSize;
    // Throttled to one report per PROGRESS_REPORT_MS: never more reports than batches, no batch lost.
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.length).toBeLessThanOrEqual(batches);
    expect(reports.reduce((n, r) => n + r.batches, 0)).toBe(batches);
    expect(reports.at(-1)).toMatchObject({ done: ds.size, total: ds.size });
    for (let i = 1; i < reports.length; i++) expect(reports[i]!.done).toBeGreaterThan(reports[i - 1]!.done);
  });

  it("lets at most the gate's size of sessions compute at once", async () => {
    const gate = new RunGate(1);
    const a = await open(fx.goodClassifier(), { gate });
    const b = await open(fx.randomClassifier(), { gate });
    const events: string[] = [];
    const run = (s: IsolatedSession, name: string) =>
      s.runDataset("ds", ds.inputs, ["logits"], plan, logged(events, name));
    await Promise.all([run(a, "a1"), run(b, "b1"), run(a, "a2"), run(b, "b2")]);
    // Never two starts without a done between them.
    let computing = 0;
    for (const e of events) {
      computing += e.startsWith("start") ? 1 : -1;
      expect(computing).toBeLessThanOrEqual(1);
    }
    expect(events).toHaveLength(8);
  });

  it("blames a hang on the run that hung and gives back the run queued behind it", async () => {
    const s = await open(fx.slowClassifier(), { runTimeoutMs: 1_500 });
    const x = fx.classificationDataset(4, 1);
    const hung = s.run(x.inputs, ["logits"]).catch((e: unknown) => e);
    const queued = s.run(x.inputs, ["logits"]).catch((e: unknown) => e);
    const [first, second] = await Promise.all([hung, queued]);
    expect(first).toBeInstanceOf(WorkerError);
    expect((first as WorkerError).code).toBe("INFERENCE_TIMEOUT");
    expect(isModelFault(first)).toBe(true);
    expect((second as WorkerError).code).toBe("SESSION_LOST");
    expect(isModelFault(second)).toBe(false);
  });
});
