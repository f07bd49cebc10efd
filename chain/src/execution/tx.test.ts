import { describe, expect, it } from "vitest";
import { createAccessList2930Tx, createFeeMarket1559Tx } from "@ethereumjs/tx";
import { bytesToHex, hexToBytes } from "@ethereumjs/util";
import { deriveAccounts } from "../crypto/dev-accounts.js";
import { makeTxCommon } from "./common.js";
import { prepareTx } from "./tx.js";

const common = makeTxCommon(42n);
const [account] = deriveAccounts(1);
const key = hexToBytes(account!.privateKey);

// The signing hash is taken from the received bytes (not re-encoded): check it against every
// RLP length form a field list can have (short list, long list with 1- and 2-byte lengths).
describe("prepareTx on typed transactions", () => {
  for (const dataLen of [0, 20, 200, 70_000]) {
    it(`recovers the sender and keeps the hash with ${dataLen} bytes of data`, () => {
      const data = new Uint8Array(dataLen).fill(0xab);
      const txs = [
        createFeeMarket1559Tx(
          {
            chainId: 42n,
            nonce: 3n,
            to: new Uint8Array(20).fill(7),
            value: 10n ** 18n,
            gasLimit: 2_000_000n,
            maxFeePerGas: 2_000_000_000n,
            maxPriorityFeePerGas: 1n,
            data,
            accessList: [
              {
                address: bytesToHex(new Uint8Array(20).fill(9)),
                storageKeys: [bytesToHex(new Uint8Array(32))],
              },
            ],
          },
          { common },
        ),
        createAccessList2930Tx(
          {
            chainId: 42n,
            nonce: 0n,
            to: new Uint8Array(20).fill(8),
            gasLimit: 2_000_000n,
            gasPrice: 5n,
            data,
          },
          { common },
        ),
      ];
      for (const unsigned of txs) {
        const raw = unsigned.sign(key).serialize();
        const p = prepareTx(raw, common);
        expect(p.sender.toString()).toBe(account!.address.toLowerCase());
        expect(bytesToHex(p.hash)).toBe(bytesToHex(p.tx.hash()));
      }
    });
  }
});
