"use client";
// "Verify with light client" on the block and address pages: runs the settlement light client
// (chain/src/settlement/rpc-verify.ts) in the browser against the node's public RPC URL, so what
// the page shows is checked by the reader's own machine rather than taken from the explorer's
// index. A block passes when its header, rebuilt from the node's eth_getBlockByNumber fields,
// hashes to the hash the commit certificate (tensorchain_getCommit) finalises, with valid
// precommits of more than 2/3 of the voting power of that height's validator set
// (tensorchain_getValidators([height])), and that hash is the one this page shows. An account
// passes when eth_getProof's Merkle proof of it matches the state root of the verified head.
// The validator set is the node's answer: as trustworthy as that node (a stricter client pins
// the genesis set and follows set changes from there).
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { createPublicClient, http } from "viem";
import {
  findValidator,
  type CommitCertificate,
  type Hex,
  type ValidatorSet,
} from "@/chain/src/consensus/types";
import { LightClientError, type VerifiedHeader } from "@/chain/src/settlement/light-client";
import {
  certificateFromRpc,
  validatorSetFromRpc,
  verifyAccountOverRpc,
  verifyBlockOverRpc,
  type RpcRequest,
} from "@/chain/src/settlement/rpc-verify";
import { Button } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";
import type { ChainParams } from "@/lib/chain/chain";
import { formatNumber, formatTen } from "@/lib/explorer/format";
import { DetailList, type Detail } from "./DetailList";

interface BlockCheck {
  header: VerifiedHeader;
  set: ValidatorSet;
  certificate: CommitCertificate;
  signedPower: bigint;
}

type Outcome<T> =
  | { state: "idle" }
  | { state: "running" }
  | { state: "pass"; value: T }
  | { state: "fail"; reason: string; partial: Partial<BlockCheck> };

/** The node's JSON-RPC through viem (timeouts, JSON-RPC errors as typed errors). */
function rpcRequest(url: string): RpcRequest {
  const client = createPublicClient({ transport: http(url, { timeout: 30_000, retryCount: 0 }) });
  return (args) => client.request(args as never);
}

function reasonOf(err: unknown): string {
  if (err && typeof err === "object" && "shortMessage" in err && typeof err.shortMessage === "string")
    return err.shortMessage;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Verifies block `height` and, when `expectedHash` is given, that it is the block the page shows.
 * Everything learnt before a failure is kept in `partial` so the reader sees how far it got.
 */
async function checkBlock(
  request: RpcRequest,
  chainId: bigint,
  height: number,
  partial: Partial<BlockCheck>,
  expectedHash?: string,
): Promise<BlockCheck> {
  const set = validatorSetFromRpc(await request({ method: "tensorchain_getValidators", params: [height] }));
  partial.set = set;
  // verifyBlockOverRpc fetches the certificate itself: keep its answer to report the signers.
  let commit: unknown;
  const recording: RpcRequest = async (args) => {
    const result = await request(args);
    if (args.method === "tensorchain_getCommit") commit = result;
    return result;
  };
  let header: VerifiedHeader;
  try {
    header = await verifyBlockOverRpc(recording, { chainId, validators: set, height });
  } finally {
    if (commit) {
      try {
        partial.certificate = certificateFromRpc(commit);
      } catch {
        // malformed: the verification error says so
      }
    }
  }
  partial.header = header;
  const certificate = partial.certificate!;
  const signedPower = certificate.signatures.reduce(
    (sum, s) => sum + (findValidator(set, s.validator)?.power ?? 0n),
    0n,
  );
  partial.signedPower = signedPower;
  if (expectedHash !== undefined && header.hash.toLowerCase() !== expectedHash.toLowerCase())
    throw new LightClientError(
      `the certified header hash ${header.hash} is not the hash this page shows (${expectedHash})`,
    );
  return { header, set, certificate, signedPower };
}

function powerShare(power: bigint, total: bigint): string {
  if (total === 0n) return "—";
  return `${(Number((power * 10_000n) / total) / 100).toFixed(2)}%`;
}

function blockDetails(c: Partial<BlockCheck>, expectedHash?: string): Detail[] {
  const out: Detail[] = [];
  if (c.certificate && c.set) {
    out.push({
      label: "Signers",
      value: (
        <span data-testid="lc-signers">
          {c.certificate.signatures.length} of {c.set.validators.length} validators
        </span>
      ),
    });
  }
  if (c.signedPower !== undefined && c.set) {
    out.push({
      label: "Voting power signed",
      value: (
        <span data-testid="lc-power">
          {powerShare(c.signedPower, c.set.totalPower)} ({formatTen(c.signedPower)} of{" "}
          {formatTen(c.set.totalPower)})
        </span>
      ),
    });
  }
  if (c.header) {
    out.push({
      label: "Certified header hash",
      value: (
        <span className="mono" data-testid="lc-hash">
          {c.header.hash}
          {expectedHash !== undefined
            ? c.header.hash.toLowerCase() === expectedHash.toLowerCase()
              ? " (matches this page)"
              : " (differs from this page)"
            : null}
        </span>
      ),
    });
    out.push({ label: "State root", value: <span className="mono">{c.header.stateRoot}</span> });
  }
  return out;
}

function Verdict({ outcome }: { outcome: Outcome<unknown> }) {
  if (outcome.state === "pass")
    return (
      <p
        data-testid="lc-verdict"
        data-result="pass"
        style={{ color: "var(--success, #1a7f37)", fontWeight: 600 }}
      >
        ✓ Verified
      </p>
    );
  if (outcome.state === "fail")
    return (
      <p data-testid="lc-verdict" data-result="fail" role="alert" style={{ color: "var(--danger, #cf222e)" }}>
        <strong>✗ Verification failed:</strong> <span data-testid="lc-reason">{outcome.reason}</span>
      </p>
    );
  return null;
}

/** The chain the page was rendered for (the server hands it over; see lib/wallet/config.ts). */
type ChainProp = { chain: Pick<ChainParams, "id" | "rpcUrl"> };

function useRpc(chain: ChainProp["chain"]) {
  const request = useMemo(() => rpcRequest(chain.rpcUrl), [chain.rpcUrl]);
  return { request, chainId: BigInt(chain.id), rpcUrl: chain.rpcUrl };
}

/** Runs `check` on demand; a failure keeps what was learnt before it (`partial`). */
function useVerification<T>(check: (partial: Partial<BlockCheck>) => Promise<T>) {
  const [outcome, setOutcome] = useState<Outcome<T>>({ state: "idle" });
  const run = async () => {
    setOutcome({ state: "running" });
    const partial: Partial<BlockCheck> = {};
    try {
      setOutcome({ state: "pass", value: await check(partial) });
    } catch (err) {
      setOutcome({ state: "fail", reason: reasonOf(err), partial });
    }
  };
  return { outcome, run };
}

function VerifierCard({
  testId,
  outcome,
  run,
  intro,
  children,
}: {
  testId: string;
  outcome: Outcome<unknown>;
  run: () => Promise<void>;
  intro: ReactNode;
  children: ReactNode;
}) {
  // Disabled until hydrated: a click on the server-rendered button would do nothing.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <Card
      title="Light client"
      actions={
        <Button
          onClick={() => void run()}
          disabled={!hydrated || outcome.state === "running"}
          data-testid={testId}
        >
          {outcome.state === "running" ? "Verifying…" : "Verify with light client"}
        </Button>
      }
    >
      <p className="muted" style={{ marginTop: 0 }}>
        {intro}
      </p>
      <Verdict outcome={outcome} />
      {children}
    </Card>
  );
}

