// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IProtocolErrors} from "./IProtocolErrors.sol";

/// @title Staking, delegation and the chain's consensus set
/// @notice Protocol precompile at 0x0000000000000000000000000000000000000801.
/// @dev Stake is global per hotkey: it counts on every subnet where the hotkey is registered and
///      is the voting power of a chain validator. The coldkey is always `msg.sender` of the
///      staking calls; validator calls (`registerValidator`, `unjail`) are sent by the hotkey.
///      Amounts are wei of the native token; takes are u16 fractions over 65535 (18% = 11796).
interface IStaking is IProtocolErrors {
    /// @notice One (hotkey, amount) stake position of a coldkey.
    struct StakePosition {
        address hotkey;
        uint256 amount;
    }

    /// @notice Stake removed but not yet claimable; still slashable until `releaseBlock`.
    struct UnbondingEntry {
        address hotkey;
        uint256 amount;
        uint64 releaseBlock;
    }

    /// @notice A hotkey that registered a consensus key.
    struct ValidatorInfo {
        address hotkey;
        address coldkey;
        /// @dev The public key the node signs consensus votes with (33-byte compressed secp256k1).
        bytes consensusKey;
        /// @dev Total bonded stake of the hotkey (own + delegated), wei.
        uint256 votingPower;
        /// @dev Stake of the owning coldkey on its own hotkey, wei.
        uint256 selfStake;
        /// @dev Unix time (seconds) until which the validator is jailed; 0 when never jailed.
        uint64 jailedUntil;
        bool tombstoned;
        /// @dev Whether the validator is in the consensus set of the current root epoch.
        bool active;
    }

    /// @notice Why the protocol slashed a validator.
    enum SlashReason {
        DoubleSign,
        Downtime
    }

    /// @notice A hotkey was bound to the coldkey that first staked to or registered it.
    event HotkeyBound(address indexed hotkey, address indexed coldkey);
    /// @notice `coldkey` added `amount` to its stake on `hotkey`; `newStake` is its position after.
    event StakeAdded(address indexed coldkey, address indexed hotkey, uint256 amount, uint256 newStake);
    /// @notice `amount` left the (coldkey, hotkey) position and unbonds until `releaseBlock`.
    event StakeRemoved(address indexed coldkey, address indexed hotkey, uint256 amount, uint64 releaseBlock);
    /// @notice Matured unbonding entries were paid out to the coldkey.
    event UnbondedClaimed(address indexed coldkey, uint256 amount);
    /// @notice The hotkey's delegate take changed.
    event TakeSet(address indexed hotkey, uint16 take);
    /// @notice The hotkey registered a consensus key and may join the consensus set.
    event ValidatorRegistered(address indexed hotkey, address indexed coldkey, bytes consensusKey);
    /// @notice The protocol slashed the hotkey's bonded and unbonding stake (emitted by the protocol, not a call).
    event ValidatorSlashed(address indexed hotkey, SlashReason reason, uint256 amount);
    /// @notice The validator was jailed for downtime until `until` (unix seconds) (emitted by the protocol).
    event ValidatorJailedUntil(address indexed hotkey, uint64 until);
    /// @notice The validator double-signed and is jailed forever (emitted by the protocol).
    event ValidatorTombstoned(address indexed hotkey);
    /// @notice The validator left jail.
    event ValidatorUnjailed(address indexed hotkey);

    /// @notice The requested take exceeds the protocol maximum.
    error TakeTooHigh(uint16 max);
    /// @notice Raising the take is rate-limited; it may be raised again at `nextBlock`.
    error TakeRateLimited(uint64 nextBlock);
    /// @notice Unbonding entries exist but none has matured; the earliest matures at `atBlock`.
    error UnbondingNotFinished(uint64 atBlock);
    /// @notice The coldkey has no unbonding entries.
    error NothingToClaim();
    /// @notice The consensus key is malformed.
    error InvalidConsensusKey();
    /// @notice Another hotkey already registered this consensus key.
    error ConsensusKeyInUse();
    /// @notice The hotkey already registered a consensus key (rotation is not supported).
    error ValidatorAlreadyRegistered();
    /// @notice The hotkey never registered a consensus key.
    error NotValidator(address hotkey);
    /// @notice The validator is jailed until `until` (unix seconds).
    error ValidatorJailed(uint64 until);
    /// @notice The validator is not jailed.
    error ValidatorNotJailed();
    /// @notice The validator double-signed and can never be unjailed.
    error Tombstoned();

