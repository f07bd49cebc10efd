"use client";
// /staking: validators and delegates with their take, stake and an APR estimate from the
// last epoch's emission; stake and unstake; the unbonding queue and claiming it.
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { type Address } from "viem";
import {
  useAccount,
  useBlock,
  useBlockNumber,
  usePublicClient,
  useReadContract,
  useReadContracts,
} from "wagmi";
import { metagraphPrecompile, stakingPrecompile, subnetsPrecompile } from "@/contracts/system-contracts";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";
import { Input } from "@/components/ui/Input";
import { Table, type Column } from "@/components/ui/Table";
import { TxStatus } from "@/components/wallet/TxStatus";
import { useContractWrite } from "@/components/wallet/useContractWrite";
import { formatTen, shortHash } from "@/lib/explorer/format";
import { parseAddressInput, parseTenAmount } from "@/lib/wallet/amounts";
import { ReadError, RequireWallet } from "./common";
import { u16Percent } from "./format";
import { estimateApr, type EpochEarning } from "./apr";
import { rewardIntervals, sampleBlocks, type RewardInterval } from "./rewards";

const SAMPLE_BLOCKS = 100n;
/** Rewards history: this many blocks back (within the node's eth_getLogs range), in this many steps. */
const REWARDS_WINDOW = 7_200n;
const REWARDS_STEPS = 6;

export function StakingPortal() {
  const [hotkey, setHotkey] = useState("");
  return (
    <div className="portal">
      <p className="portal-intro">
        Delegate stake to a validator: it earns you a share of its dividends, minus its take. Unstaking starts
        an unbonding period.
      </p>
      <ValidatorsTable onPick={setHotkey} />
      <RequireWallet>
        <div className="portal-grid">
          <StakeCard hotkey={hotkey} setHotkey={setHotkey} />
          <PositionsCard />
        </div>
        <RewardsHistory />
      </RequireWallet>
    </div>
  );
}

/** Seconds per block measured over the last SAMPLE_BLOCKS blocks (the APR's time base). */
function useBlockTime(): number | undefined {
  const latest = useBlock({ query: { refetchInterval: 30_000 } });
  const earlier = useBlock({
    blockNumber: latest.data && latest.data.number > SAMPLE_BLOCKS ? latest.data.number - SAMPLE_BLOCKS : 0n,
    query: { enabled: latest.data !== undefined && latest.data.number > 0n },
  });
  if (!latest.data || !earlier.data || latest.data.number === earlier.data.number) return undefined;
  return (
    Number(latest.data.timestamp - earlier.data.timestamp) / Number(latest.data.number - earlier.data.number)
  );
}

function ValidatorsTable({ onPick }: { onPick: (hotkey: string) => void }) {
  const validators = useReadContract({
    ...stakingPrecompile,
    functionName: "getValidators",
    query: { refetchInterval: 15_000 },
  });
  const list = validators.data ?? [];
  const takes = useReadContracts({
    contracts: list.map((v) => ({
      ...stakingPrecompile,
      functionName: "getTake" as const,
      args: [v.hotkey] as const,
    })),
    query: { enabled: list.length > 0 },
  });
  const subnets = useReadContract({ ...subnetsPrecompile, functionName: "getSubnets" });
  const metagraphs = useReadContracts({
    contracts: (subnets.data ?? []).map((s) => ({
      ...metagraphPrecompile,
      functionName: "getMetagraph" as const,
      args: [s.netuid] as const,
    })),
    query: { enabled: (subnets.data ?? []).length > 0 },
  });
  const blockTime = useBlockTime();

  // Per hotkey: what it earned in each subnet's last epoch, and how long that epoch was.
  const earnings = useMemo(() => {
    const by = new Map<string, EpochEarning[]>();
    (subnets.data ?? []).forEach((s, i) => {
      const m = metagraphs.data?.[i]?.result;
      if (!m) return;
      m.hotkeys.forEach((hk, uid) => {
        const key = hk.toLowerCase();
        const list = by.get(key) ?? [];
        list.push({ emission: m.emission[uid] ?? 0n, tempoBlocks: s.hyperparameters.tempo });
        by.set(key, list);
      });
    });
    return by;
  }, [subnets.data, metagraphs.data]);

  const rows = list.map((v, i) => ({ v, take: takes.data?.[i]?.result }));
  return (
    <Card title="Validators">
      <ReadError error={validators.error} />
      <Table
        rowKey={(r) => r.v.hotkey}
        rows={rows}
        empty="No validator has registered a consensus key yet."
        columns={[
          { key: "hotkey", header: "Hotkey", mono: true, render: (r) => shortHash(r.v.hotkey) },
          {
            key: "status",
            header: "Status",
            render: (r) =>
              r.v.tombstoned ? (
                <Badge tone="danger">tombstoned</Badge>
              ) : r.v.jailedUntil > BigInt(Math.floor(Date.now() / 1000)) ? (
                <Badge tone="warning">jailed</Badge>
              ) : r.v.active ? (
                <Badge tone="success">active</Badge>
              ) : (
                <Badge>standby</Badge>
              ),
          },
          {
            key: "take",
            header: "Take",
            align: "right",
            render: (r) => (r.take === undefined ? "—" : u16Percent(r.take, 1)),
          },
          {
            key: "stake",
            header: "Total stake",
            align: "right",
            mono: true,
            render: (r) => formatTen(r.v.votingPower, { maxFractionDigits: 2 }),
          },
          {
            key: "self",
            header: "Self stake",
            align: "right",
            mono: true,
            render: (r) => formatTen(r.v.selfStake, { maxFractionDigits: 2 }),
          },
          {
            key: "apr",
            header: "APR (est.)",
            align: "right",
            render: (r) => {
              const apr = estimateApr({
                earnings: earnings.get(r.v.hotkey.toLowerCase()) ?? [],
                totalStake: r.v.votingPower,
                take: r.take ?? 0,
                secondsPerBlock: blockTime,
              });
              return apr === null ? "—" : `${(apr * 100).toFixed(2)}%`;
            },
          },
          {
            key: "pick",
            header: "",
            render: (r) => (
              <Button variant="ghost" onClick={() => onPick(r.v.hotkey)}>
                Delegate
              </Button>
            ),
          },
        ]}
      />
      <p className="portal-note">
        APR estimate: the hotkey's emission in each subnet's last epoch, annualised at the measured block
        time, minus the take, over its total stake. Past emission does not promise future rewards.
      </p>
    </Card>
  );
}

