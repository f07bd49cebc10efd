import Link from "next/link";
import { Badge } from "@/components/ui/Badge";
import { Card } from "@/components/ui/Card";
import { Stat } from "@/components/ui/Stat";
import { Table } from "@/components/ui/Table";
import { formatNumber, formatTen } from "@/lib/explorer/format";
import type { Live, LiveAccount } from "@/lib/explorer/live";
import type { loadAddressPage } from "@/lib/explorer/queries";
import { AddressLink, BlockLink, ShortHash } from "./Links";
import { Pager } from "./Pager";
import { TxTable } from "./TxTable";
import { ValidatorStatusBadge } from "./ValidatorsTable";

type AddressPage = Awaited<ReturnType<typeof loadAddressPage>>;

export function AddressDetails({
  address,
  data,
  live,
  firstPage,
  precompile,
}: {
  address: string;
  data: AddressPage;
  live: Live<LiveAccount>;
  firstPage: boolean;
  precompile: string | null;
}) {
  const { account, txs, validator, neurons, ownedValidators } = data;
  const isContract = live.ok ? live.value.codeSize > 0 : (account?.isContract ?? false);
  return (
    <>
      <Card
        title="Overview"
        actions={
          precompile ? (
            <Badge tone="info">{precompile} precompile</Badge>
          ) : isContract ? (
            <Badge tone="info">contract</Badge>
          ) : (
            <Badge>account</Badge>
          )
        }
      >
        <p className="mono" style={{ marginTop: 0 }} data-testid="address">
          {address}
        </p>
        <div className="ui-stat-grid">
          <Stat
            label="Balance"
            testId="address-balance"
            value={
              live.ok
                ? formatTen(live.value.balance, { maxFractionDigits: 6 })
                : account
                  ? formatTen(account.balance, { maxFractionDigits: 6 })
                  : "—"
            }
            hint={
              live.ok
                ? "live from the node"
                : account
                  ? `node unreachable; indexed at block ${account.balanceBlock}`
                  : `node unreachable: ${live.error}`
            }
          />
          <Stat
            label="Transactions"
            value={formatNumber(account?.txCount ?? 0)}
            hint={
              account ? (
                <>
                  first seen <BlockLink number={account.firstSeenBlock} />
                </>
              ) : (
                "none indexed"
              )
            }
          />
          <Stat label="Nonce" value={live.ok ? formatNumber(live.value.nonce) : "—"} />
          <Stat label="Code size" value={live.ok ? `${formatNumber(live.value.codeSize)} bytes` : "—"} />
        </div>
      </Card>
      {live.ok && live.value.stakes.length > 0 && (
        <Card title="Stake (as coldkey)">
          <Table
            rows={live.value.stakes}
            rowKey={(p) => p.hotkey}
            columns={[
              { key: "hotkey", header: "Hotkey", render: (p) => <AddressLink address={p.hotkey} /> },
              {
                key: "amount",
                header: "Stake",
                align: "right",
                mono: true,
                render: (p) => formatTen(p.amount, { maxFractionDigits: 4 }),
              },
            ]}
          />
        </Card>
      )}
      {validator && (
        <Card title="Validator" actions={<ValidatorStatusBadge status={validator.status} />}>
          <div className="ui-stat-grid">
            <Stat label="Moniker" value={validator.moniker ?? "—"} />
            <Stat label="Stake" value={formatTen(validator.stake, { maxFractionDigits: 4 })} />
            <Stat label="Voting power" value={formatNumber(validator.votingPower)} />
          </div>
          <p className="muted" style={{ marginBottom: 0 }}>
            Coldkey <AddressLink address={validator.coldkey} full />
          </p>
        </Card>
      )}
      {ownedValidators.length > 0 && (
        <Card title="Validators owned (coldkey)">
          <Table
            rows={ownedValidators}
            rowKey={(v) => v.hotkey}
            columns={[
              {
                key: "hotkey",
                header: "Hotkey",
                render: (v) => <AddressLink address={v.hotkey} label={v.moniker} />,
              },
              { key: "status", header: "Status", render: (v) => <ValidatorStatusBadge status={v.status} /> },
              {
                key: "stake",
                header: "Stake",
                align: "right",
                mono: true,
                render: (v) => formatTen(v.stake, { maxFractionDigits: 4 }),
              },
            ]}
          />
        </Card>
      )}
      {neurons.length > 0 && (
        <Card title="Neurons">
          <Table
            rows={neurons}
            rowKey={(n) => `${n.netuid}/${n.uid}`}
            columns={[
              {
                key: "neuron",
                header: "Subnet / UID",
                render: (n) => (
                  <Link href={`/subnets/${n.netuid}/neurons/${n.uid}`}>
                    {n.netuid}/{n.uid}
                  </Link>
                ),
              },
              { key: "role", header: "Role", render: (n) => (n.hotkey === address ? "hotkey" : "coldkey") },
              { key: "hotkey", header: "Hotkey", render: (n) => <AddressLink address={n.hotkey} /> },
              {
                key: "validator",
                header: "Validator",
                render: (n) =>
                  n.isValidator ? <Badge tone="info">validator</Badge> : <span className="muted">miner</span>,
              },
              { key: "model", header: "Model", render: (n) => <ShortHash value={n.modelHash} /> },
            ]}
          />
        </Card>
      )}
      <Card title="Transactions">
        <TxTable txs={txs.items} highlight={address} />
        <Pager
          newerHref={firstPage ? null : `/address/${address}`}
          olderHref={txs.nextCursor === null ? null : `/address/${address}?cursor=${txs.nextCursor}`}
        />
      </Card>
    </>
  );
}
