import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEV_PROTOCOL_PARAMS, TEN, protocolParamsToJson } from "../protocol/params.js";
import { buildLocalGenesis } from "./dev.js";
import { KeyFileError, generateValidatorKeys, readValidatorKeys, writeValidatorKeys } from "./keys.js";
import { DEV_CHAIN_ID, GenesisError, genesisToJson, parseGenesis } from "./schema.js";

const V1 = "0x1111111111111111111111111111111111111111";
const A1 = "0x2222222222222222222222222222222222222222";

function valid(): Record<string, unknown> {
  return {
    chainId: 99,
    networkName: "test",
    genesisTime: 1_700_000_000,
    validators: [{ hotkey: V1, consensusPublicKey: `0x02${"ab".repeat(32)}`, stake: (10n * TEN).toString() }],
    accounts: [{ address: A1, balance: (5n * TEN).toString() }],
    tokenSupply: (15n * TEN).toString(),
    blockGasLimit: "30000000",
    initialBaseFee: "1000000000",
    protocol: protocolParamsToJson(DEV_PROTOCOL_PARAMS),
  };
}

const dir = mkdtempSync(path.join(os.tmpdir(), "tensorchain-genesis-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("genesis validation", () => {
  it("accepts a valid genesis, defaults the block time and round-trips through JSON", () => {
    const g = parseGenesis(valid());
    expect(g.targetBlockTimeMs).toBe(1000);
    expect(g.validators[0]!.stake).toBe(10n * TEN);
    expect(parseGenesis(JSON.parse(JSON.stringify(genesisToJson(g))))).toEqual(g);
  });

  it("rejects a genesis without validators", () => {
    expect(() => parseGenesis({ ...valid(), validators: [] })).toThrow(
      /validators: genesis needs at least one validator/,
    );
  });

  it("rejects duplicate validators and accounts, whatever their case", () => {
    const g = valid();
    const v = (g.validators as Record<string, unknown>[])[0]!;
    expect(() =>
      parseGenesis({
        ...g,
        validators: [
          v,
          {
            ...v,
            hotkey: V1.toUpperCase().replace("0X", "0x"),
            consensusPublicKey: `0x03${"cd".repeat(32)}`,
          },
        ],
      }),
    ).toThrow(/duplicate validator hotkey/);
    const a = (g.accounts as Record<string, unknown>[])[0]!;
    expect(() => parseGenesis({ ...g, accounts: [a, a] })).toThrow(/duplicate account/);
  });

  it("rejects stakes + balances above the token supply", () => {
    expect(() => parseGenesis({ ...valid(), tokenSupply: (15n * TEN - 1n).toString() })).toThrow(
      GenesisError,
    );
    expect(() => parseGenesis({ ...valid(), tokenSupply: (15n * TEN - 1n).toString() })).toThrow(
      /exceed tokenSupply/,
    );
  });

  it("names unknown and malformed fields", () => {
    expect(() => parseGenesis({ ...valid(), chainID: 5 })).toThrow(/unknown field\(s\) "chainID"/);
    expect(() => parseGenesis({ ...valid(), accounts: [{ address: "0x12", balance: "1" }] })).toThrow(
      /accounts\.0\.address/,
    );
    expect(() => parseGenesis({ ...valid(), accounts: [{ address: A1, balance: "-1" }] })).toThrow(
      /accounts\.0\.balance/,
    );
    expect(() =>
      parseGenesis({ ...valid(), protocol: { ...(valid().protocol as object), tempo: 3 } }),
    ).toThrow(/protocol: unknown field/);
  });

  it("builds a dev genesis with the 10 dev accounts and the Multicall3 predeploy", async () => {
    const g = await buildLocalGenesis({ validators: [generateValidatorKeys()], dev: true });
    expect(g.chainId).toBe(DEV_CHAIN_ID);
    expect(g.accounts.find((a) => a.address === "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")?.balance).toBe(
      10_000n * TEN,
    );
    expect(g.accounts.find((a) => a.address === "0xca11bde05977b3631167028862be2a173976ca11")?.code).toMatch(
      /^0x60/,
    );
  });
});

describe("validator key files", () => {
  it("are written with mode 0600 and read back", () => {
    const file = path.join(dir, "v.json");
    const k = generateValidatorKeys();
    writeValidatorKeys(file, k);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readValidatorKeys(file)).toEqual(k);
    expect(k.consensus.publicKey).toMatch(/^0x0[23][0-9a-f]{64}$/);
  });

  it("reject a file whose address does not match its private key", () => {
    const file = path.join(dir, "bad.json");
    const k = generateValidatorKeys();
    writeFileSync(file, JSON.stringify({ ...k, hotkey: { ...k.hotkey, address: V1 } }));
    expect(() => readValidatorKeys(file)).toThrow(KeyFileError);
  });
});
