import { describe, expect, it } from "vitest";
import { RLP } from "@ethereumjs/rlp";
import {
  createAccessList2930Tx,
  createFeeMarket1559Tx,
  createLegacyTx,
  createTxFromRLP,
} from "@ethereumjs/tx";
import {
  SECP256K1_ORDER,
  bigIntToUnpaddedBytes,
  bytesToHex,
  equalsBytes,
  hexToBytes,
} from "@ethereumjs/util";
import { deriveAccounts } from "../crypto/dev-accounts.js";
import { makeTxCommon } from "./common.js";
import { decodeLight } from "./light-tx.js";
import type { LightTx } from "./light-tx.js";
import { decodeEthereumJs, prepareTx } from "./tx.js";

const CHAIN_ID = 42n;
const common = makeTxCommon(CHAIN_ID);
const otherChain = makeTxCommon(7n);
const [account] = deriveAccounts(1);
const key = hexToBytes(account!.privateKey);
const TO = new Uint8Array(20).fill(7);
const MAX_U64 = 2n ** 64n - 1n;
const MAX_U256 = 2n ** 256n - 1n;

function signed1559(o: Record<string, unknown> = {}): Uint8Array {
  return createFeeMarket1559Tx(
    {
      chainId: CHAIN_ID,
      nonce: 3n,
      to: TO,
      value: 10n ** 18n,
      gasLimit: 21_000n,
      maxFeePerGas: 2_000_000_000n,
      maxPriorityFeePerGas: 1n,
      ...o,
    },
    { common },
  )
    .sign(key)
    .serialize();
}

function signedLegacy(o: Record<string, unknown> = {}): Uint8Array {
  return createLegacyTx(
    { nonce: 3n, to: TO, value: 10n ** 18n, gasLimit: 21_000n, gasPrice: 2_000_000_000n, ...o },
    { common },
  )
    .sign(key)
    .serialize();
}

type Outcome = { accepted: false } | { accepted: true; summary: string };

function summary(d: Pick<LightTx, "fields" | "req">): string {
  const f = d.fields;
  return JSON.stringify({
    ...f,
    to: f.to?.toString(),
    nonce: String(f.nonce),
    gasLimit: String(f.gasLimit),
    value: String(f.value),
    tip: String(f.tip),
    feeCap: String(f.feeCap),
    intrinsicGas: String(f.intrinsicGas),
    msgHash: bytesToHex(d.req.msgHash),
    r: bytesToHex(d.req.r),
    s: bytesToHex(d.req.s),
    recovery: d.req.recovery,
  });
}

/**
 * The light decoder against EthereumJS on one input: whatever it accepts, EthereumJS accepts
 * (with the node's own checks) with the same fields, signing hash and signature, and encodes
 * to the same bytes (so the hash of the bytes is the transaction hash).
 */
function compare(raw: Uint8Array, c = common): { light: boolean; ejs: boolean } {
  const light = decodeLight(raw, c);
  let ejs: Outcome;
  try {
    const d = decodeEthereumJs(raw, c);
    expect(equalsBytes(d.tx.serialize(), raw)).toBe(true);
    ejs = { accepted: true, summary: summary(d) };
  } catch {
    ejs = { accepted: false };
  }
  if (light) {
    expect(ejs.accepted, `light accepted what EthereumJS refuses: ${bytesToHex(raw)}`).toBe(true);
    expect(summary(light)).toBe((ejs as { summary: string }).summary);
  }
  return { light: light !== undefined, ejs: ejs.accepted };
}

/** RLP encoding of a list whose items are given already encoded (possibly non-canonically). */
function listOf(encodedItems: Uint8Array[], prefix?: number): Uint8Array {
  const payload = new Uint8Array(encodedItems.reduce((n, e) => n + e.length, 0));
  let at = 0;
  for (const e of encodedItems) {
    payload.set(e, at);
    at += e.length;
  }
  const len = payload.length;
  const header = len <= 55 ? [0xc0 + len] : len < 256 ? [0xf8, len] : [0xf9, len >> 8, len & 0xff];
  return new Uint8Array([...(prefix === undefined ? [] : [prefix]), ...header, ...payload]);
}

/** The transaction's fields, with field `i` replaced by `encoded` (raw RLP bytes). */
function withField(raw: Uint8Array, i: number, encoded: Uint8Array): Uint8Array {
  const typed = raw[0]! < 0x7f;
  const values = RLP.decode(typed ? raw.subarray(1) : raw) as unknown as (Uint8Array | Uint8Array[])[];
  const items = values.map((v, k) => (k === i ? encoded : RLP.encode(v)));
  return listOf(items, typed ? raw[0] : undefined);
}

