// Web Worker: solves one faucet challenge off the main thread, reporting progress between chunks.
import { solveChunk, type WorkerMessage, type WorkerRequest } from "./pow-solver";

const CHUNK = 5_000;

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const { challenge, difficulty } = e.data;
  let next = 0;
  for (;;) {
    const r = solveChunk(challenge, difficulty, next, CHUNK);
    if (r.nonce !== null) {
      self.postMessage({ type: "solved", nonce: r.nonce, tried: r.next } satisfies WorkerMessage);
      return;
    }
    next = r.next;
    self.postMessage({ type: "progress", tried: next } satisfies WorkerMessage);
  }
};
