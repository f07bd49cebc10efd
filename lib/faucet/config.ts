// The faucet's settings: the shared ones come from lib/config.ts (amount, limits, PoW
// difficulty, sender key); the few the faucet alone needs and lib/config.ts does not declare yet
// (admin token, PoW HMAC secret, pause threshold, rebroadcast timeout) are validated here.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { getConfig, type AppConfig } from "@/lib/config";
import { deriveAccounts } from "@/chain/src/crypto/dev-accounts";

export class FaucetConfigError extends Error {
  override name = "FaucetConfigError";
}

export interface FaucetConfig extends Omit<AppConfig["faucet"], "privateKey"> {
  privateKey: `0x${string}`;
  /** Bearer token of /api/v1/faucet/admin; admin is disabled when undefined. */
  adminToken: string | undefined;
  /** HMAC key of PoW challenges; shared by every app instance. */
  powSecret: Buffer;
  /** The sender stops paying (claims answer 503) below this balance, in wei. */
  minBalanceWei: bigint;
  /** A sent claim without a receipt is rebroadcast after this long. */
  resendAfterMs: number;
  chainId: number;
  rpcUrl: string;
}

/** Devnet sender: the last of the 10 funded dev accounts, so it never races scripts using the first. */
export const DEV_FAUCET_ACCOUNT_INDEX = 9;

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const extraSchema = z.object({
  FAUCET_ADMIN_TOKEN: z.preprocess(
    blank,
    z.string().min(16, "FAUCET_ADMIN_TOKEN must be at least 16 characters").optional(),
  ),
  FAUCET_POW_SECRET: z.preprocess(
    blank,
    z.string().min(32, "FAUCET_POW_SECRET must be at least 32 characters").optional(),
  ),
  FAUCET_MIN_BALANCE: z
    .preprocess(blank, z.string().regex(/^\d+$/, "FAUCET_MIN_BALANCE: whole TEN").default("1"))
    .transform((v) => BigInt(v) * 10n ** 18n),
  FAUCET_RESEND_AFTER_SECONDS: z.preprocess(blank, z.coerce.number().int().min(1).max(3600).default(15)),
});

// A per-process secret is right for the single-process devnet; several instances must share one.
const processPowSecret = randomBytes(32);

export function parseFaucetConfig(app: AppConfig, env: Record<string, string | undefined>): FaucetConfig {
  const r = extraSchema.safeParse(env);
  if (!r.success) throw new FaucetConfigError(r.error.issues.map((i) => i.message).join("; "));
  const e = r.data;
  if (app.nodeEnv === "production" && app.faucet.enabled) {
    if (app.faucet.privateKey === undefined)
      throw new FaucetConfigError("FAUCET_PRIVATE_KEY is required in production (the dev key is public)");
    if (e.FAUCET_POW_SECRET === undefined)
      throw new FaucetConfigError("FAUCET_POW_SECRET is required in production");
  }
  return {
    ...app.faucet,
    privateKey:
      app.faucet.privateKey ??
      (deriveAccounts(DEV_FAUCET_ACCOUNT_INDEX + 1)[DEV_FAUCET_ACCOUNT_INDEX]!.privateKey as `0x${string}`),
    adminToken: e.FAUCET_ADMIN_TOKEN,
    powSecret:
      e.FAUCET_POW_SECRET === undefined ? processPowSecret : Buffer.from(e.FAUCET_POW_SECRET, "utf8"),
    minBalanceWei: e.FAUCET_MIN_BALANCE,
    resendAfterMs: e.FAUCET_RESEND_AFTER_SECONDS * 1000,
    chainId: app.chain.id,
    rpcUrl: app.chain.rpcUrl,
  };
}

let cached: FaucetConfig | undefined;
export function getFaucetConfig(): FaucetConfig {
  cached ??= parseFaucetConfig(getConfig(), process.env);
  return cached;
}
