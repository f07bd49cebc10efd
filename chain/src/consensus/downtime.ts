// Downtime tracking (Cosmos SDK x/slashing liveness): a signed-blocks bitmap per validator over
// the last `downtimeWindow` blocks. A validator that has been in the set for a full window and
// missed more than the window allows (signed fewer than minSignedPercent) is slashed
// downtimeSlashPercent and jailed downtimeJailSeconds. Pure: the protocol layer applies the
// decisions (stake changes, jail) and persists the state.
import type { ProtocolParams } from "../protocol/params.js";
import type { Hex } from "./types.js";

export type DowntimeParams = Pick<
  ProtocolParams,
  "downtimeWindow" | "minSignedPercent" | "downtimeSlashPercent" | "downtimeJailSeconds"
>;

export interface SigningInfo {
  /** First height counted for this validator (it must serve a full window before it can be slashed). */
  startHeight: number;
  /** Blocks counted so far; the bitmap slot of a block is indexOffset mod window. */
  indexOffset: number;
  missedCount: number;
  /** Bit i set = the block at slot i was missed. */
  missed: Uint8Array;
}

export interface DowntimeState {
  infos: ReadonlyMap<Hex, SigningInfo>;
}

export interface DowntimeDecision {
  validator: Hex;
  height: number;
  missed: number;
  slashPercent: number;
  jailSeconds: number;
}

export const emptyDowntimeState = (): DowntimeState => ({ infos: new Map() });

/** Most blocks of a window a validator may miss (Cosmos: window − round(window × minSigned)). */
export function maxMissedBlocks(params: DowntimeParams): number {
  return params.downtimeWindow - Math.round((params.downtimeWindow * params.minSignedPercent) / 100);
}

/**
 * Account one committed block: `validators` is the set of that height, `signers` those whose
 * precommit is in the block's commit certificate. Returns the next state and the validators to
 * slash and jail; a jailed validator's record is dropped, so it starts afresh if it returns.
 */
export function recordBlock(
  state: DowntimeState,
  params: DowntimeParams,
  height: number,
  validators: readonly Hex[],
  signers: ReadonlySet<Hex>,
): { state: DowntimeState; decisions: DowntimeDecision[] } {
  const window = params.downtimeWindow;
  const maxMissed = maxMissedBlocks(params);
  const infos = new Map(state.infos);
  const decisions: DowntimeDecision[] = [];
  for (const v of validators) {
    const prev = infos.get(v);
    const info: SigningInfo = prev
      ? { ...prev, missed: prev.missed.slice() }
      : {
          startHeight: height,
          indexOffset: 0,
          missedCount: 0,
          missed: new Uint8Array(Math.ceil(window / 8)),
        };
    const slot = info.indexOffset % window;
    const byte = slot >> 3;
    const bit = 1 << (slot & 7);
    const wasMissed = (info.missed[byte]! & bit) !== 0;
    const missedNow = !signers.has(v);
    if (missedNow && !wasMissed) {
      info.missed[byte]! |= bit;
      info.missedCount++;
    } else if (!missedNow && wasMissed) {
      info.missed[byte]! &= ~bit;
      info.missedCount--;
    }
    info.indexOffset++;
    if (height >= info.startHeight + window - 1 && info.missedCount > maxMissed) {
      decisions.push({
        validator: v,
        height,
        missed: info.missedCount,
        slashPercent: params.downtimeSlashPercent,
        jailSeconds: params.downtimeJailSeconds,
      });
      infos.delete(v);
    } else {
      infos.set(v, info);
    }
  }
  return { state: { infos }, decisions };
}
