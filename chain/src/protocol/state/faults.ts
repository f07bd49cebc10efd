// Consensus faults in the protocol state, applied by every node while executing a block, from
// the block's own header (consensus/header-extra.ts in extraData), so the result is part of the
// state root:
//   - double-sign evidence: verified against the consensus set of its height (kept in state) and
//     the validator's registered consensus key; an invalid piece makes the block invalid; a valid
//     one slashes doubleSignSlashPercent of bonded and unbonding stake and tombstones;
//   - downtime: the parent's commit certificate says who signed the previous height; a signed-
//     blocks window per validator (consensus/downtime.ts) slashes downtimeSlashPercent and jails
//     whoever signed too few of the last downtimeWindow blocks;
//   - the consensus set: recorded at genesis and at every root-tempo epoch block (the same top-K
//     the BFT driver switches to), so the two steps above know the members of recent heights.
// Blocks of the single-validator producer carry an empty extraData: nothing to account.
import type { Address } from "viem";
import { recordBlock } from "../../consensus/downtime.js";
import type { SigningInfo } from "../../consensus/downtime.js";
import { InvalidEvidenceError, verifyDuplicateVoteEvidence } from "../../consensus/evidence.js";
import type { DuplicateVoteEvidence } from "../../consensus/evidence.js";
import { decodeHeaderExtra } from "../../consensus/header-extra.js";
import type { HeaderExtra } from "../../consensus/header-extra.js";
import { nativeVerifier } from "../../consensus/signer.js";
import { hexToBytes, makeValidatorSet } from "../../consensus/types.js";
import type { Hex } from "../../consensus/types.js";
import { InvalidBlockError } from "../../execution/executor.js";
import { isEpochBlock } from "../schedule.js";
import { applyPunishment } from "./block-end.js";
import type { ProtocolStore } from "./store.js";

const lower = (a: string): Address => a.toLowerCase() as Address;

/**
 * Throws InvalidEvidenceError unless `ev` may be applied in block `block`: its height is before
 * the block and covered by a kept consensus set, not older than the unbonding period (the stake
 * it would slash may have left), the offender was a member of that set and is not tombstoned
 * already, and both votes carry valid signatures of its registered consensus key.
 */
export async function checkEvidence(
  store: ProtocolStore,
  ev: DuplicateVoteEvidence,
  block: number,
  chainId: bigint,
): Promise<void> {
  const h = ev.voteA.height;
  if (h < 1 || h >= block)
    throw new InvalidEvidenceError(`evidence height ${h} is not before block ${block}`);
  if (block - h > store.params.unbondingBlocks)
    throw new InvalidEvidenceError(`evidence of height ${h} is too old`);
  const members = await store.consensusSetAt(h);
  if (!members)
    throw new InvalidEvidenceError(`evidence of height ${h} is older than the kept validator sets`);
  const offender = lower(ev.voteA.validator);
  if (!members.includes(offender))
    throw new InvalidEvidenceError(`${offender} was not a validator at height ${h}`);
  const v = await store.getValidator(offender);
  if (!v) throw new InvalidEvidenceError(`${offender} is not a registered validator`);
  if (v.tombstoned) throw new InvalidEvidenceError(`${offender} is already tombstoned`);
  const set = makeValidatorSet([{ address: offender, pubKey: hexToBytes(v.consensusKey), power: 1n }]);
  verifyDuplicateVoteEvidence(ev, set, chainId, nativeVerifier);
}

/**
 * Evidence of `pool` that block `block` may include, one piece per offender, at most `max`
 * (what a proposer puts in its block); the rest is stale and can be dropped.
 */
export async function includableEvidence(
  store: ProtocolStore,
  pool: Iterable<DuplicateVoteEvidence>,
  block: number,
  chainId: bigint,
  max: number,
): Promise<{ include: DuplicateVoteEvidence[]; stale: DuplicateVoteEvidence[] }> {
  const include: DuplicateVoteEvidence[] = [];
  const stale: DuplicateVoteEvidence[] = [];
  const offenders = new Set<string>();
  for (const ev of pool) {
    if (include.length >= max) break;
    if (ev.voteA.height >= block) continue; // not yet checkable
    if (offenders.has(ev.voteA.validator)) {
      stale.push(ev);
      continue;
    }
    try {
      await checkEvidence(store, ev, block, chainId);
    } catch (e) {
      if (!(e instanceof InvalidEvidenceError)) throw e;
      stale.push(ev);
      continue;
    }
    offenders.add(ev.voteA.validator);
    include.push(ev);
  }
  return { include, stale };
}

/** Decoded consensus header of a block, or InvalidBlockError. */
export function blockConsensusExtra(block: number, extraData: Uint8Array): HeaderExtra {
  try {
    const x = decodeHeaderExtra(extraData);
    if (x.certificate && x.certificate.height !== block - 1)
      throw new InvalidBlockError(
        `block ${block}: certificate of height ${x.certificate.height}, not the parent's`,
      );
    return x;
  } catch (e) {
    if (e instanceof InvalidBlockError) throw e;
    throw new InvalidBlockError(`block ${block}: malformed consensus header: ${(e as Error).message}`);
  }
}

/**
 * Runs before the block's emission and epochs: applies the evidence in the block and the
 * downtime accounting of the parent's certificate. Throws InvalidBlockError for a block that
 * carries invalid evidence or a malformed consensus header.
 */
export async function applyConsensusFaults(
  store: ProtocolStore,
  env: { number: bigint; extraData: Uint8Array },
  chainId: bigint,
): Promise<void> {
  const block = Number(env.number);
  const { certificate, evidence } = blockConsensusExtra(block, env.extraData);
  for (const ev of evidence) {
    try {
      await checkEvidence(store, ev, block, chainId);
    } catch (e) {
      if (!(e instanceof InvalidEvidenceError)) throw e;
      throw new InvalidBlockError(`block ${block}: invalid evidence: ${e.message}`);
    }
    await applyPunishment(store, { hotkey: lower(ev.voteA.validator), kind: "doubleSign" });
  }
  if (certificate)
    await accountLiveness(
      store,
      certificate.height,
      certificate.signatures.map((s) => s.validator),
    );
}

/** Downtime accounting of height `height`, signed by `signers`; slashes and jails as decided. */
async function accountLiveness(store: ProtocolStore, height: number, signers: readonly Hex[]): Promise<void> {
  const members = await store.consensusSetAt(height);
  if (!members) return;
  // Jailed and tombstoned validators are not accounted (they are punished already).
  const live: Address[] = [];
  const infos = new Map<Hex, SigningInfo>();
  for (const m of members) {
    const v = await store.getValidator(m);
    if (!v || v.tombstoned || v.jailedUntil !== 0n) continue;
    live.push(m);
    const info = await store.getSigningInfo(m);
    if (info) infos.set(m as Hex, info);
  }
  const signed = new Set(signers.map((s) => s.toLowerCase() as Hex));
  const { state, decisions } = recordBlock({ infos }, store.params, height, live as Hex[], signed);
  for (const m of live) await store.putSigningInfo(m, state.infos.get(m as Hex) ?? null);
  for (const d of decisions) await applyPunishment(store, { hotkey: lower(d.validator), kind: "downtime" });
}

/** Runs after the block's epochs: at a root-tempo epoch block, records the next consensus set. */
export async function recordConsensusSetAtEpoch(store: ProtocolStore): Promise<void> {
  if (!isEpochBlock(0, store.params.rootTempo, store.block)) return;
  const top = await store.consensusCandidates();
  if (top.length > 0)
    await store.recordConsensusSet(
      top.map((v) => lower(v.hotkey)),
      store.block + 1,
    );
}
