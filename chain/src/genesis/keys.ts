// Validator key files: the hotkey (an Ethereum account: block proposer / coinbase, staking
// identity) and the consensus key (secp256k1 keypair that signs BFT votes). Written with mode
// 0600 because they hold private keys; read back with validation.
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { bytesToHex, hexToBytes } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { compressedPublicKey, isValidPrivateKey } from "../crypto/secp256k1.js";
import type { Address, Hex } from "../rpc/backend.js";

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyFileError";
  }
}

const privKey = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte 0x-prefixed hex private key")
  .refine((k) => isValidPrivateKey(hexToBytes(k as Hex)), "not a valid secp256k1 private key")
  .transform((v) => v.toLowerCase() as Hex);

export const validatorKeySchema = z
  .object({
    hotkey: z.object({ address: z.string(), privateKey: privKey }).strict(),
    consensus: z.object({ publicKey: z.string(), privateKey: privKey }).strict(),
  })
  .strict();

export interface ValidatorKeys {
  hotkey: { address: Address; privateKey: Hex };
  consensus: { publicKey: Hex; privateKey: Hex };
}

function randomPrivateKey(): Hex {
  for (;;) {
    const k = randomBytes(32);
    if (isValidPrivateKey(k)) return bytesToHex(k);
  }
}

export function keysFromPrivate(hotkeyPrivateKey: Hex, consensusPrivateKey: Hex): ValidatorKeys {
  return {
    hotkey: {
      address: privateKeyToAddress(hotkeyPrivateKey).toLowerCase() as Address,
      privateKey: hotkeyPrivateKey,
    },
    consensus: {
      publicKey: bytesToHex(compressedPublicKey(hexToBytes(consensusPrivateKey))),
      privateKey: consensusPrivateKey,
    },
  };
}

export function generateValidatorKeys(): ValidatorKeys {
  return keysFromPrivate(randomPrivateKey(), randomPrivateKey());
}

export function writeValidatorKeys(file: string, keys: ValidatorKeys): void {
  writeFileSync(file, JSON.stringify(keys, null, 2) + "\n", { mode: 0o600 });
  // writeFileSync's mode only applies when it creates the file; enforce it on overwrite too.
  chmodSync(file, 0o600);
}

export function readValidatorKeys(file: string): ValidatorKeys {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new KeyFileError(`cannot read key file ${file}: ${(e as Error).message}`);
  }
  const parsed = validatorKeySchema.safeParse(raw);
  if (!parsed.success) {
    throw new KeyFileError(
      `invalid key file ${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  // Derive the public halves instead of trusting the file, and reject a file whose stored
  // public halves disagree (a hand-edited or corrupted file).
  const keys = keysFromPrivate(parsed.data.hotkey.privateKey, parsed.data.consensus.privateKey);
  if (
    parsed.data.hotkey.address.toLowerCase() !== keys.hotkey.address ||
    parsed.data.consensus.publicKey.toLowerCase() !== keys.consensus.publicKey
  ) {
    throw new KeyFileError(`invalid key file ${file}: public key/address does not match the private key`);
  }
  return keys;
}