/** Non-canonical and out-of-range encodings of a field's value. */
function badEncodings(value: Uint8Array): Uint8Array[] {
  const out = [
    new Uint8Array([0x81 + value.length, 0, ...value]), // leading zero
    new Uint8Array([0xb8, value.length, ...value]), // long form for a short string
    RLP.encode([value]), // a list
    new Uint8Array([0x81, 0x05]), // single byte with a prefix
    new Uint8Array([0x80 + 33, ...new Uint8Array(33).fill(0xff)]), // 33 bytes
    new Uint8Array([0x89, ...new Uint8Array(9).fill(0xff)]), // 9 bytes
    new Uint8Array([0x88, ...new Uint8Array(8).fill(0xff)]), // 2^64 - 1
    new Uint8Array([0x00]), // zero as a byte
    new Uint8Array([0x80]), // empty
    new Uint8Array([0x94, ...new Uint8Array(20).fill(1)]), // 20 bytes
    new Uint8Array([0x93, ...new Uint8Array(19).fill(1)]), // 19 bytes
    new Uint8Array([0x01]),
    new Uint8Array([0x02]),
    new Uint8Array([0x25 + 2 * 42]),
  ];
  if (value.length === 1 && value[0]! < 0x80) out.push(new Uint8Array([0x81, value[0]!]));
  return out;
}

const VALID: [string, Uint8Array][] = [
  ["1559 transfer", signed1559()],
  ["1559 zero value, nonce 0, zero tip", signed1559({ value: 0n, nonce: 0n, maxPriorityFeePerGas: 0n })],
  ["1559 nonce 127/128", signed1559({ nonce: 127n })],
  ["1559 nonce 128", signed1559({ nonce: 128n })],
  ["1559 nonce 2^64-2", signed1559({ nonce: MAX_U64 - 1n })],
  ["1559 gas limit 2^64-1", signed1559({ gasLimit: MAX_U64, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n })],
  ["1559 max value", signed1559({ value: MAX_U256 })],
  ["1559 max fees", signed1559({ gasLimit: 1n, maxFeePerGas: MAX_U256, maxPriorityFeePerGas: MAX_U256 })],
  ["1559 one data byte 0x00", signed1559({ data: new Uint8Array([0]) })],
  ["1559 one data byte 0x7f", signed1559({ data: new Uint8Array([0x7f]) })],
  ["1559 one data byte 0x80", signed1559({ data: new Uint8Array([0x80]) })],
  ["1559 55 data bytes", signed1559({ data: new Uint8Array(55).fill(1), gasLimit: 100_000n })],
  ["1559 56 data bytes", signed1559({ data: new Uint8Array(56).fill(0), gasLimit: 100_000n })],
  ["1559 300 data bytes", signed1559({ data: new Uint8Array(300).map((_, i) => i), gasLimit: 100_000n })],
  ["1559 70,000 data bytes", signed1559({ data: new Uint8Array(70_000).fill(3), gasLimit: 2_000_000n })],
  ["legacy transfer", signedLegacy()],
  ["legacy zero value, nonce 0, zero price", signedLegacy({ value: 0n, nonce: 0n, gasPrice: 0n })],
  ["legacy max value", signedLegacy({ value: MAX_U256 })],
  ["legacy 300 data bytes", signedLegacy({ data: new Uint8Array(300).fill(9), gasLimit: 100_000n })],
];

// Valid transactions the light decoder leaves to EthereumJS.
const OTHERS: [string, Uint8Array][] = [
  [
    "1559 with an access list",
    signed1559({ accessList: [{ address: bytesToHex(TO), storageKeys: [bytesToHex(new Uint8Array(32))] }] }),
  ],
  [
    "1559 contract creation",
    signed1559({ to: undefined, data: new Uint8Array([0x60, 0]), gasLimit: 100_000n }),
  ],
  [
    "legacy contract creation",
    signedLegacy({ to: undefined, data: new Uint8Array([0x60, 0]), gasLimit: 100_000n }),
  ],
  [
    "EIP-2930",
    createAccessList2930Tx({ chainId: CHAIN_ID, to: TO, gasLimit: 21_000n, gasPrice: 5n }, { common })
      .sign(key)
      .serialize(),
  ],
];

