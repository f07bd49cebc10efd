// The protocol's execution hooks for the node: the four precompiles, the per-EVM attachment
// that gives them msg.sender, and the block-end step (emission and epochs, whose events become
// the block's block-end logs). One call wires the protocol into the executor and into the RPC
// backend's call EVMs.
import type { ProtocolParams } from "../../protocol/params.js";
import { createProtocolEndBlock, type ProtocolEndBlockOptions } from "../../protocol/state/hook.js";
import type { ExecutionHooks } from "../executor.js";
import {
  attachProtocolPrecompiles,
  createProtocolPrecompiles,
  encodeProtocolEvent,
} from "./protocol-precompiles.js";

export function createProtocolExecutionHooks(
  params: ProtocolParams,
  opts: ProtocolEndBlockOptions = {},
): Required<Pick<ExecutionHooks, "precompiles" | "onEvmCreated" | "endBlock">> {
  const endBlock = createProtocolEndBlock(params, opts);
  return {
    precompiles: createProtocolPrecompiles(params),
    onEvmCreated: attachProtocolPrecompiles,
    endBlock: async (ctx) =>
      (await endBlock(ctx)).map((e) => {
        const [address, topics, data] = encodeProtocolEvent(e);
        return { address, topics, data };
      }),
  };
}
