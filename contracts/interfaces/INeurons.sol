// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IProtocolErrors} from "./IProtocolErrors.sol";

/// @title Neurons: registration, axons, models and weights
/// @notice Protocol precompile at 0x0000000000000000000000000000000000000804.
/// @dev `burnedRegister` is sent by the paying coldkey; every other call is sent by the hotkey.
///      Weight values are u16 and normalized by the chain. With commit-reveal on, the commit hash
///      is keccak256(abi.encode(hotkey, netuid, uids, values, salt, versionKey)) with types
///      (address, uint16, uint16[], uint16[], bytes32, uint64) — see contracts/commit-hash.ts.
interface INeurons is IProtocolErrors {
    /// @notice The pending weights commit of one hotkey on one subnet.
    struct WeightsCommit {
        bytes32 commitHash;
        /// @dev Merkle root of the evaluation receipts behind the committed weights.
        bytes32 receiptsRoot;
        uint64 commitBlock;
        /// @dev First block at which `revealWeights` accepts it.
        uint64 revealFromBlock;
        /// @dev Last block at which `revealWeights` accepts it.
        uint64 revealUntilBlock;
    }

    /// @notice `hotkey` got `uid` on `netuid` by burning `burned`; `replacedHotkey` is the
    ///         hotkey it replaced (the zero address when the UID was free).
    event NeuronRegistered(
        uint16 indexed netuid,
        uint16 uid,
        address indexed hotkey,
        address indexed coldkey,
        uint256 burned,
        address replacedHotkey
    );
    event AxonServed(uint16 indexed netuid, uint16 uid, address indexed hotkey, string endpoint);
    event ModelPublished(
        uint16 indexed netuid,
        address indexed hotkey,
        bytes32 indexed modelHash,
        uint16 uid,
        string uri,
        bytes32 parentModelHash
    );
    event WeightsSet(
        uint16 indexed netuid, uint16 uid, address indexed hotkey, uint16[] uids, uint16[] values, uint64 versionKey
    );
    event WeightsCommitted(
        uint16 indexed netuid,
        uint16 uid,
        address indexed hotkey,
        bytes32 commitHash,
        bytes32 receiptsRoot,
        uint64 revealFromBlock,
        uint64 revealUntilBlock
    );
    event WeightsRevealed(
        uint16 indexed netuid,
        uint16 uid,
        address indexed hotkey,
        bytes32 commitHash,
        bytes32 receiptsRoot,
        uint16[] uids,
        uint16[] values,
        uint64 versionKey
    );

    /// @notice `msg.value` is below the current registration burn `cost`.
    error BurnTooLow(uint256 cost);
    /// @notice The hotkey already has a UID on this subnet.
    error AlreadyRegistered(uint16 netuid, address hotkey);
    /// @notice The subnet is full and every UID is still immune.
    error SubnetFull();
    /// @notice Registration on this subnet is not open to calls (the root subnet).
    error RegistrationNotAllowed(uint16 netuid);
    /// @notice The endpoint is empty or not a valid URL.
    error InvalidEndpoint();
    /// @notice The model hash is zero.
    error InvalidModelHash();
    /// @notice The hotkey set weights (or committed) too recently; next allowed at `nextBlock`.
    error WeightsRateLimited(uint64 nextBlock);
    /// @notice The subnet has commit-reveal on: use commitWeights/revealWeights.
    error CommitRevealRequired();
    /// @notice The subnet has commit-reveal off: use setWeights.
    error CommitRevealDisabled();
    /// @notice `uids` and `values` differ in length.
    error WeightsLengthMismatch(uint256 uids, uint256 values);
    /// @notice A weight targets a UID that does not exist on the subnet.
    error InvalidUid(uint16 uid);
    /// @notice A UID appears twice in one weight vector.
    error DuplicateUid(uint16 uid);
    /// @notice Fewer non-zero weights than the subnet's minAllowedWeights.
    error TooFewWeights(uint256 count, uint256 min);
    /// @notice The version key differs from the subnet's weightsVersionKey.
    error IncorrectVersionKey(uint64 expected);
    /// @notice Only UIDs holding a validator permit may set weights.
    error NoValidatorPermit();
    /// @notice The commit hash is zero.
    error InvalidCommitHash();
    /// @notice No pending commit for this hotkey on this subnet.
    error CommitNotFound();
    /// @notice The reveal window opens at `fromBlock`.
    error RevealTooEarly(uint64 fromBlock);
    /// @notice The reveal window has closed; the commit expired.
    error RevealTooLate();
    /// @notice The revealed weights do not hash to the committed hash.
    error RevealHashMismatch(bytes32 committed, bytes32 revealed);

