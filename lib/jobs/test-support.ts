// Test support (not imported by app code): an indexed validator, as the indexer would store it
// from the metagraph, so the worker key API accepts the hotkey's registrations.
import type { PrismaClient } from "@prisma/client";

export async function seedIndexedValidator(
  prisma: PrismaClient,
  hotkey: string,
  netuid = 1,
  uid = 0,
): Promise<void> {
  await prisma.subnet.upsert({
    where: { netuid },
    create: { netuid, owner: hotkey.toLowerCase(), registeredAt: 0n, hyperparams: {}, updatedAtBlock: 0n },
    update: {},
  });
  await prisma.neuron.create({
    data: {
      netuid,
      uid,
      hotkey: hotkey.toLowerCase(),
      coldkey: hotkey.toLowerCase(),
      registeredAt: 0n,
      isValidator: true,
      updatedAtBlock: 0n,
    },
  });
}
