"use client";
// /validator: register as a chain validator (consensus key), its stake and take, its standing
// on each subnet (permit, trust, dividends, weights last set, commit-reveal state), and the
// worker keys that run its evaluations (registered with a signed message, not a transaction).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { zeroHash, type Address } from "viem";
import { useAccount, useReadContract, useReadContracts, useSignMessage } from "wagmi";
import { neuronsPrecompile, stakingPrecompile } from "@/contracts/system-contracts";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";
import { Input } from "@/components/ui/Input";
import { Stat } from "@/components/ui/Stat";
import { Table } from "@/components/ui/Table";
import { TxStatus } from "@/components/wallet/TxStatus";
import { useContractWrite } from "@/components/wallet/useContractWrite";
import { formatTen, shortHash } from "@/lib/explorer/format";
import { loadValidatorEvaluations } from "@/app/validator/actions";
import { workerKeyMessage } from "@/lib/jobs/worker-keys";
import { parseAddressInput, parseConsensusKey } from "@/lib/wallet/amounts";
import { describeWalletError } from "@/lib/wallet/errors";
import { ReadError, RequireWallet, useMyNeurons } from "./common";
import { u16Percent } from "./format";

const U16_MAX = 65535;

export function ValidatorPortal() {
  return (
    <div className="portal">
      <p className="portal-intro">
        Run a chain validator and evaluate subnets: your registration, stake, per-subnet standing and
        evaluation workers.
      </p>
      <RequireWallet>
        <div className="portal-grid">
          <ValidatorCard />
          <TakeCard />
        </div>
        <SubnetStanding />
        <WorkerKeys />
        <EvaluationReceipts />
      </RequireWallet>
    </div>
  );
}

function ValidatorCard() {
  const { address } = useAccount();
  const info = useReadContract({
    ...stakingPrecompile,
    functionName: "getValidator",
    args: [address as Address],
    query: { enabled: address !== undefined, retry: false },
  });
  const total = useReadContract({
    ...stakingPrecompile,
    functionName: "getTotalStake",
    args: [address as Address],
    query: { enabled: address !== undefined },
  });
  const [key, setKey] = useState("");
  const parsed = parseConsensusKey(key);
  const tx = useContractWrite();
  const v = info.data;
  return (
    <Card title="Chain validator">
      <div className="portal-form">
        {v ? (
          <div className="portal-stats">
            <Stat
              label="Status"
              value={
                v.tombstoned ? (
                  <Badge tone="danger">tombstoned</Badge>
                ) : v.active ? (
                  <Badge tone="success">active</Badge>
                ) : (
                  <Badge>standby</Badge>
                )
              }
            />
            <Stat label="Voting power" value={formatTen(v.votingPower, { maxFractionDigits: 2 })} />
            <Stat label="Self stake" value={formatTen(v.selfStake, { maxFractionDigits: 2 })} />
            <Stat
              label="Delegated"
              value={formatTen(v.votingPower - v.selfStake, { maxFractionDigits: 2 })}
            />
            <Stat
              label="Jailed until"
              value={
                v.jailedUntil === 0n ? "never jailed" : new Date(Number(v.jailedUntil) * 1000).toISOString()
              }
            />
          </div>
        ) : (
          <>
            <p className="portal-note">
              Not registered as a chain validator. Your stake on this hotkey: {formatTen(total.data)}.
            </p>
            <Input
              label="Consensus key"
              placeholder="0x02…"
              value={key}
              onChange={(e) => setKey(e.target.value)}
              {...(key !== "" && !parsed.ok ? { error: parsed.error } : {})}
            />
            <Button
              disabled={!parsed.ok || tx.busy}
              onClick={() =>
                parsed.ok &&
                void tx.write({
                  ...stakingPrecompile,
                  functionName: "registerValidator",
                  args: [parsed.value],
                })
              }
            >
              Register validator
            </Button>
          </>
        )}
        {v && v.jailedUntil > BigInt(Math.floor(Date.now() / 1000)) && (
          <Button
            variant="secondary"
            disabled={tx.busy}
            onClick={() => void tx.write({ ...stakingPrecompile, functionName: "unjail", args: [] })}
          >
            Unjail
          </Button>
        )}
        <TxStatus state={tx.state} />
      </div>
    </Card>
  );
}

