// /staking: thin route; the portal is a client component driven by the connected wallet.
import type { Metadata } from "next";
import { StakingPortal } from "@/components/portals/StakingPortal";

export const metadata: Metadata = { title: "Staking" };

export default function Page() {
  return (
    <>
      <h1 className="page-title">Staking</h1>
      <StakingPortal />
    </>
  );
}
