// Protocol state from the precompiles' events: validators (registration, stake, jail,
// tombstone, slashing), subnets (registration, hyperparameters, task spec) and neurons
// (registration, axon, model). Applied inside the indexer's batch transaction to the logs that
// batch inserted for the first time only, so re-indexing never applies an event twice.
// What no transaction log carries (genesis, epochs, block-end slashing, uptime) is read from
// the node by protocol-state.ts.
import { Prisma } from "@prisma/client";
import { z } from "zod";

export interface ProtocolLog {
  blockNumber: bigint;
  transactionHash: string;
  eventName: string;
  args: unknown;
}

const addr = z.string().regex(/^0x[0-9a-f]{40}$/);
const uint = z.string().regex(/^\d+$/);
const small = z.union([z.number().int().min(0), uint.transform(Number)]);
const ZERO_HASH = `0x${"0".repeat(64)}`;

const schemas = {
  ValidatorRegistered: z.object({ hotkey: addr, coldkey: addr, consensusKey: z.string() }),
  StakeAdded: z.object({ hotkey: addr, amount: uint }),
  StakeRemoved: z.object({ hotkey: addr, amount: uint }),
  ValidatorJailedUntil: z.object({ hotkey: addr, until: uint }),
  ValidatorUnjailed: z.object({ hotkey: addr }),
  ValidatorTombstoned: z.object({ hotkey: addr }),
  ValidatorSlashed: z.object({ hotkey: addr, reason: small, amount: uint }),
  NetworkRegistered: z.object({ netuid: small, owner: addr, name: z.string() }),
  HyperparametersSet: z.object({ netuid: small, hyperparameters: z.record(z.string(), z.unknown()) }),
  TaskSpecSet: z.object({ netuid: small, taskSpecURI: z.string(), spec: z.record(z.string(), z.unknown()) }),
  NeuronRegistered: z.object({ netuid: small, uid: small, hotkey: addr, coldkey: addr }),
  AxonServed: z.object({ netuid: small, uid: small, endpoint: z.string() }),
  ModelPublished: z.object({
    netuid: small,
    uid: small,
    modelHash: z.string(),
    uri: z.string(),
    parentModelHash: z.string(),
  }),
} as const;

type Handled = keyof typeof schemas;
const isHandled = (name: string): name is Handled => Object.hasOwn(schemas, name);