function TakeCard() {
  const { address } = useAccount();
  const take = useReadContract({
    ...stakingPrecompile,
    functionName: "getTake",
    args: [address as Address],
    query: { enabled: address !== undefined },
  });
  const [percent, setPercent] = useState("");
  const tx = useContractWrite();
  const p = Number(percent);
  const valid = percent !== "" && Number.isFinite(p) && p >= 0 && p <= 100;
  return (
    <Card title="Delegation take">
      <div className="portal-form">
        <Stat label="Current take" value={take.data === undefined ? "—" : u16Percent(take.data, 1)} />
        <ReadError error={take.error} />
        <Input
          label="New take (%)"
          inputMode="decimal"
          value={percent}
          onChange={(e) => setPercent(e.target.value)}
          hint="The chain caps it and rate-limits changes."
          {...(percent !== "" && !valid ? { error: "Enter 0 to 100." } : {})}
        />
        <Button
          disabled={!valid || tx.busy || address === undefined}
          onClick={() =>
            valid &&
            address &&
            void tx.write({
              ...stakingPrecompile,
              functionName: "setTake",
              args: [address, Math.round((p / 100) * U16_MAX)],
            })
          }
        >
          Set take
        </Button>
        <TxStatus state={tx.state} />
      </div>
    </Card>
  );
}

function SubnetStanding() {
  const { address, block, netuids, mine, neurons } = useMyNeurons();
  const commits = useReadContracts({
    contracts: mine.map((n) => ({
      ...neuronsPrecompile,
      functionName: "getCommit" as const,
      args: [n, address!] as const,
    })),
    query: { enabled: mine.length > 0 },
  });
  const rows = mine.flatMap((netuid, i) => {
    const n = neurons.data?.[i]?.result;
    return n ? [{ netuid, n, commit: commits.data?.[i]?.result }] : [];
  });
  const commitState = (c: (typeof rows)[number]["commit"]) => {
    if (!c || c.commitHash === zeroHash) return "none";
    if (block.data === undefined) return "committed";
    if (block.data < c.revealFromBlock) return `committed, reveal from block ${c.revealFromBlock}`;
    if (block.data <= c.revealUntilBlock)
      return <Badge tone="warning">reveal now (until {c.revealUntilBlock.toString()})</Badge>;
    return <Badge tone="danger">reveal window missed</Badge>;
  };
  return (
    <Card title="Standing per subnet">
      <ReadError error={netuids.error} />
      <Table
        rowKey={(r) => String(r.netuid)}
        rows={rows}
        empty="This hotkey holds no UID on any subnet."
        columns={[
          { key: "subnet", header: "Subnet", render: (r) => r.netuid },
          { key: "uid", header: "UID", render: (r) => r.n.uid },
          {
            key: "permit",
            header: "Validator permit",
            render: (r) => (r.n.validatorPermit ? <Badge tone="success">yes</Badge> : <Badge>no</Badge>),
          },
          { key: "trust", header: "Validator trust", align: "right", render: (r) => u16Percent(r.n.trust) },
          { key: "dividends", header: "Dividends", align: "right", render: (r) => u16Percent(r.n.dividends) },
          {
            key: "emission",
            header: "Emission / epoch",
            align: "right",
            mono: true,
            render: (r) => formatTen(r.n.emission, { maxFractionDigits: 4 }),
          },
          {
            key: "updated",
            header: "Weights last set",
            align: "right",
            render: (r) => (r.n.lastUpdate === 0n ? "never" : `block ${r.n.lastUpdate}`),
          },
          { key: "commit", header: "Commit-reveal", render: (r) => commitState(r.commit) },
        ]}
      />
    </Card>
  );
}

interface WorkerKeyRow {
  worker: string;
  createdAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
}

/** Online when the worker polled within this long. */
const WORKER_ONLINE_MS = 5 * 60_000;

