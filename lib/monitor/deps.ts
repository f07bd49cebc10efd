// The monitor wired to the process's configuration: the configured database and nodes, the
// faucet's sender (when the faucet is enabled) and the app's URL for webhook links.
import { privateKeyToAccount } from "viem/accounts";
import { getConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { getFaucetConfig } from "@/lib/faucet/config";
import type { MonitorDeps } from "./check";
import { getMonitorConfig } from "./config";

export function defaultMonitorDeps(): MonitorDeps {
  const app = getConfig();
  let faucet: MonitorDeps["faucet"] = null;
  if (app.faucet.enabled) {
    const f = getFaucetConfig();
    faucet = {
      address: privateKeyToAccount(f.privateKey).address.toLowerCase(),
      minBalanceWei: f.minBalanceWei,
    };
  }
  return { prisma: getPrisma(), config: getMonitorConfig(), faucet, appUrl: app.app.url };
}
