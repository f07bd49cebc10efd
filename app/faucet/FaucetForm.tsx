"use client";
// The faucet form: validates the address as typed, fetches a proof-of-work challenge, solves it
// in a Web Worker (main-thread slices where Workers are unavailable) with a progress bar, posts
// the claim and follows it: queued → sent → confirmed, with a link to the transaction.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { isAddress } from "viem";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Input } from "@/components/ui/Input";
import { expectedHashes, solveChunk, type WorkerMessage } from "./pow-solver";

type Phase =
  | { step: "idle" }
  | { step: "challenge" }
  | { step: "solving"; tried: number; expected: number }
  | { step: "submitting" }
  | {
      step: "claim";
      id: string;
      status: "queued" | "sent" | "confirmed" | "failed";
      txHash: string | null;
      error: string | null;
    }
  | { step: "error"; message: string };

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

/** Same rule as the server (lib/faucet/faucet.ts): hex, and a mixed-case address must carry a valid EIP-55 checksum. */
export function addressError(value: string): string | null {
  const v = value.trim();
  if (v === "") return "Enter the address that should receive the tokens.";
  if (!ADDRESS_RE.test(v)) return "An address is 0x followed by 40 hex digits.";
  if (!isAddress(v, { strict: true }))
    return "Mixed-case address with an invalid checksum: check for a typo.";
  return null;
}

async function apiJson<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  if (!res.ok) throw new Error(body?.error?.message ?? `the faucet answered HTTP ${res.status}`);
  if (body === null) throw new Error("the faucet answered with no JSON");
  return body;
}

function solveInWorker(
  challenge: string,
  difficulty: number,
  onProgress: (tried: number) => void,
  signal: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL("./pow.worker.ts", import.meta.url), { type: "module" });
    } catch {
      // No Worker support: slices on the main thread, yielding between them so the page stays responsive.
      let next = 0;
      const slice = () => {
        if (signal.aborted) return reject(new Error("cancelled"));
        const r = solveChunk(challenge, difficulty, next, 2_000);
        next = r.next;
        onProgress(next);
        if (r.nonce !== null) resolve(r.nonce);
        else setTimeout(slice, 0);
      };
      slice();
      return;
    }
    signal.addEventListener("abort", () => {
      worker.terminate();
      reject(new Error("cancelled"));
    });
    worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
      onProgress(e.data.tried);
      if (e.data.type === "solved") {
        worker.terminate();
        resolve(e.data.nonce);
      }
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`proof-of-work worker failed: ${e.message}`));
    };
    worker.postMessage({ challenge, difficulty });
  });
}

const STEPS = ["queued", "sent", "confirmed"] as const;

