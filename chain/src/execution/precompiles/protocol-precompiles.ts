// The four protocol precompiles (0x…0801 staking, 0x…0802 metagraph, 0x…0803 subnets,
// 0x…0804 neurons) as EthereumJS custom precompiles. Calldata is decoded against the Solidity
// interfaces' ABIs; each call runs ProtocolStore operations over the EVM's own state manager,
// inside the message's checkpoint, so a revert of the call or of any outer frame undoes it.
//
// msg.sender: EthereumJS 10 hands a precompile only its calldata and gas. Every message,
// nested ones included, passes through EVM.runCall, which emits `beforeMessage` with the
// Message (caller, to, value, depth, isStatic, delegatecall) right before executing it; no
// other message starts between that event and the precompile's execution. attachProtocolPrecompiles
// subscribes to it and the precompile reads the last message of its EVM, checking that the
// message is addressed to itself (so a stale message can never be used).
//
// Gas (charged after the operation, all-or-nothing like any call):
//   PRECOMPILE_GAS.base                       every call
//   + PRECOMPILE_GAS.read  per storage slot read   (SLOAD, cold: EIP-2929's 2100)
//   + PRECOMPILE_GAS.write per storage slot written (SSTORE to a non-zero slot: 5000)
//   + LOG gas per event (375 + 375 per topic + 8 per data byte, as the LOG opcodes)
// A call whose cost exceeds its gas limit fails out of gas and its changes are undone.
import type { CustomPrecompile, EVMInterface, ExecResult, Log, PrecompileInput } from "@ethereumjs/evm";
import { EVMError } from "@ethereumjs/evm";
import { Address as EthAddress } from "@ethereumjs/util";
import {
  decodeFunctionData,
  encodeAbiParameters,
  encodeErrorResult,
  encodeEventTopics,
  encodeFunctionResult,
  getAddress,
  hexToBytes,
  bytesToHex,
  type Abi,
  type AbiEvent,
  type Address,
  type Hex,
} from "viem";
import { iMetagraphAbi } from "../../../../contracts/abi/IMetagraph.js";
import { iNeuronsAbi } from "../../../../contracts/abi/INeurons.js";
import { iStakingAbi } from "../../../../contracts/abi/IStaking.js";
import { iSubnetsAbi } from "../../../../contracts/abi/ISubnets.js";
import { allErrorsAbi } from "../../../../contracts/abi/errors.js";
import { PRECOMPILES, type ProtocolParams, type SubnetHyperparams } from "../../protocol/params.js";
import { ProtocolError } from "../../protocol/state/errors.js";
import { stateManagerPort } from "../../protocol/state/port.js";
import {
  ProtocolStore,
  type CallContext,
  type ProtocolContract,
  type ProtocolEvent,
  type TaskSpec,
} from "../../protocol/state/store.js";
import {
  hyperparamsView,
  metagraphView,
  neuronView,
  requireSubnetExists,
  subnetInfoView,
  validatorInfoView,
} from "../../protocol/state/views.js";

export const PRECOMPILE_GAS = {
  base: 2_100n,
  read: 2_100n,
  write: 5_000n,
  log: 375n,
  logTopic: 375n,
  logByte: 8n,
} as const;

const ABIS: Record<ProtocolContract, Abi> = {
  staking: iStakingAbi as Abi,
  metagraph: iMetagraphAbi as Abi,
  subnets: iSubnetsAbi as Abi,
  neurons: iNeuronsAbi as Abi,
};

/** Functions that change state (everything else is a view). */
const MUTATING = new Set([
  "addStake",
  "removeStake",
  "claimUnbonded",
  "setTake",
  "registerValidator",
  "unjail",
  "registerNetwork",
  "setHyperparameters",
  "setTaskSpec",
  "burnedRegister",
  "serveAxon",
  "publishModel",
  "setWeights",
  "commitWeights",
  "revealWeights",
]);
const PAYABLE = new Set(["addStake", "registerNetwork", "burnedRegister"]);

interface MessageLike {
  caller: { toString(): string };
  to?: { toString(): string };
  codeAddress?: { toString(): string };
  value: bigint;
  isStatic: boolean;
  delegatecall?: boolean;
}

const lastMessage = new WeakMap<object, MessageLike>();
const attached = new WeakSet<object>();

/**
 * Lets the protocol precompiles of `evm` know each call's msg.sender and msg.value. Must be
 * called once on every EVM created with createProtocolPrecompiles' precompiles (idempotent).
 */
