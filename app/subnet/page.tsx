// /subnet: thin route; the portal is a client component driven by the connected wallet.
import type { Metadata } from "next";
import { SubnetPortal } from "@/components/portals/SubnetPortal";

export const metadata: Metadata = { title: "Subnet owner portal" };

export default function Page() {
  return (
    <>
      <h1 className="page-title">Subnet owner portal</h1>
      <SubnetPortal />
    </>
  );
}