    /// @notice Burn the registration cost and give `hotkey` a UID on `netuid`.
    /// @dev `msg.value` must be at least `getBurn(netuid)`; exactly the burn is destroyed and the
    ///      excess returned to the sender. An unbound hotkey becomes bound to the sender. When
    ///      the subnet is full, the non-immune UID with the lowest emission is replaced (ties:
    ///      earliest registered, then lowest UID).
    ///      Reverts: SubnetNotFound, RegistrationNotAllowed, InvalidHotkey, NotHotkeyOwner,
    ///      AlreadyRegistered, BurnTooLow(cost), SubnetFull. Emits NeuronRegistered.
    /// @return uid The UID assigned.
    function burnedRegister(uint16 netuid, address hotkey) external payable returns (uint16 uid);

    /// @notice Publish the sender's endpoint (axon URL) on `netuid`.
    /// @dev Reverts: NotRegistered, InvalidEndpoint, StringTooLong. Emits AxonServed.
    function serveAxon(uint16 netuid, string calldata endpoint) external;

    /// @notice Publish the sender's model on `netuid`: sha256 of the ONNX blob, where to fetch it,
    ///         and the model it was derived from (zero when none).
    /// @dev Reverts: NotRegistered, InvalidModelHash, StringTooLong. Emits ModelPublished.
    function publishModel(uint16 netuid, bytes32 modelHash, string calldata uri, bytes32 parentModelHash)
        external;

    /// @notice Set the sender's weights on `netuid` directly (subnets with commit-reveal off).
    /// @dev Reverts: NotRegistered, CommitRevealRequired, WeightsRateLimited(nextBlock),
    ///      WeightsLengthMismatch, InvalidUid, DuplicateUid, TooFewWeights, IncorrectVersionKey,
    ///      NoValidatorPermit. Emits WeightsSet.
    function setWeights(uint16 netuid, uint16[] calldata uids, uint16[] calldata values, uint64 versionKey)
        external;

    /// @notice Commit to weights to reveal later, with the root of the receipts behind them.
    /// @dev A new commit replaces a pending one. Rate-limited like setWeights.
    ///      Reverts: NotRegistered, CommitRevealDisabled, WeightsRateLimited(nextBlock),
    ///      InvalidCommitHash, NoValidatorPermit. Emits WeightsCommitted.
    function commitWeights(uint16 netuid, bytes32 commitHash, bytes32 receiptsRoot) external;

    /// @notice Reveal the weights of the sender's pending commit; they take effect as setWeights.
    /// @dev Reverts: NotRegistered, CommitNotFound, RevealTooEarly(fromBlock), RevealTooLate,
    ///      RevealHashMismatch, and the weight checks of setWeights. Emits WeightsRevealed.
    function revealWeights(
        uint16 netuid,
        uint16[] calldata uids,
        uint16[] calldata values,
        bytes32 salt,
        uint64 versionKey
    ) external;

    /// @notice The registration burn `burnedRegister` takes on `netuid` in the current block, wei.
    function getBurn(uint16 netuid) external view returns (uint256);

    /// @notice The pending commit of `hotkey` on `netuid`. Reverts CommitNotFound when none.
    function getCommit(uint16 netuid, address hotkey) external view returns (WeightsCommit memory);
}