export function attachProtocolPrecompiles(evm: EVMInterface): void {
  if (attached.has(evm)) return;
  const events = evm.events;
  if (!events) throw new Error("attachProtocolPrecompiles: this EVM has no event emitter");
  events.on("beforeMessage", (m: MessageLike) => {
    lastMessage.set(evm, m);
  });
  attached.add(evm);
}

/** The execution context a precompile call runs in, read from the EVM. */
function blockOf(evm: EVMInterface): { number: number; timestamp: bigint } {
  const header = (evm as unknown as { _block?: { header: { number: bigint; timestamp: bigint } } })._block
    ?.header;
  return { number: Number(header?.number ?? 0n), timestamp: header?.timestamp ?? 0n };
}

function revert(data: Hex, gasUsed: bigint): ExecResult {
  return {
    returnValue: hexToBytes(data),
    executionGasUsed: gasUsed,
    exceptionError: new EVMError(EVMError.errorMessages.REVERT),
  };
}

function outOfGas(gasLimit: bigint): ExecResult {
  return {
    returnValue: new Uint8Array(0),
    executionGasUsed: gasLimit,
    exceptionError: new EVMError(EVMError.errorMessages.OUT_OF_GAS),
  };
}

/** ABI-encodes a protocol event as a log of the contract that declares it. */
export function encodeProtocolEvent(e: ProtocolEvent): Log {
  const abi = ABIS[e.contract];
  const item = abi.find((x): x is AbiEvent => x.type === "event" && x.name === e.eventName);
  if (!item) throw new Error(`no event ${e.eventName} in the ${e.contract} ABI`);
  const topics = encodeEventTopics({ abi: [item], eventName: e.eventName, args: e.args } as never) as Hex[];
  const dataInputs = item.inputs.filter((i) => !i.indexed);
  const data = encodeAbiParameters(dataInputs, dataInputs.map((i) => e.args[i.name!]) as never);
  return [hexToBytes(PRECOMPILES[e.contract]), topics.map((t) => hexToBytes(t)), hexToBytes(data)];
}

function logGas(log: Log): bigint {
  return (
    PRECOMPILE_GAS.log +
    PRECOMPILE_GAS.logTopic * BigInt(log[1].length) +
    PRECOMPILE_GAS.logByte * BigInt(log[2].length)
  );
}

type Handler = (store: ProtocolStore, ctx: CallContext, args: readonly unknown[]) => Promise<unknown>;

const toHyperparams = (h: Record<string, unknown>): SubnetHyperparams => ({
  tempo: Number(h.tempo),
  maxUids: Number(h.maxUids),
  maxValidators: Number(h.maxValidators),
  immunityPeriod: Number(h.immunityPeriod),
  activityCutoff: Number(h.activityCutoff),
  weightsRateLimit: Number(h.weightsRateLimit),
  minAllowedWeights: Number(h.minAllowedWeights),
  kappa: Number(h.kappa),
  bondsMovingAverage: Number(h.bondsMovingAverage),
  commitRevealEnabled: Boolean(h.commitRevealEnabled),
  commitRevealPeriod: Number(h.commitRevealPeriod),
  burnStart: h.burnStart as bigint,
  burnIncreasePermille: Number(h.burnIncreasePermille),
  burnHalfLife: Number(h.burnHalfLife),
  minBurn: h.minBurn as bigint,
  maxBurn: h.maxBurn as bigint,
  // Above 2^53 it cannot be a valid key anyway: the bounds check rejects it as unsafe.
  weightsVersionKey: Number(h.weightsVersionKey),
});

const toTaskSpec = (t: Record<string, unknown>): TaskSpec => ({
  taskType: Number(t.taskType),
  metric: String(t.metric),
  inputSignature: String(t.inputSignature),
  outputSignature: String(t.outputSignature),
  datasetHash: t.datasetHash as Hex,
  datasetURI: String(t.datasetURI),
});