describe("light transaction decoder", () => {
  it("decodes plain EIP-1559 and legacy transactions exactly as EthereumJS does", () => {
    for (const [name, raw] of VALID) expect(compare(raw), name).toEqual({ light: true, ejs: true });
  });

  it("leaves access lists, creations and other types to EthereumJS", () => {
    for (const [name, raw] of OTHERS) expect(compare(raw), name).toEqual({ light: false, ejs: true });
  });

  it("refuses transactions of another chain, unsigned, unprotected or with a high s", () => {
    const raw1559 = signed1559();
    const rawLegacy = signedLegacy();
    expect(compare(raw1559, otherChain).light).toBe(false);
    expect(compare(rawLegacy, otherChain).light).toBe(false);
    const unsigned = createFeeMarket1559Tx({ chainId: CHAIN_ID, to: TO, gasLimit: 21_000n }, { common });
    expect(compare(unsigned.serialize())).toEqual({ light: false, ejs: false });
    const unprotected = createLegacyTx({ to: TO, gasLimit: 21_000n, v: 27n, r: 1n, s: 1n });
    expect(compare(unprotected.serialize())).toEqual({ light: false, ejs: false });
    for (const raw of [raw1559, rawLegacy]) {
      // The same signature with s' = n − s and the other recovery id: valid ECDSA, refused (EIP-2).
      const typed = raw[0] === 2;
      const values = RLP.decode(typed ? raw.subarray(1) : raw) as Uint8Array[];
      const n = values.length;
      const s = BigInt(bytesToHex(values[n - 1]!));
      const v = values[n - 3]!.length ? BigInt(bytesToHex(values[n - 3]!)) : 0n;
      const flipped = [...values];
      flipped[n - 1] = bigIntToUnpaddedBytes(SECP256K1_ORDER - s);
      flipped[n - 3] = bigIntToUnpaddedBytes(v % 2n === 0n ? v + 1n : v - 1n);
      const enc = RLP.encode(flipped);
      expect(compare(typed ? new Uint8Array([2, ...enc]) : enc)).toEqual({ light: false, ejs: false });
    }
  });

  it("refuses every non-canonical or out-of-range encoding of every field that EthereumJS refuses", () => {
    for (const raw of [
      signed1559(),
      signedLegacy(),
      signed1559({ data: new Uint8Array(60).fill(1), gasLimit: 60_000n }),
    ]) {
      const typed = raw[0] === 2;
      const values = RLP.decode(typed ? raw.subarray(1) : raw) as Uint8Array[];
      for (let i = 0; i < values.length; i++) {
        for (const bad of badEncodings(values[i]!)) compare(withField(raw, i, bad));
      }
      // Missing and extra fields.
      compare(
        listOf(
          values.slice(0, -1).map((v) => RLP.encode(v)),
          typed ? 2 : undefined,
        ),
      );
      compare(
        listOf(
          [...values, new Uint8Array(0)].map((v) => RLP.encode(v)),
          typed ? 2 : undefined,
        ),
      );
    }
  });

  it("agrees with EthereumJS on truncated, extended and corrupted bytes", () => {
    let accepted = 0;
    for (const raw of [
      signed1559(),
      signedLegacy(),
      signed1559({ data: new Uint8Array(60).fill(1), gasLimit: 60_000n }),
    ]) {
      for (let len = 1; len < raw.length; len++) expect(compare(raw.subarray(0, len)).light).toBe(false);
      expect(compare(new Uint8Array([...raw, 0])).light).toBe(false);
      for (let i = 0; i < raw.length; i++) {
        for (const b of [0x00, 0x01, 0x7f, 0x80, 0x81, 0xb7, 0xb8, 0xc0, 0xf7, 0xf8, 0xff, raw[i]! ^ 1]) {
          const m = raw.slice();
          m[i] = b;
          if (compare(m).light) accepted++;
        }
      }
    }
    // Some corruptions only change a field's value: those stay valid transactions.
    expect(accepted).toBeGreaterThan(0);
  });

  it("gives prepareTx an EthereumJS transaction with the same hash and sender on demand", () => {
    for (const [name, raw] of VALID.slice(0, 3).concat(VALID.slice(-3))) {
      const p = prepareTx(raw, common);
      const fresh = createTxFromRLP(raw, { common });
      expect(bytesToHex(p.tx.hash()), name).toBe(bytesToHex(fresh.hash()));
      expect(p.sender.toString(), name).toBe(fresh.getSenderAddress().toString());
      expect(p.sender.toString(), name).toBe(account!.address.toLowerCase());
    }
  });
});
