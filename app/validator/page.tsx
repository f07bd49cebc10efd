// /validator: thin route; the portal is a client component driven by the connected wallet.
import type { Metadata } from "next";
import { ValidatorPortal } from "@/components/portals/ValidatorPortal";

export const metadata: Metadata = { title: "Validator portal" };

export default function Page() {
  return (
    <>
      <h1 className="page-title">Validator portal</h1>
      <ValidatorPortal />
    </>
  );
}
