"use client";
// The header's wallet control: connect (every EIP-6963 wallet found, plus the legacy injected
// one), the account, a wrong-network warning with a one-click switch (wagmi asks the wallet
// to wallet_switchEthereumChain and, when it does not know the chain, wallet_addEthereumChain),
// and Sign-In with Ethereum for off-chain actions. WalletConnect (when configured) shows its
// pairing URI and QR code in the menu until the wallet approves the session.
import { useEffect, useRef, useState } from "react";
import {
  useAccount,
  useConnect,
  useConnectors,
  useDisconnect,
  useSwitchChain,
  type Connector,
} from "wagmi";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { describeWalletError } from "@/lib/wallet/errors";
import { WALLETCONNECT_ID } from "@/lib/wallet/wagmi";
import { useSiwe } from "./useSiwe";
import { WalletConnectPairing } from "./WalletConnectPairing";
import { useWalletSettings } from "./WalletProviders";
import "./wallet.css";

const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;

export function ConnectButton() {
  const settings = useWalletSettings();
  const { address, chainId, status } = useAccount();
  const connectors = useConnectors();
  const connect = useConnect();
  const { disconnect } = useDisconnect();
  const switchChain = useSwitchChain();
  const siwe = useSiwe();
  const [open, setOpen] = useState(false);
  // WalletConnect chosen: undefined when not pairing, null until the pairing URI is known.
  const [pairingUri, setPairingUri] = useState<string | null | undefined>(undefined);
  // Set once React runs here: before that a click does nothing (and tests wait for it).
  const [hydrated, setHydrated] = useState(false);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => setHydrated(true), []);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (menu.current && !menu.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, [open]);

  const choose = (c: Connector) => {
    if (c.id !== WALLETCONNECT_ID) {
      connect.mutate({ connector: c }, { onSuccess: () => setOpen(false) });
      return;
    }
    // The connector reports the pairing URI as a message once its relay client made one.
    const onMessage = (m: { type: string; data?: unknown }) => {
      if (m.type === "display_uri" && typeof m.data === "string") setPairingUri(m.data);
    };
    c.emitter.on("message", onMessage);
    setPairingUri(null);
    connect.mutate(
      { connector: c },
      {
        onSuccess: () => setOpen(false),
        onSettled: () => {
          c.emitter.off("message", onMessage);
          setPairingUri(undefined);
        },
      },
    );
  };

  if (status !== "connected" || address === undefined) {
    // The generic injected connector duplicates an announced wallet; list it only when none announced itself.
    const injectedOnes = connectors.filter((c) => c.type === "injected");
    const announced = injectedOnes.filter((c) => c.id !== "injected");
    // WalletConnect is in the config only when a project id is configured (lib/wallet/wagmi.ts).
    const list = [
      ...(announced.length > 0 ? announced : injectedOnes),
      ...connectors.filter((c) => c.type !== "injected"),
    ];
    return (
      <div className="wallet" ref={menu} data-hydrated={hydrated || undefined}>
        <Button
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          disabled={status === "connecting" || status === "reconnecting"}
        >
          {status === "connecting" || status === "reconnecting" ? "Connecting…" : "Connect wallet"}
        </Button>
        {open && (
          <div className="wallet-menu" role="menu">
            {list.map((c) => (
              <button
                key={c.uid}
                role="menuitem"
                className="wallet-menu-item"
                onClick={() => choose(c)}
                disabled={connect.isPending}
              >
                {c.icon ? <img src={c.icon} alt="" width={20} height={20} /> : null}
                {c.name}
              </button>
            ))}
            {pairingUri !== undefined && <WalletConnectPairing uri={pairingUri} />}
            {list.length === 0 && (
              <p className="wallet-menu-note">
                No browser wallet found. Install one (any EIP-6963 wallet) and reload.
              </p>
            )}
            {connect.error && (
              <p className="ui-field-error" role="alert">
                {describeWalletError(connect.error).message}
              </p>
            )}
          </div>
        )}
      </div>
    );
  }

  const wrongNetwork = chainId !== settings.chain.id;
  return (
    <div className="wallet" ref={menu} data-hydrated={hydrated || undefined}>
      {wrongNetwork ? (
        <span className="wallet-wrong" data-testid="wrong-network">
          <Badge tone="danger">Wrong network</Badge>
          <Button
            onClick={() => switchChain.mutate({ chainId: settings.chain.id })}
            disabled={switchChain.isPending}
          >
            {switchChain.isPending ? "Switching…" : `Switch to ${settings.chain.name}`}
          </Button>
        </span>
      ) : null}
      <Button
        variant="secondary"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        data-testid="wallet-account"
      >
        <span className="mono">{short(address)}</span>
        {siwe.signedIn ? <span aria-label="signed in"> ✓</span> : null}
      </Button>
      {open && (
        <div className="wallet-menu" role="menu">
          <p className="wallet-menu-note mono">{address}</p>
          {siwe.signedIn ? (
            <button
              role="menuitem"
              className="wallet-menu-item"
              onClick={() => siwe.signOut.mutate()}
              disabled={siwe.signOut.isPending}
            >
              Sign out
            </button>
          ) : (
            <button
              role="menuitem"
              className="wallet-menu-item"
              onClick={() => siwe.signIn.mutate()}
              disabled={siwe.signIn.isPending}
            >
              {siwe.signIn.isPending ? "Check your wallet…" : "Sign in with Ethereum"}
            </button>
          )}
          <button role="menuitem" className="wallet-menu-item" onClick={() => disconnect()}>
            Disconnect
          </button>
        </div>
      )}
      {switchChain.error && (
        <span className="ui-field-error" role="alert">
          {describeWalletError(switchChain.error).message}
        </span>
      )}
      {siwe.signIn.error && (
        <span className="ui-field-error" role="alert" data-testid="siwe-error">
          {siwe.signIn.error.message}
        </span>
      )}
    </div>
  );
}
