// The EthereumJS chain configuration of a Tensorchain network.
//
// Hardfork: Cancun (Shanghai's PUSH0 + Cancun's transient storage and MCOPY, so contracts
// compiled by current solc for `cancun` run unchanged). Prague is not used: its calldata floor
// (EIP-7623) and set-code transactions (EIP-7702) would need matching support in the transfer
// fast path and the mempool, and no wallet flow depends on them. Blob transactions (EIP-4844)
// are rejected: the chain has no blob data availability.
import { Common, Hardfork, Mainnet, createCustomCommon } from "@ethereumjs/common";
import { paramsTx } from "@ethereumjs/tx";
import { nodeCustomCrypto } from "../crypto/custom-crypto.js";

export const HARDFORK = Hardfork.Cancun;

export function makeCommon(chainId: number | bigint): Common {
  return createCustomCommon({ chainId: Number(chainId), name: "tensorchain" }, Mainnet, {
    hardfork: HARDFORK,
    customCrypto: nodeCustomCrypto,
  });
}

/**
 * A Common for decoding transactions. Every @ethereumjs/tx constructor copies its Common and
 * re-merges the tx parameters (a JSON round trip and a params-cache rebuild, ~100 µs: more
 * than the native signature recovery). Transactions only read their Common, so this one is
 * shared: its parameters are merged once, `copy()` returns itself and `updateParams` is a
 * no-op. Use it only for transactions; the VM gets its own Common from makeCommon.
 */
export function makeTxCommon(chainId: number | bigint): Common {
  const c = makeCommon(chainId);
  c.updateParams(paramsTx);
  c.copy = () => c;
  c.updateParams = () => {};
  return c;
}
