// Event decoding for precompile logs (by address) and the progress line of long backfills.
import { encodeAbiParameters, encodeEventTopics, getAddress } from "viem";
import { describe, expect, it } from "vitest";
import { PRECOMPILES } from "@/chain/src/protocol/params";
import { iStakingAbi } from "@/contracts/abi/IStaking";
import { decodeLog } from "./decode";
import { formatProgress } from "./run";

// Checksummed (mixed case): the decoded form must come back lowercase.
const HOTKEY = getAddress("0x00000000000000000000000000000000000000aa");
const COLDKEY = "0x00000000000000000000000000000000000000bb";

describe("decodeLog", () => {
  it("decodes a staking precompile event with bigints as decimal strings and lowercase addresses", () => {
    const topics = encodeEventTopics({
      abi: iStakingAbi,
      eventName: "StakeAdded",
      args: { coldkey: COLDKEY, hotkey: HOTKEY } as never,
    });
    const inputs = iStakingAbi
      .find((x) => x.type === "event" && x.name === "StakeAdded")!
      .inputs.filter((i) => !("indexed" in i && i.indexed));
    const data = encodeAbiParameters(
      inputs,
      inputs.map((i, k) => ((i.type as string) === "address" ? HOTKEY : 10n ** 20n + BigInt(k))) as never,
    );
    const decoded = decodeLog(PRECOMPILES.staking, topics as string[], data);
    expect(decoded?.eventName).toBe("StakeAdded");
    const args = decoded!.args as Record<string, string>;
    expect(Object.values(args).every((v) => typeof v === "string")).toBe(true);
    expect(JSON.stringify(args)).not.toMatch(/[A-F]/);
    expect(args.amount ?? args.newStake).toMatch(/^1000000000000000000\d\d$/);
  });

  it("leaves unknown logs raw instead of failing", () => {
    expect(decodeLog(PRECOMPILES.staking, [`0x${"12".repeat(32)}`], "0x")).toBeNull();
    expect(decodeLog("0x0000000000000000000000000000000000001234", [], "0x")).toBeNull();
    // An ERC-20 Transfer topic with the wrong shape (ERC-721 style: 4 topics, no data).
    const transfer = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
    expect(
      decodeLog(
        "0x0000000000000000000000000000000000001234",
        [transfer, `0x${"0".repeat(64)}`, `0x${"0".repeat(64)}`, `0x${"0".repeat(63)}1`],
        "0x",
      ),
    ).toBeNull();
  });
});

describe("formatProgress", () => {
  it("shows position, rates and ETA", () => {
    expect(
      formatProgress({
        indexed: 250n,
        head: 1000n,
        blocks: 250,
        txs: 5000,
        elapsedMs: 5000,
        blocksPerSec: 50,
        txPerSec: 1000,
        etaSeconds: 15,
      }),
    ).toBe("indexed 250/1000 (25.0%) 50 blocks/s 1000 tx/s ETA 15s");
  });
});
