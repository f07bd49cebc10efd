import type { Metadata } from "next";
import type { Hex } from "viem";
import { AddressDetails } from "@/components/explorer/AddressDetails";
import { getWalletSettings } from "@/lib/wallet/config";
import { VerifyAccount } from "@/components/explorer/LightClientVerify";
import { addressParam, txCursor } from "@/lib/api/params";
import { getPublicClient } from "@/lib/chain/rpc";
import { getPrisma } from "@/lib/db/client";
import { precompileName } from "@/lib/explorer/decode-call";
import { shortHash } from "@/lib/explorer/format";
import { readLiveAccount } from "@/lib/explorer/live";
import { firstParam, parseOptional, parseOr404, type SearchParams } from "@/lib/explorer/params";
import { loadAddressPage } from "@/lib/explorer/queries";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ address: string }>; searchParams: Promise<SearchParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Address ${shortHash((await params).address)}` };
}

export default async function AddressPage({ params, searchParams }: Props) {
  const address = parseOr404(addressParam, (await params).address);
  const cursor = parseOptional(txCursor, firstParam((await searchParams).cursor));
  const [data, live] = await Promise.all([
    loadAddressPage(getPrisma(), address, cursor),
    readLiveAccount(getPublicClient(), address as Hex),
  ]);
  return (
    <>
      <h1 className="page-title">Address</h1>
      <AddressDetails
        address={address}
        data={data}
        live={live}
        firstPage={cursor === undefined}
        precompile={precompileName(address)}
      />
      <VerifyAccount address={address} chain={getWalletSettings().chain} />
    </>
  );
}
