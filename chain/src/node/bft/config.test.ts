import { describe, expect, it } from "vitest";
import { BftConfigError, parseBftNodeArgs } from "./config.js";

const base = ["--data-dir", "d", "--genesis", "g.json", "--rpc-port", "8545", "--p2p-port", "9000"];

describe("bft node flags", () => {
  it("parses the block-size cap and the propose timeout, and leaves the cap unset by default", () => {
    const cfg = parseBftNodeArgs([...base, "--max-block-txs", "500", "--timeout-propose", "2000"]);
    expect(cfg.maxBlockTxs).toBe(500);
    expect(cfg.timeoutProposeMs).toBe(2000);
    expect(parseBftNodeArgs(base).maxBlockTxs).toBeUndefined();
  });

  it("refuses a cap below one transaction and a flag without its value", () => {
    expect(() => parseBftNodeArgs([...base, "--max-block-txs", "0"])).toThrow(BftConfigError);
    expect(() => parseBftNodeArgs([...base, "--max-block-txs"])).toThrow(/needs a value/);
  });
});