/** Applies events in log order; an event whose subject is unknown (e.g. a neuron of a missing subnet) is skipped. */
export async function applyProtocolEvents(db: Prisma.TransactionClient, logs: ProtocolLog[]): Promise<void> {
  for (const log of logs) {
    if (!isHandled(log.eventName)) continue;
    const parsed = schemas[log.eventName].safeParse(log.args);
    if (!parsed.success) continue; // an ABI the node has moved on from: keep the raw log only
    const bn = log.blockNumber;
    const a: unknown = parsed.data;
    switch (log.eventName) {
      case "ValidatorRegistered": {
        const { hotkey, coldkey, consensusKey } = a as z.infer<typeof schemas.ValidatorRegistered>;
        await db.validator.upsert({
          where: { hotkey },
          create: { hotkey, coldkey, consensusKey, status: "active", firstSeenBlock: bn, updatedAtBlock: bn },
          update: { coldkey, consensusKey, status: "active", updatedAtBlock: bn },
        });
        break;
      }
      case "StakeAdded":
      case "StakeRemoved": {
        const { hotkey, amount } = a as z.infer<typeof schemas.StakeAdded>;
        const delta = new Prisma.Decimal(amount);
        await db.validator.updateMany({
          where: { hotkey },
          data: {
            stake: log.eventName === "StakeAdded" ? { increment: delta } : { decrement: delta },
            updatedAtBlock: bn,
          },
        });
        break;
      }
      case "ValidatorJailedUntil": {
        const { hotkey, until } = a as z.infer<typeof schemas.ValidatorJailedUntil>;
        await db.validator.updateMany({
          where: { hotkey, NOT: { status: "tombstoned" } },
          data: { status: "jailed", jailedUntil: BigInt(until), updatedAtBlock: bn },
        });
        break;
      }
      case "ValidatorUnjailed": {
        const { hotkey } = a as z.infer<typeof schemas.ValidatorUnjailed>;
        await db.validator.updateMany({
          where: { hotkey, NOT: { status: "tombstoned" } },
          data: { status: "active", jailedUntil: null, updatedAtBlock: bn },
        });
        break;
      }
      case "ValidatorTombstoned": {
        const { hotkey } = a as z.infer<typeof schemas.ValidatorTombstoned>;
        await db.validator.updateMany({
          where: { hotkey },
          data: { status: "tombstoned", updatedAtBlock: bn },
        });
        break;
      }
      case "ValidatorSlashed": {
        const { hotkey, reason, amount } = a as z.infer<typeof schemas.ValidatorSlashed>;
        const v = await db.validator.findUnique({
          where: { hotkey },
          select: { jailedUntil: true, status: true },
        });
        if (v === null) break;
        const kind = reason === 0 ? "double_sign" : "downtime";
        await db.slashingEvent.upsert({
          where: { validatorHotkey_blockNumber_kind: { validatorHotkey: hotkey, blockNumber: bn, kind } },
          create: {
            validatorHotkey: hotkey,
            blockNumber: bn,
            kind,
            amount,
            jailedUntil: v.jailedUntil,
            tombstoned: v.status === "tombstoned",
          },
          update: {},
        });
        await db.validator.update({
          where: { hotkey },
          data: { stake: { decrement: new Prisma.Decimal(amount) }, updatedAtBlock: bn },
        });
        break;
      }
      case "NetworkRegistered": {
        const { netuid, owner, name } = a as z.infer<typeof schemas.NetworkRegistered>;
        await db.subnet.upsert({
          where: { netuid },
          create: {
            netuid,
            owner,
            name,
            registeredAt: bn,
            registeredTxHash: log.transactionHash,
            hyperparams: {},
            updatedAtBlock: bn,
          },
          update: {
            owner,
            name,
            registeredAt: bn,
            registeredTxHash: log.transactionHash,
            updatedAtBlock: bn,
          },
        });
        break;
      }
      case "HyperparametersSet": {
        const { netuid, hyperparameters } = a as z.infer<typeof schemas.HyperparametersSet>;
        await db.subnet.updateMany({
          where: { netuid },
          data: { hyperparams: hyperparameters as Prisma.InputJsonValue, updatedAtBlock: bn },
        });
        break;
      }
      case "TaskSpecSet": {
        const { netuid, taskSpecURI, spec } = a as z.infer<typeof schemas.TaskSpecSet>;
        await db.subnet.updateMany({
          where: { netuid },
          data: { taskSpec: { uri: taskSpecURI, ...spec } as Prisma.InputJsonValue, updatedAtBlock: bn },
        });
        break;
      }
      case "NeuronRegistered": {
        const { netuid, uid, hotkey, coldkey } = a as z.infer<typeof schemas.NeuronRegistered>;
        if ((await db.subnet.count({ where: { netuid } })) === 0) break;
        // A replaced UID starts afresh: the previous occupant's axon and model are not the new one's.
        const fresh = {
          hotkey,
          coldkey,
          axon: null,
          modelHash: null,
          modelUri: null,
          modelParent: null,
          registeredAt: bn,
          isValidator: false,
          updatedAtBlock: bn,
        };
        await db.neuron.upsert({
          where: { netuid_uid: { netuid, uid } },
          create: { netuid, uid, ...fresh },
          update: fresh,
        });
        break;
      }
      case "AxonServed": {
        const { netuid, uid, endpoint } = a as z.infer<typeof schemas.AxonServed>;
        await db.neuron.updateMany({ where: { netuid, uid }, data: { axon: endpoint, updatedAtBlock: bn } });
        break;
      }
      case "ModelPublished": {
        const { netuid, uid, modelHash, uri, parentModelHash } = a as z.infer<typeof schemas.ModelPublished>;
        await db.neuron.updateMany({
          where: { netuid, uid },
          data: {
            modelHash,
            modelUri: uri,
            modelParent: parentModelHash === ZERO_HASH ? null : parentModelHash,
            updatedAtBlock: bn,
          },
        });
        break;
      }
    }
  }
}
