// Links to explorer entities: hashes and addresses shortened, with the full value in the title
// (hover) and in the link target, so nothing is lost by shortening.
import Link from "next/link";
import { shortHash } from "@/lib/explorer/format";

export function AddressLink({
  address,
  label,
  full,
}: {
  address: string | null;
  label?: string | null;
  full?: boolean;
}) {
  if (address === null) return <span className="muted">—</span>;
  return (
    <Link href={`/address/${address}`} title={address} className="mono">
      {label ?? (full ? address : shortHash(address))}
    </Link>
  );
}

export function TxLink({ hash, full }: { hash: string; full?: boolean }) {
  return (
    <Link href={`/tx/${hash}`} title={hash} className="mono">
      {full ? hash : shortHash(hash)}
    </Link>
  );
}

export function BlockLink({ number }: { number: number | bigint | string }) {
  return <Link href={`/blocks/${number}`}>#{String(number)}</Link>;
}

/** A hash that links nowhere (state roots, model hashes), shortened with the full value on hover. */
export function ShortHash({ value }: { value: string | null }) {
  if (value === null) return <span className="muted">—</span>;
  return (
    <span className="mono" title={value}>
      {shortHash(value, 10, 8)}
    </span>
  );
}
