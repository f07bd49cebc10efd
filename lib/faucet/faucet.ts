// The faucet service behind /api/v1/faucet/*: PoW challenges, claim validation and limits, the
// claim queue (FaucetClaim) feeding the single sender, stats and admin blocks.
//
// Limits, all in the KV through its maintained limiter (lib/kv/rate-limit.ts):
// - per address: one claim per FAUCET_COOLDOWN_SECONDS;
// - per IP (lib/faucet/client-ip.ts): FAUCET_PER_IP_LIMIT claims per FAUCET_PER_IP_WINDOW_SECONDS;
// - global: FAUCET_DAILY_CAP / FAUCET_AMOUNT claims per UTC day.
// They are spent in that order after the PoW checks out; a refusal by a later limit gives the
// address its cooldown back (a per-IP point spent on a refused attempt stays spent: attempts
// from one IP are what that limit is for).
import { isIP } from "node:net";
import type { PrismaClient } from "@prisma/client";
import { getAddress } from "viem";
import { z } from "zod";
import { ApiError } from "@/lib/api/http";
import type { Kv } from "@/lib/kv/kv";
import { createRateLimiter, type RateLimiter } from "@/lib/kv/rate-limit";
import type { FaucetConfig } from "./config";
import { issueChallenge, NONCE_RE, PowError, verifySolution, type Challenge } from "./pow";
import { FaucetSender } from "./sender";

export class InvalidAddressError extends Error {
  override name = "InvalidAddressError";
}

/** Checksummed (EIP-55) or all-lowercase hex; a mixed-case address with a wrong checksum is a typo. */
export function parseRecipient(input: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(input))
    throw new InvalidAddressError("address must be 0x followed by 40 hex digits");
  const body = input.slice(2);
  if (body !== body.toLowerCase() && getAddress(input) !== input)
    throw new InvalidAddressError("address has mixed case but an invalid EIP-55 checksum");
  return input.toLowerCase();
}

export const claimBodySchema = z.strictObject({
  address: z.string().max(64),
  challenge: z.string().max(200),
  nonce: z.string().regex(NONCE_RE, "nonce must be 1-64 letters or digits"),
});

export const adminBodySchema = z
  .strictObject({
    action: z.enum(["block", "unblock"]),
    address: z.string().optional(),
    ip: z.string().max(45).optional(),
  })
  .refine((b) => (b.address === undefined) !== (b.ip === undefined), "give exactly one of address or ip");

export interface ClaimResult {
  id: string;
  address: string;
  amount: string;
  status: "queued";
}

export interface FaucetStats {
  claims: number;
  confirmed: number;
  pending: number;
  failed: number;
  tokensSent: string;
  uniqueAddresses: number;
  sender: string;
  paused: string | null;
}

const blockKey = (kind: "address" | "ip", v: string) => `faucet:block:${kind}:${v}`;
const utcDay = (now: number) => new Date(now).toISOString().slice(0, 10);

