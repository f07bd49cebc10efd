// The light client over a node's JSON-RPC, for the app (browser-safe) and tests: fetches a
// block, its commit certificate (tensorchain_getCommit) and eth_getProof results through any
// `request({ method, params })` function (viem's `client.request` is one), and checks them with
// light-client.ts against a validator set the caller trusts (genesis, or a set it verified
// before). Nothing the node answers is trusted: the header is rebuilt from the block's fields and
// must hash to the certified block hash, and every proven value must match the state root.
import { RLP } from "@ethereumjs/rlp";
import { z } from "zod";
import type { CommitCertificate, Hex, ValidatorSet } from "../consensus/types.js";
import { hexToBytes, makeValidatorSet } from "../consensus/types.js";
import { LightClientError, rpcHex, verifyAccountProof, verifyHeader } from "./light-client.js";
import type { VerifiedAccount, VerifiedHeader } from "./light-client.js";

export type RpcRequest = (args: { method: string; params: unknown[] }) => Promise<unknown>;

const { data, quantity, hash32, address } = rpcHex;

/** The header fields of an eth_getBlockByNumber result, in header (RLP) order. */
const rpcHeaderSchema = z.object({
  parentHash: hash32,
  sha3Uncles: hash32,
  miner: address,
  stateRoot: hash32,
  transactionsRoot: hash32,
  receiptsRoot: hash32,
  logsBloom: data,
  difficulty: quantity,
  number: quantity,
  gasLimit: quantity,
  gasUsed: quantity,
  timestamp: quantity,
  extraData: data,
  mixHash: hash32,
  nonce: data,
  baseFeePerGas: quantity.optional(),
  withdrawalsRoot: hash32.optional(),
  blobGasUsed: quantity.optional(),
  excessBlobGas: quantity.optional(),
  parentBeaconBlockRoot: hash32.optional(),
});

const certificateSchema = z.object({
  height: quantity,
  round: quantity,
  blockHash: hash32,
  signatures: z.array(z.object({ validator: address, signature: data })),
});

const validatorsSchema = z.object({
  validators: z.array(z.object({ address, pubKey: data, power: quantity })).min(1),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new LightClientError(
      `malformed ${what}: ${issue?.path.join(".") || "result"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return r.data;
}

/** Minimal big-endian bytes of a quantity (RLP integers: 0 is the empty string). */
function quantityBytes(q: string): Uint8Array {
  const v = BigInt(q);
  if (v === 0n) return new Uint8Array(0);
  const hex = v.toString(16);
  return hexToBytes(`0x${hex.length % 2 ? "0" : ""}${hex}`);
}

/**
 * The RLP header an eth_getBlockByNumber result describes (Ethereum's field order; the fork
 * fields after baseFeePerGas are included when present). Its keccak256 is the block hash, so
 * any field the node misreports makes the certificate check fail.
 */
export function headerRlpFromRpc(block: unknown): Uint8Array {
  const b = parse(rpcHeaderSchema, block, "block");
  const fields: Uint8Array[] = [
    hexToBytes(b.parentHash),
    hexToBytes(b.sha3Uncles),
    hexToBytes(b.miner),
    hexToBytes(b.stateRoot),
    hexToBytes(b.transactionsRoot),
    hexToBytes(b.receiptsRoot),
    hexToBytes(b.logsBloom),
    quantityBytes(b.difficulty),
    quantityBytes(b.number),
    quantityBytes(b.gasLimit),
    quantityBytes(b.gasUsed),
    quantityBytes(b.timestamp),
    hexToBytes(b.extraData),
    hexToBytes(b.mixHash),
    hexToBytes(b.nonce),
  ];
  const optional = [
    b.baseFeePerGas === undefined ? undefined : quantityBytes(b.baseFeePerGas),
    b.withdrawalsRoot === undefined ? undefined : hexToBytes(b.withdrawalsRoot),
    b.blobGasUsed === undefined ? undefined : quantityBytes(b.blobGasUsed),
    b.excessBlobGas === undefined ? undefined : quantityBytes(b.excessBlobGas),
    b.parentBeaconBlockRoot === undefined ? undefined : hexToBytes(b.parentBeaconBlockRoot),
  ];
  // Fork fields come in order: stop at the first one the block does not have.
  for (const f of optional) {
    if (f === undefined) break;
    fields.push(f);
  }
  return RLP.encode(fields);
}

/** A tensorchain_getCommit result as a certificate. */
export function certificateFromRpc(json: unknown): CommitCertificate {
  const c = parse(certificateSchema, json, "commit certificate");
  return {
    height: Number(BigInt(c.height)),
    round: Number(BigInt(c.round)),
    blockHash: c.blockHash.toLowerCase() as Hex,
    signatures: c.signatures.map((s) => ({
      validator: s.validator.toLowerCase() as Hex,
      signature: hexToBytes(s.signature),
    })),
  };
}

/**
 * The validator set of a tensorchain_getValidators result. Only as trustworthy as the node that
 * served it: a light client compares it with a set it trusts (genesis) before relying on it.
 */
export function validatorSetFromRpc(json: unknown): ValidatorSet {
  const v = parse(validatorsSchema, json, "validator set");
  return makeValidatorSet(
    v.validators.map((x) => ({
      address: x.address.toLowerCase(),
      pubKey: hexToBytes(x.pubKey),
      power: BigInt(x.power),
    })),
  );
}

const q = (n: number): string => `0x${n.toString(16)}`;

/** Block `height` as served by the node, checked against its certificate and `validators` (that height's set). */
export async function verifyBlockOverRpc(
  request: RpcRequest,
  o: { chainId: bigint; validators: ValidatorSet; height: number },
): Promise<VerifiedHeader> {
  const [block, commit] = await Promise.all([
    request({ method: "eth_getBlockByNumber", params: [q(o.height), false] }),
    request({ method: "tensorchain_getCommit", params: [o.height] }),
  ]);
  if (block === null) throw new LightClientError(`the node has no block ${o.height}`);
  if (commit === null) throw new LightClientError(`the node has no commit certificate for block ${o.height}`);
  const header = verifyHeader({
    chainId: o.chainId,
    validators: o.validators,
    headerRlp: headerRlpFromRpc(block),
    certificate: certificateFromRpc(commit),
  });
  if (header.number !== o.height)
    throw new LightClientError(`the node answered block ${header.number} for ${o.height}`);
  return header;
}

/** An account and storage slots at a verified block, proven against its state root with eth_getProof. */
export async function verifyAccountOverRpc(
  request: RpcRequest,
  header: VerifiedHeader,
  account: Hex,
  slots: readonly Hex[] = [],
): Promise<VerifiedAccount> {
  const proof = await request({ method: "eth_getProof", params: [account, slots, q(header.number)] });
  const verified = verifyAccountProof(header.stateRoot, proof);
  if (verified.address !== account.toLowerCase())
    throw new LightClientError(`the node proved ${verified.address}, not ${account}`);
  return verified;
}
