// /miner: thin route; the portal is a client component driven by the connected wallet.
import type { Metadata } from "next";
import { MinerPortal } from "@/components/portals/MinerPortal";

export const metadata: Metadata = { title: "Miner portal" };

export default function Page() {
  return (
    <>
      <h1 className="page-title">Miner portal</h1>
      <MinerPortal />
    </>
  );
}
