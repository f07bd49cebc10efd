// The node's entry points into the protocol state: the executor's endBlock hook (emission and
// epochs, inside the block's checkpoint) and read-only stores for RPC and consensus queries.
import type { StateManagerInterface } from "@ethereumjs/common";
import type { ProtocolParams } from "../params.js";
import { applyPunishment, runBlockEnd, type BlockEndResult, type Punishment } from "./block-end.js";
import { readOnlyPort, stateManagerPort } from "./port.js";
import { ProtocolStore, type ProtocolEvent } from "./store.js";

export interface ProtocolEndBlockOptions {
  /**
   * Consensus faults to apply in this block (before emission and epochs), derived
   * deterministically from the block (its evidence / last commit) by the consensus engine.
   */
  punishments?(block: bigint): Promise<readonly Punishment[]> | readonly Punishment[];
  /** Receives each block's result and protocol events (EpochCompleted ...) for logs/metrics. */
  onBlockEnd?(block: bigint, result: BlockEndResult, events: readonly ProtocolEvent[]): void;
}

/** ExecutionHooks.endBlock for the executor: runs the protocol's block-end step on the block's state. */
export function createProtocolEndBlock(
  params: ProtocolParams,
  opts: ProtocolEndBlockOptions = {},
): (ctx: { state: StateManagerInterface; env: { number: bigint; timestamp: bigint } }) => Promise<void> {
  return async ({ state, env }) => {
    const store = new ProtocolStore(stateManagerPort(state), params, Number(env.number), env.timestamp);
    for (const p of (await opts.punishments?.(env.number)) ?? []) await applyPunishment(store, p);
    const result = await runBlockEnd(store);
    opts.onBlockEnd?.(env.number, result, store.events);
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
