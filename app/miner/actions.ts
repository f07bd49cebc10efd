"use server";
// Server action of the miner portal: a UID's per-epoch history (incentive, emission) from the
// indexer's metagraph snapshots, the same rows the explorer's neuron page charts. Public data.
import { getPrisma } from "@/lib/db/client";
import { weiToTenNumber } from "@/lib/explorer/format";
import { loadNeuronPage } from "@/lib/explorer/queries";

export interface UidHistoryPoint {
  block: number;
  incentive: number;
  emissionTen: number;
}

const isU16 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 65_535;

export async function loadUidHistory(netuid: number, uid: number): Promise<UidHistoryPoint[]> {
  if (!isU16(netuid) || !isU16(uid)) throw new Error("netuid and uid are integers from 0 to 65535");
  const page = await loadNeuronPage(getPrisma(), netuid, uid);
  return (page?.history ?? []).map((h) => ({
    block: h.blockNumber,
    incentive: h.incentive,
    emissionTen: weiToTenNumber(h.emission),
  }));
}