export function FaucetForm({ amount, disabledReason }: { amount: string; disabledReason: string | null }) {
  const router = useRouter();
  const [address, setAddress] = useState("");
  const [touched, setTouched] = useState(false);
  const [phase, setPhase] = useState<Phase>({ step: "idle" });
  const abort = useRef<AbortController | null>(null);
  // Set once hydrated: before that a submit would be a plain page reload (tests wait for it).
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  const error = touched ? addressError(address) : null;
  const busy = phase.step === "challenge" || phase.step === "solving" || phase.step === "submitting";

  useEffect(() => () => abort.current?.abort(), []);

  // Follow a claim until it is confirmed or failed.
  const claimId = phase.step === "claim" ? phase.id : null;
  const claimStatus = phase.step === "claim" ? phase.status : null;
  useEffect(() => {
    if (claimId === null || claimStatus === "confirmed" || claimStatus === "failed") return;
    const ctl = new AbortController();
    const t = setTimeout(async () => {
      try {
        const c = await apiJson<{
          status: "queued" | "sent" | "confirmed" | "failed";
          txHash: string | null;
          error: string | null;
        }>(await fetch(`/api/v1/faucet?id=${claimId}`, { signal: ctl.signal, cache: "no-store" }));
        setPhase({ step: "claim", id: claimId, status: c.status, txHash: c.txHash, error: c.error });
        if (c.status === "confirmed") router.refresh();
      } catch (err) {
        if (!ctl.signal.aborted)
          setPhase((p) => ({ ...(p as Extract<Phase, { step: "claim" }>), error: (err as Error).message }));
      }
    }, 1_000);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [claimId, claimStatus, phase, router]);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (addressError(address) !== null || busy) return;
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    try {
      setPhase({ step: "challenge" });
      const c = await apiJson<{ challenge: string; difficulty: number }>(
        await fetch("/api/v1/faucet/challenge", { cache: "no-store", signal: ctl.signal }),
      );
      const expected = expectedHashes(c.difficulty);
      setPhase({ step: "solving", tried: 0, expected });
      const nonce = await solveInWorker(
        c.challenge,
        c.difficulty,
        (tried) => setPhase({ step: "solving", tried, expected }),
        ctl.signal,
      );
      setPhase({ step: "submitting" });
      const claim = await apiJson<{ id: string; status: "queued" }>(
        await fetch("/api/v1/faucet", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ address: address.trim(), challenge: c.challenge, nonce }),
          signal: ctl.signal,
        }),
      );
      setPhase({ step: "claim", id: claim.id, status: claim.status, txHash: null, error: null });
    } catch (err) {
      if (!ctl.signal.aborted) setPhase({ step: "error", message: (err as Error).message });
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate data-testid="faucet-form" data-ready={ready ? "true" : undefined}>
      <Input
        label="Your address"
        name="address"
        placeholder="0x…"
        autoComplete="off"
        spellCheck={false}
        value={address}
        onChange={(e) => setAddress(e.target.value)}
        onBlur={() => setTouched(address !== "")}
        {...(error ? { error } : { hint: `Receives ${amount}. One claim per address per cooldown.` })}
        disabled={disabledReason !== null}
      />
      <Button type="submit" disabled={busy || disabledReason !== null} data-testid="faucet-submit">
        {busy ? "Working…" : `Request ${amount}`}
      </Button>

      <div aria-live="polite" style={{ marginTop: "1rem" }}>
        {phase.step === "challenge" && <p className="muted">Fetching a proof-of-work challenge…</p>}
        {phase.step === "solving" && (
          <div data-testid="faucet-pow">
            <p className="muted" style={{ marginBottom: "0.4rem" }}>
              Solving the proof of work in your browser (spam protection):{" "}
              {phase.tried.toLocaleString("en-US")} hashes, about {phase.expected.toLocaleString("en-US")}{" "}
              expected.
            </p>
            <progress
              max={1}
              value={Math.min(0.99, phase.tried / phase.expected)}
              style={{ width: "100%" }}
              aria-label="Proof of work progress"
            />
          </div>
        )}
        {phase.step === "submitting" && <p className="muted">Submitting your claim…</p>}
        {phase.step === "error" && (
          <div className="ui-alert" role="alert" data-testid="faucet-error">
            {phase.message}
          </div>
        )}
        {phase.step === "claim" && (
          <div data-testid="faucet-claim" data-status={phase.status}>
            <ol style={{ display: "flex", gap: "0.5rem", listStyle: "none", padding: 0, flexWrap: "wrap" }}>
              {STEPS.map((s, i) => {
                const reached =
                  phase.status !== "failed" && STEPS.indexOf(phase.status as (typeof STEPS)[number]) >= i;
                return (
                  <li key={s}>
                    <Badge tone={reached ? (s === "confirmed" ? "success" : "info") : "neutral"}>
                      {i + 1}. {s}
                    </Badge>
                  </li>
                );
              })}
              {phase.status === "failed" && (
                <li>
                  <Badge tone="danger">failed</Badge>
                </li>
              )}
            </ol>
            {phase.txHash !== null && (
              <p>
                Transaction:{" "}
                <Link href={`/tx/${phase.txHash}`} className="mono" data-testid="faucet-tx-link">
                  {phase.txHash}
                </Link>
              </p>
            )}
            {phase.error !== null && <p className="muted">{phase.error}</p>}
          </div>
        )}
      </div>
    </form>
  );
}
