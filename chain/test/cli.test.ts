// The `tensorchain` binary: usage errors exit with status 2 and a message naming the problem;
// `genesis` writes a valid genesis and private key files only their owner can read.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { readValidatorKeys } from "../src/genesis/keys.js";
import { parseGenesis } from "../src/genesis/schema.js";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bin/tensorchain.js");
const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), "tensorchain-cli-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("tensorchain CLI", () => {
  it("rejects a start without its required options, with the usage", async () => {
    const r = await cli("start", "--rpc-port", "0");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: --data-dir is required");
    expect(r.stderr).toContain("usage: tensorchain start");
  });

  it("checks the network forms of start: --config alone, --bootstrap with a p2p port", async () => {
    const mixed = await cli("start", "--config", path.join(dir, "none.json"), "--rpc-port", "0");
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("--config replaces the other options");
    const missing = await cli("start", "--config", path.join(dir, "none.json"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read node config .*none\.json/);
    const boot = await cli("start", "--bootstrap", "--data-dir", path.join(dir, "boot"));
    expect(boot.code).toBe(2);
    expect(boot.stderr).toContain("--bootstrap needs --p2p-port");
    const peers = await cli(
      "start",
      "--data-dir",
      path.join(dir, "n"),
      "--rpc-port",
      "0",
      "--bootstrap-peers",
      "/ip4/127.0.0.1/tcp/1/p2p/x",
    );
    expect(peers.code).toBe(2);
    expect(peers.stderr).toContain("--bootstrap-peers needs --p2p-port");
  });

  it("writes a genesis and 0600 validator key files", async () => {
    const out = path.join(dir, "net");
    const r = await cli("genesis", "--out", out, "--validators", "2", "--chain-id", "4242");
    expect(r.code).toBe(0);
    const g = parseGenesis(JSON.parse(readFileSync(path.join(out, "genesis.json"), "utf8")));
    expect(g.chainId).toBe(4242);
    expect(g.validators).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      const file = path.join(out, `validator-${i}.json`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(g.validators[i]!.hotkey).toBe(readValidatorKeys(file).hotkey.address);
    }
  });
});