const HANDLERS: Record<ProtocolContract, Record<string, Handler>> = {
  staking: {
    addStake: (s, c, [hotkey]) => s.addStake(c, hotkey as Address),
    removeStake: (s, c, [hotkey, amount]) => s.removeStake(c, hotkey as Address, amount as bigint),
    claimUnbonded: (s, c) => s.claimUnbonded(c),
    setTake: (s, c, [hotkey, take]) => s.setTake(c, hotkey as Address, Number(take)),
    registerValidator: (s, c, [key]) => s.registerValidator(c, key as Hex),
    unjail: (s, c) => s.unjail(c),
    getStake: (s, _c, [hotkey, coldkey]) => s.getStake(hotkey as Address, coldkey as Address),
    getTotalStake: (s, _c, [hotkey]) => s.getTotalStake(hotkey as Address),
    getColdkeyStakes: async (s, _c, [coldkey]) => {
      const out = [];
      for (const hotkey of await s.coldkeyHotkeys(coldkey as Address)) {
        const amount = await s.getStake(hotkey, coldkey as Address);
        if (amount > 0n) out.push({ hotkey, amount });
      }
      return out;
    },
    getHotkeyOwner: async (s, _c, [hotkey]) =>
      (await s.hotkeyOwner(hotkey as Address)) ?? "0x0000000000000000000000000000000000000000",
    getUnbonding: async (s, _c, [coldkey]) =>
      (await s.getUnbonding(coldkey as Address)).map((e) => ({
        hotkey: e.hotkey,
        amount: e.amount,
        releaseBlock: BigInt(e.releaseBlock),
      })),
    getTake: (s, _c, [hotkey]) => s.getTake(hotkey as Address),
    getValidator: async (s, _c, [hotkey]) => {
      const v = await s.getValidator(hotkey as Address);
      if (!v) throw new ProtocolError("NotValidator", [hotkey]);
      return validatorInfoView(s, v);
    },
    getValidators: async (s) => (await s.topValidators()).map((v) => ({ ...v, active: true })),
  },
  metagraph: {
    getNeuron: (s, _c, [netuid, uid]) => neuronView(s, Number(netuid), Number(uid)),
    getMetagraph: (s, _c, [netuid]) => metagraphView(s, Number(netuid)),
    getNeuronCount: async (s, _c, [netuid]) => {
      await requireSubnetExists(s, Number(netuid));
      return (await s.getSubnet(Number(netuid)))!.neuronCount;
    },
    getUid: async (s, _c, [netuid, hotkey]) => {
      await requireSubnetExists(s, Number(netuid));
      const uid = await s.getUid(Number(netuid), hotkey as Address);
      if (uid === null) throw new ProtocolError("NotRegistered", [netuid, hotkey]);
      return uid;
    },
    isRegistered: async (s, _c, [netuid, hotkey]) =>
      (await s.subnetExists(Number(netuid))) && (await s.getUid(Number(netuid), hotkey as Address)) !== null,
    getWeights: async (s, _c, [netuid, uid]) => {
      await neuronView(s, Number(netuid), Number(uid));
      const w = await s.getWeights(Number(netuid), Number(uid));
      return [w.uids, w.values];
    },
    getBonds: async (s, _c, [netuid, uid]) => {
      await neuronView(s, Number(netuid), Number(uid));
      const b = await s.getBonds(Number(netuid), Number(uid));
      return [b.uids, b.values];
    },
  },
  subnets: {
    registerNetwork: (s, c, [name, uri, spec]) =>
      s.registerNetwork(c, String(name), String(uri), toTaskSpec(spec as Record<string, unknown>)),
    setHyperparameters: (s, c, [netuid, hp]) =>
      s.setHyperparameters(c, Number(netuid), toHyperparams(hp as Record<string, unknown>)),
    setTaskSpec: (s, c, [netuid, uri, spec]) =>
      s.setTaskSpec(c, Number(netuid), String(uri), toTaskSpec(spec as Record<string, unknown>)),
    getLockCost: (s) => s.lockCost(),
    subnetExists: (s, _c, [netuid]) => s.subnetExists(Number(netuid)),
    getHyperparameters: async (s, _c, [netuid]) => {
      await requireSubnetExists(s, Number(netuid));
      return hyperparamsView(await s.getHyperparams(Number(netuid)));
    },
    getTaskSpec: async (s, _c, [netuid]) => {
      const info = await subnetInfoView(s, Number(netuid));
      return [info.taskSpecURI, info.taskSpec];
    },
    getSubnet: (s, _c, [netuid]) => subnetInfoView(s, Number(netuid)),
    getNetuids: (s) => s.netuids(),
    getSubnets: async (s) => {
      const out = [];
      for (const n of await s.netuids()) out.push(await subnetInfoView(s, n));
      return out;
    },
  },
  neurons: {
    burnedRegister: (s, c, [netuid, hotkey]) => s.burnedRegister(c, Number(netuid), hotkey as Address),
    serveAxon: (s, c, [netuid, endpoint]) => s.serveAxon(c, Number(netuid), String(endpoint)),
    publishModel: (s, c, [netuid, hash, uri, parent]) =>
      s.publishModel(c, Number(netuid), hash as Hex, String(uri), parent as Hex),
    setWeights: (s, c, [netuid, uids, values, vk]) =>
      s.setWeights(
        c,
        Number(netuid),
        (uids as readonly number[]).map(Number),
        (values as readonly number[]).map(Number),
        vk as bigint,
      ),
    commitWeights: (s, c, [netuid, hash, root]) =>
      s.commitWeights(c, Number(netuid), hash as Hex, root as Hex),
    revealWeights: (s, c, [netuid, uids, values, salt, vk]) =>
      s.revealWeights(
        c,
        Number(netuid),
        (uids as readonly number[]).map(Number),
        (values as readonly number[]).map(Number),
        salt as Hex,
        vk as bigint,
      ),
    getBurn: (s, _c, [netuid]) => s.getBurn(Number(netuid)),
    getCommit: async (s, _c, [netuid, hotkey]) => {
      await requireSubnetExists(s, Number(netuid));
      const c = await s.getCommit(Number(netuid), hotkey as Address);
      if (!c) throw new ProtocolError("CommitNotFound", []);
      return {
        ...c,
        commitBlock: BigInt(c.commitBlock),
        revealFromBlock: BigInt(c.revealFromBlock),
        revealUntilBlock: BigInt(c.revealUntilBlock),
      };
    },
  },
};

