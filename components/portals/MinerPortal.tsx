"use client";
// /miner: pick a subnet, see its live registration burn, register a hotkey, publish a model
// (upload → content-addressed store → publishModel) or serve an endpoint, and follow every UID
// the connected wallet holds.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { zeroHash, type Hex } from "viem";
import { useAccount, useReadContract, useReadContracts } from "wagmi";
import { neuronsPrecompile, subnetsPrecompile } from "@/contracts/system-contracts";
import { loadUidHistory } from "@/app/miner/actions";
import { TimeSeriesChart } from "@/components/explorer/charts/TimeSeriesChart";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";
import { Input } from "@/components/ui/Input";
import { Stat } from "@/components/ui/Stat";
import { Table } from "@/components/ui/Table";
import { TxStatus } from "@/components/wallet/TxStatus";
import { useContractWrite } from "@/components/wallet/useContractWrite";
import { formatTen } from "@/lib/explorer/format";
import { parseAddressInput, parseEndpoint } from "@/lib/wallet/amounts";
import { BlobUpload, ReadError, RequireWallet, SubnetSelect, useMyNeurons, type UploadedBlob } from "./common";
import { u16Percent } from "./format";

export function MinerPortal() {
  const [netuid, setNetuid] = useState<number | null>(null);
  return (
    <div className="portal">
      <p className="portal-intro">
        Register a hotkey on a subnet, publish your model or serve an endpoint, and follow your UIDs.
      </p>
      <RequireWallet>
        <Card title="Subnet">
          <SubnetSelect value={netuid} onChange={setNetuid} />
        </Card>
        {netuid !== null && (
          <div className="portal-grid">
            <RegisterCard netuid={netuid} />
            <PublishModelCard netuid={netuid} />
            <ServeAxonCard netuid={netuid} />
          </div>
        )}
        <MyNeurons />
      </RequireWallet>
    </div>
  );
}

function RegisterCard({ netuid }: { netuid: number }) {
  const { address } = useAccount();
  const burn = useReadContract({
    ...neuronsPrecompile,
    functionName: "getBurn",
    args: [netuid],
    query: { refetchInterval: 5_000 },
  });
  const [hotkey, setHotkey] = useState("");
  const [touched, setTouched] = useState(false);
  const tx = useContractWrite();
  const parsed = parseAddressInput(hotkey || (address ?? ""));
  return (
    <Card title="Register a hotkey">
      <div className="portal-form">
        <Stat
          label="Registration cost (burned)"
          value={burn.data !== undefined ? formatTen(burn.data) : "—"}
          testId="burn-cost"
          hint="Live: rises with each registration, decays over time."
        />
        <ReadError error={burn.error} />
        <Input
          label="Hotkey"
          placeholder={address}
          value={hotkey}
          onChange={(e) => setHotkey(e.target.value)}
          onBlur={() => setTouched(true)}
          hint="Defaults to the connected address."
          {...(touched && !parsed.ok ? { error: parsed.error } : {})}
        />
        <Button
          disabled={!parsed.ok || burn.data === undefined || tx.busy}
          onClick={() =>
            parsed.ok &&
            burn.data !== undefined &&
            void tx.write({
              ...neuronsPrecompile,
              functionName: "burnedRegister",
              args: [netuid, parsed.value],
              value: burn.data,
            })
          }
        >
          Register (burn {burn.data !== undefined ? formatTen(burn.data) : "…"})
        </Button>
        <TxStatus state={tx.state} />
      </div>
    </Card>
  );
}

function PublishModelCard({ netuid }: { netuid: number }) {
  const [blob, setBlob] = useState<UploadedBlob | null>(null);
  const [parent, setParent] = useState("");
  const tx = useContractWrite();
  const parentOk = parent === "" || /^0x[0-9a-fA-F]{64}$/.test(parent);
  return (
    <Card title="Publish a model">
      <div className="portal-form">
        <BlobUpload accept=".onnx,application/octet-stream" label="ONNX model" onUploaded={setBlob} />
        <Input
          label="Fine-tuned from (optional)"
          placeholder="0x… sha256 of the parent model"
          value={parent}
          onChange={(e) => setParent(e.target.value.trim())}
          {...(parentOk ? {} : { error: "Enter a 32-byte hex hash or leave empty." })}
        />
        <Button
          disabled={blob === null || !parentOk || tx.busy}
          onClick={() =>
            blob &&
            void tx.write({
              ...neuronsPrecompile,
              functionName: "publishModel",
              args: [netuid, blob.sha256, blob.uri, (parent || zeroHash) as Hex],
            })
          }
        >
          Publish model
        </Button>
        <TxStatus state={tx.state} />
      </div>
    </Card>
  );
}

