// Validates JSON-RPC results against the Ethereum execution-apis schemas kept beside the repo
// (/work/shared/specs/execution-apis-schemas.json, JSON Schema draft 2019-09, `$ref`s into
// `components.schemas`). Returns null when the spec file is absent, so callers can skip.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2019 } from "ajv/dist/2019.js";
import type { ValidateFunction } from "ajv";

const here = path.dirname(fileURLToPath(import.meta.url));
/** `../shared/specs/…` relative to the repository root. */
export const SPEC_PATH = path.resolve(here, "../../../../shared/specs/execution-apis-schemas.json");

interface SpecFile {
  components: { schemas: Record<string, unknown> };
  methods: Record<string, { params: unknown[]; result: unknown }>;
}

export interface SpecValidator {
  /** Methods the spec defines. */
  methods: string[];
  /** Error strings for `result` of `method`; empty when it conforms. */
  check(method: string, result: unknown): string[];
}

export function loadSpecValidator(): SpecValidator | null {
  if (!existsSync(SPEC_PATH)) return null;
  const spec = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as SpecFile;
  // strict: false because the spec uses annotation keywords (title, etc.) ajv does not know.
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addSchema({ $id: "spec", components: spec.components }, "spec");
  const cache = new Map<string, ValidateFunction>();
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node && typeof node === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) {
        out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `spec${v}` : rewrite(v);
      }
      return out;
    }
    return node;
  };
  return {
    methods: Object.keys(spec.methods),
    check(method, result) {
      let validate = cache.get(method);
      if (!validate) {
        const def = spec.methods[method];
        if (!def) return [`the spec has no method ${method}`];
        validate = ajv.compile(rewrite(def.result) as object);
        cache.set(method, validate);
      }
      if (validate(result)) return [];
      return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "invalid"}`);
    },
  };
}
