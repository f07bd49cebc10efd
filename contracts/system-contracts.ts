// Contracts at fixed addresses on every Tensorchain network, each as `{ address, abi }` ready for
// viem's getContract / readContract / writeContract: the four protocol precompiles
// (PROTOCOL.md, "Precompiles") and the Multicall3 predeploy viem's `multicall` uses.
import { PRECOMPILES } from "../chain/src/protocol/params";
import { iMetagraphAbi } from "./abi/IMetagraph";
import { iNeuronsAbi } from "./abi/INeurons";
import { iStakingAbi } from "./abi/IStaking";
import { iSubnetsAbi } from "./abi/ISubnets";
import { multicall3Abi, multicall3DeployedBytecode } from "./abi/Multicall3";

export const stakingPrecompile = { address: PRECOMPILES.staking, abi: iStakingAbi } as const;
export const metagraphPrecompile = { address: PRECOMPILES.metagraph, abi: iMetagraphAbi } as const;
export const subnetsPrecompile = { address: PRECOMPILES.subnets, abi: iSubnetsAbi } as const;
export const neuronsPrecompile = { address: PRECOMPILES.neurons, abi: iNeuronsAbi } as const;

/** The address Multicall3 has on public chains; viem looks for it there (chain.contracts.multicall3). */
export const MULTICALL3_ADDRESS = "0xcA11bde05977b3631167028862bE2a173976CA11" as const;

/** Genesis places `deployedBytecode` at `address` (no constructor, no storage). */
export const multicall3Predeploy = {
  address: MULTICALL3_ADDRESS,
  abi: multicall3Abi,
  deployedBytecode: multicall3DeployedBytecode,
} as const;
