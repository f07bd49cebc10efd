// Which execution providers this machine offers. onnxruntime-node lists "cuda" as a supported
// backend even when its provider library is not installed (bundled: false), so we also look for
// the library next to the binding; session creation still tries CUDA in a guarded way and falls
// back to CPU (see session-host.ts), so a wrong guess here costs one failed attempt, not a job.
import { createRequire } from "node:module";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { ExecutionProvider } from "./host-protocol.js";

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

export interface ProviderChoice {
  /** In order of preference; always ends with "cpu". */
  providers: ExecutionProvider[];
  /** Why: logged when the worker starts. */
  reason: string;
}

let cached: ProviderChoice | undefined;

/** ['cuda', 'cpu'] where CUDA is usable, else ['cpu'], and why. `prefer` forces a choice (config). */
export async function chooseExecutionProviders(
  prefer: "auto" | ExecutionProvider = "auto",
): Promise<ProviderChoice> {
  if (prefer === "cpu") return { providers: ["cpu"], reason: "CPU chosen by configuration" };
  if (prefer === "cuda")
    return {
      providers: ["cuda", "cpu"],
      reason: "CUDA chosen by configuration (CPU if a session cannot use it)",
    };
  if (cached) return cached;
  const ort = await import("onnxruntime-node");
  const cuda = ort.listSupportedBackends().find((b) => b.name === "cuda");
  if (!cuda) cached = { providers: ["cpu"], reason: "this onnxruntime-node build has no CUDA provider" };
  else if (cuda.bundled || cudaLibraryPresent())
    cached = {
      providers: ["cuda", "cpu"],
      reason: "CUDA provider library found (CPU if a session cannot use it)",
    };
  else
    cached = {
      providers: ["cpu"],
      reason:
        "no CUDA provider library next to onnxruntime-node's binding (install onnxruntime-node with CUDA)",
    };
  return cached;
}
