// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Errors shared by the protocol precompiles
/// @notice Every precompile interface inherits these, so each one's ABI can decode the errors
///         it may raise. Amounts are in wei; fractions are u16 values over 65535.
interface IProtocolErrors {
    /// @notice No subnet with this netuid exists.
    error SubnetNotFound(uint16 netuid);
    /// @notice The hotkey has no UID on this subnet.
    error NotRegistered(uint16 netuid, address hotkey);
    /// @notice The hotkey was never bound to a coldkey (by a stake or a registration).
    error HotkeyNotBound(address hotkey);
    /// @notice The hotkey is bound to another coldkey than the sender.
    error NotHotkeyOwner(address hotkey, address owner);
    /// @notice The zero address cannot be used as a hotkey.
    error InvalidHotkey();
    /// @notice The stake available is below the amount the operation needs.
    error InsufficientStake(uint256 have, uint256 need);
    /// @notice A (coldkey, hotkey) position would end up non-zero but below the minimum stake.
    error BelowMinStake(uint256 min);
    /// @notice A string argument is longer than the protocol stores.
    error StringTooLong(string field, uint256 maxLength);
}
