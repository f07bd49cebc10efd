"use client";
// The WalletConnect pairing step of the connect menu: the pairing URI the dApp's WalletConnect
// client produced (wagmi relays it as a `display_uri` message), drawn as a QR code for a phone
// wallet to scan, and as text to copy into a wallet that takes the URI. The QR encoder is
// loaded only here, when a pairing is shown.
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/Button";

export function WalletConnectPairing({ uri }: { uri: string | null }) {
  const [qr, setQr] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    setQr(null);
    setCopied(false);
    if (uri === null) return;
    let live = true;
    void import("qrcode").then(async (QRCode) => {
      const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
      if (live) setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    });
    return () => {
      live = false;
    };
  }, [uri]);

  if (uri === null)
    return (
      <p className="wallet-menu-note" data-testid="walletconnect-waiting">
        Opening a WalletConnect pairing…
      </p>
    );
  return (
    <div className="wallet-pairing" data-testid="walletconnect-pairing">
      <p className="wallet-menu-note">Scan with your wallet, or copy the pairing URI into it.</p>
      {qr !== null ? (
        <img src={qr} alt="WalletConnect pairing QR code" width={232} height={232} data-testid="walletconnect-qr" />
      ) : (
        <div className="wallet-pairing-qr-placeholder" aria-hidden />
      )}
      <input
        className="ui-input mono"
        readOnly
        value={uri}
        aria-label="WalletConnect pairing URI"
        data-testid="walletconnect-uri"
        onFocus={(e) => e.currentTarget.select()}
      />
      <Button
        variant="secondary"
        onClick={() => void navigator.clipboard.writeText(uri).then(() => setCopied(true))}
      >
        {copied ? "Copied" : "Copy URI"}
      </Button>
    </div>
  );
}
