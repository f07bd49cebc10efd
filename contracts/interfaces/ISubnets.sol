// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IProtocolErrors} from "./IProtocolErrors.sol";

/// @title Subnets: registration, task specs and hyperparameters
/// @notice Protocol precompile at 0x0000000000000000000000000000000000000803.
/// @dev Netuid 0 is the root subnet: it has no owner, so its settings cannot be changed by a call.
///      Block counts are in blocks; fractions are u16 values over 65535; amounts are wei.
interface ISubnets is IProtocolErrors {
    /// @notice What a subnet's models do; decides how validators score them.
    enum TaskType {
        Classification,
        Regression,
        Embedding,
        TextAnswer
    }

    /// @notice The task of a subnet: what models take and return, how they are scored, on what data.
    struct TaskSpec {
        TaskType taskType;
        /// @dev Evaluation metric name, e.g. "accuracy", "f1", "rmse", "cosine", "exactMatch".
        string metric;
        /// @dev Model input signature, e.g. "float32[1,784]".
        string inputSignature;
        /// @dev Model output signature, e.g. "float32[1,10]".
        string outputSignature;
        /// @dev sha256 of the held-out evaluation data set.
        bytes32 datasetHash;
        string datasetURI;
    }

    /// @notice Hyperparameters a subnet owner may change within bounds. Field names and order
    ///         match `SubnetHyperparams` in chain/src/protocol/params.ts.
    struct Hyperparameters {
        /// @dev Blocks between two epochs.
        uint32 tempo;
        uint16 maxUids;
        /// @dev Validator permits handed out per epoch (top by stake).
        uint16 maxValidators;
        /// @dev Blocks after registration during which a UID cannot be replaced.
        uint32 immunityPeriod;
        /// @dev Blocks without weights after which a validator counts as inactive.
        uint32 activityCutoff;
        /// @dev Minimum blocks between two weight settings (or commits) of one hotkey.
        uint32 weightsRateLimit;
        uint16 minAllowedWeights;
        /// @dev u16 fraction of active stake that defines consensus (default 32767 = 0.5).
        uint16 kappa;
        /// @dev u16 fraction of previous bonds kept each epoch (default 58982 = 0.9).
        uint16 bondsMovingAverage;
        bool commitRevealEnabled;
        /// @dev Tempos between a commit and its reveal.
        uint32 commitRevealPeriod;
        /// @dev Registration burn: starting cost, ×(permille/1000) per registration, decay half-life.
        uint256 burnStart;
        uint16 burnIncreasePermille;
        uint32 burnHalfLife;
        uint256 minBurn;
        uint256 maxBurn;
        /// @dev Weights must carry this version key; 0 accepts any.
        uint64 weightsVersionKey;
    }

    /// @notice Everything about one subnet in one struct.
    struct SubnetInfo {
        uint16 netuid;
        /// @dev The coldkey that registered it; the zero address for the root subnet.
        address owner;
        string name;
        uint64 registeredAt;
        /// @dev Registration cost locked with the subnet, wei.
        uint256 lockedAmount;
        /// @dev UIDs in use.
        uint16 neuronCount;
        uint64 lastEpochBlock;
        /// @dev Share of the per-block emission this subnet currently receives, wei per block.
        uint256 emissionPerBlock;
        string taskSpecURI;
        TaskSpec taskSpec;
        Hyperparameters hyperparameters;
    }

    /// @notice A subnet was registered by `owner`, who locked `lockedAmount`.
    event NetworkRegistered(uint16 indexed netuid, address indexed owner, string name, uint256 lockedAmount);
    /// @notice The subnet's task spec changed (also emitted at registration).
    event TaskSpecSet(uint16 indexed netuid, string taskSpecURI, TaskSpec spec);
    /// @notice The subnet owner changed hyperparameters; the full new set.
    event HyperparametersSet(uint16 indexed netuid, Hyperparameters hyperparameters);

    /// @notice The sender is not the subnet's owner.
    error NotSubnetOwner();
    /// @notice `msg.value` is below the current lock cost `cost`.
    error LockCostTooLow(uint256 cost);
    /// @notice The subnet name is empty or not printable.
    error InvalidSubnetName();
    /// @notice The task spec is malformed (`reason` says which field).
    error InvalidTaskSpec(string reason);
    /// @notice No more subnets can be registered.
    error SubnetLimitReached(uint16 max);
    /// @notice A hyperparameter is outside the inclusive range [min, max].
    error HyperparameterOutOfBounds(string name, uint256 min, uint256 max);

    /// @notice Register a subnet owned by the sender.
    /// @dev Locks the current `getLockCost()` (it doubles per registration and decays over time);
    ///      `msg.value` must be at least that and the excess is returned to the sender in the same
    ///      call. The subnet starts with the genesis default hyperparameters.
    ///      Reverts: LockCostTooLow(cost), InvalidSubnetName, InvalidTaskSpec, StringTooLong,
    ///      SubnetLimitReached. Emits NetworkRegistered, TaskSpecSet.
    /// @return netuid The new subnet's id (never 0).
    function registerNetwork(string calldata name, string calldata taskSpecURI, TaskSpec calldata spec)
        external
        payable
        returns (uint16 netuid);

    /// @notice Replace every hyperparameter of `netuid` at once; sent by the subnet owner.
    /// @dev Read `getHyperparameters`, change fields, send the struct back. All-or-nothing: the
    ///      first field outside its bounds reverts the whole call. Burn fields must satisfy
    ///      minBurn ≤ burnStart ≤ maxBurn.
    ///      Reverts: SubnetNotFound, NotSubnetOwner, HyperparameterOutOfBounds(name, min, max).
    ///      Emits HyperparametersSet.
    function setHyperparameters(uint16 netuid, Hyperparameters calldata hyperparameters) external;

    /// @notice Replace the task spec of `netuid`; sent by the subnet owner.
    /// @dev Reverts: SubnetNotFound, NotSubnetOwner, InvalidTaskSpec, StringTooLong. Emits TaskSpecSet.
    function setTaskSpec(uint16 netuid, string calldata taskSpecURI, TaskSpec calldata spec) external;

    /// @notice The wei `registerNetwork` locks if sent in the current block.
    function getLockCost() external view returns (uint256);

    /// @notice Whether a subnet with this netuid exists.
    function subnetExists(uint16 netuid) external view returns (bool);

    /// @notice Reverts SubnetNotFound when it does not exist.
    function getHyperparameters(uint16 netuid) external view returns (Hyperparameters memory);

    /// @notice Reverts SubnetNotFound when it does not exist.
    function getTaskSpec(uint16 netuid) external view returns (string memory taskSpecURI, TaskSpec memory spec);

    /// @notice Reverts SubnetNotFound when it does not exist.
    function getSubnet(uint16 netuid) external view returns (SubnetInfo memory);

    /// @notice Netuids of every subnet, root included, ascending.
    function getNetuids() external view returns (uint16[] memory);

    /// @notice Every subnet, root included, by ascending netuid.
    function getSubnets() external view returns (SubnetInfo[] memory);
}
