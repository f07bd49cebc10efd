// An EIP-1193 wallet for browser tests: the page gets a provider (announced over EIP-6963 and
// not as window.ethereum, like a modern wallet) whose requests run here, in the test process:
// accounts and signatures from a local private key, transactions signed locally and sent to
// the dev node, everything else forwarded to the node's RPC. It starts on a chain the dApp
// does not use, knows no other chain until wallet_addEthereumChain, and can be told to
// reject the next request of a kind, like a user pressing "Reject".
import type { Page } from "playwright-core";
import { createWalletClient, hexToBigInt, http, numberToHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export const TEST_WALLET_NAME = "Tensorchain Test Wallet";

export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}
export type Reply = { result: unknown; emit?: [string, unknown] } | { error: RpcError };

/**
 * What a wallet does with its key, as EIP-1193 replies: personal_sign, and eth_sendTransaction
 * signed locally and sent to the node (a node error comes back as the wallet's error).
 */
export function keySigner(privateKey: Hex, rpcUrl: string) {
  const account = privateKeyToAccount(privateKey);
  const client = createWalletClient({ account, transport: http(rpcUrl, { retryCount: 0, timeout: 60_000 }) });
  return {
    account,
    async personalSign(params: unknown[]): Promise<Reply> {
      const [message, address] = params as [Hex, Hex];
      if (address.toLowerCase() !== account.address.toLowerCase())
        return { error: { code: 4100, message: "unknown account" } };
      return { result: await account.signMessage({ message: { raw: message } }) };
    },
    async sendTransaction(params: unknown[]): Promise<Reply> {
      const tx = params[0] as { to?: Hex; data?: Hex; value?: Hex; gas?: Hex };
      try {
        const hash = await client.sendTransaction({
          chain: null,
          to: tx.to ?? null,
          ...(tx.data ? { data: tx.data } : {}),
          ...(tx.value ? { value: hexToBigInt(tx.value) } : {}),
          ...(tx.gas ? { gas: hexToBigInt(tx.gas) } : {}),
        });
        return { result: hash };
      } catch (err) {
        const e = err as {
          shortMessage?: string;
          message: string;
          cause?: { data?: unknown; code?: number };
        };
        return {
          error: { code: e.cause?.code ?? -32603, message: e.shortMessage ?? e.message, data: e.cause?.data },
        };
      }
    },
  };
}

export interface TestWallet {
  address: Hex;
  /** The chain the wallet is on now. */
  chainId(): number;
  /** wallet_addEthereumChain requests the dApp made. */
  addedChains: Array<Record<string, unknown>>;
  /** Every method the page called, in order. */
  calls: string[];
  /** The next request of `method` fails with 4001 (user rejected). */
  rejectNext(method: string): void;
  /** The user switches the wallet to `chainId` (a chain it knows) in the wallet itself. */
  switchInWallet(chainId: number): Promise<void>;
}

const USER_REJECTED: RpcError = { code: 4001, message: "User rejected the request." };

export async function installTestWallet(
  page: Page,
  o: { privateKey: Hex; rpcUrl: string; startChainId: number },
): Promise<TestWallet> {
  const signer = keySigner(o.privateKey, o.rpcUrl);
  const account = signer.account;
  let chainId = o.startChainId;
  const known = new Set<number>([o.startChainId]);
  const reject = new Set<string>();
  let connected = false;
  const wallet: TestWallet = {
    address: account.address,
    chainId: () => chainId,
    addedChains: [],
    calls: [],
    rejectNext: (m) => void reject.add(m),
    switchInWallet: async (id) => {
      if (!known.has(id)) throw new Error(`the test wallet does not know chain ${id}`);
      chainId = id;
      await page.evaluate(`window.__tcTestWalletEmit("chainChanged", ${JSON.stringify(numberToHex(id))})`);
    },
  };

  async function forward(method: string, params: unknown[]): Promise<Reply> {
    const res = await fetch(o.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: unknown; error?: RpcError };
    return body.error ? { error: body.error } : { result: body.result ?? null };
  }

  async function handle(method: string, params: unknown[]): Promise<Reply> {
    wallet.calls.push(method);
    if (reject.delete(method)) return { error: USER_REJECTED };
    switch (method) {
      case "eth_requestAccounts":
        connected = true;
        return { result: [account.address] };
      case "eth_accounts":
        return { result: connected ? [account.address] : [] };
      case "eth_chainId":
        return { result: numberToHex(chainId) };
      case "net_version":
        return { result: String(chainId) };
      case "wallet_requestPermissions":
      case "wallet_getPermissions":
        return { result: connected ? [{ parentCapability: "eth_accounts" }] : [] };
      case "wallet_revokePermissions":
        connected = false;
        return { result: null };
      case "wallet_switchEthereumChain": {
        const id = Number((params[0] as { chainId: Hex }).chainId);
        if (!known.has(id))
          return {
            error: {
              code: 4902,
              message: `Unrecognized chain ID ${numberToHex(id)}. Try adding the chain using wallet_addEthereumChain first.`,
            },
          };
        chainId = id;
        return { result: null, emit: ["chainChanged", numberToHex(id)] };
      }
      case "wallet_addEthereumChain": {
        const p = params[0] as Record<string, unknown> & { chainId: Hex };
        wallet.addedChains.push(p);
        known.add(Number(p.chainId));
        // Like MetaMask: adding a chain also switches to it once the user approves.
        chainId = Number(p.chainId);
        return { result: null, emit: ["chainChanged", p.chainId] };
      }
      case "personal_sign":
        return signer.personalSign(params);
      case "eth_sendTransaction":
        return signer.sendTransaction(params);
      default:
        return forward(method, params);
    }
  }

  await page.exposeFunction("__tcTestWallet", (method: string, params: unknown[]) =>
    handle(method, params ?? []),
  );
  // A string, not a function: the test runner's transpiler would inject helpers (esbuild's
  // __name) into a serialised function that do not exist in the page.
  await page.addInitScript(`(() => {
    const listeners = new Map();
    const provider = {
      async request({ method, params }) {
        const r = await window.__tcTestWallet(method, params ?? []);
        if ("error" in r) throw Object.assign(new Error(r.error.message), { code: r.error.code, data: r.error.data });
        if (r.emit) {
          const [event, arg] = r.emit;
          queueMicrotask(() => listeners.get(event)?.forEach((f) => f(arg)));
        }
        return r.result;
      },
      on(event, fn) {
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event).add(fn);
      },
      removeListener(event, fn) {
        listeners.get(event)?.delete(fn);
      },
    };
    window.__tcTestWalletEmit = (event, arg) => listeners.get(event)?.forEach((f) => f(arg));
    const info = Object.freeze({
      uuid: "5b1c7e0a-7c6b-4d7e-9a53-2f1a3b9c0d11",
      name: ${JSON.stringify(TEST_WALLET_NAME)},
      rdns: "org.tensorchain.testwallet",
      icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'%3E%3Crect width='10' height='10' fill='%236d28d9'/%3E%3C/svg%3E",
    });
    const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
    window.addEventListener("eip6963:requestProvider", announce);
    announce();
  })();`);
  return wallet;
}
