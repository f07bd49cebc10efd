"use client";
// Pieces every portal uses: the wallet gate, the subnet picker, read-error display and the
// SIWE upload of a file into the blob store.
import { useId, useState, type ReactNode } from "react";
import { useAccount, useBlockNumber, useReadContract, useReadContracts } from "wagmi";
import { metagraphPrecompile, subnetsPrecompile } from "@/contracts/system-contracts";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { useSiwe } from "@/components/wallet/useSiwe";
import { useWalletSettings } from "@/components/wallet/WalletProviders";
import { sha256Hex } from "@/lib/wallet/amounts";
import { describeWalletError } from "@/lib/wallet/errors";
import "./portals.css";

/** Children only for a connected wallet on the right chain; otherwise what to do about it. */
export function RequireWallet({ children }: { children: ReactNode }) {
  const { status, chainId } = useAccount();
  const settings = useWalletSettings();
  if (status !== "connected") {
    return (
      <p className="portal-note" data-testid="connect-first">
        Connect a wallet (top right) to use this portal.
      </p>
    );
  }
  if (chainId !== settings.chain.id) {
    return (
      <p className="portal-note">
        <Badge tone="danger">Wrong network</Badge> Switch to {settings.chain.name} (top right) to continue.
      </p>
    );
  }
  return <>{children}</>;
}

export function ReadError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="portal-note" role="alert">
      {describeWalletError(error).message}
    </p>
  );
}

/** The chain's subnets as a select (falls back to a number field while the list is unavailable). */
export function SubnetSelect({
  value,
  onChange,
  label = "Subnet",
}: {
  value: number | null;
  onChange: (netuid: number) => void;
  label?: string;
}) {
  const netuids = useReadContract({ ...subnetsPrecompile, functionName: "getNetuids" });
  const list = netuids.data ? [...netuids.data].map(Number) : null;
  const id = useId();
  return (
    <div className="ui-field">
      <label className="ui-field-label" htmlFor={id}>
        {label}
      </label>
      {list !== null && list.length > 0 ? (
        <select
          id={id}
          className="portal-select"
          value={value ?? ""}
          onChange={(e) => onChange(Number(e.target.value))}
        >
          <option value="" disabled>
            Pick a subnet
          </option>
          {list.map((n) => (
            <option key={n} value={n}>
              Subnet {n}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          className="ui-input"
          inputMode="numeric"
          placeholder="netuid"
          value={value ?? ""}
          onChange={(e) => {
            const n = Number(e.target.value);
            if (Number.isInteger(n) && n >= 0 && n <= 65535) onChange(n);
          }}
        />
      )}
      {list !== null && list.length === 0 && <div className="ui-field-hint">No subnets exist yet.</div>}
      {netuids.error && <div className="ui-field-hint">{describeWalletError(netuids.error).message}</div>}
    </div>
  );
}

export interface UploadedBlob {
  sha256: `0x${string}`;
  size: number;
  uri: string;
}

/**
 * Hashes the file in the browser, then uploads it to /api/v1/uploads under that hash (the
 * server checks both): needs a SIWE session, which it offers to open.
 */
export function BlobUpload({
  accept,
  label,
  onUploaded,
}: {
  accept: string;
  label: string;
  onUploaded: (b: UploadedBlob) => void;
}) {
  const siwe = useSiwe();
  const inputId = useId();
  const [state, setState] = useState<{ busy: boolean; error: string | null; done: UploadedBlob | null }>({
    busy: false,
    error: null,
    done: null,
  });

  async function upload(file: File) {
    setState({ busy: true, error: null, done: null });
    try {
      const bytes = await file.arrayBuffer();
      const hash = await sha256Hex(bytes);
      const res = await fetch("/api/v1/uploads", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/octet-stream", "x-content-sha256": hash },
        body: bytes,
      });
      const body = (await res.json()) as { sha256?: string; size?: number; uri?: string; error?: string };
      if (!res.ok || !body.sha256) throw new Error(body.error ?? `upload answered ${res.status}`);
      const done = {
        sha256: `0x${body.sha256}` as const,
        size: body.size ?? file.size,
        uri: new URL(body.uri ?? "", window.location.origin).toString(),
      };
      setState({ busy: false, error: null, done });
      onUploaded(done);
    } catch (err) {
      setState({ busy: false, error: err instanceof Error ? err.message : String(err), done: null });
    }
  }

  if (!siwe.signedIn) {
    return (
      <div className="portal-form">
        <p className="portal-note">
          Uploads need a Sign-In with Ethereum session (a signature, not a transaction).
        </p>
        <Button variant="secondary" onClick={() => siwe.signIn.mutate()} disabled={siwe.signIn.isPending}>
          {siwe.signIn.isPending ? "Check your wallet…" : "Sign in with Ethereum"}
        </Button>
        {siwe.signIn.error && <p className="ui-field-error">{siwe.signIn.error.message}</p>}
      </div>
    );
  }
  return (
    <div className="ui-field">
      <label className="ui-field-label" htmlFor={inputId}>
        {label}
      </label>
      <input
        id={inputId}
        type="file"
        accept={accept}
        disabled={state.busy}
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void upload(f);
        }}
      />
      {state.busy && <div className="ui-field-hint">Hashing and uploading…</div>}
      {state.done && (
        <div className="ui-field-hint mono" data-testid="upload-done">
          Stored {state.done.size} bytes, sha256 {state.done.sha256}
        </div>
      )}
      {state.error && (
        <div className="ui-field-error" role="alert">
          {state.error}
        </div>
      )}
    </div>
  );
}

/** The subnets where the connected address holds a UID, with each UID's live neuron record. */
export function useMyNeurons() {
  const { address } = useAccount();
  const block = useBlockNumber({ watch: true });
  const netuids = useReadContract({ ...subnetsPrecompile, functionName: "getNetuids" });
  const list = netuids.data ? [...netuids.data] : [];
  const registered = useReadContracts({
    contracts: list.map((n) => ({
      ...metagraphPrecompile,
      functionName: "isRegistered" as const,
      args: [n, address!] as const,
    })),
    query: { enabled: address !== undefined && list.length > 0 },
  });
  const mine = list.filter((_, i) => registered.data?.[i]?.result === true);
  const uids = useReadContracts({
    contracts: mine.map((n) => ({
      ...metagraphPrecompile,
      functionName: "getUid" as const,
      args: [n, address!] as const,
    })),
    query: { enabled: mine.length > 0 },
  });
  const neurons = useReadContracts({
    contracts: mine.map((n, i) => ({
      ...metagraphPrecompile,
      functionName: "getNeuron" as const,
      args: [n, Number(uids.data?.[i]?.result ?? 0)] as const,
    })),
    query: { enabled: uids.data !== undefined, refetchInterval: 10_000 },
  });
  return { address, block, netuids, mine, neurons };
}
