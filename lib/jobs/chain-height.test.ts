// The receipt's chain height: the first lookup is waited for (briefly), later ones are served
// from the last known head while a refresh runs, and a failing node keeps the last known head.
import { describe, expect, it } from "vitest";
import { cachedChainHeight } from "./chain-height";

describe("cachedChainHeight", () => {
  it("waits for the first lookup, then serves the cached head", async () => {
    let calls = 0;
    const height = cachedChainHeight(async () => BigInt(++calls * 10));
    expect(await height()).toBe(10n);
    expect(await height()).toBe(10n);
    expect(calls).toBe(1);
  });

  it("answers null without waiting long when the node hangs or fails", async () => {
    const hanging = cachedChainHeight(() => new Promise<bigint | null>(() => undefined));
    expect(await hanging()).toBeNull();
    const failing = cachedChainHeight(async () => {
      throw new Error("connection refused");
    });
    expect(await failing()).toBeNull();
  });
});
