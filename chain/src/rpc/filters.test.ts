import { afterEach, describe, expect, it } from "vitest";
import type { Hex, RpcLog } from "./backend.js";
import { FilterManager, logMatches, newRpcId } from "./filters.js";

const A = `0x${"aa".repeat(20)}` as Hex;
const B = `0x${"bb".repeat(20)}` as Hex;
const T1 = `0x${"01".repeat(32)}` as Hex;
const T2 = `0x${"02".repeat(32)}` as Hex;

function log(address: Hex, topics: Hex[], blockNumber = 1n): RpcLog {
  return {
    address,
    topics,
    data: "0x",
    blockNumber: `0x${blockNumber.toString(16)}`,
    blockHash: T1,
    transactionHash: T2,
    transactionIndex: "0x0",
    logIndex: "0x0",
    removed: false,
  };
}

describe("logMatches", () => {
  it("matches addresses and topic positions with wildcards and alternatives", () => {
    expect(logMatches({}, log(A, []))).toBe(true);
    expect(logMatches({ address: [B] }, log(A, []))).toBe(false);
    expect(logMatches({ address: [A, B] }, log(A, [T1]))).toBe(true);
    expect(logMatches({ topics: [null, [T2]] }, log(A, [T1, T2]))).toBe(true);
    expect(logMatches({ topics: [[T1, T2]] }, log(A, [T2]))).toBe(true);
    expect(logMatches({ topics: [[T2]] }, log(A, [T1]))).toBe(false);
    // A position with criteria needs a topic there; trailing wildcards match shorter logs.
    expect(logMatches({ topics: [[T1], [T2]] }, log(A, [T1]))).toBe(false);
    expect(logMatches({ topics: [[T1], null] }, log(A, [T1]))).toBe(true);
    // Addresses from the backend may be checksummed.
    expect(logMatches({ address: [A] }, log(A.toUpperCase().replace("0X", "0x") as Hex, []))).toBe(true);
  });
});

describe("FilterManager", () => {
  let now = 0;
  let manager: FilterManager | undefined;
  afterEach(() => manager?.close());

  function make(maxFilters = 3, maxBuffered = 2): FilterManager {
    now = 1_000;
    manager = new FilterManager({
      maxFilters,
      idleTimeoutMs: 60_000,
      maxBufferedPerFilter: maxBuffered,
      now: () => now,
    });
    return manager;
  }

  it("expires filters that are not polled within the idle timeout", () => {
    const m = make();
    const id = m.install("block");
    now += 59_000;
    expect(m.takeChanges(id)).toEqual([]);
    now += 59_000; // polled above, so still alive
    expect(m.takeChanges(id)).toEqual([]);
    now += 60_001;
    expect(() => m.takeChanges(id)).toThrow("filter not found");
  });

  it("caps the number of installed filters", () => {
    const m = make(2);
    m.install("block");
    m.install("pending");
    expect(() => m.install("log")).toThrow(/limit exceeded/);
    now += 61_000; // both expire, making room
    expect(m.install("log")).toMatch(/^0x[0-9a-f]+$/);
  });

  it("keeps only the newest items of an unpolled filter", () => {
    const m = make(3, 2);
    const id = m.install("pending");
    m.onPendingTransaction(T1);
    m.onPendingTransaction(T2);
    m.onPendingTransaction(A);
    expect(m.takeChanges(id)).toEqual([T2, A]);
  });

  it("applies a log filter's numeric block range to new logs", () => {
    const m = make();
    const id = m.install("log", { fromBlock: 2n, toBlock: 3n, address: [A] });
    m.onNewHead(T1, [log(A, [], 1n), log(A, [], 2n), log(B, [], 2n), log(A, [], 4n)]);
    expect(m.takeChanges(id).map((l) => (l as RpcLog).blockNumber)).toEqual(["0x2"]);
  });

  it("issues distinct ids in quantity format", () => {
    const ids = new Set(Array.from({ length: 100 }, newRpcId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^0x[1-9a-f][0-9a-f]*$|^0x0$/);
  });
});
