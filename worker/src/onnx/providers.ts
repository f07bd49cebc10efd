// Which execution providers this machine offers. onnxruntime-node lists "cuda" as a supported
// backend even when its provider library is not installed (bundled: false), so we also look for
// the library next to the binding; session creation still tries CUDA in a guarded way and falls
// back to CPU (see session-host.ts), so a wrong guess here costs one failed attempt, not a job.
import { createRequire } from "node:module";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { ExecutionProvider } from "./host-protocol.js";

let cached: ExecutionProvider[] | undefined;

function cudaLibraryPresent(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const pkgDir = path.dirname(require.resolve("onnxruntime-node/package.json"));
    const binDir = path.join(pkgDir, "bin", "napi-v6", process.platform, process.arch);
    if (!existsSync(binDir)) return false;
    return readdirSync(binDir).some((f) => f.includes("providers_cuda"));
  } catch {
    return false;
  }
}

/** ['cuda', 'cpu'] where CUDA is usable, else ['cpu']. `prefer` forces a choice (config). */
export async function detectExecutionProviders(
  prefer: "auto" | ExecutionProvider = "auto",
): Promise<ExecutionProvider[]> {
  if (prefer === "cpu") return ["cpu"];
  if (prefer === "cuda") return ["cuda", "cpu"];
  if (cached) return cached;
  const ort = await import("onnxruntime-node");
  const backends = ort.listSupportedBackends();
  const cuda = backends.find((b) => b.name === "cuda");
  cached = cuda && (cuda.bundled || cudaLibraryPresent()) ? ["cuda", "cpu"] : ["cpu"];
  return cached;
}
