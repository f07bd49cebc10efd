// The node's entry points into the protocol state: the executor's endBlock hook (emission and
// epochs, inside the block's checkpoint) and read-only stores for RPC and consensus queries.
import type { StateManagerInterface } from "@ethereumjs/common";
import type { ProtocolParams } from "../params.js";
import { runBlockEnd, type BlockEndResult } from "./block-end.js";
import { applyConsensusFaults, recordConsensusSetAtEpoch } from "./faults.js";
import { readOnlyPort, stateManagerPort } from "./port.js";
import { ProtocolStore, type ProtocolEvent } from "./store.js";

export interface ProtocolEndBlockOptions {
  /**
   * Chain id of the network: with it, each block's consensus header (extraData: parent
   * certificate and double-sign evidence, faults.ts) is accounted before emission and epochs —
   * evidence slashed, downtime tracked and punished — and the consensus set is recorded at
   * root-tempo epochs. Without it (unit tests of the protocol alone) that step is skipped.
   */
  chainId?: bigint;
  /** Receives each block's result and protocol events (EpochCompleted ...) for logs/metrics. */
  onBlockEnd?(block: bigint, result: BlockEndResult, events: readonly ProtocolEvent[]): void;
}

/**
 * The executor's block-end step: runs the protocol's block-end work on the block's state and
 * returns the events it emitted (EpochCompleted, slashing ...), which the caller records as the
 * block's block-end logs.
 */
export function createProtocolEndBlock(
  params: ProtocolParams,
  opts: ProtocolEndBlockOptions = {},
): (ctx: {
  state: StateManagerInterface;
  env: { number: bigint; timestamp: bigint; extraData: Uint8Array };
}) => Promise<readonly ProtocolEvent[]> {
  return async ({ state, env }) => {
    const store = new ProtocolStore(stateManagerPort(state), params, Number(env.number), env.timestamp);
    if (opts.chainId !== undefined) await applyConsensusFaults(store, env, opts.chainId);
    const result = await runBlockEnd(store);
    if (opts.chainId !== undefined) await recordConsensusSetAtEpoch(store);
    opts.onBlockEnd?.(env.number, result, store.events);
    return store.events;
  };
}

/** A read-only store over `state` as of block `number` (RPC methods, consensus-set queries). */
export function readOnlyProtocolStore(
  state: StateManagerInterface,
  params: ProtocolParams,
  number: bigint,
  timestamp: bigint,
): ProtocolStore {
  return new ProtocolStore(readOnlyPort(stateManagerPort(state)), params, Number(number), timestamp);
}
