// `tensorchain deploy --validators N --out DIR`: argument parsing and output of the generator.
import { parseArgs } from "node:util";
import { z } from "zod";
import { generateDeployment } from "./generate.js";

export const DEPLOY_USAGE = `usage: tensorchain deploy --out DIR [--validators N] [--chain-id ID] [--network NAME] [--block-time MS]
                          [--dev] [--image IMAGE] [--namespace NS] [--local-base-port PORT] [--force]

  --out DIR              directory to write the deployment into (must be empty unless --force)
  --validators N         number of validators (default 4)
  --chain-id ID          chain id (default 5522766)
  --network NAME         network name (default tensorchain-local)
  --block-time MS        target block time in milliseconds (default 1000)
  --dev                  fund the 10 public dev accounts (test networks only)
  --image IMAGE          container image of the repository (default tensorchain:latest)
  --namespace NS         Kubernetes namespace (default: the network name)
  --local-base-port PORT first port of the local-process topology (default 30000)
  --force                write into a non-empty directory`;

const int = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `--${name} must be a number` })
    .int(`--${name} must be an integer`)
    .min(min, `--${name} must be at least ${min}`)
    .max(max, `--${name} must be at most ${max}`);

const argsSchema = z.object({
  out: z.string({ error: "--out is required" }).min(1, "--out is required"),
  validators: int("validators", 1, 100).default(4),
  "chain-id": int("chain-id", 1, 2 ** 32 - 1).optional(),
  network: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "--network: lowercase letters, digits and dashes")
    .optional(),
  "block-time": int("block-time", 50, 60_000).optional(),
  dev: z.boolean().default(false),
  image: z.string().min(1).max(256).optional(),
  namespace: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "--namespace must be a DNS label")
    .optional(),
  "local-base-port": int("local-base-port", 1024, 65000).optional(),
  force: z.boolean().default(false),
});

/** Runs `tensorchain deploy`; returns the exit status (0 ok, 1 failed, 2 bad arguments). */
export async function runDeployCommand(
  argv: string[],
  out: (line: string) => void = console.log,
): Promise<number> {
  let values: Record<string, unknown>;
  try {
    const parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: "string" },
        validators: { type: "string" },
        "chain-id": { type: "string" },
        network: { type: "string" },
        "block-time": { type: "string" },
        dev: { type: "boolean" },
        image: { type: "string" },
        namespace: { type: "string" },
        "local-base-port": { type: "string" },
        force: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (parsed.values.help) {
      out(DEPLOY_USAGE);
      return 0;
    }
    values = parsed.values;
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n\n${DEPLOY_USAGE}`);
    return 2;
  }
  const args = argsSchema.safeParse(values);
  if (!args.success) {
    console.error(`error: ${args.error.issues[0]!.message}\n\n${DEPLOY_USAGE}`);
    return 2;
  }
  const a = args.data;
  try {
    const { plan, files } = await generateDeployment({
      out: a.out,
      validators: a.validators,
      chainId: a["chain-id"],
      networkName: a.network,
      blockTimeMs: a["block-time"],
      dev: a.dev,
      image: a.image,
      namespace: a.namespace,
      localBasePort: a["local-base-port"],
      force: a.force,
    });
    out(
      `wrote ${files.length} files to ${a.out} (chain id ${plan.chainId}, ${plan.validators.length} validators)`,
    );
    for (const f of files) out(`  ${f}`);
    out(`next: read ${a.out}/DEPLOY.md; keep ${a.out}/nodes/*/keys and ${a.out}/.env secret`);
    return 0;
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 1;
  }
}
