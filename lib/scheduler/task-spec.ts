// A subnet's task spec document (worker/src/task-spec.ts): the chain keeps its URI and the data
// set hash; the document (model signature, metric, data set) is fetched from the URI —
// http(s):// (e.g. the app's own /api/v1/blobs/<sha256>) or file:// — validated with the
// worker's schema, and must name the data set the chain names.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { zeroHash } from "viem";
import { taskSpecSchema, type TaskSpec } from "@tensorchain/worker/task-spec";
import type { SubnetJson } from "./chain";

export const MAX_TASK_SPEC_BYTES = 64 * 1024;

export class TaskSpecError extends Error {
  override name = "TaskSpecError";
}

async function fetchText(uri: string, timeoutMs: number): Promise<string> {
  if (uri.startsWith("file://")) return readFile(fileURLToPath(uri), "utf8");
  if (!/^https?:\/\//.test(uri)) throw new TaskSpecError(`unsupported task spec URI ${uri} (http(s):// or file://)`);
  const res = await fetch(uri, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new TaskSpecError(`task spec ${uri} answered HTTP ${res.status}`);
  return res.text();
}

export async function resolveTaskSpec(subnet: SubnetJson, timeoutMs = 10_000): Promise<TaskSpec> {
  const uri = subnet.taskSpecURI;
  let text: string;
  try {
    text = await fetchText(uri, timeoutMs);
  } catch (err) {
    if (err instanceof TaskSpecError) throw err;
    throw new TaskSpecError(`cannot read the task spec of subnet ${subnet.netuid} at ${uri}: ${(err as Error).message}`);
  }
  if (text.length > MAX_TASK_SPEC_BYTES) throw new TaskSpecError(`task spec ${uri} is over ${MAX_TASK_SPEC_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TaskSpecError(`task spec ${uri} is not JSON`);
  }
  const parsed = taskSpecSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TaskSpecError(`task spec ${uri}: ${issue?.path.join(".") || "document"}: ${issue?.message}`);
  }
  const onChain = subnet.taskSpec.datasetHash?.toLowerCase();
  if (onChain && onChain !== zeroHash && onChain !== parsed.data.dataset.hash) {
    throw new TaskSpecError(
      `task spec ${uri} names data set ${parsed.data.dataset.hash}, the chain says ${onChain}`,
    );
  }
  return parsed.data;
}