/** Block page: checks block `height` against its commit certificate and validator set. */
export function VerifyBlock({ height, hash, chain }: { height: number; hash: string } & ChainProp) {
  const { request, chainId, rpcUrl } = useRpc(chain);
  const { outcome, run } = useVerification((partial) => checkBlock(request, chainId, height, partial, hash));
  const shown = outcome.state === "pass" ? outcome.value : outcome.state === "fail" ? outcome.partial : null;
  return (
    <VerifierCard
      testId="lc-verify-block"
      outcome={outcome}
      run={run}
      intro={
        <>
          Checks in this browser, against the node at <span className="mono">{rpcUrl}</span>, that this block
          carries precommits of more than 2/3 of the voting power of its validator set (as the node reports
          it).
        </>
      }
    >
      {shown ? <DetailList items={blockDetails(shown, hash)} /> : null}
    </VerifierCard>
  );
}

/** Address page: proves the account's balance and nonce against the state root of the verified head. */
export function VerifyAccount({ address, chain }: { address: string } & ChainProp) {
  const { request, chainId, rpcUrl } = useRpc(chain);
  const { outcome, run } = useVerification(async (partial) => {
    const head = Number(BigInt((await request({ method: "eth_blockNumber", params: [] })) as string));
    const block = await checkBlock(request, chainId, head, partial);
    const account = await verifyAccountOverRpc(request, block.header, address as Hex);
    return { account, block };
  });
  const pass = outcome.state === "pass" ? outcome.value : null;
  return (
    <VerifierCard
      testId="lc-verify-account"
      outcome={outcome}
      run={run}
      intro={
        <>
          Proves this account against the state root of the node&apos;s latest block (checked against its
          commit certificate), in this browser, with <span className="mono">eth_getProof</span> from{" "}
          <span className="mono">{rpcUrl}</span>.
        </>
      }
    >
      {pass ? (
        <DetailList
          items={[
            {
              label: "At block",
              value: <span data-testid="lc-block">{formatNumber(pass.block.header.number)}</span>,
            },
            {
              label: "Balance",
              value: <span data-testid="lc-balance">{formatTen(pass.account.balance)}</span>,
            },
            { label: "Nonce", value: formatNumber(pass.account.nonce) },
            ...blockDetails(pass.block),
          ]}
        />
      ) : outcome.state === "fail" ? (
        <DetailList items={blockDetails(outcome.partial)} />
      ) : null}
    </VerifierCard>
  );
}
