// `tensorchain-worker run [flags]` and `tensorchain-worker verify <receipt.json> [...]`.
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { loadConfig, optionsHelp, parseFlags } from "./config.js";
import { WorkerError, errorReason } from "./errors.js";
import { createLogger } from "./log.js";
import { readReceiptFile, verifyEvaluation } from "./verify.js";
import { Worker, createJobContext } from "./worker.js";
import type { Hash32 } from "./task-spec.js";

const USAGE = `usage:
  tensorchain-worker run [flags]
  tensorchain-worker verify <receipt.json> [--model FILE --dataset FILE | --api-url URL] [--tolerance BPS]

flags (each also read from its environment variable):
${optionsHelp()}
`;

async function run(flags: Record<string, string>): Promise<number> {
  const config = loadConfig({ flags });
  const worker = await Worker.create(config);
  await worker.start();
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (sig: string) => {
      if (stopping) {
        process.stderr.write(`second ${sig}: exiting now\n`);
        process.exit(1);
      }
      stopping = true;
      void worker.stop().then(resolve);
    };
    process.on("SIGTERM", () => onSignal("SIGTERM"));
    process.on("SIGINT", () => onSignal("SIGINT"));
  });
  return 0;
}

async function verify(positionals: string[], flags: Record<string, string>): Promise<number> {
  const file = positionals[0];
  if (!file) {
    process.stderr.write(USAGE);
    return 2;
  }
  const { model, dataset, tolerance, api, ...rest } = flags;
  // verify signs nothing; a throwaway key satisfies the job context.
  const config = loadConfig({
    flags: {
      ...rest,
      ...(api ? { "api-url": api } : {}),
      "private-key": rest["private-key"] ?? generatePrivateKey(),
    },
  });
  const log = createLogger({ json: false });
  const ctx = await createJobContext(config, { account: privateKeyToAccount(config.privateKey!), log });
  try {
    const { signed, taskSpec } = await readReceiptFile(file);
    const report = await verifyEvaluation(ctx, signed, {
      ...(taskSpec ? { taskSpec } : {}),
      ...(model ? { modelBytes: new Uint8Array(await readFile(model)) } : {}),
      ...(dataset ? { datasetBytes: new Uint8Array(await readFile(dataset)) } : {}),
      toleranceBps: tolerance ? Number(tolerance) : 0,
    });
    process.stdout.write(
      JSON.stringify({ modelHash: signed.receipt.modelHash as Hash32, ...report }, null, 2) + "\n",
    );
    return report.reproduced ? 0 : 1;
  } finally {
    await ctx.models.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { flags, positionals } = parseFlags(rest);
  try {
    switch (command) {
      case "run":
        return await run(flags);
      case "verify":
        return await verify(positionals, flags);
      case undefined:
      case "help":
      case "--help":
        process.stdout.write(USAGE);
        return command ? 0 : 2;
      default:
        process.stderr.write(`unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    process.stderr.write(`error: ${err instanceof WorkerError ? err.message : errorReason(err)}\n`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