function StakeCard({ hotkey, setHotkey }: { hotkey: string; setHotkey: (h: string) => void }) {
  const [amount, setAmount] = useState("");
  const tx = useContractWrite();
  const hk = parseAddressInput(hotkey);
  const amt = parseTenAmount(amount);
  const ready = hk.ok && amt.ok && !tx.busy;
  // addStake pays the amount in; removeStake names it and starts its unbonding.
  const send = (functionName: "addStake" | "removeStake") => {
    if (!hk.ok || !amt.ok) return;
    void tx.write(
      functionName === "addStake"
        ? { ...stakingPrecompile, functionName, args: [hk.value], value: amt.value }
        : { ...stakingPrecompile, functionName, args: [hk.value, amt.value] },
    );
  };
  return (
    <Card title="Stake or unstake">
      <div className="portal-form">
        <Input
          label="Validator hotkey"
          value={hotkey}
          onChange={(e) => setHotkey(e.target.value)}
          placeholder="0x…"
          {...(hotkey !== "" && !hk.ok ? { error: hk.error } : {})}
        />
        <Input
          label="Amount (TEN)"
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          {...(amount !== "" && !amt.ok ? { error: amt.error } : {})}
        />
        <div className="portal-row">
          <Button disabled={!ready} onClick={() => send("addStake")}>
            Stake
          </Button>
          <Button variant="secondary" disabled={!ready} onClick={() => send("removeStake")}>
            Unstake
          </Button>
        </div>
        <TxStatus state={tx.state} />
      </div>
    </Card>
  );
}

/** A hotkey and an amount of TEN: the first columns of the stake and unbonding tables. */
function hotkeyAmountColumns<T extends { hotkey: Address; amount: bigint }>(
  hotkeyHeader: string,
  amountHeader: string,
): Column<T>[] {
  return [
    { key: "hotkey", header: hotkeyHeader, mono: true, render: (r) => shortHash(r.hotkey) },
    { key: "amount", header: amountHeader, align: "right", mono: true, render: (r) => formatTen(r.amount) },
  ];
}

function PositionsCard() {
  const { address } = useAccount();
  const block = useBlockNumber({ watch: true });
  const positions = useReadContract({
    ...stakingPrecompile,
    functionName: "getColdkeyStakes",
    args: [address as Address],
    query: { enabled: address !== undefined, refetchInterval: 10_000 },
  });
  const unbonding = useReadContract({
    ...stakingPrecompile,
    functionName: "getUnbonding",
    args: [address as Address],
    query: { enabled: address !== undefined, refetchInterval: 10_000 },
  });
  const tx = useContractWrite();
  const claimable = (unbonding.data ?? [])
    .filter((u) => block.data !== undefined && u.releaseBlock <= block.data)
    .reduce((s, u) => s + u.amount, 0n);
  return (
    <Card title="Your delegations">
      <div className="portal-form">
        <ReadError error={positions.error} />
        <Table
          rowKey={(p) => p.hotkey}
          rows={[...(positions.data ?? [])]}
          empty="No stake yet."
          columns={hotkeyAmountColumns("Hotkey", "Stake")}
        />
        <h3>Unbonding</h3>
        <Table
          rowKey={(u) => `${u.hotkey}:${u.releaseBlock}`}
          rows={[...(unbonding.data ?? [])]}
          empty="Nothing unbonding."
          columns={[
            ...hotkeyAmountColumns<NonNullable<typeof unbonding.data>[number]>("From", "Amount"),
            {
              key: "release",
              header: "Releases",
              align: "right",
              render: (u) =>
                block.data !== undefined && u.releaseBlock <= block.data ? (
                  <Badge tone="success">claimable</Badge>
                ) : (
                  `block ${u.releaseBlock} (${block.data !== undefined ? u.releaseBlock - block.data : "?"} to go)`
                ),
            },
          ]}
        />
        <Button
          variant="secondary"
          disabled={claimable === 0n || tx.busy}
          onClick={() => void tx.write({ ...stakingPrecompile, functionName: "claimUnbonded", args: [] })}
        >
          Claim {formatTen(claimable)}
        </Button>
        <TxStatus state={tx.state} />
      </div>
    </Card>
  );
}

