// A small contract for the RPC integration tests: it emits indexed events, keeps storage, and
// reverts with a custom error or a reason string.

import type { Abi, Hex } from "viem";
import { compileSolidity } from "../helpers/solc.js";

const SOURCE = `
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
contract Emitter {
    event Ping(address indexed from, uint256 indexed n, string note);
    error Nope(uint256 code, address who);
    uint256 public count;
    function ping(uint256 n, string calldata note) external {
        count += 1;
        emit Ping(msg.sender, n, note);
    }
    function failCustom(uint256 code) external view {
        revert Nope(code, msg.sender);
    }
    function failReason() external pure {
        require(false, "plain reason");
    }
}
`;

export function compileEmitter(): { abi: Abi; bytecode: Hex } {
  return compileSolidity(SOURCE, "Emitter");
}
