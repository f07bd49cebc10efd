// The explorer's search: what a query string can mean (pure classification), then which of
// those meanings exist in the index (resolveSearch). One unambiguous hit redirects; several
// hits or none render a results page.
import type { PrismaClient } from "@prisma/client";

export type SearchCandidate =
  | { kind: "block-number"; number: bigint }
  | { kind: "subnet"; netuid: number }
  | { kind: "neuron"; netuid: number; uid: number }
  | { kind: "hash"; hash: string }
  | { kind: "address"; address: string }
  | { kind: "text"; text: string };

const U16_MAX = 65535;
/** Block numbers beyond this are not plausible heights (and would not fit Postgres' bigint). */
const MAX_HEIGHT = 10n ** 15n;
export const MAX_QUERY_LENGTH = 128;

/** Everything `q` could denote, most specific first; empty for a blank query. */
export function classifyQuery(raw: string): SearchCandidate[] {
  const q = raw.trim().replace(/,/g, "");
  if (q === "" || q.length > MAX_QUERY_LENGTH) return [];
  if (/^\d+$/.test(q)) {
    const out: SearchCandidate[] = [];
    const n = BigInt(q);
    if (n < MAX_HEIGHT) out.push({ kind: "block-number", number: n });
    if (n <= BigInt(U16_MAX)) out.push({ kind: "subnet", netuid: Number(n) });
    return out;
  }
  const neuron = /^(\d{1,5})\s*\/\s*(\d{1,5})$/.exec(q);
  if (neuron) {
    const netuid = Number(neuron[1]);
    const uid = Number(neuron[2]);
    return netuid <= U16_MAX && uid <= U16_MAX ? [{ kind: "neuron", netuid, uid }] : [];
  }
  if (/^0x[0-9a-fA-F]{64}$/.test(q)) return [{ kind: "hash", hash: q.toLowerCase() }];
  if (/^0x[0-9a-fA-F]{40}$/.test(q)) return [{ kind: "address", address: q.toLowerCase() }];
  return [{ kind: "text", text: raw.trim() }];
}

export interface SearchHit {
  type: "block" | "transaction" | "address" | "subnet" | "neuron";
  href: string;
  label: string;
}

export type SearchOutcome = { redirect: string; hits: SearchHit[] } | { redirect: null; hits: SearchHit[] };

/** Looks every candidate up; addresses always resolve (any address has a page, indexed or not). */
export async function resolveSearch(db: PrismaClient, raw: string): Promise<SearchOutcome> {
  const hits: SearchHit[] = [];
  for (const c of classifyQuery(raw)) {
    switch (c.kind) {
      case "block-number": {
        const b = await db.block.findUnique({ where: { number: c.number }, select: { number: true } });
        if (b) hits.push({ type: "block", href: `/blocks/${b.number}`, label: `Block #${b.number}` });
        break;
      }
      case "subnet": {
        const s = await db.subnet.findUnique({
          where: { netuid: c.netuid },
          select: { netuid: true, name: true },
        });
        if (s)
          hits.push({
            type: "subnet",
            href: `/subnets/${s.netuid}`,
            label: `Subnet ${s.netuid}${s.name ? ` · ${s.name}` : ""}`,
          });
        break;
      }
      case "neuron": {
        const n = await db.neuron.findUnique({
          where: { netuid_uid: { netuid: c.netuid, uid: c.uid } },
          select: { netuid: true, uid: true, hotkey: true },
        });
        if (n)
          hits.push({
            type: "neuron",
            href: `/subnets/${n.netuid}/neurons/${n.uid}`,
            label: `Neuron ${n.netuid}/${n.uid} · ${n.hotkey}`,
          });
        break;
      }
      case "hash": {
        const [tx, block] = await Promise.all([
          db.transaction.findUnique({ where: { hash: c.hash }, select: { hash: true } }),
          db.block.findUnique({ where: { hash: c.hash }, select: { number: true } }),
        ]);
        if (tx) hits.push({ type: "transaction", href: `/tx/${tx.hash}`, label: `Transaction ${tx.hash}` });
        if (block)
          hits.push({ type: "block", href: `/blocks/${block.number}`, label: `Block #${block.number}` });
        break;
      }
      case "address":
        hits.push({ type: "address", href: `/address/${c.address}`, label: `Address ${c.address}` });
        break;
      case "text": {
        const subnets = await db.subnet.findMany({
          where: { name: { contains: c.text, mode: "insensitive" } },
          orderBy: { netuid: "asc" },
          take: 20,
          select: { netuid: true, name: true },
        });
        for (const s of subnets)
          hits.push({
            type: "subnet",
            href: `/subnets/${s.netuid}`,
            label: `Subnet ${s.netuid}${s.name ? ` · ${s.name}` : ""}`,
          });
        break;
      }
    }
  }
  return hits.length === 1 ? { redirect: hits[0]!.href, hits } : { redirect: null, hits };
}
