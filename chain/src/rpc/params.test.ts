import { describe, expect, it } from "vitest";
import { ethMethods, lookupMethod, parseParams } from "./methods.js";
import {
  callRequest,
  logFilter,
  parseBlockRef,
  parseData,
  parseQuantity,
  parseStorageSlot,
  stateOverride,
} from "./params.js";

const ADDR = `0x${"ab".repeat(20)}`;
const HASH = `0x${"cd".repeat(32)}`;

function paramsError(method: keyof typeof ethMethods, params: unknown[]): string {
  const def = lookupMethod(method);
  if (!def) throw new Error(`no ${method}`);
  try {
    parseParams(def, params);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("params were accepted");
}

describe("quantities", () => {
  it("accepts canonical quantities", () => {
    expect(parseQuantity("0x0")).toBe(0n);
    expect(parseQuantity("0x1f")).toBe(31n);
    expect(parseQuantity("0xFF")).toBe(255n);
  });

  it("rejects non-canonical quantities with geth's messages", () => {
    expect(() => parseQuantity("12")).toThrow("hex string without 0x prefix");
    expect(() => parseQuantity("0x")).toThrow(`hex string "0x"`);
    expect(() => parseQuantity("0x01")).toThrow("hex number with leading zero digits");
    expect(() => parseQuantity("0xg")).toThrow("invalid hex string");
    expect(() => parseQuantity("")).toThrow("empty hex string");
    expect(() => parseQuantity(5)).toThrow("expected hex string, got number");
    expect(() => parseQuantity(`0x1${"0".repeat(16)}`, 64)).toThrow("hex number > 64 bits");
    expect(() => parseQuantity(`0x1${"0".repeat(64)}`)).toThrow("hex number > 256 bits");
  });
});

describe("data, addresses and slots", () => {
  it("requires even-length hex and exact sizes", () => {
    expect(parseData("0xABcd")).toBe("0xabcd");
    expect(() => parseData("0xabc")).toThrow("hex string of odd length");
    expect(() => parseData("0x1234", 20)).toThrow("hex string has length 4, want 40");
  });

  it("pads storage slots to 32 bytes as geth does", () => {
    expect(parseStorageSlot("0x1")).toBe(`0x${"0".repeat(63)}1`);
    expect(() => parseStorageSlot(`0x${"1".repeat(65)}`)).toThrow(/at most 32 bytes/);
  });
});

describe("block references", () => {
  it("accepts numbers, tags, hashes and EIP-1898 objects", () => {
    expect(parseBlockRef("0x10")).toBe(16n);
    expect(parseBlockRef("finalized")).toBe("finalized");
    expect(parseBlockRef(HASH)).toEqual({ blockHash: HASH });
    expect(parseBlockRef({ blockNumber: "0x2" })).toBe(2n);
    expect(parseBlockRef({ blockHash: HASH, requireCanonical: true })).toEqual({
      blockHash: HASH,
      requireCanonical: true,
    });
  });

  it("rejects ambiguous or malformed references", () => {
    expect(() => parseBlockRef({ blockHash: HASH, blockNumber: "0x1" })).toThrow(/cannot specify both/);
    expect(() => parseBlockRef("newest")).toThrow("hex string without 0x prefix");
    expect(() => parseBlockRef({})).toThrow(/needs blockHash or blockNumber/);
  });

  it("allows hashes only where the spec does", () => {
    expect(paramsError("eth_getBlockByNumber", [HASH, false])).toMatch(/^invalid argument 0: /);
    expect(parseParams(lookupMethod("eth_getBalance")!, [ADDR, { blockHash: HASH }])).toEqual([
      ADDR,
      { blockHash: HASH },
    ]);
  });
});

describe("call requests and overrides", () => {
  it("parses a transaction object, treating null as absent and input as data", () => {
    expect(callRequest.parse({ from: ADDR, to: null, gas: "0x5208", input: "0x12", value: "0x0" })).toEqual({
      from: ADDR,
      gas: 21000n,
      data: "0x12",
      value: 0n,
    });
  });

  it("rejects contradictory fields", () => {
    expect(paramsError("eth_call", [{ data: "0x12", input: "0x34" }])).toBe(
      `invalid argument 0: both "data" and "input" are set and not equal`,
    );
    expect(paramsError("eth_call", [{ gasPrice: "0x1", maxFeePerGas: "0x1" }])).toMatch(/both gasPrice/);
    expect(paramsError("eth_call", [{ value: "0x01" }])).toBe(
      "invalid argument 0: value: hex number with leading zero digits",
    );
    expect(paramsError("eth_call", ["0x"])).toBe(
      "invalid argument 0: expected a transaction object, got string",
    );
  });

  it("parses state overrides and names bad entries", () => {
    expect(stateOverride.parse({ [ADDR]: { balance: "0x10", stateDiff: { [HASH]: HASH } } })).toEqual({
      [ADDR]: { balance: 16n, stateDiff: { [HASH]: HASH } },
    });
    expect(paramsError("eth_call", [{}, "latest", { "0x12": {} }])).toMatch(
      /^invalid argument 2: 0x12: invalid address/,
    );
    expect(paramsError("eth_call", [{}, "latest", { [ADDR]: { state: {}, stateDiff: {} } }])).toMatch(
      /both 'state' and 'stateDiff'/,
    );
  });
});

describe("log filters", () => {
  it("normalises addresses and topics to arrays", () => {
    expect(logFilter.parse({ address: ADDR, topics: [HASH, null, [HASH]], fromBlock: "0x1" })).toEqual({
      address: [ADDR],
      topics: [[HASH], null, [HASH]],
      fromBlock: 1n,
    });
  });

  it("rejects blockHash with a range, and more than 4 topics", () => {
    expect(() => logFilter.parse({ blockHash: HASH, fromBlock: "0x1" })).toThrow(
      /cannot specify both BlockHash/,
    );
    expect(paramsError("eth_getLogs", [{ topics: [null, null, null, null, null] }])).toMatch(
      /too many topics/,
    );
  });
});

describe("fee history params", () => {
  it("accepts hex or decimal block counts and checks percentiles", () => {
    const def = lookupMethod("eth_feeHistory")!;
    expect(parseParams(def, [4, "latest", [10, 50]])).toEqual([4n, "latest", [10, 50]]);
    expect(parseParams(def, ["0x4", "0x1"])).toEqual([4n, 1n, undefined]);
    expect(paramsError("eth_feeHistory", ["0x4", "latest", [50, 10]])).toMatch(/non-decreasing/);
    expect(paramsError("eth_feeHistory", ["0x4", "latest", [101]])).toMatch(/^invalid argument 2: 0: /);
  });
});
