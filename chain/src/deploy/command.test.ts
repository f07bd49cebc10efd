import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { parseGenesis } from "../genesis/schema.js";
import { runDeployCommand } from "./command.js";

describe("tensorchain deploy (command)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tensorchain-deploy-cmd-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a deployment and lists its files", async () => {
    const lines: string[] = [];
    const out = path.join(dir, "a");
    const code = await runDeployCommand(
      ["--out", out, "--validators", "2", "--chain-id", "4242", "--network", "tn", "--dev"],
      (l) => lines.push(l),
    );
    expect(code).toBe(0);
    expect(lines[0]).toBe(`wrote ${lines.length - 2} files to ${out} (chain id 4242, 2 validators)`);
    expect(lines).toContain("  docker-compose.yml");
    const g = parseGenesis(JSON.parse(readFileSync(path.join(out, "genesis.json"), "utf8")));
    expect(g.chainId).toBe(4242);
    expect(g.validators).toHaveLength(2);
    expect(existsSync(path.join(out, "k8s", "10-validator-1.yaml"))).toBe(true);
    // A second run into the same directory refuses instead of replacing keys.
    const err = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(await runDeployCommand(["--out", out], () => undefined)).toBe(1);
      expect(err.mock.calls[0]![0]).toMatch(/not empty/);
    } finally {
      err.mockRestore();
    }
  }, 60_000);

  it("rejects bad arguments with exit status 2 and a message naming the option", async () => {
    const err = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const run = (...a: string[]) => runDeployCommand(a, () => undefined);
      expect(await run("--validators", "3")).toBe(2);
      expect(err.mock.calls.at(-1)![0]).toMatch(/--out is required/);
      expect(await run("--out", path.join(dir, "b"), "--validators", "0")).toBe(2);
      expect(err.mock.calls.at(-1)![0]).toMatch(/--validators must be at least 1/);
      expect(await run("--out", path.join(dir, "b"), "--network", "Bad Name")).toBe(2);
      expect(await run("--out", path.join(dir, "b"), "--wat")).toBe(2);
      expect(existsSync(path.join(dir, "b"))).toBe(false);
    } finally {
      err.mockRestore();
    }
  });
});
