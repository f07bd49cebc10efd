// JSON-RPC error classes raised by the server itself, and the single mapping from any thrown
// value to a JSON-RPC error object. Backend errors (chain/src/rpc/backend.ts) carry their own
// code; everything else becomes -32603 so that a bug never leaks a stack trace to a client.

import { InvalidParamsError, LimitExceededError, RpcBackendError } from "./backend.js";

export { InvalidParamsError, LimitExceededError, RpcBackendError };

/** Codes used by the server (EIP-1474 and geth's choices). */
export const RpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  Internal: -32603,
  /** geth's generic server error; viem maps it to InvalidInputRpcError (filters re-install on it). */
  Server: -32000,
  ResourceNotFound: -32001,
  LimitExceeded: -32005,
  /** geth's code for reverted calls; `data` carries the revert bytes. */
  ExecutionReverted: 3,
} as const;

export class ParseError extends RpcBackendError {
  constructor(detail?: string) {
    super(RpcErrorCode.ParseError, detail ? `parse error: ${detail}` : "parse error");
  }
}

export class InvalidRequestError extends RpcBackendError {
  constructor(message: string) {
    super(RpcErrorCode.InvalidRequest, message);
  }
}

export class MethodNotFoundError extends RpcBackendError {
  constructor(method: string) {
    super(RpcErrorCode.MethodNotFound, `the method ${method} does not exist/is not available`);
  }
}

/** A subscription method called over a transport without server push (plain HTTP). */
export class NotificationsUnsupportedError extends RpcBackendError {
  constructor(method: string) {
    super(
      RpcErrorCode.MethodNotFound,
      `notifications not supported: ${method} is only available over a WebSocket connection`,
    );
  }
}

/** geth's exact message: viem and ethers match on it to re-install an expired filter. */
export class FilterNotFoundError extends RpcBackendError {
  constructor() {
    super(RpcErrorCode.Server, "filter not found");
  }
}

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

const MAX_INTERNAL_MESSAGE = 200;

/**
 * Turns anything thrown by a handler into a JSON-RPC error object. Unknown errors are reported
 * via `onInternal` (logging) and answered as -32603 with a short message only.
 */
export function toRpcError(err: unknown, onInternal?: (err: unknown) => void): RpcErrorObject {
  if (err instanceof RpcBackendError) {
    const obj: RpcErrorObject = { code: err.code, message: err.message };
    if (err.data !== undefined) obj.data = err.data;
    return obj;
  }
  onInternal?.(err);
  const detail = err instanceof Error ? err.message : String(err);
  return {
    code: RpcErrorCode.Internal,
    message: `internal error: ${detail.slice(0, MAX_INTERNAL_MESSAGE)}`,
  };
}