    /// @notice Stake `msg.value` from `msg.sender` (the coldkey) on `hotkey`.
    /// @dev An unbound hotkey becomes bound to the sender (its owner); staking on a hotkey bound to
    ///      another coldkey is delegation. The resulting (coldkey, hotkey) position must be at
    ///      least the minimum stake (0.002 TEN by default).
    ///      Reverts: InvalidHotkey, BelowMinStake. Emits HotkeyBound (first time) and StakeAdded.
    function addStake(address hotkey) external payable;

    /// @notice Move `amount` of the sender's stake on `hotkey` into unbonding.
    /// @dev The amount leaves voting power and emission at once, stays slashable, and can be
    ///      claimed with `claimUnbonded` after the unbonding period. The remaining position must
    ///      be zero or at least the minimum stake.
    ///      Reverts: InsufficientStake(have, need), BelowMinStake. Emits StakeRemoved.
    /// @return releaseBlock The first block at which the amount can be claimed.
    function removeStake(address hotkey, uint256 amount) external returns (uint64 releaseBlock);

    /// @notice Pay every matured unbonding entry of the sender to the sender.
    /// @dev Reverts: NothingToClaim, UnbondingNotFinished(atBlock). Emits UnbondedClaimed.
    /// @return amount The wei paid out.
    function claimUnbonded() external returns (uint256 amount);

    /// @notice Set the delegate take of `hotkey`; sent by the hotkey's owning coldkey.
    /// @dev Lowering applies at once; raising is rate-limited. `take` is a u16 fraction.
    ///      Reverts: HotkeyNotBound, NotHotkeyOwner, TakeTooHigh(max), TakeRateLimited(nextBlock).
    ///      Emits TakeSet.
    function setTake(address hotkey, uint16 take) external;

    /// @notice Register the sender (a hotkey) as a chain validator with `consensusKey`.
    /// @dev The hotkey needs a bound coldkey whose self-stake meets the validator minimum; it
    ///      joins the consensus set at the next root epoch if it is among the top-K by stake.
    ///      Reverts: HotkeyNotBound, InsufficientStake(selfStake, min), InvalidConsensusKey,
    ///      ConsensusKeyInUse, ValidatorAlreadyRegistered, Tombstoned. Emits ValidatorRegistered.
    function registerValidator(bytes calldata consensusKey) external;

    /// @notice Leave jail after the jail time; sent by the validator's hotkey.
    /// @dev Reverts: NotValidator, ValidatorNotJailed, ValidatorJailed(until), Tombstoned.
    ///      Emits ValidatorUnjailed.
    function unjail() external;

    /// @notice Stake of `coldkey` on `hotkey`, wei.
    function getStake(address hotkey, address coldkey) external view returns (uint256);

    /// @notice Total stake on `hotkey` from all coldkeys, wei.
    function getTotalStake(address hotkey) external view returns (uint256);

    /// @notice Every non-zero stake position of `coldkey`.
    function getColdkeyStakes(address coldkey) external view returns (StakePosition[] memory);

    /// @notice The coldkey `hotkey` is bound to; the zero address when unbound.
    function getHotkeyOwner(address hotkey) external view returns (address);

    /// @notice Unbonding entries of `coldkey`, matured or not, oldest first.
    function getUnbonding(address coldkey) external view returns (UnbondingEntry[] memory);

    /// @notice Delegate take of `hotkey` (u16 fraction; the default take when never set).
    function getTake(address hotkey) external view returns (uint16);

    /// @notice Validator record of `hotkey`. Reverts NotValidator when it has none.
    function getValidator(address hotkey) external view returns (ValidatorInfo memory);

    /// @notice The current consensus set, highest voting power first.
    function getValidators() external view returns (ValidatorInfo[] memory);
}
