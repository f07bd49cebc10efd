// The bootstrap node's registry of peers it has seen: peer id, dialable addresses, last seen.
// Persisted as JSON in the data dir so a restarted bootstrap node can introduce peers right away;
// entries older than the TTL are dropped on load and on every sweep. Clock is injected.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { MAX_ADDRS_PER_PEER, peerRecordSchema, type PeerRecord } from "./wire.js";

export const PEER_REGISTRY_FILE = "peer-registry.json";

export interface RegistryEntry extends PeerRecord {
  /** Milliseconds since the epoch (per the injected clock). */
  lastSeen: number;
}

const fileSchema = z
  .object({
    version: z.literal(1),
    peers: z.array(peerRecordSchema.extend({ lastSeen: z.number().int().nonnegative() })),
  })
  .strict();

export interface PeerRegistryOptions {
  ttlMs: number;
  maxPeers: number;
  now?: () => number;
  /** Called when the file on disk is unreadable and the registry starts empty. */
  onLoadError?: (error: Error) => void;
}

export class PeerRegistry {
  private readonly entries = new Map<string, RegistryEntry>();
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  private constructor(
    readonly file: string,
    private readonly options: PeerRegistryOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Opens `<dataDir>/peer-registry.json`; a missing file is an empty registry. */
  static async open(dataDir: string, options: PeerRegistryOptions): Promise<PeerRegistry> {
    const registry = new PeerRegistry(path.join(dataDir, PEER_REGISTRY_FILE), options);
    await registry.load();
    return registry;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Records that the peer was seen now; non-empty `addrs` replace the stored addresses. */
  upsert(peerId: string, addrs: readonly string[] = []): void {
    const existing = this.entries.get(peerId);
    const nextAddrs = addrs.length > 0 ? [...new Set(addrs)].slice(0, MAX_ADDRS_PER_PEER) : existing?.addrs;
    // A peer whose addresses we do not know cannot be introduced to anyone: not worth a slot.
    if (!nextAddrs || nextAddrs.length === 0) return;
    this.entries.delete(peerId); // re-insert so Map order stays least-recently-seen first
    this.entries.set(peerId, { peerId, addrs: nextAddrs, lastSeen: this.now() });
    this.dirty = true;
    while (this.entries.size > this.options.maxPeers) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Refreshes last-seen of a known peer (e.g. it is still connected). */
  touch(peerId: string): void {
    const entry = this.entries.get(peerId);
    if (entry) this.upsert(peerId, entry.addrs);
  }

  get(peerId: string): RegistryEntry | undefined {
    const entry = this.entries.get(peerId);
    return entry && !this.isStale(entry) ? { ...entry, addrs: [...entry.addrs] } : undefined;
  }

  /** Fresh peers, most recently seen first, without `excluding`, at most `limit`. */
  list(excluding: string | undefined, limit: number): PeerRecord[] {
    const out: PeerRecord[] = [];
    for (const entry of [...this.entries.values()].reverse()) {
      if (out.length >= limit) break;
      if (entry.peerId === excluding || this.isStale(entry)) continue;
      out.push({ peerId: entry.peerId, addrs: [...entry.addrs] });
    }
    return out;
  }

  /** Fresh entries with their last-seen times, most recently seen first (statistics). */
  snapshot(): RegistryEntry[] {
    return [...this.entries.values()]
      .reverse()
      .filter((e) => !this.isStale(e))
      .map((e) => ({ ...e, addrs: [...e.addrs] }));
  }

  /** Removes entries not seen within the TTL; returns how many were dropped. */
  dropStale(): number {
    let dropped = 0;
    for (const [peerId, entry] of this.entries) {
      if (this.isStale(entry)) {
        this.entries.delete(peerId);
        dropped++;
      }
    }
    if (dropped > 0) this.dirty = true;
    return dropped;
  }

  /**
   * Writes the registry if it changed since the last save (write-then-rename: never torn). Saves
   * are serialized: a periodic save and the one at shutdown must not race on the temp file.
   */
  save(): Promise<void> {
    const run = this.saving.then(() => this.write());
    this.saving = run.catch(() => undefined);
    return run;
  }

  private async write(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const body = { version: 1, peers: [...this.entries.values()] };
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp-${process.pid}`;
      await writeFile(tmp, `${JSON.stringify(body, null, 1)}\n`);
      await rename(tmp, this.file);
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }

  private isStale(entry: RegistryEntry): boolean {
    return this.now() - entry.lastSeen > this.options.ttlMs;
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    let parsed: z.infer<typeof fileSchema>;
    try {
      parsed = fileSchema.parse(JSON.parse(text));
    } catch (err) {
      // The registry is a cache of public information: losing it costs a little discovery time,
      // refusing to start would cost the whole network its bootstrap node.
      this.options.onLoadError?.(
        new Error(`peer registry ${this.file} is corrupt; starting empty`, { cause: err }),
      );
      this.dirty = true;
      return;
    }
    for (const peer of [...parsed.peers].sort((a, b) => a.lastSeen - b.lastSeen)) {
      this.entries.set(peer.peerId, peer);
    }
    if (this.dropStale() > 0) this.dirty = true;
  }
}