function ServeAxonCard({ netuid }: { netuid: number }) {
  const [endpoint, setEndpoint] = useState("");
  const tx = useContractWrite();
  const parsed = parseEndpoint(endpoint);
  return (
    <Card title="Serve an endpoint">
      <div className="portal-form">
        <Input
          label="Endpoint"
          placeholder="https://miner.example.org:8091"
          value={endpoint}
          onChange={(e) => setEndpoint(e.target.value)}
          {...(endpoint !== "" && !parsed.ok ? { error: parsed.error } : {})}
        />
        <Button
          disabled={!parsed.ok || tx.busy}
          onClick={() =>
            parsed.ok &&
            void tx.write({ ...neuronsPrecompile, functionName: "serveAxon", args: [netuid, parsed.value] })
          }
        >
          Serve axon
        </Button>
        <TxStatus state={tx.state} />
      </div>
    </Card>
  );
}

/** Every UID the connected address holds, across subnets, with its live figures. */
function MyNeurons() {
  const { block, netuids, mine, neurons } = useMyNeurons();
  const hyper = useReadContracts({
    contracts: mine.map((n) => ({
      ...subnetsPrecompile,
      functionName: "getHyperparameters" as const,
      args: [n] as const,
    })),
    query: { enabled: mine.length > 0 },
  });
  const rows = mine.flatMap((netuid, i) => {
    const n = neurons.data?.[i]?.result;
    const h = hyper.data?.[i]?.result;
    if (!n) return [];
    const immunityEnd = h ? n.registeredAt + BigInt(h.immunityPeriod) : undefined;
    const immunityLeft =
      immunityEnd !== undefined && block.data !== undefined
        ? immunityEnd > block.data
          ? immunityEnd - block.data
          : 0n
        : undefined;
    return [{ netuid, n, immunityLeft }];
  });
  return (
    <Card title="Your UIDs">
      <ReadError error={netuids.error} />
      <Table
        rowKey={(r) => `${r.netuid}:${r.n.uid}`}
        rows={rows}
        empty="This address holds no UID yet."
        columns={[
          { key: "subnet", header: "Subnet", render: (r) => r.netuid },
          { key: "uid", header: "UID", render: (r) => r.n.uid },
          { key: "incentive", header: "Incentive", align: "right", render: (r) => u16Percent(r.n.incentive) },
          { key: "rank", header: "Rank", align: "right", render: (r) => u16Percent(r.n.rank) },
          {
            key: "emission",
            header: "Emission / epoch",
            align: "right",
            mono: true,
            render: (r) => formatTen(r.n.emission, { maxFractionDigits: 4 }),
          },
          {
            key: "immunity",
            header: "Immunity left",
            align: "right",
            render: (r) =>
              r.immunityLeft === undefined ? (
                "—"
              ) : r.immunityLeft === 0n ? (
                <Badge tone="warning">none</Badge>
              ) : (
                `${r.immunityLeft} blocks`
              ),
          },
          {
            key: "model",
            header: "Model",
            mono: true,
            render: (r) => (r.n.modelHash === zeroHash ? "—" : `${r.n.modelHash.slice(0, 10)}…`),
          },
          {
            key: "history",
            header: "History",
            render: (r) => <Link href={`/subnets/${r.netuid}/neurons/${r.n.uid}`}>charts</Link>,
          },
        ]}
      />
      {rows.map((r) => (
        <UidHistory key={`${r.netuid}:${r.n.uid}`} netuid={r.netuid} uid={r.n.uid} />
      ))}
    </Card>
  );
}

/** Incentive and emission per epoch of one UID, from the indexer's metagraph snapshots. */
function UidHistory({ netuid, uid }: { netuid: number; uid: number }) {
  const history = useQuery({
    queryKey: ["uid-history", netuid, uid],
    refetchInterval: 30_000,
    queryFn: () => loadUidHistory(netuid, uid),
  });
  const points = history.data ?? [];
  return (
    <div className="portal-form" data-testid={`uid-history-${netuid}-${uid}`}>
      <h3>
        Subnet {netuid} · UID {uid}: history
      </h3>
      {history.error && <p className="portal-note">{history.error.message}</p>}
      <TimeSeriesChart
        testId={`uid-incentive-${netuid}-${uid}`}
        yLabel="Incentive"
        height={180}
        data={points.map((p) => ({ x: p.block, y: p.incentive }))}
      />
      <TimeSeriesChart
        testId={`uid-emission-${netuid}-${uid}`}
        yLabel="Emission"
        unit="TEN"
        height={180}
        data={points.map((p) => ({ x: p.block, y: p.emissionTen }))}
      />
    </div>
  );
}
