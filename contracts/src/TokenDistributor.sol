// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "../interfaces/IERC20.sol";

/// @title Owner-only batch payouts of the native token and of ERC-20 tokens
/// @notice Semantics, chosen so a caller never has to reconcile a half-paid batch:
///         - Every batch is all-or-nothing: if any single transfer fails, the whole call reverts
///           and nobody is paid.
///         - Native batches: `msg.value` must equal the sum of the amounts exactly
///           (ValueMismatch otherwise), so nothing is ever left in or refunded by the contract.
///           Recipients receive the amount with all remaining gas; a recipient that reverts
///           fails the batch (NativeTransferFailed).
///         - ERC-20 batches pull from the owner with `transferFrom`: the owner approves this
///           contract once and keeps the tokens until the payout, so the contract never holds a
///           token balance. Tokens that return no value (USDT-style) are accepted.
///         - The contract has no receive/fallback: it accepts native tokens only through
///           `distributeNative`.
///         Ownership moves in two steps (transferOwnership, then acceptOwnership by the new
///         owner), so a typo cannot hand the contract to an address nobody controls.
contract TokenDistributor {
    /// @notice Every recipient paid, in order. `token` is the zero address for the native token.
    event Paid(address indexed token, address indexed recipient, uint256 amount);
    /// @notice One batch finished: `recipients` transfers totalling `total`.
    event BatchDistributed(address indexed token, uint256 recipients, uint256 total);
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    error NotOwner(address caller);
    error NotPendingOwner(address caller);
    error ZeroAddress();
    error EmptyBatch();
    error LengthMismatch(uint256 recipients, uint256 amounts);
    error InvalidRecipient(uint256 index);
    error ValueMismatch(uint256 sent, uint256 required);
    error NativeTransferFailed(address recipient, uint256 amount);
    error TokenTransferFailed(address token, address recipient, uint256 amount);
    error NotAContract(address token);
    error Reentrancy();

    address public owner;
    address public pendingOwner;
    bool private transient locked;

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    /// @dev Recipient contracts get all remaining gas, so they could call back in; every
    ///      state-changing entry point is guarded (transient storage: no refund games, no cost
    ///      after the transaction).
    modifier nonReentrant() {
        if (locked) revert Reentrancy();
        locked = true;
        _;
        locked = false;
    }

    constructor(address initialOwner) {
        if (initialOwner == address(0)) revert ZeroAddress();
        owner = initialOwner;
        emit OwnershipTransferred(address(0), initialOwner);
    }

    /// @notice Pay `amounts[i]` wei to `recipients[i]` for every i; `msg.value` must equal the sum.
    function distributeNative(address[] calldata recipients, uint256[] calldata amounts)
        external
        payable
        onlyOwner
        nonReentrant
    {
        uint256 total = _checkBatch(recipients, amounts);
        if (msg.value != total) revert ValueMismatch(msg.value, total);
        for (uint256 i = 0; i < recipients.length; ++i) {
            (bool ok,) = recipients[i].call{value: amounts[i]}("");
            if (!ok) revert NativeTransferFailed(recipients[i], amounts[i]);
            emit Paid(address(0), recipients[i], amounts[i]);
        }
        emit BatchDistributed(address(0), recipients.length, total);
    }

    /// @notice Pay `amounts[i]` of `token` from the owner's balance to `recipients[i]` for every i.
    /// @dev The owner must have approved this contract for at least the sum.
    function distributeToken(IERC20 token, address[] calldata recipients, uint256[] calldata amounts)
        external
        onlyOwner
        nonReentrant
    {
        // A call to an address without code "succeeds" with empty return data; refuse it so a
        // wrong token address cannot look like a paid batch.
        if (address(token).code.length == 0) revert NotAContract(address(token));
        uint256 total = _checkBatch(recipients, amounts);
        for (uint256 i = 0; i < recipients.length; ++i) {
            (bool ok, bytes memory ret) =
                address(token).call(abi.encodeCall(IERC20.transferFrom, (msg.sender, recipients[i], amounts[i])));
            if (!ok || (ret.length != 0 && (ret.length != 32 || abi.decode(ret, (uint256)) != 1))) {
                revert TokenTransferFailed(address(token), recipients[i], amounts[i]);
            }
            emit Paid(address(token), recipients[i], amounts[i]);
        }
        emit BatchDistributed(address(token), recipients.length, total);
    }

    /// @notice Start handing the contract to `newOwner`; the zero address cancels a pending transfer.
    function transferOwnership(address newOwner) external onlyOwner {
        pendingOwner = newOwner;
        emit OwnershipTransferStarted(owner, newOwner);
    }

    /// @notice Complete a transfer started by the owner; sent by the pending owner.
    function acceptOwnership() external {
        if (msg.sender != pendingOwner) revert NotPendingOwner(msg.sender);
        address previous = owner;
        owner = msg.sender;
        delete pendingOwner;
        emit OwnershipTransferred(previous, msg.sender);
    }

    /// @dev Validates the batch shape and returns the sum of the amounts (checked arithmetic:
    ///      an overflowing sum reverts with a panic).
    function _checkBatch(address[] calldata recipients, uint256[] calldata amounts)
        private
        pure
        returns (uint256 total)
    {
        if (recipients.length == 0) revert EmptyBatch();
        if (recipients.length != amounts.length) revert LengthMismatch(recipients.length, amounts.length);
        for (uint256 i = 0; i < recipients.length; ++i) {
            if (recipients[i] == address(0)) revert InvalidRecipient(i);
            total += amounts[i];
        }
    }
}