interface DelegationRewards {
  hotkey: Address;
  stake: bigint;
  /** What the delegator itself added minus removed in the window. */
  netStaked: bigint;
  intervals: RewardInterval[];
}

/** Per delegation: what it earned over the last REWARDS_WINDOW blocks, step by step (./rewards.ts). */
function RewardsHistory() {
  const { address } = useAccount();
  const client = usePublicClient();
  const positions = useReadContract({
    ...stakingPrecompile,
    functionName: "getColdkeyStakes",
    args: [address as Address],
    query: { enabled: address !== undefined },
  });
  const hotkeys = (positions.data ?? []).map((p) => p.hotkey);
  const history = useQuery({
    queryKey: ["rewards-history", address, hotkeys],
    enabled: client !== undefined && address !== undefined && hotkeys.length > 0,
    refetchInterval: 30_000,
    queryFn: async (): Promise<DelegationRewards[]> => {
      const head = await client!.getBlockNumber();
      const blocks = sampleBlocks(head, REWARDS_WINDOW, REWARDS_STEPS);
      const fromBlock = blocks[0]!;
      return Promise.all(
        hotkeys.map(async (hotkey) => {
          const args = { coldkey: address!, hotkey };
          const [samples, added, removed] = await Promise.all([
            Promise.all(
              blocks.map(async (block) => ({
                block,
                stake: await client!.readContract({
                  ...stakingPrecompile,
                  functionName: "getStake",
                  args: [hotkey, address!],
                  blockNumber: block,
                }),
              })),
            ),
            client!.getContractEvents({
              ...stakingPrecompile,
              eventName: "StakeAdded",
              args,
              fromBlock,
              toBlock: head,
            }),
            client!.getContractEvents({
              ...stakingPrecompile,
              eventName: "StakeRemoved",
              args,
              fromBlock,
              toBlock: head,
            }),
          ]);
          const flows = [
            ...added.map((l) => ({ block: l.blockNumber, amount: l.args.amount! })),
            ...removed.map((l) => ({ block: l.blockNumber, amount: -l.args.amount! })),
          ];
          // Flows in the first sample's block are inside its stake already.
          const netStaked = flows.filter((f) => f.block > fromBlock).reduce((s, f) => s + f.amount, 0n);
          return {
            hotkey,
            stake: samples.at(-1)!.stake,
            netStaked,
            intervals: rewardIntervals(samples, flows),
          };
        }),
      );
    },
  });
  return (
    <Card title="Rewards history">
      <div className="portal-form">
        <ReadError error={positions.error ?? history.error} />
        <Table
          rowKey={(r) => r.hotkey}
          rows={history.data ?? []}
          empty={hotkeys.length === 0 ? "No delegations yet." : "Reading the history…"}
          columns={[
            { key: "hotkey", header: "Validator", mono: true, render: (r) => shortHash(r.hotkey) },
            {
              key: "stake",
              header: "Stake now",
              align: "right",
              mono: true,
              render: (r) => formatTen(r.stake),
            },
            {
              key: "net",
              header: "You staked (net)",
              align: "right",
              mono: true,
              render: (r) => formatTen(r.netStaked),
            },
            {
              key: "earned",
              header: "Rewards",
              align: "right",
              mono: true,
              render: (r) =>
                formatTen(
                  r.intervals.reduce((s, i) => s + i.reward, 0n),
                  { maxFractionDigits: 6 },
                ),
            },
            {
              key: "steps",
              header: "By period (blocks)",
              render: (r) =>
                r.intervals.length === 0
                  ? "—"
                  : r.intervals
                      .map(
                        (i) =>
                          `${i.fromBlock + 1n}–${i.toBlock}: ${formatTen(i.reward, { maxFractionDigits: 4 })}`,
                      )
                      .join(" · "),
            },
          ]}
        />
        <p className="portal-note">
          Over the last {REWARDS_WINDOW.toString()} blocks: the change of each position not explained by your
          own stakes and unstakes (dividends after the validator's take; a slash shows as negative).
        </p>
      </div>
    </Card>
  );
}
