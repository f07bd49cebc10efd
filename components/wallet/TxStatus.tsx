"use client";
// The visible state of one write: what the user waits for, then the explorer link.
import Link from "next/link";
import { Badge } from "@/components/ui/Badge";
import type { WriteState } from "./useContractWrite";

export function TxStatus({ state }: { state: WriteState }) {
  if (state.status === "idle") return null;
  const link =
    "hash" in state && state.hash ? (
      <Link href={`/tx/${state.hash}`} className="mono" data-testid="tx-link">
        {state.hash.slice(0, 10)}…{state.hash.slice(-8)}
      </Link>
    ) : null;
  return (
    <div
      className="portal-tx"
      role="status"
      aria-live="polite"
      data-testid="tx-status"
      data-status={state.status}
      data-attempt={state.attempt}
    >
      {state.status === "simulating" && <Badge tone="info">Simulating…</Badge>}
      {state.status === "signing" && <Badge tone="info">Confirm in your wallet…</Badge>}
      {state.status === "pending" && <Badge tone="warning">Pending</Badge>}
      {state.status === "confirmed" && (
        <Badge tone="success">Confirmed in block {state.blockNumber.toString()}</Badge>
      )}
      {state.status === "failed" && (
        <>
          <Badge tone="danger">{state.error.kind === "rejected" ? "Rejected" : "Failed"}</Badge>{" "}
          <span data-testid="tx-error">{state.error.message}</span>
        </>
      )}{" "}
      {link}
    </div>
  );
}