function WorkerKeys() {
  const { address } = useAccount();
  const queryClient = useQueryClient();
  const { signMessageAsync } = useSignMessage();
  const [worker, setWorker] = useState("");
  const [status, setStatus] = useState<{ error: string | null; busy: boolean }>({ error: null, busy: false });
  const keys = useQuery({
    queryKey: ["worker-keys", address],
    enabled: address !== undefined,
    refetchInterval: 30_000,
    queryFn: async () => {
      const res = await fetch(`/api/v1/worker-keys?validator=${address}`);
      const body = (await res.json()) as { keys?: WorkerKeyRow[]; error?: string };
      if (!res.ok) throw new Error(body.error ?? `worker keys answered ${res.status}`);
      return body.keys ?? [];
    },
  });
  const parsed = parseAddressInput(worker);

  async function send(action: "register" | "revoke", w: string) {
    if (!address) return;
    setStatus({ error: null, busy: true });
    try {
      const m = { action, worker: w, validator: address, timestamp: Date.now() };
      let signature: string;
      try {
        signature = await signMessageAsync({ message: workerKeyMessage(m) });
      } catch (err) {
        throw new Error(describeWalletError(err).message);
      }
      const res = await fetch("/api/v1/worker-keys", {
        method: action === "register" ? "POST" : "DELETE",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...m, signature }),
      });
      const body = (await res.json()) as { error?: string };
      if (!res.ok) throw new Error(body.error ?? `worker keys answered ${res.status}`);
      setStatus({ error: null, busy: false });
      if (action === "register") setWorker("");
      await queryClient.invalidateQueries({ queryKey: ["worker-keys", address] });
    } catch (err) {
      setStatus({ error: err instanceof Error ? err.message : String(err), busy: false });
    }
  }

  return (
    <Card title="Worker keys">
      <div className="portal-form">
        <p className="portal-note">
          Workers sign their job requests with these keys; you authorise each with a signature (no
          transaction). Registering needs a validator permit on some subnet.
        </p>
        <Table
          rowKey={(k) => k.worker}
          rows={keys.data ?? []}
          empty={keys.error ? keys.error.message : "No worker keys yet."}
          columns={[
            { key: "worker", header: "Worker", mono: true, render: (k) => shortHash(k.worker) },
            {
              key: "health",
              header: "Health",
              render: (k) =>
                k.revokedAt ? (
                  <Badge tone="danger">revoked</Badge>
                ) : k.lastSeenAt === null ? (
                  <Badge>never seen</Badge>
                ) : Date.now() - Date.parse(k.lastSeenAt) < WORKER_ONLINE_MS ? (
                  <Badge tone="success">online</Badge>
                ) : (
                  <Badge tone="warning">offline since {new Date(k.lastSeenAt).toLocaleString()}</Badge>
                ),
            },
            { key: "added", header: "Added", render: (k) => new Date(k.createdAt).toLocaleString() },
            {
              key: "revoke",
              header: "",
              render: (k) =>
                k.revokedAt ? null : (
                  <Button
                    variant="ghost"
                    disabled={status.busy}
                    onClick={() => void send("revoke", k.worker)}
                  >
                    Remove
                  </Button>
                ),
            },
          ]}
        />
        <div className="portal-row">
          <Input
            label="Worker address"
            placeholder="0x…"
            value={worker}
            onChange={(e) => setWorker(e.target.value)}
            {...(worker !== "" && !parsed.ok ? { error: parsed.error } : {})}
          />
          <Button
            disabled={!parsed.ok || status.busy}
            onClick={() => parsed.ok && void send("register", parsed.value)}
          >
            Add worker key
          </Button>
        </div>
        {status.error && (
          <p className="ui-field-error" role="alert">
            {status.error}
          </p>
        )}
      </div>
    </Card>
  );
}

/** What this validator's workers evaluated: signed receipts from the job queue, newest first. */
function EvaluationReceipts() {
  const { address } = useAccount();
  const evals = useQuery({
    queryKey: ["evaluations", address],
    enabled: address !== undefined,
    refetchInterval: 30_000,
    queryFn: () => loadValidatorEvaluations(address!),
  });
  const jobs = Object.entries(evals.data?.jobs ?? {});
  return (
    <Card title="Evaluation receipts">
      <div className="portal-form">
        <p className="portal-note" data-testid="evaluation-jobs">
          Jobs for this validator:{" "}
          {jobs.length === 0 ? "none yet" : jobs.map(([status, n]) => `${n} ${status}`).join(", ")}.
        </p>
        {evals.data && (
          <p className="portal-note" data-testid="queue-health">
            Oldest waiting job: {Math.round(evals.data.oldestReadySeconds)} s · finished in the last hour:{" "}
            {evals.data.finishedLastHour}
          </p>
        )}
        <Table
          rowKey={(r) => r.id}
          rows={evals.data?.receipts ?? []}
          empty={evals.error ? evals.error.message : "No evaluation receipts yet."}
          columns={[
            { key: "subnet", header: "Subnet", render: (r) => r.netuid },
            { key: "uid", header: "UID", render: (r) => r.uid },
            { key: "model", header: "Model", mono: true, render: (r) => shortHash(r.modelHash) },
            {
              key: "score",
              header: "Score",
              align: "right",
              render: (r) => `${r.metric} ${r.value.toFixed(2)}`,
            },
            { key: "worker", header: "Worker", mono: true, render: (r) => shortHash(r.workerAddress) },
            { key: "block", header: "Block", align: "right", render: (r) => r.blockNumber },
          ]}
        />
      </div>
    </Card>
  );
}
