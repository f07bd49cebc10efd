// Test support (not imported by app code): the wallet side of WalletConnect, as a phone wallet
// would run it, in the test process: a real @walletconnect/sign-client on the given relay
// pairs with the URI the dApp shows, approves the session for one account on one chain, and
// answers the dApp's requests with a local key (lib/test/test-wallet.ts's keySigner: signed
// here, sent to the dev node). Its state lives in memory, not in files.
import { SignClient } from "@walletconnect/sign-client";
import type { IKeyValueStorage } from "@walletconnect/keyvaluestorage";
import type { Hex } from "viem";
import { keySigner, type Reply } from "./test-wallet";

export interface WalletConnectWallet {
  address: Hex;
  /** Methods the dApp asked of the wallet over the session, in order. */
  requests: string[];
  /** Pairs with a `wc:` URI; the session proposal that follows is approved. */
  pair(uri: string): Promise<void>;
  /** Topics of the sessions approved and not ended by the dApp since. */
  sessions(): string[];
  stop(): Promise<void>;
}

const METHODS = [
  "eth_sendTransaction",
  "personal_sign",
  "wallet_switchEthereumChain",
  "wallet_addEthereumChain",
];

function memoryStorage(): IKeyValueStorage {
  const m = new Map<string, unknown>();
  return {
    getKeys: async () => [...m.keys()],
    getEntries: async <T>() => [...m.entries()] as [string, T][],
    getItem: async <T>(k: string) => m.get(k) as T | undefined,
    setItem: async <T>(k: string, v: T) => void m.set(k, v),
    removeItem: async (k: string) => void m.delete(k),
  };
}

export async function startWalletConnectWallet(o: {
  relayUrl: string;
  projectId: string;
  privateKey: Hex;
  rpcUrl: string;
  chainId: number;
}): Promise<WalletConnectWallet> {
  const signer = keySigner(o.privateKey, o.rpcUrl);
  const caip = `eip155:${o.chainId}`;
  const client = await SignClient.init({
    projectId: o.projectId,
    relayUrl: o.relayUrl,
    storage: memoryStorage(),
    // Its own core, apart from any other WalletConnect client in this process.
    customStoragePrefix: "tc-test-wallet",
    telemetryEnabled: false,
    logger: "error",
    metadata: {
      name: "Tensorchain Test Phone Wallet",
      description: "test",
      url: "http://127.0.0.1",
      icons: [],
    },
  });
  const requests: string[] = [];
  const approved: string[] = [];
  const failures: Error[] = [];

  client.on("session_proposal", ({ id }) => {
    void client
      .approve({
        id,
        namespaces: {
          eip155: {
            chains: [caip],
            accounts: [`${caip}:${signer.account.address}`],
            methods: METHODS,
            events: ["chainChanged", "accountsChanged"],
          },
        },
      })
      .then(async ({ topic, acknowledged }) => {
        approved.push(topic);
        await acknowledged();
      })
      .catch((err: Error) => failures.push(err));
  });

  // The dApp disconnecting deletes the session over the relay.
  client.on("session_delete", ({ topic }) => {
    const i = approved.indexOf(topic);
    if (i >= 0) approved.splice(i, 1);
  });
  client.on("session_request", ({ topic, id, params }) => {
    const { method, params: p } = params.request as { method: string; params: unknown[] };
    requests.push(method);
    const answer = async (): Promise<Reply> => {
      switch (method) {
        case "eth_sendTransaction":
          return signer.sendTransaction(p);
        case "personal_sign":
          return signer.personalSign(p);
        case "wallet_switchEthereumChain":
        case "wallet_addEthereumChain":
          // The session is on the dApp's chain only.
          return Number((p[0] as { chainId: Hex }).chainId) === o.chainId
            ? { result: null }
            : { error: { code: 4902, message: "unknown chain" } };
        default:
          return { error: { code: 4200, message: `unsupported method ${method}` } };
      }
    };
    void answer()
      .then((r) =>
        client.respond({
          topic,
          response:
            "error" in r
              ? { id, jsonrpc: "2.0", error: { code: r.error.code, message: r.error.message } }
              : { id, jsonrpc: "2.0", result: r.result },
        }),
      )
      .catch((err: Error) => failures.push(err));
  });

  return {
    address: signer.account.address,
    requests,
    async pair(uri) {
      if (failures.length > 0) throw failures[0];
      await client.core.pairing.pair({ uri });
    },
    sessions: () => {
      if (failures.length > 0) throw failures[0];
      return [...approved];
    },
    async stop() {
      await client.core.relayer.transportClose().catch(() => undefined);
    },
  };
}
