// Worker keys: the secp256k1 addresses a validator lets pull jobs on its behalf (workers never
// get database credentials). Registration and revocation are authorised by the validator
// hotkey's EIP-191 signature over a canonical message, so the validator portal (SIWE, later)
// and scripts can call the same functions.
import type { PrismaClient, WorkerKey } from "@prisma/client";
import {
  concat,
  getAddress,
  keccak256,
  sha256,
  stringToBytes,
  stringToHex,
  verifyMessage,
  type Hex,
} from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { z } from "zod";
import type { Kv } from "@/lib/kv/kv";
import { JobError } from "./errors";

export const WORKER_KEY_ACTIONS = ["register", "revoke"] as const;
export type WorkerKeyAction = (typeof WORKER_KEY_ACTIONS)[number];

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte hex address")
  .transform((a) => a.toLowerCase());

export const workerKeyRequestSchema = z.object({
  action: z.enum(WORKER_KEY_ACTIONS),
  worker: address,
  validator: address,
  /** Unix milliseconds when signed. */
  timestamp: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "expected a 65-byte signature"),
});
export type WorkerKeyRequest = z.input<typeof workerKeyRequestSchema>;

export interface WorkerKeyMessage {
  action: WorkerKeyAction;
  worker: string;
  validator: string;
  timestamp: number;
}

/** The text the validator signs (personal_sign): one field per line, addresses EIP-55. */
export function workerKeyMessage(m: WorkerKeyMessage): string {
  return [
    "Tensorchain worker key",
    `action: ${m.action}`,
    `worker: ${getAddress(m.worker)}`,
    `validator: ${getAddress(m.validator)}`,
    `timestamp: ${m.timestamp}`,
  ].join("\n");
}

/**
 * Checks the request's shape, freshness and the validator's signature, and refuses a replay
 * of the same message within the skew window. Returns the (lowercase) fields.
 */
export async function verifyWorkerKeyRequest(
  input: unknown,
  opts: { kv: Kv; maxSkewMs: number; now?: number },
): Promise<WorkerKeyMessage> {
  const parsed = workerKeyRequestSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new JobError(
      "BAD_REQUEST",
      `invalid worker key request: ${issue?.path.join(".") || "body"}: ${issue?.message}`,
    );
  }
  const r = parsed.data;
  const now = opts.now ?? Date.now();
  if (Math.abs(now - r.timestamp) > opts.maxSkewMs) {
    throw new JobError(
      "UNAUTHORIZED",
      `the request timestamp is ${Math.round((now - r.timestamp) / 1000)} s off the server clock (max ${opts.maxSkewMs / 1000} s)`,
    );
  }
  const message = workerKeyMessage(r);
  const valid = await verifyMessage({
    address: getAddress(r.validator),
    message,
    signature: r.signature as Hex,
  }).catch(() => false);
  if (!valid) throw new JobError("UNAUTHORIZED", "the signature is not the validator's over this request");
  // Keyed on the message, not the signature: a malleated signature of the same message is still a replay.
  const fresh = await opts.kv.setNX(`worker-key-msg:${sha256(stringToBytes(message))}`, "1", {
    ttlSeconds: Math.ceil((2 * opts.maxSkewMs) / 1000),
  });
  if (!fresh) throw new JobError("UNAUTHORIZED", "this signed request was already used (replay)");
  return { action: r.action, worker: r.worker, validator: r.validator, timestamp: r.timestamp };
}

/**
 * Whether `hotkey` holds a validator permit on some subnet, as the indexer last saw the
 * metagraph. The public registration API requires it; the launcher and the portal call
 * registerWorkerKey directly and make their own check.
 */
export async function isIndexedValidator(prisma: PrismaClient, hotkey: string): Promise<boolean> {
  const neuron = await prisma.neuron.findFirst({
    where: { hotkey: hotkey.toLowerCase(), isValidator: true },
    select: { netuid: true },
  });
  return neuron !== null;
}

/** Registers `worker` for `validator`; re-registering one's own (even revoked) key reactivates it. */
export async function registerWorkerKey(
  prisma: PrismaClient,
  m: { worker: string; validator: string },
): Promise<WorkerKey> {
  const worker = m.worker.toLowerCase();
  const validator = m.validator.toLowerCase();
  if (worker === validator)
    throw new JobError("BAD_REQUEST", "a worker key must not be the validator hotkey itself");
  return prisma.$transaction(async (tx) => {
    const existing = await tx.workerKey.findUnique({ where: { address: worker } });
    if (existing !== null && existing.validatorHotkey !== validator) {
      throw new JobError("CONFLICT", `worker ${getAddress(worker)} is registered by another validator`);
    }
    return tx.workerKey.upsert({
      where: { address: worker },
      create: { address: worker, validatorHotkey: validator },
      update: { revokedAt: null },
    });
  });
}

/** Revokes `worker`; only the validator that registered it may. Idempotent. */
export async function revokeWorkerKey(
  prisma: PrismaClient,
  m: { worker: string; validator: string },
): Promise<WorkerKey> {
  const worker = m.worker.toLowerCase();
  const key = await prisma.workerKey.findUnique({ where: { address: worker } });
  if (key === null) throw new JobError("NOT_FOUND", `worker ${getAddress(worker)} is not registered`);
  if (key.validatorHotkey !== m.validator.toLowerCase())
    throw new JobError("FORBIDDEN", `worker ${getAddress(worker)} belongs to another validator`);
  if (key.revokedAt !== null) return key;
  return prisma.workerKey.update({ where: { address: worker }, data: { revokedAt: new Date() } });
}

export function listWorkerKeys(prisma: PrismaClient, validator: string): Promise<WorkerKey[]> {
  return prisma.workerKey.findMany({
    where: { validatorHotkey: validator.toLowerCase() },
    orderBy: { createdAt: "asc" },
  });
}

/** The worker's key if registered and not revoked. */
export async function findActiveWorkerKey(prisma: PrismaClient, worker: string): Promise<WorkerKey | null> {
  const key = await prisma.workerKey.findUnique({ where: { address: worker.toLowerCase() } });
  return key !== null && key.revokedAt === null ? key : null;
}

/**
 * The dev worker's key of a validator, derived from the validator's hotkey key so `npm start`
 * needs no extra key file: keccak256(hotkey key ‖ "tensorchain dev worker"). Local use only.
 */
export function devWorkerPrivateKey(validatorPrivateKey: Hex): Hex {
  return keccak256(concat([validatorPrivateKey, stringToHex("tensorchain dev worker")]));
}

/**
 * Registers each of `workers` for the validator whose hotkey key is `validatorPrivateKey`
 * (idempotent; the launcher's path, no signature needed since it holds the key). Returns the
 * registered keys.
 */
export async function registerWorkerKeysForValidator(
  prisma: PrismaClient,
  validatorPrivateKey: Hex,
  workers: readonly string[],
): Promise<WorkerKey[]> {
  const validator = privateKeyToAddress(validatorPrivateKey);
  const keys: WorkerKey[] = [];
  for (const worker of workers) keys.push(await registerWorkerKey(prisma, { worker, validator }));
  return keys;
}
