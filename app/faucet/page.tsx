// The testnet faucet: the claim form (proof of work solved in the browser) and the faucet's
// figures. A paused sender (balance under its threshold) or a disabled faucet is said plainly
// and the form is switched off, instead of letting claims fail one by one.
import type { Metadata } from "next";
import { Card } from "@/components/ui/Card";
import { Stat } from "@/components/ui/Stat";
import { AddressLink } from "@/components/explorer/Links";
import { getConfig } from "@/lib/config";
import { formatNumber, formatTen } from "@/lib/explorer/format";
import { getFaucet } from "@/lib/faucet/instance";
import type { FaucetStats } from "@/lib/faucet/faucet";
import { FaucetForm } from "./FaucetForm";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Faucet" };

export default async function FaucetPage() {
  const { faucet, chain } = getConfig();
  let stats: FaucetStats | null = null;
  let statsError: string | null = null;
  if (faucet.enabled) {
    try {
      stats = await getFaucet().stats();
    } catch (err) {
      statsError = (err as Error).message.split("\n")[0]!;
    }
  }
  const amount = formatTen(faucet.amountWei);
  const disabledReason = !faucet.enabled
    ? "The faucet is disabled on this network."
    : stats?.paused
      ? "The faucet is paused: its balance is below the threshold it keeps. Claims resume once it is funded."
      : null;
  return (
    <>
      <h1 className="page-title">Faucet</h1>
      <Card title={`Get test TEN on ${chain.name}`}>
        {disabledReason !== null && (
          <div className="ui-alert" role="alert" data-testid="faucet-paused" style={{ marginBottom: "1rem" }}>
            {disabledReason}
            {stats?.paused && <div className="muted">{stats.paused}</div>}
          </div>
        )}
        <FaucetForm amount={amount} disabledReason={disabledReason} />
      </Card>
      {faucet.enabled && (
        <Card title="Faucet figures">
          {stats === null ? (
            <p className="muted">Figures unavailable: {statsError}</p>
          ) : (
            <>
              <div className="ui-stat-grid" data-testid="faucet-stats">
                <Stat
                  label="Claims"
                  value={formatNumber(stats.claims)}
                  hint={`${formatNumber(stats.pending)} pending, ${formatNumber(stats.failed)} failed`}
                  testId="faucet-claims"
                />
                <Stat
                  label="Tokens sent"
                  value={formatTen(stats.tokensSent, { maxFractionDigits: 4 })}
                  testId="faucet-sent"
                />
                <Stat
                  label="Unique addresses"
                  value={formatNumber(stats.uniqueAddresses)}
                  testId="faucet-unique"
                />
              </div>
              <p className="muted" style={{ marginBottom: 0 }}>
                Sent from <AddressLink address={stats.sender} full />. {amount} per claim, one claim per
                address every {formatNumber(faucet.cooldownSeconds / 3600, 1)} h.
              </p>
            </>
          )}
        </Card>
      )}
    </>
  );
}
