// The process's faucet, built from the configuration on first use. On globalThis so Next.js dev
// reloads keep one sender loop (two loops in one process would only contend for the nonce lock).
import { getPrisma } from "@/lib/db/client";
import { getKv } from "@/lib/kv/client";
import { getFaucetConfig } from "./config";
import { Faucet } from "./faucet";

const g = globalThis as typeof globalThis & { __tensorchainFaucet?: Faucet };

export function getFaucet(): Faucet {
  if (g.__tensorchainFaucet === undefined) {
    const faucet = new Faucet(getPrisma(), getKv(), getFaucetConfig());
    // Start with the first request of any kind, so claims left queued or unconfirmed by a
    // previous process are finished without waiting for a new claim.
    if (faucet.config.enabled) faucet.sender.start();
    g.__tensorchainFaucet = faucet;
  }
  return g.__tensorchainFaucet;
}
