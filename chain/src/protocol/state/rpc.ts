// JSON-RPC methods over the protocol state (registered by the node through
// RpcBackend.extraMethods()). Each reads a read-only ProtocolStore at the requested block
// (default "latest"). JSON shapes: u16 values (netuids, UIDs, scores as u16 fractions over
// 65535, take) are JSON numbers; wei amounts are decimal strings; block numbers and unix times
// are hex quantities; hashes and addresses are 0x-hex (addresses checksummed).
//
//   tensorchain_getSubnets([block?])            → SubnetJson[] (root included, ascending netuid)
//   tensorchain_getMetagraph([netuid, block?])  → MetagraphJson (struct of arrays, element i = UID i)
//   tensorchain_getNeuron([netuid, uid, block?])→ NeuronJson
//   tensorchain_getStake([hotkey, coldkey?, block?]) → { hotkey, owner, take, totalStake,
//        positions: [{ coldkey, stake }] } (all non-zero positions, or only `coldkey`'s)
import { z } from "zod";
import { InvalidParamsError, ResourceNotFoundError, type BlockRef } from "../../rpc/backend.js";
import { address as addressSchema, blockRef as blockRefSchema } from "../../rpc/params.js";
import { ProtocolError } from "./errors.js";
import type { ProtocolStore } from "./store.js";
import { metagraphView, neuronView, subnetInfoView, type NeuronView, type SubnetInfoView } from "./views.js";

export interface ProtocolRpcOptions {
  /** A read-only store over the state of block `ref`; null when the block is unknown. */
  openStore(ref: BlockRef): Promise<ProtocolStore | null>;
}

type Method = (params: unknown[]) => Promise<unknown>;

/** A u16 (netuid, UID) as a JSON number or a hex quantity. */
const u16 = z.unknown().transform((v, ctx) => {
  const n =
    typeof v === "number"
      ? v
      : typeof v === "string" && /^0x[0-9a-fA-F]{1,4}$/.test(v)
        ? Number.parseInt(v, 16)
        : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    ctx.addIssue({
      code: "custom",
      message: `expected a u16 (number or hex quantity), got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return n;
});

const optionalBlock = blockRefSchema.optional();

const subnetsParams = z.tuple([optionalBlock]);
const metagraphParams = z.tuple([u16, optionalBlock]);
const neuronParams = z.tuple([u16, u16, optionalBlock]);
const stakeParams = z.tuple([addressSchema, addressSchema.nullable().optional(), optionalBlock]);

function parse<T>(schema: z.ZodType<T>, params: unknown[], method: string): T {
  const r = schema.safeParse(params);
  if (!r.success) {
    const issue = r.error.issues[0];
    const at = issue?.path.length ? ` (param ${issue.path.join(".")})` : "";
    throw new InvalidParamsError(`${method}: ${issue?.message ?? "invalid params"}${at}`);
  }
  return r.data;
}

const q = (v: bigint | number): string => `0x${v.toString(16)}`;

export function subnetJson(s: SubnetInfoView) {
  const hp = s.hyperparameters;
  return {
    netuid: s.netuid,
    owner: s.owner,
    name: s.name,
    registeredAt: q(s.registeredAt),
    lockedAmount: s.lockedAmount.toString(),
    neuronCount: s.neuronCount,
    lastEpochBlock: q(s.lastEpochBlock),
    emissionPerBlock: s.emissionPerBlock.toString(),
    taskSpecURI: s.taskSpecURI,
    taskSpec: s.taskSpec,
    hyperparameters: {
      ...hp,
      burnStart: hp.burnStart.toString(),
      minBurn: hp.minBurn.toString(),
      maxBurn: hp.maxBurn.toString(),
      weightsVersionKey: hp.weightsVersionKey.toString(),
    },
  };
}

export function neuronJson(n: NeuronView) {
  return {
    ...n,
    stake: n.stake.toString(),
    emission: n.emission.toString(),
    lastUpdate: q(n.lastUpdate),
    registeredAt: q(n.registeredAt),
  };
}

async function withStore<T>(
  o: ProtocolRpcOptions,
  ref: BlockRef | undefined,
  f: (s: ProtocolStore) => Promise<T>,
): Promise<T> {
  const store = await o.openStore(ref ?? "latest");
  if (!store) throw new ResourceNotFoundError("block not found");
  try {
    return await f(store);
  } catch (e) {
    if (e instanceof ProtocolError) throw new ResourceNotFoundError(e.message);
    throw e;
  }
}

export function createProtocolRpcMethods(o: ProtocolRpcOptions): Record<string, Method> {
  return {
    tensorchain_getSubnets: async (params) => {
      const [ref] = parse(subnetsParams, params, "tensorchain_getSubnets");
      return withStore(o, ref, async (s) => {
        const out = [];
        for (const netuid of await s.netuids()) out.push(subnetJson(await subnetInfoView(s, netuid)));
        return out;
      });
    },
    tensorchain_getMetagraph: async (params) => {
      const [netuid, ref] = parse(metagraphParams, params, "tensorchain_getMetagraph");
      return withStore(o, ref, async (s) => {
        const m = await metagraphView(s, netuid);
        return {
          ...m,
          blockNumber: q(m.blockNumber),
          lastEpochBlock: q(m.lastEpochBlock),
          stakes: m.stakes.map(String),
          emission: m.emission.map(String),
          lastUpdate: m.lastUpdate.map(q),
          registeredAt: m.registeredAt.map(q),
        };
      });
    },
    tensorchain_getNeuron: async (params) => {
      const [netuid, uid, ref] = parse(neuronParams, params, "tensorchain_getNeuron");
      return withStore(o, ref, async (s) => neuronJson(await neuronView(s, netuid, uid)));
    },
    tensorchain_getStake: async (params) => {
      const [hotkey, coldkey, ref] = parse(stakeParams, params, "tensorchain_getStake");
      return withStore(o, ref, async (s) => {
        const coldkeys = coldkey ? [coldkey] : await s.delegators(hotkey);
        const positions = [];
        for (const c of coldkeys) {
          const stake = await s.getStake(hotkey, c);
          if (stake > 0n || coldkey) positions.push({ coldkey: c, stake: stake.toString() });
        }
        return {
          hotkey,
          owner: await s.hotkeyOwner(hotkey),
          take: await s.getTake(hotkey),
          totalStake: (await s.getTotalStake(hotkey)).toString(),
          positions,
        };
      });
    },
  };
}
