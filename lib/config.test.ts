import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_EMBEDDED_DB_PORT, parseConfig } from "./config";

describe("parseConfig", () => {
  it("runs on embedded defaults with an empty environment", () => {
    const c = parseConfig({});
    expect(c.chain.rpcUrl).toBe("http://127.0.0.1:8545");
    expect(c.chain.id).toBe(5_522_766);
    expect(c.db.embedded).toBe(true);
    expect(c.db.url).toBe(`postgresql://postgres:postgres@127.0.0.1:${DEFAULT_EMBEDDED_DB_PORT}/postgres`);
    expect(c.db.embeddedDataDir).toBe(path.resolve(".data", "pglite"));
    expect(c.kv.backend).toBe("memory");
    expect(c.faucet.amountWei).toBe(10n * 10n ** 18n);
  });

  it("treats empty strings as unset", () => {
    expect(parseConfig({ DATABASE_URL: "", REDIS_URL: " " }).db.embedded).toBe(true);
  });

  it("picks the KV backend: Upstash REST over Redis over in-process", () => {
    expect(parseConfig({ REDIS_URL: "redis://127.0.0.1:6379" }).kv).toMatchObject({ backend: "redis", url: "redis://127.0.0.1:6379" });
    expect(
      parseConfig({ REDIS_URL: "redis://127.0.0.1:6379", KV_REST_API_URL: "https://kv.example.com", KV_REST_API_TOKEN: "t" }).kv,
    ).toMatchObject({ backend: "upstash", url: "https://kv.example.com", token: "t" });
  });

  it("uses DATABASE_URL and the embedded port when given", () => {
    const real = parseConfig({ DATABASE_URL: "postgresql://u@db:5432/app" });
    expect(real.db).toMatchObject({ embedded: false, url: "postgresql://u@db:5432/app" });
    expect(parseConfig({ EMBEDDED_DB_PORT: "60000" }).db.url).toContain(":60000/");
  });

  it("parses TEN amounts exactly", () => {
    const c = parseConfig({ FAUCET_AMOUNT: "0.000000000000000001", FAUCET_DAILY_CAP: "1.5" });
    expect(c.faucet.amountWei).toBe(1n);
    expect(c.faucet.dailyCapWei).toBe(15n * 10n ** 17n);
  });

  it("rejects bad values naming every offending variable", () => {
    let err: unknown;
    try {
      parseConfig({ CHAIN_RPC_URL: "localhost:8545", EMBEDDED_DB_PORT: "70000", DATABASE_URL: "mysql://x", FAUCET_AMOUNT: "ten" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    for (const name of ["CHAIN_RPC_URL", "EMBEDDED_DB_PORT", "DATABASE_URL", "FAUCET_AMOUNT"]) expect(msg).toContain(name);
  });

  it("rejects half an Upstash configuration and a cap below one claim", () => {
    expect(() => parseConfig({ KV_REST_API_URL: "https://kv.example.com" })).toThrow(/KV_REST_API_URL and KV_REST_API_TOKEN/);
    expect(() => parseConfig({ FAUCET_AMOUNT: "10", FAUCET_DAILY_CAP: "5" })).toThrow(/FAUCET_DAILY_CAP/);
  });
});
