// The protocol's execution hooks for the node: the four precompiles, the per-EVM attachment
// that gives them msg.sender, and the block-end step (emission and epochs). One call wires the
// protocol into the executor and into the RPC backend's call EVMs.
import type { ProtocolParams } from "../../protocol/params.js";
import { createProtocolEndBlock, type ProtocolEndBlockOptions } from "../../protocol/state/hook.js";
import type { ExecutionHooks } from "../executor.js";
import { attachProtocolPrecompiles, createProtocolPrecompiles } from "./protocol-precompiles.js";

export function createProtocolExecutionHooks(
  params: ProtocolParams,
  opts: ProtocolEndBlockOptions = {},
): Required<Pick<ExecutionHooks, "precompiles" | "onEvmCreated" | "endBlock">> {
  return {
    precompiles: createProtocolPrecompiles(params),
    onEvmCreated: attachProtocolPrecompiles,
    endBlock: createProtocolEndBlock(params, opts),
  };
}
