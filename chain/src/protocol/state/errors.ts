// Errors of protocol operations. Each one names a Solidity custom error of
// contracts/interfaces/*.sol and carries its arguments in declaration order, so the precompiles
// can ABI-encode it as revert data (viem's encodeErrorResult) and clients decode it by name.
export class ProtocolError extends Error {
  override name = "ProtocolError";
  constructor(
    /** The Solidity custom error's name, e.g. "WeightsRateLimited". */
    readonly errorName: string,
    /** Its arguments in declaration order (bigint for uint256/uint64, number for uint16). */
    readonly args: readonly unknown[],
    message?: string,
  ) {
    super(message ?? `${errorName}(${args.map(String).join(", ")})`);
  }
}

/** A state the protocol itself can never produce (a bug, or storage written by someone else). */
export class ProtocolStateError extends Error {
  override name = "ProtocolStateError";
}
