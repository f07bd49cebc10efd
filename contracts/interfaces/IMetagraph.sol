// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IProtocolErrors} from "./IProtocolErrors.sol";

/// @title Metagraph: the per-UID state of a subnet after its last epoch
/// @notice Protocol precompile at 0x0000000000000000000000000000000000000802. Read-only.
/// @dev Scores (trust, consensus, incentive, dividends) are u16 fractions over 65535 as of the
///      subnet's last epoch; stake is the hotkey's current total stake (wei); emission is what the
///      UID earned in the last epoch (wei).
interface IMetagraph is IProtocolErrors {
    /// @notice One UID of a subnet.
    struct Neuron {
        address hotkey;
        address coldkey;
        uint16 uid;
        uint256 stake;
        /// @dev Position by incentive, 1 = highest (ties: lower UID first).
        uint16 rank;
        /// @dev Validator trust: row sum of the validator's weights clipped to consensus.
        uint16 trust;
        uint16 consensus;
        uint16 incentive;
        uint16 dividends;
        uint256 emission;
        /// @dev Block of the last weights (or of the registration).
        uint64 lastUpdate;
        uint64 registeredAt;
        bool active;
        bool validatorPermit;
        /// @dev Endpoint URL served with serveAxon; empty when none.
        string axon;
        /// @dev sha256 of the published ONNX model; zero when none.
        bytes32 modelHash;
        string modelURI;
        bytes32 parentModelHash;
    }

    /// @notice A whole subnet in one call: element i of every array belongs to UID i.
    struct Metagraph {
        uint16 netuid;
        /// @dev Block the view was read at.
        uint64 blockNumber;
        uint64 lastEpochBlock;
        /// @dev Number of UIDs (length of every array).
        uint16 n;
        address[] hotkeys;
        address[] coldkeys;
        uint256[] stakes;
        uint16[] ranks;
        uint16[] trust;
        uint16[] consensus;
        uint16[] incentive;
        uint16[] dividends;
        uint256[] emission;
        uint64[] lastUpdate;
        uint64[] registeredAt;
        bool[] active;
        bool[] validatorPermit;
        string[] axons;
        bytes32[] modelHashes;
        string[] modelURIs;
        bytes32[] parentModelHashes;
    }

    /// @notice The epoch of `netuid` ran at `blockNumber` and paid out `emission` wei
    ///         (emitted by the protocol at block end, not by a call).
    event EpochCompleted(uint16 indexed netuid, uint64 blockNumber, uint256 emission);

    /// @notice No neuron holds this UID on the subnet.
    error UidNotFound(uint16 netuid, uint16 uid);

    /// @notice One neuron. Reverts: SubnetNotFound, UidNotFound.
    function getNeuron(uint16 netuid, uint16 uid) external view returns (Neuron memory);

    /// @notice The whole subnet as a struct of arrays. Reverts: SubnetNotFound.
    function getMetagraph(uint16 netuid) external view returns (Metagraph memory);

    /// @notice Number of UIDs in use. Reverts: SubnetNotFound.
    function getNeuronCount(uint16 netuid) external view returns (uint16);

    /// @notice The UID of `hotkey`. Reverts: SubnetNotFound, NotRegistered.
    function getUid(uint16 netuid, address hotkey) external view returns (uint16);

    /// @notice Whether `hotkey` holds a UID on `netuid` (false when the subnet does not exist).
    function isRegistered(uint16 netuid, address hotkey) external view returns (bool);

    /// @notice The weights UID `uid` set, as stored (u16, sparse). Reverts: SubnetNotFound, UidNotFound.
    function getWeights(uint16 netuid, uint16 uid) external view returns (uint16[] memory uids, uint16[] memory values);

    /// @notice The bond row of UID `uid` (u16 fractions, sparse). Reverts: SubnetNotFound, UidNotFound.
    function getBonds(uint16 netuid, uint16 uid) external view returns (uint16[] memory uids, uint16[] memory values);
}