function makePrecompile(contract: ProtocolContract, params: ProtocolParams): CustomPrecompile {
  const address = PRECOMPILES[contract];
  const abi = ABIS[contract];
  const handlers = HANDLERS[contract];
  const fn = async (input: PrecompileInput): Promise<ExecResult> => {
    const evm = input._EVM;
    const msg = lastMessage.get(evm);
    const target = msg?.codeAddress?.toString() ?? msg?.to?.toString();
    if (!msg || target?.toLowerCase() !== address.toLowerCase())
      throw new Error(`protocol precompile ${address}: attachProtocolPrecompiles was not called on this EVM`);
    // DELEGATECALL/CALLCODE would run the protocol as another account: refused.
    if (msg.delegatecall || msg.to?.toString().toLowerCase() !== address.toLowerCase())
      return revert("0x", PRECOMPILE_GAS.base);
    let decoded: { functionName: string; args?: readonly unknown[] };
    try {
      decoded = decodeFunctionData({ abi, data: bytesToHex(input.data) }) as typeof decoded;
    } catch {
      return revert("0x", PRECOMPILE_GAS.base);
    }
    const handler = handlers[decoded.functionName];
    const mutating = MUTATING.has(decoded.functionName);
    if (!handler || (msg.value > 0n && !PAYABLE.has(decoded.functionName)) || (mutating && msg.isStatic))
      return revert("0x", PRECOMPILE_GAS.base);
    const { number, timestamp } = blockOf(evm);
    const port = stateManagerPort(evm.stateManager);
    const store = new ProtocolStore(port, params, number, timestamp);
    const ctx: CallContext = { sender: getAddress(msg.caller.toString()), value: msg.value };
    const gasOf = (logs: Log[]) =>
      PRECOMPILE_GAS.base +
      PRECOMPILE_GAS.read * BigInt(store.reads) +
      PRECOMPILE_GAS.write * BigInt(store.writes) +
      logs.reduce((g, l) => g + logGas(l), 0n);
    try {
      const result = await handler(store, ctx, decoded.args ?? []);
      const logs = store.events.map(encodeProtocolEvent);
      const gas = gasOf(logs);
      if (gas > input.gasLimit) return outOfGas(input.gasLimit);
      const returnData = encodeFunctionResult({
        abi,
        functionName: decoded.functionName,
        result,
      } as never) as Hex;
      return { returnValue: hexToBytes(returnData), executionGasUsed: gas, logs };
    } catch (e) {
      const gas = gasOf([]);
      if (gas > input.gasLimit) return outOfGas(input.gasLimit);
      // Anything but a ProtocolError is a protocol bug; it still reverts (deterministically on
      // every node) rather than failing the whole block.
      if (!(e instanceof ProtocolError)) return revert("0x", gas);
      return revert(
        encodeErrorResult({ abi: allErrorsAbi as Abi, errorName: e.errorName, args: e.args } as never),
        gas,
      );
    }
  };
  return { address: new EthAddress(hexToBytes(address)), function: fn };
}

/** The four protocol precompiles; pass them to createEVM, then call attachProtocolPrecompiles(evm). */
export function createProtocolPrecompiles(params: ProtocolParams): CustomPrecompile[] {
  return (["staking", "metagraph", "subnets", "neurons"] as const).map((c) => makePrecompile(c, params));
}
