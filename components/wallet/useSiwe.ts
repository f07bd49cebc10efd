"use client";
// The SIWE session from the browser's side: what /api/auth/session says, sign in (nonce →
// EIP-4361 message → personal_sign → verify) and sign out. The session is per wallet: when the
// connected account differs from the signed-in one, the portal treats it as signed out.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createSiweMessage } from "viem/siwe";
import { useAccount, useSignMessage } from "wagmi";
import { describeWalletError } from "@/lib/wallet/errors";
import { useWalletSettings } from "./WalletProviders";

export interface SiweSession {
  address: `0x${string}` | null;
  expiresAt?: string;
}

const SESSION_KEY = ["siwe-session"] as const;
/** Sign-in messages are valid for five minutes: enough to read and sign, short if leaked. */
const MESSAGE_TTL_MS = 5 * 60_000;

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { credentials: "same-origin", ...init });
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `${path} answered ${res.status}`);
  return body;
}

export function useSiwe() {
  const { address } = useAccount();
  const settings = useWalletSettings();
  const queryClient = useQueryClient();
  const { signMessageAsync } = useSignMessage();

  const session = useQuery({ queryKey: SESSION_KEY, queryFn: () => api<SiweSession>("/api/auth/session") });

  const signIn = useMutation({
    mutationFn: async () => {
      if (address === undefined) throw new Error("Connect a wallet first.");
      const { nonce } = await api<{ nonce: string }>("/api/auth/nonce");
      const now = new Date();
      const message = createSiweMessage({
        domain: window.location.host,
        uri: window.location.origin,
        address,
        chainId: settings.chain.id,
        nonce,
        version: "1",
        statement: "Sign in to the Tensorchain portal. This is not a transaction and costs nothing.",
        issuedAt: now,
        expirationTime: new Date(now.getTime() + MESSAGE_TTL_MS),
      });
      let signature: `0x${string}`;
      try {
        signature = await signMessageAsync({ message });
      } catch (err) {
        throw new Error(describeWalletError(err).message);
      }
      return api<SiweSession>("/api/auth/verify", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message, signature }),
      });
    },
    onSuccess: (s) => queryClient.setQueryData(SESSION_KEY, s),
  });

  const signOut = useMutation({
    mutationFn: () => api<SiweSession>("/api/auth/logout", { method: "POST" }),
    onSuccess: (s) => queryClient.setQueryData(SESSION_KEY, s),
  });

  const signedInAs = session.data?.address ?? null;
  const signedIn =
    signedInAs !== null && address !== undefined && signedInAs.toLowerCase() === address.toLowerCase();
  return { session, signedIn, signedInAs, signIn, signOut };
}