export class Faucet {
  readonly sender: FaucetSender;
  private readonly perAddress: RateLimiter;
  private readonly perIp: RateLimiter;
  private readonly daily: RateLimiter;
  readonly claimsPerDay: number;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly kv: Kv,
    readonly config: FaucetConfig,
    sender?: FaucetSender,
  ) {
    this.perAddress = createRateLimiter(kv, {
      name: "faucet:address",
      points: 1,
      windowSeconds: config.cooldownSeconds,
    });
    this.perIp = createRateLimiter(kv, {
      name: "faucet:ip",
      points: config.perIpLimit,
      windowSeconds: config.perIpWindowSeconds,
    });
    this.claimsPerDay = Number(config.dailyCapWei / config.amountWei);
    this.daily = createRateLimiter(kv, {
      name: "faucet:daily",
      points: Math.max(1, this.claimsPerDay),
      windowSeconds: 86_400,
    });
    this.sender =
      sender ??
      new FaucetSender({
        prisma,
        privateKey: config.privateKey,
        chainId: config.chainId,
        rpcUrl: config.rpcUrl,
        minBalanceWei: config.minBalanceWei,
        resendAfterMs: config.resendAfterMs,
      });
  }

  private assertEnabled(): void {
    if (!this.config.enabled) throw new ApiError("UNAVAILABLE", "the faucet is disabled on this network");
  }

  challenge(): Challenge {
    this.assertEnabled();
    return issueChallenge(this.config.powSecret, this.config.powDifficulty, this.config.powTtlSeconds);
  }

  async claim(body: unknown, ip: string, now = Date.now()): Promise<ClaimResult> {
    this.assertEnabled();
    const input = claimBodySchema.parse(body);
    let address: string;
    try {
      address = parseRecipient(input.address);
    } catch (err) {
      throw new ApiError("BAD_REQUEST", (err as Error).message);
    }
    if (address === this.sender.address)
      throw new ApiError("BAD_REQUEST", "that is the faucet's own address");
    if (this.sender.paused !== null) throw new ApiError("UNAVAILABLE", this.sender.paused);
    let challengeId: string;
    let expiresAt: number;
    try {
      ({ id: challengeId, expiresAt } = verifySolution(
        this.config.powSecret,
        input.challenge,
        input.nonce,
        this.config.powDifficulty,
        now,
      ));
    } catch (err) {
      if (err instanceof PowError)
        throw new ApiError("BAD_REQUEST", `proof of work rejected: ${err.message}`);
      throw err;
    }
    // Spend the challenge once, for as long as it could still be presented.
    const ttl = Math.max(1, Math.ceil((expiresAt - now) / 1000));
    if (!(await this.kv.setNX(`faucet:pow:${challengeId}`, "1", { ttlSeconds: ttl }))) {
      throw new ApiError("BAD_REQUEST", "proof of work rejected: challenge already used; request a new one");
    }
    const [addrBlocked, ipBlocked] = await Promise.all([
      this.kv.get(blockKey("address", address)),
      this.kv.get(blockKey("ip", ip)),
    ]);
    if (addrBlocked !== null || ipBlocked !== null)
      throw new ApiError(
        "FORBIDDEN",
        `this ${addrBlocked !== null ? "address" : "IP"} is blocked from the faucet`,
      );

    const retryAfter = (ms: number) => ({ "retry-after": String(Math.max(1, Math.ceil(ms / 1000))) });
    const a = await this.perAddress.limit(address);
    if (!a.allowed)
      throw new ApiError(
        "RATE_LIMITED",
        `this address already claimed; try again in ${Math.ceil(a.resetMs / 1000)} s`,
        retryAfter(a.resetMs),
      );
    const i = await this.perIp.limit(ip);
    if (!i.allowed) {
      await this.perAddress.reset(address);
      throw new ApiError(
        "RATE_LIMITED",
        `too many claims from this IP; try again in ${Math.ceil(i.resetMs / 1000)} s`,
        retryAfter(i.resetMs),
      );
    }
    const d =
      this.claimsPerDay >= 1 ? await this.daily.limit(utcDay(now)) : { allowed: false, resetMs: 86_400_000 };
    if (!d.allowed) {
      await this.perAddress.reset(address);
      throw new ApiError(
        "RATE_LIMITED",
        "the faucet's daily cap is reached; try again tomorrow (UTC)",
        retryAfter(d.resetMs),
      );
    }
    const row = await this.prisma.faucetClaim.create({
      data: { address, ip, amount: this.config.amountWei.toString() },
    });
    this.sender.start();
    this.sender.kick();
    return { id: row.id.toString(), address, amount: this.config.amountWei.toString(), status: "queued" };
  }

  async claimStatus(id: bigint) {
    const c = await this.prisma.faucetClaim.findUnique({ where: { id } });
    if (c === null) throw new ApiError("NOT_FOUND", `claim ${id} does not exist`);
    return {
      id: c.id.toString(),
      address: c.address,
      amount: c.amount.toFixed(0),
      status: c.status,
      txHash: c.txHash,
      error: c.error,
    };
  }

  async stats(): Promise<FaucetStats> {
    const [row] = await this.prisma.$queryRaw<
      { claims: number; confirmed: number; pending: number; failed: number; sent: string; unique: number }[]
    >`
      SELECT count(*)::int AS claims,
             count(*) FILTER (WHERE status = 'confirmed')::int AS confirmed,
             count(*) FILTER (WHERE status IN ('queued', 'sent'))::int AS pending,
             count(*) FILTER (WHERE status = 'failed')::int AS failed,
             coalesce(sum(amount) FILTER (WHERE status = 'confirmed'), 0)::text AS sent,
             count(DISTINCT address)::int AS unique
      FROM "FaucetClaim"`;
    return {
      claims: row!.claims,
      confirmed: row!.confirmed,
      pending: row!.pending,
      failed: row!.failed,
      tokensSent: row!.sent,
      uniqueAddresses: row!.unique,
      sender: this.sender.address,
      paused: this.sender.paused,
    };
  }

  /** Blocks stay until unblocked (no TTL). */
  async admin(body: unknown): Promise<{ action: string; address?: string; ip?: string }> {
    const b = adminBodySchema.parse(body);
    let key: string;
    let target: { address: string } | { ip: string };
    if (b.address !== undefined) {
      try {
        const address = parseRecipient(b.address);
        key = blockKey("address", address);
        target = { address };
      } catch (err) {
        throw new ApiError("BAD_REQUEST", (err as Error).message);
      }
    } else {
      const ip = b.ip!.toLowerCase();
      if (isIP(ip) === 0 && ip !== "unknown")
        throw new ApiError("BAD_REQUEST", "ip must be an IPv4 or IPv6 address");
      key = blockKey("ip", ip);
      target = { ip };
    }
    if (b.action === "block") await this.kv.set(key, String(Date.now()));
    else await this.kv.del(key);
    return { action: b.action, ...target };
  }

  async close(): Promise<void> {
    await this.sender.stop();
  }
}
